"""Typed inputs: the site records what is read, memoised values replay it, fingerprints tell."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from conftest import copy_site

from sitegen.build import analyse
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
    recording,
    unrecorded,
)
from sitegen.link.memo import derived, memo, memo_property
from sitegen.link.site import Site


def _site(src: Path) -> Site:
    site = analyse(src).site
    assert site is not None
    return site


@pytest.fixture
def site(small_site: Path) -> Site:
    return _site(small_site)


def test_reading_the_site_records_what_was_read(site: Site) -> None:
    region = next(iter(site.associations._items))  # noqa: SLF001 - a key, without recording
    with recording() as found:
        record = site.associations[region]
    assert found == {Presence("association", region)}, "handing a record out reads only its presence"
    with recording() as found:
        assert record.data.region == region
        assert record.key == region  # identity costs nothing
    assert found == {RecordInput("association", region)}
    with recording() as found:
        list(site.stories)
        _ = site.as_of
        site.stories_of_tag.get("不存在的标签")
    assert found == {KindList("story"), SiteValue("as_of"), Relation("stories_of_tag", "不存在的标签")}
    with recording() as found:
        dict(site.tag_slug.items())
    assert found == {Relation("tag_slug")}


def test_reading_outside_a_recording_records_nothing(site: Site) -> None:
    with recording() as outer:
        with unrecorded():
            list(site.associations.values())[0].data  # noqa: B018
        with recording() as inner:
            site.projects.get("x")
    assert outer == set() and inner == {Presence("project", "x")}


class Owner:
    def __init__(self, site: Site) -> None:
        self.site = site
        self.calls = 0

    @memo_property
    def first_story_title(self) -> str:
        self.calls += 1
        return self.site.stories[0].data.title

    @memo
    def status(self, region: str) -> str:
        self.calls += 1
        return self.site.associations[region].data.status

    @derived("test-count")
    def count(self) -> int:
        self.calls += 1
        return sum(1 for record in self.site.stories if record.data.title)


def test_memoised_values_record_what_they_read_every_time(site: Site) -> None:
    owner = Owner(site)
    first = site.stories[0].key
    with recording() as one:
        owner.first_story_title  # noqa: B018
    with recording() as two:
        owner.first_story_title  # noqa: B018 - memoised: computed once, recorded again
    assert owner.calls == 1 and one == two == {KindList("story"), RecordInput("story", first)}
    region = next(iter(site.associations._items))  # noqa: SLF001
    with recording():
        owner.status(region)
    with recording() as again:
        owner.status(region)
    assert owner.calls == 2 and RecordInput("association", region) in again


def test_derived_values_stand_for_what_they_read(site: Site) -> None:
    owner, stories = Owner(site), len(site.stories)
    with recording() as found:
        assert owner.count() == stories
    assert found == {Derived("test-count")}
    fingerprints = Fingerprints(site, views=owner)
    assert fingerprints(Derived("test-count")) == Fingerprints(site, views=Owner(site))(Derived("test-count"))


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
    before = Fingerprints(_site(src))
    story = next(iter((src / "content" / "stories").glob("*.md")))
    story.write_text(story.read_text(encoding="utf-8") + "\n多写一句。\n", encoding="utf-8")
    after = Fingerprints(_site(src))
    edited = RecordInput("story", story.stem)
    assert before(edited) != after(edited)
    assert before(KindList("story")) == after(KindList("story")), "same stories in the same order"
    assert before(Presence("story", story.stem)) == after(Presence("story", story.stem)) == "yes"
    assert after(RecordInput("story", "no-such-story")) == "absent"
    assert before(CONFIG) == after(CONFIG)
    assert after(TemplateInput("base.html")) is None, "no template environment: cannot be told, so never matches"
