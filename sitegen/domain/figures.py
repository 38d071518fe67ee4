"""Figures for pages: coverage numbers turned into chart SVG and the tables beside them.

The bridge between `coverage` (counts) and `charts` (pure SVG): it chooses titles,
descriptions and labels in Chinese, formats rates exactly as the pages and data files do
(`coverage.percent`), and hands templates `Markup` so the SVG is not escaped twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from markupsafe import Markup

from sitegen.domain import charts
from sitegen.domain.chinese import cn_date
from sitegen.domain.coverage import UNIT_LABELS, AreaCoverage, CoverageReport, percent, unit_state
from sitegen.domain.divisions import Division
from sitegen.link.site import Site


def target_label(rate: float) -> str:
    return percent(round(rate * 1000), 1000)


@dataclass(frozen=True)
class SeriesRow:
    """One row of the table beside a coverage line chart (one point of the series)."""

    date: date
    covered: int
    rate: str
    target: str | None  # the milestone's rate when the point is a milestone
    met: bool | None
    is_now: bool


@dataclass(frozen=True)
class Unit:
    """A county-level unit on a province page, with its state "now"."""

    division: Division
    state: str  # covered | preparing | dissolved | founded-later | none
    label: str


@dataclass(frozen=True)
class UnitGroup:
    division: Division  # the city (or the province for 省直辖县级 units)
    direct: bool  # units directly under the province
    units: tuple[Unit, ...]

    @property
    def covered(self) -> int:
        return sum(1 for u in self.units if u.state == "covered")


class Figures:
    """Charts and chart tables of one site's coverage report."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.report: CoverageReport = site.coverage
        self.scale = charts.coverage_scale(m.rate for m in self.report.milestones)

    def _ident(self, kind: str, area: AreaCoverage) -> str:
        return f"{kind}-{area.region}"

    def markers(self) -> list[charts.Marker]:
        return [charts.Marker(m.date, m.rate, f"目标 {charts.percent_label(m.rate)}") for m in self.report.milestones]

    def coverage_line(self, area: AreaCoverage) -> Markup:
        report = self.report
        total = area.counties
        points = [(p.date, p.covered / total if total else 0.0) for p in area.series]
        first = area.series[0].date if area.series else report.as_of
        start, end = charts.time_domain(first, [m.date for m in report.milestones], report.as_of)
        goals = "、".join(f"{cn_date(m.date)}前 {target_label(m.rate)}" for m in report.milestones)
        now_text = percent(area.covered, total)
        desc = (
            f"阶梯线表示{start.year}年起已建立协会的县级单位所占比例，按成立和撤销日期计算；"
            f"虚线和菱形标出阶段目标：{goals}。截至{cn_date(report.as_of)}为 {now_text}"
            f"（{area.covered} / {total} 个县级单位）。各点的数字见图旁的表格。"
        )
        svg = charts.line_chart(
            self._ident("line", area),
            points,
            self.markers(),
            start=start,
            end=end,
            now=report.as_of,
            now_label=now_text,
            title=f"{area.name}县级协会覆盖率变化",
            desc=desc,
        )
        return Markup(svg)

    def series_rows(self, area: AreaCoverage) -> list[SeriesRow]:
        goals = {m.date: m.rate for m in self.report.milestones}
        rows = []
        for point in area.series:
            goal = goals.get(point.date)
            met = None if goal is None else bool(area.counties) and point.covered / area.counties >= goal
            rows.append(
                SeriesRow(
                    point.date,
                    point.covered,
                    percent(point.covered, area.counties),
                    None if goal is None else target_label(goal),
                    met,
                    point.date == self.report.as_of,
                )
            )
        return rows

    def rate_bar(self, area: AreaCoverage) -> Markup:
        targets = [m.rate for m in self.report.milestones]
        goals = "、".join(target_label(t) for t in targets)
        svg = charts.rate_bar(
            self._ident("bar", area),
            area.rate,
            targets,
            title=f"{area.name}：覆盖率 {percent(area.covered, area.counties)}",
            desc=f"横条长度为今天的覆盖率，竖线为阶段目标 {goals}。",
        )
        return Markup(svg)

    def tile_map(self) -> Markup:
        tiles = [
            charts.Tile(
                p.region,
                p.rate,
                percent(p.covered, p.counties),
                f"{p.name}：{percent(p.covered, p.counties)}（{p.covered} / {p.counties} 个县级单位）",
            )
            for p in self.report.provinces
            if p.region in charts.GRID
        ]
        svg = charts.tile_map(
            "tiles-provinces",
            tiles,
            self.scale,
            title="各省县级协会覆盖率分布",
            desc=(
                "每个方块代表一个省级行政区，按大致地理位置排列，方块内标注省名和今天的覆盖率；"
                "颜色越深覆盖率越高，虚线框表示尚无县级协会。分档："
                + "、".join(b.label for b in self.scale)
                + "。各省数字见图旁的表格。"
            ),
            heading="县级协会覆盖率",
        )
        return Markup(svg)

    def target_note(self, area: AreaCoverage) -> str:
        """The milestone beside a rate, stated calmly: the next target, or once every deadline
        has passed, how many units the last target still lacks."""
        report = self.report
        target = report.current_target
        if target is None or not area.counties:
            return ""
        goal = target_label(target.rate)
        if target.date >= report.as_of:
            return f"目标：{cn_date(target.date)}前达到 {goal}"
        needed = -(-round(target.rate * 1000) * area.counties // 1000)  # ceil, in integers
        if area.covered >= needed:
            return f"已达到{cn_date(target.date)}前 {goal} 的目标"
        whole = "全覆盖" if target.rate >= 1 else f" {goal} "
        return f"对照{cn_date(target.date)}前{whole}的目标，还有 {needed - area.covered} 个县级单位未建立协会"

    def units(self, area: AreaCoverage) -> list[Unit]:
        """Every county-level unit of an area with its state now, in code order."""
        return [unit for group in self.units_by_city(area) for unit in group.units]

    def band(self, area: AreaCoverage) -> str:
        """The tile map class of an area, as its legend label."""
        return charts.bin_of(self.scale, area.rate).label

    def units_by_city(self, area: AreaCoverage) -> list[UnitGroup]:
        """Every county-level unit of a province, city by city, with its state now."""
        site = self.site
        groups: dict[str, list[Unit]] = {}
        for unit in area.units:
            key = unit.code if site.divisions.is_city_without_counties(unit.code) else unit.parent or area.region
            state = self._state(unit.code, area)
            groups.setdefault(key, []).append(Unit(unit, state, UNIT_LABELS[state]))
        result = []
        for code, units in groups.items():
            division = site.divisions.get(code)
            assert division is not None
            result.append(UnitGroup(division, division.level == "province", tuple(units)))
        return result

    def _state(self, code: str, area: AreaCoverage) -> str:
        record = self.site.associations.get(code)
        return unit_state(area, code, record.data if record else None)
