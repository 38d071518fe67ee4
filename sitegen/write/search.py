"""Full-text search: index the written site with Pagefind's *extended* binary (docs/reference.md, 网站的页面和网址).

Search is one step after rendering (`SearchStep`, the writer's `Step`): the index is built by
running Pagefind as a subprocess over the staged output tree, before the writer swaps it in, so
OUT never holds pages without their index or an index of other pages. Nothing else in sitegen
knows about it but build.py, which hands the step to the writer. Only the extended binary (pip `pagefind[extended]`,
module `pagefind_bin_extended`) segments Chinese; the plain binary finds nothing for 留守儿童.

When no HTML file differs from the previous output's and that output has an index made by the
same Pagefind version, the previous index is carried over (hard links) instead of rebuilt. A
large site's index is split into shards (search_shards.py): then only the shards whose pages
changed are indexed again, the others carried over the same way.

**Characters, not words.** Pagefind's indexer segments Chinese with its own dictionary (西湖|区)
while the browser segments a query with Intl.Segmenter (缙|云|县, 马拉|松), and Pagefind matches
each query piece as the prefix of an indexed word and drops pieces that match nothing: 马拉松
found 松阳县 and 不存在的词语 found every page with 的. So Pagefind indexes a copy of the pages
with a zero-width space between adjacent Han characters (Pagefind splits words there and strips
the marks again from the text it shows; the published HTML is untouched), and the search page
(themes/default/static/assets/search.js) asks for each query as an exact phrase of characters:
a page matches when it contains the query, as the reader typed it.

**Names.** Each record lists the names a reader may type for it in the metadata `names`, as
*name keys* written by the templates (sitegen/render/name_keys.py); the search page ranks the
pages that carry the key of the query first.
"""

from __future__ import annotations

import filecmp
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from sitegen.write import search_shards, tree
from sitegen.write.changes import Changes, merge, tree_diff

__all__ = ["BUNDLE", "CONFIG_FILES", "IndexResult", "SearchIndexError", "SearchStep", "executable", "index_site"]

BUNDLE = "pagefind"  # the index directory in OUT: /pagefind/
ENTRY = "pagefind-entry.json"
STALE = "sitegen-stale"  # in a bundle carried over although pages changed (the dev server's)
# Files Pagefind reads as its configuration from its working directory (the site root).
CONFIG_FILES = frozenset({"pagefind.toml", "pagefind.yml", "pagefind.yaml", "pagefind.json"})
TIMEOUT = 600  # seconds; 5,000 pages take about 2 s
_DISTRIBUTION = "pagefind-bin-extended"


_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_BETWEEN_HAN = re.compile(f"(?<=[{_HAN}])(?=[{_HAN}])")
# What is not text in an HTML file: elements whose content is not text, comments, tags.
_NOT_TEXT = re.compile(r"(<script\b.*?</script\s*>|<style\b.*?</style\s*>|<!--.*?-->|<[^>]*>)", re.S | re.I)
ZWSP = "\u200b"
_BODY_MARK = b"data-pagefind-body"


def characters_apart(html: str) -> str:
    """`html` with a zero-width space between adjacent Han characters of its text."""
    parts = _NOT_TEXT.split(html)
    parts[::2] = [_BETWEEN_HAN.sub(ZWSP, text) for text in parts[::2]]
    return "".join(parts)


class SearchIndexError(Exception):
    """The search index could not be built; the message is Chinese."""


@dataclass(frozen=True)
class IndexResult:
    """`reused`: the previous index was carried over; `stale`: although pages changed (so it
    misses their changes); `pages`: pages in the index."""

    reused: bool
    pages: int
    seconds: float
    stale: bool = False
    shards_kept: int = 0  # shards of a split index carried over unchanged (search_shards.py)


class SearchStep:
    """Site search as one step after rendering (the writer's `Step`): it names the routes a site
    file may not take, runs on the staged tree just before the exchange, and says what it
    changed. `keep_index` (the dev server's rebuilds): carry an index over even when pages
    changed; `started` is called when it starts (the build's progress)."""

    adds = BUNDLE

    def __init__(self, keep_index: bool = False, started: Callable[[], None] | None = None) -> None:
        self.keep_index = keep_index
        self.started = started
        self.result: IndexResult | None = None
        self.changes: Changes | None = None  # in the bundle, against the previous output's

    @staticmethod
    def conflict(route: str) -> str | None:
        """Why a site file may not take `route` (Chinese), or None: the indexer writes the
        bundle and reads its configuration from the site root."""
        if route.split("/", 1)[0] == BUNDLE or route in CONFIG_FILES:
            return f"静态文件 /{route} 与站内搜索的索引（/{BUNDLE}/）冲突，请改名或移到其他目录"
        return None

    def current(self, out: Path) -> bool:
        return index_is_current(out)

    def __call__(self, staged: Path, out: Path) -> None:
        if self.started is not None:
            self.started()
        previous = out if out.is_dir() else None
        self.result = index_site(staged, previous, self.keep_index)
        self.changes = tree_diff(staged / BUNDLE, previous / BUNDLE if previous else None, BUNDLE + "/")

    def with_index(self, written: Changes) -> Changes:
        """The writer's changes, with the bundle's as this step found them (when it ran)."""
        return merge(written, BUNDLE, self.changes) if self.changes is not None else written


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
    same = previous is not None and not (previous / BUNDLE / STALE).exists() and _reusable(site, previous)
    if previous is not None and (same or (stale_ok and _by_this_pagefind(previous))):
        try:
            shutil.copytree(previous / BUNDLE, site / BUNDLE, symlinks=True, copy_function=tree.link)
            if not same:  # so that the next build without stale_ok remakes it
                (site / BUNDLE / STALE).write_bytes(b"")
        except OSError as exc:
            raise SearchIndexError(f"无法沿用上次的搜索索引：{exc.strerror or exc}") from exc
        return IndexResult(True, _page_count(site), time.perf_counter() - started, stale=not same)
    kept = _index_shards(site, previous if previous is not None and _by_this_pagefind(previous) else None)
    return IndexResult(False, _page_count(site), time.perf_counter() - started, shards_kept=kept)


def _index_shards(site: Path, previous: Path | None) -> int:
    """Index `site`'s pages shard by shard (search_shards.py), carrying over from `previous`
    each shard whose pages are the same files; the number of shards carried over."""
    pages = {rel: (site / rel).read_bytes() for rel in _html_files(site)}
    marked = {rel: data for rel, data in pages.items() if _BODY_MARK in data} or pages
    shards = search_shards.plan(marked)
    before = search_shards.read_digests(previous / BUNDLE) if previous is not None and not (previous / BUNDLE / STALE).exists() else {}
    kept = 0
    # inside the staged tree: gone with it if this process dies, and ignored by the dev server
    with tempfile.TemporaryDirectory(prefix=".sitegen-search-", dir=site) as work:
        made = Path(work) / "bundles"
        for number, (name, members) in enumerate(sorted(shards.items())):
            bundle = made / str(number)
            if previous is not None and before.get(name) == search_shards.digest(members) and _same_files(site, previous, members):
                _carry_over(previous / BUNDLE / search_shards.folder(name), bundle)
                kept += 1
                continue
            copy = Path(work) / "pages" / str(number)
            for rel in members:
                target = copy / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(characters_apart(marked[rel].decode("utf-8", errors="replace")), encoding="utf-8")
            _pagefind(copy, bundle)
            shutil.rmtree(copy)
        for number, name in enumerate(sorted(shards)):
            os.rename(made / str(number), site / BUNDLE / search_shards.folder(name) if name else site / BUNDLE)
    (site / BUNDLE / search_shards.LIST_FILE).write_bytes(search_shards.listing(shards))
    return kept


def _same_files(site: Path, previous: Path, pages: Iterable[str]) -> bool:
    """Every page of `pages` is the same file (or the same bytes) in `site` and `previous`."""
    for rel in pages:
        new, old = site / rel, previous / rel
        try:
            if not (os.path.samefile(new, old) or filecmp.cmp(new, old, shallow=False)):
                return False
        except OSError:
            return False
    return True


def _carry_over(source: Path, target: Path) -> None:
    """A shard's bundle as the previous index had it (hard links); the main bundle without the
    other shards' folders and the list."""
    def others(folder: str, names: list[str]) -> list[str]:
        if Path(folder) != source:
            return []
        return [n for n in names if n.startswith(search_shards.PREFIX) or n == search_shards.LIST_FILE]

    try:
        shutil.copytree(source, target, symlinks=True, copy_function=tree.link, ignore=others)
    except OSError as exc:
        raise SearchIndexError(f"无法沿用上次的搜索索引：{exc.strerror or exc}") from exc


def _pagefind(site: Path, bundle: Path) -> None:
    command = [os.fspath(executable()), "--site", os.fspath(site), "--output-path", os.fspath(bundle)]
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
        output = done.stderr or done.stdout
        if "panicked" in output:  # Rust's own words are no help to an editor: say what to try
            raise SearchIndexError(
                "Pagefind 在建立索引时崩溃了（不是内容的错误）：请检查 sitegen.yaml 的 language 是否为 zh-CN 这样的语言代码，"
                f"或暂时设置 search: false 发布网站。Pagefind 的原始信息：{_tail(output, 2)}"
            )
        raise SearchIndexError(f"Pagefind 建立索引失败（退出码 {done.returncode}）：{_tail(output)}")
    if not (bundle / ENTRY).is_file():
        raise SearchIndexError(f"Pagefind 运行结束，但没有生成 /{BUNDLE}/{ENTRY}：{_tail(done.stdout)}")


def _tail(text: str, lines: int = 5) -> str:
    kept = [line.strip() for line in text.strip().splitlines() if line.strip()][-lines:]
    return " / ".join(kept) or "没有输出"


def index_is_current(site: Path) -> bool:
    """`site` has an index made by this Pagefind version for its pages as they are (as far as
    sitegen knows: it does not compare the HTML; a bundle the dev server kept stale is not)."""
    return _by_this_pagefind(site) and not (site / BUNDLE / STALE).exists()


def _by_this_pagefind(site: Path) -> bool:
    entry = _entry(site)
    return entry is not None and entry.get("version") == version()


def _entry(site: Path) -> dict | None:
    return _bundle_entry(site / BUNDLE)


def _bundle_entry(bundle: Path) -> dict | None:
    try:
        data = json.loads((bundle / ENTRY).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _page_count(site: Path) -> int:
    """Pages in the index, every shard's included."""
    bundles = [site / BUNDLE, *(p for p in (site / BUNDLE).glob(search_shards.PREFIX + "*") if p.is_dir())]
    count = 0
    for bundle in bundles:
        entry = _bundle_entry(bundle) or {}
        languages = entry.get("languages") or {}
        count += sum(int(lang.get("page_count", 0)) for lang in languages.values() if isinstance(lang, dict))
    return count


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
    if not _by_this_pagefind(previous):
        return False
    pages = _html_files(site)
    return pages == _html_files(previous, skip=BUNDLE) and _same_files(site, previous, pages)
