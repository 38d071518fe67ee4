"""The site map and making it (sitegen/render/pages.py): one job per output, each recording
what it read; template mistakes gathered into one diagnostic per place; unchanged outputs kept."""

from __future__ import annotations

from pathlib import Path

from conftest import copy_site

from sitegen.build import analyse
from sitegen.incremental.graph import Graph
from sitegen.link import urls
from sitegen.link.inputs import CONFIG, KindList, RecordInput, TemplateInput
from sitegen.link.site import Site
from sitegen.render.markdown_stage import render_markdown
from sitegen.render.pages import Reuse, plan, render_pages
from sitegen.render.views import Views


def _views(src: Path) -> tuple[Site, Views]:
    site = analyse(src).site
    assert site is not None
    markdown, _ = render_markdown(site)
    return site, Views(site, markdown)


def test_the_plan_has_one_job_per_output(tmp_path: Path) -> None:
    site, views = _views(copy_site("small", tmp_path))
    routes = [job.route for job in plan(site, views)]
    assert len(routes) == len(set(routes)), "no route planned twice"
    for route in (urls.HOME, urls.association("330106"), urls.project("xihu-jinhui"), urls.story("story-1"),
                  urls.stories_page(2), urls.page("about"), urls.SITEMAP, urls.NOT_FOUND, "data/projects.json"):  # fmt: skip
        assert route in routes, route
    assert urls.SEARCH not in routes, "search: false in this site"
    assert routes.index(urls.SITEMAP) > routes.index(urls.NOT_FOUND), "the sitemap comes after the pages it lists"


def test_each_output_records_what_it_read_and_nothing_else(tmp_path: Path) -> None:
    site, views = _views(copy_site("small", tmp_path))
    made = {a.route: a for a in render_pages(site, views).files}
    story = made[urls.story("story-1")].inputs
    assert {CONFIG, RecordInput("story", "story-1"), TemplateInput("story.html"), TemplateInput("base.html")} <= story
    assert RecordInput("story", "story-2") not in story, "a story's page does not read the other stories"
    assert KindList("story") in made[urls.STORIES].inputs


def test_a_template_mistake_is_one_diagnostic_for_all_the_pages_it_breaks(tmp_path: Path) -> None:
    src = copy_site("small", tmp_path)
    (src / "templates").mkdir()
    (src / "templates" / "story.html").write_text("<h1>{{ story.title }}</h1>\n{{ no_such_variable.x }}\n")
    site, views = _views(src)
    result = render_pages(site, views)
    (problem,) = result.diagnostics
    assert problem.path.endswith("story.html") and "另有 2 个页面" in problem.message
    assert not any(a.route.startswith("stories/story-") for a in result.files)


def test_with_the_previous_graph_unchanged_outputs_are_kept_from_out(tmp_path: Path) -> None:
    site, views = _views(copy_site("small", tmp_path))
    first = render_pages(site, views)
    out = tmp_path / "out"
    for artifact in first.files:
        target = out / artifact.file
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(artifact.content if isinstance(artifact.content, bytes) else artifact.content.data())
    graph = Graph("stamp").rebuilt(((a.route, a.inputs) for a in first.files), first.fingerprints)
    graph.note_written(out)
    site, views = _views(tmp_path / "src")
    again = render_pages(site, views, reuse=Reuse(graph, out))
    assert again.rendered == 0 and again.reused == sum(a.is_page for a in first.files)
    assert all(isinstance(a.content, Path) for a in again.files if a.is_page)
