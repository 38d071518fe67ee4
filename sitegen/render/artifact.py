"""What rendering hands the writer: one output file per `Artifact`.

An artifact is a route of the site (`stories/x/`, `data/projects.json`, `img/a.png`), the
content of its file, and the inputs it was made from (what an incremental build checks before
making it again). The writer turns routes into files and refuses a route given twice.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeAlias

from sitegen.link import urls
from sitegen.link.inputs import Input


class Deflated:
    """Bytes kept compressed until written: a national site's pages are hundreds of MiB of
    HTML that would otherwise all sit in memory between rendering and writing."""

    __slots__ = ("blob",)

    def __init__(self, data: bytes) -> None:
        self.blob = zlib.compress(data, 1)

    def data(self) -> bytes:
        return zlib.decompress(self.blob)


# bytes to write (maybe compressed), or a file to copy (a static file, a cached image variant,
# or the previous build's file of a page that did not change)
Content: TypeAlias = bytes | Path | Deflated


@dataclass(frozen=True)
class Artifact:
    route: str  # site-relative, no base path: "" (home), "stories/x/", "data/projects.json"
    content: Content
    # what it was made from, as recorded while it was made (empty: not recorded, always made)
    inputs: frozenset[Input] = field(default=frozenset(), compare=False)

    @property
    def file(self) -> str:
        """The output file's path relative to OUT (`stories/x/index.html`)."""
        return urls.output_file(self.route)

    @property
    def is_page(self) -> bool:
        return self.file.endswith(".html")


class DuplicateRoute(ValueError):
    """Two artifacts for one output file: a bug, or a site file shadowing a generated one."""

    def __init__(self, file: str) -> None:
        super().__init__(f"output file {file!r} was given twice")
        self.file = file
