"""What a build changed in OUT, as the URLs a CDN must refresh and a search engine may re-crawl.

`sitegen build --changed-urls FILE` writes them (docs/deploying.md, "改动的网址"): one absolute
URL per line, sorted, for every file of OUT that is new, whose bytes changed, or that is gone.
A page is named by the URL the site links to (`…/associations/330106/`, not `…/index.html`).
The writer reports the files it was given (`WriteStats.changed`/`.removed`); the search index,
which Pagefind writes into the staged tree, is compared here with the previous output's.
"""

from __future__ import annotations

import filecmp
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

INDEX = "index.html"


@dataclass(frozen=True)
class Changes:
    """Paths of OUT relative to it: `changed` (new or rewritten) and `removed`."""

    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    def urls(self, base_url: str) -> list[str]:
        """Absolute URLs of every changed and removed file, sorted, without repeats."""
        return sorted({url_of(base_url, path) for path in (*self.changed, *self.removed)})


def url_of(base_url: str, path: str) -> str:
    """The URL that serves `path` of OUT: `a/index.html` → `<base_url>a/`."""
    if path == INDEX:
        path = ""
    elif path.endswith("/" + INDEX):
        path = path[: -len(INDEX)]
    return base_url + quote(path, safe="/-._~")


def tree_diff(new: Path, old: Path | None, prefix: str) -> Changes:
    """Compare the folder `new` with `old` (None or missing: everything is new); paths are
    given as `prefix` + their path inside the folder."""
    now = _files(new)
    before = _files(old) if old is not None else set()
    changed = sorted(p for p in now if p not in before or not _same(new / p, old / p)) if old is not None else sorted(now)
    removed = sorted(before - now)
    return Changes(tuple(prefix + p for p in changed), tuple(prefix + p for p in removed))


def merge(written: Changes, folder: str, inside: Changes) -> Changes:
    """The writer's `written` changes with `folder`'s (made after the writer's list, e.g. the
    search index) taken from `inside` instead."""
    mine = folder.rstrip("/") + "/"
    changed = sorted({*(p for p in written.changed if not p.startswith(mine)), *inside.changed})
    removed = sorted({*(p for p in written.removed if not p.startswith(mine)), *inside.removed})
    return Changes(tuple(changed), tuple(removed))


def _files(root: Path) -> set[str]:
    found: set[str] = set()
    if not root.is_dir():
        return found
    for dirpath, _dirnames, filenames in os.walk(root):
        rel = Path(dirpath).relative_to(root).as_posix()
        found.update(name if rel == "." else f"{rel}/{name}" for name in filenames)
    return found


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b) or filecmp.cmp(a, b, shallow=False)
    except OSError:
        return False
