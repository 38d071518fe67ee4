"""Render: every page of the site from Jinja2 templates and view objects.

Template lookup goes file by file: SRC/templates → SRC/themes/<theme>/templates → the packaged
default theme. Templates autoescape and run with StrictUndefined; a template mistake becomes a
diagnostic naming the template file and line, never a traceback.
"""

from __future__ import annotations

import math
import multiprocessing
import re
import traceback
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from sitegen import __version__
from sitegen.diagnostics import Diagnostic, error
from sitegen.domain import coverage, placenames
from sitegen.link import urls
from sitegen.link.site import Site
from sitegen.load.records import Record
from sitegen.render import filters
from sitegen.render.markdown_render import MarkdownRenderer
from sitegen.render.views import Views
from sitegen.write import search

if TYPE_CHECKING:
    from sitegen.incremental.cache import MarkdownCache

# In a checkout `sitegen/theme` is a symlink to the repository's themes/default; building a
# wheel copies the files behind it, so an installed sitegen carries the default theme too.
PACKAGED_THEME = Path(__file__).resolve().parent.parent / "theme"


def packaged_theme() -> Path:
    return PACKAGED_THEME


def theme_roots(src: Path, theme: str) -> list[Path]:
    roots = [src / "themes" / theme]
    if theme == "default":
        roots.append(packaged_theme())
    return roots


def template_dirs(src: Path, theme: str) -> list[Path]:
    return [src / "templates"] + [root / "templates" for root in theme_roots(src, theme)]


def static_files(src: Path, theme: str) -> tuple[dict[str, Path], list[Diagnostic]]:
    """Route -> file of every static file; the site's static/ wins over the theme's.

    Symbolic links that lead out of their static folder are refused: a public repository
    must not be able to publish files from the build machine.
    """
    files: dict[str, Path] = {}
    problems: list[Diagnostic] = []
    for root in [*reversed([r / "static" for r in theme_roots(src, theme)]), src / "static"]:
        if not root.is_dir():
            continue
        real_root = root.resolve()
        for path in sorted(root.rglob("*")):
            rel = path.relative_to(root)
            if not path.is_file() or any(part.startswith(".") for part in rel.parts):
                continue
            if not path.resolve().is_relative_to(real_root):
                problems.append(error(path, 1, 1, "missing-file", "这是指向 static/ 之外的符号链接，不会被发布；请把文件本身放进 static/"))
                continue
            files[rel.as_posix()] = path
    return files, problems


# (text, path, first line) of one Markdown text to render
MarkdownJob = tuple[str, str, int]

# Below this many texts to render, starting processes costs more than it saves.
_PARALLEL_MIN_TEXTS = 200


def render_markdown(
    site: Site, cache: MarkdownCache | None = None, jobs: int = 1
) -> tuple[dict[tuple[str, str, str], str], list[Diagnostic]]:
    """Render every Markdown field and body once, collecting unsafe-HTML warnings.

    With a cache, a text rendered cleanly by an earlier build is taken from it. With `jobs` > 1
    the texts not in the cache are rendered in that many processes (same result)."""
    html: dict[tuple[str, str, str], str] = {}
    diagnostics: list[Diagnostic] = []
    todo: list[tuple[tuple[str, str, str], str, MarkdownText, MarkdownJob]] = []  # (where, cache key, text, job)
    for found in markdown_texts(site):
        record = found.record
        field = "body" if record.kind in ("story", "page") else "description"
        key = cache.key(found.text) if cache is not None else ""
        cached = cache.get(key) if cache is not None else None
        if cached is not None:
            html[(record.kind, record.key, field)] = cached
        else:
            todo.append(((record.kind, record.key, field), key, found, (found.text, str(record.path), found.first_line)))
    rendered = _render_texts(site.config.base_path, [job for *_, job in todo], jobs)
    for (where, key, found, _), (fragment, problems) in zip(todo, rendered, strict=True):
        html[where] = fragment
        diagnostics += [replace(d, column=found.column(d.line, d.column)) for d in problems]
        if cache is not None and not problems:
            cache.put(key, fragment)
    return html, diagnostics


@dataclass(frozen=True)
class MarkdownText:
    """A Markdown text the site shows, and where its characters stand in the record's file."""

    record: Record
    text: str
    first_line: int  # the file's line of the text's first line
    indent: int = 0  # columns a YAML block scalar's lines are indented by
    lead: int = 0  # columns before the text on its first line (`description: 文字`)

    def column(self, line: int, column: int) -> int:
        """The file's column of (file line, column within the text's line)."""
        return column + self.indent + (self.lead if line == self.first_line else 0)


def markdown_texts(site: Site) -> Iterator[MarkdownText]:
    """Every Markdown text the site shows — a story's or page's body, an association's or
    project's description — with where it stands in its file."""
    records: list[Record] = [*site.associations.values(), *site.projects.values(), *site.stories, *site.pages]
    for record in records:
        if record.kind in ("story", "page"):
            if record.body:
                yield MarkdownText(record, record.body, record.body_first_line)
        elif record.data.description:
            yield _description(record, record.data.description)


def _description(record: Record, text: str) -> MarkdownText:
    """A YAML string's text: a block scalar (`|`, `>`) starts on the next line, indented."""
    line, col = record.position("description")
    lines = record.source.text.split("\n")
    own = lines[line - 1] if line - 1 < len(lines) else ""
    if own[col - 1 : col] in ("|", ">"):
        following = lines[line] if line < len(lines) else ""
        return MarkdownText(record, text, line + 1, indent=len(following) - len(following.lstrip(" ")))
    quoted = own[col - 1 : col] in ("'", '"')
    return MarkdownText(record, text, line, lead=col - 1 + (1 if quoted else 0))


def _render_texts(base_path: str, texts: list[MarkdownJob], jobs: int) -> list[tuple[str, list[Diagnostic]]]:
    if jobs <= 1 or len(texts) < _PARALLEL_MIN_TEXTS:
        return _render_chunk(base_path, texts)
    try:
        context = multiprocessing.get_context("fork")
    except ValueError:  # no fork on this platform
        return _render_chunk(base_path, texts)
    size = -(-len(texts) // (jobs * 4))
    chunks = [texts[start : start + size] for start in range(0, len(texts), size)]
    with ProcessPoolExecutor(jobs, mp_context=context) as pool:
        return [item for done in pool.map(_render_chunk, [base_path] * len(chunks), chunks) for item in done]


def _render_chunk(base_path: str, texts: list[MarkdownJob]) -> list[tuple[str, list[Diagnostic]]]:
    renderer = MarkdownRenderer(base_path)
    return [renderer.render(text, path, first_line) for text, path, first_line in texts]


@dataclass(frozen=True)
class Pagination:
    number: int
    total: int
    items: list[Any]
    urls: list[str]  # href of every page, 1-based order

    @property
    def prev_url(self) -> str | None:
        return self.urls[self.number - 2] if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.urls[self.number] if self.number < self.total else None


def paginate(items: list[Any], per_page: int, route_of, base_path: str) -> list[tuple[str, Pagination]]:
    """Split `items` into pages; returns each page's route with its Pagination (hrefs)."""
    total = max(1, math.ceil(len(items) / per_page))
    routes = [route_of(n) for n in range(1, total + 1)]
    hrefs = [urls.href(base_path, route) for route in routes]
    return [
        (routes[n - 1], Pagination(n, total, items[(n - 1) * per_page : n * per_page], hrefs))
        for n in range(1, total + 1)
    ]


def cn_date(value: date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def association_names(a: Any) -> list[str]:
    """The names site search knows an association view by (its name, place name, short name …)."""
    place = a.division.name if a.division is not None else None
    return placenames.association_names(a.name, place, [crumb.name for crumb in a.breadcrumbs])


@dataclass(frozen=True)
class PhonePart:
    """A piece of a phone field: a number with its tel: URI, or the text between numbers."""

    text: str
    uri: str | None = None


_PHONE = re.compile(r"[+(（]?\d[\d\s()（）-]{3,}\d(?:\s*(?:转|分机|ext\.?)\s*\d+)?", re.I)


def phone_numbers(text: str) -> list[PhonePart]:
    """`0571-8705 1325 转 8001、0571-87051326` → two numbers with tel: URIs (RFC 3966: digits,
    an extension as ;ext=) and the 、 between them as text."""
    parts, start = [], 0
    for match in _PHONE.finditer(text):
        if match.start() > start:
            parts.append(PhonePart(text[start : match.start()]))
        number, _, extension = (re.split(r"(转|分机|ext\.?)", match.group(0), maxsplit=1, flags=re.I) + ["", ""])[:3]
        digits = re.sub(r"[^\d+]", "", number)
        uri = f"tel:{digits}" + (f";ext={re.sub(r'[^0-9]', '', extension)}" if extension.strip() else "")
        parts.append(PhonePart(match.group(0), uri))
        start = match.end()
    if start < len(text):
        parts.append(PhonePart(text[start:]))
    return parts


def number(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


class TemplateProblem(Exception):
    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


class PageRenderer:
    """Jinja2 environment with the site's globals; renders one route at a time."""

    def __init__(self, site: Site, views: Views, bytecode_dir: Path | None = None) -> None:
        """`bytecode_dir`: where compiled templates are kept between builds (keyed by their
        source's checksum), so a rebuild does not compile every template again."""
        self.site = site
        self.views = views
        self.dirs = [d for d in template_dirs(site.src, site.config.theme) if d.is_dir()]
        bytecode_cache = None
        if bytecode_dir is not None:
            try:
                bytecode_dir.mkdir(parents=True, exist_ok=True)
                bytecode_cache = jinja2.FileSystemBytecodeCache(str(bytecode_dir))
            except OSError:
                pass  # no cache: compile as usual
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(self.dirs),
            bytecode_cache=bytecode_cache,
            autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.filters.update(
            cn_date=cn_date, number=number, phone_numbers=phone_numbers, name_keys=search.name_keys, association_names=association_names
        )
        base = site.config.base_path
        self.env.globals.update(
            site=site.config,
            views=views,
            as_of=site.as_of,
            generator=f"sitegen {__version__}",
            url=lambda route: base + route,
            absolute=lambda route: site.config.base_url + route,
            percent=coverage.percent,
            urls=urls,
            menu=views.menu,
            brands=views.brands,
            filters=filters,
        )

    def render(self, template: str, route: str, **context: Any) -> bytes:
        try:
            text = self.env.get_template(template).render(route=route, **context)
        except jinja2.TemplateSyntaxError as exc:
            path = exc.filename or template
            raise TemplateProblem(error(path, exc.lineno or 1, 1, "template", f"模板语法错误：{exc.message}")) from None
        except Exception as exc:  # any template runtime failure becomes a located diagnostic
            path, line = self._template_frame(exc, template)
            raise TemplateProblem(error(path, line, 1, "template", f"渲染 /{route} 时模板出错：{exc}")) from None
        return text.encode("utf-8")

    def _template_frame(self, exc: Exception, template: str) -> tuple[str, int]:
        roots = [str(d) for d in self.dirs]
        for frame in reversed(traceback.extract_tb(exc.__traceback__)):
            if any(frame.filename.startswith(r) for r in roots):
                return frame.filename, frame.lineno or 1
        return template, 1
