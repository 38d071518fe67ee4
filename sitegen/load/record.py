"""One validated content record and where it came from (what load hands link)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sitegen.load.sources import SourceFile
from sitegen.load.yamlsafe import Locator


@dataclass(frozen=True)
class Record:
    """One validated content record and where it came from."""

    kind: str
    key: str  # region code for associations, file slug otherwise
    source: SourceFile
    data: Any  # the kind's model: Association | Project | Story | Page
    locator: Locator
    body: str = ""
    body_first_line: int = 1

    @property
    def path(self) -> Path:
        return self.source.path

    @property
    def draft(self) -> bool:
        return bool(getattr(self.data, "draft", False))

    def position(self, *loc: str | int) -> tuple[int, int]:
        return self.locator.value(tuple(loc))
