"""One way to spread work over processes (`-j`): fork, and give each worker ranges of a list.

The work list and the function are set in the parent just before the pool forks, so workers
inherit the linked site, the views and the Jinja environment without pickling them; only
(start, end) goes in and each item's result comes back. The results are the same, in the same
order, as with one process. Where there is no fork (Windows, macOS' default spawn is avoided),
everything runs in this process.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below this many items, starting processes costs more than it saves (tests lower it).
PARALLEL_MIN = 200

_SHARED: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


def fork_context() -> multiprocessing.context.BaseContext | None:
    try:
        return multiprocessing.get_context("fork")
    except ValueError:  # no fork on this platform
        return None


def fork_map(
    fn: Callable[[T], R],
    items: Sequence[T],
    jobs: int = 1,
    progress: Callable[[int, int], None] | None = None,
    min_items: int | None = None,
) -> list[R]:
    """`[fn(item) for item in items]`, in up to `jobs` forked processes when there are at
    least `min_items` items (default PARALLEL_MIN); `progress(done, total)` as items finish."""
    global _SHARED
    total = len(items)
    report = progress or (lambda done, total: None)
    context = fork_context()
    if jobs <= 1 or total < max(2, PARALLEL_MIN if min_items is None else min_items) or context is None:
        results = []
        for done, item in enumerate(items, 1):
            results.append(fn(item))
            report(done, total)
        return results
    size = max(1, -(-total // (jobs * 4)))  # a few chunks per worker evens out slow items
    chunks = [(start, min(start + size, total)) for start in range(0, total, size)]
    results: list[Any] = [None] * total
    _SHARED = (fn, items)
    try:
        with ProcessPoolExecutor(min(jobs, len(chunks)), mp_context=context) as pool:
            futures = {pool.submit(_run_chunk, start, end): (start, end) for start, end in chunks}
            done = 0
            for future in as_completed(futures):
                start, end = futures[future]
                results[start:end] = future.result()
                done += end - start
                report(done, total)
    finally:
        _SHARED = None
    return results


def _run_chunk(start: int, end: int) -> list[Any]:
    assert _SHARED is not None, "runs in a worker forked by fork_map"
    fn, items = _SHARED
    return [fn(items[i]) for i in range(start, end)]
