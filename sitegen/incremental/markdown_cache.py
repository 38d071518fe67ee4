"""Rendered Markdown kept between builds (the `markdown.json` part of the build cache).

A fragment is found by a digest of its text and the base path it was rendered for (root-
relative links are rebased onto it); the part's stamp is sitegen's version, which is all else
that shapes a fragment. Content digests, not mtimes (docs/architecture.md). Fragments that produced
diagnostics are not kept: they are rendered again so their warnings are reported on every
build. Only the fragments the last build used are saved, so the part does not grow with
deleted records.
"""

from __future__ import annotations

import hashlib

from sitegen.incremental.store import MARKDOWN, Cache


class MarkdownCache:
    def __init__(self, cache: Cache, base_path: str) -> None:
        self.cache = cache
        self.base_path = base_path
        self.stamp = cache.stamp(MARKDOWN)
        old = cache.load(MARKDOWN, self.stamp)
        self._old: dict[str, str] = old if isinstance(old, dict) else {}
        self._used: dict[str, str] = {}
        self.hits = 0

    def key(self, text: str) -> str:
        return hashlib.sha256(f"{self.base_path}\0{text}".encode()).hexdigest()

    def get(self, key: str) -> str | None:
        html = self._old.get(key)
        if not isinstance(html, str):
            return None
        self.hits += 1
        self._used[key] = html
        return html

    def put(self, key: str, html: str) -> None:
        self._used[key] = html

    def save(self) -> None:
        if self._used.keys() != self._old.keys():
            self.cache.save(MARKDOWN, self.stamp, dict(sorted(self._used.items())))
