"""Search relevance on the demo: real queries, typed into /search/ in Chromium, against the built index.

Each query names the result that must come first (or several equally right ones, e.g. any
project for a target group), or None: nothing may be found. The table of hits at 1, hits at 3 and
correct "none" answers is printed (`pytest -s`) for the record (issue 11's closing note).
"""

from __future__ import annotations

import json
from typing import Any

from .conftest import OpenTab, Site, Tab, decoded_path
from .search_queries import QUERIES, table
from .test_pages import PHONE


def projects_for(site: Site, target: str) -> tuple[str, ...]:
    projects = json.loads((site.out / "data/projects.json").read_text(encoding="utf-8"))
    return tuple(p["url"] for p in projects if target in (p.get("targets") or []))


def results_for(tab: Tab, query: str) -> list[str]:
    """Submit `query` in the search page's own box; the paths of all results shown, in order."""
    box = tab.page.locator("#search-q")
    box.fill(query)
    box.press("Enter")
    tab.page.wait_for_selector("#search[data-state=done]", timeout=10_000)
    return [decoded_path(href) for href in tab.page.eval_on_selector_all(
        ".search-result h2 a", "links => links.map(a => a.href)")]  # fmt: skip


def acceptable(site: Site, expected: Any) -> tuple[str, ...]:
    if expected == "target":
        return ()
    return expected if isinstance(expected, tuple) else (expected,)


def test_search_relevance(open_tab: OpenTab, demo_site: Site) -> None:
    assert len(QUERIES) >= 50
    tab = open_tab("search/", **PHONE)
    rows, wrong = [], []
    for kind, query, expected in QUERIES:
        found = results_for(tab, query)
        if expected is None:
            rows.append((kind, False, False, not found))
            if found:
                wrong.append(f"{query!r}: expected nothing, found {found[:3]}")
            continue
        right = (
            projects_for(demo_site, query)
            if expected == "target"
            else acceptable(demo_site, expected)
        )
        assert right and all(
            (demo_site.out / p.lstrip("/") / "index.html").is_file() for p in right
        ), query
        at1, at3 = bool(found) and found[0] in right, any(p in right for p in found[:3])
        rows.append((kind, at1, at3, None))
        if not at1:
            wrong.append(
                f"{query!r}: expected {right[0] if len(right) == 1 else right} first, found {found[:3]}"
            )
    print("\n" + table(rows))
    assert not wrong, "\n".join(wrong)
    tab.assert_clean()


def test_every_association_comes_first_for_its_place_short_and_full_name(open_tab: OpenTab, demo_site: Site) -> None:
    """Not a sample: each association of the demo, by the names a reader types for it."""
    from sitegen.domain.divisions import load_divisions
    from sitegen.domain.placenames import short_place_name

    divisions = load_divisions()
    associations = json.loads((demo_site.out / "data/associations.json").read_text(encoding="utf-8"))
    tab = open_tab("search/", **PHONE)
    wrong = []
    for a in associations:
        division = divisions.get(a["region"])
        names = {a["name"]}
        if division is not None:
            names |= {division.name, short_place_name(division.name) or division.name}
        for name in sorted(names):
            found = results_for(tab, name)
            if not found or found[0] != a["url"]:
                wrong.append(f"{name!r}: expected {a['url']} first, found {found[:3]}")
    assert not wrong, "\n".join(wrong)
    tab.assert_clean()


def test_a_split_index_finds_what_one_index_finds(open_tab: OpenTab, demo_site: Site, sharded_site: Site) -> None:
    """Every query of the table against the demo whose index is split into shards (merged in the
    browser with Pagefind's mergeIndex): as many results, and the right first one wherever one
    index has it. (Below the names and titles the order may differ: each shard scores with its
    own word statistics.)"""
    listing = json.loads((sharded_site.out / "pagefind/sitegen-shards.json").read_text(encoding="utf-8"))
    assert len(listing["bundles"]) >= 3
    one, split = open_tab("search/", **PHONE), open_tab("search/", site=sharded_site, **PHONE)
    wrong = []
    for _kind, query, expected in QUERIES:
        single, merged = results_for(one, query), results_for(split, query)
        counts = [tab.page.text_content("#search-status") for tab in (one, split)]
        if counts[0] != counts[1]:
            wrong.append(f"{query!r}: {counts[0]} with one index, {counts[1]} with the split one")
        elif expected not in (None, "target") and single and single[0] in acceptable(demo_site, expected) and merged[0] != single[0]:
            wrong.append(f"{query!r}: {single[0]} first with one index, {merged[0]} with the split one")
    assert not wrong, "\n".join(wrong)
    split.assert_clean()
