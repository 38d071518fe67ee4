"""Read-only view objects for templates (Zola's SerializingPage idea).

Templates never see pydantic models or the `Site` internals: they get these views, which carry
display-ready values (URLs with the base path, Chinese labels, rendered Markdown) and the
related records already looked up. Views are memoised per build so each is made once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

from . import evaluation, urls
from .divisions import Division
from .figures import Figures
from .images import ImageSet
from .link import Site
from .load import Record
from .pinyin import sort_key

LEVEL_LABELS = {"national": "全国", "province": "省级", "city": "市级", "county": "县级", "zone": "县级"}
STATUS_LABELS = {"active": "正常", "preparing": "筹备中", "dissolved": "已撤销"}
PROJECT_STATUS_LABELS = {"running": "进行中", "paused": "暂停", "completed": "已结项"}


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


@dataclass(frozen=True)
class BrandView:
    key: str
    name: str
    description: str
    url: str
    projects: tuple[ProjectView, ...]

    @property
    def featured(self) -> list[ProjectView]:
        return [p for p in self.projects if p.featured]


@dataclass(frozen=True)
class TreeNode:
    """One division in the directory tree; `association` is None where none is registered."""

    division: Division
    association: AssociationView | None
    children: tuple[TreeNode, ...]

    @property
    def count(self) -> int:
        return (1 if self.association else 0) + sum(c.count for c in self.children)


class Views:
    """Factory and memo of every view of one site; `html` maps (kind, key, field) to HTML."""

    def __init__(self, site: Site, html: dict[tuple[str, str, str], str], images: ImageSet | None = None) -> None:
        self.site = site
        self.html = html
        self.images = images or ImageSet({}, {})
        self._associations: dict[str, AssociationView] = {}
        self._projects: dict[str, ProjectView] = {}
        self._stories: dict[str, StoryView] = {}

    def url(self, route: str) -> str:
        return self.site.href(route)

    def edit_url(self, record: Record) -> str | None:
        """The "edit this page" link: edit_url joined with the record's path relative to SRC."""
        prefix = self.site.config.edit_url
        return prefix + record.source.rel if prefix else None

    def association(self, region: str) -> AssociationView:
        if region not in self._associations:
            self._associations[region] = AssociationView(self, self.site.associations[region])
        return self._associations[region]

    def project(self, slug: str) -> ProjectView:
        if slug not in self._projects:
            self._projects[slug] = ProjectView(self, self.site.projects[slug])
        return self._projects[slug]

    def story(self, record: Record) -> StoryView:
        if record.key not in self._stories:
            self._stories[record.key] = StoryView(self, record)
        return self._stories[record.key]

    def page(self, record: Record) -> PageView:
        return PageView(self, record)

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

    @cached_property
    def associations(self) -> list[AssociationView]:
        """All associations, in directory order (province, then pinyin)."""
        return sorted((self.association(r) for r in self.site.associations), key=lambda a: a.sort_key)

    @cached_property
    def projects(self) -> list[ProjectView]:
        return [self.project(slug) for slug in self.site.projects]

    @cached_property
    def stories(self) -> list[StoryView]:
        return [self.story(r) for r in self.site.stories]

    @cached_property
    def brands(self) -> list[BrandView]:
        by_brand: dict[str, list[ProjectView]] = {}
        for project in self.projects:
            by_brand.setdefault(project.brand_key, []).append(project)
        return [
            BrandView(key, b.name, b.description, self.url(urls.brand(key)), tuple(by_brand.get(key, ())))
            for key, b in self.site.config.brands.items()
        ]

    def brand(self, key: str) -> BrandView:
        return next(b for b in self.brands if b.key == key)

    @cached_property
    def menu(self) -> list[Crumb]:
        pages = [p for p in self.site.pages if p.data.menu is not None]
        return [Crumb(p.data.title, self.url(urls.page(p.key))) for p in pages]

    def tag(self, tag: str) -> Crumb:
        return Crumb(tag, self.url(urls.tag(self.site.tag_slug[tag])))

    def directory(self, root: str | None = None) -> list[TreeNode]:
        """Province → city → county tree of the associations not dissolved, sorted by pinyin."""
        listed = {r for r, rec in self.site.associations.items() if rec.data.status != "dissolved"}
        divisions = self.site.divisions

        def node(division: Division) -> TreeNode | None:
            children = [n for c in divisions.children(division.code) if (n := node(c))]
            children.sort(key=lambda n: (sort_key(n.division.name), n.division.code))
            own = self.association(division.code) if division.code in listed else None
            if own is None and not children:
                return None
            return TreeNode(division, own, tuple(children))

        tops = [divisions.get(root)] if root else divisions.provinces()
        nodes = [n for d in tops if d is not None and (n := node(d))]
        return sorted(nodes, key=lambda n: (sort_key(n.division.name), n.division.code))

    @cached_property
    def figures(self) -> Figures:
        return Figures(self.site)

    @cached_property
    def evaluation(self) -> evaluation.EvaluationReport:
        return evaluation.evaluate(self.site)

    def scorecards(self, province: str) -> list[tuple[AssociationView, evaluation.Scorecard]]:
        """A province's scorecards in directory order (never ranked by score)."""
        summary = self.evaluation.province(province)
        pairs = [(self.association(c.region), c) for c in summary.scorecards] if summary else []
        return sorted(pairs, key=lambda pair: pair[0].sort_key)

    @cached_property
    def national(self) -> AssociationView | None:
        return self.association("100000") if "100000" in self.site.associations else None

    def models_by_year(self) -> list[tuple[int, list[AssociationView]]]:
        years: dict[int, list[AssociationView]] = {}
        for association in self.associations:
            for year in association.model_years:
                years.setdefault(year, []).append(association)
        return sorted(years.items(), reverse=True)


class AssociationView:
    def __init__(self, views: Views, record: Record) -> None:
        self._views = views
        self.record = record
        self.data = record.data
        site = views.site
        self.region: str = record.key
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
        chain = self._views.site.divisions.chain(self.region) if self.division else []
        return tuple(sort_key(d.name) for d in chain) or (sort_key(self.data.name),)

    @property
    def province_code(self) -> str | None:
        return self.division.province if self.division else None

    @cached_property
    def place(self) -> str:
        """The full region name, e.g. 浙江省杭州市西湖区."""
        return self._views.site.divisions.full_name(self.region) if self.division else self.region

    @cached_property
    def breadcrumbs(self) -> list[Crumb]:
        site, views = self._views.site, self._views
        if self.division is None:
            return []
        crumbs = []
        for division in site.divisions.chain(self.region)[:-1]:
            url = views.url(urls.association(division.code)) if division.code in site.associations else None
            crumbs.append(Crumb(division.name, url))
        return crumbs

    @cached_property
    def parent(self) -> AssociationView | None:
        up = self._views.site.parent.get(self.region)
        return self._views.association(up) if up else None

    @cached_property
    def members(self) -> list[AssociationView]:
        return [self._views.association(r) for r in self._views.site.members.get(self.region, ())]

    @cached_property
    def projects(self) -> list[ProjectView]:
        return [self._views.project(s) for s in self._views.site.projects_of.get(self.region, ())]

    @cached_property
    def stories(self) -> list[StoryView]:
        return [self._views.story(r) for r in self._views.site.stories_of_association.get(self.region, ())]

    @property
    def scorecard(self) -> evaluation.Scorecard | None:
        """Its evaluation checklist: county-level associations only."""
        return self._views.evaluation.scorecard(self.region)

    @property
    def trainings_sorted(self) -> list[Any]:
        return sorted(self.data.trainings, key=lambda t: t.date, reverse=True)

    @property
    def honors_sorted(self) -> list[Any]:
        return sorted(self.data.honors, key=lambda h: (h.year, h.title), reverse=True)

    @property
    def team_members(self) -> int:
        return sum(t.members or 0 for t in self.data.teams)


class ProjectView:
    def __init__(self, views: Views, record: Record) -> None:
        self._views = views
        self.record = record
        self.data = record.data
        self.slug = record.key
        self.url = views.url(urls.project(self.slug))
        self.brand_key = self.data.brand
        self.status_label = PROJECT_STATUS_LABELS[self.data.status]
        self.image_urls = [views.url(path) for path in self.data.images]
        self.images = [views.image(path) for path in self.data.images]
        self.description_html = views.html.get(("project", self.slug, "description"), "")
        self.edit_url = views.edit_url(record)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.data, name)

    @property
    def brand(self) -> BrandView:
        return self._views.brand(self.brand_key)

    @property
    def association(self) -> AssociationView:
        return self._views.association(self.data.association)

    @cached_property
    def stories(self) -> list[StoryView]:
        return [self._views.story(r) for r in self._views.site.stories_of_project.get(self.slug, ())]


class StoryView:
    def __init__(self, views: Views, record: Record) -> None:
        self._views = views
        self.record = record
        self.data = record.data
        self.slug = record.key
        self.url = views.url(urls.story(self.slug))
        self.cover_url = views.url(self.data.cover) if self.data.cover else None
        self.cover = views.image(self.data.cover) if self.data.cover else None
        self.body_html = views.html.get(("story", self.slug, "body"), "")
        self.edit_url = views.edit_url(record)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.data, name)

    @property
    def association(self) -> AssociationView | None:
        region = self.data.association
        return self._views.association(region) if region in self._views.site.associations else None

    @property
    def project(self) -> ProjectView | None:
        slug = self.data.project
        return self._views.project(slug) if slug in self._views.site.projects else None

    @property
    def tag_links(self) -> list[Crumb]:
        return [self._views.tag(t) for t in dict.fromkeys(self.data.tags) if t in self._views.site.tag_slug]

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


def _level(division: Division | None) -> str:
    if division is None:
        return "county"
    return "county" if division.level == "zone" else division.level
