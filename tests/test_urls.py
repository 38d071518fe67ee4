"""Routes (sitegen/link/urls.py): one function per page kind, the file that serves a route,
links under the base path, and the kind of every route."""

from __future__ import annotations

import pytest

from sitegen.link import urls


def test_routes_of_the_page_kinds() -> None:
    assert urls.association("330106") == "associations/330106/"
    assert urls.region("330000") == "regions/330000/"
    assert urls.stories_page(1) == urls.STORIES and urls.stories_page(3) == "stories/page/3/"
    assert urls.tag("liu-shou-er-tong") == "tags/liu-shou-er-tong/"
    assert urls.tag("she-qu", 2) == "tags/she-qu/page/2/"
    assert urls.data_file("projects.json") == "data/projects.json"


@pytest.mark.parametrize(
    "route, file",
    [("", "index.html"), ("stories/x/", "stories/x/index.html"), ("feed.xml", "feed.xml"), ("img/a.png", "img/a.png")],
)
def test_a_folder_route_is_served_by_its_index_html(route: str, file: str) -> None:
    assert urls.output_file(route) == file


def test_links_carry_the_base_path() -> None:
    assert urls.href("/volunteer/", urls.project("x")) == "/volunteer/projects/x/"
    assert urls.absolute("https://example.org/volunteer/", urls.HOME) == "https://example.org/volunteer/"


@pytest.mark.parametrize(
    "route, title",
    [
        ("", "首页"),
        ("associations/330106/", "协会页面"),
        ("stories/page/2/", "事迹列表的后续页"),
        ("stories/x/", "事迹页面"),
        ("tags/she-qu/page/2/", "标签页面的后续页"),
        ("about/", "自由页面"),
        ("pagefind/pagefind.js", "搜索索引"),
        ("assets/site.css", "主题文件"),
        ("img/a.png", "静态文件"),
    ],
)
def test_every_route_has_a_kind_the_most_specific_first(route: str, title: str) -> None:
    assert urls.kind_of(route).title == title
