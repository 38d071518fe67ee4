"""Open data: the ledger, the project library and coverage as JSON and CSV (docs/reference.md, 网站的页面和网址 › 开放数据).

CSV is UTF-8 with a BOM so that Excel opens Chinese text correctly. The same functions feed
`sitegen coverage`, so the CLI and the site print the same numbers.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Collection
from typing import Any

from sitegen.domain import evaluation
from sitegen.domain.coverage import AreaCoverage, CoverageReport
from sitegen.link import urls
from sitegen.link.site import Site


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
    return str(value)


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
    return {
        "as_of": report.as_of.isoformat(),
        "milestones": [{"date": m.date.isoformat(), "rate": m.rate} for m in report.milestones],
        "national": _area(report.national, series=True),
        "provinces": [{"region": p.region, "name": p.name, **_area(p, series=True)} for p in report.provinces],
    }


def coverage_json(report: CoverageReport) -> bytes:
    return dumps(coverage_document(report))


def coverage_rows(report: CoverageReport) -> tuple[list[str], list[list[Any]]]:
    header = ["region", "name", "counties", "covered", "rate"]
    header += [f"covered_{m.date.isoformat()}" for m in report.milestones if m.date <= report.as_of]
    rows = []
    for area in (report.national, *report.provinces):
        row: list[Any] = [area.region, area.name, area.counties, area.covered, area.rate]
        row += [area.covered_on(m.date) for m in report.milestones if m.date <= report.as_of]
        rows.append(row)
    return header, rows


def coverage_csv(report: CoverageReport) -> bytes:
    return to_csv(*coverage_rows(report))


def associations_csv(site: Site) -> bytes:
    header = [
        "region", "name", "kind", "status", "level", "parent", "founded", "dissolved",
        "credit_code", "supervisor", "address", "phone", "email", "website",
        "volunteers_registered", "volunteers_as_of", "teams", "group_members", "trainings",
        "bases", "model_years", "updated", "url",
    ]  # fmt: skip
    rows = []
    for item in association_records(site):
        contact = item.get("contact") or {}
        volunteers = item.get("volunteers") or {}
        model_years = site.model_years(item["region"])
        rows.append([
            item["region"], item["name"], item["kind"], item["status"], item["level"], item["parent"],
            item["founded"], item["dissolved"], item["credit_code"], item["supervisor"],
            contact.get("address"), contact.get("phone"), contact.get("email"), contact.get("website"),
            volunteers.get("registered"), volunteers.get("as_of"), len(item["teams"]),
            len(item["group_members"]), len(item["trainings"]), len(item["bases"]),
            " ".join(str(y) for y in model_years), item["updated"], item["url"],
        ])  # fmt: skip
    return to_csv(header, rows)


def projects_csv(site: Site) -> bytes:
    header = [
        "slug", "title", "association", "association_name", "brand", "brand_name", "targets",
        "summary", "started", "status", "regular", "schedule", "volunteers", "service_hours",
        "beneficiaries", "funding", "library_year", "featured", "url",
    ]  # fmt: skip
    rows = []
    for item in project_records(site):
        host = site.associations.get(item["association"])
        brand = site.config.brands.get(item["brand"])
        rows.append([
            item["slug"], item["title"], item["association"], host.data.name if host else None,
            item["brand"], brand.name if brand else None, "、".join(item["targets"]), item["summary"],
            item["started"], item["status"], item["regular"], item["schedule"], item["volunteers"],
            item["service_hours"], item["beneficiaries"], "、".join(item["funding"]),
            item["library_year"], item["featured"], item["url"],
        ])  # fmt: skip
    return to_csv(header, rows)


# What each file reads (inputs as in deps.py), so a rebuild can keep a file whose inputs
# did not change instead of serialising the whole ledger again.
DATA_INPUTS: dict[str, tuple[str, ...]] = {
    urls.data_file("associations.json"): ("k:association",),
    urls.data_file("associations.csv"): ("k:association",),
    urls.data_file("projects.json"): ("k:project", "k:association"),
    urls.data_file("projects.csv"): ("k:project", "k:association"),
    urls.data_file("coverage.json"): ("v:coverage",),
    urls.data_file("coverage.csv"): ("v:coverage",),
    urls.data_file("evaluation.json"): ("v:evaluation", "k:association"),
    urls.data_file("evaluation.csv"): ("v:evaluation", "k:association"),
}


def data_files(
    site: Site, report: evaluation.EvaluationReport | None = None, only: Collection[str] | None = None
) -> dict[str, bytes]:
    """Route -> bytes of every open-data file (or those in `only`); pass the evaluation the
    pages used, if any."""
    wanted = set(DATA_INPUTS if only is None else only)
    makers: dict[str, Callable[[], bytes]] = {
        urls.data_file("associations.json"): lambda: dumps(association_records(site)),
        urls.data_file("associations.csv"): lambda: associations_csv(site),
        urls.data_file("projects.json"): lambda: dumps(project_records(site)),
        urls.data_file("projects.csv"): lambda: projects_csv(site),
        urls.data_file("coverage.json"): lambda: coverage_json(site.coverage),
        urls.data_file("coverage.csv"): lambda: coverage_csv(site.coverage),
        urls.data_file("evaluation.json"): lambda: dumps(evaluation.evaluation_document(scored(), site)),
        urls.data_file("evaluation.csv"): lambda: to_csv(*evaluation.evaluation_rows(scored(), site)),
    }

    def scored() -> evaluation.EvaluationReport:
        nonlocal report
        report = report or evaluation.evaluate(site)
        return report

    return {route: make() for route, make in makers.items() if route in wanted}
