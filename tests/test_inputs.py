"""Typed inputs (sitegen/link/inputs.py): their identity, their JSON form, their fingerprints.
Recording by the site's collections: test_recorded.py; memoised values: test_memo.py."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from conftest import copy_site, linked

from sitegen.link.inputs import (
    CONFIG,
    Derived,
    Fingerprints,
    Input,
    KindList,
    Presence,
    RecordInput,
    Relation,
    SiteValue,
    TemplateInput,
    compact,
)
from sitegen.link.site import Site


@pytest.fixture
def site(linked_small_site: Site) -> Site:
    return linked_small_site


def test_compact_drops_what_another_input_implies() -> None:
    found = {
        Presence("story", "a"), RecordInput("story", "a"),  # the record says it exists
        Presence("project", "p"), KindList("project"),  # so does the list of its kind
        Presence("page", "about"),  # nothing implies this one
        Relation("members", "330100"), Relation("members"),  # the whole relation covers a key
        Relation("parent", "330106"),
    }  # fmt: skip
    assert compact(found) == {
        RecordInput("story", "a"), KindList("project"), Presence("page", "about"), Relation("members"), Relation("parent", "330106"),
    }  # fmt: skip


def test_inputs_are_typed_tuples_that_survive_json_and_pickle() -> None:
    items = [RecordInput("story", "a"), Presence("story", "a"), KindList("page"), Relation("parent"), Relation("parent", "1"),
             SiteValue("coverage"), CONFIG, TemplateInput("base.html"), Derived("menu"), Derived("scorecard", "330106")]  # fmt: skip
    assert len(set(items)) == len(items), "inputs of different kinds never equal"
    for item in items:
        assert Input.from_json(item.to_json()) == item and type(Input.from_json(item.to_json())) is type(item)
        assert pickle.loads(pickle.dumps(item)) == item
    assert RecordInput("story", "a").key == "a" and Relation("parent").key is None


@pytest.mark.parametrize("junk", [None, [], ["nope", "x"], ["record", 1, "x"], ["record", "only-kind"], {"tag": "record"}, ["config", "extra"]])
def test_inputs_on_disk_are_never_trusted_blindly(junk: object) -> None:
    assert Input.from_json(junk) is None


def test_fingerprints_change_with_exactly_what_they_stand_for(tmp_path: Path) -> None:
    src = copy_site("small", tmp_path)
    before = Fingerprints(linked(src))
    story = next(iter((src / "content" / "stories").glob("*.md")))
    story.write_text(story.read_text(encoding="utf-8") + "\n多写一句。\n", encoding="utf-8")
    after = Fingerprints(linked(src))
    edited = RecordInput("story", story.stem)
    assert before(edited) != after(edited)
    assert before(KindList("story")) == after(KindList("story")), "same stories in the same order"
    assert before(Presence("story", story.stem)) == after(Presence("story", story.stem)) == "yes"
    assert after(RecordInput("story", "no-such-story")) == "absent"
    assert before(CONFIG) == after(CONFIG)
    assert after(TemplateInput("base.html")) is None, "no template environment: cannot be told, so never matches"
