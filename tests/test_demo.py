"""The demo site in the repository root: what a new user's first `sitegen build` produces."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ROOT, broken_links, build_ok, copy_site, text_of

from sitegen.build import check


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("demo")
    src = copy_site(ROOT, tmp)
    out = tmp / "out"
    build_ok(src, out)
    return src, out


def test_demo_checks_clean() -> None:
    result = check(ROOT)
    assert [d.format_text() for d in result.diagnostics] == []


def test_demo_is_big_enough_to_mean_something(demo: tuple[Path, Path]) -> None:
    src, out = demo
    associations = json.loads((out / "data/associations.json").read_text(encoding="utf-8"))
    projects = json.loads((out / "data/projects.json").read_text(encoding="utf-8"))
    assert len(associations) >= 30
    assert {a["level"] for a in associations} == {"national", "province", "city", "county"}
    assert {a["status"] for a in associations} == {"active", "preparing", "dissolved"}
    assert len({a["region"][:2] for a in associations if a["level"] != "national"}) >= 2
    assert len(projects) >= 30
    assert {p["brand"] for p in projects} == {"guanai", "yangguang", "jinhui", "shequ", "xiangcun", "wenming", "local"}
    assert len(list((out / "stories").glob("*/index.html"))) >= 15
    assert len(list((src / "content/pages").glob("*.md"))) >= 2


def test_every_page_kind_and_link(demo: tuple[Path, Path]) -> None:
    _, out = demo
    for path in (
        "index.html", "associations/index.html", "coverage/index.html", "models/index.html",
        "projects/index.html", "stories/index.html", "stories/page/2/index.html", "404.html",
        "feed.xml", "sitemap.xml", "robots.txt", "about/index.html", "join/index.html",
        "regions/330000/index.html", "regions/460000/index.html",
    ):  # fmt: skip
        assert (out / path).is_file(), path
    assert list((out / "brands").glob("*/index.html"))
    assert list((out / "tags").glob("*/index.html"))
    assert broken_links(out, "/") == []


def test_sub_path_links_resolve(tmp_path: Path) -> None:
    src = copy_site(ROOT, tmp_path)
    out = tmp_path / "out"
    build_ok(src, out, base_url="https://league.example.cn/volunteer/")
    assert broken_links(out, "/volunteer/") == []


def test_directory_sorted_by_pinyin(demo: tuple[Path, Path]) -> None:
    _, out = demo
    text = text_of(out / "associations/index.html")
    # Provinces in pinyin order: 海南 (hai) before 浙江 (zhe), though 330000 < 460000 by code.
    assert text.index("海南省") < text.index("浙江省")


def test_feed_and_sitemap_are_well_formed(demo: tuple[Path, Path]) -> None:
    from xml.etree import ElementTree

    _, out = demo
    feed = ElementTree.parse(out / "feed.xml").getroot()
    entries = feed.findall("{http://www.w3.org/2005/Atom}entry")
    assert entries
    newest = max(e.find("{http://www.w3.org/2005/Atom}updated").text for e in entries)
    assert feed.find("{http://www.w3.org/2005/Atom}updated").text == newest
    sitemap = ElementTree.parse(out / "sitemap.xml").getroot()
    assert len(sitemap) > 50
