"""The published workbooks: `/data/{associations,projects,coverage,evaluation}.xlsx`, and the
empty ledger template (`sitegen template`).

The ledger's workbooks follow `domain/ledger.py`, the layout `sitegen import` reads, so a
downloaded workbook can be edited and imported back; the columns a reader wants but an import
has no use for (place name, level, parent, URL) come after the data columns.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from sitegen.domain import evaluation, ledger
from sitegen.domain.coverage import CoverageReport
from sitegen.link import urls
from sitegen.link.site import Site
from sitegen.load.config import SiteConfig
from sitegen.render.xlsx import PERCENT, Col, Table, workbook_bytes

# Columns the published workbooks add after the data columns: for readers, ignored on import.
EXPORT_ONLY = {ledger.ASSOCIATIONS.name: ("所在地", "级别", "上级协会", "示范年份", "网址"), ledger.PROJECTS.name: ("承办协会名称", "网址")}
LEVEL_LABELS = {"national": "全国", "province": "省级", "city": "市级", "county": "县级"}


def _col(sheet: ledger.Sheet, column: ledger.Column, vocabularies: ledger.Vocabularies) -> Col:
    labels = vocabularies.of(sheet, column)
    choices: tuple[str, ...] = ()
    if column.kind == ledger.BOOL:
        choices = (ledger.TRUE_LABEL, ledger.FALSE_LABEL)
    elif column.kind == ledger.CHOICE and labels:
        choices = tuple(labels.values())
    mark = "（必填）" if column.required else ""
    prompt = column.description or ("所属协会的 6 位区划代码，与“协会”表中的一致" if column is ledger.OWNER else "")
    return Col(column.header, column.kind, choices, column.length, mark + prompt, strict=column.kind == ledger.BOOL)


def _value(item: dict[str, Any], column: ledger.Column, labels: dict[str, str] | None) -> Any:
    value: Any = item
    for part in column.path:
        value = value.get(part) if isinstance(value, dict) else None
    if value is None:
        return None
    if column.kind == ledger.LIST:
        return ledger.LIST_SEPARATOR.join((labels or {}).get(v, v) for v in value) or None
    if column.kind == ledger.CHOICE and labels:
        return labels.get(value, value)
    return value


def _columns(sheet: ledger.Sheet, vocabularies: ledger.Vocabularies, derived: list[Col]) -> list[Col]:
    cols = [_col(sheet, c, vocabularies) for c in sheet.all_columns]
    if sheet.list_path:  # the owner's name right after its code, for readers
        return [cols[0], *derived, *cols[1:]]
    return cols + derived


LevelOf = Callable[[Site, str], str]  # opendata.association_level: national|province|city|county


def ledger_tables(site: Site | None, config: SiteConfig, level_of: LevelOf | None = None) -> list[Table]:
    """The association sheets (filled from `site`, or empty for the template)."""
    vocabularies = ledger.vocabularies(config)
    records = [site.associations[r] for r in sorted(site.associations)] if site else []
    items = [record.data.model_dump() for record in records]
    tables = []
    derived = [Col(h, ledger.CODE if h == "上级协会" else ledger.TEXT) for h in EXPORT_ONLY[ledger.ASSOCIATIONS.name]]
    main = Table(ledger.ASSOCIATIONS.name, _columns(ledger.ASSOCIATIONS, vocabularies, derived if site and level_of else []))
    for record, item in zip(records, items, strict=True):
        row = [_value(item, c, vocabularies.of(ledger.ASSOCIATIONS, c)) for c in ledger.ASSOCIATIONS.all_columns]
        if site is not None and level_of is not None:
            region = record.key
            level = level_of(site, region)
            place = site.divisions.full_name(region) if region in site.divisions else ""
            years = " ".join(str(y) for y in site.model_years(region)) or None
            row += [place, LEVEL_LABELS[level], site.parent.get(region), years, urls.absolute(site.config.base_url, urls.association(region))]
        main.rows.append(row)
    tables.append(main)
    for sheet in ledger.LIST_SHEETS:
        table = Table(sheet.name, _columns(sheet, vocabularies, [Col(ledger.OWNER_NAME)]))
        for item in items:
            owned: Any = item
            for part in sheet.list_path:
                owned = owned.get(part) if isinstance(owned, dict) else None
            for entry in owned or []:
                values = [_value(entry, c, vocabularies.of(sheet, c)) for c in sheet.columns]
                table.rows.append([item["region"], item["name"], *values])
        tables.append(table)
    return tables


def project_table(site: Site | None, config: SiteConfig, names: Mapping[str, str] | None = None) -> Table:
    """The projects sheet; `names`: region -> association name (opendata.association_names)."""
    vocabularies = ledger.vocabularies(config)
    sheet = ledger.PROJECTS
    derived = [Col(h) for h in EXPORT_ONLY[sheet.name]] if site else []
    table = Table(sheet.name, _columns(sheet, vocabularies, derived))
    for slug in site.projects if site else ():
        record = site.projects[slug]
        item = {"slug": slug, **record.data.model_dump()}
        row = [_value(item, c, vocabularies.of(sheet, c)) for c in sheet.all_columns]
        if names is None:
            names = {region: host.data.name for region, host in site.associations.items()}
        row += [names.get(record.data.association), urls.absolute(site.config.base_url, urls.project(slug))]
        table.rows.append(row)
    return table


def guide_table(config: SiteConfig) -> Table:
    """The explanation sheet: every column of every sheet, what it holds, how to fill it in."""
    vocabularies = ledger.vocabularies(config)
    table = Table(ledger.GUIDE_SHEET, [Col("工作表"), Col("列名"), Col("必填"), Col("说明"), Col("可选值")], checks=False, wrap=True)
    table.rows.append(["（全部）", "", "", GUIDE_INTRO, ""])
    for sheet in ledger.SHEETS:
        for column in sheet.all_columns:
            labels = vocabularies.of(sheet, column)
            options = ledger.LIST_SEPARATOR.join(labels.values()) if labels else KIND_HINTS.get(column.kind, "")
            described = column.description or ("所属协会的 6 位区划代码，与“协会”表中的一致" if column is ledger.OWNER else "")
            table.rows.append([sheet.name, column.header, "是" if column.required else "", described, options])
        readers = [ledger.OWNER_NAME] if sheet.list_path else list(EXPORT_ONLY.get(sheet.name, ()))
        for header in readers:
            table.rows.append([sheet.name, header, "", "网站导出的台账才有此列，便于阅读；导入时忽略", ""])
    return table


GUIDE_INTRO = (
    "本工作簿是 sitegen 的协会台账模板：“协会”表每行一个协会；负责人、服务队、团体会员、培训、服务阵地、荣誉、"
    "年度报告各占一张表，每行一项，第一列填所属协会的区划代码；“项目”表每行一个项目。填好后运行"
    " sitegen import 文件名.xlsx 查看将要新增或修改的内容，确认无误后加 --write 写入。区划代码、信用代码、电话等"
    "请保持文本格式；日期可写 2019-10-12、2019/10/12、2019年10月12日 或 2019.10.12；是/否列填“是”或“否”。"
    "网站导出的台账在数据列之后还有所在地、级别、上级协会、网址等列，导入时忽略。"
)
KIND_HINTS = {
    ledger.DATE: "日期，例如 2019-10-12",
    ledger.INT: "不小于 0 的整数",
    ledger.NUMBER: "不小于 0 的数字",
    ledger.YEAR: "四位年份，例如 2021",
    ledger.BOOL: "是、否",
    ledger.CODE: "文本格式",
    ledger.LIST: "多个值用顿号“、”分隔",
    ledger.LONG_TEXT: "可以换行，可以使用 Markdown",
}


def associations_xlsx(site: Site, level_of: LevelOf) -> bytes:
    return workbook_bytes([*ledger_tables(site, site.config, level_of), guide_table(site.config)], site.as_of)


def projects_xlsx(site: Site, names: Mapping[str, str] | None = None) -> bytes:
    return workbook_bytes([project_table(site, site.config, names), guide_table(site.config)], site.as_of)


def template_xlsx(config: SiteConfig, day: date) -> bytes:
    """The empty ledger template: every sheet, the dropdowns, and the explanation sheet first."""
    return workbook_bytes([guide_table(config), *ledger_tables(None, config), project_table(None, config)], day)


COVERAGE_HEADERS = {"region": ("区划代码", ledger.CODE), "name": ("名称", ledger.TEXT), "level": ("层级", ledger.TEXT), "counties": ("县级单位数", ledger.INT),
                    "covered": ("已建协会数", ledger.INT), "rate": ("覆盖率", PERCENT)}


LEVEL_LABELS = {"scope": "统计范围合计", "national": "全国", "province": "省级", "city": "市级", "county": "县级"}


def coverage_xlsx(report: CoverageReport, header: list[str], rows: list[list[Any]]) -> bytes:
    """The coverage table (the CSV's `header` and `rows`) and the units still without one."""
    cols = [Col(*COVERAGE_HEADERS[h]) if h in COVERAGE_HEADERS else Col(f"截至 {h.removeprefix('covered_')} 已建数", ledger.INT) for h in header]
    level = header.index("level")
    rows = [[*row[:level], LEVEL_LABELS.get(row[level], row[level]), *row[level + 1:]] for row in rows]
    uncovered = Table("未建协会的县级单位", [Col("区划代码", ledger.CODE), Col("名称"), Col("所属省份")], checks=False)
    for province in report.provinces:
        for division in province.uncovered:
            uncovered.rows.append([division.code, division.name, province.name])
    return workbook_bytes([Table("覆盖率", cols, rows, checks=False), uncovered], report.as_of)


def evaluation_xlsx(report: evaluation.EvaluationReport, header: list[str], rows: list[list[Any]]) -> bytes:
    """The evaluation workbook from `opendata.evaluation_rows`, the same rows as the CSV."""
    names = {ind.key: ind.name for ind in evaluation.INDICATORS}
    fixed = {"region": Col("区划代码", ledger.CODE), "name": Col("协会名称"), "province": Col("所属省份", ledger.CODE),
             "status": Col("状态"), "score": Col("得分", ledger.NUMBER), "url": Col("网址")}
    cols = [fixed.get(h) or Col(names.get(h, h), ledger.NUMBER) for h in header]
    status = header.index("status")
    shown = [[*row[:status], ledger.STATUS_LABELS.get(row[status], row[status]), *row[status + 1:]] for row in rows]
    return workbook_bytes([Table("建设评估", cols, shown, checks=False)], report.as_of)
