"""Incremental builds: a rebuild after any edit equals a clean build of the same state, byte for
byte, and renders only the pages whose recorded inputs changed."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from conftest import ROOT, build_ok, copy_site

from sitegen.build import BuildResult
from sitegen.incremental.store import CACHE_DIR, GRAPH


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _assert_same_as_clean(src: Path, out: Path, tmp_path: Path, label: str) -> None:
    clean_src = tmp_path / f"clean-{label}"
    shutil.copytree(src, clean_src, ignore=shutil.ignore_patterns(CACHE_DIR))
    clean_out = tmp_path / f"clean-out-{label}"
    build_ok(clean_src, clean_out)
    incremental, clean = _tree(out), _tree(clean_out)
    assert incremental.keys() == clean.keys(), label
    differing = [name for name in clean if incremental[name] != clean[name]]
    assert not differing, f"{label}: incremental output differs from a clean build in {differing[:5]}"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _append(path: Path, text: str) -> None:
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(text)


STORY = "content/stories/binjiang-yexiao-panyifan.md"
ASSOCIATION = "content/associations/330108.yaml"
PROJECT = "content/projects/binjiang-shequ-yexiao.yaml"

NEW_STORY = """---
title: 新来的志愿者
date: 2024-06-21
summary: 一位新志愿者在社区夜校的第一堂课。
association: "330108"
project: binjiang-shequ-yexiao
tags: [社区, 新的标签]
---

第一次走进夜校教室，她有些紧张。
"""

NEW_ASSOCIATION = """region: "330127"
name: 杭州市淳安县青年志愿者协会
founded: 2021-05-04
supervisor: 共青团淳安县委员会
"""


def _template_override(src: Path) -> None:
    theme_story = ROOT / "themes" / "default" / "templates" / "story.html"
    target = src / "templates" / "story.html"
    target.parent.mkdir(exist_ok=True)
    text = theme_story.read_text(encoding="utf-8").replace("{% block content %}", "{% block content %}<p>本站改动</p>")
    target.write_text(text, encoding="utf-8")


# Each step edits the site as an editor would; after each the incremental build must equal a
# clean build. `most` bounds the pages the step may render again (None: no bound).
STEPS: list[tuple[str, Callable[[Path], None], int | None]] = [
    ("nothing", lambda s: None, 0),
    ("story-body", lambda s: _append(s / STORY, "\n课程结束后，学员们合影留念。\n"), 12),
    ("story-title", lambda s: _edit(s / STORY, "title: 程序员在社区夜校讲“认识AI”", "title: 程序员在社区夜校讲人工智能"), 30),
    ("association-name", lambda s: _edit(s / ASSOCIATION, "name: 杭州市滨江区青年志愿者协会", "name: 杭州市滨江区青年志愿者协会（新）"), None),
    ("association-volunteers", lambda s: _edit(s / ASSOCIATION, "registered: 41800", "registered: 41900"), None),
    ("project-moves", lambda s: _edit(s / PROJECT, 'association: "330108"', 'association: "330106"'), None),
    ("story-tags", lambda s: _edit(s / STORY, "tags: [AI, 社区, 金晖助老, 青年之家]", "tags: [AI, 社区]"), None),
    ("template", _template_override, None),
    ("template-again", lambda s: _edit(s / "templates/story.html", "<p>本站改动</p>", "<p>又改了</p>"), None),
    ("image-replaced", lambda s: shutil.copy(s / "static/img/photos/community-courtyard.jpg", s / "static/img/photos/beach-cleanup.jpg"), None),
    ("menu-page", lambda s: _edit(s / "content/pages/join.md", "title: 加入我们", "title: 加入志愿者队伍"), None),
    ("add-story", lambda s: (s / "content/stories/xin-zhiyuanzhe.md").write_text(NEW_STORY, encoding="utf-8"), None),
    ("add-association", lambda s: (s / "content/associations/330127.yaml").write_text(NEW_ASSOCIATION, encoding="utf-8"), None),
    ("delete-project", lambda s: (s / "content/projects/danzhou-guanai-xiaojudeng.yaml").unlink(), None),
    ("config", lambda s: _edit(s / "sitegen.yaml", "per_page: 10", "per_page: 7"), None),
]


def test_incremental_equals_clean_after_each_edit(tmp_path: Path) -> None:
    src = copy_site(ROOT, tmp_path)
    _append(src / "sitegen.yaml", "search: false\n")  # the index has its own tests; 28 builds here
    out = tmp_path / "out"
    first = build_ok(src, out)
    assert first.reused == 0
    for label, edit, most in STEPS:
        edit(src)
        result = build_ok(src, out)
        rendered = result.pages - result.reused
        if most is not None:
            assert rendered <= most, f"{label}: rendered {rendered} pages again, expected at most {most}"
        _assert_same_as_clean(src, out, tmp_path, label)
    assert "又改了" in (out / "stories" / "binjiang-yexiao-panyifan" / "index.html").read_text(encoding="utf-8")


def test_nothing_changed_renders_nothing_and_keeps_mtimes(tmp_path: Path) -> None:
    src = copy_site(ROOT, tmp_path)
    out = tmp_path / "out"
    build_ok(src, out)
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*.html")}
    again = build_ok(src, out)
    assert again.reused == again.pages > 100  # every HTML page, no rendering
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.html")} == before


def test_story_edit_renders_only_what_shows_the_story(tmp_path: Path) -> None:
    src = copy_site(ROOT, tmp_path)
    out = tmp_path / "out"
    build_ok(src, out)
    _append(src / STORY, "\n又一期课程开班了。\n")
    result = build_ok(src, out)
    rendered = set(result.graph) - _reused_routes(result)
    assert "stories/binjiang-yexiao-panyifan/" in rendered
    assert "associations/330106/" not in rendered  # another association's page


def _reused_routes(result: BuildResult) -> set[str]:
    return {artifact.route for artifact in result.files if isinstance(artifact.content, Path) and artifact.route in result.graph}


def test_page_changed_in_out_by_hand_is_rendered_again(tmp_path: Path) -> None:
    src = copy_site(ROOT, tmp_path)
    out = tmp_path / "out"
    build_ok(src, out)
    page = out / "about" / "index.html"
    original = page.read_bytes()
    page.write_bytes(b"tampered")
    result = build_ok(src, out)
    assert result.reused == result.pages - 1
    assert page.read_bytes() == original


def test_emptied_out_renders_everything(tmp_path: Path) -> None:
    src = copy_site(ROOT, tmp_path)
    out = tmp_path / "out"
    build_ok(src, out)
    shutil.rmtree(out)
    result = build_ok(src, out)
    assert result.reused == 0
    _assert_same_as_clean(src, out, tmp_path, "emptied")


def test_other_output_directory_does_not_reuse(tmp_path: Path) -> None:
    src = copy_site(ROOT, tmp_path)
    build_ok(src, tmp_path / "a")
    assert build_ok(src, tmp_path / "b").reused == 0


def test_unreadable_graph_means_a_full_render(tmp_path: Path) -> None:
    src = copy_site(ROOT, tmp_path)
    out = tmp_path / "out"
    build_ok(src, out)
    (src / CACHE_DIR / GRAPH).write_bytes(b"not json")
    assert build_ok(src, out).reused == 0


def test_parallel_incremental_equals_clean(tmp_path: Path, forked: list[int]) -> None:
    src = copy_site(ROOT, tmp_path)
    out = tmp_path / "out"
    build_ok(src, out, jobs=2)
    _edit(src / ASSOCIATION, "registered: 41800", "registered: 42000")
    started = len(forked)
    result = build_ok(src, out, jobs=2)
    assert len(forked) > started, "the rebuild rendered in forked workers"
    assert 0 < result.reused < result.pages
    _assert_same_as_clean(src, out, tmp_path, "parallel")
