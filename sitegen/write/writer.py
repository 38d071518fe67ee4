"""Atomic output (docs/reference.md, 规则 › 构建与输出).

The new site is assembled in a sibling of OUT (`.{name}.sitegen-new-<hex>`); files whose
bytes equal the previous output's are hard-linked from it, so they keep their mtime. The
finished tree is then exchanged with OUT in one step (`renameat2(RENAME_EXCHANGE)` on Linux)
and the old tree deleted. Where the exchange is unavailable, OUT is renamed aside
(`.{name}.sitegen-old-<hex>`) and the new tree renamed into place; `recover()` at the next
run puts the old tree back if a build died between those two renames.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import os
import platform
import re
import secrets
import shutil
import stat
import sys
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeAlias

__all__ = ["Artifact", "BeforeSwap", "Deflated", "OutputError", "WriteStats", "recover", "write_output"]


class Deflated:
    """Bytes kept compressed until written: a national site's pages are hundreds of MiB of
    HTML that would otherwise all sit in memory between rendering and writing."""

    __slots__ = ("blob",)

    def __init__(self, data: bytes) -> None:
        self.blob = zlib.compress(data, 1)

    def data(self) -> bytes:
        return zlib.decompress(self.blob)


Artifact: TypeAlias = bytes | Path | Deflated  # bytes to write (maybe compressed), or a file to copy

# before_swap(staged, out): called with the fully assembled new tree and the (resolved) OUT
# it is about to replace, which may not exist. It may add files to `staged` (the search
# index); if it raises, the staged tree is deleted, OUT is left untouched and the exception
# propagates unchanged.
BeforeSwap: TypeAlias = Callable[[Path, Path], None]


@dataclass(frozen=True)
class WriteStats:
    """`linked`: unchanged files carried over from the previous output (hard-linked, or
    copied with their mtime where linking fails); `written`: files written fresh.
    `changed`: the paths of `files` written fresh (new, or bytes differ), `removed`: the
    previous output's paths not in `files`; both sorted, neither sees what `before_swap` adds."""

    written: int
    linked: int
    changed: tuple[str, ...] = field(default=(), compare=False)
    removed: tuple[str, ...] = field(default=(), compare=False)


class OutputError(Exception):
    """The output could not be written (OS failure); the message is Chinese."""


# --- renameat2(RENAME_EXCHANGE) ------------------------------------------------------------

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
# __NR_renameat2 where libc lacks the wrapper (glibc < 2.28, some musl builds)
_SYSCALL_NUMBERS = {
    "x86_64": 316,
    "amd64": 316,
    "i386": 353,
    "i686": 353,
    "aarch64": 276,
    "arm64": 276,
    "riscv64": 276,
    "loongarch64": 276,
    "armv7l": 382,
    "armv6l": 382,
    "ppc64le": 357,
    "ppc64": 357,
    "s390x": 347,
}
_NO_EXCHANGE = frozenset({errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP})


@functools.cache
def _renameat2() -> Callable[[bytes, bytes], int] | None:
    """A `(old, new) -> int` exchanging call into the kernel, or None where unavailable."""
    if sys.platform != "linux":
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
    fn = getattr(libc, "renameat2", None)
    if fn is not None:
        fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
        fn.restype = ctypes.c_int
        return lambda a, b: fn(_AT_FDCWD, a, _AT_FDCWD, b, _RENAME_EXCHANGE)
    return _via_syscall(libc)


def _via_syscall(libc: ctypes.CDLL) -> Callable[[bytes, bytes], int] | None:
    """renameat2 through syscall(2), for a libc without the wrapper."""
    nr = _SYSCALL_NUMBERS.get(platform.machine().lower())
    syscall = getattr(libc, "syscall", None)
    if nr is None or syscall is None:
        return None
    syscall.restype = ctypes.c_long
    return lambda a, b: syscall(
        ctypes.c_long(nr),
        ctypes.c_int(_AT_FDCWD),
        ctypes.c_char_p(a),
        ctypes.c_int(_AT_FDCWD),
        ctypes.c_char_p(b),
        ctypes.c_uint(_RENAME_EXCHANGE),
    )


def _exchange(a: Path, b: Path) -> None:
    """Atomically swap two existing paths; OSError(ENOSYS) where this is unsupported."""
    fn = _renameat2()
    if fn is None:
        raise OSError(errno.ENOSYS, os.strerror(errno.ENOSYS), os.fspath(a))
    if fn(os.fsencode(a), os.fsencode(b)) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err), os.fspath(a), None, os.fspath(b))


# --- Messages ------------------------------------------------------------------------------

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
}


def _os_failure(action: str, exc: OSError) -> OutputError:
    reason = _ERRNO_REASONS.get(exc.errno or 0) or exc.strerror or str(exc)
    where = f"（{exc.filename}）" if exc.filename else ""
    return OutputError(f"{action}：{reason}{where}")


# --- Helpers -------------------------------------------------------------------------------


def _check_key(key: object) -> str:
    """A safe POSIX relative path, or ValueError: keys must never escape OUT."""
    if not isinstance(key, str):
        raise ValueError(f"output path must be a str: {key!r}")
    if not key or key.startswith("/") or "\\" in key or "\x00" in key:
        raise ValueError(f"unsafe output path: {key!r}")
    if any(part in ("", ".", "..") for part in key.split("/")):
        raise ValueError(f"unsafe output path: {key!r}")
    return key


def _check_files(files: Mapping[str, Artifact]) -> list[tuple[str, bytes | Path | Deflated]]:
    items: list[tuple[str, bytes | Path | Deflated]] = []
    for key, artifact in files.items():
        _check_key(key)
        if isinstance(artifact, Deflated):
            items.append((key, artifact))
        elif isinstance(artifact, bytes | bytearray | memoryview):
            items.append((key, bytes(artifact)))
        elif isinstance(artifact, os.PathLike):
            items.append((key, Path(artifact)))
        else:
            raise TypeError(f"artifact for {key!r} must be bytes, Deflated or a Path, not {type(artifact)}")
    keys = {key for key, _ in items}
    for key in keys:
        parts = key.split("/")
        for i in range(1, len(parts)):
            prefix = "/".join(parts[:i])
            if prefix in keys:
                raise ValueError(f"output path {prefix!r} is both a file and a directory")
    items.sort(key=lambda item: item[0])
    return items


def _resolve_out(out: Path) -> Path:
    out = Path(os.path.abspath(out))
    if out.is_symlink():
        out = Path(os.path.realpath(out))
    if not out.name:
        raise ValueError(f"invalid output directory: {out}")
    return out


def _leftover_re(out: Path) -> re.Pattern[str]:
    return re.compile(rf"\.{re.escape(out.name)}\.sitegen-(new|old)-[0-9a-f]+")


def _make_sibling_dir(out: Path, kind: str) -> Path:
    while True:
        path = out.with_name(f".{out.name}.sitegen-{kind}-{secrets.token_hex(8)}")
        try:
            os.mkdir(path)  # mode from the umask, unlike tempfile.mkdtemp's 0700
        except FileExistsError:
            continue
        return path


def _remove(path: Path) -> None:
    st = os.lstat(path)
    if stat.S_ISDIR(st.st_mode):
        shutil.rmtree(path)
    else:
        os.unlink(path)


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


def _index(root: Path) -> dict[str, int]:
    """Regular files (no symlinks followed) under root: relative POSIX path -> size."""
    found: dict[str, int] = {}
    stack = [("", os.fspath(root))]
    while stack:
        rel, path = stack.pop()
        with os.scandir(path) as entries:
            for entry in entries:
                key = f"{rel}{entry.name}"
                if entry.is_dir(follow_symlinks=False):
                    stack.append((key + "/", entry.path))
                elif entry.is_file(follow_symlinks=False):
                    found[key] = entry.stat(follow_symlinks=False).st_size
    return found


_CHUNK = 1 << 20


def _same_bytes(path: Path, data: bytes) -> bool:
    with open(path, "rb") as f:
        return f.read(len(data) + 1) == data


def _same_files(a: Path, b: Path) -> bool:
    with open(a, "rb") as fa, open(b, "rb") as fb:
        while True:
            ca, cb = fa.read(_CHUNK), fb.read(_CHUNK)
            if ca != cb:
                return False
            if not ca:
                return True


def _is_same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _carry_over(previous: Path, target: Path) -> None:
    """Hard-link an unchanged file from the previous output; copy (keeping mtime) if not."""
    try:
        os.link(previous, target, follow_symlinks=False)
    except OSError:
        shutil.copyfile(previous, target, follow_symlinks=False)
        st = os.stat(previous, follow_symlinks=False)
        os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))


def _assemble(new: Path, out: Path, items: list[tuple[str, bytes | Path | Deflated]]) -> WriteStats:
    previous = _index(out) if out.is_dir() else {}
    made = {""}
    written = linked = 0
    changed: list[str] = []
    for key, packed in items:
        artifact = packed.data() if isinstance(packed, Deflated) else packed
        parts = key.split("/")
        parent = "/".join(parts[:-1])
        if parent not in made:
            os.makedirs(new.joinpath(*parts[:-1]), exist_ok=True)
            for i in range(1, len(parts)):
                made.add("/".join(parts[:i]))
        target = new.joinpath(*parts)
        old = out.joinpath(*parts)
        if _unchanged(artifact, old, previous.get(key)):
            _carry_over(old, target)
            linked += 1
        else:
            if isinstance(artifact, bytes):
                with open(target, "xb") as f:
                    f.write(artifact)
            else:
                shutil.copyfile(artifact, target)
            written += 1
            changed.append(key)
    removed = tuple(sorted(previous.keys() - {key for key, _ in items}))
    return WriteStats(written, linked, tuple(changed), removed)


def _unchanged(artifact: bytes | Path, old: Path, old_size: int | None) -> bool:
    """The previous output's file `old` (of `old_size`, None if absent) already is `artifact`."""
    if old_size is None:
        return False
    if isinstance(artifact, bytes):
        return old_size == len(artifact) and _same_bytes(old, artifact)
    if artifact == old or _is_same_file(artifact, old):
        return True  # a page the build did not render again: its file in OUT is the artifact
    return old_size == os.stat(artifact).st_size and _same_files(artifact, old)


def _already_there(out: Path, items: list[tuple[str, bytes | Path | Deflated]], adds: str | None) -> bool:
    """OUT holds exactly these files with these bytes (and the folder `adds`, what a hook
    made from them last time): nothing to write, nothing to swap."""
    if not out.is_dir():
        return False
    previous = _index(out)
    if adds is not None:
        if not (out / adds).is_dir():
            return False
        previous = {k: v for k, v in previous.items() if not k.startswith(adds + "/")}
    if len(previous) != len(items):
        return False
    return all(
        _unchanged(packed.data() if isinstance(packed, Deflated) else packed, out.joinpath(*key.split("/")), previous.get(key))
        for key, packed in items
    )


def _swap(new: Path, out: Path, discard: Callable[[Path], None] | None = None) -> None:
    """Put the assembled tree `new` at `out`; the previous output is deleted (by `discard`,
    e.g. in the background, when given)."""
    if not os.path.lexists(out):
        try:
            os.rename(new, out)
        except OSError as exc:
            shutil.rmtree(new, ignore_errors=True)
            raise _os_failure(f"无法生成输出目录 {out}", exc) from exc
        return
    try:
        _exchange(new, out)
    except OSError as exc:
        if exc.errno not in _NO_EXCHANGE:
            shutil.rmtree(new, ignore_errors=True)
            raise _os_failure(f"无法替换输出目录 {out}", exc) from exc
        _swap_by_renames(new, out)
        return
    # now the previous output; recover() removes it if this does not get to
    (discard or _discard_now)(new)


def _discard_now(tree: Path) -> None:
    shutil.rmtree(tree, ignore_errors=True)


def _swap_by_renames(new: Path, out: Path) -> None:
    """Fallback: OUT aside, new into place. A crash in between is undone by recover()."""
    while True:
        old = out.with_name(f".{out.name}.sitegen-old-{secrets.token_hex(8)}")
        if not os.path.lexists(old):
            break
    try:
        os.rename(out, old)
    except OSError as exc:
        shutil.rmtree(new, ignore_errors=True)
        raise _os_failure(f"无法替换输出目录 {out}", exc) from exc
    try:
        os.rename(new, out)
    except OSError as exc:
        with contextlib.suppress(OSError):  # else recover() restores it next run
            os.rename(old, out)
        shutil.rmtree(new, ignore_errors=True)
        raise _os_failure(f"无法替换输出目录 {out}", exc) from exc
    shutil.rmtree(old, ignore_errors=True)


def _recover(out: Path) -> None:
    pattern = _leftover_re(out)
    try:
        names = sorted(name for name in os.listdir(out.parent) if pattern.fullmatch(name))
    except FileNotFoundError:
        return
    leftovers = [out.with_name(name) for name in names]
    olds = [p for p in leftovers if ".sitegen-old-" in p.name]
    if olds and not os.path.lexists(out):
        keep = max(olds, key=lambda p: (os.lstat(p).st_mtime_ns, p.name))
        os.rename(keep, out)
        leftovers.remove(keep)
    for path in leftovers:
        with contextlib.suppress(FileNotFoundError):
            _remove(path)


# --- API -----------------------------------------------------------------------------------


def recover(out: Path) -> None:
    """Undo what a build that died mid-write left: restore the previous output if OUT is
    missing and a `-old-` sibling exists; remove stray `-new-`/`-old-` siblings."""
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
    files: Mapping[str, Artifact],
    before_swap: BeforeSwap | None = None,
    adds: str | None = None,
    discard: Callable[[Path], None] | None = None,
) -> WriteStats:
    """Replace the directory `out` by exactly `files` (relative POSIX path -> artifact),
    atomically. Raises ValueError for unsafe paths and OutputError for OS failures.

    `before_swap` runs on the assembled tree before it replaces OUT (see `BeforeSwap`); `adds`
    names the folder it writes, so that when OUT already holds `files` and that folder, OUT
    is left as it is. `discard` deletes the previous tree after the swap (default: at once)."""
    items = _check_files(files)
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
            if _already_there(out, items, adds if before_swap is not None else None):
                return WriteStats(written=0, linked=len(items))
        except Exception:  # noqa: BLE001 - assemble as usual; that reports real failures
            pass
        try:
            new = _make_sibling_dir(out, "new")
        except OSError as exc:
            raise _os_failure(f"无法在 {out.parent} 中创建临时目录", exc) from exc
        try:
            stats = _assemble(new, out, items)
        except BaseException as exc:
            shutil.rmtree(new, ignore_errors=True)
            if isinstance(exc, OSError):
                raise _os_failure(f"无法写入输出目录 {out}", exc) from exc
            if isinstance(exc, Exception):
                raise OutputError(f"写入输出目录 {out} 时出错：{exc}") from exc
            raise
        if before_swap is not None:
            try:
                before_swap(new, out)
            except BaseException:
                shutil.rmtree(new, ignore_errors=True)
                raise
        _swap(new, out, discard)
    return stats
