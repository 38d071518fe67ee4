"""Read-only view objects for templates (Zola's SerializingPage idea).

Templates never see pydantic models or the `Site` internals: they get these views, which carry
display-ready values (URLs with the base path, Chinese labels, rendered Markdown) and the
related records already looked up. Views are memoised per build so each is made once.

Every record, relation and collection handed to a template is noted with `deps.use` at the
moment it is handed out (not when first computed, since results are memoised), so the build
knows what each page read (see deps.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

from sitegen.domain import coverage, evaluation
from sitegen.domain.divisions import Division, DivisionTable
from sitegen.domain.figures import Figures
from sitegen.domain.pinyin import sort_key
from sitegen.domain.scope import Scope
from sitegen.incremental import deps
from sitegen.link import urls
from sitegen.link.site import Site
from sitegen.load.models import PROJECT_STATUS_LABELS, STATUS_LABELS
from sitegen.load.records import Record
from sitegen.render.images import ImageSet

LEVEL_LABELS = {"national": "全国", "province": "省级", "city": "市级", "county": "县级", "zone": "县级"}


@dataclass(frozen=True)
class Crumb:
    name: str
    url: str | None


@dataclass(frozen=True)
class ImageVariant:
    url: str
    width: int
    height: int


@dataclass(frozen=True)
class ImageView:
    """One shown image for the `picture` macro (macros/picture.html).

    A resized photo has `webp` and `fallback` variants (narrowest first); `width`/`height` are
    the pixel size of `src`, the largest fallback. An SVG, GIF or animated image has no
    variants: `src` is the file as published and the size is known only if it could be read.
    """

    url: str  # the original file, copied as-is from static/
    width: int | None
    height: int | None
    webp: tuple[ImageVariant, ...] = ()
    fallback: tuple[ImageVariant, ...] = ()

    @property
    def responsive(self) -> bool:
        return bool(self.fallback)

    @property
    def src(self) -> str:
        return self.fallback[-1].url if self.fallback else self.url


class BrandView:
    def __init__(self, key: str, name: str, description: str, url: str, projects: tuple[ProjectView, ...]) -> None:
        self.key, self.name, self.description, self.url = key, name, description, url
        self._projects = projects

    @property
    def projects(self) -> tuple[ProjectView, ...]:
        return _handed_out(self._projects, f"v:brand:{self.key}")

    @property
    def featured(self) -> list[ProjectView]:
        return [p for p in self.projects if p.featured]


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
    """Factory and memo of every view of one site; `html` maps (kind, key, field) to HTML."""

    def __init__(self, site: Site, html: dict[tuple[str, str, str], str], images: ImageSet | None = None) -> None:
        self._site = site
        self.html = html
        self.images = images or ImageSet({}, {})
        self._associations: dict[str, AssociationView] = {}
        self._projects: dict[str, ProjectView] = {}
        self._stories: dict[str, StoryView] = {}

    @property
    def site(self) -> Site:
        """The raw linked site, for templates that need it: reading it reads everything."""
        deps.use_all(deps.WHOLE_SITE)
        return self._site

    @property
    def coverage(self) -> coverage.CoverageReport:
        deps.use("v:coverage")
        return self._site.coverage

    @property
    def scope(self) -> Scope:
        return self._site.scope  # from the config: changes rebuild everything

    @property
    def divisions(self) -> DivisionTable:
        return self._site.divisions  # the packaged table: changes only with sitegen's version

    def association_status(self, region: str) -> str | None:
        """The status of the association of `region`, None where none is registered."""
        deps.use("n:association")
        record = self._site.associations.get(region)
        if record is None:
            return None
        deps.use(deps.record_input(record))
        return record.data.status

    def url(self, route: str) -> str:
        return self._site.href(route)

    def edit_url(self, record: Record) -> str | None:
        """The "edit this page" link: edit_url joined with the record's path relative to SRC."""
        prefix = self._site.config.edit_url
        return prefix + record.source.rel if prefix else None

    def association(self, region: str) -> AssociationView:
        view = self._associations.get(region)
        if view is None:
            view = self._associations[region] = AssociationView(self, self._site.associations[region])
        deps.use(view.input)
        return view

    def project(self, slug: str) -> ProjectView:
        view = self._projects.get(slug)
        if view is None:
            view = self._projects[slug] = ProjectView(self, self._site.projects[slug])
        deps.use(view.input)
        return view

    def story(self, record: Record) -> StoryView:
        view = self._stories.get(record.key)
        if view is None:
            view = self._stories[record.key] = StoryView(self, record)
        deps.use(view.input)
        return view

    def page(self, record: Record) -> PageView:
        deps.use(deps.record_input(record))
        return PageView(self, record)

    def image(self, rel: str) -> ImageView:
        """The view of a file under static/ that a record shows (`images`, `cover`)."""
        deps.use(f"v:image:{rel}")  # its size and variant names follow the file's bytes
        source = self.images.get(rel)
        if source is None:  # not measured (a broken image, already reported): link it plainly
            return ImageView(self.url(rel), None, None)
        if not source.variants:
            return ImageView(self.url(rel), source.width, source.height)

        def of(fmt: str) -> tuple[ImageVariant, ...]:
            return tuple(ImageVariant(self.url(v.route), v.width, v.height) for v in source.variants if v.format == fmt)

        webp, fallback = of("webp"), of(source.fallback or "")
        return ImageView(self.url(rel), fallback[-1].width, fallback[-1].height, webp, fallback)

    @property
    def associations(self) -> list[AssociationView]:
        """All associations, in directory order (province, then pinyin)."""
        deps.use("k:association")
        return self._all_associations

    @cached_property
    def _all_associations(self) -> list[AssociationView]:
        return sorted((self.association(r) for r in self._site.associations), key=lambda a: a.sort_key)

    @property
    def projects(self) -> list[ProjectView]:
        deps.use("k:project")
        return self._all_projects

    def projects_in_region(self, region: str) -> list[ProjectView]:
        """Projects whose host association is `region` or lies under it (a province, a city)."""
        deps.use("k:project")
        return self._projects_by_region.get(region, [])

    @cached_property
    def _projects_by_region(self) -> dict[str, list[ProjectView]]:
        grouped: dict[str, list[ProjectView]] = {}
        divisions = self._site.divisions
        for project in self._all_projects:
            host = project.data.association
            for code in (host, *(a.code for a in divisions.ancestors(host))) if host in divisions else (host,):
                grouped.setdefault(code, []).append(project)
        return grouped

    @cached_property
    def _all_projects(self) -> list[ProjectView]:
        return [self.project(slug) for slug in self._site.projects]

    @property
    def stories(self) -> list[StoryView]:
        deps.use("k:story")
        return self.story_list

    @cached_property
    def story_list(self) -> list[StoryView]:
        """All stories, newest first, noting no input: the caller notes what it shows."""
        return [self.story(r) for r in self._site.stories]

    @property
    def brands(self) -> list[BrandView]:
        deps.use("k:project")
        return self._brands

    @cached_property
    def _brands(self) -> list[BrandView]:
        by_brand: dict[str, list[ProjectView]] = {}
        for project in self._all_projects:
            by_brand.setdefault(project.brand_key, []).append(project)
        return [
            BrandView(key, b.name, b.description, self.url(urls.brand(key)), tuple(by_brand.get(key, ())))
            for key, b in self._site.config.brands.items()
        ]

    def brand(self, key: str) -> BrandView:
        """One brand: its name comes from the config; its projects note their own inputs."""
        return next(b for b in self._brands if b.key == key)

    @property
    def menu(self) -> list[Crumb]:
        deps.use("v:menu")
        return self._menu

    @cached_property
    def _menu(self) -> list[Crumb]:
        pages = [p for p in self._site.pages if p.data.menu is not None]
        return [Crumb(p.data.title, self.url(urls.page(p.key))) for p in pages]

    def tag(self, tag: str) -> Crumb:
        deps.use("v:tags")
        return Crumb(tag, self.url(urls.tag(self._site.tag_slug[tag])))

    def directory(self, root: str | None = None) -> list[TreeNode]:
        """Province → city → county tree of the associations not dissolved, sorted by pinyin."""
        deps.use("k:association")
        site = self._site
        listed = {r for r, rec in site.associations.items() if rec.data.status != "dissolved" and site.in_scope(r)}
        divisions = site.divisions

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

    @property
    def figures(self) -> Figures:
        deps.use("k:association", "v:coverage")
        return self._figures

    @cached_property
    def _figures(self) -> Figures:
        return Figures(self._site)

    @property
    def evaluation(self) -> evaluation.EvaluationReport:
        deps.use("v:evaluation")
        return self._evaluation

    @cached_property
    def _evaluation(self) -> evaluation.EvaluationReport:
        return evaluation.evaluate(self._site)

    def scorecard_of(self, region: str) -> evaluation.Scorecard | None:
        return self._evaluation.scorecard(region)

    def scorecards(self, summary: evaluation.Summary) -> list[tuple[AssociationView, evaluation.Scorecard]]:
        """An area's scorecards in directory order (never ranked by score)."""
        pairs = [(self.association(c.region), c) for c in summary.scorecards]
        return sorted(pairs, key=lambda pair: pair[0].sort_key)

    def evaluation_groups(self) -> list[tuple[evaluation.Summary, list[tuple[AssociationView, evaluation.Scorecard]]]]:
        """The evaluation page's tables: one per row of the coverage table (province, city …)
        that has scorecards, or one for the whole scope when its rows are single counties."""
        report = self.evaluation
        if all(a.is_unit for a in self._site.coverage.areas):
            summaries = [report.scope] if report.scope.count else []
        else:
            summaries = [s for s in report.areas if s.count]
        return [(s, self.scorecards(s)) for s in summaries]

    @property
    def national(self) -> AssociationView | None:
        """The national association, when the site's scope is the whole country."""
        deps.use("n:association")
        present = "100000" in self._site.associations and self._site.scope.national
        return self.association("100000") if present else None

    def models_by_year(self) -> list[tuple[int, list[AssociationView]]]:
        """Model associations inside the scope, by year, newest first."""
        years: dict[int, list[AssociationView]] = {}
        for association in self.associations:
            if not self._site.in_scope(association.region):
                continue
            for year in association.model_years:
                years.setdefault(year, []).append(association)
        return sorted(years.items(), reverse=True)


class AssociationView:
    def __init__(self, views: Views, record: Record) -> None:
        self._views = views
        self.record = record
        self.data = record.data
        site = views._site
        self.region: str = record.key
        self.input = deps.record_input(record)
        self.division: Division | None = site.divisions.get(record.key)
        self.url = views.url(urls.association(self.region))
        self.level = "national" if self.region == "100000" else _level(self.division)
        self.level_label = LEVEL_LABELS[self.level]
        self.status_label = STATUS_LABELS[self.data.status]
        self.model_years = site.model_years(self.region)
        self.is_model = bool(self.model_years)
        self.edit_url = views.edit_url(record)
        self.description_html = views.html.get(("association", self.region, "description"), "")

    def __getattr__(self, name: str) -> Any:
        # Plain fields (name, kind, founded, contact, teams …) come from the record as written.
        return getattr(self.data, name)

    @cached_property
    def sort_key(self) -> tuple:
        chain = self._views._site.divisions.chain(self.region) if self.division else []
        return tuple(sort_key(d.name) for d in chain) or (sort_key(self.data.name),)

    @property
    def province_code(self) -> str | None:
        return self.division.province if self.division else None

    @cached_property
    def place(self) -> str:
        """The full region name, e.g. 浙江省杭州市西湖区."""
        return self._views._site.divisions.full_name(self.region) if self.division else self.region

    @property
    def breadcrumbs(self) -> list[Crumb]:
        deps.use("n:association")  # a crumb links only where an association exists
        return self._breadcrumbs

    @cached_property
    def _breadcrumbs(self) -> list[Crumb]:
        site, views = self._views._site, self._views
        if self.division is None:
            return []
        crumbs = []
        for division in site.divisions.chain(self.region)[:-1]:
            url = views.url(urls.association(division.code)) if division.code in site.associations else None
            crumbs.append(Crumb(division.name, url))
        return crumbs

    @property
    def parent(self) -> AssociationView | None:
        deps.use(f"v:parent:{self.region}")
        up = self._views._site.parent.get(self.region)
        return self._views.association(up) if up else None

    @property
    def members(self) -> list[AssociationView]:
        return _handed_out(self._members, f"v:members:{self.region}")

    @cached_property
    def _members(self) -> list[AssociationView]:
        return [self._views.association(r) for r in self._views._site.members.get(self.region, ())]

    @property
    def projects(self) -> list[ProjectView]:
        return _handed_out(self._projects, f"v:projects_of:{self.region}")

    @cached_property
    def _projects(self) -> list[ProjectView]:
        return [self._views.project(s) for s in self._views._site.projects_of.get(self.region, ())]

    @property
    def stories(self) -> list[StoryView]:
        return _handed_out(self._stories, f"v:stories_of_association:{self.region}")

    @cached_property
    def _stories(self) -> list[StoryView]:
        return [self._views.story(r) for r in self._views._site.stories_of_association.get(self.region, ())]

    @property
    def scorecard(self) -> evaluation.Scorecard | None:
        """Its evaluation checklist: county-level associations only."""
        deps.use(f"v:scorecard:{self.region}")
        return self._views.scorecard_of(self.region)

    @property
    def trainings_sorted(self) -> list[Any]:
        return sorted(self.data.trainings, key=lambda t: t.date, reverse=True)

    @property
    def honors_sorted(self) -> list[Any]:
        return sorted(self.data.honors, key=lambda h: (h.year, h.title), reverse=True)

    @property
    def team_members(self) -> int:
        return sum(t.members or 0 for t in self.data.teams)

    @property
    def certificate_expired(self) -> bool:
        """The registration certificate's validity ended before the ledger date."""
        return self._ended("certificate_until")

    @property
    def rating_expired(self) -> bool:
        """The 社会组织评估等级 expired before the ledger date."""
        return self._ended("rating_until")

    def _ended(self, field: str) -> bool:
        registration = self.data.registration
        end = getattr(registration, field, None) if registration else None
        if end is None:
            return False
        deps.use("v:as_of")
        return end < self._views._site.as_of


class ProjectView:
    def __init__(self, views: Views, record: Record) -> None:
        self._views = views
        self.record = record
        self.data = record.data
        self.slug = record.key
        self.input = deps.record_input(record)
        self.url = views.url(urls.project(self.slug))
        self.brand_key = self.data.brand
        self.status_label = PROJECT_STATUS_LABELS[self.data.status]
        self.image_urls = [views.url(path) for path in self.data.images]
        self._images = [views.image(path) for path in self.data.images]
        self.description_html = views.html.get(("project", self.slug, "description"), "")
        self.edit_url = views.edit_url(record)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.data, name)

    @property
    def images(self) -> list[ImageView]:
        deps.use_all(f"v:image:{rel}" for rel in self.data.images)
        return self._images

    @property
    def brand(self) -> BrandView:
        return self._views.brand(self.brand_key)

    @property
    def association(self) -> AssociationView:
        return self._views.association(self.data.association)

    @property
    def stories(self) -> list[StoryView]:
        return _handed_out(self._stories, f"v:stories_of_project:{self.slug}")

    @cached_property
    def _stories(self) -> list[StoryView]:
        return [self._views.story(r) for r in self._views._site.stories_of_project.get(self.slug, ())]


class StoryView:
    def __init__(self, views: Views, record: Record) -> None:
        self._views = views
        self.record = record
        self.data = record.data
        self.slug = record.key
        self.input = deps.record_input(record)
        self.url = views.url(urls.story(self.slug))
        self.cover_url = views.url(self.data.cover) if self.data.cover else None
        self._cover = views.image(self.data.cover) if self.data.cover else None
        self.body_html = views.html.get(("story", self.slug, "body"), "")
        self.edit_url = views.edit_url(record)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.data, name)

    @property
    def cover(self) -> ImageView | None:
        if self.data.cover:
            deps.use(f"v:image:{self.data.cover}")
        return self._cover

    @property
    def association(self) -> AssociationView | None:
        deps.use("n:association")
        region = self.data.association
        return self._views.association(region) if region in self._views._site.associations else None

    @property
    def project(self) -> ProjectView | None:
        deps.use("n:project")
        slug = self.data.project
        return self._views.project(slug) if slug in self._views._site.projects else None

    @property
    def tag_links(self) -> list[Crumb]:
        return [self._views.tag(t) for t in dict.fromkeys(self.data.tags) if t in self._views._site.tag_slug]

    @property
    def updated(self) -> date:
        return self.data.date


class PageView:
    def __init__(self, views: Views, record: Record) -> None:
        self.record = record
        self.data = record.data
        self.slug = record.key
        self.title = record.data.title
        self.url = views.url(urls.page(self.slug))
        self.body_html = views.html.get(("page", self.slug, "body"), "")
        self.edit_url = views.edit_url(record)


def _handed_out(views: Sequence[Any], relation: str) -> Any:
    """Note a relation and every record in it as inputs, then hand the views out."""
    if deps.recording_active():
        deps.use(relation)
        deps.use_all(v.input for v in views)
    return views


def _level(division: Division | None) -> str:
    if division is None:
        return "county"
    return "county" if division.level == "zone" else division.level
