"""A time budget for work that cannot bound itself (sitegen/render/budget.py)."""

from __future__ import annotations

import time

import pytest

from sitegen.render.budget import OverBudget, within


def test_work_within_the_budget_returns_its_value() -> None:
    assert within(5.0, lambda: 6 * 7) == 42


def test_work_over_the_budget_is_interrupted() -> None:
    def forever() -> None:
        while True:
            time.sleep(0.001)

    with pytest.raises(OverBudget):
        within(0.05, forever)


def test_the_works_own_exception_passes_through() -> None:
    with pytest.raises(ZeroDivisionError):
        within(5.0, lambda: 1 / 0)


def test_one_watchdog_thread_serves_every_call() -> None:
    """A thread per call cost 3 s of a national build; the budget still holds after many calls."""
    import threading

    before = threading.active_count()
    for _ in range(200):
        within(5.0, lambda: None)
    assert threading.active_count() <= before + 1

    def forever() -> None:
        while True:
            time.sleep(0.001)

    with pytest.raises(OverBudget):
        within(0.05, forever)
    assert within(5.0, lambda: "after") == "after"  # no interrupt left over


def test_an_earlier_deadline_wakes_the_watchdog() -> None:
    """A long budget registered first does not delay a shorter one started after it."""
    import threading

    result: list[str] = []

    def long_work() -> None:
        within(30.0, lambda: time.sleep(3))
        result.append("long")

    other = threading.Thread(target=long_work)
    other.start()
    time.sleep(0.05)

    def forever() -> None:
        while True:
            time.sleep(0.001)

    with pytest.raises(OverBudget):
        within(0.1, forever)
    assert result == []  # stopped at its own deadline, before the other work's end
    other.join()
    assert result == ["long"]
