"""Parsed records kept between builds in SRC/.sitegen-cache/records.pickle.

Parsing YAML, validating it and scanning it for private numbers is most of what loading a
national ledger costs, and it depends only on the file's text, the config and sitegen's
version (after Astro's glob loader): a file whose text digest is unchanged
is not parsed again, and records of files that vanished are dropped at the next save. The
diagnostics a file produced are kept with it, so warnings are reported on every build.
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen import __version__
from sitegen.incremental.atomic import write_atomically

if TYPE_CHECKING:
    from sitegen.diagnostics import Diagnostic
    from sitegen.load.records import Record
    from sitegen.load.sources import SourceFile

FILE_NAME = "records.pickle"
FORMAT = 1

Loaded = tuple["Record | None", "list[Diagnostic]"]


class RecordCache:
    def __init__(self, cache_dir: Path, stamp: str) -> None:
        self.path = cache_dir / FILE_NAME
        self.stamp = hashlib.sha256(f"sitegen {__version__} records {FORMAT}\0{stamp}".encode()).hexdigest()
        self._old: dict[str, tuple[str, Loaded]] = {}
        self._used: dict[str, tuple[str, Loaded]] = {}
        self.hits = 0
        try:
            with open(self.path, "rb") as handle:
                data = pickle.load(handle)
            if isinstance(data, dict) and data.get("stamp") == self.stamp:
                self._old = data["records"]
        except Exception:  # no cache yet, unreadable or from another sitegen: parse everything
            pass

    @staticmethod
    def digest(source: SourceFile) -> str:
        return hashlib.blake2b(source.text.encode(), digest_size=16).hexdigest()

    def get(self, source: SourceFile) -> Loaded | None:
        entry = self._old.get(source.rel)
        digest = self.digest(source)
        if entry is None or entry[0] != digest:
            return None
        record, problems = entry[1]
        if record is not None:
            record = replace(record, source=source)  # the file as read now (same text)
        self.hits += 1
        self._used[source.rel] = entry
        return record, list(problems)

    def put(self, source: SourceFile, loaded: Loaded) -> None:
        record, problems = loaded
        if record is not None:
            record = replace(record, source=None)  # the text is the file's: keep it once
        self._used[source.rel] = (self.digest(source), (record, problems))

    @property
    def changed(self) -> bool:
        return self._used.keys() != self._old.keys() or self.hits != len(self._used)

    def save(self) -> None:
        """Write the records this build read, atomically; a failure only costs speed."""
        if not self.changed:
            return
        with contextlib.suppress(OSError, pickle.PicklingError):
            data = pickle.dumps({"stamp": self.stamp, "records": self._used}, protocol=pickle.HIGHEST_PROTOCOL)
            write_atomically(self.path, data)
