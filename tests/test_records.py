"""Loading records (sitegen/load/records.py, sitegen/load/record.py): one file at a time,
checked alone; a file that fails keeps the keys it claims so references to it are not
reported twice; a cache stands in for parsing."""

from __future__ import annotations

from pathlib import Path

from conftest import copy_site

from sitegen.domain.divisions import load_divisions
from sitegen.load.records import claimed_keys, load_config, load_record, load_records
from sitegen.load.sources import SourceFile

CONTEXT = {"divisions": load_divisions()}


def _source(kind: str, slug: str, text: str) -> SourceFile:
    folder = {"association": "associations", "story": "stories"}[kind]
    suffix = ".md" if kind == "story" else ".yaml"
    return SourceFile(Path(f"/site/content/{folder}/{slug}{suffix}"), f"content/{folder}/{slug}{suffix}", kind, slug, text)


def test_a_record_knows_its_file_its_body_and_where_its_values_are() -> None:
    text = "---\ntitle: 事迹\ndate: 2021-01-15\ndraft: true\n---\n\n正文。\n"
    record, problems = load_record(_source("story", "s", text), CONTEXT)
    assert problems == [] and record is not None
    assert (record.kind, record.key, record.draft) == ("story", "s", True)
    assert record.body.strip() == "正文。" and record.body_first_line == 6
    assert record.path == Path("/site/content/stories/s.md")
    assert record.position("date") == (3, 7)


def test_a_file_that_fails_claims_its_name_and_the_region_it_names() -> None:
    broken = _source("association", "330105", 'region: "330106"\nname: [\n')
    record, problems = load_record(broken, CONTEXT)
    assert record is None and problems
    assert claimed_keys(broken) == {"330105", "330106"}
    assert claimed_keys(_source("story", "s", "region: 330106\n")) == {"s"}, "only associations name a region"


def test_load_records_asks_the_cache_before_parsing(tmp_path: Path) -> None:
    src = copy_site("small", tmp_path)
    config, problems = load_config(src)
    assert config is not None and problems == []

    class Remember:
        def __init__(self) -> None:
            self.kept: dict[str, object] = {}
            self.hits = 0

        def get(self, source: SourceFile):
            found = self.kept.get(source.text)
            self.hits += found is not None
            return found

        def put(self, source: SourceFile, loaded) -> None:
            self.kept[source.text] = loaded

    cache = Remember()
    first = load_records(src, config, load_divisions(), cache)
    second = load_records(src, config, load_divisions(), cache)
    assert cache.hits == len(first.records) == len(second.records) == 10
    assert [r.key for r in first.records] == [r.key for r in second.records]
    assert first.diagnostics == second.diagnostics == [] and first.failed == frozenset()


def test_a_missing_config_is_one_diagnostic(tmp_path: Path) -> None:
    config, problems = load_config(tmp_path)
    assert config is None and [p.code for p in problems] == ["config"]


def test_records_parsed_in_workers_are_the_records_parsed_here(tmp_path: Path, forked: list[int]) -> None:
    src = copy_site("small", tmp_path)
    story = src / "content" / "stories" / "story-1.md"
    story.write_text(story.read_text(encoding="utf-8").replace("title:", "title: [", 1), encoding="utf-8")  # one file fails
    config, _ = load_config(src)
    assert config is not None
    here = load_records(src, config, load_divisions())
    assert not forked
    there = load_records(src, config, load_divisions(), jobs=2)
    assert forked, "the files were parsed in workers"
    assert [(r.kind, r.key, r.data) for r in there.records] == [(r.kind, r.key, r.data) for r in here.records]
    assert there.diagnostics == here.diagnostics and there.failed == here.failed and ("story", "story-1") in there.failed
