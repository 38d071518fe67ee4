"""`coverage`: the county coverage table, or exactly the site's coverage data files."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from sitegen.build import analyse
from sitegen.cli.common import SRC_OPTION, existing_src, print_diagnostics
from sitegen.diagnostics import has_errors
from sitegen.domain.coverage import percent
from sitegen.render import opendata


@click.command("coverage")
@SRC_OPTION
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), help="统计日期 YYYY-MM-DD（默认取配置或内容中的最新日期）")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
def coverage_command(src: Path, as_of, fmt: str) -> None:
    """县级青年志愿者协会覆盖率（全国与各省）。"""
    day: date | None = as_of.date() if as_of else None
    result = analyse(existing_src(src), as_of=day)
    if has_errors(result.diagnostics) or result.site is None:
        print_diagnostics([d for d in result.diagnostics if d.is_error])
        sys.exit(1)
    report = result.site.coverage
    if fmt == "json":
        sys.stdout.buffer.write(opendata.coverage_json(report))
    elif fmt == "csv":
        sys.stdout.buffer.write(opendata.coverage_csv(report))
    else:
        click.echo(_coverage_table(report))


def _coverage_table(report) -> str:
    shown = [m for m in report.milestones if m.date <= report.as_of]
    header = ["代码", "地区", "县级单位", "已建协会", "覆盖率"] + [f"{m.date}（目标 {percent(round(m.rate * 1000), 1000)}）" for m in shown]
    rows = [header]
    for area in (report.national, *report.provinces):
        rows.append(
            [area.region, area.name, str(area.counties), str(area.covered), percent(area.covered, area.counties)]
            + [percent(area.covered_on(m.date), area.counties) for m in shown]
        )
    widths = [max(_width(row[i]) for row in rows) for i in range(len(header))]
    lines = [f"截至 {report.as_of}"]
    for row in rows:
        lines.append("  ".join(cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row)).rstrip())
    return "\n".join(lines)


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


