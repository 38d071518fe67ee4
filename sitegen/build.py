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

from . import opendata, search
from .cache import MarkdownCache
from .diagnostics import Diagnostic, error, has_errors, sort_diagnostics
from .divisions import load_divisions
from .link import Site, link
from .load import load_config, load_records
from .pages import render_pages
from .render import render_markdown, static_files
from .views import Views
from .writer import OutputError, WriteStats, write_output

# progress(stage, done, total): the build reports each stage as it starts (done = total = 0)
# and, while rendering pages, each page done. The CLI draws it; the build knows no terminal.
Progress = Callable[[str, int, int], None]

STAGE_LOAD = "读取内容"
STAGE_RENDER = "渲染页面"
STAGE_WRITE = "写入输出"
STAGE_SEARCH = "建立搜索索引"


def _silent(stage: str, done: int, total: int) -> None:
    pass


@dataclass
class BuildResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    site: Site | None = None
    files: dict[str, bytes | Path] = field(default_factory=dict)
    pages: int = 0
    stats: WriteStats | None = None
    search_index: search.IndexResult | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not has_errors(self.diagnostics)


def analyse(
    src: Path, base_url: str | None = None, include_drafts: bool = False, as_of: date | None = None
) -> BuildResult:
    """Load, validate and link the site; no rendering, nothing written."""
    result = BuildResult()
    config, problems = load_config(src)
    result.diagnostics += problems
    if config is None:
        return result
    if base_url:
        config = config.with_base_url(base_url)
    divisions = load_divisions()
    records, problems = load_records(src, config, divisions)
    result.diagnostics += problems
    site, problems = link(src, config, divisions, records, include_drafts, as_of)
    result.diagnostics += problems
    result.site = site
    return result


def render(
    result: BuildResult, progress: Progress | None = None, jobs: int = 1, cache: MarkdownCache | None = None
) -> BuildResult:
    """Render every page and data file in memory, and check routes do not collide.

    `jobs` > 1 renders the pages in that many processes; the output is the same.
    """
    site = result.site
    assert site is not None
    progress = progress or _silent
    progress(STAGE_RENDER, 0, 0)
    html, problems = render_markdown(site, cache)
    result.diagnostics += problems
    views = Views(site, html)
    pages, problems = render_pages(site, views, lambda done, total: progress(STAGE_RENDER, done, total), jobs)
    result.diagnostics += problems
    result.pages = sum(1 for route in pages if route.endswith(".html"))
    generated: dict[str, bytes | Path] = {**pages, **opendata.data_files(site, views.evaluation)}
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
    result.files = generated
    return result


def _search_owns(route: str) -> bool:
    """Routes the search indexer writes or reads as its configuration."""
    return route.split("/", 1)[0] == search.BUNDLE or route in search.CONFIG_FILES


def check(src: Path, include_drafts: bool = True) -> BuildResult:
    """Validate everything, rendering included (templates can fail too); write nothing."""
    result = analyse(src, include_drafts=include_drafts)
    if result.site is not None and not has_errors(result.diagnostics):
        render(result)
    result.diagnostics = sort_diagnostics(result.diagnostics)
    return result


def build(
    src: Path,
    out: Path,
    base_url: str | None = None,
    include_drafts: bool = False,
    progress: Progress | None = None,
    jobs: int = 1,
) -> BuildResult:
    started = time.perf_counter()
    progress = progress or _silent
    progress(STAGE_LOAD, 0, 0)
    result = analyse(src, base_url, include_drafts)
    cache = None
    if result.site is not None and not has_errors(result.diagnostics):
        cache = MarkdownCache(src, result.site.config)
        render(result, progress, jobs, cache)
    if not has_errors(result.diagnostics):
        progress(STAGE_WRITE, 0, 0)
        before_swap = None
        if result.site is not None and result.site.config.search:

            def before_swap(staged: Path, previous: Path) -> None:
                progress(STAGE_SEARCH, 0, 0)
                result.search_index = search.index_site(staged, previous if previous.is_dir() else None)

        try:
            result.stats = write_output(out, result.files, before_swap)
            if cache is not None:
                cache.save()
        except OutputError as exc:
            result.diagnostics.append(error(out, 1, 1, "output", f"无法写入输出目录：{exc}"))
        except search.SearchIndexError as exc:
            result.diagnostics.append(error(out, 1, 1, "search-index", f"无法生成站内搜索索引，输出目录未改动：{exc}"))
    result.diagnostics = sort_diagnostics(result.diagnostics)
    result.seconds = time.perf_counter() - started
    return result
