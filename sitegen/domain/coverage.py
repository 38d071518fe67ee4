"""Coverage: which county-level units have an association on a given day (docs/reference.md, 规则 › 覆盖率).

A unit is covered on a day when the association registered for its own region code was
founded on or before that day and not dissolved by it; `preparing` never covers. Figures are
counts; rates are derived and rounded only for display.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sitegen.domain.divisions import NATIONAL, Division, DivisionTable
from sitegen.load.config import Milestone
from sitegen.load.models import Association


@dataclass(frozen=True)
class Point:
    date: date
    covered: int


@dataclass(frozen=True)
class AreaCoverage:
    region: str
    name: str
    units: tuple[Division, ...]  # the county-level units counted
    covered_codes: frozenset[str]  # covered "now"
    series: tuple[Point, ...]

    @property
    def counties(self) -> int:
        return len(self.units)

    @property
    def covered(self) -> int:
        return len(self.covered_codes)

    @property
    def rate(self) -> float:
        return self.covered / self.counties if self.counties else 0.0

    @property
    def uncovered(self) -> list[Division]:
        return [u for u in self.units if u.code not in self.covered_codes]

    def covered_on(self, day: date) -> int:
        """Covered count on `day` (series points are the count after their day)."""
        count = 0
        for point in self.series:
            if point.date > day:
                break
            count = point.covered
        return count


@dataclass(frozen=True)
class CoverageReport:
    as_of: date
    milestones: tuple[Milestone, ...]
    national: AreaCoverage
    provinces: tuple[AreaCoverage, ...]

    def province(self, code: str) -> AreaCoverage | None:
        return next((p for p in self.provinces if p.region == code), None)

    @property
    def current_target(self) -> Milestone | None:
        """The milestone "now" works towards: the next one on or after `as_of`, else the last."""
        upcoming = [m for m in self.milestones if m.date >= self.as_of]
        return upcoming[0] if upcoming else (self.milestones[-1] if self.milestones else None)


def covers(association: Association, day: date) -> bool:
    if association.status == "preparing" or association.founded is None:
        return False
    if association.founded > day:
        return False
    return association.dissolved is None or association.dissolved > day


def percent(covered: int, total: int) -> str:
    """Rate with one decimal, rounded half up in exact integer arithmetic (1/16 -> 6.3%)."""
    if total <= 0:
        return "0.0%"
    tenths = (covered * 2000 + total) // (2 * total)
    return f"{tenths // 10}.{tenths % 10}%"


def compute(
    associations: Iterable[Association],
    divisions: DivisionTable,
    milestones: Iterable[Milestone],
    as_of: date,
    count_zones: bool = False,
) -> CoverageReport:
    by_region = {a.region: a for a in associations}
    milestones = tuple(sorted(milestones, key=lambda m: m.date))
    provinces = tuple(
        _area(p.code, p.name, divisions.coverage_units(p.code, count_zones), by_region, milestones, as_of)
        for p in divisions.provinces()
    )
    all_units = tuple(u for p in provinces for u in p.units)
    national = _area(NATIONAL, "全国", all_units, by_region, milestones, as_of)
    return CoverageReport(as_of, milestones, national, provinces)


def _area(
    region: str,
    name: str,
    units: Iterable[Division],
    by_region: dict[str, Association],
    milestones: tuple[Milestone, ...],
    as_of: date,
) -> AreaCoverage:
    units = tuple(units)
    relevant = [by_region[u.code] for u in units if u.code in by_region]
    covered_now = frozenset(a.region for a in relevant if covers(a, as_of))
    return AreaCoverage(region, name, units, covered_now, _series(relevant, milestones, as_of))


def _series(associations: list[Association], milestones: tuple[Milestone, ...], as_of: date) -> tuple[Point, ...]:
    """Points where the count changes, at each milestone up to now, and at now (one sweep)."""
    delta: dict[date, int] = {}
    for association in associations:
        if association.status == "preparing" or association.founded is None:
            continue
        delta[association.founded] = delta.get(association.founded, 0) + 1
        if association.dissolved is not None:
            delta[association.dissolved] = delta.get(association.dissolved, 0) - 1
    days = {as_of} | {m.date for m in milestones if m.date <= as_of}
    days |= {day for day, change in delta.items() if change and day <= as_of}
    changes = sorted(delta.items())
    points, count, index = [], 0, 0
    for day in sorted(days):
        while index < len(changes) and changes[index][0] <= day:
            count += changes[index][1]
            index += 1
        points.append(Point(day, count))
    return tuple(points)
