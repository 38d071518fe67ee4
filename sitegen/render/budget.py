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
import itertools
import math
import os
import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

__all__ = ["OverBudget", "within"]


class OverBudget(Exception):
    """The work ran out of its time budget."""


def _interrupt(thread_id: int, exception: type[BaseException] | None) -> None:
    """Raise `exception` in that thread at its next bytecode (None: withdraw a pending one)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(exception) if exception else None)


class _Watchdog:
    """One daemon thread per process that sleeps until the earliest deadline of the works
    running, and interrupts a work still running at its deadline. A thread per call (a
    `threading.Timer`) cost 0.1 ms of every Markdown text, 3 s of a national build."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.active: dict[int, tuple[float, int]] = {}  # token -> (deadline, thread id)
        self.fired: set[int] = set()
        self.wake_at = math.inf
        self.thread: threading.Thread | None = None
        self.tokens = itertools.count()

    def start(self, seconds: float) -> int:
        deadline = time.monotonic() + seconds
        with self.cond:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name="sitegen-budget", daemon=True)
                self.thread.start()
            token = next(self.tokens)
            self.active[token] = (deadline, threading.get_ident())
            if deadline < self.wake_at:
                self.cond.notify()
        return token

    def stop(self, token: int) -> bool:
        """Forget the work; whether its deadline passed while it ran."""
        with self.cond:
            del self.active[token]
            if token in self.fired:
                self.fired.discard(token)
                return True
        return False

    def _run(self) -> None:
        with self.cond:
            while True:
                now = time.monotonic()
                for token, (deadline, thread_id) in self.active.items():
                    if deadline <= now and token not in self.fired:
                        self.fired.add(token)
                        _interrupt(thread_id, OverBudget)
                waiting = [deadline for token, (deadline, _) in self.active.items() if token not in self.fired]
                self.wake_at = min(waiting, default=math.inf)
                self.cond.wait(None if self.wake_at == math.inf else self.wake_at - now)


_watchdog = _Watchdog()
# a forked worker has no watchdog thread, and the parent's lock may have been held mid-fork
os.register_at_fork(after_in_child=_watchdog.__init__)


def within(seconds: float, work: Callable[[], T]) -> T:
    """`work()`, or OverBudget once it has run for `seconds`."""
    token = _watchdog.start(seconds)
    try:
        return work()
    finally:
        if _watchdog.stop(token):
            # the budget was spent: an interrupt still pending must not land after this call
            _interrupt(threading.get_ident(), None)
            raise OverBudget
