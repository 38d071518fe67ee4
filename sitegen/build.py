"""The whole build, top to bottom: config → discover/load → link → render → write.

Everything is validated and rendered in memory before anything is written; the writer then
swaps the new output in atomically. `check` runs the same stages and stops before writing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sitegen import __version__
from sitegen.diagnostics import Diagnostic, error, has_errors, sort_diagnostics
from sitegen.domain import pinyin
from sitegen.domain.divisions import load_divisions
from sitegen.incremental import deps
from sitegen.incremental.cache import CACHE_DIR, MarkdownCache
from sitegen.incremental.record_cache import RecordCache
from sitegen.link import urls
from sitegen.link.site import Site, link
from sitegen.load.records import load_config, load_records
from sitegen.render import images, opendata
from sitegen.render.linkcheck import check_links
from sitegen.render.pages import Reuse, render_pages
from sitegen.render.templates import render_markdown, static_files
from sitegen.render.views import Views
from sitegen.write import search
from sitegen.write.changes import Changes, merge, tree_diff
from sitegen.write.writer import Artifact, OutputError, WriteStats, write_output

# progress(stage, done, total): the build reports each stage as it starts (done = total = 0)
# and, while rendering pages, each page done. The CLI draws it; the build knows no terminal.
Progress = Callable[[str, int, int], None]

PINYIN_FILE = "pinyin.pickle"

STAGE_LOAD = "读取内容"
STAGE_IMAGES = "处理图片"
STAGE_RENDER = "渲染页面"
STAGE_WRITE = "写入输出"
STAGE_SEARCH = "建立搜索索引"


def _silent(stage: str, done: int, total: int) -> None:
    pass


@dataclass
class BuildResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    site: Site | None = None
    files: dict[str, Artifact] = field(default_factory=dict)
    pages: int = 0
    reused: int = 0  # pages not rendered again: their inputs had not changed
    graph: dict[str, deps.PageEntry] = field(default_factory=dict)
    stats: WriteStats | None = None
    image_cache: images.ImageCache | None = None  # variants reused (hits) and made by the build
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
    cache: bool = False,
) -> BuildResult:
    """Load, validate and link the site; no rendering, nothing written (with `cache`, parsed
    records are taken from and kept in SRC/.sitegen-cache/)."""
    result = BuildResult()
    config, problems = load_config(src)
    result.diagnostics += problems
    if config is None:
        return result
    if base_url:
        config = config.with_base_url(base_url)
    divisions = load_divisions()
    record_cache = RecordCache(src / CACHE_DIR, f"{config!r}\0{src.resolve()}") if cache else None
    loaded = load_records(src, config, divisions, record_cache)
    result.diagnostics += loaded.diagnostics
    if record_cache is not None:
        record_cache.save()
        pinyin.load_keys(src / CACHE_DIR / PINYIN_FILE)
    site, problems = link(src, config, divisions, loaded.records, include_drafts, as_of, loaded.failed)
    result.diagnostics += problems
    result.site = site
    return result


def render(
    result: BuildResult,
    progress: Progress | None = None,
    jobs: int = 1,
    cache: MarkdownCache | None = None,
    reuse: Reuse | None = None,
    image_cache: images.ImageCache | None = None,
) -> BuildResult:
    """Render every page and data file in memory, and check routes do not collide.

    `jobs` > 1 renders the pages (and resizes the images) in that many processes; the output
    is the same. With `reuse`, pages whose recorded inputs are unchanged keep their file from
    OUT. Image variants come from `image_cache` (made there when missing).
    """
    site = result.site
    assert site is not None
    progress = progress or _silent
    progress(STAGE_IMAGES, 0, 0)
    image_set, problems = images.prepare(site, image_cache, jobs)
    result.diagnostics += problems
    progress(STAGE_RENDER, 0, 0)
    html, problems = render_markdown(site, cache, jobs)
    result.diagnostics += problems
    views = Views(site, html, image_set)
    pages = render_pages(site, views, lambda done, total: progress(STAGE_RENDER, done, total), jobs, reuse)
    result.diagnostics += pages.diagnostics
    result.pages = sum(1 for route in pages.files if route.endswith(".html"))
    result.reused = pages.reused
    result.graph = pages.graph
    generated: dict[str, Artifact] = {
        **pages.files,
        **_data_files(site, views, pages.inputs, reuse, result.graph),
        **image_set.files,
    }
    statics, problems = static_files(site.src, site.config.theme)
    result.diagnostics += problems
    for route, path in statics.items():
        if route in generated:
            result.diagnostics.append(
                error(path, 1, 1, "route-conflict", f"静态文件会覆盖网站生成的 /{route}，请改名或移到其他目录")
            )
        elif site.config.search and _search_owns(route):
            result.diagnostics.append(
                error(path, 1, 1, "route-conflict", f"静态文件 /{route} 与站内搜索的索引（/{search.BUNDLE}/）冲突，请改名或移到其他目录")
            )
        else:
            generated[route] = path
    result.diagnostics += check_links(site, generated)
    result.files = generated
    return result


def _search_owns(route: str) -> bool:
    """Routes the search indexer writes or reads as its configuration."""
    return route.split("/", 1)[0] == search.BUNDLE or route in search.CONFIG_FILES


def check(src: Path, include_drafts: bool = True) -> BuildResult:
    """Validate everything, rendering included (templates can fail too); write nothing."""
    result = analyse(src, include_drafts=include_drafts)
    if result.site is not None and not has_errors(result.diagnostics):
        render(result, image_cache=images.ImageCache(src, readonly=True))
    result.diagnostics = sort_diagnostics(result.diagnostics)
    return result


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
    result = analyse(src, base_url, include_drafts, cache=True)
    cache = graph = image_cache = None
    if result.site is not None and not has_errors(result.diagnostics):
        cache = MarkdownCache(src, result.site.config)
        graph = deps.Graph.load(src / CACHE_DIR, _graph_stamp(result.site, out, include_drafts))
        result.image_cache = image_cache = images.ImageCache(src)
        render(result, progress, jobs, cache, Reuse(graph, out.resolve(), src / CACHE_DIR), image_cache)
    if not has_errors(result.diagnostics):
        progress(STAGE_WRITE, 0, 0)
        before_swap = None
        index_changes: list[Changes] = []
        if result.site is not None and result.site.config.search:

            def before_swap(staged: Path, previous: Path) -> None:
                progress(STAGE_SEARCH, 0, 0)
                old = previous if previous.is_dir() else None
                result.search_index = search.index_site(staged, old, keep_index)
                bundle = search.BUNDLE
                index_changes.append(tree_diff(staged / bundle, old / bundle if old else None, bundle + "/"))

        try:
            # an unchanged OUT is left alone only if its index is this Pagefind's
            adds = search.BUNDLE if before_swap is not None and search.index_is_current(out) else None
            result.stats = write_output(out, result.files, before_swap, adds)
            written = Changes(result.stats.changed, result.stats.removed)
            result.changes = merge(written, search.BUNDLE, index_changes[0]) if index_changes else written
            if cache is not None:
                cache.save()
            if graph is not None:
                _save_graph(graph, result, out, src / CACHE_DIR)
                pinyin.save_keys(src / CACHE_DIR / PINYIN_FILE)
            if image_cache is not None:
                image_cache.prune()
        except OutputError as exc:
            result.diagnostics.append(error(out, 1, 1, "output", f"无法写入输出目录：{exc}"))
        except search.SearchIndexError as exc:
            result.diagnostics.append(error(out, 1, 1, "search-index", f"无法生成站内搜索索引，输出目录未改动：{exc}"))
    result.diagnostics = sort_diagnostics(result.diagnostics)
    result.seconds = time.perf_counter() - started
    return result


def _data_files(
    site: Site, views: Views, inputs: deps.Inputs, reuse: Reuse | None, graph: dict[str, deps.PageEntry]
) -> dict[str, bytes | Path]:
    """The open-data files; with `reuse`, those whose inputs did not change keep their file."""
    files: dict[str, bytes | Path] = {}
    for route in opendata.DATA_INPUTS:
        if reuse is not None and reuse.previous.reusable(route, reuse.out / route, inputs):
            files[route] = reuse.out / route
            graph[route] = reuse.previous.pages[route]
    made = opendata.data_files(site, views._evaluation, [r for r in opendata.DATA_INPUTS if r not in files])
    for route, data in made.items():
        files[route] = data
        graph[route] = deps.PageEntry(inputs.digests(opendata.DATA_INPUTS[route]))
    return dict(sorted(files.items()))


def _graph_stamp(site: Site, out: Path, include_drafts: bool) -> str:
    """What makes every recorded input moot: sitegen itself, the config, the options, OUT."""
    return deps.stamp(__version__, repr(site.config), include_drafts, str(out.resolve()))


def _save_graph(graph: deps.Graph, result: BuildResult, out: Path, cache_dir: Path) -> None:
    graph.pages = result.graph
    graph.note_written(out, {route: urls.output_file(route) for route in result.graph})
    graph.save(cache_dir)
