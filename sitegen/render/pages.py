"""The site map: every generated page, its template and what it shows (docs/reference.md, 网站的页面和网址).

`plan` lists the pages; `render_pages` renders them, gathering template problems as
diagnostics instead of stopping at the first. Given the previous build's dependency graph it
renders only the pages whose recorded inputs changed and reuses the others' files (deps.py).
Whatever `plan` reads from the site directly, rather than through the views, it notes itself.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sitegen.diagnostics import Diagnostic, error
from sitegen.domain import evaluation
from sitegen.incremental import deps
from sitegen.link import urls
from sitegen.link.site import Site
from sitegen.render import filters
from sitegen.render.templates import PageRenderer, TemplateProblem, paginate
from sitegen.render.views import Views
from sitegen.write.writer import Artifact, Deflated


@dataclass(frozen=True)
class PageJob:
    route: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    lastmod: date | None = None  # for the sitemap
    in_sitemap: bool = True


def plan(site: Site, views: Views) -> Iterator[PageJob]:
    config = site.config
    coverage_inputs = ("v:coverage",)
    deps.use("k:association", "n:project", "n:story", *coverage_inputs)  # key figures, coverage
    latest_models = views.models_by_year()[:1]
    latest_stories = views.story_list[:6]
    deps.use("v:story_order", *(story.input for story in latest_stories))
    yield PageJob(
        urls.HOME,
        "index.html",
        {
            "latest_models": latest_models[0] if latest_models else None,
            "featured": [p for p in views.projects if p.featured],
            "latest_stories": latest_stories,
            "stats": _key_figures(site),
            "provinces": [p for p in site.coverage.provinces if any(r.startswith(p.region[:2]) for r in site.associations)],
        },
    )
    nodes = views.directory()
    yield PageJob(urls.DIRECTORY, "directory.html", {"nodes": nodes, "filter_fields": filters.directory_fields(views, nodes)})
    for region in (a.region for a in views._all_associations):
        association = views.association(region)
        yield PageJob(
            urls.association(association.region),
            "association.html",
            {"association": association},
            lastmod=association.data.updated,
        )
    for province in site.coverage.provinces:
        deps.use(*coverage_inputs)
        division = site.divisions.get(province.region)
        yield PageJob(
            urls.region(province.region),
            "region.html",
            {
                "province": province,
                "association": views.association(province.region) if province.region in site.associations else None,
                "nodes": views.directory(province.region),
                "projects": views.projects_in_province(province.region),
                "division": division,
                "groups": views.figures.units_by_city(province),
                "evaluated": views.evaluation.province(province.region),
            },
        )
    deps.use(*coverage_inputs)
    yield PageJob(urls.COVERAGE, "coverage.html", {"report": site.coverage})
    yield PageJob(
        urls.EVALUATION,
        "evaluation.html",
        {
            "report": views.evaluation,
            "indicators": evaluation.INDICATORS,
            "max_score": evaluation.MAX_SCORE,
            "average_text": evaluation.average_text,
            "groups": [(s, views.scorecards(s.region)) for s in views.evaluation.provinces if s.count],
        },
    )
    yield PageJob(urls.MODELS, "models.html", {"years": views.models_by_year()})
    yield PageJob(urls.PROJECTS, "projects.html", {"projects": views.projects, "filter_fields": filters.project_fields(views)})
    for slug in site.projects:
        yield PageJob(urls.project(slug), "project.html", {"project": views.project(slug)})
    for brand in views._brands:
        yield PageJob(urls.brand(brand.key), "brand.html", {"brand": views.brand(brand.key)})
    for route, pagination in paginate(views.story_list, config.per_page, urls.stories_page, config.base_path):
        deps.use("v:story_order")  # which stories fall on which page
        deps.use_all(story.input for story in pagination.items)
        yield PageJob(route, "stories.html", {"pagination": pagination, "stories": pagination.items})
    for record in site.stories:
        story = views.story(record)
        yield PageJob(urls.story(story.slug), "story.html", {"story": story}, lastmod=story.data.date)
    for tag, slug in sorted(site.tag_slug.items(), key=lambda item: item[1]):
        deps.use("v:tags", f"v:stories_of_tag:{tag}")
        stories = [views.story(r) for r in site.stories_of_tag[tag]]
        for route, pagination in paginate(stories, config.per_page, lambda n, s=slug: urls.tag(s, n), config.base_path):
            deps.use("v:tags", f"v:stories_of_tag:{tag}")
            deps.use_all(story.input for story in pagination.items)
            yield PageJob(route, "tag.html", {"tag": tag, "pagination": pagination, "stories": pagination.items})
    for record in site.pages:
        yield PageJob(urls.page(record.key), "page.html", {"page": views.page(record)})
    if config.search:
        yield PageJob(urls.SEARCH, "search.html", in_sitemap=False)
    yield PageJob(urls.NOT_FOUND, "404.html", in_sitemap=False)


def _key_figures(site: Site) -> dict[str, Any]:
    associations = [r.data for r in site.associations.values()]
    return {
        "associations": sum(1 for a in associations if a.status == "active"),
        "preparing": sum(1 for a in associations if a.status == "preparing"),
        "projects": len(site.projects),
        "volunteers": registered_volunteers(site),
        "stories": len(site.stories),
    }


def registered_volunteers(site: Site) -> int:
    """Registered volunteers without double counting: a higher level's figure includes its
    members', so only associations with no reporting ancestor association are summed."""

    def reports(region: str) -> bool:
        data = site.associations[region].data
        return data.volunteers is not None and data.status != "dissolved"

    total = 0
    for region in site.associations:
        if not reports(region):
            continue
        up = site.parent.get(region)
        while up is not None and not reports(up):
            up = site.parent.get(up)
        if up is None:
            total += site.associations[region].data.volunteers.registered
    return total


@dataclass
class Reuse:
    """What an incremental build knows: the previous graph and the OUT it describes."""

    previous: deps.Graph
    out: Path
    cache_dir: Path | None = None  # compiled templates are kept in its jinja/


@dataclass
class RenderedPages:
    files: dict[str, Artifact]
    diagnostics: list[Diagnostic]
    graph: dict[str, deps.PageEntry]  # route -> inputs, for every page rendered or reused
    inputs: deps.Inputs
    rendered: int = 0
    reused: int = 0


def render_pages(
    site: Site,
    views: Views,
    progress: Callable[[int, int], None] | None = None,
    workers: int = 1,
    reuse: Reuse | None = None,
) -> RenderedPages:
    """Render the planned pages; `progress(done, total)` is called as pages finish.

    With `reuse`, a page whose recorded inputs all kept their digests, and whose file in OUT
    is the one the previous build wrote, is not rendered: its file is carried over. With
    `workers` > 1 the pages are rendered in forked processes (see `_render_parallel`); the
    result is the same, in the same order, as with one.
    """
    renderer = PageRenderer(site, views, reuse.cache_dir / "jinja" if reuse and reuse.cache_dir else None)
    inputs = deps.Inputs(site, views, renderer.env)
    result = RenderedPages({}, [], {}, inputs)
    planned = _plan_recorded(site, views)
    jobs: list[PageJob] = []
    for job, _ in planned:
        file = urls.output_file(job.route)
        if reuse is not None and reuse.previous.reusable(job.route, reuse.out / file, inputs):
            result.files[file] = reuse.out / file
            result.graph[job.route] = reuse.previous.pages[job.route]
            result.reused += 1
        else:
            jobs.append(job)
    plan_inputs = {job.route: found for job, found in planned}
    report = progress or (lambda done, total: None)
    if workers > 1 and len(jobs) >= _PARALLEL_MIN_PAGES and _fork_context() is not None:
        rendered = _render_parallel(renderer, jobs, workers, report)
    else:
        rendered = []
        for done, job in enumerate(jobs, 1):
            rendered.append(_render_one(renderer, job))
            report(done, len(jobs))
    failures: dict[tuple[str, int], list[Diagnostic]] = {}
    for job, (output, found) in zip(jobs, rendered, strict=True):
        if isinstance(output, Deflated):
            result.files[urls.output_file(job.route)] = output
            read = plan_inputs[job.route] | found | inputs.template_inputs(job.template)
            result.graph[job.route] = deps.PageEntry(inputs.digests(sorted(read)))
            result.rendered += 1
        else:
            failures.setdefault((output.path, output.line), []).append(output)
    for (path, line), same in failures.items():
        first = same[0]
        more = f"（另有 {len(same) - 1} 个页面出现同样的错误）" if len(same) > 1 else ""
        result.diagnostics.append(error(path, line, first.column, first.code, first.message + more))
    feed_stories = views.story_list[:20]
    extra = [
        (urls.FEED, "feed.xml", {"stories": feed_stories, "updated": feed_stories[0].date if feed_stories else site.as_of}),
        (urls.SITEMAP, "sitemap.xml", {"entries": [j for j, _ in planned if j.in_sitemap]}),
        (urls.ROBOTS, "robots.txt", {}),
    ]
    for route, template, context in extra:
        try:
            result.files[route] = renderer.render(template, route, **context)
        except TemplateProblem as problem:
            result.diagnostics.append(problem.diagnostic)
    return result


def _plan_recorded(site: Site, views: Views) -> list[tuple[PageJob, set[str]]]:
    """The plan, with the inputs read while making each page's context."""
    planned = []
    pages = plan(site, views)
    while True:
        with deps.recording() as found:
            job = next(pages, None)
        if job is None:
            return planned
        planned.append((job, found))


# --- parallel rendering ----------------------------------------------------------------------

# Below this many pages, starting processes costs more than it saves.
_PARALLEL_MIN_PAGES = 200

# The renderer and page plan the forked workers render from: set in the parent just before the
# pool forks, so each worker inherits the linked site, views and Jinja environment without
# pickling them; only (start, end) goes in and bytes or diagnostics come back.
_SHARED: tuple[PageRenderer, list[PageJob]] | None = None


def _fork_context() -> multiprocessing.context.BaseContext | None:
    try:
        return multiprocessing.get_context("fork")
    except ValueError:  # no fork on this platform: render in one process
        return None


Rendered = tuple[Deflated | Diagnostic, set[str]]  # the page or its problem, and what it read


def _render_one(renderer: PageRenderer, job: PageJob) -> Rendered:
    with deps.recording() as found:
        try:
            return Deflated(renderer.render(job.template, job.route, **job.context)), found
        except TemplateProblem as problem:
            return problem.diagnostic, found


def _render_chunk(start: int, end: int) -> list[Rendered]:
    assert _SHARED is not None
    renderer, jobs = _SHARED
    return [_render_one(renderer, job) for job in jobs[start:end]]


def _render_parallel(
    renderer: PageRenderer, jobs: list[PageJob], workers: int, progress: Callable[[int, int], None]
) -> list[Rendered]:
    global _SHARED
    total = len(jobs)
    size = max(8, -(-total // (workers * 4)))  # a few chunks per worker evens out slow pages
    chunks = [(start, min(start + size, total)) for start in range(0, total, size)]
    rendered: list[Rendered] = [(Deflated(b""), set())] * total
    _SHARED = (renderer, jobs)
    try:
        with ProcessPoolExecutor(min(workers, len(chunks)), mp_context=_fork_context()) as pool:
            futures = {pool.submit(_render_chunk, start, end): (start, end) for start, end in chunks}
            done = 0
            for future in as_completed(futures):
                start, end = futures[future]
                rendered[start:end] = future.result()
                done += end - start
                progress(done, total)
    finally:
        _SHARED = None
    return rendered
