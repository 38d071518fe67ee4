"""What the dev server keeps between saves besides the site: rendered Markdown by text,
diagnostics by file, and which records' Markdown and images a save touched."""

from __future__ import annotations

from sitegen.diagnostics import Diagnostic
from sitegen.incremental.markdown_cache import MarkdownCache
from sitegen.link.site import Site
from sitegen.load.record import Record
from sitegen.render.markdown_stage import MarkdownText, markdown_of


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
