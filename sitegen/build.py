"""The whole build, top to bottom: config → discover/load → link → render → write.

Everything is validated and rendered in memory before anything is written; the writer then
swaps the new output in atomically. `check` runs the same stages and stops before writing.
"""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sitegen.diagnostics import Diagnostic, error, has_errors, sort_diagnostics, warning
from sitegen.domain import pinyin
from sitegen.domain.divisions import load_divisions
from sitegen.incremental.graph import Graph
from sitegen.incremental.markdown_cache import MarkdownCache
from sitegen.incremental.record_cache import RecordCache
from sitegen.incremental.store import CACHE_DIR, PINYIN, Cache, ImageStore, code_digest
from sitegen.link import urls
from sitegen.link.inputs import Fingerprints, digest
from sitegen.link.site import Site, link
from sitegen.load.records import config_problems, load_config, load_records
from sitegen.render import images
from sitegen.render.artifact import Artifact, DuplicateRoute
from sitegen.render.linkcheck import check_links
from sitegen.render.markdown_stage import render_markdown
from sitegen.render.pages import Reuse, plan, render_pages
from sitegen.render.theme import publishable
from sitegen.render.views import Views
from sitegen.write import search
from sitegen.write.changes import Changes
from sitegen.write.writer import OutputError, WriteStats, write_output

# progress(stage, done, total): the build reports each stage as it starts (done = total = 0)
# and, while rendering pages, each page done. The CLI draws it; the build knows no terminal.
Progress = Callable[[str, int, int], None]

STAGE_LOAD = "读取内容"
STAGE_IMAGES = "处理图片"
STAGE_RENDER = "渲染页面"
STAGE_WRITE = "写入输出"
STAGE_SEARCH = "建立搜索索引"


def _silent(stage: str, done: int, total: int) -> None:
    pass


@dataclass
class Analysis:
    """What load and link made: the linked site (None when the config could not be read)."""

    diagnostics: list[Diagnostic]
    site: Site | None = None

    @property
    def ok(self) -> bool:
        return not has_errors(self.diagnostics)


@dataclass
class Rendered:
    """What render made: every output file, in memory or as a file to copy."""

    files: list[Artifact]
    diagnostics: list[Diagnostic]
    pages: int = 0
    reused: int = 0  # pages not rendered again: their inputs had not changed
    fingerprints: Fingerprints | None = None  # of the inputs of the site rendered


@dataclass
class BuildResult:
    """What `build` and `check` report; made once, when they end."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    site: Site | None = None
    files: list[Artifact] = field(default_factory=list)
    pages: int = 0
    reused: int = 0  # pages not rendered again: their inputs had not changed
    graph: Graph | None = None  # what every output read (after a build that wrote)
    stats: WriteStats | None = None
    image_cache: ImageStore | None = None  # variants reused (hits) and made by the build
    search_index: search.IndexResult | None = None
    changes: Changes | None = None  # what the write changed in OUT (`--changed-urls`)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not has_errors(self.diagnostics)


def analyse(
    src: Path,
    base_url: str | None = None,
    include_drafts: bool = False,
    as_of: date | None = None,
    cache: Cache | None = None,
    jobs: int = 1,
) -> Analysis:
    """Load, validate and link the site; no rendering, nothing written (with `cache`, parsed
    records and pinyin sort keys are taken from it and saved into it)."""
    config, problems = load_config(src)
    result = Analysis(list(problems))
    if config is None:
        return result
    if base_url:
        config = config.with_base_url(base_url)
    result.diagnostics += config_problems(src, config)
    divisions = load_divisions()
    context = {"config": config, "divisions": divisions}
    record_cache = RecordCache(cache, context, f"{config!r}\0{src.resolve()}") if cache else None
    loaded = load_records(src, config, divisions, record_cache, jobs)
    result.diagnostics += loaded.diagnostics
    known = cache.load(PINYIN, cache.stamp(PINYIN)) if cache else None
    pinyin.add_keys(known)
    site, problems = link(src, config, divisions, loaded.records, include_drafts, as_of, loaded.failed)
    if cache is not None and record_cache is not None:
        record_cache.save()
        if len(pinyin.known_keys()) != len(known or ()):
            cache.save(PINYIN, cache.stamp(PINYIN), pinyin.known_keys())
    result.diagnostics += problems
    result.site = site
    return result


def render(
    site: Site,
    progress: Progress | None = None,
    jobs: int = 1,
    cache: MarkdownCache | None = None,
    reuse: Reuse | None = None,
    image_cache: ImageStore | None = None,
    reserved: Callable[[str], str | None] | None = None,
) -> Rendered:
    """Render every page and data file in memory, and check routes do not collide.

    `jobs` > 1 renders the pages (and resizes the images) in that many processes; the output
    is the same. With `reuse`, pages whose recorded inputs are unchanged keep their file from
    OUT. Image variants come from `image_cache` (made there when missing). `reserved(route)`
    says why a site file may not take a route a later step writes (None: it may).
    """
    progress = progress or _silent
    progress(STAGE_IMAGES, 0, 0)
    image_set, diagnostics = images.prepare(site, image_cache, jobs)
    progress(STAGE_RENDER, 0, 0)
    markdown, problems = render_markdown(site, cache, jobs)
    diagnostics += problems
    views = Views(site, markdown, image_set)
    pages = render_pages(site, views, lambda done, total: progress(STAGE_RENDER, done, total), jobs, reuse)
    diagnostics += pages.diagnostics
    generated = [*pages.files, *(Artifact(route, content) for route, content in image_set.files.items())]
    statics, problems = publishable(site.src, site.config.theme, {artifact.file for artifact in generated}, reserved)
    diagnostics += problems
    generated += (Artifact(route, path) for route, path in statics.items())
    diagnostics += check_links(site, {artifact.file: artifact.content for artifact in generated})
    made = sum(1 for artifact in pages.files if artifact.is_page)
    return Rendered(generated, diagnostics, made, pages.reused, pages.fingerprints)


def _search(site: Site, keep_index: bool = False, progress: Progress = _silent) -> search.SearchStep | None:
    """The step after rendering that indexes the site for its search page, if it has one."""
    return search.SearchStep(keep_index, lambda: progress(STAGE_SEARCH, 0, 0)) if site.config.search else None


# What the render stage finds on its own, whatever else is wrong: reported in the same run as
# the content errors that stop a build (one run, every problem). Its other findings (template
# errors, broken links) may only be echoes of a record that failed to load, so they wait.
INDEPENDENT = frozenset({"route-conflict", "missing-file", "unsafe-file", "unsafe-html", "external-image", "image", "size", "timeout", "privacy"})


def _also_when_broken(result: BuildResult, src: Path) -> None:
    """Render in memory a site that has errors, to report the render stage's own problems.
    When the incomplete site cannot be rendered whole (a page of a record that failed to
    load), its parts that stand alone are checked: static files, every Markdown text, and the
    routes of the pages against the static files."""
    site = result.site
    if site is None:
        return
    try:
        rendered = render(site, image_cache=Cache(src, readonly=True).images)
        result.diagnostics += [d for d in rendered.diagnostics if d.code in INDEPENDENT]
        return
    except Exception:  # the site is incomplete: check what does not need it whole
        pass
    found: list[Diagnostic] = []
    try:
        markdown, problems = render_markdown(site)
        found += problems
        taken = {urls.output_file(job.route) for job in plan(site, Views(site, markdown))}
    except Exception:
        taken = set()
    found += publishable(site.src, site.config.theme, taken)[1]
    result.diagnostics += [d for d in found if d.code in INDEPENDENT]


def check(src: Path, include_drafts: bool = True) -> BuildResult:
    """Validate everything, rendering included (templates can fail too); write nothing."""
    analysis = analyse(src, include_drafts=include_drafts)
    result = BuildResult(analysis.diagnostics, analysis.site)
    if analysis.site is not None and analysis.ok:
        step = _search(analysis.site)
        rendered = render(analysis.site, image_cache=Cache(src, readonly=True).images, reserved=step and step.conflict)
        result.diagnostics += rendered.diagnostics
        result.files, result.pages, result.reused = rendered.files, rendered.pages, rendered.reused
    else:
        _also_when_broken(result, src)
    result.diagnostics = sort_diagnostics(result.diagnostics)
    return result


@contextlib.contextmanager
def _batch_collection() -> Iterator[None]:
    """A build makes millions of objects that live until it ends: the cyclic garbage collector
    runs less often, and the loaded site and graph are frozen out of its passes (a national
    story edit spent 2.5 of 13 s in collections). Undone after the build (tests and the dev
    server build many times in one process)."""
    threshold = gc.get_threshold()
    gc.set_threshold(50_000, 20, 1000)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


@_batch_collection()  # a context manager made with contextmanager decorates too
def build(
    src: Path,
    out: Path,
    base_url: str | None = None,
    include_drafts: bool = False,
    progress: Progress | None = None,
    jobs: int = 1,
    keep_index: bool = False,
) -> BuildResult:
    """Build SRC into OUT. With `keep_index` (the dev server's rebuilds) an existing search
    index is carried over even when pages changed: indexing a national site takes seconds
    that a preview should not wait for."""
    started = time.perf_counter()
    progress = progress or _silent
    progress(STAGE_LOAD, 0, 0)
    store = Cache(src)
    analysis = analyse(src, base_url, include_drafts, cache=store, jobs=jobs)
    gc.freeze()  # the linked site lives until the end
    result = BuildResult(analysis.diagnostics, analysis.site)
    if store.distrust is not None:
        result.diagnostics.append(warning(store.root, 1, 1, "cache", f"{store.distrust}，本次构建没有读写它（构建照常，只是不能沿用上次的结果）；请执行 git rm -r --cached {CACHE_DIR} 并把它写进 .gitignore，或删除该目录"))
    site = analysis.site
    if site is None or has_errors(result.diagnostics):
        _also_when_broken(result, src)
        return _done(result, started)
    step = _search(site, keep_index, progress)
    cache = MarkdownCache(store, site.config.base_path)
    graph = Graph.load(store, digest(code_digest(), include_drafts, str(out.resolve())))
    gc.freeze()
    result.image_cache = store.images
    reuse = Reuse(graph, out.resolve())
    rendered = render(site, progress, jobs, cache, reuse, store.images, step and step.conflict)
    result.diagnostics += rendered.diagnostics
    result.files, result.pages, result.reused = rendered.files, rendered.pages, rendered.reused
    if has_errors(result.diagnostics):
        return _done(result, started)
    progress(STAGE_WRITE, 0, 0)
    try:
        result.stats = write_output(out, result.files, step)
    except DuplicateRoute as exc:
        result.diagnostics.append(error(out, 1, 1, "route-conflict", f"两个文件都要写到输出的 /{exc.file}，请改名其中一个"))
        return _done(result, started)
    except OutputError as exc:
        result.diagnostics.append(error(out, 1, 1, "output", f"无法写入输出目录：{exc}"))
        return _done(result, started)
    except search.SearchIndexError as exc:
        result.diagnostics.append(error(out, 1, 1, "search-index", f"无法生成站内搜索索引，输出目录未改动：{exc}"))
        return _done(result, started)
    written = Changes(result.stats.changed, result.stats.removed)
    result.changes = step.with_index(written) if step is not None else written
    result.search_index = step.result if step is not None else None
    cache.save()
    if rendered.fingerprints is not None:
        result.graph = graph.rebuilt(((a.route, a.inputs) for a in result.files), rendered.fingerprints)
        result.graph.note_written(out)
        result.graph.save(store)
        store.prune()
    return _done(result, started)


def _done(result: BuildResult, started: float) -> BuildResult:
    result.diagnostics = sort_diagnostics(result.diagnostics)
    result.seconds = time.perf_counter() - started
    return result
