"""Scope: the part of the country a site is about (`scope:` in sitegen.yaml, docs/editing.md).

Every figure, list and page of a site counts the county-level units inside its scope and
nothing else: a province's site is about its province, a county's about its county. A region
is inside the scope when it is a scope region or lies under one; an *ancestor* of a scope
region (the province above a county's site) is outside it, shown for context, counted nowhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from sitegen.domain.divisions import COUNTY_LEVELS, NATIONAL, Division, DivisionTable

DEFAULT_SCOPE = (NATIONAL,)


@dataclass(frozen=True)
class Row:
    """One row of the coverage table: a division and the county-level units under it."""

    division: Division
    units: tuple[Division, ...]


@dataclass(frozen=True)
class Scope:
    regions: tuple[str, ...]  # the configured codes, in code order
    units: tuple[Division, ...]  # county-level units counted inside the scope, in code order
    divisions: DivisionTable = field(repr=False, compare=False)
    count_zones: bool = False

    # --- membership ---------------------------------------------------------------------------

    @property
    def national(self) -> bool:
        return NATIONAL in self.regions

    def contains(self, code: str) -> bool:
        """`code` is a scope region or lies under one."""
        if self.national:
            return code in self.divisions
        if code in self.regions:
            return True
        division = self.divisions.get(code)
        return division is not None and any(a.code in self.regions for a in self.divisions.ancestors(code))

    def is_ancestor(self, code: str) -> bool:
        """`code` lies above a scope region (the national or provincial association on a
        county's site): shown in breadcrumbs and member chains, counted nowhere."""
        return not self.contains(code) and any(
            code in {a.code for a in self.divisions.ancestors(region)} for region in self.regions
        )

    # --- what the site shows ------------------------------------------------------------------

    @property
    def name(self) -> str:
        """全国, 浙江省, 浙江省、海南省 …"""
        return "、".join(self.divisions.get(code).name for code in self.regions)  # type: ignore[union-attr]

    @property
    def status_only(self) -> bool:
        """Every scope region is a county-level unit: show each one's status, not a rate."""
        return all(self.is_unit(code) for code in self.regions)

    def is_unit(self, code: str) -> bool:
        """A county-level unit: a county, a development zone, or a city without counties."""
        division = self.divisions.get(code)
        if division is None:
            return False
        return division.level in COUNTY_LEVELS or self.divisions.is_city_without_counties(code)

    def units_under(self, code: str) -> tuple[Division, ...]:
        """The scope's units that are `code` or lie under it."""
        return self._by_region.get(code, ())

    @cached_property
    def _by_region(self) -> dict[str, tuple[Division, ...]]:
        grouped: dict[str, list[Division]] = {}
        for unit in self.units:
            for code in (unit.code, *(a.code for a in self.divisions.ancestors(unit.code))):
                grouped.setdefault(code, []).append(unit)
        return {code: tuple(units) for code, units in grouped.items()}

    @property
    def provinces(self) -> tuple[Division, ...]:
        """Provinces with a unit inside the scope, in code order."""
        codes = {u.province for u in self.units}
        return tuple(p for p in self.divisions.provinces() if p.code in codes)

    @property
    def single_province(self) -> str | None:
        """The province the whole scope lies within, if there is one (not on a national site)."""
        if self.national:
            return None
        provinces = {code[:2] for code in self.regions}
        return f"{provinces.pop()}0000" if len(provinces) == 1 else None

    def rows(self) -> tuple[Row, ...]:
        """The coverage table's rows: the next level down inside the scope (provinces for a
        national site, cities for a province's, counties for a city's), or each scope region
        when there are several. Rows without a counted unit are left out."""
        if len(self.regions) > 1:
            parts = [self.divisions.get(code) for code in self.regions]
        else:
            top = self.divisions.get(self.regions[0])
            assert top is not None
            parts = [top] if self.is_unit(top.code) else self.divisions.children(top.code)
        rows = (Row(d, self.units_under(d.code)) for d in parts if d is not None)
        return tuple(r for r in rows if r.units)

    def region_pages(self) -> tuple[str, ...]:
        """Codes with a `/regions/<code>/` page: each province in scope and, when the scope
        lies within one province, each city in scope (cities without counties are units)."""
        pages = [p.code for p in self.divisions.provinces() if self.contains(p.code)]
        if self.single_province is not None:
            pages += [
                d.code
                for d in self.divisions.children(self.single_province)
                if d.level == "city" and self.contains(d.code) and not self.is_unit(d.code) and self.units_under(d.code)
            ]
        return tuple(pages)


def build_scope(regions: Iterable[str], divisions: DivisionTable, count_zones: bool = False) -> Scope:
    codes = tuple(sorted(set(regions))) or DEFAULT_SCOPE
    counted = divisions.coverage_units(None, count_zones)
    inside = set(codes)
    units = tuple(
        u
        for u in counted
        if NATIONAL in inside or u.code in inside or any(a.code in inside for a in divisions.ancestors(u.code))
    )
    # A scope region that is itself a development zone is counted even when zones are not.
    extra = tuple(divisions.get(c) for c in codes if c not in {u.code for u in units} and _is_zone(divisions, c))
    units = tuple(sorted(units + tuple(d for d in extra if d is not None), key=lambda d: d.code))
    return Scope(codes, units, divisions, count_zones)


def _is_zone(divisions: DivisionTable, code: str) -> bool:
    division = divisions.get(code)
    return division is not None and division.level == "zone"


def scope_problems(regions: list[str], divisions: DivisionTable) -> list[tuple[int, str]]:
    """(index, Chinese message) for each scope entry that cannot be used."""
    problems: list[tuple[int, str]] = []
    for index, code in enumerate(regions):
        division = divisions.get(code)
        if division is None:
            problems.append((index, f"区划代码“{code}”不在 2023 年统计用区划代码表中，请核对"))
            continue
        if regions.index(code) != index:
            problems.append((index, f"区划代码 {code}（{division.name}）重复，请删除其中一个"))
            continue
        if code == NATIONAL and len(regions) > 1:
            problems.append((index, "100000（全国）已包含所有地区，不能再与其他区划一起列出；全国性网站只写 [100000]"))
            continue
        above = next((a for a in divisions.ancestors(code) if a.code in regions and a.code != NATIONAL), None)
        if above is not None:
            problems.append((index, f"{code}（{division.name}）已包含在 {above.code}（{above.name}）之内，请删除它"))
    return problems
