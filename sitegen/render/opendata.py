"""Open data: the ledger, the project library and coverage as JSON, CSV and Excel (docs/reference.md, 网站的页面和网址 › 开放数据).

CSV is UTF-8 with a BOM so that Excel opens Chinese text correctly; text that a spreadsheet would
run as a formula is escaped (`cells.escape`). Codes stay as written: a CSV cannot tell Excel that
a column is text, so the .xlsx workbooks (`spreadsheets.py`) are the files for Excel. The same functions feed
`sitegen coverage`, so the CLI and the site print the same numbers.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Collection, Mapping
from typing import Any

from sitegen.domain import evaluation
from sitegen.domain.coverage import AreaCoverage, CoverageReport
from sitegen.link import urls
from sitegen.link.site import Site
from sitegen.render import cells, datapackage, spreadsheets


def dumps(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def to_csv(header: list[str], rows: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else _cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return repr(value)
    return cells.escape(value) if isinstance(value, str) else str(value)


def association_level(site: Site, region: str) -> str:
    if region == "100000":
        return "national"
    division = site.divisions.get(region)
    return "county" if division is None or division.level == "zone" else division.level


def association_records(site: Site) -> list[dict[str, Any]]:
    items = []
    for region in sorted(site.associations):
        record = site.associations[region]
        item = record.data.model_dump(mode="json")
        item["url"] = site.href(urls.association(region))
        item["level"] = association_level(site, region)
        item["parent"] = site.parent.get(region)
        items.append(item)
    return items


def project_records(site: Site) -> list[dict[str, Any]]:
    items = []
    for slug in sorted(site.projects):
        item = {"slug": slug, **site.projects[slug].data.model_dump(mode="json")}
        item["url"] = site.href(urls.project(slug))
        items.append(item)
    return items


def _area(area: AreaCoverage, series: bool) -> dict[str, Any]:
    item: dict[str, Any] = {"counties": area.counties, "covered": area.covered, "rate": area.rate}
    if series:
        item["series"] = [{"date": p.date.isoformat(), "covered": p.covered} for p in area.series]
    return item


def coverage_document(report: CoverageReport) -> dict[str, Any]:
    """`/data/coverage.json`: the scope's figures, `national` only on a national site, and the
    provinces with units in scope, each counted over those units. (The rows of /coverage/ —
    cities on a province's site — are in coverage.csv.)"""
    document: dict[str, Any] = {
        "as_of": report.as_of.isoformat(),
        "milestones": [{"date": m.date.isoformat(), "rate": m.rate} for m in report.milestones],
        "scope": {"regions": list(report.scope_regions), **_area(report.scope, series=True)},
    }
    if report.national is not None:
        document["national"] = _area(report.national, series=True)
    document["provinces"] = [{"region": p.region, "name": p.name, **_area(p, series=True)} for p in report.provinces]
    return document


def coverage_json(report: CoverageReport) -> bytes:
    return dumps(coverage_document(report))


def coverage_table(report: CoverageReport) -> list[AreaCoverage]:
    """The rows `coverage.csv` and `sitegen coverage` list: the whole scope, then its areas."""
    return [report.scope, *(a for a in report.areas if a is not report.scope)]


def scope_code(report: CoverageReport, area: AreaCoverage) -> str:
    """The region column of an area: the scope's codes (space-separated) for the whole scope."""
    return " ".join(report.scope_regions) if area is report.scope else area.region


def coverage_rows(report: CoverageReport) -> tuple[list[str], list[list[Any]]]:
    header = ["region", "name", "level", "counties", "covered", "rate"]
    header += [f"covered_{m.date.isoformat()}" for m in report.milestones if m.date <= report.as_of]
    rows = []
    for area in coverage_table(report):
        row: list[Any] = [scope_code(report, area), area.name, area.level, area.counties, area.covered, area.rate]
        row += [area.covered_on(m.date) for m in report.milestones if m.date <= report.as_of]
        rows.append(row)
    return header, rows


def coverage_csv(report: CoverageReport) -> bytes:
    return to_csv(*coverage_rows(report))


# Registry facts as CSV columns (registration_<name>); annual_reports lists the years reported.
REGISTRATION_COLUMNS = (
    "authority", "certificate_from", "certificate_until", "rating", "rating_until", "unit_members",
    "individual_members", "directors", "supervisors", "charter_approved", "annual_reports",
)  # fmt: skip


ASSOCIATION_COLUMNS = [
    "region", "serial", "name", "kind", "status", "level", "parent", "founded", "dissolved",
    "credit_code", "supervisor", "address", "phone", "email", "website",
    "volunteers_registered", "volunteers_as_of", "teams", "group_members", "trainings",
    "bases", "model_years", *(f"registration_{name}" for name in REGISTRATION_COLUMNS),
    "updated", "url",
]  # fmt: skip


def associations_csv(site: Site) -> bytes:
    rows = []
    for item in association_records(site):
        contact = item.get("contact") or {}
        volunteers = item.get("volunteers") or {}
        registration = item.get("registration") or {}
        model_years = site.model_years(item["region"])
        rows.append([
            item["region"], item["serial"], item["name"], item["kind"], item["status"], item["level"],
            item["parent"], item["founded"], item["dissolved"], item["credit_code"], item["supervisor"],
            contact.get("address"), contact.get("phone"), contact.get("email"), contact.get("website"),
            volunteers.get("registered"), volunteers.get("as_of"), len(item["teams"]),
            len(item["group_members"]), len(item["trainings"]), len(item["bases"]),
            " ".join(str(y) for y in model_years),
            *(registration.get(name) for name in REGISTRATION_COLUMNS[:-1]),
            " ".join(str(r["year"]) for r in registration.get("annual_reports", [])) or None,
            item["updated"], item["url"],
        ])  # fmt: skip
    return to_csv(ASSOCIATION_COLUMNS, rows)


PROJECT_COLUMNS = [
    "slug", "title", "association", "association_name", "brand", "brand_name", "targets",
    "summary", "started", "status", "regular", "schedule", "volunteers", "service_hours",
    "beneficiaries", "funding", "library_year", "featured", "url",
]  # fmt: skip


def association_names(site: Site) -> dict[str, str]:
    """Region -> name of every association: all the project tables show of their hosts."""
    return {region: record.data.name for region, record in site.associations.items()}


def projects_csv(site: Site, names: Mapping[str, str] | None = None) -> bytes:
    """`names`: association_names(site), memoised by the caller (a build reads it as one
    derived value, so an association edit that keeps every name leaves the file alone)."""
    names = association_names(site) if names is None else names
    rows = []
    for item in project_records(site):
        brand = site.config.brands.get(item["brand"])
        rows.append([
            item["slug"], item["title"], item["association"], names.get(item["association"]),
            item["brand"], brand.name if brand else None, "、".join(item["targets"]), item["summary"],
            item["started"], item["status"], item["regular"], item["schedule"], item["volunteers"],
            item["service_hours"], item["beneficiaries"], "、".join(item["funding"]),
            item["library_year"], item["featured"], item["url"],
        ])  # fmt: skip
    return to_csv(PROJECT_COLUMNS, rows)


def csv_headers(site: Site, report: evaluation.EvaluationReport) -> dict[str, list[str]]:
    """The header row of each CSV file, by dataset (for datapackage.json and the /data/ page)."""
    return {
        "associations": ASSOCIATION_COLUMNS,
        "projects": PROJECT_COLUMNS,
        "coverage": coverage_rows(site.coverage)[0],
        "evaluation": evaluation_rows(report, site)[0],
    }


def _summary_item(summary: evaluation.Summary) -> dict[str, Any]:
    return {
        "associations": summary.count,
        "points": summary.points,
        "average": summary.average,
        "met": {ind.key: summary.met(ind.key) for ind in evaluation.INDICATORS},
    }


def indicator_table() -> list[dict[str, Any]]:
    return [
        {
            "key": ind.key,
            "name": ind.name,
            "weight": ind.weight,
            "explanation": ind.explanation,
            "checks": [{"key": c.key, "name": c.name, "points": c.points, "rule": c.rule} for c in ind.checks],
        }
        for ind in evaluation.INDICATORS
    ]


def evaluation_document(report: evaluation.EvaluationReport, site: Site) -> dict[str, Any]:
    """The JSON-ready `/data/evaluation.json`: rules, aggregates and every scorecard in scope."""
    document: dict[str, Any] = {
        "as_of": report.as_of.isoformat(),
        "windows": {
            "trainings": {"from": report.training_from.isoformat(), "to": report.as_of.isoformat()},
            "updated": {"from": report.fresh_from.isoformat(), "to": report.as_of.isoformat()},
        },
        "max_score": evaluation.MAX_SCORE,
        "indicators": indicator_table(),
        "scope": {"regions": list(site.scope.regions), **_summary_item(report.scope)},
    }
    if report.national is not None:
        document["national"] = _summary_item(report.national)
    document["provinces"] = [{"region": p.region, "name": p.name, **_summary_item(p)} for p in report.provinces]
    document["associations"] = [
        {
            "region": card.region,
            "name": card.name,
            "province": card.province,
            "status": card.status,
            "url": site.href(urls.association(card.region)),
            "score": card.score,
            "met": card.met,
            "indicators": [
                {
                    "key": result.indicator.key,
                    "points": result.points,
                    "weight": result.indicator.weight,
                    "checks": [
                        {"key": c.check.key, "ok": c.ok, "recorded": c.recorded, "points": c.points, "detail": c.detail}
                        for c in result.checks
                    ],
                }
                for result in card.indicators
            ],
        }
        for card in report.scorecards
    ]
    return document


def evaluation_rows(report: evaluation.EvaluationReport, site: Site) -> tuple[list[str], list[list[Any]]]:
    """One CSV row per association: its score and each indicator's points."""
    header = ["region", "name", "province", "status", "score", *(ind.key for ind in evaluation.INDICATORS), "url"]
    rows: list[list[Any]] = []
    for card in report.scorecards:
        rows.append([
            card.region, card.name, card.province, card.status, card.score,
            *(r.points for r in card.indicators), site.href(urls.association(card.region)),
        ])  # fmt: skip
    return header, rows


def data_makers(
    site: Site, evaluated: Callable[[], evaluation.EvaluationReport], names: Callable[[], Mapping[str, str]] | None = None
) -> dict[str, Callable[[], bytes]]:
    """Route -> maker of every open-data file; `evaluated` gives the evaluation the pages show,
    `names` the association names (association_names). (What each file reads is recorded
    while it is made: see link/inputs.py.)"""
    names = names or (lambda: association_names(site))
    return {
        urls.data_file("associations.json"): lambda: dumps(association_records(site)),
        urls.data_file("associations.csv"): lambda: associations_csv(site),
        urls.data_file("associations.xlsx"): lambda: spreadsheets.associations_xlsx(site, association_level),
        urls.data_file("projects.json"): lambda: dumps(project_records(site)),
        urls.data_file("projects.csv"): lambda: projects_csv(site, names()),
        urls.data_file("projects.xlsx"): lambda: spreadsheets.projects_xlsx(site, names()),
        urls.data_file("coverage.json"): lambda: coverage_json(site.coverage),
        urls.data_file("coverage.csv"): lambda: coverage_csv(site.coverage),
        urls.data_file("coverage.xlsx"): lambda: spreadsheets.coverage_xlsx(site.coverage, *coverage_rows(site.coverage)),
        urls.data_file("evaluation.json"): lambda: dumps(evaluation_document(evaluated(), site)),
        urls.data_file("evaluation.csv"): lambda: to_csv(*evaluation_rows(evaluated(), site)),
        urls.data_file("evaluation.xlsx"): lambda: spreadsheets.evaluation_xlsx(evaluated(), *evaluation_rows(evaluated(), site)),
        urls.data_file("datapackage.json"): lambda: datapackage.datapackage_json(site, csv_headers(site, evaluated())),
    }


def data_files(
    site: Site, report: evaluation.EvaluationReport | None = None, only: Collection[str] | None = None
) -> dict[str, bytes]:
    """Route -> bytes of every open-data file (or those in `only`), outside a build (the CLI,
    tests); pass the evaluation if it is known."""

    def scored() -> evaluation.EvaluationReport:
        nonlocal report
        report = report or evaluation.evaluate(site)
        return report

    return {route: make() for route, make in data_makers(site, scored).items() if only is None or route in only}
