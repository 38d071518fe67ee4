"""A time budget for work that cannot bound itself (python-markdown on hostile input).

python-markdown is pure Python; some inputs (thousands of unclosed `[` or `<a `) cost it
quadratic time. `within(seconds, work)` runs `work` in the calling thread and, if it is still
running after `seconds`, raises `OverBudget` inside it: a watchdog thread sets an asynchronous
exception on the worker (`PyThreadState_SetAsyncExc`), which Python raises at the next
bytecode boundary. It works in any thread (the dev server builds in one), costs one timer
per call, and needs no process. A C call that never returns to Python (one huge regular
expression match) is not interrupted, which is why the regular expressions that see content
are bounded (tests/test_hostile.py).
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

__all__ = ["OverBudget", "within"]


class OverBudget(Exception):
    """The work ran out of its time budget."""


def _interrupt(thread_id: int) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(OverBudget))


def within(seconds: float, work: Callable[[], T]) -> T:
    """`work()`, or OverBudget once it has run for `seconds`."""
    lock = threading.Lock()
    state = {"running": True}
    worker = threading.get_ident()

    def expire() -> None:
        with lock:
            if state["running"]:
                _interrupt(worker)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        return work()
    finally:
        # an interrupt that lands here, after the work, still counts: the budget was spent
        with lock:
            state["running"] = False
        timer.cancel()
