"""Publishing in China, in a real Chromium: the filing footer, the share card and Chinese
typography (docs/deploying.md, 备案号 and 分享卡片)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT, build_ok, copy_site

from .conftest import OpenTab, Site, _bind, _serve
from .test_pages import PAGE_KINDS, PHONE, assert_fine

ICP = "浙ICP备2023012345号-1"
POLICE = "浙公网安备33010602012345号"
HOST = "共青团杭州市西湖区委员会"


@pytest.fixture(scope="session")
def filed_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The demo with its filing numbers and a verification code filled in."""
    tmp = tmp_path_factory.mktemp("browser-filed")
    src = copy_site(ROOT, tmp)
    config = src / "sitegen.yaml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + f"\nbeian:\n  icp: {ICP}\n  police: {POLICE}\n  host: {HOST}\nverification:\n  baidu: codeva-test\n",
        encoding="utf-8",
    )
    out = tmp / "out"
    build_ok(src, out)
    site = _serve(_bind(out, "/"), out, "/")
    yield site
    site.stop()


FILED_PAGES = ["", "associations/330106/", "projects/xihu-jinhui-zhulao/", "stories/tianya-jingtan-jihaisheng/", "coverage/"]


@pytest.mark.parametrize("width", [375, 1280])
def test_filing_footer_is_centred_at_the_bottom_of_every_page_kind(open_tab: OpenTab, filed_site: Site, width: int) -> None:
    tab = open_tab(None, site=filed_site, width=width, height=800)
    for path in FILED_PAGES:
        tab.goto(path)
        block = tab.page.locator(".beian")
        assert block.is_visible(), path
        # below everything else on the page, and centred in the viewport
        box = block.bounding_box()
        assert box is not None
        height = tab.page.evaluate("document.documentElement.scrollHeight")
        assert box["y"] + box["height"] > height - 80, path
        icp = tab.page.get_by_role("link", name=ICP)
        police = tab.page.get_by_role("link", name=POLICE)
        for link in (icp, police):
            link_box = link.bounding_box()
            assert link_box is not None
        centre = width / 2
        icp_box, police_box = icp.bounding_box(), police.bounding_box()
        assert icp_box and police_box
        left = min(icp_box["x"], police_box["x"])
        right = max(icp_box["x"] + icp_box["width"], police_box["x"] + police_box["width"])
        assert abs((left + right) / 2 - centre) < 4, (path, left, right, centre)
        assert icp.get_attribute("href") == "https://beian.miit.gov.cn/"
        assert police.get_attribute("href") == "https://beian.mps.gov.cn/#/query/webSearch?code=33010602012345"
        assert tab.page.get_by_text(f"主办单位：{HOST}").is_visible()
        # the police icon is a local file that loaded, drawn at 16 px
        icon = police.locator("img")
        assert icon.evaluate("img => img.complete && img.naturalWidth > 0")
        assert icon.evaluate("img => new URL(img.src).origin") == filed_site.origin
        assert icon.bounding_box()["width"] == 16
        assert not tab.overflow(), path
    tab.assert_clean()


def test_filing_footer_passes_axe_in_both_schemes(open_tab: OpenTab, filed_site: Site) -> None:
    for scheme in ("light", "dark"):
        assert_fine(open_tab("associations/330106/", site=filed_site, color_scheme=scheme, **PHONE))


def _card(tab) -> dict[str, str]:
    return tab.page.evaluate(
        """() => Object.fromEntries([...document.head.querySelectorAll('meta[property], meta[itemprop], meta[name]')]
             .map(m => [m.getAttribute('property') || (m.hasAttribute('itemprop') ? 'itemprop:' + m.getAttribute('itemprop') : m.name), m.content]))"""
    )


def test_share_card_as_a_client_reads_it(open_tab: OpenTab, filed_site: Site, tmp_path: Path) -> None:
    """What WeChat, QQ or DingTalk read from the page: title, summary, an absolute JPEG/PNG
    that exists, the page's own URL (the site is built for https://example.org/, so the
    picture is fetched from our server at the same path)."""
    tab = open_tab(None, site=filed_site, **PHONE)
    for path, kind, picture in [
        ("projects/xihu-jinhui-zhulao/", "website", "/assets/img/community-courtyard-"),
        ("stories/tianya-jingtan-jihaisheng/", "article", "/assets/img/beach-cleanup-"),
        ("associations/330106/", "website", "/assets/share.png"),
    ]:
        tab.goto(path)
        card = _card(tab)
        assert card["og:type"] == kind
        assert card["og:url"] == "https://example.org/" + path
        assert card["og:title"] == card["itemprop:name"] == tab.page.title()
        assert card["og:description"] == card["itemprop:description"] == card["description"] != ""
        assert card["baidu-site-verification"] == "codeva-test"
        image = card["og:image"]
        assert image == card["itemprop:image"] and image.startswith("https://example.org" + picture), image
        assert image.endswith((".jpg", ".png"))
        local = filed_site.origin + image.removeprefix("https://example.org")
        response = tab.page.request.get(local)
        assert response.ok and response.headers["content-type"].startswith("image/"), local
    tab.assert_clean()


def test_emphasis_is_dots_under_han_not_italics(open_tab: OpenTab, filed_site: Site) -> None:
    tab = open_tab("about/", site=filed_site, **PHONE)
    style = tab.page.evaluate(
        """() => { const em = document.createElement('em'); em.textContent = '着重';
             document.querySelector('main .prose').append(em); const s = getComputedStyle(em);
             const html = getComputedStyle(document.documentElement);
             return {style: s.fontStyle, emphasis: s.textEmphasisStyle || s.webkitTextEmphasisStyle,
                     position: s.textEmphasisPosition || s.webkitTextEmphasisPosition,
                     synthesis: html.fontSynthesis, autospace: html.textAutospace}; }"""
    )
    assert style["style"] == "normal"
    assert style["emphasis"] in ("dot", "filled dot")  # "filled" is the default and may be left out
    assert style["position"].startswith("under")
    assert "style" not in style["synthesis"]
    assert style["autospace"] in ("normal", None, "")  # None/"": a Chromium without text-autospace


# --- 大字: large text, high contrast ----------------------------------------------------------

LARGE = "localStorage.setItem('sitegen-large', '1')"


def _state(tab) -> dict:
    return tab.page.evaluate(
        """() => ({large: document.documentElement.classList.contains('large'),
                   pressed: document.querySelector('.large-toggle').getAttribute('aria-pressed'),
                   size: parseFloat(getComputedStyle(document.body).fontSize),
                   text: getComputedStyle(document.body).color,
                   stored: localStorage.getItem('sitegen-large')})"""
    )


def test_large_text_toggle_is_kept_across_pages_and_reloads(open_tab: OpenTab) -> None:
    tab = open_tab("", **PHONE)
    button = tab.page.get_by_role("button", name="大字")
    assert button.is_visible()
    before = _state(tab)
    assert before["large"] is False and before["pressed"] == "false" and before["size"] == 16
    button.click()
    after = _state(tab)
    assert after["large"] is True and after["pressed"] == "true" and after["stored"] == "1"
    assert after["size"] >= 22 and after["text"] == "rgb(0, 0, 0)"
    tab.page.reload()
    assert _state(tab)["large"] is True and _state(tab)["pressed"] == "true"
    tab.goto("associations/330106/")
    assert _state(tab)["large"] is True
    # a keyboard user turns it off again
    tab.page.get_by_role("button", name="大字").focus()
    tab.page.keyboard.press("Enter")
    off = _state(tab)
    assert off["large"] is False and off["pressed"] == "false" and off["stored"] is None and off["size"] == 16
    tab.assert_clean()


def test_large_text_is_applied_before_the_first_paint(open_tab: OpenTab) -> None:
    """The stored choice is read in <head>: no page is first drawn small and then enlarged."""
    tab = open_tab(None, **PHONE)
    tab.page.context.add_init_script(LARGE)
    tab.page.context.add_init_script(
        "document.addEventListener('DOMContentLoaded', () => { window.__early = document.documentElement.classList.contains('large')"
        " && parseFloat(getComputedStyle(document.body).fontSize) >= 22; });"
    )
    tab.goto("coverage/")
    assert tab.page.evaluate("window.__early") is True


@pytest.mark.parametrize(("path", "status"), [k[1:] for k in PAGE_KINDS], ids=[k[0] for k in PAGE_KINDS])
def test_large_text_on_a_phone_fits_and_passes_axe(open_tab: OpenTab, path: str, status: int) -> None:
    tab = open_tab(None, **PHONE)
    tab.page.context.add_init_script(LARGE)
    tab.goto(path, status=status)
    assert _state(tab)["large"] is True
    assert_fine(tab)


def test_large_text_in_dark_mode_and_on_the_search_page(open_tab: OpenTab) -> None:
    for path, scheme in [("", "dark"), ("associations/330106/", "dark"), ("search/?q=金晖", "light"), ("search/?q=金晖", "dark")]:
        tab = open_tab(None, color_scheme=scheme, **PHONE)
        tab.page.context.add_init_script(LARGE)
        tab.goto(path)
        assert_fine(tab)


def test_every_page_fits_a_phone_in_large_text(open_tab: OpenTab, demo_site: Site) -> None:
    tab = open_tab(None, width=375, height=812)
    tab.page.context.add_init_script(LARGE)
    wide = []
    for page in sorted(demo_site.out.rglob("index.html")):
        path = page.parent.relative_to(demo_site.out).as_posix()
        tab.goto("" if path == "." else path + "/")
        if overflow := tab.overflow():
            wide.append(f"/{path}/: " + "; ".join(overflow))
    assert not wide, "\n".join(wide)
    tab.assert_clean()


def test_system_high_contrast_is_respected_without_the_toggle(open_tab: OpenTab) -> None:
    for scheme, text in (("light", "rgb(0, 0, 0)"), ("dark", "rgb(255, 255, 255)")):
        tab = open_tab(None, color_scheme=scheme, **PHONE)
        tab.page.emulate_media(contrast="more")
        tab.goto("associations/330106/")
        state = _state(tab)
        assert state["large"] is False and state["size"] == 16 and state["text"] == text
        assert_fine(tab)


def test_forced_colors_keep_the_toggle_state_visible(open_tab: OpenTab) -> None:
    tab = open_tab(None, **PHONE)
    tab.page.emulate_media(forced_colors="active")
    tab.goto("coverage/")
    button = tab.page.get_by_role("button", name="大字")
    idle = button.evaluate("b => getComputedStyle(b).backgroundColor")
    button.click()
    pressed = button.evaluate("b => getComputedStyle(b).backgroundColor")
    assert pressed != idle  # Highlight, not the canvas colour
    assert not tab.overflow()
    tab.assert_clean()


def test_without_javascript_there_is_no_dead_toggle(open_tab: OpenTab) -> None:
    tab = open_tab("", javascript=False, **PHONE)
    assert tab.page.locator(".large-toggle").is_hidden()
    assert tab.page.locator("main h1").is_visible()
    tab.assert_clean()
