"""Splitting the search index into shards (sitegen/write/search_shards.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sitegen.write import search_shards
from sitegen.write.search_shards import MAIN, digest, folder, listing, plan, read_digests


def pages(kind: str, count: int) -> list[str]:
    return [f"{kind}/{kind[0]}{n:05d}/index.html" for n in range(count)]


def test_a_small_site_keeps_one_bundle() -> None:
    small = pages("projects", 30) + ["index.html", "about/index.html"]
    assert plan(small) == {MAIN: sorted(small)}


def test_a_large_site_is_split_by_kind_evenly_and_stably(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_shards, "SHARD_PAGES", 100)
    site = pages("projects", 450) + pages("stories", 60) + pages("associations", 100) + ["about/index.html", "brands/jinhui/index.html"]
    shards = plan(site)
    assert sorted(shards) == [MAIN, "associations", *(f"projects-{n}" for n in range(5)), "stories"]
    assert shards[MAIN] == ["about/index.html", "brands/jinhui/index.html"]
    assert sorted(p for members in shards.values() for p in members) == sorted(site)  # each page once
    assert all(40 <= len(shards[f"projects-{n}"]) <= 150 for n in range(5))
    assert plan(reversed(site)) == shards  # the order pages are found in does not matter
    more = plan([*site, "stories/s99999/index.html"])  # a new story moves no project
    assert {k: v for k, v in more.items() if k.startswith("projects")} == {k: v for k, v in shards.items() if k.startswith("projects")}


def test_a_site_of_split_kinds_only_still_has_a_main_bundle(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_shards, "SHARD_PAGES", 10)
    shards = plan(pages("stories", 15) + pages("projects", 5))
    assert MAIN in shards and len(shards) == 3
    assert sum(len(v) for v in shards.values()) == 20


def test_the_list_names_the_folders_and_the_digests_read_back(tmp_path: Path) -> None:
    shards = {MAIN: ["about/index.html"], "projects-0": ["projects/a/index.html"], "stories": ["stories/b/index.html"]}
    assert folder(MAIN) == "" and folder("stories") == "shard-stories"
    (tmp_path / search_shards.LIST_FILE).write_bytes(listing(shards))
    data = json.loads((tmp_path / search_shards.LIST_FILE).read_text(encoding="utf-8"))
    assert data["bundles"] == ["shard-projects-0/", "shard-stories/"]
    assert read_digests(tmp_path) == {name: digest(members) for name, members in shards.items()}
    assert digest(["b", "a"]) == digest(["a", "b"]) != digest(["a"])


@pytest.mark.parametrize("text", ["", "[]", '{"pages": [1]}', '{"pages": {"x": 1}}', "not json"])
def test_a_list_that_is_missing_or_not_ours_keeps_nothing(tmp_path: Path, text: str) -> None:
    if text:
        (tmp_path / search_shards.LIST_FILE).write_text(text, encoding="utf-8")
    assert read_digests(tmp_path) == {}
