"""Spreadsheet commands: `import` reads a ledger workbook into YAML, `template` writes an empty
ledger workbook to fill in."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from sitegen.authoring import changes, scaffold
from sitegen.authoring.ledger_import import ImportPlan, plan_import
from sitegen.cli.common import SRC_OPTION, existing_src, print_diagnostics, shown
from sitegen.diagnostics import has_errors
from sitegen.incremental.store import write_atomically
from sitegen.load.config import CONFIG_FILE, SiteConfig
from sitegen.load.records import load_config
from sitegen.render.spreadsheets import template_xlsx

SUFFIXES = (".xlsx", ".xlsm", ".csv")
TEMPLATE_NAME = "台账模板.xlsx"


@click.command("import")
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
@SRC_OPTION
@click.option("--write", "write", is_flag=True, help="写入 YAML 文件（默认只列出将要新增和修改的内容）")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="问题的输出格式")
def import_command(workbook: Path, src: Path, write: bool, fmt: str) -> None:
    """从 Excel 台账（.xlsx）或 CSV 导入协会和项目。

    先列出每条记录将被新增、修改还是不变；确认无误后加 --write 写入。有任何错误时什么也不写，
    错误指出工作表、行、列和表头。表格的格式见 sitegen template 生成的模板。
    """
    src = existing_src(src)
    if not workbook.is_file():
        raise click.UsageError(f"找不到文件：{workbook}")
    if workbook.suffix.lower() not in SUFFIXES:
        raise click.UsageError(f"只能导入 .xlsx 工作簿或 .csv 文件；{workbook.name} 请在 Excel 或 WPS 中另存为 Excel 工作簿(*.xlsx)")
    plan = plan_import(src, workbook, shown(workbook))
    print_diagnostics(plan.diagnostics, fmt)
    if not plan.ok:
        errors = sum(1 for d in plan.diagnostics if d.is_error)
        click.echo(f"导入未进行：{errors} 个错误，没有写入任何文件。请在表格中改正后重新运行。", err=True)
        sys.exit(1)
    _report(plan, workbook, write)
    if write:
        _write(plan)


def _report(plan: ImportPlan, workbook: Path, write: bool) -> None:
    counts = {action: 0 for action in changes.ACTIONS}
    for change in plan.changes:
        counts[change.action] += 1
        if change.action == changes.SAME:
            continue
        click.echo(f"{changes.ACTIONS[change.action]}  {shown(change.path)}  {change.name}")
        for line in change.fields:
            click.echo(f"      {line}")
    summary = "，".join(f"{label} {counts[action]}" for action, label in changes.ACTIONS.items())
    click.echo(f"{shown(workbook)}：{len(plan.changes)} 条记录（{summary}）；工作簿中没有的 {plan.untouched} 份协会台账不受影响。")
    pending = counts[changes.ADD] + counts[changes.CHANGE]
    if not write and pending:
        click.echo(f"以上是预览，没有写入任何文件。确认无误后运行：sitegen import {shown(workbook)} --write")


def _write(plan: ImportPlan) -> None:
    written = 0
    for change in plan.changes:
        if change.text is None or change.action == changes.SAME:
            continue
        if change.action == changes.ADD:
            scaffold.create(change.path, change.text)
        else:
            write_atomically(change.path, change.text.encode("utf-8"))
        written += 1
    click.echo(f"已写入 {written} 个文件。运行 sitegen check 检查全站，git diff 查看改动。")


@click.command("template")
@SRC_OPTION
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path), help=f"输出文件（默认 {TEMPLATE_NAME}）")
def template_command(src: Path, out: Path | None) -> None:
    """生成空白的台账模板（Excel 工作簿）：每列的填写说明、下拉选项和代码位数检查。

    在站点目录中运行时，品牌、服务对象等下拉选项取自 sitegen.yaml；从不覆盖已有文件。
    """
    out = out or Path(TEMPLATE_NAME)
    if out.suffix.lower() != ".xlsx":
        raise click.UsageError(f"模板是 Excel 工作簿，文件名应以 .xlsx 结尾：{out}")
    config = _config_or_defaults(src)
    try:
        scaffold.create_bytes(out, template_xlsx(config, date.today()))
    except FileExistsError:
        raise click.UsageError(f"文件已存在，不会覆盖：{out}") from None
    click.echo(f"已生成台账模板 {shown(out)}：先看“填表说明”表，填好后运行 sitegen import {shown(out)} 预览导入结果。")


def _config_or_defaults(src: Path) -> SiteConfig:
    """The site's config when SRC is a site; sitegen's defaults otherwise."""
    if not (src / CONFIG_FILE).is_file():
        return SiteConfig(title="sitegen", base_url="https://example.org/")
    config, problems = load_config(existing_src(src))
    if config is None or has_errors(problems):
        print_diagnostics(problems)
        sys.exit(1)
    return config
