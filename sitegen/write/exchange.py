"""Exchange two directories in one step: `renameat2(RENAME_EXCHANGE)` on Linux.

Python's `os` has no wrapper for renameat2, so it is called through ctypes: libc's own
`renameat2` where it has one (glibc ≥ 2.28), else `syscall(2)` with the architecture's
number. Where neither exists (other systems, or a filesystem that refuses the flag),
`exchange` raises OSError with an errno in `UNSUPPORTED` and the caller falls back to two
renames that the next run can finish or undo (see `sitegen.write.writer`).
"""

from __future__ import annotations

import ctypes
import errno
import functools
import os
import platform
import sys
from collections.abc import Callable
from pathlib import Path

__all__ = ["SYSCALL_NUMBERS", "UNSUPPORTED", "exchange", "renameat2", "via_syscall"]

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
# __NR_renameat2 where libc lacks the wrapper (glibc < 2.28, some musl builds)
SYSCALL_NUMBERS = {
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
# errno values meaning "this system or filesystem cannot exchange": fall back to renames
UNSUPPORTED = frozenset({errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP})


@functools.cache
def renameat2() -> Callable[[bytes, bytes], int] | None:
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
    return via_syscall(libc)


def via_syscall(libc: ctypes.CDLL) -> Callable[[bytes, bytes], int] | None:
    """renameat2 through syscall(2), for a libc without the wrapper."""
    nr = SYSCALL_NUMBERS.get(platform.machine().lower())
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


def exchange(a: Path, b: Path) -> None:
    """Atomically swap two existing paths; OSError(ENOSYS) where this is unsupported."""
    fn = renameat2()
    if fn is None:
        raise OSError(errno.ENOSYS, os.strerror(errno.ENOSYS), os.fspath(a))
    if fn(os.fsencode(a), os.fsencode(b)) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err), os.fspath(a), None, os.fspath(b))
