"""The values the dev server's resident site is made of: one file as read, one linked site with
its plan (a generation), a page kept with the fingerprints of what it read, an outcome."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.diagnostics import Diagnostic, has_errors
from sitegen.link.inputs import Fingerprints, Input
from sitegen.link.site import Site
from sitegen.load.record import Record
from sitegen.load.sources import KINDS
from sitegen.render.artifact import Deflated
from sitegen.render.pages import Job, make
from sitegen.render.templates import PageRenderer
from sitegen.render.views import Views

KIND_ORDER = {kind: index for index, kind in enumerate(KINDS)}


@dataclass
class FileState:
    """One content file as last read: its record (None if it failed), problems, failed keys."""

    record: Record | None
    problems: list[Diagnostic]
    claimed: set[tuple[str, str]] = field(default_factory=set)
    order: tuple[int, str] = (0, "")  # discover's order: by kind, then path

    def __post_init__(self) -> None:
        if self.record is not None:
            self.order = (KIND_ORDER[self.record.kind], self.record.source.rel)


@dataclass
class Generation:
    """One linked site and everything needed to render any of its outputs."""

    number: int
    site: Site
    views: Views
    renderer: PageRenderer
    fingerprints: Fingerprints
    jobs: dict[str, Job]  # output file (`stories/a/index.html`) -> how to make it
    files: dict[str, Path | bytes]  # static files and image variants, by output file
    pages: int


@dataclass
class Kept:
    """A rendered output and the fingerprint of every input it read, on its generation."""

    body: bytes
    inputs: dict[Input, str | None]
    generation: int  # the generation on which the fingerprints were last found the same


@dataclass
class Outcome:
    """What a start or an update did, for the terminal and the open pages."""

    diagnostics: list[Diagnostic]
    pages: int = 0
    dropped: int = 0  # kept pages whose inputs changed
    seconds: float = 0.0
    full: bool = False  # the whole site was loaded again (start, config edits)

    @property
    def ok(self) -> bool:
        return not has_errors(self.diagnostics)


class Outputs(Mapping[str, bytes | Path]):
    """The site's output files for the link check: names known, pages rendered when read."""

    def __init__(self, generation: Generation) -> None:
        self.generation = generation

    def __contains__(self, file: object) -> bool:
        return file in self.generation.jobs or file in self.generation.files

    def __getitem__(self, file: str) -> bytes | Path:
        if file in self.generation.files:
            return self.generation.files[file]
        output, _ = make(self.generation.renderer, self.generation.jobs[file])
        if isinstance(output, Diagnostic):
            return b""
        return output.data() if isinstance(output, Deflated) else output

    def __iter__(self) -> Iterator[str]:
        yield from self.generation.jobs
        yield from self.generation.files

    def __len__(self) -> int:
        return len(self.generation.jobs) + len(self.generation.files)

