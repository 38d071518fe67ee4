"""Atomic output that costs what changed (docs/reference.md, 规则 › 构建与输出; docs/architecture.md).

Beside OUT, in its work area `.{name}.sitegen/`, sitegen keeps a *spare* tree: the output of
the build before last. A build brings the spare up to date with the new files — a file equal
to OUT's becomes a hard link of OUT's (same inode, same mtime), a changed file is written
fresh, a file no longer produced is deleted — and then exchanges the spare with OUT in one
step (`renameat2(RENAME_EXCHANGE)` on Linux, see `sitegen.write.exchange`). The previous
output becomes the spare for the next build. A reader of OUT sees the old tree or the new one,
never a mix; a build killed before the exchange leaves OUT as it was, and the next build
simply brings the spare up to date again: the spare holds nothing that must be preserved, so
no journal is needed. The cost is proportional to the files that changed in the last two
builds, plus reading the two trees' folders.

Where the exchange is unavailable, OUT is renamed to `.{name}.sitegen/old` and the spare
renamed into place; `recover()` at the next run puts the old tree back if a build died
between those two renames.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from sitegen.render.artifact import Artifact, Deflated, DuplicateRoute
from sitegen.write import tree
from sitegen.write.exchange import UNSUPPORTED, exchange

__all__ = ["DuplicateRoute", "OutputError", "Step", "WriteStats", "foreign", "recover", "work_area", "write_output"]



class Step(Protocol):
    """Work on the assembled tree just before it replaces OUT (site search: sitegen/build.py).

    `step(staged, out)` is called with the complete new tree and the (resolved) OUT it is about
    to replace, which may not exist. It may add the folder `adds` to `staged`; if it raises, OUT
    is left untouched and the exception propagates unchanged. `current(out)`: OUT's `adds`
    folder is what the step would make from OUT's other files, so an OUT that already holds
    exactly the new files (and that folder) is left as it is, without running the step."""

    adds: str

    def current(self, out: Path) -> bool: ...

    def __call__(self, staged: Path, out: Path) -> None: ...


@dataclass(frozen=True)
class WriteStats:
    """`linked`: unchanged files carried over from the previous output (same inode, or a copy
    with its mtime where linking fails); `written`: files written fresh.
    `changed`: the paths of `files` written fresh (new, or bytes differ), `removed`: the
    previous output's paths not in `files`; both sorted, neither sees what a `Step` adds."""

    written: int
    linked: int
    changed: tuple[str, ...] = field(default=(), compare=False)
    removed: tuple[str, ...] = field(default=(), compare=False)


class OutputError(Exception):
    """The output could not be written (OS failure); the message is Chinese."""


_ERRNO_REASONS = {
    errno.ENOSPC: "磁盘空间不足",
    errno.EDQUOT: "超出磁盘配额",
    errno.EROFS: "文件系统是只读的",
    errno.EACCES: "没有写入权限",
    errno.EPERM: "操作不被允许",
    errno.ENOENT: "文件或目录不存在",
    errno.ENOTDIR: "路径中有一段不是目录",
    errno.EISDIR: "目标是一个目录",
    errno.ENAMETOOLONG: "文件名过长",
    errno.EMFILE: "打开的文件过多",
    errno.ENOTEMPTY: "目标目录不为空",
    errno.EBUSY: "目录正被占用",
    errno.EXDEV: "输出目录与它所在的目录不在同一个文件系统上",
}


def _os_failure(action: str, exc: OSError) -> OutputError:
    reason = _ERRNO_REASONS.get(exc.errno or 0) or exc.strerror or str(exc)
    where = f"（{exc.filename}）" if exc.filename else ""
    return OutputError(f"{action}：{reason}{where}")


# --- Checks --------------------------------------------------------------------------------

Item = tuple[str, bytes | Path | Deflated]


def _check_key(key: object) -> str:
    """A safe POSIX relative path, or ValueError: keys must never escape OUT."""
    if not isinstance(key, str):
        raise ValueError(f"output path must be a str: {key!r}")
    if not key or key.startswith("/") or "\\" in key or "\x00" in key:
        raise ValueError(f"unsafe output path: {key!r}")
    if any(part in ("", ".", "..") for part in key.split("/")):
        raise ValueError(f"unsafe output path: {key!r}")
    return key


def _check_files(artifacts: Iterable[Artifact]) -> list[Item]:
    """(output file, content) of each artifact, sorted; DuplicateRoute when two artifacts
    would write one file (as Pelican's writer refuses: the last one must not silently win)."""
    items: list[Item] = []
    files: set[str] = set()
    for artifact in artifacts:
        key = _check_key(artifact.file)
        if key in files:
            raise DuplicateRoute(key)
        files.add(key)
        content = artifact.content
        if isinstance(content, Deflated | Path):
            items.append((key, content))
        elif isinstance(content, bytes | bytearray | memoryview):
            items.append((key, bytes(content)))
        elif isinstance(content, os.PathLike):
            items.append((key, Path(content)))
        else:
            raise TypeError(f"content of {key!r} must be bytes, Deflated or a Path, not {type(content)}")
    folders = set()
    for key, _ in items:
        parent = key.rpartition("/")[0]
        while parent and parent not in folders:
            folders.add(parent)
            parent = parent.rpartition("/")[0]
    if clash := folders & files:
        raise ValueError(f"output path {min(clash)!r} is both a file and a directory")
    items.sort(key=lambda item: item[0])
    return items


def _unpack(packed: bytes | Path | Deflated) -> bytes | Path:
    return packed.data() if isinstance(packed, Deflated) else packed


def _resolve_out(out: Path) -> Path:
    """OUT with every symbolic link on its way resolved: the folder that would be replaced."""
    out = Path(os.path.realpath(os.path.abspath(out)))
    if not out.name:
        raise ValueError(f"invalid output directory: {out}")
    return out


def work_area(out: Path) -> Path:
    """The folder beside OUT where the spare tree lives (`.{name}.sitegen`)."""
    return out.with_name(f".{out.name}.sitegen")


_AREA_FILES = {
    # git and backup tools skip the area: it is a copy of OUT, rebuilt from SRC at will
    ".gitignore": "# sitegen 的备用输出目录，可随时删除\n*\n",
    "CACHEDIR.TAG": "Signature: 8a477f597d28d172789f06886806bc55\n# sitegen spare output tree\n",
}


def _spare(out: Path) -> Path:
    area = work_area(out)
    with contextlib.suppress(FileExistsError):
        os.mkdir(area)  # mode from the umask, like OUT
        for name, text in _AREA_FILES.items():
            (area / name).write_text(text, encoding="utf-8")
    spare = area / "spare"
    with contextlib.suppress(FileExistsError):
        os.mkdir(spare)
    return spare


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """Serialize sitegen writers sharing OUT's parent (advisory flock; writes nothing)."""
    try:
        import fcntl
    except ImportError:  # not POSIX
        yield
        return
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        yield
        return
    try:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


# --- Bringing the spare up to date, and the exchange ---------------------------------------


def _changed(out: Path, live: tree.Listing, items: list[Item]) -> set[str]:
    """The keys whose file in OUT does not hold their artifact (or is missing)."""
    root = os.fspath(out)
    return {key for key, packed in items if not tree.same_content(_unpack(packed), f"{root}/{key}", live.files.get(key))}


def _nothing_else(live: tree.Listing, items: list[Item], adds: str | None) -> bool:
    """OUT holds no file but these (and the folder `adds`, what a step made from them)."""
    files = live.files.keys()
    if adds is not None:
        if adds not in live.dirs:
            return False
        files = {key for key in files if not key.startswith(adds + "/")}
    return not live.others and len(files) == len(items)


def _update(spare: Path, out: Path, live: tree.Listing, items: list[Item], changed: set[str]) -> WriteStats:
    """Make `spare` hold exactly `items`: OUT's inode where OUT's file is already right (not
    in `changed`), a fresh file where not; whatever else the spare held is deleted."""
    current = tree.scan(spare)
    keys = {key for key, _ in items}
    tree.prune(spare, current, keys)
    made = {"", *current.dirs}
    root, published = os.fspath(spare), os.fspath(out)
    written = 0
    for key, packed in items:
        inode, there = live.files.get(key), current.files.get(key)
        if key not in changed and there is not None and there == inode:
            continue  # the spare already shares OUT's file
        parent = key.rpartition("/")[0]
        if parent not in made:
            os.makedirs(f"{root}/{parent}", exist_ok=True)
            parts = parent.split("/")
            made.update("/".join(parts[:i]) for i in range(1, len(parts) + 1))
        target = f"{root}/{key}"
        if there is not None:
            os.unlink(target)  # never write into it: OUT may share its inode
        if key in changed:
            tree.create(target, _unpack(packed))
            written += 1
        else:
            tree.link(f"{published}/{key}", target)
    removed = tuple(sorted(live.files.keys() - keys))
    return WriteStats(written, len(items) - written, tuple(sorted(changed)), removed)


def _swap(spare: Path, out: Path) -> None:
    """Publish the spare at `out`; the previous output becomes the spare."""
    try:
        if not os.path.lexists(out):
            os.rename(spare, out)
            with contextlib.suppress(OSError):  # a first build leaves nothing beside OUT
                for name in _AREA_FILES:
                    os.unlink(spare.parent / name)
                os.rmdir(spare.parent)
            return
        try:
            exchange(spare, out)
        except OSError as exc:
            if exc.errno not in UNSUPPORTED:
                raise
            _swap_by_renames(spare, out)
    except OSError as exc:
        raise _os_failure(f"无法替换输出目录 {out}", exc) from exc


def _swap_by_renames(spare: Path, out: Path) -> None:
    """Fallback: OUT aside, the spare into place, OUT's old tree as the spare. A crash
    between the first two renames is undone by recover()."""
    old = spare.with_name("old")
    os.rename(out, old)
    try:
        os.rename(spare, out)
    except OSError:
        with contextlib.suppress(OSError):  # else recover() restores it next run
            os.rename(old, out)
        raise
    with contextlib.suppress(OSError):  # else recover() finishes it next run
        os.rename(old, spare)


_LEGACY = r"\.{}\.sitegen-(new|old)-[0-9a-f]+"  # trees left by sitegen before the spare


def _recover(out: Path) -> None:
    old, spare = work_area(out) / "old", work_area(out) / "spare"
    if os.path.lexists(old):
        if not os.path.lexists(out):
            os.rename(old, out)  # died between the fallback's renames: the previous output back
        elif not os.path.lexists(spare):
            os.rename(old, spare)  # died after them: the previous output is the spare
        else:
            tree.remove(old)
    pattern = re.compile(_LEGACY.format(re.escape(out.name)))
    try:
        legacy = sorted(out.with_name(n) for n in os.listdir(out.parent) if pattern.fullmatch(n))
    except FileNotFoundError:
        return
    olds = [p for p in legacy if ".sitegen-old-" in p.name]
    if olds and not os.path.lexists(out):
        keep = max(olds, key=lambda p: (os.lstat(p).st_mtime_ns, p.name))
        os.rename(keep, out)
        legacy.remove(keep)
    for path in legacy:
        tree.remove(path)


# --- API -----------------------------------------------------------------------------------

_GENERATOR_MARK = b'<meta name="generator" content="sitegen'


def foreign(out: Path) -> bool:
    """Whether OUT is a folder with files that sitegen did not write: not missing or empty,
    no spare tree of a previous build beside it, and no page of it made by sitegen (the
    generator mark of index.html or 404.html). Such a folder is never replaced without the
    user asking (`sitegen build --force`): it may be a repository, a home, anything."""
    out = _resolve_out(Path(out))
    try:
        if not out.is_dir() or not any(os.scandir(out)):
            return False
    except OSError:
        return False
    if work_area(out).is_dir():
        return False
    for page in ("index.html", "404.html"):
        try:
            with open(out / page, "rb") as file:
                if _GENERATOR_MARK in file.read(16384):
                    return False
        except OSError:
            continue
    return True



def recover(out: Path) -> None:
    """Undo what a build that died mid-write left: restore the previous output if OUT is
    missing because a build died between the fallback's two renames."""
    out = _resolve_out(Path(out))
    if not out.parent.is_dir():
        return
    with _locked(out.parent):
        try:
            _recover(out)
        except OSError as exc:
            raise _os_failure(f"无法恢复上次的输出目录 {out}", exc) from exc


def write_output(
    out: Path,
    artifacts: Iterable[Artifact],
    step: Step | None = None,
) -> WriteStats:
    """Replace the directory `out` by exactly the files of `artifacts`, atomically. Raises
    ValueError for unsafe paths (DuplicateRoute for a file given twice) and OutputError for
    OS failures. `step` runs on the assembled tree before it replaces OUT (see `Step`)."""
    items = _check_files(artifacts)
    out = _resolve_out(Path(out))
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _os_failure(f"无法创建输出目录的上级目录 {out.parent}", exc) from exc
    with _locked(out.parent):
        try:
            _recover(out)
        except OSError as exc:
            raise _os_failure(f"无法恢复上次的输出目录 {out}", exc) from exc
        if os.path.lexists(out) and not out.is_dir():
            raise OutputError(f"输出路径 {out} 已存在且不是目录，请换一个输出目录或先删除它")
        try:
            live = tree.scan(out)
            changed = _changed(out, live, items)
            adds = step.adds if step is not None and step.current(out) else None
            if not changed and _nothing_else(live, items, adds):
                return WriteStats(written=0, linked=len(items))  # OUT already is the new site
            spare = _spare(out)
            stats = _update(spare, out, live, items, changed)
        except OSError as exc:
            raise _os_failure(f"无法写入输出目录 {out}", exc) from exc
        except Exception as exc:
            raise OutputError(f"写入输出目录 {out} 时出错：{exc}") from exc
        if step is not None:
            step(spare, out)
        _swap(spare, out)
    return stats
