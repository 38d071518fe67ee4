"""Markdown: every record's Markdown (an association's or project's description, a story's or
page's body) rendered once, before any template runs, and handed to the record's view.

Fragments are taken from the build cache when an earlier build rendered the same text for the
same base path; the rest are rendered (in `-j` processes when there are many, same result).
Unsafe-HTML warnings point at their line in the file: for a YAML description the position of
its value is looked up only when a warning needs it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from sitegen.diagnostics import Diagnostic, Severity
from sitegen.link.recorded import SiteRecord
from sitegen.link.site import Site
from sitegen.render.markdown_render import MarkdownRenderer
from sitegen.render.pool import fork_map

if TYPE_CHECKING:
    from sitegen.incremental.markdown_cache import MarkdownCache


def markdown_of(record: SiteRecord) -> tuple[str, str]:
    """The field that holds a record's Markdown and its text."""
    if record.kind in ("story", "page"):
        return "body", record.body
    return "description", record.data.description or ""


class RenderedMarkdown:
    """The HTML of every record's Markdown, by kind and key."""

    def __init__(self, html: Mapping[tuple[str, str], str]) -> None:
        self._html = dict(html)

    def html(self, record: SiteRecord) -> str:
        markdown_of(record)  # reading the text is reading the record
        return self._html.get((record.kind, record.key), "")


def render_markdown(
    site: Site, cache: MarkdownCache | None = None, jobs: int = 1
) -> tuple[RenderedMarkdown, list[Diagnostic]]:
    """Render every record's Markdown, collecting unsafe-HTML warnings. With a cache, a text
    rendered cleanly by an earlier build is taken from it."""
    html: dict[tuple[str, str], str] = {}
    todo: list[tuple[SiteRecord, str, str]] = []  # (record, cache key, text)
    for kind in ("association", "project", "story", "page"):
        for record in site.records(kind).values() if kind in ("association", "project") else site.records(kind):
            _, text = markdown_of(record)
            if not text:
                continue
            key = cache.key(text) if cache is not None else ""
            cached = cache.get(key) if cache is not None else None
            if cached is not None:
                html[(record.kind, record.key)] = cached
            else:
                todo.append((record, key, text))
    renderer = MarkdownRenderer(site.config.base_path)
    rendered = fork_map(lambda text: renderer.render(text), [text for _, _, text in todo], jobs)
    diagnostics: list[Diagnostic] = []
    for (record, key, _), (fragment, problems) in zip(todo, rendered, strict=True):
        html[(record.kind, record.key)] = fragment
        if problems:
            diagnostics += _located(record, problems)
        elif cache is not None:
            cache.put(key, fragment)
    return RenderedMarkdown(html), diagnostics


def _located(record: SiteRecord, problems: list[Diagnostic]) -> list[Diagnostic]:
    """Warnings of a text rendered as if it began on line 1, moved to the file's lines."""
    shift = _first_line(record) - 1
    path = str(record.path)
    return [Diagnostic(path, d.line + shift, d.column, Severity(d.severity), d.code, d.message) for d in problems]


def _first_line(record: SiteRecord) -> int:
    """The line of the Markdown's first character: the body's, or for a YAML string the line
    of its value (the next line for block scalars, `|` and `>`)."""
    if record.kind in ("story", "page"):
        return record.body_first_line
    line, col = record.position("description")
    lines = record.source.text.split("\n")
    if line - 1 < len(lines) and lines[line - 1][col - 1 : col] in ("|", ">"):
        return line + 1
    return line
