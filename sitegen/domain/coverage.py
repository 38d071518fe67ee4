"""Coverage: which county-level units have an association on a given day (docs/reference.md, 规则 › 覆盖率).

A unit is covered on a day when the association registered for its own region code was
founded on or before that day and not dissolved by it; `preparing` never covers. Figures are
counts; rates are derived and rounded only for display.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sitegen.domain.divisions import Division
from sitegen.domain.scope import Scope
from sitegen.load.config import Milestone
from sitegen.load.models import Association


@dataclass(frozen=True)
class Point:
    date: date
    covered: int


@dataclass(frozen=True)
class AreaCoverage:
    region: str  # a division code; "scope" for the union of several scope regions
    name: str
    level: str  # national | province | city | county | scope
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

    @property
    def is_unit(self) -> bool:
        """One county-level unit: shown by its status, not by a rate."""
        return len(self.units) == 1 and self.units[0].code == self.region

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
    """Coverage of the county-level units inside the site's scope, "now" and over time."""

    as_of: date
    milestones: tuple[Milestone, ...]
    scope_regions: tuple[str, ...]
    scope: AreaCoverage  # every unit inside the scope
    national: AreaCoverage | None  # only when the scope is national
    provinces: tuple[AreaCoverage, ...]  # provinces with units in scope, counted over those
    areas: tuple[AreaCoverage, ...]  # the rows of /coverage/: the next level down
    regions: tuple[AreaCoverage, ...]  # the areas with a /regions/<code>/ page
    status_only: bool  # a scope of county-level units: statuses, not rates

    def region(self, code: str) -> AreaCoverage | None:
        """The area of a `/regions/<code>/` page."""
        return next((a for a in self.regions if a.region == code), None)

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


UNIT_LABELS = {"covered": "已建", "preparing": "筹备中", "dissolved": "已撤销", "founded-later": "未成立", "none": "未建"}


def unit_state(area: AreaCoverage, code: str, association: Association | None) -> str:
    """A unit's state now: covered | preparing | dissolved | founded-later | none."""
    if code in area.covered_codes:
        return "covered"
    if association is None:
        return "none"
    if association.status in ("preparing", "dissolved"):
        return association.status
    return "founded-later"


def percent(covered: int, total: int) -> str:
    """Rate with one decimal, rounded half up in exact integer arithmetic (1/16 -> 6.3%)."""
    if total <= 0:
        return "0.0%"
    tenths = (covered * 2000 + total) // (2 * total)
    return f"{tenths // 10}.{tenths % 10}%"


def compute(
    associations: Iterable[Association],
    scope: Scope,
    milestones: Iterable[Milestone],
    as_of: date,
) -> CoverageReport:
    by_region = {a.region: a for a in associations}
    milestones = tuple(sorted(milestones, key=lambda m: m.date))
    made: dict[str, AreaCoverage] = {}

    def area(division: Division) -> AreaCoverage:
        if division.code not in made:
            units = scope.units_under(division.code)
            made[division.code] = _area(division.code, division.name, _level(division), units, by_region, milestones, as_of)
        return made[division.code]

    divisions = scope.divisions
    if len(scope.regions) == 1:
        whole = area(divisions.get(scope.regions[0]))  # type: ignore[arg-type]
    else:
        whole = _area("scope", scope.name, "scope", scope.units, by_region, milestones, as_of)
    return CoverageReport(
        as_of=as_of,
        milestones=milestones,
        scope_regions=scope.regions,
        scope=whole,
        national=whole if scope.national else None,
        provinces=tuple(area(p) for p in scope.provinces),
        areas=tuple(area(row.division) for row in scope.rows()),
        regions=tuple(area(divisions.get(code)) for code in scope.region_pages()),  # type: ignore[arg-type]
        status_only=scope.status_only,
    )


def _level(division: Division) -> str:
    return "county" if division.level == "zone" else division.level


def _area(
    region: str,
    name: str,
    level: str,
    units: Iterable[Division],
    by_region: dict[str, Association],
    milestones: tuple[Milestone, ...],
    as_of: date,
) -> AreaCoverage:
    units = tuple(units)
    relevant = [by_region[u.code] for u in units if u.code in by_region]
    covered_now = frozenset(a.region for a in relevant if covers(a, as_of))
    return AreaCoverage(region, name, level, units, covered_now, _series(relevant, milestones, as_of))


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
