"""The linked site's collections record every read (sitegen/link/recorded.py).

A record handed out records its presence, its fields the record, a walk the kind's list, a
relation one key or the whole relation, a site value itself."""

from __future__ import annotations

import pytest
from conftest import a_region

from sitegen.link.inputs import (
    KindList,
    Presence,
    RecordInput,
    Relation,
    SiteValue,
    recording,
    unrecorded,
)
from sitegen.link.site import Site


@pytest.fixture
def site(linked_small_site: Site) -> Site:
    return linked_small_site


def test_reading_the_site_records_what_was_read(site: Site) -> None:
    region = a_region(site)
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


def test_a_relation_records_one_key_or_the_whole_of_it(site: Site) -> None:
    with recording() as found:
        site.stories_of_tag.get("社区")
        "社区" in site.stories_of_tag  # noqa: B015
    assert found == {Relation("stories_of_tag", "社区")}
    with recording() as found:
        len(site.stories_of_tag)
    assert found == {Relation("stories_of_tag")}


def test_a_list_records_the_kind_and_a_lookup_the_presence(site: Site) -> None:
    with recording() as found:
        site.stories[0]  # noqa: B018
        len(site.pages)
    assert found == {KindList("story"), KindList("page")}
    with recording() as found:
        assert site.stories.get("no-such-story") is None
    assert found == {Presence("story", "no-such-story")}


def test_a_site_value_records_itself_once_read(site: Site) -> None:
    with recording() as found:
        site.coverage  # noqa: B018
    assert found == {SiteValue("coverage")}
