"""The graph of a build: which routes read what, kept on disk as data, asked by a long-lived
process (which pages read this input? which are stale on this site?)."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import build_ok, copy_site

from sitegen.build import analyse
from sitegen.incremental.graph import Graph
from sitegen.incremental.store import CACHE_DIR, GRAPH, Cache
from sitegen.link.inputs import Fingerprints, KindList, RecordInput


def _graph(src: Path, out: Path) -> Graph:
    result = build_ok(src, out)
    assert result.graph is not None
    return result.graph


def test_which_routes_read_an_input(tmp_path: Path) -> None:
    src = copy_site("small", tmp_path)
    graph = _graph(src, tmp_path / "out")
    readers = graph.readers(RecordInput("story", "story-1"))
    assert "stories/story-1/" in readers
    assert "about/" not in readers and "data/coverage.json" not in readers
    assert graph.readers(KindList("story")) >= {"stories/"}
    assert "data/associations.json" in graph.readers(KindList("association"))


def test_stale_routes_after_one_edit_are_exactly_its_readers(tmp_path: Path) -> None:
    src = copy_site("small", tmp_path)
    graph = _graph(src, tmp_path / "out")
    story = src / "content" / "stories" / "story-1.md"
    story.write_text(story.read_text(encoding="utf-8") + "\n又一段。\n", encoding="utf-8")
    site = analyse(src).site
    assert site is not None
    fingerprints = Fingerprints(site)  # records only: enough to tell what a story edit touched
    stale = {route for route in graph.stale(fingerprints) if route in graph.readers(RecordInput("story", "story-1"))}
    assert stale == graph.readers(RecordInput("story", "story-1"))


def test_the_graph_survives_a_save_and_a_load(tmp_path: Path) -> None:
    src = copy_site("small", tmp_path)
    graph = _graph(src, tmp_path / "out")
    again = Graph.load(Cache(src), "other key")
    assert len(again) == 0, "another stamp: nothing is kept"
    saved = json.loads((src / CACHE_DIR / GRAPH).read_text(encoding="utf-8"))
    loaded = Graph(saved["stamp"])
    loaded._read(saved["data"])  # noqa: SLF001 - the same parse Graph.load does
    assert set(loaded) == set(graph)
    assert all(loaded.entries[r].inputs == graph.entries[r].inputs for r in graph)


def test_a_hostile_graph_means_everything_is_made_again(tmp_path: Path) -> None:
    src = copy_site("small", tmp_path)
    out = tmp_path / "out"
    first = build_ok(src, out)
    path = src / CACHE_DIR / GRAPH
    saved = json.loads(path.read_text(encoding="utf-8"))
    saved["data"]["inputs"] = [["record", {"__class__": "os.system"}]] + saved["data"]["inputs"][1:]
    path.write_text(json.dumps(saved), encoding="utf-8")
    again = build_ok(src, out)
    assert again.reused < first.pages, "outputs that read an input it cannot parse are made again"
    saved["data"] = {"inputs": "nonsense"}
    path.write_text(json.dumps(saved), encoding="utf-8")
    assert build_ok(src, out).reused == 0


def test_a_rebuilt_graph_keeps_the_saved_places_of_kept_outputs_and_renumbers_when_mostly_unread(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    a, b, c = RecordInput("story", "a"), RecordInput("story", "b"), RecordInput("story", "c")
    values = {a: "1", b: "2", c: "3"}

    class Answers:  # what a build's Fingerprints answers, without a site
        reads: dict = {}

        def __call__(self, item: RecordInput) -> str | None:
            return values.get(item)

    fingerprints = Answers()
    first = Graph(cache.stamp(GRAPH, "k")).rebuilt([("x/", frozenset({a, b})), ("y/", frozenset({b}))], fingerprints)  # type: ignore[arg-type]
    first.save(cache)
    loaded = Graph.load(cache, "k")
    kept = loaded.entries["x/"].inputs
    second = loaded.rebuilt([("x/", kept), ("y/", frozenset({c}))], fingerprints)  # type: ignore[arg-type]
    assert second.entries["x/"].at == loaded.entries["x/"].at and second.entries["y/"].at is None
    second.save(cache)
    again = Graph.load(cache, "k")
    assert {r: e.inputs for r, e in again.entries.items()} == {"x/": frozenset({a, b}), "y/": frozenset({c})}
    assert again.known == {a: "1", b: "2", c: "3"}
    many = [RecordInput("story", str(i)) for i in range(3000)]
    values.update(dict.fromkeys(many, "4"))
    wide = again.rebuilt([("x/", frozenset(many))], fingerprints)  # type: ignore[arg-type]
    wide.save(cache)
    narrow = Graph.load(cache, "k").rebuilt([("x/", frozenset({a}))], fingerprints)  # type: ignore[arg-type]
    narrow.save(cache)
    saved = json.loads((tmp_path / CACHE_DIR / GRAPH).read_text(encoding="utf-8"))["data"]
    assert saved["inputs"] == [list(a)] and Graph.load(cache, "k").entries["x/"].inputs == frozenset({a})
