"""`coverage`: the county coverage table, or exactly the site's coverage data files."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from sitegen.build import analyse
from sitegen.cli.common import SRC_OPTION, existing_src, print_diagnostics
from sitegen.diagnostics import has_errors
from sitegen.domain.coverage import UNIT_LABELS, percent, unit_state
from sitegen.link.site import Site
from sitegen.render import opendata


@click.command("coverage")
@SRC_OPTION
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), help="统计日期 YYYY-MM-DD（默认取 sitegen.yaml 的 as_of，或协会台账中最晚的日期）")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
def coverage_command(src: Path, as_of, fmt: str) -> None:
    """县级青年志愿者协会覆盖率：本站统计范围（scope）合计及其下一级各地，与网站的 /data/coverage.csv 相同。"""
    day: date | None = as_of.date() if as_of else None
    result = analyse(existing_src(src), as_of=day)
    if has_errors(result.diagnostics) or result.site is None:
        print_diagnostics([d for d in result.diagnostics if d.is_error])
        sys.exit(1)
    site = result.site
    report = site.coverage
    if fmt == "json":
        sys.stdout.buffer.write(opendata.coverage_json(report))
    elif fmt == "csv":
        sys.stdout.buffer.write(opendata.coverage_csv(report))
    else:
        click.echo(_coverage_table(site))


def _coverage_table(site: Site) -> str:
    """The rows of coverage.csv, for a terminal: rates, or statuses for county-level units."""
    report = site.coverage
    shown = [m for m in report.milestones if m.date <= report.as_of]
    goals = [str(m.date) if report.status_only else f"{m.date}（目标 {percent(round(m.rate * 1000), 1000)}）" for m in shown]
    rows = [["代码", "地区", "县级单位", "已建协会", "覆盖率", *goals]]
    for area in opendata.coverage_table(report):
        if area.is_unit:
            record = site.associations.get(area.region)
            state = UNIT_LABELS[unit_state(area, area.region, record.data if record else None)]
            cells = [state, *("已建" if area.covered_on(m.date) else "未建" for m in shown)]
        elif report.status_only:
            cells = [f"已建 {area.covered}/{area.counties}", *(f"{area.covered_on(m.date)}/{area.counties}" for m in shown)]
        else:
            cells = [percent(area.covered, area.counties), *(percent(area.covered_on(m.date), area.counties) for m in shown)]
        rows.append([opendata.scope_code(report, area), area.name, str(area.counties), str(area.covered), *cells])
    if report.status_only:
        rows[0][4] = "状态"
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [f"截至 {report.as_of}（{site.as_of_source}）· 统计范围：{site.scope.name}"]
    for row in rows:
        lines.append("  ".join(cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row)).rstrip())
    return "\n".join(lines)


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
