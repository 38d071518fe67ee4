"""Link: resolve references between records and derive the site's structure.

Runs after every record has been loaded and validated alone (references are a
stage of their own). Produces the immutable `Site` that rendering reads.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType

from sitegen.diagnostics import Diagnostic, error, warning
from sitegen.domain import coverage
from sitegen.domain.divisions import DivisionTable
from sitegen.domain.pinyin import sort_key, tag_slugs
from sitegen.link import urls
from sitegen.load.config import SiteConfig
from sitegen.load.records import Record, latest_content_date


@dataclass(frozen=True)
class Site:
    src: Path
    config: SiteConfig
    divisions: DivisionTable
    as_of: date
    associations: Mapping[str, Record]  # region -> record, every status
    projects: Mapping[str, Record]  # slug -> record, sorted by title pinyin
    stories: tuple[Record, ...]  # published, newest first
    pages: tuple[Record, ...]  # published, by menu then slug
    parent: Mapping[str, str | None]  # region -> nearest existing association up the chain
    members: Mapping[str, tuple[str, ...]]  # region -> member associations (not dissolved)
    projects_of: Mapping[str, tuple[str, ...]]  # region -> project slugs
    stories_of_association: Mapping[str, tuple[Record, ...]]
    stories_of_project: Mapping[str, tuple[Record, ...]]
    tag_slug: Mapping[str, str]  # tag -> slug
    stories_of_tag: Mapping[str, tuple[Record, ...]]  # tag -> stories
    coverage: coverage.CoverageReport

    def is_model(self, region: str) -> bool:
        return bool(self.model_years(region))

    def model_years(self, region: str) -> list[int]:
        titles = set(self.config.model_titles)
        record = self.associations[region]
        return sorted({h.year for h in record.data.honors if h.title in titles})

    def href(self, route: str) -> str:
        return urls.href(self.config.base_path, route)


def link(
    src: Path,
    config: SiteConfig,
    divisions: DivisionTable,
    records: list[Record],
    include_drafts: bool = False,
    as_of: date | None = None,
) -> tuple[Site, list[Diagnostic]]:
    diagnostics: list[Diagnostic] = []
    by_kind: dict[str, list[Record]] = defaultdict(list)
    for record in sorted(records, key=lambda r: r.source.rel):
        by_kind[record.kind].append(record)

    associations: dict[str, Record] = {}
    for record in by_kind["association"]:
        associations.setdefault(record.key, record)
    projects = {r.key: r for r in sorted(by_kind["project"], key=lambda r: (sort_key(r.data.title), r.key))}

    for record in by_kind["project"]:
        diagnostics += _check_association_ref(record, associations)
    for record in by_kind["story"]:
        diagnostics += _check_association_ref(record, associations)
        diagnostics += _check_project_ref(record, projects)
    for record in by_kind["page"]:
        if record.key in urls.RESERVED:
            diagnostics.append(error(record.path, 1, 1, "route-conflict", f"自由页面“{record.key}”会覆盖网站自动生成的 /{record.key}/，请换一个文件名"))

    published = lambda r: include_drafts or not r.draft  # noqa: E731
    stories = tuple(sorted(filter(published, by_kind["story"]), key=lambda r: (r.data.date, r.key), reverse=True))
    pages = tuple(sorted(filter(published, by_kind["page"]), key=lambda r: (r.data.menu is None, r.data.menu or 0, r.key)))

    parent = {region: _nearest_parent(region, divisions, associations) for region in associations}
    members: dict[str, list[str]] = defaultdict(list)
    for region, up in parent.items():
        if up is not None and associations[region].data.status != "dissolved":
            members[up].append(region)
    name_order = lambda code: (sort_key(divisions.get(code).name), code)  # noqa: E731

    projects_of: dict[str, list[str]] = defaultdict(list)
    for slug, record in projects.items():
        projects_of[record.data.association].append(slug)
    stories_of_association: dict[str, list[Record]] = defaultdict(list)
    stories_of_project: dict[str, list[Record]] = defaultdict(list)
    stories_of_tag: dict[str, list[Record]] = defaultdict(list)
    for record in stories:
        if record.data.association:
            stories_of_association[record.data.association].append(record)
        if record.data.project:
            stories_of_project[record.data.project].append(record)
        for tag in dict.fromkeys(record.data.tags):
            stories_of_tag[tag].append(record)

    now = as_of or config.as_of or latest_content_date(records) or date(2000, 1, 1)
    report = coverage.compute(
        (r.data for r in associations.values()),
        divisions,
        config.milestones,
        now,
        config.coverage.count_zones,
    )
    site = Site(
        src=src,
        config=config,
        divisions=divisions,
        as_of=now,
        associations=MappingProxyType(associations),
        projects=MappingProxyType(projects),
        stories=stories,
        pages=pages,
        parent=MappingProxyType(parent),
        members=_freeze({k: sorted(v, key=name_order) for k, v in members.items()}),
        projects_of=_freeze(projects_of),
        stories_of_association=_freeze(stories_of_association),
        stories_of_project=_freeze(stories_of_project),
        tag_slug=MappingProxyType(tag_slugs(stories_of_tag)),
        stories_of_tag=_freeze(stories_of_tag),
        coverage=report,
    )
    return site, diagnostics


def _freeze(mapping: Mapping[str, list]) -> Mapping[str, tuple]:
    return MappingProxyType({k: tuple(v) for k, v in sorted(mapping.items())})


def _nearest_parent(region: str, divisions: DivisionTable, associations: Mapping[str, Record]) -> str | None:
    if region not in divisions:
        return None
    for ancestor in divisions.ancestors(region):
        if ancestor.code in associations:
            return ancestor.code
    return None


def _check_association_ref(record: Record, associations: Mapping[str, Record]) -> list[Diagnostic]:
    region = record.data.association
    if region is None or region in associations:
        return []
    line, col = record.position("association")
    return [error(record.path, line, col, "unknown-reference", f"协会“{region}”不存在：content/associations/ 下没有区划代码为 {region} 的协会，请核对代码或先添加该协会")]


def _check_project_ref(record: Record, projects: Mapping[str, Record]) -> list[Diagnostic]:
    slug = record.data.project
    if slug is None:
        return []
    line, col = record.position("project")
    target = projects.get(slug)
    if target is None:
        return [error(record.path, line, col, "unknown-reference", f"项目“{slug}”不存在：content/projects/ 下没有 {slug}.yaml，请核对项目文件名")]
    host = target.data.association
    if record.data.association and host != record.data.association:
        return [warning(record.path, line, col, "reference-mismatch", f"项目“{slug}”由协会 {host} 承办，与本文的 association {record.data.association} 不一致，请核对")]
    return []
