"""Artifacts (sitegen/render/artifact.py): what rendering hands the writer."""

from __future__ import annotations

from pathlib import Path

from sitegen.link.inputs import RecordInput
from sitegen.render.artifact import Artifact, Deflated, DuplicateRoute


def test_an_artifact_knows_its_file_and_whether_it_is_a_page() -> None:
    assert Artifact("stories/x/", b"<html>").file == "stories/x/index.html"
    assert Artifact("", b"").is_page
    assert not Artifact("data/projects.json", b"[]").is_page
    assert Artifact("img/a.png", Path("/static/img/a.png")).file == "img/a.png"


def test_inputs_do_not_make_two_artifacts_different() -> None:
    """What an output read is bookkeeping: two artifacts of one route and content are equal."""
    made = Artifact("stories/x/", b"<html>", frozenset({RecordInput("story", "x")}))
    assert made == Artifact("stories/x/", b"<html>")
    assert made.inputs == {RecordInput("story", "x")}


def test_deflated_content_comes_back_as_it_went_in() -> None:
    page = "<p>志愿服务</p>".encode() * 1000
    kept = Deflated(page)
    assert kept.data() == page and len(kept.blob) < len(page) // 10


def test_a_duplicate_route_names_the_file() -> None:
    problem = DuplicateRoute("about/index.html")
    assert problem.file == "about/index.html" and "about/index.html" in str(problem)
