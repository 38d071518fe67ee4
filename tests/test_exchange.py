"""Tests for sitegen.write.exchange: renameat2(RENAME_EXCHANGE) through ctypes."""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import sys
from pathlib import Path

import pytest

from sitegen.write import exchange


def _pair(tmp_path: Path) -> tuple[Path, Path]:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "x").write_bytes(b"a")
    (b / "x").write_bytes(b"b")
    return a, b


@pytest.mark.skipif(exchange.renameat2() is None, reason="renameat2 unavailable")
def test_exchange_swaps_two_directories(tmp_path: Path) -> None:
    a, b = _pair(tmp_path)
    try:
        exchange.exchange(a, b)
    except OSError as exc:  # filesystem without RENAME_EXCHANGE
        assert exc.errno in exchange.UNSUPPORTED
        pytest.skip("filesystem does not support RENAME_EXCHANGE")
    assert (a / "x").read_bytes() == b"b"
    assert (b / "x").read_bytes() == b"a"
    with pytest.raises(OSError) as info:
        exchange.exchange(a, tmp_path / "missing")
    assert info.value.errno == errno.ENOENT


@pytest.mark.skipif(
    sys.platform != "linux" or platform.machine().lower() not in exchange.SYSCALL_NUMBERS,
    reason="Linux syscall numbers only",
)
def test_syscall_fallback_exchanges(tmp_path: Path) -> None:
    fn = exchange.via_syscall(ctypes.CDLL(None, use_errno=True))
    assert fn is not None
    a, b = _pair(tmp_path)
    if fn(os.fsencode(a), os.fsencode(b)) != 0:
        assert ctypes.get_errno() in exchange.UNSUPPORTED
        pytest.skip("filesystem does not support RENAME_EXCHANGE")
    assert (b / "x").read_bytes() == b"a"
    assert (a / "x").read_bytes() == b"b"


def test_without_renameat2_exchange_says_unsupported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exchange, "renameat2", lambda: None)
    a, b = _pair(tmp_path)
    with pytest.raises(OSError) as info:
        exchange.exchange(a, b)
    assert info.value.errno in exchange.UNSUPPORTED
    assert (a / "x").read_bytes() == b"a"
