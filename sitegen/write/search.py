"""Full-text search: index the written site with Pagefind's *extended* binary (docs/reference.md, 网站的页面和网址).

The index is built by running Pagefind as a subprocess over the staged output tree, before the
writer swaps it in (`writer.write_output(before_swap=...)`), so OUT never holds pages without
their index or an index of other pages. Only the extended binary (pip `pagefind[extended]`,
module `pagefind_bin_extended`) segments Chinese; the plain binary finds nothing for 留守儿童.

When no HTML file differs from the previous output's and that output has an index made by the
same Pagefind version, the previous index is carried over (hard links) instead of rebuilt.
"""

from __future__ import annotations

import filecmp
import json
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

__all__ = ["BUNDLE", "CONFIG_FILES", "IndexResult", "SearchIndexError", "executable", "han_characters", "index_site"]

BUNDLE = "pagefind"  # the index directory in OUT: /pagefind/
ENTRY = "pagefind-entry.json"
# Files Pagefind reads as its configuration from its working directory (the site root).
CONFIG_FILES = frozenset({"pagefind.toml", "pagefind.yml", "pagefind.yaml", "pagefind.json"})
TIMEOUT = 600  # seconds; 5,000 pages take about 2 s
_DISTRIBUTION = "pagefind-bin-extended"


_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


def han_characters(*texts: str) -> str:
    """The distinct Han characters of `texts`, space-separated, in order of appearance.

    The indexer segments 陵水黎族自治县 as 陵水|黎族|自治|县, but the browser segments a query with
    Intl.Segmenter, which splits words it does not know into characters (陵|水), and Pagefind
    wants every query piece to begin an indexed word. Indexing a record's name character by
    character too (in a hidden element, lightly weighted) lets such queries still find it.
    """
    seen = dict.fromkeys(ch for text in texts for ch in _HAN.findall(text or ""))
    return " ".join(seen)


class SearchIndexError(Exception):
    """The search index could not be built; the message is Chinese."""


@dataclass(frozen=True)
class IndexResult:
    """`reused`: the previous index was carried over; `pages`: pages in the index."""

    reused: bool
    pages: int
    seconds: float


def executable() -> Path:
    """The extended Pagefind binary shipped by the `pagefind-bin-extended` wheel."""
    try:
        import pagefind_bin_extended
    except ImportError:
        raise SearchIndexError(
            "没有找到 Pagefind 扩展版（支持中文分词），无法生成站内搜索：请运行 pip install 'pagefind[extended]'，"
            "或在 sitegen.yaml 中设置 search: false"
        ) from None
    try:
        path = Path(pagefind_bin_extended.get_executable())
    except (FileNotFoundError, OSError) as exc:
        raise SearchIndexError(f"Pagefind 扩展版安装不完整，请重新安装 pagefind[extended]：{exc}") from None
    if path.name.removesuffix(".exe") != "pagefind_extended":
        raise SearchIndexError(f"{path} 不是 Pagefind 扩展版，无法为中文建立索引；请重新安装 pagefind[extended]")
    return path


def version() -> str | None:
    try:
        return metadata.version(_DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return None


def index_site(site: Path, previous: Path | None = None, stale_ok: bool = False) -> IndexResult:
    """Write the search index into `site`/pagefind/, or carry over `previous`'s when no HTML
    changed (or, with `stale_ok`, whenever it has one by this Pagefind). Raises
    SearchIndexError on any failure (the caller discards `site`)."""
    started = time.perf_counter()
    if os.path.lexists(site / BUNDLE):
        raise SearchIndexError(f"输出中已有 /{BUNDLE}/，它与站内搜索的索引目录冲突")
    if previous is not None and ((stale_ok and index_is_current(previous)) or _reusable(site, previous)):
        try:
            shutil.copytree(previous / BUNDLE, site / BUNDLE, symlinks=True, copy_function=_link)
        except OSError as exc:
            raise SearchIndexError(f"无法沿用上次的搜索索引：{exc.strerror or exc}") from exc
        return IndexResult(True, _page_count(site), time.perf_counter() - started)
    _run_pagefind(site)
    return IndexResult(False, _page_count(site), time.perf_counter() - started)


def _run_pagefind(site: Path) -> None:
    command = [os.fspath(executable()), "--site", os.fspath(site), "--output-subdir", BUNDLE]
    # PAGEFIND_* variables would override options; the index must depend on the site only.
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("PAGEFIND_")}
    try:
        done = subprocess.run(
            command,
            cwd=site,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise SearchIndexError(f"Pagefind 在 {TIMEOUT} 秒内没有完成索引，已放弃本次构建") from None
    except OSError as exc:
        raise SearchIndexError(f"无法运行 Pagefind（{command[0]}）：{exc.strerror or exc}") from None
    if done.returncode != 0:
        raise SearchIndexError(f"Pagefind 建立索引失败（退出码 {done.returncode}）：{_tail(done.stderr or done.stdout)}")
    if not (site / BUNDLE / ENTRY).is_file():
        raise SearchIndexError(f"Pagefind 运行结束，但没有生成 /{BUNDLE}/{ENTRY}：{_tail(done.stdout)}")


def _tail(text: str, lines: int = 5) -> str:
    kept = [line.strip() for line in text.strip().splitlines() if line.strip()][-lines:]
    return " / ".join(kept) or "没有输出"


def index_is_current(site: Path) -> bool:
    """`site` has an index made by this Pagefind version (the HTML it covers is not checked)."""
    entry = _entry(site)
    return entry is not None and entry.get("version") == version()


def _entry(site: Path) -> dict | None:
    try:
        data = json.loads((site / BUNDLE / ENTRY).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _page_count(site: Path) -> int:
    entry = _entry(site) or {}
    languages = entry.get("languages") or {}
    return sum(int(lang.get("page_count", 0)) for lang in languages.values() if isinstance(lang, dict))


def _html_files(root: Path, skip: str | None = None) -> set[str]:
    """Relative POSIX paths of the HTML files Pagefind would read (its glob `**/*.html`)."""
    found: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(root):
        rel = Path(dirpath).relative_to(root).as_posix()
        prefix = "" if rel == "." else rel + "/"
        if skip is not None and prefix == "":
            dirnames[:] = [d for d in dirnames if d != skip]
        found.update(prefix + name for name in filenames if name.endswith(".html"))
    return found


def _reusable(site: Path, previous: Path) -> bool:
    """True when `previous` has an index by this Pagefind version over the same HTML bytes."""
    entry = _entry(previous)
    if entry is None or entry.get("version") != version():
        return False
    pages = _html_files(site)
    if pages != _html_files(previous, skip=BUNDLE):
        return False
    for rel in pages:
        new, old = site / rel, previous / rel
        try:
            if not (os.path.samefile(new, old) or filecmp.cmp(new, old, shallow=False)):
                return False
        except OSError:
            return False
    return True


def _link(source: str, target: str) -> None:
    """Hard-link an unchanged index file; copy it (with its mtime) where linking fails."""
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        shutil.copy2(source, target, follow_symlinks=False)
