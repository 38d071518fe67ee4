"""Which indexed pages go into which part of the search index, and the list the search page reads.

One Pagefind index of the national ledger (35,000 pages) took Pagefind's indexer 4.3 GiB and
about 100 s, and a single edited story meant indexing every page again. Above `SHARD_PAGES`
indexed pages the index is split into *shards*: the pages of a kind with many records
(associations, projects, stories) are spread over ceil(n / SHARD_PAGES) shards by a hash of
their path (stable from build to build), and every other page stays in the main bundle. Each
shard is a Pagefind bundle of its own, `/pagefind/shard-<name>/`; the search page merges them
into the main one with Pagefind's `mergeIndex` (the merged indexes share the main bundle's
WebAssembly), and a build indexes again only the shards whose pages changed (search.py).
Smaller sites keep one bundle, as before.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Iterable, Mapping
from pathlib import Path

SHARD_PAGES = 4000  # indexed pages per shard, at most (a kind's pages are spread evenly)
SPLIT_KINDS = ("associations", "projects", "stories")  # the first path segment of their pages
LIST_FILE = "sitegen-shards.json"  # in the main bundle: the shards' folders and page digests
PREFIX = "shard-"
MAIN = ""  # the shard whose bundle is /pagefind/ itself


def plan(pages: Iterable[str]) -> dict[str, list[str]]:
    """Shard name -> its pages (relative paths, sorted); `MAIN` always present."""
    ordered = sorted(pages)
    if len(ordered) <= SHARD_PAGES:
        return {MAIN: ordered}
    groups: dict[str, list[str]] = {}
    for rel in ordered:
        head = rel.split("/", 1)[0]
        groups.setdefault(head if head in SPLIT_KINDS else MAIN, []).append(rel)
    shards: dict[str, list[str]] = {}
    for group, members in groups.items():
        count = -(-len(members) // SHARD_PAGES)
        for rel in members:
            name = group if count == 1 or group == MAIN else f"{group}-{zlib.crc32(rel.encode()) % count}"
            shards.setdefault(name, []).append(rel)
    if MAIN not in shards:  # only pages of the split kinds: the first shard is the main bundle
        shards[MAIN] = shards.pop(min(shards))
    return shards


def folder(name: str) -> str:
    """The shard's bundle, relative to the main one ("" for the main bundle)."""
    return PREFIX + name if name != MAIN else ""


def digest(pages: Iterable[str]) -> str:
    return hashlib.sha256("\n".join(sorted(pages)).encode()).hexdigest()


def listing(shards: Mapping[str, list[str]]) -> bytes:
    """The list file: `bundles`, the shards' folders besides the main bundle (search.js merges
    them), and the digest of each shard's page list (the next build keeps a shard whose pages
    are the same files)."""
    data = {
        "bundles": [folder(name) + "/" for name in sorted(shards) if name != MAIN],
        "pages": {name: digest(pages) for name, pages in sorted(shards.items())},
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=0).encode("utf-8")


def read_digests(bundle: Path) -> dict[str, str]:
    """The page digests of the previous index's shards by name; {} when unknown or not ours."""
    try:
        data = json.loads((bundle / LIST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    pages = data.get("pages") if isinstance(data, dict) else None
    if not isinstance(pages, dict):
        return {}
    return {name: value for name, value in pages.items() if isinstance(name, str) and isinstance(value, str)}
