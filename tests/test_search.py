"""Site search: Pagefind's extended binary indexes the staged output before it is swapped in.

The small fixture turns search off (it is built hundreds of times); these tests turn it on.
One module-wide build serves the read-only checks; the rest build their own copies.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import json
import os
import re
import shutil
import stat
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import broken_links, build_ok, copy_site, parse_html

from sitegen.build import build
from sitegen.render.name_keys import name_key
from sitegen.write import search, search_shards
from sitegen.write.writer import work_area

BASE = "/volunteer/"  # the small fixture's base path
STORY = """---
title: 留守儿童的周末课堂
date: 2021-03-01
association: "330106"
summary: 志愿者陪伴留守儿童过周末。
---

每个周六，西湖区的青年志愿者来到村里的青年之家，给留守儿童辅导功课、讲绘本故事。
"""
INDEXED_KINDS = {"协会", "项目", "事迹", "页面", "品牌"}


def search_site(tmp_path: Path, *, story: bool = True) -> Path:
    """The small fixture with search on and one story about 留守儿童."""
    src = copy_site("small", tmp_path)
    config = src / "sitegen.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("search: false", "search: true"), encoding="utf-8")
    if story:
        (src / "content/stories/liushou.md").write_text(STORY, encoding="utf-8")
    return src


def fragments(out: Path) -> list[dict]:
    """Pagefind's per-page records: gzip, a signature, then JSON."""
    records = []
    for path in sorted((out / "pagefind/fragment").iterdir()):
        raw = gzip.decompress(path.read_bytes())
        assert raw.startswith(b"pagefind_dcd")
        records.append(json.loads(raw[len(b"pagefind_dcd") :]))
    return records


def index_words(out: Path) -> bytes:
    return b"".join(gzip.decompress(p.read_bytes()) for p in sorted((out / "pagefind/index").iterdir()))


def cbor_text(word: str) -> bytes:
    """A word as the index stores it: a CBOR text string (short form)."""
    data = word.encode("utf-8")
    assert len(data) < 24
    return bytes([0x60 + len(data)]) + data


def tree_digest(out: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(out).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("search")
    out = tmp / "out"
    result = build_ok(search_site(tmp), out)
    assert result.search_index is not None and not result.search_index.reused
    return out


def marked_pages(out: Path) -> set[str]:
    """URLs (as Pagefind records them, from the site root) of pages marked data-pagefind-body."""
    urls = set()
    for page in out.rglob("*.html"):
        if "data-pagefind-body" in page.read_text(encoding="utf-8"):
            rel = page.relative_to(out).as_posix()
            urls.add("/" + rel.removesuffix("index.html"))
    return urls


# --- What is indexed --------------------------------------------------------------------------


def test_the_index_holds_exactly_the_marked_entity_pages(built: Path) -> None:
    entry = json.loads((built / "pagefind/pagefind-entry.json").read_text(encoding="utf-8"))
    assert entry["version"] == search.version()
    marked = marked_pages(built)
    assert sum(lang["page_count"] for lang in entry["languages"].values()) == len(marked)
    assert {f["url"] for f in fragments(built)} == marked
    for expected in (
        "/associations/330106/",
        "/associations/330108/",  # dissolved: its page remains and is found
        "/projects/xihu-jinhui/",
        "/stories/story-1/",
        "/stories/liushou/",
        "/about/",
        "/brands/jinhui/",
    ):
        assert expected in marked, expected
    for listing in ("/", "/associations/", "/projects/", "/stories/", "/stories/page/2/", "/tags/jin-hui-zhu-lao/",
                    "/coverage/", "/evaluation/", "/models/", "/regions/330000/", "/search/", "/404.html"):  # fmt: skip
        assert listing not in marked, listing


def test_results_carry_their_kind(built: Path) -> None:
    kinds = {}
    for record in fragments(built):
        kinds[record["url"]] = record["meta"]["类别"]
        # No Pagefind filter: 1.5 writes filter values in hash-map order (not deterministic).
        assert record["filters"] == {}
    assert set(kinds.values()) == INDEXED_KINDS
    assert kinds["/associations/330106/"] == "协会"
    assert kinds["/projects/xihu-jinhui/"] == "项目"
    assert kinds["/stories/liushou/"] == "事迹"
    assert kinds["/about/"] == "页面"
    assert kinds["/brands/jinhui/"] == "品牌"
    titles = {r["url"]: r["meta"]["title"] for r in fragments(built)}
    assert titles["/stories/liushou/"] == "留守儿童的周末课堂"


def test_navigation_related_lists_and_edit_links_are_not_indexed(built: Path) -> None:
    by_url = {r["url"]: r["content"].replace("\u200b", "") for r in fragments(built)}
    association = by_url["/associations/330106/"]
    assert "杭州市西湖区青年志愿者协会" in association
    for noise in ("协会名录", "跳到正文", "纠错：编辑此页", "数据截至", "建设评估清单", "承办项目", "事迹 3"):
        assert noise not in association, noise
    assert "首页" not in by_url["/stories/story-1/"]  # breadcrumbs


def test_the_index_holds_characters_and_the_pages_stay_as_written(built: Path) -> None:
    """Pagefind indexes a copy of the pages with the Han characters apart (the browser segments a
    query differently from the indexer); the published pages have no zero-width space."""
    story = next(r for r in fragments(built) if r["url"] == "/stories/liushou/")
    assert "留\u200b守\u200b儿\u200b童" in story["content"]
    words = index_words(built)
    for word in ("留", "守", "儿", "童", "辅", "导"):
        assert cbor_text(word) in words, word
    assert cbor_text("留守") not in words and cbor_text("儿童") not in words
    for page in built.rglob("*.html"):
        assert "\u200b" not in page.read_text(encoding="utf-8"), page
    assert not [p for p in built.iterdir() if p.name.startswith(".sitegen-search-")]  # the copy is gone


def test_characters_apart_leaves_markup_alone() -> None:
    html = '<p title="西湖区">西湖区 AI 助老</p><script>var s = "西湖";</script><!-- 注释 --><style>p::after{content:"区划"}</style>'
    assert search.characters_apart(html) == (
        '<p title="西湖区">西\u200b湖\u200b区 AI 助\u200b老</p><script>var s = "西湖";</script><!-- 注释 -->'
        '<style>p::after{content:"区划"}</style>'
    )


def test_records_carry_their_title_and_name_keys(built: Path) -> None:
    by_url = {r["url"]: r["meta"] for r in fragments(built)}
    association = by_url["/associations/330106/"]
    assert association["title"] == "杭州市西湖区青年志愿者协会"
    keys = set(association["names"].split())
    for name in ("杭州市西湖区青年志愿者协会", "西湖区青年志愿者协会", "西湖区", "西湖", "西湖区青协"):
        assert name_key(name) in keys, name
    assert name_key("留守儿童的周末课堂") in by_url["/stories/liushou/"]["names"].split()


# --- The pages --------------------------------------------------------------------------------


def test_every_page_has_the_header_search_form(built: Path) -> None:
    pages = sorted(built.rglob("*.html"))
    pages = [p for p in pages if not p.relative_to(built).as_posix().startswith("pagefind/")]
    for page in pages:
        html = page.read_text(encoding="utf-8")
        form = re.search(r'<form class="site-search" role="search" action="([^"]+)" method="get">(.*?)</form>', html, re.S)
        assert form, page
        assert form.group(1) == f"{BASE}search/"
        assert re.search(r'<input [^>]*name="q" type="search"', form.group(2))
        assert re.search(r'<label [^>]*for="site-search-q"', form.group(2))


def test_the_search_page(built: Path) -> None:
    html = (built / "search/index.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html
    assert f'data-bundle-path="{BASE}pagefind/"' in html
    assert f'data-base-url="{BASE}"' in html
    assert f'<script src="{BASE}assets/search.js"></script>' in html
    assert "pagefind-ui" not in html  # the page renders its own results (assets/search.js)
    form = re.search(r'<form id="search-form"[^>]* role="search" action="([^"]+)" method="get">(.*?)</form>', html, re.S)
    assert form and form.group(1) == f"{BASE}search/"
    assert re.search(r'<input id="search-q" name="q" type="search"', form.group(2))
    assert re.search(r'<label for="search-q">', form.group(2))
    assert 'role="status"' in html
    noscript = re.search(r"<noscript>(.*?)</noscript>", html, re.S).group(1)
    assert "JavaScript" in noscript and "需要" in noscript
    assert f'href="{BASE}associations/"' in noscript and f'href="{BASE}projects/"' in noscript
    assert "data-pagefind-body" not in html
    assert "search/" not in (built / "sitemap.xml").read_text(encoding="utf-8")
    script = (built / "assets/search.js").read_text(encoding="utf-8")
    assert "pagefind.js" in script and '"q"' in script and "nameKey" in script


def test_no_broken_link_and_no_external_asset_under_a_sub_path(built: Path) -> None:
    assert broken_links(built, BASE) == []
    for page in (built / "search/index.html", built / "associations/index.html", built / "projects/index.html"):
        for link in parse_html(page).links:
            assert not re.match(r"(https?:)?//", link), (page, link)
    script = (built / "pagefind/pagefind.js").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["']https?://""", script)


# --- Switching it off, carrying it over, failing ------------------------------------------------


def test_search_false_writes_no_index_no_page_and_no_box(small_site: Path, tmp_path: Path) -> None:
    assert "search: false" in (small_site / "sitegen.yaml").read_text(encoding="utf-8")
    out = tmp_path / "out"
    result = build_ok(small_site, out)
    assert result.search_index is None
    assert not (out / "pagefind").exists()
    assert not (out / "search").exists()
    for page in out.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert 'role="search"' not in html and "pagefind" not in html, page


def test_an_unchanged_site_keeps_its_index_and_a_changed_one_is_reindexed(tmp_path: Path) -> None:
    src = search_site(tmp_path, story=False)
    out = tmp_path / "out"
    first = build_ok(src, out)
    assert first.search_index is not None and not first.search_index.reused
    entry = out / "pagefind/pagefind-entry.json"
    before = tree_digest(out / "pagefind")
    inode = entry.stat().st_ino

    (src / "static/img/extra.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", encoding="utf-8")
    second = build_ok(src, out)  # a new static file, no HTML change
    assert second.search_index is not None and second.search_index.reused
    assert entry.stat().st_ino == inode  # hard-linked from the previous output
    assert tree_digest(out / "pagefind") == before

    (src / "content/stories/liushou.md").write_text(STORY, encoding="utf-8")
    third = build_ok(src, out)
    assert third.search_index is not None and not third.search_index.reused
    assert "/stories/liushou/" in {f["url"] for f in fragments(out)}
    assert third.search_index.pages == first.search_index.pages + 1


def test_the_index_is_byte_identical_from_build_to_build(built: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_ok(search_site(tmp_path), out)
    assert {k: v for k, (v, _) in tree_digest(out).items()} == {k: v for k, (v, _) in tree_digest(built).items()}


def test_an_index_from_another_pagefind_version_is_rebuilt(tmp_path: Path) -> None:
    src = search_site(tmp_path, story=False)
    out = tmp_path / "out"
    build_ok(src, out)
    entry = out / "pagefind/pagefind-entry.json"
    data = json.loads(entry.read_text(encoding="utf-8"))
    entry.unlink()  # it is a hard link shared with nothing else now, but do not write through links
    entry.write_text(json.dumps({**data, "version": "0.0.1"}), encoding="utf-8")
    result = build_ok(src, out)
    assert result.search_index is not None and not result.search_index.reused
    assert json.loads(entry.read_text(encoding="utf-8"))["version"] == search.version()


def failing_binary(tmp_path: Path) -> Path:
    script = tmp_path / "pagefind_extended"
    script.write_text("#!/bin/sh\necho 'Error: disk on fire' >&2\nexit 3\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def test_a_failing_indexer_is_a_diagnostic_and_leaves_out_untouched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = search_site(tmp_path, story=False)
    out = tmp_path / "out"
    build_ok(src, out)
    before = tree_digest(out)
    (src / "content/stories/liushou.md").write_text(STORY, encoding="utf-8")  # forces a re-index
    monkeypatch.setattr(search, "executable", lambda: failing_binary(tmp_path))
    result = build(src, out)
    errors = [d for d in result.diagnostics if d.is_error]
    assert [d.code for d in errors] == ["search-index"]
    assert "disk on fire" in errors[0].message and "退出码 3" in errors[0].message
    assert "输出目录未改动" in errors[0].message
    assert tree_digest(out) == before
    # nothing beside OUT but the writer's spare tree, which the next build brings up to date
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".out.")) == [work_area(out).name]


def test_a_missing_extended_package_is_explained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(__import__("sys").modules, "pagefind_bin_extended", None)
    with pytest.raises(search.SearchIndexError, match=r"pagefind\[extended\]"):
        search.executable()
    result = build(search_site(tmp_path, story=False), tmp_path / "out")
    assert [d.code for d in result.diagnostics if d.is_error] == ["search-index"]
    assert not (tmp_path / "out").exists()


def test_the_binary_is_the_extended_one() -> None:
    binary = search.executable()
    assert binary.name == "pagefind_extended"
    version = subprocess.run([binary, "--version"], capture_output=True, text=True, check=True).stdout
    assert version.strip() == f"pagefind {search.version()}"


def test_files_where_the_index_goes_are_a_route_conflict(tmp_path: Path) -> None:
    src = search_site(tmp_path, story=False)
    (src / "static/pagefind").mkdir()
    (src / "static/pagefind/pagefind.js").write_text("// mine", encoding="utf-8")
    (src / "static/pagefind.yml").write_text("site: elsewhere\n", encoding="utf-8")  # would configure Pagefind
    result = build(src, tmp_path / "out")
    conflicts = sorted(Path(d.path).name for d in result.diagnostics if d.code == "route-conflict")
    assert conflicts == ["pagefind.js", "pagefind.yml"]
    assert not (tmp_path / "out").exists()
    config = src / "sitegen.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("search: true", "search: false"), encoding="utf-8")
    build_ok(src, tmp_path / "out")  # without search they are ordinary static files
    assert (tmp_path / "out/pagefind/pagefind.js").read_text(encoding="utf-8") == "// mine"


def test_a_free_page_cannot_take_the_index_directory(tmp_path: Path) -> None:
    src = search_site(tmp_path, story=False)
    (src / "content/pages/pagefind.md").write_text("---\ntitle: 搜索说明\n---\n\n说明。\n", encoding="utf-8")
    result = build(src, tmp_path / "out")
    assert [Path(d.path).name for d in result.diagnostics if d.code == "route-conflict"] == ["pagefind.md"]


# --- A real query through Pagefind's own JavaScript (needs node) ---------------------------------
# The queries as the search page sends them (assets/search.js): each part an exact phrase of
# characters, and the query's name key. The ranking and the page are tested in tests/browser/.

QUERY_SCRIPT = r"""
const [, , origin, base, ...queries] = process.argv;
globalThis.window = globalThis;
globalThis.location = new URL(origin + base + "search/");
const code = await (await fetch(origin + base + "pagefind/pagefind.js")).text();
const pagefind = await import("data:text/javascript;base64," + Buffer.from(code).toString("base64"));
await pagefind.options({ basePath: origin + base + "pagefind/", baseUrl: base });
const found = {};
for (const q of queries) {
  const r = await pagefind.search(q);
  found[q] = await Promise.all(r.results.map(async (x) => (await x.data()).url));
}
console.log(JSON.stringify(found));
"""


@pytest.fixture
def served(built: Path) -> Iterator[str]:
    """OUT served over HTTP under the base path, as a static host would."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        def translate_path(self, path: str) -> str:
            path = path.split("?", 1)[0]
            rel = path[len(BASE) :] if path.startswith(BASE) else "\x00"
            return os.path.join(os.fspath(built), rel)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=os.fspath(built)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def phrase(text: str) -> str:
    return '"' + " ".join(text) + '"'


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run pagefind.js")
def test_chinese_phrases_and_name_keys_find_the_pages(served: str, built: Path, tmp_path: Path) -> None:
    script = tmp_path / "query.mjs"
    script.write_text(QUERY_SCRIPT, encoding="utf-8")
    queries = {
        "留守儿童": phrase("留守儿童"), "金晖助老": phrase("金晖助老"), "空巢老人": phrase("空巢老人"),
        "辅导功课": phrase("辅导功课"), "余杭": phrase("余杭"), "不存在的词语": phrase("不存在的词语"),
        "马拉松": phrase("马拉松"), "儿童留守": phrase("儿童留守"), "key 西湖": name_key("西湖"),
    }  # fmt: skip
    done = subprocess.run(["node", script, served, BASE, *queries.values()], capture_output=True, text=True, timeout=60, check=False)
    if done.returncode != 0 and "fetch is not defined" in done.stderr:
        pytest.skip("node without fetch")
    assert done.returncode == 0, done.stderr
    found = {name: json.loads(done.stdout)[q] for name, q in queries.items()}
    assert f"{BASE}stories/liushou/" in found["留守儿童"]
    assert {f"{BASE}brands/jinhui/", f"{BASE}projects/xihu-jinhui/"} <= set(found["金晖助老"])
    assert f"{BASE}projects/xihu-jinhui/" in found["空巢老人"]
    assert found["辅导功课"] == [f"{BASE}stories/liushou/"]
    assert f"{BASE}associations/330110/" in found["余杭"]
    # no page holds these as written, though each character is somewhere
    assert found["不存在的词语"] == found["马拉松"] == found["儿童留守"] == []
    assert found["key 西湖"] == [f"{BASE}associations/330106/"]
    for name, urls in found.items():
        for url in urls:  # every page found holds the query as written
            html = (built / url[len(BASE) :] / "index.html").read_text(encoding="utf-8")
            assert name.removeprefix("key ") in html, (name, url)


# --- A split index (sitegen/write/search_shards.py) -----------------------------------------


def test_a_large_index_is_split_and_a_build_reindexes_only_the_shards_that_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_shards, "SHARD_PAGES", 4)
    src = search_site(tmp_path)
    out = tmp_path / "out"
    first = build_ok(src, out)
    assert first.search_index is not None and first.search_index.shards_kept == 0
    listing = json.loads((out / "pagefind" / search_shards.LIST_FILE).read_text(encoding="utf-8"))
    folders = listing["bundles"]
    assert "shard-stories/" in folders and any(f.startswith("shard-projects") for f in folders)
    urls = set()
    for bundle in [out / "pagefind", *(out / "pagefind" / f for f in folders)]:
        assert (bundle / "pagefind-entry.json").is_file()
        for path in (bundle / "fragment").iterdir():
            urls.add(json.loads(gzip.decompress(path.read_bytes())[len(b"pagefind_dcd") :])["url"])
    assert urls == marked_pages(out)  # every marked page in exactly the bundles listed
    assert first.search_index.pages == len(urls)

    projects = {f: tree_digest(out / "pagefind" / f) for f in folders if f.startswith("shard-projects")}
    story = src / "content/stories/liushou.md"
    story.write_text(story.read_text(encoding="utf-8") + "\n孩子们在课堂上画出了自己的梦想。\n", encoding="utf-8")
    second = build_ok(src, out)
    assert second.search_index is not None and not second.search_index.reused
    assert 0 < second.search_index.shards_kept <= len(folders)  # the stories' shard is made again
    assert {f: tree_digest(out / "pagefind" / f) for f in projects} == projects  # the same files, not re-made
    stories = out / "pagefind/shard-stories"
    assert b"\xe6\xa2\xa6" in b"".join(gzip.decompress(p.read_bytes()) for p in (stories / "fragment").iterdir())  # 梦

    clean = tmp_path / "clean"
    build_ok(copy_site_from(src, tmp_path / "copy"), clean)
    assert {k: v for k, (v, _) in tree_digest(clean / "pagefind").items()} == {k: v for k, (v, _) in tree_digest(out / "pagefind").items()}


def copy_site_from(src: Path, target: Path) -> Path:
    shutil.copytree(src, target, ignore=shutil.ignore_patterns(".sitegen-cache", "output"))
    return target
