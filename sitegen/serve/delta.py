"""What the dev server keeps between saves besides the site: rendered Markdown by text,
diagnostics by file, which records' Markdown and images a save touched, the files published
as they are."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sitegen.diagnostics import Diagnostic
from sitegen.incremental.markdown_cache import MarkdownCache
from sitegen.link.site import Site
from sitegen.load.config import SiteConfig
from sitegen.load.record import Record
from sitegen.render.markdown_stage import MarkdownText, markdown_of
from sitegen.render.theme import publishable
from sitegen.write import search


class Fragments:
    """Rendered Markdown by text, in memory, over the build cache's part (markdown_stage's
    cache protocol): an update renders only the texts that changed."""

    def __init__(self, disk: MarkdownCache | None) -> None:
        self.disk = disk
        self.known: dict[str, str] = {}

    def key(self, text: str) -> str:
        return text

    def get(self, text: str) -> str | None:
        found = self.known.get(text)
        if found is None and self.disk is not None:
            found = self.disk.get(self.disk.key(text))
            if found is not None:
                self.known[text] = found
        return found

    def put(self, text: str, html: str) -> None:
        self.known[text] = html
        if self.disk is not None:
            self.disk.put(self.disk.key(text), html)


def texts_of(site: Site, changed: set[tuple[str, str]]) -> list[MarkdownText]:
    """The Markdown of the records read again that the site shows."""
    found = []
    for kind, key in sorted(changed):
        record = site.records(kind).get(key)
        text = markdown_of(record)[1] if record is not None else ""
        if text:
            found.append(MarkdownText(record, text))
    return found


def by_file(problems: list[Diagnostic], before: dict[str, list[Diagnostic]] | None, touched: set[str]) -> dict[str, list[Diagnostic]]:
    """Diagnostics by file: `problems` over `before` without the files read again (None: all new)."""
    found = {} if before is None else {path: same for path, same in before.items() if path not in touched}
    for problem in problems:
        found.setdefault(problem.path, []).append(problem)
    return found


def shown_images(record: Record | None) -> tuple[str, ...]:
    """The files of static/ a record shows (images.references reads the same fields)."""
    if record is None:
        return ()
    if record.kind == "project":
        return tuple(record.data.images)
    if record.kind == "story":
        return (record.data.cover,) if record.data.cover else ()
    return ()


def same_links(before: Record, after: Record) -> bool:
    """Whether a record read again links as it did: same kind, key, file and data, and every
    line up to its Markdown body unchanged (so every position a diagnostic of the link stage
    names is the same). Only its body differs, or nothing."""
    if (before.kind, before.key, before.source.rel) != (after.kind, after.key, after.source.rel):
        return False
    if before.source.text == after.source.text:
        return True
    if before.kind not in ("story", "page") or before.body_first_line != after.body_first_line:
        return False
    head = before.body_first_line - 1
    return before.source.text.split("\n", head)[:head] == after.source.text.split("\n", head)[:head] and before.data == after.data


def published_files(src: Path, config: SiteConfig, jobs: Mapping[str, Any], variants: Mapping[str, Path | bytes]) -> tuple[dict[str, Path | bytes], list[Diagnostic]]:
    """The files published as they are: image variants and static files (build.render's rules)."""
    files: dict[str, Path | bytes] = dict(variants)
    statics, problems = publishable(src, config.theme, jobs.keys() | files.keys(), search.SearchStep.conflict if config.search else None)
    files.update(statics)
    return files, problems
