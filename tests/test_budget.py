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
