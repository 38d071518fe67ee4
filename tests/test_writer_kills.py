"""SIGKILL at every phase of a publish (docs/reference.md, 规则 › 构建与输出; docs/architecture.md).

A child process runs a real `sitegen build` and kills itself with SIGKILL at one chosen point
of the writer (no cleanup runs, as when a CI runner is stopped). Then a reader looks at OUT:
it must be the previous site or the new one, whole. Then the next build must publish exactly
what a clean build of the same sources publishes, with deleted pages gone and unchanged files
keeping their mtime.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import build_ok, copy_site

from sitegen.write.writer import work_area

# Each phase patches one function of the writer so that the process dies there.
CHILD = r"""
import os, signal, sys
from sitegen.write import tree, writer

phase, src, out = sys.argv[1:4]

def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

def after(module, name, calls=1):
    real, seen = getattr(module, name), []
    def wrapper(*args, **kwargs):
        result = real(*args, **kwargs)
        seen.append(1)
        if len(seen) >= calls:
            die()
        return result
    setattr(module, name, wrapper)

def no_exchange(a, b):
    raise OSError(38, "ENOSYS")

if phase == "before-write":           # validated and rendered, nothing written yet
    writer._update = die
elif phase == "after-prune":          # stale files gone from the spare
    after(tree, "prune")
elif phase == "mid-update":           # some new files in the spare, not all
    after(tree, "create", 2)
elif phase == "before-exchange":      # the spare is complete
    writer.exchange = die
elif phase == "after-exchange":       # published; caches and snapshot not yet saved
    after(writer, "exchange")
elif phase == "fallback-aside":       # no RENAME_EXCHANGE: died after OUT was moved aside
    writer.exchange = no_exchange
    real_rename = os.rename
    def rename(a, b):
        real_rename(a, b)
        if str(b).endswith("/old"):
            die()
    writer.os.rename = rename
elif phase == "fallback-placed":      # no RENAME_EXCHANGE: died after the new tree was placed
    writer.exchange = no_exchange
    real_rename = os.rename
    def rename(a, b):
        real_rename(a, b)
        if str(a).endswith("/spare"):
            die()
    writer.os.rename = rename

from sitegen.cli import main
sys.argv = ["sitegen", "build", "-q", "-j", "1", "-s", src, "-o", out]
main()
"""

PHASES = [
    "before-write",
    "after-prune",
    "mid-update",
    "before-exchange",
    "after-exchange",
    "fallback-aside",
    "fallback-placed",
]


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _edit(src: Path, round_: int) -> None:
    """Change one story, delete another, add a third: pages change, vanish and appear."""
    story = src / "content/stories/story-1.md"
    story.write_text(story.read_text(encoding="utf-8") + f"\n第 {round_} 次修改。\n", encoding="utf-8")
    for old in (src / "content/stories").glob("story-2*.md"):
        old.rename(old.with_name(f"story-2-r{round_}.md"))


def _kill_at(phase: str, src: Path, out: Path) -> int:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, phase, str(src), str(out)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    return done.returncode


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[object, object]:
    """Built once per module: the new site (a clean build of the edited sources), and the
    state before the killed build — with a spare tree beside OUT, and without one."""
    base = tmp_path_factory.mktemp("kills")
    found: dict[object, object] = {}
    for spare in (True, False):
        root = base / f"spare-{spare}"
        root.mkdir()
        src = copy_site("small", root)
        if spare:
            build_ok(src, root / "out")  # the first rebuild below leaves the spare
        _edit(src, 1)
        build_ok(src, root / "out")
        found[spare] = root
    reference = base / "reference"
    reference.mkdir()
    src = copy_site("small", reference)
    _edit(src, 1)
    _edit(src, 2)
    build_ok(src, reference / "out")
    found["new"] = _tree(reference / "out")
    return found


@pytest.mark.parametrize(
    ("phase", "spare"),
    [(phase, True) for phase in PHASES] + [("mid-update", False), ("after-exchange", False)],
)
def test_a_build_killed_at_any_phase_leaves_a_whole_site(phase: str, spare: bool, sites: dict, tmp_path: Path) -> None:
    root = tmp_path / "site"
    subprocess.run(["cp", "-a", str(sites[spare]), str(root)], check=True)  # keeps OUT and spare linked
    src, out = root / "src", root / "out"
    assert work_area(out).is_dir() == spare
    old = _tree(out)
    old_mtimes = {key: os.stat(out / key).st_mtime_ns for key in old}
    _edit(src, 2)
    new = sites["new"]
    assert new != old

    assert _kill_at(phase, str(src), str(out)) == -signal.SIGKILL

    # a reader between the kill and the next build: the old site or the new one, whole; with
    # two renames instead of the exchange, OUT may be missing until the next run restores it
    seen = _tree(out) if out.exists() else None
    assert seen in (old, new) or (seen is None and phase == "fallback-aside")

    build_ok(src, out)
    assert _tree(out) == new
    assert not (out / "stories/story-2-r1").exists()  # deleted pages disappear
    kept = [key for key in new if old.get(key) == new[key]]
    assert kept and all(os.stat(out / key).st_mtime_ns == old_mtimes[key] for key in kept)
    assert {p.name for p in root.iterdir()} == {"src", "out", work_area(out).name}
    assert sorted(p.name for p in work_area(out).iterdir()) == [".gitignore", "CACHEDIR.TAG", "spare"]
