"""On a 375 px phone: wide tables say so and keep their key column, card grids have no holes,
nothing is listed twice, phone numbers can be tapped, and the interface has no English words."""

from __future__ import annotations

import re

import pytest

from .conftest import OpenTab, Site, Tab
from .test_pages import PAGE_KINDS, PHONE

WIDE_TABLE_PAGES = ["regions/330000/", "evaluation/", "coverage/", "associations/330106/"]


def wraps(tab: Tab) -> list[dict]:
    return tab.page.eval_on_selector_all(
        ".table-wrap",
        """els => els.map(w => ({
          label: w.getAttribute('aria-label'),
          wide: w.scrollWidth > w.clientWidth + 1,
          hint: w.previousElementSibling && w.previousElementSibling.classList.contains('table-hint')
                ? w.previousElementSibling.innerText : null,
        }))""",
    )


@pytest.mark.parametrize("path", WIDE_TABLE_PAGES)
def test_a_table_that_does_not_fit_says_so_and_keeps_its_key_column(open_tab: OpenTab, path: str) -> None:
    tab = open_tab(path, **PHONE)
    found = wraps(tab)
    assert found, "the page has tables"
    for table in found:
        if table["wide"]:
            assert table["hint"] and re.fullmatch(r"表格较宽，左右滑动可查看全部 \d+ 列", table["hint"]), table
        else:
            assert table["hint"] is None, table
    assert any(t["wide"] for t in found) or path == "associations/330106/", found
    # scrolled to the far right, every row's first cell is still in view at the left edge
    hidden = tab.page.evaluate(
        """() => {
          const out = [];
          for (const w of document.querySelectorAll('.table-wrap')) {
            if (w.scrollWidth <= w.clientWidth + 1) continue;
            w.scrollLeft = w.scrollWidth;
            const left = w.getBoundingClientRect().left;
            for (const row of w.querySelectorAll('tr')) {
              const box = row.cells[0].getBoundingClientRect();
              if (Math.abs(box.left - left) > 1 || box.width < 40) out.push(w.getAttribute('aria-label') + ': ' + row.cells[0].innerText);
            }
          }
          return out;
        }"""
    )
    assert not hidden, hidden
    tab.page.set_viewport_size({"width": 1280, "height": 900})  # on a wide screen the hint goes
    tab.page.wait_for_timeout(100)
    assert all(t["hint"] is None for t in wraps(tab) if not t["wide"])
    tab.assert_clean()


# The white space a grid row leaves below a card's last line, in px: a card with a picture used
# to make its row ~180 px taller than the text cards beside it.
MAX_GAP = 110


@pytest.mark.parametrize("width", [375, 768, 1280])
@pytest.mark.parametrize("path", ["", "projects/", "brands/guanai/", "stories/", "associations/330106/"])
def test_card_grids_have_no_holes(open_tab: OpenTab, path: str, width: int) -> None:
    tab = open_tab(path, width=width, height=900)
    tab.page.evaluate("() => document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager')")
    tab.page.wait_for_load_state("networkidle")
    gaps = tab.page.evaluate(
        """() => [...document.querySelectorAll('.card-grid > .card')].filter(c => c.offsetParent).map(card => {
          const box = card.getBoundingClientRect();
          const bottom = Math.max(...[...card.children].map(c => c.getBoundingClientRect().bottom));
          const pad = parseFloat(getComputedStyle(card).paddingBottom);
          return [card.querySelector('h3').innerText, Math.round(box.bottom - pad - bottom)];
        })"""
    )
    assert gaps, "the page has cards"
    holes = [(title, gap) for title, gap in gaps if gap > MAX_GAP]
    assert not holes, f"/{path} at {width} px: white space below these cards: {holes}"


def test_a_brand_lists_each_project_once(open_tab: OpenTab, demo_site: Site) -> None:
    tab = open_tab(None, **PHONE)
    for brand in sorted(p.name for p in (demo_site.out / "brands").iterdir()):
        tab.goto(f"brands/{brand}/")
        links = tab.page.eval_on_selector_all(".card h3 a", "links => links.map(a => a.getAttribute('href'))")
        assert len(links) == len(set(links)), f"/brands/{brand}/ lists a project twice: {links}"
    tab.assert_clean()


@pytest.mark.parametrize("path", ["associations/331124/", "associations/330114/", "associations/330106/", "evaluation/", "associations/"])
def test_no_badge_is_shown_twice(open_tab: OpenTab, path: str) -> None:
    tab = open_tab(path, **PHONE)
    groups = tab.page.eval_on_selector_all(
        ".badges, .tree-entry, tbody th",
        "els => els.map(e => [...e.querySelectorAll('.badge')].map(b => b.innerText.trim()))",
    )
    doubled = [badges for badges in groups if len(badges) != len(set(badges))]
    assert not doubled, doubled
    tab.assert_clean()


def test_phone_numbers_are_tel_links(open_tab: OpenTab) -> None:
    tab = open_tab("associations/330106/", **PHONE)
    link = tab.page.locator(".fact:has(dt:text-is('办公电话')) dd a")
    assert link.count() == 1
    number = link.inner_text()
    assert link.get_attribute("href") == "tel:" + re.sub(r"\D", "", number)
    tab.assert_clean()


# Words from the demo's own content (a story mentions English lessons; the about page names the
# formats editors use) and the generator's name in the footer.
CONTENT_WORDS = {"sitegen", "English", "Markdown", "YAML"}


@pytest.mark.parametrize(("path", "status"), [k[1:] for k in PAGE_KINDS], ids=[k[0] for k in PAGE_KINDS])
def test_no_english_words_in_the_interface(open_tab: OpenTab, path: str, status: int) -> None:
    tab = open_tab(path, status=status, **PHONE)
    text = tab.page.evaluate(
        """() => { const body = document.body.cloneNode(true);
          body.querySelectorAll('.prose, script, style, noscript').forEach(e => e.remove());
          return body.innerText + ' ' + [...document.querySelectorAll('[title], [aria-label], [placeholder], img[alt]')]
            .map(e => [e.title, e.getAttribute('aria-label'), e.placeholder, e.alt].filter(Boolean).join(' ')).join(' '); }"""
    )
    text = re.sub(r"\S*[./@:]\S*", " ", text)  # addresses, file names, e-mail, times
    words = {w for w in re.findall(r"[A-Za-z]*[a-z][A-Za-z]*", text) if len(w) >= 3} - CONTENT_WORDS
    assert not words, f"/{path}: {sorted(words)}"
