"""Memoised values (sitegen/link/memo.py): computed once, recorded by every reader; derived
values stand for what they read."""

from __future__ import annotations

import pytest
from conftest import a_region

from sitegen.link.inputs import Derived, Fingerprints, KindList, RecordInput, recording
from sitegen.link.memo import derived, memo, memo_property
from sitegen.link.site import Site


@pytest.fixture
def site(linked_small_site: Site) -> Site:
    return linked_small_site


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
    region = a_region(site)
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


def test_a_derived_value_is_computed_again_only_when_what_it_read_changed(site: Site, tmp_path) -> None:
    from sitegen.incremental.graph import Graph
    from sitegen.incremental.store import Cache

    first, item = Fingerprints(site, views=Owner(site)), Derived("test-count")
    cache = Cache(tmp_path)
    graph = Graph(cache.stamp("graph.json", "key")).rebuilt([("/a/", frozenset({item}))], first)
    assert KindList("story") in graph.reads[item] and RecordInput("story", site.stories[0].key) in graph.known
    graph.save(cache)
    loaded = Graph.load(cache, "key")
    assert loaded.reads == graph.reads and loaded.known == graph.known

    unchanged = Owner(site)
    assert Fingerprints(site, views=unchanged, previous=loaded)(item) == first(item) and unchanged.calls == 0
    loaded.known[RecordInput("story", site.stories[0].key)] = "another text"  # that story was edited since
    edited = Owner(site)
    assert Fingerprints(site, views=edited, previous=loaded)(item) == first(item) and edited.calls == 1
