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

from sitegen.diagnostics import Diagnostic, error, has_errors, sort_diagnostics, warning
from sitegen.domain import pinyin
from sitegen.domain.divisions import load_divisions
from sitegen.incremental.graph import Graph
from sitegen.incremental.markdown_cache import MarkdownCache
from sitegen.incremental.record_cache import RecordCache
from sitegen.incremental.store import CACHE_DIR, PINYIN, Cache, ImageStore, code_digest
from sitegen.link.inputs import Fingerprints, digest
from sitegen.link.site import Site, link
from sitegen.load.records import config_problems, load_config, load_records
from sitegen.render import images
from sitegen.render.artifact import Artifact, DuplicateRoute
from sitegen.render.linkcheck import check_links
from sitegen.render.markdown_stage import render_markdown
from sitegen.render.pages import Reuse, render_pages
from sitegen.render.theme import static_files
from sitegen.render.views import Views
from sitegen.write import search
from sitegen.write.changes import Changes, merge, tree_diff
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
class BuildResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    site: Site | None = None
    files: list[Artifact] = field(default_factory=list)
    pages: int = 0
    reused: int = 0  # pages not rendered again: their inputs had not changed
    graph: Graph | None = None  # what every output read (after a build that wrote)
    fingerprints: Fingerprints | None = None  # of the inputs of the site rendered
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
) -> BuildResult:
    """Load, validate and link the site; no rendering, nothing written (with `cache`, parsed
    records and pinyin sort keys are taken from it and saved into it)."""
    result = BuildResult()
    config, problems = load_config(src)
    result.diagnostics += problems
    if config is None:
        return result
    if base_url:
        config = config.with_base_url(base_url)
    result.diagnostics += config_problems(src, config)
    divisions = load_divisions()
    context = {"config": config, "divisions": divisions}
    record_cache = RecordCache(cache, context, f"{config!r}\0{src.resolve()}") if cache else None
    loaded = load_records(src, config, divisions, record_cache)
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
    result: BuildResult,
    progress: Progress | None = None,
    jobs: int = 1,
    cache: MarkdownCache | None = None,
    reuse: Reuse | None = None,
    image_cache: ImageStore | None = None,
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
    markdown, problems = render_markdown(site, cache, jobs)
    result.diagnostics += problems
    views = Views(site, markdown, image_set)
    pages = render_pages(site, views, lambda done, total: progress(STAGE_RENDER, done, total), jobs, reuse)
    result.diagnostics += pages.diagnostics
    result.pages = sum(1 for artifact in pages.files if artifact.is_page)
    result.reused = pages.reused
    result.fingerprints = pages.fingerprints
    generated = [*pages.files, *(Artifact(route, content) for route, content in image_set.files.items())]
    taken = {artifact.file for artifact in generated}
    statics, problems = static_files(site.src, site.config.theme)
    result.diagnostics += problems
    for route, path in statics.items():
        if route in taken:
            result.diagnostics.append(
                error(path, 1, 1, "route-conflict", f"静态文件会覆盖网站生成的 /{route}，请改名或移到其他目录")
            )
        elif site.config.search and _search_owns(route):
            result.diagnostics.append(
                error(path, 1, 1, "route-conflict", f"静态文件 /{route} 与站内搜索的索引（/{search.BUNDLE}/）冲突，请改名或移到其他目录")
            )
        else:
            generated.append(Artifact(route, path))
    result.diagnostics += check_links(site, {artifact.file: artifact.content for artifact in generated})
    result.files = generated
    return result


def _search_owns(route: str) -> bool:
    """Routes the search indexer writes or reads as its configuration."""
    return route.split("/", 1)[0] == search.BUNDLE or route in search.CONFIG_FILES


def check(src: Path, include_drafts: bool = True) -> BuildResult:
    """Validate everything, rendering included (templates can fail too); write nothing."""
    result = analyse(src, include_drafts=include_drafts)
    if result.site is not None and not has_errors(result.diagnostics):
        render(result, image_cache=Cache(src, readonly=True).images)
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
    store = Cache(src)
    result = analyse(src, base_url, include_drafts, cache=store)
    if store.distrust is not None:
        result.diagnostics.append(warning(store.root, 1, 1, "cache", f"{store.distrust}，本次构建没有读写它（构建照常，只是不能沿用上次的结果）；请执行 git rm -r --cached {CACHE_DIR} 并把它写进 .gitignore，或删除该目录"))
    cache = graph = None
    if result.site is not None and not has_errors(result.diagnostics):
        cache = MarkdownCache(store, result.site.config.base_path)
        graph = Graph.load(store, digest(code_digest(), include_drafts, str(out.resolve())))
        result.image_cache = store.images
        render(result, progress, jobs, cache, Reuse(graph, out.resolve()), store.images)
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
            if graph is not None and result.fingerprints is not None:
                result.graph = graph.rebuilt(((a.route, a.inputs) for a in result.files), result.fingerprints)
                result.graph.note_written(out)
                result.graph.save(store)
                store.prune()
        except DuplicateRoute as exc:
            result.diagnostics.append(error(out, 1, 1, "route-conflict", f"两个文件都要写到输出的 /{exc.file}，请改名其中一个"))
        except OutputError as exc:
            result.diagnostics.append(error(out, 1, 1, "output", f"无法写入输出目录：{exc}"))
        except search.SearchIndexError as exc:
            result.diagnostics.append(error(out, 1, 1, "search-index", f"无法生成站内搜索索引，输出目录未改动：{exc}"))
    result.diagnostics = sort_diagnostics(result.diagnostics)
    result.seconds = time.perf_counter() - started
    return result
