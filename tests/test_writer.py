"""Tests for sitegen.write.writer: atomic output through a spare tree beside OUT."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from sitegen.render.artifact import Artifact, Content, DuplicateRoute
from sitegen.write import tree, writer
from sitegen.write.writer import OutputError, WriteStats, recover, work_area


def write_output(out: Path, files: dict[str, Content], *args, **kwargs) -> WriteStats:
    """The writer given one artifact per file (the tests name files, not routes)."""
    return writer.write_output(out, [Artifact(key, content) for key, content in files.items()], *args, **kwargs)


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _siblings(out: Path) -> list[str]:
    """What lies beside OUT, apart from the writer's own work area."""
    return sorted(p.name for p in out.parent.iterdir() if p.name not in (out.name, work_area(out).name))


def _spare(out: Path) -> Path:
    return work_area(out) / "spare"


def _backdate(root: Path) -> None:
    for p in root.rglob("*"):
        if p.is_file():
            os.utime(p, ns=(1_000_000_000, 1_000_000_000))


FILES: dict[str, Content] = {
    "index.html": b"<h1>home</h1>",
    "associations/330106/index.html": "西湖区".encode(),
    "img/logo.svg": b"<svg/>",
}


def test_first_write_creates_files(tmp_path: Path) -> None:
    out = tmp_path / "site" / "output"  # parent created too
    stats = write_output(out, FILES)
    assert stats == WriteStats(written=3, linked=0)
    assert _tree(out) == FILES
    assert _siblings(out) == []


def test_second_write_links_unchanged_and_removes_stale(tmp_path: Path) -> None:
    out = tmp_path / "output"
    write_output(out, {**FILES, "old.html": b"gone"})
    _backdate(out)
    before = {k: os.stat(out / k) for k in FILES}

    new_files = {**FILES, "index.html": b"<h1>home v2</h1>", "new.html": b"new"}
    stats = write_output(out, new_files)

    assert stats == WriteStats(written=2, linked=2)
    assert _tree(out) == new_files
    assert not (out / "old.html").exists()
    for key in ("associations/330106/index.html", "img/logo.svg"):
        st = os.stat(out / key)
        assert st.st_ino == before[key].st_ino
        assert st.st_mtime_ns == 1_000_000_000
        assert st.st_ino == os.stat(_spare(out) / key).st_ino  # the previous output shares it
    assert _tree(_spare(out)) == {**FILES, "old.html": b"gone"}  # the previous output, whole
    changed = os.stat(out / "index.html")
    assert changed.st_ino != before["index.html"].st_ino
    assert changed.st_mtime_ns != 1_000_000_000
    assert _siblings(out) == []


def test_path_artifacts_are_copied_and_compared_by_content(tmp_path: Path) -> None:
    src = tmp_path / "static" / "a.png"
    src.parent.mkdir()
    src.write_bytes(b"\x89PNG" + bytes(range(256)) * 10)
    os.chmod(src, 0o600)
    out = tmp_path / "output"

    assert write_output(out, {"img/a.png": src}) == WriteStats(written=1, linked=0)
    assert (out / "img/a.png").read_bytes() == src.read_bytes()
    assert os.stat(out / "img/a.png").st_ino != os.stat(src).st_ino
    assert os.stat(out / "img/a.png").st_mode & 0o777 != 0o600  # copyfile, not copystat
    ino = os.stat(out / "img/a.png").st_ino

    os.utime(src, ns=(5, 5))  # touched, same content: still unchanged
    assert write_output(out, {"img/a.png": src}) == WriteStats(written=0, linked=1)
    assert os.stat(out / "img/a.png").st_ino == ino

    data = bytearray(src.read_bytes())
    data[-1] ^= 0xFF  # same size, different content
    src.write_bytes(bytes(data))
    assert write_output(out, {"img/a.png": src}) == WriteStats(written=1, linked=0)
    assert (out / "img/a.png").read_bytes() == bytes(data)


def test_failure_mid_assembly_leaves_out_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "output"
    write_output(out, FILES)
    before = {k: (os.stat(out / k).st_ino, v) for k, v in _tree(out).items()}

    calls = 0
    real_create = tree.create

    def failing_create(target: Path, artifact: object) -> None:
        nonlocal calls
        calls += 1
        if isinstance(artifact, Path):
            raise OSError(errno.ENOSPC, "No space left on device")
        real_create(target, artifact)  # type: ignore[arg-type]

    monkeypatch.setattr(tree, "create", failing_create)
    src = tmp_path / "static" / "big.bin"
    src.parent.mkdir()
    src.write_bytes(b"x" * 100)
    with pytest.raises(OutputError, match="磁盘空间不足"):
        write_output(out, {**FILES, "index.html": b"changed", "zz/big.bin": src})
    assert calls == 2
    monkeypatch.undo()

    assert {k: (os.stat(out / k).st_ino, v) for k, v in _tree(out).items()} == before
    assert _siblings(out) == ["static"]
    # the next build finishes what the failed one started
    write_output(out, {**FILES, "index.html": b"changed", "zz/big.bin": src})
    assert _tree(out) == {**FILES, "index.html": b"changed", "zz/big.bin": b"x" * 100}


def test_any_exception_in_assembly_becomes_output_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "output"
    write_output(out, FILES)

    def boom(*args: object) -> bool:
        raise RuntimeError("boom")

    monkeypatch.setattr(tree, "same_content", boom)
    with pytest.raises(OutputError):
        write_output(out, FILES)
    assert _tree(out) == FILES
    assert _siblings(out) == []


def test_missing_source_file_is_output_error(tmp_path: Path) -> None:
    out = tmp_path / "output"
    with pytest.raises(OutputError, match="文件或目录不存在"):
        write_output(out, {"a.png": tmp_path / "nope.png"})
    assert not out.exists()
    assert _siblings(out) == []


@pytest.mark.parametrize(
    "key",
    [
        "/etc/passwd",
        "../escape.html",
        "a/../../escape.html",
        "a/./b.html",
        "a//b.html",
        "dir//",
        "",
        "a\\b.html",
        "..\\x",
        "a\x00b",
        ".",
        "..",
    ],
)
def test_unsafe_keys_rejected(tmp_path: Path, key: str) -> None:
    out = tmp_path / "output"
    with pytest.raises(ValueError):
        write_output(out, {"index.html": b"x", key: b"evil"})
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_file_and_directory_conflict_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        write_output(tmp_path / "output", {"a": b"x", "a/b.html": b"y"})


def test_out_that_is_a_file_is_output_error(tmp_path: Path) -> None:
    out = tmp_path / "output"
    out.write_bytes(b"not a dir")
    with pytest.raises(OutputError):
        write_output(out, FILES)
    assert out.read_bytes() == b"not a dir"


def test_symlinks_in_previous_output_are_not_followed(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"same")
    out = tmp_path / "output"
    write_output(out, {"index.html": b"x"})
    (out / "leak.txt").symlink_to(secret)
    stats = write_output(out, {"index.html": b"x", "leak.txt": b"same"})
    assert stats == WriteStats(written=1, linked=1)
    assert not (out / "leak.txt").is_symlink()
    assert os.stat(out / "leak.txt").st_ino != os.stat(secret).st_ino


def test_recover_restores_legacy_old_output_when_out_missing(tmp_path: Path) -> None:
    """Trees left by a sitegen from before the spare (`.output.sitegen-old-<hex>`)."""
    out = tmp_path / "output"
    write_output(out, FILES)
    old = tmp_path / ".output.sitegen-old-0123abcd"
    new = tmp_path / ".output.sitegen-new-4567ef01"
    out.rename(old)
    new.mkdir()
    (new / "index.html").write_bytes(b"half")

    recover(out)
    assert _tree(out) == FILES
    assert _siblings(out) == []


def test_recover_removes_legacy_leftovers_when_out_exists(tmp_path: Path) -> None:
    out = tmp_path / "output"
    write_output(out, FILES)
    for name in (".output.sitegen-old-aa", ".output.sitegen-new-bb"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "x").write_bytes(b"x")
    (tmp_path / ".other.sitegen-new-cc").mkdir()  # another OUT's: not ours
    (tmp_path / "keep.txt").write_bytes(b"k")

    recover(out)
    assert _tree(out) == FILES
    assert _siblings(out) == [".other.sitegen-new-cc", "keep.txt"]


def test_recover_after_death_between_the_fallback_renames(tmp_path: Path) -> None:
    out = tmp_path / "output"
    write_output(out, FILES)
    write_output(out, {**FILES, "index.html": b"v2"})  # the spare now holds FILES
    area = work_area(out)
    out.rename(area / "old")  # first rename done, the second never happened

    recover(out)
    assert _tree(out) == {**FILES, "index.html": b"v2"}  # the previous output is back
    assert not (area / "old").exists()
    assert _tree(_spare(out)) == FILES


def test_recover_after_death_after_the_fallback_renames(tmp_path: Path) -> None:
    out = tmp_path / "output"
    write_output(out, FILES)
    write_output(out, {**FILES, "index.html": b"v2"})
    area = work_area(out)
    (area / "spare").rename(area / "old")  # the published tree is in place; the last rename missed

    recover(out)
    assert _tree(out) == {**FILES, "index.html": b"v2"}
    assert _tree(area / "spare") == FILES and not (area / "old").exists()


def test_write_output_recovers_first(tmp_path: Path) -> None:
    out = tmp_path / "output"
    write_output(out, FILES)
    _backdate(out)
    out.rename(tmp_path / ".output.sitegen-old-99")
    stats = write_output(out, FILES)
    assert stats == WriteStats(written=0, linked=3)  # the restored output already holds them
    assert _siblings(out) == []


def test_recover_without_anything_is_a_no_op(tmp_path: Path) -> None:
    recover(tmp_path / "output")
    recover(tmp_path / "missing-parent" / "output")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("err", [errno.ENOSYS, errno.EINVAL])
def test_fallback_without_exchange(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, err: int) -> None:
    calls: list[tuple[Path, Path]] = []

    def no_exchange(a: Path, b: Path) -> None:
        calls.append((a, b))
        raise OSError(err, os.strerror(err))

    monkeypatch.setattr(writer, "exchange", no_exchange)
    out = tmp_path / "output"
    write_output(out, FILES)
    assert calls == []  # first write: plain rename
    _backdate(out)
    ino = os.stat(out / "img/logo.svg").st_ino

    stats = write_output(out, {**FILES, "index.html": b"v2"})
    assert len(calls) == 1
    assert stats == WriteStats(written=1, linked=2)
    assert _tree(out) == {**FILES, "index.html": b"v2"}
    assert os.stat(out / "img/logo.svg").st_ino == ino
    assert _tree(_spare(out)) == FILES and not (work_area(out) / "old").exists()
    assert _siblings(out) == []
    write_output(out, {**FILES, "index.html": b"v3"})
    assert _tree(out) == {**FILES, "index.html": b"v3"}
    assert _tree(_spare(out)) == {**FILES, "index.html": b"v2"}


def test_fallback_second_rename_failure_restores_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "output"
    write_output(out, FILES)

    def no_exchange(a: Path, b: Path) -> None:
        raise OSError(errno.ENOSYS, "no")

    real_rename = os.rename

    def rename(src: os.PathLike[str], dst: os.PathLike[str]) -> None:
        if os.fspath(src).endswith("/spare"):
            raise OSError(errno.EACCES, "denied", os.fspath(dst))
        real_rename(src, dst)

    monkeypatch.setattr(writer, "exchange", no_exchange)
    monkeypatch.setattr(writer.os, "rename", rename)
    with pytest.raises(OutputError, match="没有写入权限"):
        write_output(out, {"index.html": b"v2"})
    monkeypatch.undo()
    assert _tree(out) == FILES
    assert _siblings(out) == []
    write_output(out, {"index.html": b"v2"})
    assert _tree(out) == {"index.html": b"v2"}


def test_exchange_error_other_than_unsupported_is_output_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "output"
    write_output(out, FILES)

    def busy(a: Path, b: Path) -> None:
        raise OSError(errno.EBUSY, "busy", os.fspath(b))

    monkeypatch.setattr(writer, "exchange", busy)
    with pytest.raises(OutputError, match="目录正被占用"):
        write_output(out, {"index.html": b"v2"})
    assert _tree(out) == FILES
    assert _siblings(out) == []


def test_output_keeps_umask_permissions(tmp_path: Path) -> None:
    out = tmp_path / "output"
    write_output(out, {"a/index.html": b"x"})
    umask = os.umask(0)
    os.umask(umask)
    assert os.stat(out).st_mode & 0o777 == 0o777 & ~umask
    assert os.stat(out / "a").st_mode & 0o777 == 0o777 & ~umask
    assert os.stat(out / "a/index.html").st_mode & 0o777 == 0o666 & ~umask


def test_same_input_same_tree(tmp_path: Path) -> None:
    write_output(tmp_path / "one", FILES)
    write_output(tmp_path / "two", dict(reversed(list(FILES.items()))))
    assert _tree(tmp_path / "one") == _tree(tmp_path / "two")


def test_identical_output_is_left_alone(tmp_path: Path) -> None:
    """Nothing changed: OUT is not rebuilt and swapped, so a no-change build costs reads only."""
    out = tmp_path / "output"
    write_output(out, FILES)
    inode = os.stat(out).st_ino
    stats = write_output(out, FILES)
    assert (stats.written, stats.linked) == (0, len(FILES))
    assert os.stat(out).st_ino == inode
    write_output(out, {**FILES, "index.html": b"changed"})
    assert os.stat(out).st_ino != inode


# --- a step before the swap --------------------------------------------------------------------


@dataclass
class Hook:
    """A writer `Step` made of a function; its folder is never current (it always runs)."""

    run: Callable[[Path, Path], None]
    adds: str = "pagefind"

    def current(self, out: Path) -> bool:
        return False

    def __call__(self, staged: Path, out: Path) -> None:
        self.run(staged, out)


def test_a_step_sees_the_staged_tree_and_what_it_adds_is_swapped_in(tmp_path: Path) -> None:
    out = tmp_path / "output"
    write_output(out, FILES)
    seen: list[tuple[Path, Path]] = []

    def add_index(staged: Path, previous: Path) -> None:
        seen.append((staged, previous))
        assert _tree(staged) == {**FILES, "index.html": b"v2"}  # complete before the hook runs
        assert _tree(previous) == FILES  # OUT not yet replaced
        (staged / "pagefind").mkdir()
        (staged / "pagefind/entry.json").write_bytes(b"{}")

    write_output(out, {**FILES, "index.html": b"v2"}, Hook(add_index))
    assert [previous for _, previous in seen] == [out.resolve()]
    assert seen[0][0] == _spare(out.resolve())
    assert _tree(out) == {**FILES, "index.html": b"v2", "pagefind/entry.json": b"{}"}
    assert _siblings(out) == []
    # the next hook gets a staged tree without the index it made two builds ago
    write_output(out, {**FILES, "index.html": b"v3"}, Hook(lambda staged, previous: seen.append((staged, previous))))
    assert _tree(out) == {**FILES, "index.html": b"v3"}


def test_a_failing_step_leaves_out_untouched(tmp_path: Path) -> None:
    out = tmp_path / "output"
    write_output(out, FILES)
    before = {k: os.stat(out / k).st_ino for k in FILES}

    class Boom(Exception):
        pass

    def fail(staged: Path, previous: Path) -> None:
        (staged / "half-written").write_bytes(b"x")
        raise Boom("indexer failed")

    with pytest.raises(Boom):  # the hook's own exception, for the caller to report
        write_output(out, {**FILES, "index.html": b"v2"}, Hook(fail))
    assert _tree(out) == FILES
    assert {k: os.stat(out / k).st_ino for k in FILES} == before
    assert _siblings(out) == []
    write_output(out, {**FILES, "index.html": b"v2"})  # the half-written file does not survive
    assert _tree(out) == {**FILES, "index.html": b"v2"}


def test_a_step_on_a_first_build_gets_a_missing_previous(tmp_path: Path) -> None:
    out = tmp_path / "output"
    previous: list[bool] = []
    write_output(out, FILES, Hook(lambda staged, prev: previous.append(prev.exists())))
    assert previous == [False]
    assert _tree(out) == FILES


# --- the spare tree: a publish costs what changed ---------------------------------------------


def _counting(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    calls = {"create": 0, "link": 0}
    for name in calls:
        real = getattr(tree, name)

        def counted(*args: object, _name: str = name, _real=real) -> None:
            calls[_name] += 1
            _real(*args)

        monkeypatch.setattr(tree, name, counted)
    return calls


def test_a_rebuild_touches_only_what_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = {f"stories/{i}/index.html": f"事迹 {i}".encode() for i in range(200)}
    out = tmp_path / "output"
    write_output(out, site)
    second = {**site, "stories/0/index.html": b"v1"}
    write_output(out, second)  # the first rebuild makes the spare
    _backdate(out)
    before = {k: os.stat(out / k) for k in site}
    calls = _counting(monkeypatch)

    third = {**second, "stories/1/index.html": b"v2"}
    del third["stories/2/index.html"]
    stats = write_output(out, third)

    # one file written; the one that changed last time linked back; 197 untouched
    assert calls == {"create": 1, "link": 1}
    assert stats == WriteStats(written=1, linked=198)
    assert stats.changed == ("stories/1/index.html",) and stats.removed == ("stories/2/index.html",)
    assert _tree(out) == third
    for key in third:
        if key != "stories/1/index.html":
            assert os.stat(out / key).st_ino == before[key].st_ino
            assert os.stat(out / key).st_mtime_ns == before[key].st_mtime_ns
    assert not (out / "stories/2").exists()  # deleted pages disappear, folder and all


def test_the_spare_never_writes_through_a_shared_inode(tmp_path: Path) -> None:
    out = tmp_path / "output"
    write_output(out, FILES)
    write_output(out, {**FILES, "index.html": b"v2"})
    write_output(out, {**FILES, "index.html": b"v3", "img/logo.svg": b"<svg>new</svg>"})
    assert _tree(out) == {**FILES, "index.html": b"v3", "img/logo.svg": b"<svg>new</svg>"}
    assert _tree(_spare(out)) == {**FILES, "index.html": b"v2"}  # the previous output, unharmed
    write_output(out, FILES)
    assert _tree(out) == FILES
    assert _tree(_spare(out)) == {**FILES, "index.html": b"v3", "img/logo.svg": b"<svg>new</svg>"}


def test_whatever_is_in_the_spare_is_replaced(tmp_path: Path) -> None:
    out = tmp_path / "output"
    write_output(out, FILES)
    spare = work_area(out) / "spare"
    spare.mkdir(parents=True)
    (spare / "index.html").mkdir()  # a folder where a file goes
    (spare / "index.html" / "x").write_bytes(b"x")
    (spare / "img").write_bytes(b"a file where a folder goes")
    (spare / "stale" / "deep").mkdir(parents=True)
    (spare / "stale" / "deep" / "page.html").write_bytes(b"stale")
    (spare / "associations").mkdir()
    (spare / "associations" / "330106").symlink_to(tmp_path)  # a link: never followed
    (spare / "empty").mkdir()

    write_output(out, {**FILES, "index.html": b"v2"})
    assert _tree(out) == {**FILES, "index.html": b"v2"}
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == sorted(
        ["associations", "associations/330106", "associations/330106/index.html", "img", "img/logo.svg", "index.html"]
    )
    assert (tmp_path / "output").is_dir() and not any(p.is_symlink() for p in out.rglob("*"))


def test_the_work_area_is_one_sibling_that_git_and_backups_skip(tmp_path: Path) -> None:
    out = tmp_path / "output"
    write_output(out, FILES)
    write_output(out, {**FILES, "index.html": b"v2"})
    assert sorted(p.name for p in tmp_path.iterdir()) == [".output.sitegen", "output"]
    area = work_area(out)
    assert (area / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    assert (area / "CACHEDIR.TAG").read_text(encoding="utf-8").startswith("Signature: 8a477f597d28d172789f06886806bc55")


def test_out_deleted_by_hand_is_written_again_whole(tmp_path: Path) -> None:
    out = tmp_path / "output"
    write_output(out, FILES)
    write_output(out, {**FILES, "index.html": b"v2"})
    tree.remove(out)
    stats = write_output(out, FILES)
    assert stats.written == 3 and _tree(out) == FILES


def test_a_file_given_twice_is_refused_and_out_untouched(tmp_path: Path) -> None:
    out = tmp_path / "output"
    write_output(out, FILES)
    twice = [Artifact("about/", b"one"), Artifact("about/index.html", b"two")]
    with pytest.raises(DuplicateRoute) as caught:
        writer.write_output(out, twice)
    assert caught.value.file == "about/index.html"
    assert _tree(out) == FILES


def test_an_out_with_the_files_and_a_current_step_folder_is_left_alone(tmp_path: Path) -> None:
    out = tmp_path / "output"

    def add_index(staged: Path, previous: Path) -> None:
        (staged / "pagefind").mkdir()
        (staged / "pagefind/entry.json").write_bytes(b"{}")

    write_output(out, FILES, Hook(add_index))
    inode = os.stat(out).st_ino
    ran: list[Path] = []

    @dataclass
    class Current(Hook):
        def current(self, out: Path) -> bool:
            return (out / self.adds).is_dir()

    assert write_output(out, FILES, Current(lambda staged, previous: ran.append(staged))) == WriteStats(0, len(FILES))
    assert ran == [] and os.stat(out).st_ino == inode
    write_output(out, FILES, Hook(lambda staged, previous: ran.append(staged)))  # not current: it runs
    assert len(ran) == 1
    assert _tree(out) == FILES
