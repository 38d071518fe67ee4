"""Parsed records kept between builds (the `records.json` part of the build cache).

Parsing YAML, locating every key and scanning for private numbers is most of what loading a
national ledger costs, and it depends only on the file's text, the config and sitegen's
version (after Astro's glob loader): a file whose text digest is unchanged is
not parsed again, and files that vanished are dropped at the next save. The diagnostics a file
produced are kept with it, so warnings are reported on every build.

What is kept is plain data: each record's fields as JSON, its Markdown body and the first line
of that body. A revived record goes through the same pydantic validation as a file (so a
damaged entry is a miss, never a wrong record), and the positions of its keys are found again
from its text only when a diagnostic asks for one.
"""

from __future__ import annotations

import hashlib
from typing import Any

from pydantic import ValidationError

from sitegen.diagnostics import Diagnostic, Severity
from sitegen.incremental.store import RECORDS, Cache
from sitegen.load.models import MODELS
from sitegen.load.records import FileLoaded, locate, make_record
from sitegen.load.sources import SourceFile
from sitegen.load.yamlsafe import LazyLocator


class RecordCache:
    """`get`/`put` by source file, for `load_records`; `save` writes what this build read."""

    def __init__(self, cache: Cache, context: dict[str, Any], key: str) -> None:
        self.cache = cache
        self.context = context  # the validation context of load_records (config, divisions)
        self.stamp = cache.stamp(RECORDS, key)
        self._old: dict[str, list[Any]] = {}
        self._used: dict[str, list[Any]] = {}
        self.hits = 0
        old = cache.load(RECORDS, self.stamp)
        if isinstance(old, dict):
            self._old = old

    @staticmethod
    def digest(source: SourceFile) -> str:
        return hashlib.blake2b(source.text.encode(), digest_size=16).hexdigest()

    def get(self, source: SourceFile) -> FileLoaded | None:
        entry = self._old.get(source.rel)
        if not isinstance(entry, list) or len(entry) != 2 or entry[0] != self.digest(source):
            return None
        try:
            loaded = _revive(source, entry[1], self.context)
        except (ValidationError, KeyError, TypeError, ValueError):
            return None  # not what this sitegen wrote: parse the file
        self.hits += 1
        self._used[source.rel] = entry
        return loaded

    def put(self, source: SourceFile, loaded: FileLoaded) -> None:
        self._used[source.rel] = [self.digest(source), _kept(loaded)]

    @property
    def changed(self) -> bool:
        return self._used.keys() != self._old.keys() or self.hits != len(self._used)

    def save(self) -> None:
        if self.changed:
            self.cache.save(RECORDS, self.stamp, dict(sorted(self._used.items())))


def _kept(loaded: FileLoaded) -> dict[str, Any]:
    record, problems = loaded
    kept: dict[str, Any] = {"problems": [[d.path, d.line, d.column, d.severity.value, d.code, d.message] for d in problems]}
    if record is not None:
        kept["data"] = record.data.model_dump(mode="json", exclude_unset=True)
        kept["body"] = [record.body, record.body_first_line]
    return kept


def _revive(source: SourceFile, kept: dict[str, Any], context: dict[str, Any]) -> FileLoaded:
    problems = [Diagnostic(str(p), int(line), int(col), Severity(sev), str(code), str(msg)) for p, line, col, sev, code, msg in kept["problems"]]
    if "data" not in kept:
        return None, problems
    data = MODELS[source.kind].model_validate(kept["data"], context=context)
    body, first_line = kept["body"]
    return make_record(source, data, LazyLocator(lambda: locate(source)), str(body), int(first_line)), problems
