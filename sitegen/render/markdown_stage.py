"""Markdown: every record's Markdown (an association's or project's description, a story's or
page's body) rendered once, before any template runs, and handed to the record's view.

Fragments are taken from the build cache when an earlier build rendered the same text for the
same base path; the rest are rendered (in `-j` processes when there are many, same result).
Warnings point at their line and column in the file (`MarkdownText`): for a YAML description
the position of its value is looked up only when a warning needs it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from functools import cached_property
from typing import TYPE_CHECKING

from sitegen.diagnostics import Diagnostic, error
from sitegen.link.recorded import SiteRecord
from sitegen.link.site import Site
from sitegen.pool import fork_map
from sitegen.render.markdown_render import MarkdownRenderer

if TYPE_CHECKING:
    from sitegen.incremental.markdown_cache import MarkdownCache


_IMG_SRC_OFFSITE_RE = re.compile(r'<img\s[^>]*?\bsrc="(?P<url>(?:[a-z][a-z0-9+.-]*:)?//[^"]*)"', re.IGNORECASE)


def external_images(fragment: str) -> list[tuple[str, str]]:
    """(URL, host) of every image in sanitized HTML that would be loaded from another site."""
    found = []
    for m in _IMG_SRC_OFFSITE_RE.finditer(fragment):
        url = html.unescape(m.group("url"))
        host = url.split("//", 1)[1].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0].rsplit("@", 1)[-1].lower()
        found.append((url, host))
    return found


def markdown_of(record: SiteRecord) -> tuple[str, str]:
    """The field that holds a record's Markdown and its text."""
    if record.kind in ("story", "page"):
        return "body", record.body
    return "description", record.data.description or ""


class MarkdownText:
    """A Markdown text the site shows, and where its characters stand in the record's file
    (found from the file's text only when a diagnostic asks)."""

    def __init__(self, record: SiteRecord, text: str) -> None:
        self.record = record
        self.text = text

    @cached_property
    def _place(self) -> tuple[int, int, int]:
        """(file line of the text's first line, indent of its lines, columns before it on its
        first line): a YAML block scalar (`|`, `>`) starts on the next line, indented."""
        record = self.record
        if record.kind in ("story", "page"):
            return record.body_first_line, 0, 0
        line, col = record.position("description")
        lines = record.source.text.split("\n")
        own = lines[line - 1] if line - 1 < len(lines) else ""
        if own[col - 1 : col] in ("|", ">"):
            following = lines[line] if line < len(lines) else ""
            return line + 1, len(following) - len(following.lstrip(" ")), 0
        quoted = own[col - 1 : col] in ("'", '"')
        return line, 0, col - 1 + (1 if quoted else 0)

    @property
    def first_line(self) -> int:
        return self._place[0]

    def column(self, line: int, column: int) -> int:
        """The file's column of (file line, column within the text's line)."""
        first, indent, lead = self._place
        return column + indent + (lead if line == first else 0)

    def located(self, problem: Diagnostic) -> Diagnostic:
        """A diagnostic of the text rendered as if it began on line 1, moved into the file."""
        line = problem.line + self.first_line - 1
        return replace(problem, path=str(self.record.path), line=line, column=self.column(line, problem.column))


def markdown_texts(site: Site) -> Iterator[MarkdownText]:
    """Every Markdown text the site shows — an association's or project's description, a
    story's or page's body — in that order."""
    for kind in ("association", "project", "story", "page"):
        for record in site.records(kind).values() if kind in ("association", "project") else site.records(kind):
            _, text = markdown_of(record)
            if text:
                yield MarkdownText(record, text)


class RenderedMarkdown:
    """The HTML of every record's Markdown, by kind and key."""

    def __init__(self, html: Mapping[tuple[str, str], str]) -> None:
        self._html = dict(html)

    def html(self, record: SiteRecord) -> str:
        markdown_of(record)  # reading the text is reading the record
        return self._html.get((record.kind, record.key), "")

    @property
    def fragments(self) -> Mapping[tuple[str, str], str]:
        """The HTML by (kind, key), for a long-lived process to update after a save."""
        return self._html


def render_markdown(
    site: Site, cache: MarkdownCache | None = None, jobs: int = 1, texts: Iterable[MarkdownText] | None = None
) -> tuple[RenderedMarkdown, list[Diagnostic]]:
    """Render every record's Markdown (or only `texts`), collecting unsafe-HTML warnings. With
    a cache, a text rendered cleanly by an earlier build is taken from it."""
    html: dict[tuple[str, str], str] = {}
    todo: list[tuple[MarkdownText, str]] = []  # (text, cache key)
    chosen = list(markdown_texts(site) if texts is None else texts)
    for found in chosen:
        record = found.record
        key = cache.key(found.text) if cache is not None else ""
        cached = cache.get(key) if cache is not None else None
        if cached is not None:
            html[(record.kind, record.key)] = cached
        else:
            todo.append((found, key))
    renderer = MarkdownRenderer(site.config.base_path)
    rendered = fork_map(lambda found: renderer.render(found.text), [found for found, _ in todo], jobs)
    diagnostics: list[Diagnostic] = []
    for (found, key), (fragment, problems) in zip(todo, rendered, strict=True):
        html[(found.record.kind, found.record.key)] = fragment
        if problems:
            diagnostics += [found.located(d) for d in problems]
        elif cache is not None:
            cache.put(key, fragment)
    allowed = set(site.config.image_hosts)
    for found in chosen:  # cached fragments too: image_hosts may have changed since
        fragment = html.get((found.record.kind, found.record.key), "")
        for url, host in external_images(fragment) if "//" in fragment else ():
            if host not in allowed:
                diagnostics.append(found.located(_external_image(found.text, url, host)))
    return RenderedMarkdown(html), diagnostics


def _external_image(text: str, url: str, host: str) -> Diagnostic:
    """An image from another site, at the line that names it (else the text's first line)."""
    offset = text.find(url)
    if offset < 0:
        offset = text.find(host)
    line = text.count("\n", 0, offset) + 1 if offset >= 0 else 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1 if offset >= 0 else 1
    message = (
        f"图片“{url[:80]}”来自其他网站 {host}：每位读者打开页面都会向它发出请求（可被用来追踪读者），"
        "而且那边改了图本站也跟着变。请把图片下载到 static/ 下改用本站地址；确需引用时，把该域名加入 sitegen.yaml 的 image_hosts"
    )
    return error("", line, column, "external-image", message)
