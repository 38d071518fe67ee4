"""Read-only views for templates (Zola's SerializingPage idea): the factory of record views
(record_views.py) and the views of the whole site (directory tree, brands, menu, evaluation).

Templates never see pydantic models or the `Site` internals: they get these views, which carry
display-ready values (URLs with the base path, Chinese labels, rendered Markdown) and the
related records already looked up. Views are memoised per build (`memo`, `memo_property`);
what each read is recorded by the site itself (link/recorded.py), and values computed from
much of the site are `derived`, so they count as changed only when their value changes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from sitegen.domain import coverage, evaluation
from sitegen.domain.divisions import Division, DivisionTable
from sitegen.domain.figures import Figures
from sitegen.domain.pinyin import sort_key
from sitegen.domain.scope import Scope
from sitegen.link import urls
from sitegen.link.memo import derived, memo, memo_property
from sitegen.link.recorded import SiteRecord
from sitegen.link.site import Site
from sitegen.render import opendata
from sitegen.render.images import ImageSet
from sitegen.render.record_views import (
    LEVEL_LABELS,
    PROJECT_STATUS_LABELS,
    STATUS_LABELS,
    AssociationView,
    BrandView,
    Crumb,
    ImageVariant,
    ImageView,
    PageView,
    ProjectView,
    RecordView,
    StoryView,
)

__all__ = [
    "LEVEL_LABELS", "PROJECT_STATUS_LABELS", "STATUS_LABELS", "AssociationView", "BrandView", "Crumb",
    "ImageView", "PageView", "ProjectView", "StoryView", "TreeNode", "Views",
]  # fmt: skip


class Markdown(Protocol):
    """The rendered Markdown of the records (render/markdown_stage.py)."""

    def html(self, record: SiteRecord) -> str: ...


@dataclass(frozen=True)
class TreeNode:
    """One division in the directory tree; `association` is None where none is listed.
    A division outside the scope (above a county's site) is only the place of its members."""

    division: Division
    association: AssociationView | None
    children: tuple[TreeNode, ...]
    in_scope: bool = True

    @property
    def count(self) -> int:
        return (1 if self.association else 0) + sum(c.count for c in self.children)


class Views:
    """Factory and memo of every view of one site, with its rendered Markdown and images."""

    def __init__(self, site: Site, markdown: Markdown, images: ImageSet | None = None) -> None:
        self.site = site  # reading the site records what was read
        self.markdown = markdown
        self.images = images or ImageSet({}, {})
        self.divisions: DivisionTable = site.divisions  # the packaged table: changes with sitegen only

    @property
    def coverage(self) -> coverage.CoverageReport:
        return self.site.coverage

    @property
    def scope(self) -> Scope:
        return self.site.scope  # from the config, which every output reads

    def association_status(self, region: str) -> str | None:
        """The status of the association of `region`, None where none is registered."""
        record = self.site.associations.get(region)
        return record.data.status if record is not None else None

    def url(self, route: str) -> str:
        return self.site.href(route)

    def edit_url(self, record: SiteRecord) -> str | None:
        """The "edit this page" link: edit_url joined with the record's path relative to SRC."""
        prefix = self.site.config.edit_url
        return prefix + record.source.rel if prefix else None

    # --- one record ----------------------------------------------------------------------

    @memo
    def association(self, region: str) -> AssociationView:
        return AssociationView(self, self.site.associations[region])

    @memo
    def project(self, slug: str) -> ProjectView:
        return ProjectView(self, self.site.projects[slug])

    def story(self, record: SiteRecord) -> StoryView:
        return self._view(StoryView, record)

    def page(self, record: SiteRecord) -> PageView:
        return self._view(PageView, record)

    @memo
    def _view(self, kind: Callable[[Views, SiteRecord], RecordView], record: SiteRecord) -> RecordView:
        return kind(self, record)

    def image(self, rel: str) -> ImageView:
        """The view of a file under static/ that a record shows (`images`, `cover`)."""
        source = self.images.get(rel)
        if source is None:  # not measured (a broken image, already reported): link it plainly
            return ImageView(self.url(rel), None, None)
        if not source.variants:
            return ImageView(self.url(rel), source.width, source.height)

        def of(fmt: str) -> tuple[ImageVariant, ...]:
            return tuple(ImageVariant(self.url(v.route), v.width, v.height) for v in source.variants if v.format == fmt)

        webp, fallback = of("webp"), of(source.fallback or "")
        return ImageView(self.url(rel), fallback[-1].width, fallback[-1].height, webp, fallback)

    # --- lists ---------------------------------------------------------------------------

    @memo_property
    def associations(self) -> list[AssociationView]:
        """All associations, in directory order (province, then pinyin)."""
        return sorted((self.association(r) for r in self.site.associations), key=lambda a: a.sort_key)

    @memo_property
    def projects(self) -> list[ProjectView]:
        return [self.project(slug) for slug in self.site.projects]

    def projects_in_region(self, region: str) -> list[ProjectView]:
        """Projects whose host association is `region` or lies under it (a province, a city)."""
        return self._projects_by_region.get(region, [])

    @memo_property
    def _projects_by_region(self) -> Mapping[str, list[ProjectView]]:
        grouped: dict[str, list[ProjectView]] = {}
        divisions = self.divisions
        for project in self.projects:
            host = project.data.association
            for code in (host, *(a.code for a in divisions.ancestors(host))) if host in divisions else (host,):
                grouped.setdefault(code, []).append(project)
        return grouped

    @memo_property
    def story_list(self) -> list[StoryView]:
        """All stories, newest first (a page that shows some reads only those)."""
        return [self.story(r) for r in self.site.stories]

    @memo_property
    def brands(self) -> list[BrandView]:
        return [BrandView(self, key, b.name, b.description) for key, b in self.site.config.brands.items()]

    def brand(self, key: str) -> BrandView:
        return next(b for b in self.brands if b.key == key)

    @property
    @derived("menu")
    def menu(self) -> list[Crumb]:
        pages = [p for p in self.site.pages if p.data.menu is not None]
        return [Crumb(p.data.title, self.url(urls.page(p.key))) for p in pages]

    def tag(self, tag: str) -> Crumb:
        return Crumb(tag, self.url(urls.tag(self.site.tag_slug[tag])))

    @memo
    def directory(self, root: str | None = None) -> list[TreeNode]:
        """Province → city → county tree of the associations not dissolved, sorted by pinyin."""
        site = self.site
        listed = {r for r, rec in site.associations.items() if rec.data.status != "dissolved" and site.in_scope(r)}
        divisions = self.divisions

        def node(division: Division) -> TreeNode | None:
            children = [n for c in divisions.children(division.code) if (n := node(c))]
            children.sort(key=lambda n: (sort_key(n.division.name), n.division.code))
            own = self.association(division.code) if division.code in listed else None
            if own is None and not children:
                return None
            return TreeNode(division, own, tuple(children), site.in_scope(division.code))

        tops = [divisions.get(root)] if root else divisions.provinces()
        nodes = [n for d in tops if d is not None and (n := node(d))]
        return sorted(nodes, key=lambda n: (sort_key(n.division.name), n.division.code))

    @memo_property
    def figures(self) -> Figures:
        return Figures(self.site)

    @property
    @derived("association-names")
    def association_names(self) -> dict[str, str]:
        """Region -> name of every association (the project tables' host column): one derived
        value, so an association edit that keeps every name does not remake those tables."""
        return opendata.association_names(self.site)

    @property
    @derived("evaluation")
    def evaluation(self) -> evaluation.EvaluationReport:
        return evaluation.evaluate(self.site, self.scorecard)

    @derived("scorecard")
    def scorecard(self, region: str) -> evaluation.Scorecard | None:
        """One association's scorecard, computed from its own records only: a story edit
        computes its association's again, not the whole evaluation."""
        return evaluation.scorecard(self.site, region) if evaluation.is_evaluated(self.site, region) else None

    def scorecards(self, summary: evaluation.Summary) -> list[tuple[AssociationView, evaluation.Scorecard]]:
        """An area's scorecards in directory order (never ranked by score)."""
        pairs = [(self.association(c.region), c) for c in summary.scorecards]
        return sorted(pairs, key=lambda pair: pair[0].sort_key)

    def evaluation_groups(self) -> list[tuple[evaluation.Summary, list[tuple[AssociationView, evaluation.Scorecard]]]]:
        """The evaluation page's tables: one per row of the coverage table (province, city …)
        that has scorecards, or one for the whole scope when its rows are single counties."""
        report = self.evaluation
        if all(a.is_unit for a in self.coverage.areas):
            summaries = [report.scope] if report.scope.count else []
        else:
            summaries = [s for s in report.areas if s.count]
        return [(s, self.scorecards(s)) for s in summaries]

    @property
    def national(self) -> AssociationView | None:
        """The national association, when the site's scope is the whole country."""
        present = "100000" in self.site.associations and self.site.scope.national
        return self.association("100000") if present else None

    @memo
    def models_by_year(self) -> list[tuple[int, list[AssociationView]]]:
        """Model associations inside the scope, by year, newest first."""
        years: dict[int, list[AssociationView]] = {}
        for association in self.associations:
            if not self.site.in_scope(association.region):
                continue
            for year in association.model_years:
                years.setdefault(year, []).append(association)
        return sorted(years.items(), reverse=True)
