"""Every page kind in a real Chromium: fits a phone, no console errors, no serious axe finding."""

from __future__ import annotations

import pytest

from .conftest import LONG_WORD, OpenTab, Site, Tab

# (test id, path, HTTP status): one page of every kind docs/reference.md lists. /search/ is checked in
# test_search_filters.py with the rest of search.
PAGE_KINDS = [
    ("home", "", 200),
    ("directory", "associations/", 200),
    ("association-national", "associations/100000/", 200),
    ("association-province", "associations/330000/", 200),
    ("association-city", "associations/330100/", 200),
    ("association-county", "associations/330106/", 200),
    ("association-preparing", "associations/330114/", 200),
    ("association-dissolved", "associations/331124/", 200),
    ("region", "regions/330000/", 200),
    ("region-with-direct-units", "regions/460000/", 200),  # 省直辖县级 units; the demo covers two provinces
    ("coverage", "coverage/", 200),
    ("evaluation", "evaluation/", 200),
    ("models", "models/", 200),
    ("projects", "projects/", 200),
    ("project", "projects/xihu-jinhui-zhulao/", 200),
    ("brand", "brands/jinhui/", 200),
    ("stories", "stories/", 200),
    ("stories-page-2", "stories/page/2/", 200),
    ("story", "stories/xihu-yinling-ketang-xuyiming/", 200),
    ("tag", "tags/jin-hui-zhu-lao/", 200),
    ("free-page", "about/", 200),
    ("not-found", "no-such-page/", 404),
]
PHONE = {"width": 375, "height": 812}


def audit(tab: Tab, axe: bool = True) -> list[str]:
    """All that is wrong with the open page: sideways scroll, console/network problems, axe."""
    found = []
    overflow = tab.overflow()
    if overflow:
        found.append("scrolls sideways: " + "; ".join(overflow))
    if axe:
        found += tab.axe_violations()
    found += tab.problems
    if tab.page.evaluate("document.documentElement.lang") != "zh-CN":
        found.append("html lang is not zh-CN")
    return found


def assert_fine(tab: Tab, axe: bool = True) -> None:
    found = audit(tab, axe)
    assert not found, f"{tab.page.url} ({tab.page.viewport_size}):\n  " + "\n  ".join(found)


@pytest.mark.parametrize(("path", "status"), [k[1:] for k in PAGE_KINDS], ids=[k[0] for k in PAGE_KINDS])
def test_page_kind_on_a_phone(open_tab: OpenTab, path: str, status: int) -> None:
    assert_fine(open_tab(path, status=status, **PHONE))


@pytest.mark.parametrize("path", ["", "associations/330106/", "coverage/"])
def test_dark_mode_passes_axe(open_tab: OpenTab, path: str) -> None:
    tab = open_tab(path, color_scheme="dark", **PHONE)
    # the dark palette is really in use (else this test would audit the light one again)
    background = tab.page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background != "rgb(255, 255, 255)", background
    assert_fine(tab)


@pytest.mark.parametrize("path", ["", "associations/330106/"])
def test_desktop_passes_axe(open_tab: OpenTab, path: str) -> None:
    assert_fine(open_tab(path, width=1280, height=900))


def test_every_page_fits_the_narrowest_phone(open_tab: OpenTab, demo_site: Site) -> None:
    """All built pages at 320 px, not just one of each kind: long names and URLs live in the
    data. Below 48em the layout is fluid, so fitting 320 px means fitting every phone."""
    tab = open_tab(None, width=320, height=640)
    pages = sorted(demo_site.out.rglob("index.html"))
    assert len(pages) > 100
    wide = []
    for page in pages:
        path = page.parent.relative_to(demo_site.out).as_posix()
        tab.goto("" if path == "." else path + "/")
        if overflow := tab.overflow():
            wide.append(f"/{path}/: " + "; ".join(overflow))
    assert not wide, "\n".join(wide)
    tab.assert_clean()


def test_long_words_and_urls_fit_the_narrowest_phone(open_tab: OpenTab, long_words_site: Site) -> None:
    """Content the demo lacks: an unbreakable Latin word or URL in a breadcrumb, a tag, the menu,
    a card, a fact, a table cell must wrap (or scroll inside its table), not widen the page."""
    tab = open_tab(None, site=long_words_site, width=320, height=640)
    wide = []
    for path in [
        "",
        "projects/",
        "projects/xihu-jinhui-zhulao/",
        "associations/330106/",
        "stories/",
        "stories/xihu-yinling-ketang-xuyiming/",
        f"tags/{LONG_WORD.lower()}/",
        "about/",
    ]:
        tab.goto(path)
        assert LONG_WORD in tab.page.inner_text("body"), path
        if overflow := tab.overflow():
            wide.append(f"/{path}: " + "; ".join(overflow))
    assert not wide, "\n".join(wide)
    tab.assert_clean()


def test_pages_work_without_javascript(open_tab: OpenTab) -> None:
    tab = open_tab(None, javascript=False, **PHONE)
    for path in ("", "associations/", "projects/", "stories/"):
        tab.goto(path)
        assert tab.page.locator("main h1").count() == 1
        assert not tab.overflow()
    tab.assert_clean()


def test_skip_link_reaches_main(open_tab: OpenTab) -> None:
    tab = open_tab("associations/330106/", **PHONE)
    tab.page.keyboard.press("Tab")
    focused = tab.page.evaluate("document.activeElement.textContent")
    assert focused == "跳到正文"
    assert tab.page.locator(".skip-link").is_visible()  # shown while focused
    tab.page.keyboard.press("Enter")
    assert tab.page.url.endswith("#main")


def test_site_under_a_sub_path(open_tab: OpenTab, sub_site: Site) -> None:
    """base_url with a sub-path: styles, images and every link stay under /sub/."""
    tab = open_tab(None, site=sub_site, **PHONE)
    for path, status in [("", 200), ("associations/330106/", 200), ("projects/", 200),
                         ("stories/page/2/", 200), ("missing/", 404)]:
        tab.goto(path, status=status)
        # the stylesheet applied: the header has the accent rule
        border = tab.page.evaluate(
            "getComputedStyle(document.querySelector('.site-header')).borderTopWidth"
        )
        assert border == "4px", f"/sub/{path}: stylesheet not applied"
        links = tab.page.eval_on_selector_all(
            "a[href], link[href], img[src], script[src]",
            "els => els.map(e => e.href || e.src)",
        )
        ours = [link for link in links if link.startswith(sub_site.origin)]
        assert ours, path
        outside = [link for link in ours if not link.startswith(sub_site.url())]
        assert not outside, f"/sub/{path} links outside /sub/: {outside}"
        assert not tab.overflow()
    # and the 404 page's own links work from any depth
    tab.goto("a/b/c/missing/", status=404)
    tab.page.get_by_role("link", name="查看协会名录").click()
    tab.page.wait_for_url(sub_site.url("associations/"))
    tab.assert_clean()


def test_the_checks_can_fail(open_tab: OpenTab) -> None:
    """The harness itself: a wide box, a faint text and a script error are all caught."""
    tab = open_tab("", **PHONE)
    tab.page.evaluate(
        """() => {
          const p = document.createElement('p');
          p.textContent = '浅色文字'; p.style.cssText = 'color:#ccc;background:#fff;width:600px';
          document.querySelector('main').append(p);
          setTimeout(() => { throw new Error('boom'); });
        }"""
    )
    tab.page.wait_for_timeout(50)
    assert any("scrollWidth" in line for line in tab.overflow())
    assert any("color-contrast" in line for line in tab.axe_violations())
    assert any("boom" in problem for problem in tab.problems)
