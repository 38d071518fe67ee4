"""The no-change fast path: prove from file metadata that a build would change nothing.

A successful build records in SRC/.sitegen-cache/snapshot.json the metadata (path, size,
mtime_ns, ctime_ns, inode) and a content digest of every file that can shape the output —
`sitegen.yaml`, `content/`, `static/`, `templates/`, `themes/`, sitegen's own package (the
packaged theme and division table included) and the libraries that render — plus the
metadata of every file it left in OUT, and the page count and diagnostics it reported. The
next build lists the same files first (directory reads and `stat` calls only). When every
input and every file of OUT is as recorded, OUT already is what a full build would produce:
the build stops there and reports the same diagnostics. A file whose metadata moved (a
`git checkout`, a `touch`) is read and compared by digest, so only a real change makes the
build do real work (docs/architecture.md: digests decide, metadata is the first filter).

Racy writes: a file written again within one timestamp tick of being read keeps its mtime
(git's "racy git" problem). Inputs whose mtime or ctime lies within `RACY_NS` of the start
of the listing are marked and compared by digest next time, even when their metadata agrees.
Digests are taken before the build reads the inputs, so an edit during a build is seen by
the next one.

This module imports only the standard library (and store.py, the cache's home, which does too):
a no-change `sitegen build` needs nothing else. The snapshot is a part of the build cache, read
and written through `Cache`: one in a cache folder that Git tracks or another user owns, or a
file another user wrote, is not read, like the rest of the cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import stat
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from sitegen import __version__
from sitegen.incremental.store import SNAPSHOT, Cache

FORMAT = 1
RACY_NS = 2_000_000_000  # two seconds: coarse kernel clocks, FAT's two-second mtimes
SRC_INPUTS = ("sitegen.yaml", "content", "static", "templates", "themes")
# Libraries whose versions shape the output (an upgrade replaces their files).
LIBRARIES = ("jinja2", "markupsafe", "yaml", "markdown", "pydantic", "pydantic_core", "pypinyin", "nh3", "PIL", "pagefind_bin_extended")

Entry = list  # [relative path, size, mtime_ns, ctime_ns, inode]; size -1: could not stat


@dataclass
class Snapshot:
    """The inputs as listed at the start of this build, and what the last build recorded."""

    cache: Cache  # SRC's build cache, which keeps the snapshot as one of its parts
    key: str
    roots: dict[str, list[Entry]]
    digests: dict[str, list[str]] = field(default_factory=dict)
    racy: dict[str, list[str]] = field(default_factory=dict)
    recorded: dict | None = None
    unchanged: bool = False

    @property
    def pages(self) -> int:
        return int((self.recorded or {}).get("pages", 0))

    @property
    def files(self) -> int:
        return len((self.recorded or {}).get("output", ()))

    @property
    def diagnostics(self) -> list:
        from sitegen.diagnostics import Diagnostic, Severity

        found = (self.recorded or {}).get("diagnostics", [])
        return [Diagnostic(**{**d, "severity": Severity(d["severity"])}) for d in found]

    def save(self, out: Path, pages: int, diagnostics: list) -> None:
        """Record this build's inputs (as listed at its start) and the OUT it left."""
        data = {
            "format": FORMAT,
            "key": self.key,
            "roots": self.roots,
            "digests": self.digests,
            "racy": self.racy,
            "output": list_output(out),
            "pages": pages,
            "diagnostics": [_diagnostic(d) for d in diagnostics],
        }
        self.cache.write(SNAPSHOT, orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS))


def take(src: Path, out: Path, options: str) -> Snapshot:
    """List the inputs; `unchanged` when they and OUT are as the last build recorded them.
    `options` are the build's options that change its output (base URL, drafts)."""
    started = time.time_ns()
    key = f"{FORMAT}\0{__version__}\0{sys.version}\0{src}\0{out}\0{options}"
    cache = Cache(src)  # not read when Git tracks it or another user owns it, as the rest
    snapshot = Snapshot(cache, key, {str(root): _list(root) for root in input_roots(src)})
    recorded = _load(cache.read(SNAPSHOT), key)
    snapshot.recorded = recorded
    same = recorded is not None and recorded["roots"].keys() == snapshot.roots.keys()
    for root, entries in snapshot.roots.items():
        old = recorded["roots"][root] if same else []
        old_digests = recorded["digests"][root] if same else []
        racy = set(recorded["racy"].get(root, ())) if same else set()
        if entries == old and not racy:
            snapshot.digests[root] = old_digests
        else:
            known = {e[0]: (e, d) for e, d in zip(old, old_digests, strict=True) if e[0] not in racy}
            snapshot.digests[root] = [_digest(Path(root), e, known.get(e[0])) for e in entries]
            paths_kept = [e[0] for e in entries] == [e[0] for e in old]
            same = same and paths_kept and snapshot.digests[root] == old_digests
        snapshot.racy[root] = [e[0] for e in entries if max(e[2], e[3]) >= started - RACY_NS]
    snapshot.unchanged = same and recorded["output"] == list_output(out)
    return snapshot


def input_roots(src: Path) -> list[Path]:
    """Every file or folder whose files can shape the output."""
    roots = [src / name for name in SRC_INPUTS]
    roots.append(Path(__file__).resolve().parent.parent)  # sitegen itself, packaged theme included
    for name in LIBRARIES:
        with contextlib.suppress(ImportError, ValueError):
            spec = importlib.util.find_spec(name)
            if spec is not None and spec.origin:
                roots.append(Path(spec.origin))
    return roots


def _list(root: Path) -> list[Entry]:
    """Files under `root` (or `root` itself), sorted; links followed, each folder once."""
    try:
        st = os.stat(root)
    except OSError:
        return []
    if not stat.S_ISDIR(st.st_mode):
        return [_entry("", st)]
    entries: list[Entry] = []
    seen = {(st.st_dev, st.st_ino)}
    stack = [("", os.fspath(root))]
    while stack:
        rel, path = stack.pop()
        try:
            listing = os.scandir(path)
        except OSError:
            entries.append([rel, -1, -1, -1, -1])
            continue
        with listing:
            for item in listing:
                if item.name == "__pycache__":
                    continue
                key = rel + item.name
                try:
                    st = item.stat()
                except OSError:  # a broken link
                    entries.append([key, -1, -1, -1, -1])
                    continue
                if stat.S_ISDIR(st.st_mode):
                    if (st.st_dev, st.st_ino) not in seen:
                        seen.add((st.st_dev, st.st_ino))
                        stack.append((key + "/", item.path))
                else:
                    entries.append(_entry(key, st))
    entries.sort()
    return entries


def _entry(key: str, st: os.stat_result) -> Entry:
    return [key, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def list_output(out: Path) -> list[list]:
    """OUT's files (links not followed): [relative path, size, mtime_ns, inode], sorted."""
    found: list[list] = []
    stack = [("", os.fspath(out))]
    while stack:
        rel, path = stack.pop()
        try:
            listing = os.scandir(path)
        except OSError:
            continue
        with listing:
            for item in listing:
                key = rel + item.name
                if item.is_dir(follow_symlinks=False):
                    stack.append((key + "/", item.path))
                else:
                    st = item.stat(follow_symlinks=False)
                    found.append([key, st.st_size, st.st_mtime_ns, st.st_ino])
    found.sort()
    return found


def _digest(root: Path, entry: Entry, known: tuple[Entry, str] | None) -> str:
    """The recorded digest when the metadata agrees, else the file's digest read now."""
    if known is not None and known[0] == entry:
        return known[1]
    if entry[1] < 0:
        return ""
    try:
        with open(root / entry[0] if entry[0] else root, "rb") as handle:
            return hashlib.file_digest(handle, "blake2b").hexdigest()[:32]
    except OSError:
        return ""


def _load(raw: bytes | None, key: str) -> dict | None:
    try:
        data = orjson.loads(raw) if raw is not None else None
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("key") != key:
        return None
    return data


def _diagnostic(d) -> dict:
    return {"path": d.path, "line": d.line, "column": d.column, "severity": str(d.severity), "code": d.code, "message": d.message}
