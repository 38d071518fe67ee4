"""The demo site in the repository root: what a new user's first `sitegen build` produces."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import ROOT, broken_links, build_ok, copy_site, text_of

from sitegen.build import check
from sitegen.domain.coverage import percent


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
        "index.html", "associations/index.html", "coverage/index.html", "evaluation/index.html", "models/index.html",
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


def _svgs(html: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", html, flags=re.S)


def test_charts_are_on_coverage_and_province_pages(demo: tuple[Path, Path]) -> None:
    from xml.etree import ElementTree

    _, out = demo
    coverage = json.loads((out / "data/coverage.json").read_text(encoding="utf-8"))
    page = (out / "coverage/index.html").read_text(encoding="utf-8")
    svgs = _svgs(page)
    assert len(svgs) == 1 + 3  # the scope's line chart, a bar per row (浙江省、海南省 + 2 provinces)
    for svg in svgs:
        root = ElementTree.fromstring(svg)  # well-formed
        assert root.get("role") == "img" and root[0].tag.endswith("title") and root[1].tag.endswith("desc")
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))  # chart ids are unique on the page
    assert "tiles-provinces" not in page  # the map of all 31 provinces is for a national site only
    # The table lists each province in scope exactly as the data file's counts give it.
    assert [p["region"] for p in coverage["provinces"]] == ["330000", "460000"] and "national" not in coverage
    text = text_of(out / "coverage/index.html")
    for province in coverage["provinces"]:
        assert f"{province['name']} {province['counties']} {province['covered']} {percent(province['covered'], province['counties'])}" in text
    # The table beside the scope's chart lists every point of its series.
    scope_rows = re.findall(r'<time datetime="(\d{4}-\d{2}-\d{2})">', page.split('id="by-area"')[0])
    assert scope_rows == [p["date"] for p in coverage["scope"]["series"]]
    zhejiang = (out / "regions/330000/index.html").read_text(encoding="utf-8")
    assert 'id="line-330000-title"' in zhejiang and 'id="bar-330000-title"' in zhejiang
    for svg in _svgs(zhejiang):
        ElementTree.fromstring(svg)


def test_province_page_lists_units_city_by_city(demo: tuple[Path, Path]) -> None:
    _, out = demo
    text = text_of(out / "regions/460000/index.html")
    assert "海南省（直辖）" in text and "儋州市 已建 1 / 1" in text  # a city without counties counts once
    assert "五指山市 已建" in text and "筹备中" in text and "未建" in text


def test_evaluation_page_shows_the_data_file_numbers(demo: tuple[Path, Path]) -> None:
    from sitegen.domain.evaluation import average_text

    _, out = demo
    data = json.loads((out / "data/evaluation.json").read_text(encoding="utf-8"))
    page = (out / "evaluation/index.html").read_text(encoding="utf-8")
    assert len(data["associations"]) >= 20
    for card in data["associations"]:
        row = re.search(rf'<tr>\s*<th scope="row"><a href="/associations/{card["region"]}/#evaluation">.*?</tr>', page, flags=re.S)
        assert row, card["region"]
        cells = re.findall(r'<td class="num[^"]*">(?:<strong>)?(?:<span[^>]*>[^<]*</span>)*\s*(\d+)', row.group(0))
        assert [int(c) for c in cells] == [card["score"]] + [i["points"] for i in card["indicators"]]
        own = text_of(out / f"associations/{card['region']}/index.html")
        assert f"建设评估清单 {card['score']} / 100 分" in own
    national = data["scope"]
    assert "national" not in data and data["scope"]["regions"] == ["330000", "460000"]
    total = re.search(r'<tr class="total">.*?</tr>', page, flags=re.S).group(0)
    cells = re.findall(r'<td class="num">([^<]+)</td>', total)
    expected = [str(national["associations"]), average_text(national["points"], national["associations"])]
    expected += [f"{national['met'][i['key']]} / {national['associations']}" for i in data["indicators"]]
    assert cells == expected
    assert "平均得分 " + average_text(national["points"], national["associations"]) in text_of(out / "evaluation/index.html")
    assert "建设评估清单" not in text_of(out / "associations/330000/index.html")  # provinces get none


def test_home_page_shows_target_and_latest_models(demo: tuple[Path, Path]) -> None:
    _, out = demo
    text = text_of(out / "index.html")
    assert "浙江省、海南省 30 / 117 个县级单位" in text
    assert "对照2023年12月31日前全覆盖的目标，还有 87 个县级单位未建立协会" in text
    assert re.search(r"\d{4} 年度示范协会", text)


def test_demo_search_index_holds_every_record_page(demo: tuple[Path, Path]) -> None:
    src, out = demo
    entry = json.loads((out / "pagefind/pagefind-entry.json").read_text(encoding="utf-8"))
    indexed = sum(lang["page_count"] for lang in entry["languages"].values())
    associations = json.loads((out / "data/associations.json").read_text(encoding="utf-8"))
    projects = json.loads((out / "data/projects.json").read_text(encoding="utf-8"))
    stories = list((out / "stories").glob("*/index.html"))
    stories = [p for p in stories if p.parent.name != "page"]
    pages = [p for p in (src / "content/pages").glob("*.md") if (out / p.stem / "index.html").is_file()]  # no drafts
    brands = list((out / "brands").glob("*/index.html"))
    assert indexed == len(associations) + len(projects) + len(stories) + len(pages) + len(brands)
    assert (out / "search/index.html").is_file()
