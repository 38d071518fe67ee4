"""Chinese text helpers shared by the pages, the figures and the evaluation."""

from __future__ import annotations

from datetime import date


def cn_date(day: date | None) -> str:
    """`2021-05-04` → 2021年5月4日 (empty for no date)."""
    return f"{day.year}年{day.month}月{day.day}日" if day else ""
