"""Link: resolve references between records and derive the site's structure.

Runs after every record has been loaded and validated alone (references are a stage of their
own). Produces the immutable `Site` that rendering reads. Its records and relations are held in
recording collections (recorded.py), so whatever reads the site records the inputs it read:
declaring a relation here is all a new relation needs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sitegen.diagnostics import Diagnostic, error
from sitegen.domain import coverage
from sitegen.domain.divisions import DivisionTable
from sitegen.domain.pinyin import sort_key, tag_slugs
from sitegen.domain.scope import Scope, build_scope
from sitegen.link import references, urls
from sitegen.link.recorded import RecordList, RecordMap, RelationMap, SiteRecord, site_value
from sitegen.load.config import SiteConfig
from sitegen.load.records import LedgerDate, Record, ledger_date


@dataclass(frozen=True)
class Site:
    src: Path
    config: SiteConfig
    divisions: DivisionTable  # the packaged table: changes only with sitegen
    scope: Scope  # from the config and the packaged table: read with the config
    as_of: date = site_value()
    as_of_source: str = site_value()  # where `as_of` came from: the option, the config or a ledger field
    associations: RecordMap  # region -> record, every status
    projects: RecordMap  # slug -> record, sorted by title pinyin
    stories: RecordList  # published, newest first
    pages: RecordList  # published, by menu then slug
    drafts: frozenset[str] = site_value()  # routes of the draft stories and pages, built or not
    parent: Mapping[str, str | None]  # region -> nearest existing association up the chain
    members: Mapping[str, tuple[str, ...]]  # region -> member associations (not dissolved)
    projects_of: Mapping[str, tuple[str, ...]]  # region -> project slugs
    projects_of_brand: Mapping[str, tuple[str, ...]]  # brand key -> project slugs
    stories_of_association: Mapping[str, tuple[SiteRecord, ...]]
    stories_of_project: Mapping[str, tuple[SiteRecord, ...]]
    tag_slug: Mapping[str, str]  # tag -> slug
    stories_of_tag: Mapping[str, tuple[SiteRecord, ...]]  # tag -> stories
    coverage: coverage.CoverageReport = site_value()

    def records(self, kind: str) -> RecordMap | RecordList:
        """The records of one kind (the collection whose `kind` it is)."""
        for value in vars(self).values():
            if isinstance(value, RecordMap | RecordList) and value.kind == kind:
                return value
        raise KeyError(kind)

    def is_model(self, region: str) -> bool:
        return bool(self.model_years(region))

    def model_years(self, region: str) -> list[int]:
        titles = set(self.config.model_titles)
        record = self.associations[region]
        return sorted({h.year for h in record.data.honors if h.title in titles})

    def in_scope(self, region: str) -> bool:
        """An association counted by this site (not an ancestor shown for context)."""
        return self.scope.contains(region)

    def href(self, route: str) -> str:
        return urls.href(self.config.base_path, route)


def link(
    src: Path,
    config: SiteConfig,
    divisions: DivisionTable,
    records: list[Record],
    include_drafts: bool = False,
    as_of: date | None = None,
    failed: frozenset[tuple[str, str]] = frozenset(),
    wrap: Callable[[Record], SiteRecord] = SiteRecord,
) -> tuple[Site, list[Diagnostic]]:
    """`failed`: (kind, key) of files that exist but did not load; their errors are reported
    already, so references to them are not reported again. `wrap` makes the recording door
    of a record (a long-lived process reuses the doors of records it linked before)."""
    by_kind: dict[str, list[Record]] = defaultdict(list)
    for record in sorted(records, key=lambda r: r.source.rel):
        by_kind[record.kind].append(record)

    held = references.ledger(
        by_kind["association"], divisions, references.references(records), (k for kind, k in failed if kind == "association")
    )
    associations, quiet, diagnostics = held.associations, held.quiet, held.diagnostics
    projects = {r.key: r for r in sorted(by_kind["project"], key=lambda r: (sort_key(r.data.title), r.key))}
    failed_projects = {key for kind, key in failed if kind == "project"}

    scope = build_scope(config.scope, divisions, config.coverage.count_zones)
    for record in associations.values():
        diagnostics += _check_scope(record, scope, divisions)
    for record in by_kind["project"]:
        diagnostics += references.check_association_ref(record, associations, quiet)
    for record in by_kind["story"]:
        diagnostics += references.check_association_ref(record, associations, quiet)
        diagnostics += references.check_project_ref(record, projects, failed_projects)
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

    now = _now(records, config, as_of)
    report = coverage.compute((r.data for r in associations.values()), scope, config.milestones, now.day)
    wrapped = {id(record): wrap(record) for kind in by_kind.values() for record in kind}
    site_records = lambda records: tuple(wrapped[id(r)] for r in records)  # noqa: E731
    projects_of_brand: dict[str, list[str]] = defaultdict(list)
    for slug, record in projects.items():
        projects_of_brand[record.data.brand].append(slug)
    site = Site(
        src=src,
        config=config,
        divisions=divisions,
        scope=scope,
        as_of=now.day,
        as_of_source=now.source,
        associations=RecordMap("association", {k: wrapped[id(r)] for k, r in associations.items()}),
        projects=RecordMap("project", {k: wrapped[id(r)] for k, r in projects.items()}),
        stories=RecordList("story", site_records(stories)),
        pages=RecordList("page", site_records(pages)),
        drafts=frozenset((urls.story if r.kind == "story" else urls.page)(r.key) for r in (*by_kind["story"], *by_kind["page"]) if r.draft),
        parent=RelationMap("parent", parent),
        members=_relation("members", {k: sorted(v, key=name_order) for k, v in members.items()}),
        projects_of=_relation("projects_of", projects_of),
        projects_of_brand=_relation("projects_of_brand", projects_of_brand),
        stories_of_association=_relation("stories_of_association", {k: site_records(v) for k, v in stories_of_association.items()}),
        stories_of_project=_relation("stories_of_project", {k: site_records(v) for k, v in stories_of_project.items()}),
        tag_slug=RelationMap("tag_slug", tag_slugs(stories_of_tag)),
        stories_of_tag=_relation("stories_of_tag", {k: site_records(v) for k, v in stories_of_tag.items()}),
        coverage=report,
    )
    return site, diagnostics


def _now(records: list[Record], config: SiteConfig, as_of: date | None) -> LedgerDate:
    """"Now" for every figure: --as-of, else the config's as_of, else the ledger date."""
    if as_of is not None:
        return LedgerDate(as_of, "命令行选项 --as-of")
    if config.as_of is not None:
        return LedgerDate(config.as_of, "sitegen.yaml 的 as_of")
    found = ledger_date(records)
    return found or LedgerDate(date(2000, 1, 1), "协会台账中没有任何日期，暂用 2000-01-01")


def _relation(name: str, mapping: Mapping[str, list | tuple]) -> RelationMap:
    return RelationMap(name, {k: tuple(v) for k, v in sorted(mapping.items())})


def _nearest_parent(region: str, divisions: DivisionTable, associations: Mapping[str, Record]) -> str | None:
    if region not in divisions:
        return None
    for ancestor in divisions.ancestors(region):
        if ancestor.code in associations:
            return ancestor.code
    return None


def _check_scope(record: Record, scope: Scope, divisions: DivisionTable) -> list[Diagnostic]:
    region = record.key
    if region not in divisions or scope.contains(region) or scope.is_ancestor(region):
        return []
    line, col = record.position("region")
    place = divisions.full_name(region)
    wanted = "、".join(f"{code} {divisions.get(code).name}" for code in scope.regions)  # type: ignore[union-attr]
    return [
        error(record.path, line, col, "out-of-scope", f"协会 {region}（{place}）不在本站的统计范围（scope：{wanted}）之内：请删除这份台账，或在 sitegen.yaml 的 scope 中加入它所在的地区")
    ]
