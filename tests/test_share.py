"""Share cards (og:, itemprop), verification tags and the split sitemap (docs/reference.md,
分享卡片与搜索引擎)."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import ROOT, build_ok, copy_site
from markupsafe import Markup

from sitegen.build import analyse, check
from sitegen.render import images
from sitegen.render.markdown_stage import render_markdown
from sitegen.render.pages import render_pages
from sitegen.render.share import excerpt
from sitegen.render.sitemap import SitemapLimits, entry_bytes, part_route, split
from sitegen.render.views import Views

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


class MetaParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        key = values.get("property") or values.get("name") or ("itemprop:" + (values.get("itemprop") or ""))
        if tag == "meta" and key:
            self.meta.setdefault(key, []).append(values.get("content") or "")


def meta(path: Path) -> dict[str, str]:
    parser = MetaParser()
    parser.feed(path.read_text(encoding="utf-8"))
    assert all(len(v) == 1 for v in parser.meta.values()), parser.meta
    return {k: v[0] for k, v in parser.meta.items()}


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo, with the configured extras: a verification code and its own share image."""
    tmp = tmp_path_factory.mktemp("share")
    src = copy_site(ROOT, tmp)
    shutil.copy(src / "static/img/photos/beach-cleanup.jpg", src / "static/img/share.jpg")
    config = src / "sitegen.yaml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + "search: false\nshare_image: img/share.jpg\nverification:\n  baidu: codeva-AbC123\n  so360: 0a1b2c\n",
        encoding="utf-8",
    )
    out = tmp / "out"
    build_ok(src, out)
    return out


CARD = ("og:title", "og:description", "og:image", "og:url", "og:type", "itemprop:name", "itemprop:description", "itemprop:image")


def test_every_page_has_a_full_card(demo_out: Path) -> None:
    pages = sorted(demo_out.rglob("index.html"))
    assert len(pages) > 50
    for page in pages:
        tags = meta(page)
        assert set(CARD) <= set(tags), page
        assert tags["og:image"].startswith("https://example.org/") and tags["itemprop:image"] == tags["og:image"], page
        assert tags["og:description"] == tags["description"] == tags["itemprop:description"] != "", page
        assert tags["og:title"] == tags["itemprop:name"] != "", page
        route = page.relative_to(demo_out).as_posix().removesuffix("index.html")
        assert tags["og:url"] == "https://example.org/" + route, page
        assert tags["baidu-site-verification"] == "codeva-AbC123"
        assert tags["360-site-verification"] == "0a1b2c"
        assert len(tags["og:description"]) <= 120


def test_project_card_shows_its_first_photo(demo_out: Path) -> None:
    tags = meta(demo_out / "projects/xihu-jinhui-zhulao/index.html")
    assert tags["og:type"] == "website"
    assert tags["og:title"].startswith("西湖区“银龄数字课堂”金晖助老")
    # the JPEG variant (WeChat shows no WebP), at most 960 px wide, and the file is published
    assert tags["og:image"].startswith("https://example.org/assets/img/community-courtyard-")
    assert tags["og:image"].endswith("-960w.jpg")
    assert (demo_out / tags["og:image"].removeprefix("https://example.org/")).is_file()


def test_story_card_shows_its_cover_and_is_an_article(demo_out: Path) -> None:
    tags = meta(demo_out / "stories/tianya-jingtan-jihaisheng/index.html")
    assert tags["og:type"] == "article"
    assert "/assets/img/beach-cleanup-" in tags["og:image"] and tags["og:image"].endswith(".jpg")


def test_pages_without_a_photo_show_the_site_image(demo_out: Path) -> None:
    for route in ("", "associations/330106/", "coverage/", "stories/binjiang-yexiao-panyifan/"):  # the last: an SVG cover
        assert meta(demo_out / route / "index.html")["og:image"] == "https://example.org/img/share.jpg", route


def test_free_page_description_is_its_text_cut_by_characters(demo_out: Path) -> None:
    description = meta(demo_out / "about/index.html")["og:description"]
    assert description.startswith("本站是") and description.endswith("…") and len(description) == 120


def test_theme_image_when_no_share_image_is_configured(small_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_ok(small_site, out)
    assert meta(out / "projects/xihu-jinhui/index.html")["og:image"] == "https://example.org/volunteer/assets/share.png"  # its photo is an SVG
    assert (out / "assets/share.png").read_bytes()[:4] == b"\x89PNG"
    assert "baidu-site-verification" not in meta(out / "index.html")


def test_missing_share_image_is_an_error(small_site: Path) -> None:
    config = small_site / "sitegen.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "share_image: img/none.png\n", encoding="utf-8")
    [problem] = [d for d in check(small_site).diagnostics if d.is_error]
    assert (problem.code, problem.line) == ("missing-file", 6)


def test_share_image_must_be_png_or_jpeg(small_site: Path) -> None:
    config = small_site / "sitegen.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "share_image: img/a.svg\n", encoding="utf-8")
    [problem] = [d for d in check(small_site).diagnostics if d.is_error]
    assert problem.code == "config" and "PNG 或 JPEG" in problem.message


def test_excerpt_cuts_by_characters() -> None:
    text = "青年志愿者" * 40
    assert excerpt(text, 10) == "青年志愿者青年志愿者"[:9] + "…"
    assert excerpt("短句。") == "短句。"
    assert excerpt("a  b\n c") == "a b c"
    assert excerpt(Markup("<h2>标题</h2><p>正文 &amp; 更多</p>")) == "正文 & 更多"
    assert excerpt("一二三，四五六", 5) == "一二三…"  # no dangling comma before the ellipsis


# --- the sitemap ------------------------------------------------------------------------------


def test_split_keeps_every_part_within_the_limits() -> None:
    routes = [f"stories/s-{n:02d}/" for n in range(25)]
    assert split(routes, "https://e.org/") == [routes]
    assert split([], "https://e.org/") == [[]]
    parts = split(routes, "https://e.org/", SitemapLimits(urls=10))
    assert [len(p) for p in parts] == [10, 10, 5] and sum(parts, []) == routes
    one = entry_bytes("https://e.org/", routes[0])
    parts = split(routes, "https://e.org/", SitemapLimits(bytes=200 + 4 * one))
    assert {len(p) for p in parts[:-1]} == {4} and sum(parts, []) == routes


def _render(src: Path, limits: SitemapLimits) -> dict[str, bytes]:
    result = analyse(src)
    site = result.site
    assert site is not None and result.ok
    image_set, _ = images.prepare(site)
    markdown, _ = render_markdown(site)
    pages = render_pages(site, Views(site, markdown, image_set), sitemap_limits=limits)
    assert not pages.diagnostics
    return {a.route: a.content.data() for a in pages.files if a.route.startswith("sitemap")}


def test_sitemap_becomes_an_index_past_the_limits(small_site: Path) -> None:
    whole = _render(small_site, SitemapLimits())
    assert list(whole) == ["sitemap.xml"]
    listed = [loc.text for loc in ET.fromstring(whole["sitemap.xml"]).iter(SM + "loc")]
    assert len(listed) > 12

    for limits in (SitemapLimits(urls=5), SitemapLimits(bytes=1000)):
        files = _render(small_site, limits)
        index = ET.fromstring(files["sitemap.xml"])
        assert index.tag == SM + "sitemapindex"
        parts = [loc.text for loc in index.iter(SM + "loc")]
        assert parts == [f"https://example.org/volunteer/{part_route(n)}" for n in range(1, len(parts) + 1)]
        assert set(files) == {"sitemap.xml", *(part_route(n) for n in range(1, len(parts) + 1))}
        urls = []
        for n in range(1, len(parts) + 1):
            data = files[part_route(n)]
            assert len(data) <= limits.bytes
            part = [loc.text for loc in ET.fromstring(data).iter(SM + "loc")]
            assert 0 < len(part) <= limits.urls
            urls += part
        assert urls == listed  # the same URLs, in the same order
