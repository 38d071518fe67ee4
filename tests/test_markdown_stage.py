"""The Markdown stage (sitegen/render/markdown_stage.py): every record's Markdown rendered once,
before templates run; warnings located in the record's file; the view hands the HTML out."""

from __future__ import annotations

from pathlib import Path

from conftest import copy_site

from sitegen.build import analyse
from sitegen.link.inputs import RecordInput, recording
from sitegen.link.site import Site
from sitegen.render.markdown_stage import markdown_texts, render_markdown


def _site(src: Path) -> Site:
    site = analyse(src).site
    assert site is not None
    return site


def test_every_description_and_body_is_rendered_once_by_kind_and_key(tmp_path: Path) -> None:
    site = _site(copy_site("small", tmp_path))
    texts = list(markdown_texts(site))
    kinds = [t.record.kind for t in texts]
    assert kinds == sorted(kinds, key=["association", "project", "story", "page"].index), "in kind order"
    rendered, problems = render_markdown(site)
    assert problems == []
    story = site.stories.get("story-1")
    assert '<h2 id="第一节">第一节</h2>' in rendered.html(story)
    with recording() as found:
        rendered.html(story)
    assert found == {RecordInput("story", "story-1")}, "handing out the HTML reads the record"


def test_a_warning_points_into_the_yaml_file_at_the_description(tmp_path: Path) -> None:
    src = copy_site("small", tmp_path)
    path = src / "content" / "projects" / "xihu-jinhui.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines = [line for line in lines if not line.startswith("description")]
    lines += ["description: |", "  第一行。", "  带 <script>x()</script> 的一行。"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _, problems = render_markdown(_site(src))
    (problem,) = problems
    assert problem.path == str(path) and problem.code == "unsafe-html"
    assert problem.line == len(lines) and problem.column == 5  # "  带 <script": indent 2, then 带 and a space


def test_a_parallel_render_gives_the_same_html(tmp_path: Path, monkeypatch) -> None:
    from sitegen import pool

    site = _site(copy_site("small", tmp_path))
    one, _ = render_markdown(site, jobs=1)
    monkeypatch.setattr(pool, "PARALLEL_MIN", 1)
    two, _ = render_markdown(site, jobs=2)
    for text in markdown_texts(site):
        assert one.html(text.record) == two.html(text.record)
