"""The build cache in SRC/.sitegen-cache/ (docs/reference.md, 规则 › 构建与输出: `build` keeps it there; `check` writes
nothing): rendered Markdown, keyed by a digest of its text, the base path and sitegen's version.

The whole file is dropped when its stamp (sitegen's version, the config file, every template
and theme file) differs, so a cached fragment can never outlive what shaped it. Content
digests, not mtimes (mtime caches go stale). Fragments that produced diagnostics are not cached: they
are rendered again so their warnings are reported on every build. Only the fragments the last
build used are kept, so the file does not grow with deleted records.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from pathlib import Path

from sitegen import __version__
from sitegen.incremental.atomic import write_atomically
from sitegen.load.config import SiteConfig, config_path
from sitegen.render.templates import theme_roots

CACHE_DIR = ".sitegen-cache"
FILE_NAME = "markdown.json"
FORMAT = 1


def _stamp(src: Path, config: SiteConfig) -> str:
    digest = hashlib.sha256(f"sitegen {__version__} cache {FORMAT}\0".encode())
    with contextlib.suppress(OSError):
        digest.update(config_path(src).read_bytes())
    roots = [src / "templates", *theme_roots(src, config.theme)]  # templates and theme files
    for root in roots:
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.is_file():
                digest.update(f"\0{root}\0{path.relative_to(root).as_posix()}\0".encode())
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


class MarkdownCache:
    def __init__(self, src: Path, config: SiteConfig) -> None:
        self.path = src / CACHE_DIR / FILE_NAME
        self.base_path = config.base_path
        self.stamp = _stamp(src, config)
        self._old: dict[str, str] = {}
        self._used: dict[str, str] = {}
        self.hits = 0
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if isinstance(data, dict) and data.get("stamp") == self.stamp and isinstance(data.get("html"), dict):
                self._old = data["html"]
        except (OSError, ValueError):
            pass  # no cache yet, or unreadable: start cold

    def key(self, text: str) -> str:
        return hashlib.sha256(f"{__version__}\0{self.base_path}\0{text}".encode()).hexdigest()

    def get(self, key: str) -> str | None:
        html = self._old.get(key)
        if html is not None:
            self.hits += 1
            self._used[key] = html
        return html

    def put(self, key: str, html: str) -> None:
        self._used[key] = html

    def save(self) -> None:
        """Write the fragments this build used, atomically; a failure only costs speed."""
        data = json.dumps({"stamp": self.stamp, "html": dict(sorted(self._used.items()))}, ensure_ascii=False)
        with contextlib.suppress(OSError):
            write_atomically(self.path, data.encode("utf-8"))
