"""The one process-pool helper (sitegen/pool.py): same results, same order, any -j."""

from __future__ import annotations

import os

import pytest

from sitegen import pool


def _square_and_pid(n: int) -> tuple[int, int]:
    return n * n, os.getpid()


def test_one_job_or_few_items_run_in_this_process() -> None:
    done: list[tuple[int, int]] = []
    results = pool.fork_map(_square_and_pid, list(range(5)), jobs=4, progress=lambda d, t: done.append((d, t)))
    assert [r for r, _ in results] == [0, 1, 4, 9, 16]
    assert {pid for _, pid in results} == {os.getpid()}, "under PARALLEL_MIN: no fork"
    assert done[-1] == (5, 5)


@pytest.mark.skipif(pool.fork_context() is None, reason="no fork on this platform")
def test_many_items_are_spread_over_forked_workers_in_order() -> None:
    items = list(range(60))
    seen: list[int] = []
    results = pool.fork_map(_square_and_pid, items, jobs=2, progress=lambda d, t: seen.append(d), min_items=10)
    assert [r for r, _ in results] == [n * n for n in items]
    assert os.getpid() not in {pid for _, pid in results}, "made in the workers"
    assert seen == sorted(seen) and seen[-1] == len(items)
    assert pool.fork_map(_square_and_pid, items, jobs=1)[7][0] == 49


@pytest.mark.skipif(pool.fork_context() is None, reason="no fork on this platform")
def test_workers_see_closures_that_cannot_be_pickled() -> None:
    """The function and the list are inherited through fork, never pickled."""
    offset = 1000
    results = pool.fork_map(lambda n: n + offset, list(range(20)), jobs=2, min_items=2)
    assert results == [n + offset for n in range(20)]
