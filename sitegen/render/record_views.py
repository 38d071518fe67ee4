"""The view of one record for templates: display-ready values of an association, project, story
or free page (Zola's SerializingPage idea; the factory and the site-wide views are views.py).

A view is made without reading its record: everything it shows is computed when first asked
for and memoised with what it read (`memo_property`), so a page that lists a hundred stories
but shows the title of twenty reads twenty records, and a memoised value handed to the next
page counts as read there too. Plain fields (name, founded, contact …) come from the record as
written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from sitegen.domain import evaluation
from sitegen.domain.divisions import Division, DivisionTable
from sitegen.domain.pinyin import sort_key
from sitegen.link import urls
from sitegen.link.memo import memo_property
from sitegen.link.recorded import SiteRecord
from sitegen.link.site import Site
from sitegen.load.models import PROJECT_STATUS_LABELS, STATUS_LABELS

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


class Views(Protocol):
    """What a record view asks of the factory that made it (views.Views, which also makes the
    views of the whole site)."""

    site: Site
    divisions: DivisionTable
    markdown: Any  # views.Markdown

    def url(self, route: str) -> str: ...

    def edit_url(self, record: SiteRecord) -> str | None: ...

    def association(self, region: str) -> AssociationView: ...

    def project(self, slug: str) -> ProjectView: ...

    def story(self, record: SiteRecord) -> StoryView: ...

    def brand(self, key: str) -> BrandView: ...

    def tag(self, tag: str) -> Crumb: ...

    def image(self, rel: str) -> ImageView: ...

    def scorecard(self, region: str) -> evaluation.Scorecard | None: ...


class RecordView:
    """What every record's view has: the record, its URL, its Markdown and its edit link."""

    route = staticmethod(urls.page)  # the route of a record of this kind, by key

    def __init__(self, views: Views, record: SiteRecord) -> None:
        self.views = views
        self.record = record
        self.key: str = record.key
        self.url = views.url(self.route(record.key))

    @property
    def data(self) -> Any:
        return self.record.data

    def __getattr__(self, name: str) -> Any:
        if name[:1] == "_":
            raise AttributeError(name)
        return self.record.field(name)

    @memo_property
    def edit_url(self) -> str | None:
        """The "edit this page" link: edit_url joined with the record's path relative to SRC."""
        return self.views.edit_url(self.record)

    @memo_property
    def html(self) -> str:
        """The record's Markdown (description or body), rendered and sanitized."""
        return self.views.markdown.html(self.record)


class AssociationView(RecordView):
    route = staticmethod(urls.association)

    def __init__(self, views: Views, record: SiteRecord) -> None:
        super().__init__(views, record)
        self.region: str = record.key
        self.division: Division | None = views.divisions.get(record.key)
        self.level = "national" if self.region == "100000" else _level(self.division)
        self.level_label = LEVEL_LABELS[self.level]

    @property
    def description_html(self) -> str:
        return self.html

    @memo_property
    def status_label(self) -> str:
        return STATUS_LABELS[self.data.status]

    @memo_property
    def model_years(self) -> list[int]:
        return self.views.site.model_years(self.region)

    @memo_property
    def is_model(self) -> bool:
        return bool(self.model_years)

    @memo_property
    def sort_key(self) -> tuple:
        chain = self.views.divisions.chain(self.region) if self.division else []
        return tuple(sort_key(d.name) for d in chain) or (sort_key(self.data.name),)

    @property
    def province_code(self) -> str | None:
        return self.division.province if self.division else None

    @memo_property
    def place(self) -> str:
        """The full region name, e.g. 浙江省杭州市西湖区."""
        return self.views.divisions.full_name(self.region) if self.division else self.region

    @memo_property
    def breadcrumbs(self) -> list[Crumb]:
        if self.division is None:
            return []
        associations, crumbs = self.views.site.associations, []
        for division in self.views.divisions.chain(self.region)[:-1]:
            url = self.views.url(urls.association(division.code)) if division.code in associations else None
            crumbs.append(Crumb(division.name, url))
        return crumbs

    @memo_property
    def parent(self) -> AssociationView | None:
        up = self.views.site.parent.get(self.region)
        return self.views.association(up) if up else None

    @memo_property
    def members(self) -> list[AssociationView]:
        return [self.views.association(r) for r in self.views.site.members.get(self.region, ())]

    @memo_property
    def projects(self) -> list[ProjectView]:
        return [self.views.project(s) for s in self.views.site.projects_of.get(self.region, ())]

    @memo_property
    def stories(self) -> list[StoryView]:
        return [self.views.story(r) for r in self.views.site.stories_of_association.get(self.region, ())]

    @property
    def scorecard(self) -> evaluation.Scorecard | None:
        """Its evaluation checklist: county-level associations only."""
        return self.views.scorecard(self.region)

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
        return end is not None and end < self.views.site.as_of


class ProjectView(RecordView):
    route = staticmethod(urls.project)

    def __init__(self, views: Views, record: SiteRecord) -> None:
        super().__init__(views, record)
        self.slug: str = record.key

    @property
    def description_html(self) -> str:
        return self.html

    @property
    def brand_key(self) -> str:
        return self.data.brand

    @memo_property
    def status_label(self) -> str:
        return PROJECT_STATUS_LABELS[self.data.status]

    @memo_property
    def image_urls(self) -> list[str]:
        return [self.views.url(path) for path in self.data.images]

    @memo_property
    def images(self) -> list[ImageView]:
        return [self.views.image(path) for path in self.data.images]

    @property
    def brand(self) -> BrandView:
        return self.views.brand(self.brand_key)

    @property
    def association(self) -> AssociationView:
        return self.views.association(self.data.association)

    @memo_property
    def stories(self) -> list[StoryView]:
        return [self.views.story(r) for r in self.views.site.stories_of_project.get(self.slug, ())]


class StoryView(RecordView):
    route = staticmethod(urls.story)

    def __init__(self, views: Views, record: SiteRecord) -> None:
        super().__init__(views, record)
        self.slug: str = record.key

    @property
    def body_html(self) -> str:
        return self.html

    @memo_property
    def cover_url(self) -> str | None:
        return self.views.url(self.data.cover) if self.data.cover else None

    @memo_property
    def cover(self) -> ImageView | None:
        return self.views.image(self.data.cover) if self.data.cover else None

    @memo_property
    def association(self) -> AssociationView | None:
        region = self.data.association
        return self.views.association(region) if region in self.views.site.associations else None

    @memo_property
    def project(self) -> ProjectView | None:
        slug = self.data.project
        return self.views.project(slug) if slug in self.views.site.projects else None

    @memo_property
    def tag_links(self) -> list[Crumb]:
        tags = self.views.site.tag_slug
        return [self.views.tag(t) for t in dict.fromkeys(self.data.tags) if t in tags]

    @property
    def updated(self) -> date:
        return self.data.date


class PageView(RecordView):
    def __init__(self, views: Views, record: SiteRecord) -> None:
        super().__init__(views, record)
        self.slug: str = record.key

    @property
    def title(self) -> str:
        return self.data.title

    @property
    def body_html(self) -> str:
        return self.html


class BrandView:
    """A brand of the project library (from the config) and its projects."""

    def __init__(self, views: Views, key: str, name: str, description: str) -> None:
        self.views = views
        self.key, self.name, self.description = key, name, description
        self.url = views.url(urls.brand(key))

    @property
    def projects(self) -> list[ProjectView]:
        return [self.views.project(s) for s in self.views.site.projects_of_brand.get(self.key, ())]

    @property
    def featured(self) -> list[ProjectView]:
        return [p for p in self.projects if p.featured]


def _level(division: Division | None) -> str:
    if division is None:
        return "county"
    return "county" if division.level == "zone" else division.level
