"""Tests for sitegen.incremental.snapshot: the no-change fast path of `sitegen build`."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import copy_site

from sitegen.cli import main
from sitegen.incremental import snapshot
from sitegen.incremental.snapshot import input_roots, take

STORY = Path("content/stories/story-1.md")


def _built(tmp_path: Path) -> tuple[Path, Path]:
    """A small site built once through the CLI, so its snapshot is recorded."""
    src = copy_site("small", tmp_path)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "-q", "-j", "1", "-s", str(src), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return src, out


def _take(src: Path, out: Path, options: str = "None\0False") -> snapshot.Snapshot:
    return take(src.resolve(), out.resolve(), options)


def test_nothing_changed_is_proved_from_metadata(tmp_path: Path) -> None:
    src, out = _built(tmp_path)
    taken = _take(src, out)
    assert taken.unchanged
    assert taken.pages > 50 and taken.files == sum(1 for p in out.rglob("*") if p.is_file())


def test_touched_files_are_compared_by_digest(tmp_path: Path) -> None:
    src, out = _built(tmp_path)
    for path in (src / "content").rglob("*.md"):
        path.write_bytes(path.read_bytes())  # a git checkout: new mtime and ctime, same bytes
    assert _take(src, out).unchanged


def test_any_input_or_output_change_is_seen_and_undoing_it_is_not_a_change(tmp_path: Path) -> None:
    src, out = _built(tmp_path)
    story, config = src / STORY, src / "sitegen.yaml"
    text, settings = story.read_bytes(), config.read_bytes()
    page = out / "index.html"
    home = page.read_bytes()
    (src / "templates").mkdir(exist_ok=True)
    (src / "static").mkdir(exist_ok=True)
    changes = {  # name: (change, undo)
        "edit": (lambda: story.write_bytes(text.replace("事迹".encode(), "事跡".encode(), 1)), lambda: story.write_bytes(text)),
        "add": (lambda: (src / "content/stories/story-9.md").write_bytes(text), lambda: (src / "content/stories/story-9.md").unlink()),
        "delete": (story.unlink, lambda: story.write_bytes(text)),
        "rename": (lambda: story.rename(story.with_name("story-0.md")), lambda: story.with_name("story-0.md").rename(story)),
        "template": (lambda: (src / "templates/story.html").write_text("{% extends 'base.html' %}", encoding="utf-8"),
                     lambda: (src / "templates/story.html").unlink()),
        "static": (lambda: (src / "static/new.txt").write_text("x", encoding="utf-8"), lambda: (src / "static/new.txt").unlink()),
        "config": (lambda: config.write_bytes(settings + b"\n"), lambda: config.write_bytes(settings)),
        "out added": (lambda: (out / "extra.html").write_bytes(b"x"), lambda: (out / "extra.html").unlink()),
        "out edited": (lambda: page.write_bytes(home + b" "), None),  # OUT's own metadata moved: never undone
        "out deleted": (page.unlink, None),
    }  # fmt: skip
    for name, (change, undo) in changes.items():
        change()
        assert not _take(src, out).unchanged, name
        if undo is not None:
            undo()
            assert _take(src, out).unchanged, f"{name} undone"


def test_other_options_or_another_out_do_the_work(tmp_path: Path) -> None:
    src, out = _built(tmp_path)
    assert not _take(src, out, "https://example.org/other/\0False").unchanged
    assert not _take(src, out, "None\0True").unchanged
    assert not _take(src, tmp_path / "elsewhere").unchanged


def test_racy_files_are_compared_by_digest_even_with_equal_metadata(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src, out = _built(tmp_path)
    story = src / STORY
    story.write_text(story.read_text(encoding="utf-8") + "\n新。\n", encoding="utf-8")
    taken = _take(src, out)  # just written: within the racy window
    root = str(src.resolve() / "content")
    assert "stories/story-1.md" in taken.racy[root]
    taken.save(out.resolve(), taken.pages, [])
    # rewritten within the same timestamp tick: same size, same metadata, other bytes
    listed = {k: [list(e) for e in v] for k, v in taken.roots.items()}
    story.write_text(story.read_text(encoding="utf-8").replace("新", "旧"), encoding="utf-8")
    monkeypatch.setattr(snapshot, "_list", lambda path: [list(e) for e in listed.get(str(path), [])])
    assert not _take(src, out).unchanged


def test_settled_files_are_not_racy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src, out = _built(tmp_path)
    later = time.time_ns() + 10 * snapshot.RACY_NS  # ctime cannot be set back: move the clock on
    monkeypatch.setattr(snapshot.time, "time_ns", lambda: later)
    taken = _take(src, out)
    assert taken.unchanged and taken.racy[str(src.resolve() / "content")] == []


def test_inputs_include_sitegen_its_theme_and_the_libraries_that_render(tmp_path: Path) -> None:
    roots = [str(p) for p in input_roots(tmp_path)]
    package = Path(snapshot.__file__).resolve().parent.parent
    assert str(package) in roots
    listed = {entry[0] for entry in snapshot._list(package)}
    assert "theme/templates/base.html" in listed and "data/divisions.csv" in listed
    assert not any("__pycache__" in name for name in listed)
    for library in ("jinja2", "markdown", "nh3", "pypinyin", "yaml"):
        assert any(f"/{library}/" in root or f"/{library}." in root for root in roots), library


def test_a_second_cli_build_writes_nothing_and_repeats_the_warnings(tmp_path: Path) -> None:
    src = copy_site("small", tmp_path)
    story = src / STORY
    story.write_text(story.read_text(encoding="utf-8") + "\n<script>x</script>\n", encoding="utf-8")
    out = tmp_path / "out"
    command = [sys.executable, "-c", "from sitegen.cli import main; main()", "build", "-j", "1", "-s", str(src), "-o", str(out)]
    first = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    assert "unsafe-html" in first.stderr
    before = {p: os.stat(p).st_mtime_ns for p in out.rglob("*")}
    second = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stderr
    assert [line for line in second.stderr.splitlines() if "unsafe-html" in line] == [
        line for line in first.stderr.splitlines() if "unsafe-html" in line
    ]
    assert "没有变化" in second.stdout and "未写入任何文件" in second.stdout
    assert {p: os.stat(p).st_mtime_ns for p in out.rglob("*")} == before
    # the fast path does not import the pipeline
    probe = subprocess.run(
        [sys.executable, "-c", "import sys; from sitegen.cli import main\ntry: main()\nexcept SystemExit: pass\n"
         "print(sorted(m for m in ('jinja2', 'pydantic', 'markdown', 'nh3', 'PIL', 'pypinyin') if m in sys.modules))",
         "build", "-q", "-s", str(src), "-o", str(out)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert probe.stdout.strip().splitlines()[-1] == "[]", probe.stdout + probe.stderr


def test_a_failed_build_keeps_the_record_of_the_last_good_one(tmp_path: Path) -> None:
    src, out = _built(tmp_path)
    story = src / STORY
    good = story.read_bytes()
    story.write_text("---\ntitle: 坏\n---\n", encoding="utf-8")  # no date: an error
    result = CliRunner().invoke(main, ["build", "-q", "-j", "1", "-s", str(src), "-o", str(out)])
    assert result.exit_code == 1
    story.write_bytes(good)
    assert _take(src, out).unchanged  # OUT is still what these inputs build


def test_a_snapshot_another_user_wrote_is_not_read(tmp_path: Path) -> None:
    """The snapshot is a part of the build cache: the cache's trust rules apply to it too."""
    from sitegen.incremental.store import CACHE_DIR, SNAPSHOT

    src, out = _built(tmp_path)
    assert _take(src, out).unchanged
    os.chown(src / CACHE_DIR / SNAPSHOT, 4242, -1)
    assert _take(src, out).recorded is None
    os.chown(src / CACHE_DIR / SNAPSHOT, os.getuid(), -1)
    os.chown(src / CACHE_DIR, 4242, -1)  # the whole folder: neither read nor written
    taken = _take(src, out)
    assert taken.recorded is None and not taken.unchanged
    before = (src / CACHE_DIR / SNAPSHOT).read_bytes()
    taken.save(out, 0, [])
    assert (src / CACHE_DIR / SNAPSHOT).read_bytes() == before
