"""Rules of the registry facts: the unified serial, the credit code's region, validity periods.

Checked after each association is validated alone (`records.load_records`, and the spreadsheet
import before it writes anything), so each problem points at the value it concerns.
"""

from __future__ import annotations

from collections.abc import Iterable

from sitegen.diagnostics import Diagnostic, error, warning
from sitegen.domain import creditcode
from sitegen.domain.divisions import DivisionTable
from sitegen.load.record import Record

# 统一社会信用代码 of a 社会团体: registered by 民政 (5), kind 社会团体 (1).
SOCIAL_GROUP_PREFIX = "51"


def check(record: Record, divisions: DivisionTable) -> list[Diagnostic]:
    """The registry rules of one association record (nothing for other kinds)."""
    if record.kind != "association":
        return []
    return _credit_code_region(record, divisions) + _registration_rules(record)


def _place(code: str, divisions: DivisionTable) -> str:
    if code in divisions:
        return f"{code}（{divisions.full_name(code) if code != '100000' else '全国'}）"
    return f"{code}（不在 2023 年区划代码表中，可能是区划调整前的代码）"


def _credit_code_region(record: Record, divisions: DivisionTable) -> list[Diagnostic]:
    """A 社会团体 code carries its registration region in characters 3–8: it must be the
    association's own region or one of its ancestors (a higher authority may register it)."""
    code, region = record.data.credit_code, record.data.region
    if not code or not code.startswith(SOCIAL_GROUP_PREFIX) or not creditcode.is_valid(code):
        return []
    registered = code[2:8]
    if region not in divisions:
        return []
    allowed = {region, *(d.code for d in divisions.ancestors(region))}
    if registered in allowed:
        return []
    line, col = record.position("credit_code")
    return [
        warning(record.path, line, col, "credit-code", f"统一社会信用代码 {code} 的登记地是 {_place(registered, divisions)}，不是本协会所在的 {_place(region, divisions)}或其上级区划；请核对代码或区划代码")
    ]


def _registration_rules(record: Record) -> list[Diagnostic]:
    registration = record.data.registration
    if registration is None:
        return []
    problems: list[Diagnostic] = []

    def fail(loc: tuple[str | int, ...], message: str) -> None:
        line, col = record.position("registration", *loc)
        problems.append(error(record.path, line, col, "invalid-value", message))

    start, end = registration.certificate_from, registration.certificate_until
    if start and end and end < start:
        fail(("certificate_until",), f"证书有效期截止日期 {end} 早于起始日期 {start}，请核对")
    if registration.rating_until and not registration.rating:
        fail(("rating_until",), "填写了评估等级有效期 rating_until，却没有评估等级 rating；请补上等级（1A–5A）或删除有效期")
    seen: dict[int, int] = {}
    for index, report in enumerate(registration.annual_reports):
        if report.year in seen:
            fail(("annual_reports", index, "year"), f"{report.year} 年度的年度报告已在第 {seen[report.year] + 1} 项中填写，每个年度只写一项")
        seen.setdefault(report.year, index)
    return problems


def duplicate_serials(records: Iterable[Record]) -> list[Diagnostic]:
    """Two associations with one serial: an error on the later file naming the earlier one."""
    seen: dict[str, Record] = {}
    problems: list[Diagnostic] = []
    for record in sorted(records, key=lambda r: r.source.rel):
        serial = getattr(record.data, "serial", None) if record.kind == "association" else None
        if not serial:
            continue
        first = seen.setdefault(serial, record)
        if first is not record:
            line, col = record.position("serial")
            problems.append(error(record.path, line, col, "duplicate-key", f"统一编号 {serial} 已由 {first.source.rel}（{first.data.name}）使用，每个协会的编号必须唯一；sitegen new association 会给出下一个可用编号"))
    return problems
