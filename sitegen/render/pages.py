"""The site map: every page and data file the site has, and what each shows.

`plan` lists the outputs as jobs: a route, and how to make it (a template and a function that
gathers what the template shows, or a function that makes the bytes). Planning only counts
routes; a job's context is gathered while the job is made, so everything it reads is recorded
as an input of that output and of no other (inputs.py). `render_pages` makes the jobs (in
`-j` processes when there are many), gathering template problems as diagnostics instead of
stopping at the first; given the previous build's graph it keeps the file of every output whose
recorded inputs kept their fingerprints.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from sitegen.diagnostics import Diagnostic, error
from sitegen.domain import evaluation
from sitegen.incremental.graph import Graph
from sitegen.link import urls
from sitegen.link.inputs import CONFIG, ROUTES, Fingerprints, Input, compact, read, recording
from sitegen.link.site import Site
from sitegen.pool import fork_map
from sitegen.render import datapackage, filters, opendata, sitemap
from sitegen.render.artifact import Artifact, Deflated
from sitegen.render.templates import PageRenderer, TemplateProblem, page_of
from sitegen.render.views import Views


@dataclass(frozen=True)
class Job:
    """One output: a template rendered with `context()`, or the bytes `make()` returns."""

    route: str
    template: str | None = None
    context: Callable[[], dict[str, Any]] = dict
    make: Callable[[], bytes] | None = None
    lastmod: Callable[[], date | None] | None = None  # for the sitemap
    in_sitemap: bool = True


@dataclass(frozen=True)
class SitemapEntry:
    route: str
    lastmod: date | None


def plan(site: Site, views: Views, sitemap_limits: sitemap.SitemapLimits = sitemap.LIMITS) -> list[Job]:
    config = site.config
    jobs = [
        Job(urls.HOME, "index.html", lambda: _home(site, views)),
        Job(urls.DIRECTORY, "directory.html", lambda: _directory(views)),
    ]
    for association in views.associations:
        region = association.region
        jobs.append(Job(urls.association(region), "association.html", lambda r=region: {"association": views.association(r)},
                        lastmod=lambda r=region: views.association(r).data.updated))  # fmt: skip
    for area in site.coverage.regions:
        jobs.append(Job(urls.region(area.region), "region.html", lambda code=area.region: _region(site, views, code)))
    jobs += [
        Job(urls.COVERAGE, "coverage.html", lambda: {"report": site.coverage}),
        Job(urls.EVALUATION, "evaluation.html", lambda: _evaluation(views)),
        Job(urls.MODELS, "models.html", lambda: {"years": views.models_by_year()}),
        Job(urls.DATA_PAGE, "data.html", lambda: _data_page(site, views)),
        Job(urls.PROJECTS, "projects.html", lambda: {"projects": views.projects, "filter_fields": filters.project_fields(views)}),
    ]
    for slug in site.projects:
        jobs.append(Job(urls.project(slug), "project.html", lambda s=slug: {"project": views.project(s)}))
    for brand in views.brands:
        jobs.append(Job(urls.brand(brand.key), "brand.html", lambda k=brand.key: {"brand": views.brand(k)}))
    for n, route in _pages(len(site.stories), urls.stories_page, config.per_page):
        jobs.append(Job(route, "stories.html", lambda n=n: _story_page(views, n)))
    for record in site.stories:
        jobs.append(Job(urls.story(record.key), "story.html", lambda r=record: {"story": views.story(r)},
                        lastmod=lambda r=record: r.data.date))  # fmt: skip
    for tag, slug in sorted(site.tag_slug.items(), key=lambda item: item[1]):
        route_of = lambda n, s=slug: urls.tag(s, n)  # noqa: E731
        for n, route in _pages(len(site.stories_of_tag[tag]), route_of, config.per_page):
            jobs.append(Job(route, "tag.html", lambda t=tag, n=n, f=route_of: _tag_page(site, views, t, n, f)))
    for record in site.pages:
        jobs.append(Job(urls.page(record.key), "page.html", lambda r=record: {"page": views.page(r)}))
    if config.search:
        jobs.append(Job(urls.SEARCH, "search.html", in_sitemap=False))
    jobs.append(Job(urls.NOT_FOUND, "404.html", in_sitemap=False))
    in_sitemap = [job for job in jobs if job.in_sitemap]
    jobs.append(Job(urls.FEED, "feed.xml", lambda: _feed(site, views), in_sitemap=False))
    jobs += _sitemaps(in_sitemap, config.base_url, sitemap_limits)
    jobs.append(Job(urls.ROBOTS, "robots.txt", in_sitemap=False))
    for route, make in opendata.data_makers(site, lambda: views.evaluation, lambda: views.association_names).items():
        jobs.append(Job(route, make=make, in_sitemap=False))
    return jobs


def _pages(count: int, route_of: Callable[[int], str], per_page: int) -> list[tuple[int, str]]:
    total = max(1, -(-count // per_page))
    return [(n, route_of(n)) for n in range(1, total + 1)]


def _home(site: Site, views: Views) -> dict[str, Any]:
    latest_models = views.models_by_year()[:1]
    return {
        "latest_models": latest_models[0] if latest_models else None,
        "featured": [p for p in views.projects if p.featured],
        "latest_stories": views.story_list[:6],
        "stats": _key_figures(site),
        "areas": [a for a in site.coverage.areas if a is not site.coverage.scope],
    }


def _directory(views: Views) -> dict[str, Any]:
    nodes = views.directory()
    return {"nodes": nodes, "filter_fields": filters.directory_fields(views, nodes)}


def _region(site: Site, views: Views, code: str) -> dict[str, Any]:
    area = site.coverage.region(code)
    return {
        "area": area,
        "association": views.association(code) if code in site.associations else None,
        "nodes": views.directory(code),
        "projects": views.projects_in_region(code),
        "division": site.divisions.get(code),
        "up": _region_up(site, code),
        "groups": views.figures.units_by_city(area),
        "evaluated": views.evaluation.region(code),
    }


def _region_up(site: Site, code: str) -> str | None:
    """The region page above a city's page (its province's), if the site has one."""
    division = site.divisions.get(code)
    province = division.province if division is not None and division.level != "province" else None
    return province if province is not None and site.coverage.region(province) is not None else None


def _evaluation(views: Views) -> dict[str, Any]:
    return {
        "report": views.evaluation,
        "indicators": evaluation.INDICATORS,
        "max_score": evaluation.MAX_SCORE,
        "average_text": evaluation.average_text,
        "groups": views.evaluation_groups(),
    }


def _data_page(site: Site, views: Views) -> dict[str, Any]:
    return {"datasets": datapackage.data_files(site, opendata.csv_headers(site, views.evaluation))}


def _story_page(views: Views, number: int) -> dict[str, Any]:
    config = views.site.config
    pagination = page_of(views.story_list, number, config.per_page, urls.stories_page, config.base_path)
    return {"pagination": pagination, "stories": pagination.items}


def _tag_page(site: Site, views: Views, tag: str, number: int, route_of: Callable[[int], str]) -> dict[str, Any]:
    records = page_of(site.stories_of_tag[tag], number, site.config.per_page, route_of, site.config.base_path)
    pagination = replace(records, items=[views.story(r) for r in records.items])
    return {"tag": tag, "pagination": pagination, "stories": pagination.items}


def _feed(site: Site, views: Views) -> dict[str, Any]:
    stories = views.story_list[:20]
    return {"stories": stories, "updated": stories[0].date if stories else site.as_of}


def _sitemaps(jobs: list[Job], base_url: str, limits: sitemap.SitemapLimits) -> list[Job]:
    """`sitemap.xml`, or past the limits an index of that name and its parts (sitemap.py)."""
    parts = sitemap.split([job.route for job in jobs], base_url, limits)
    if len(parts) == 1:
        return [Job(urls.SITEMAP, "sitemap.xml", lambda: _sitemap(jobs), in_sitemap=False)]
    by_route = {job.route: job for job in jobs}
    routes = [sitemap.part_route(n) for n in range(1, len(parts) + 1)]
    made = [Job(urls.SITEMAP, "sitemap-index.xml", lambda: _sitemap_index(routes), in_sitemap=False)]
    for route, part in zip(routes, parts, strict=True):
        made.append(Job(route, "sitemap.xml", lambda p=part: _sitemap([by_route[r] for r in p]), in_sitemap=False))
    return made


def _sitemap(jobs: list[Job]) -> dict[str, Any]:
    read(ROUTES)
    return {"entries": [SitemapEntry(job.route, job.lastmod() if job.lastmod else None) for job in jobs]}


def _sitemap_index(routes: list[str]) -> dict[str, Any]:
    read(ROUTES)
    return {"sitemaps": routes}


def _key_figures(site: Site) -> dict[str, Any]:
    """The home page's figures, over the associations inside the scope (not its ancestors)."""
    associations = [r.data for region, r in site.associations.items() if site.in_scope(region)]
    return {
        "associations": sum(1 for a in associations if a.status == "active"),
        "preparing": sum(1 for a in associations if a.status == "preparing"),
        "projects": len(site.projects),
        "volunteers": registered_volunteers(site),
        "stories": len(site.stories),
    }


def registered_volunteers(site: Site) -> int | None:
    """Registered volunteers inside the scope without double counting: a higher level's figure
    includes its members', so only associations with no reporting ancestor association are
    summed (`None` when no association inside the scope reports a figure)."""

    def reports(region: str) -> bool:
        data = site.associations[region].data
        return data.volunteers is not None and data.status != "dissolved" and site.in_scope(region)

    total, reported = 0, False
    for region in site.associations:
        if not reports(region):
            continue
        up = site.parent.get(region)
        while up is not None and not reports(up):
            up = site.parent.get(up)
        if up is None:
            total += site.associations[region].data.volunteers.registered
            reported = True
    return total if reported else None


# --- making the jobs -------------------------------------------------------------------------


@dataclass
class Reuse:
    """What an incremental build knows: the previous graph and the OUT it describes."""

    previous: Graph
    out: Path


@dataclass
class RenderedPages:
    files: list[Artifact]  # every output, made or kept, with the inputs it read
    diagnostics: list[Diagnostic]
    fingerprints: Fingerprints
    rendered: int = 0
    reused: int = 0


Made = tuple[bytes | Deflated | Diagnostic, frozenset[Input]]  # the output or its problem, and what it read


def render_pages(
    site: Site,
    views: Views,
    progress: Callable[[int, int], None] | None = None,
    workers: int = 1,
    reuse: Reuse | None = None,
    sitemap_limits: sitemap.SitemapLimits = sitemap.LIMITS,
) -> RenderedPages:
    """Make every planned output; `progress(done, total)` is called as outputs are made.

    With `reuse`, an output whose recorded inputs all kept their fingerprints, and whose file
    in OUT is the one the previous build wrote, is not made again: its file is carried over.
    With `workers` > 1 the outputs are made in forked processes; the result is the same.
    """
    renderer = PageRenderer(site, views)
    fingerprints = Fingerprints(site, renderer.env, views.images, views, reuse.previous if reuse is not None else None)
    jobs = plan(site, views, sitemap_limits)
    fingerprints.routes = tuple(job.route for job in jobs if job.in_sitemap)
    result = RenderedPages([], [], fingerprints)
    todo: list[Job] = []
    for job in jobs:
        kept = reuse.previous.kept(job.route, reuse.out, fingerprints) if reuse is not None else None
        if kept is None:
            todo.append(job)
            continue
        artifact = Artifact(job.route, reuse.out / urls.output_file(job.route), kept.inputs)
        result.files.append(artifact)
        result.reused += artifact.is_page
    # A data file can take seconds (a workbook of every association): a few of them are worth
    # the workers that a few pages are not.
    heavy = 2 if any(job.make is not None for job in todo) else None
    made = fork_map(lambda job: make(renderer, job), todo, workers, progress, min_items=heavy)
    failures: dict[tuple[str, int], list[Diagnostic]] = {}
    for job, (output, found) in zip(todo, made, strict=True):
        if isinstance(output, Diagnostic):
            failures.setdefault((output.path, output.line), []).append(output)
        else:
            artifact = Artifact(job.route, output, found)
            result.files.append(artifact)
            result.rendered += artifact.is_page
    for (path, line), same in failures.items():
        first = same[0]
        more = f"（另有 {len(same) - 1} 个页面出现同样的错误）" if len(same) > 1 else ""
        result.diagnostics.append(error(path, line, first.column, first.code, first.message + more))
    return result


def make(renderer: PageRenderer, job: Job) -> Made:
    """One output, recording what it read. Every output reads the config (its base path)."""
    with recording() as found:
        read(CONFIG)
        try:
            if job.make is not None:
                output: bytes | Deflated | Diagnostic = job.make()
            else:
                assert job.template is not None
                output = Deflated(renderer.render(job.template, job.route, **job.context()))
        except TemplateProblem as problem:
            output = problem.diagnostic
    return output, compact(found)
