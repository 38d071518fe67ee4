"""What every output file read, and the file it became (the `graph.json` part of the cache).

Taken from Lektor's build state: while an output is made, the inputs it reads
are recorded (link/inputs.py); the graph keeps `{route: inputs}` with each input's fingerprint
as it was, and the size and mtime of the file written. The next build fingerprints the same
inputs on the new site and keeps an output's file only when every fingerprint matches and the
file in OUT is still the one written (content digests decide; size and mtime only tell that
the file was not touched since).

The graph is stamped with what makes every recorded fingerprint moot: sitegen's code, the
`--drafts` option and OUT. A long-lived process (the dev server) can keep a graph in memory,
ask which routes read an input that changed (`readers`), or which routes are stale on a site
(`stale`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sitegen.incremental.store import GRAPH, Cache
from sitegen.link import urls
from sitegen.link.inputs import Fingerprints, Input


@dataclass
class Entry:
    inputs: frozenset[Input]
    size: int = -1  # the output file as written, to tell it was not touched since
    mtime_ns: int = -1
    at: list[int] | None = None  # the inputs as saved: their places in the graph's `order`


class Graph:
    """The outputs of one build: what each read (with fingerprints), and its file in OUT."""

    def __init__(self, stamp: str) -> None:
        self.stamp = stamp
        self.entries: dict[str, Entry] = {}
        self.known: dict[Input, str] = {}  # fingerprint of every input, as the outputs read it
        self.reads: dict[Input, frozenset[Input]] = {}  # derived value -> what computing it read
        self.order: list[Input | None] = []  # the inputs in the order saved (None: not this sitegen's)
        self._changed: set[Input] = set()
        self._changed_on: Fingerprints | None = None

    @classmethod
    def load(cls, cache: Cache, key: str) -> Graph:
        graph = cls(cache.stamp(GRAPH, key))
        data = cache.load(GRAPH, graph.stamp)
        if isinstance(data, dict):
            try:
                graph._read(data)
            except (TypeError, ValueError, KeyError, IndexError):
                graph.entries.clear()  # not what this sitegen wrote: everything is made again
        return graph

    def _read(self, data: dict) -> None:
        inputs = [Input.from_json(item) for item in data["inputs"]]
        fingerprints = [str(fp) for fp in data["fingerprints"]]
        for item, fp in zip(inputs, fingerprints, strict=True):
            if item is not None and fp:  # "": an input no output read any more
                self.known[item] = fp
        self.order = inputs
        for at, indexes in data.get("reads", {}).items():
            item, read = inputs[int(at)], [inputs[i] for i in indexes]
            if item is not None and all(r is not None for r in read):
                self.reads[item] = frozenset(read)  # type: ignore[arg-type]
        for route, (size, mtime_ns, indexes) in data["outputs"].items():
            read = [inputs[i] for i in indexes]
            if all(item is not None and item in self.known for item in read):  # else: remake
                self.entries[str(route)] = Entry(frozenset(read), int(size), int(mtime_ns), indexes)  # type: ignore[arg-type]

    # --- asking -------------------------------------------------------------------------------

    def changed(self, fingerprints: Fingerprints) -> set[Input]:
        """The recorded inputs whose fingerprint on the site of `fingerprints` is another, each
        fingerprinted once. (Asking per output and input cost 7 s of a national story edit:
        35,000 outputs read 1.4 million inputs; a set test per output costs almost nothing.)"""
        if self._changed_on is not fingerprints:
            self._changed = {item for item, value in self.known.items() if fingerprints(item) != value}
            self._changed_on = fingerprints
        return self._changed

    def kept(self, route: str, out: Path, fingerprints: Fingerprints) -> Entry | None:
        """The previous output of `route` if it is still right: same inputs, file untouched."""
        entry = self.entries.get(route)
        if entry is None or not entry.inputs.isdisjoint(self.changed(fingerprints)):  # every entry's inputs are in `known`
            return None
        try:
            st = os.stat(out / urls.output_file(route))
        except OSError:
            return None
        return entry if st.st_size == entry.size and st.st_mtime_ns == entry.mtime_ns else None

    def readers(self, item: Input) -> set[str]:
        """The routes whose output read `item`."""
        return {route for route, entry in self.entries.items() if item in entry.inputs}

    def stale(self, fingerprints: Fingerprints) -> set[str]:
        """The routes with an input whose fingerprint changed on the site of `fingerprints`."""
        changed = self.changed(fingerprints)
        return {route for route, entry in self.entries.items() if not entry.inputs.isdisjoint(changed)}

    # --- recording a build --------------------------------------------------------------------

    def rebuilt(self, outputs: Iterable[tuple[str, frozenset[Input]]], fingerprints: Fingerprints) -> Graph:
        """The graph of a build that made (or kept) these outputs, fingerprinted on its site."""
        graph = Graph(self.stamp)
        graph.order = self.order
        known, failed, before = graph.known, set(), self.entries
        for route, inputs in outputs:
            if not inputs:
                continue  # made without recording: never kept
            for item in [item for item in inputs if item not in known]:
                value = fingerprints(item)
                if value is None:
                    failed.add(item)  # cannot be fingerprinted: remake what read it next time
                else:
                    known[item] = value
            if failed.isdisjoint(inputs):
                old = before.get(route)
                graph.entries[route] = Entry(inputs, at=old.at if old is not None and old.inputs is inputs else None)
        graph._keep_reads(fingerprints)
        return graph

    def _keep_reads(self, fingerprints: Fingerprints) -> None:
        """Keep what each recorded derived value read, with those inputs' fingerprints (they
        decide next time whether the value must be computed again); a value whose reads are
        unknown or cannot all be fingerprinted is simply computed again."""
        todo = [item for item in self.known if item in fingerprints.reads]
        while todo:
            item = todo.pop()
            reads = fingerprints.reads[item]
            values = {read: fingerprints(read) for read in reads if read not in self.known}
            if any(value is None for value in values.values()):
                continue
            self.reads[item] = reads
            for read, value in values.items():
                self.known[read] = value  # type: ignore[assignment]
                if read in fingerprints.reads and read not in self.reads:
                    todo.append(read)

    def note_written(self, out: Path) -> None:
        """Remember size and mtime of each output file now in OUT."""
        for route in list(self.entries):
            try:
                st = os.stat(out / urls.output_file(route))
            except OSError:
                del self.entries[route]
                continue
            entry = self.entries[route]
            entry.size, entry.mtime_ns = st.st_size, st.st_mtime_ns

    def save(self, cache: Cache) -> None:
        """Save in the previous build's input order, new inputs appended: an output kept from
        it keeps its saved list of places (mapping 1.4 million inputs again cost 1 s of a
        national story edit). Inputs no output reads any more are saved with an empty
        fingerprint; once they are a fifth of all, the inputs are numbered afresh."""
        renumber = len(self.order) > 1.25 * len(self.known) + 1000
        order = [] if renumber else list(self.order)
        index = {item: i for i, item in enumerate(order) if item is not None}

        def place(item: Input) -> int:
            at = index.get(item)
            if at is None:
                at = index[item] = len(order)
                order.append(item)
            return at

        outputs = {}
        for route, entry in sorted(self.entries.items()):
            if entry.at is None or renumber:
                entry.at = [place(item) for item in entry.inputs]
            outputs[route] = [entry.size, entry.mtime_ns, entry.at]
        reads = {str(place(item)): [place(read) for read in reads] for item, reads in self.reads.items()}
        data = {
            "inputs": [item.to_json() if item is not None else ["?"] for item in order],
            "fingerprints": [self.known.get(item, "") if item is not None else "" for item in order],  # type: ignore[call-overload]
            "outputs": outputs,
            "reads": reads,
        }
        self.order = order
        cache.save(GRAPH, self.stamp, data)

    def __contains__(self, route: object) -> bool:
        return route in self.entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)
