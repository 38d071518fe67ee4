"""End-to-end: build the small fixture site and inspect the HTML and data it produces."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from conftest import broken_links, build_ok, parse_html, text_of

from sitegen.build import STAGE_IMAGES, STAGE_LOAD, STAGE_RENDER, STAGE_WRITE, build


def tree_digest(out: Path) -> dict[str, tuple[str, int]]:
    return {
        p.relative_to(out).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(out.rglob("*"))
        if p.is_file()
    }


def test_every_page_kind_is_built(small_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = build_ok(small_site, out)
    expected = [
        "index.html",
        "associations/index.html",
        "associations/330106/index.html",
        "associations/330108/index.html",  # dissolved: page remains
        "regions/330000/index.html",
        "regions/460000/index.html",
        "coverage/index.html",
        "models/index.html",
        "projects/index.html",
        "projects/xihu-jinhui/index.html",
        "brands/jinhui/index.html",
        "brands/yangguang/index.html",  # every configured brand, even empty
        "stories/index.html",
        "stories/page/2/index.html",
        "stories/story-1/index.html",
        "tags/jin-hui-zhu-lao/index.html",
        "tags/jin-hui-zhu-lao/page/2/index.html",
        "about/index.html",
        "404.html",
        "feed.xml",
        "sitemap.xml",
        "robots.txt",
        "data/associations.json",
        "data/associations.csv",
        "data/projects.json",
        "data/projects.csv",
        "data/coverage.json",
        "data/coverage.csv",
        "data/evaluation.json",
        "data/evaluation.csv",
        "evaluation/index.html",
        "img/a.svg",
        "assets/site.css",
    ]
    missing = [path for path in expected if not (out / path).is_file()]
    assert not missing
    assert result.pages == len(list(out.rglob("*.html")))
    assert all(p.relative_to(out).as_posix().isascii() for p in out.rglob("*"))


def test_internal_links_resolve_under_sub_path(small_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_ok(small_site, out)
    assert broken_links(out, "/volunteer/") == []
    # Root-relative links in Markdown are rebased onto the base path.
    story = (out / "stories/story-1/index.html").read_text(encoding="utf-8")
    assert 'href="/volunteer/associations/330106/"' in story


def test_base_url_override_moves_every_link(small_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_ok(small_site, out, base_url="https://volunteer.example.cn/")
    assert broken_links(out, "/") == []
    assert "https://volunteer.example.cn/stories/story-1/" in (out / "sitemap.xml").read_text()


def test_pages_are_chinese_and_escape_content(small_site: Path, tmp_path: Path) -> None:
    (small_site / "content/pages/about.md").write_text(
        "---\ntitle: 关于<script>alert(1)</script>\nmenu: 1\n---\n\n正文\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    build_ok(small_site, out)
    html = (out / "about/index.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_association_page_shows_ledger_and_hierarchy(small_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_ok(small_site, out)
    page = out / "associations/330106/index.html"
    text = text_of(page)
    for expected in ("浙江省", "杭州市", "基层志愿服务队", "北山街道青年志愿服务队", "骨干培训", "示范", "西湖金晖助老", "事迹 3"):
        assert expected in text
    links = parse_html(page).links
    assert "/volunteer/associations/330100/" in links  # parent association (席位制)
    assert "https://git.example.org/site/edit/main/content/associations/330106.yaml" in links
    city = text_of(out / "associations/330100/index.html")
    assert "杭州市西湖区青年志愿者协会" in city and "筹备中" in city  # members with status
    assert "滨江区" not in city  # dissolved associations leave member lists


def test_coverage_counts_milestones_inclusive(small_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_ok(small_site, out)
    data = json.loads((out / "data/coverage.json").read_text(encoding="utf-8"))
    zhejiang = next(p for p in data["provinces"] if p["region"] == "330000")
    assert len(data["provinces"]) == 31
    assert zhejiang["counties"] == 90
    # 330106 (founded on the milestone day) covers; 330108 dissolved 2021-01-01; 330110 preparing.
    assert zhejiang["covered"] == 1
    series = {p["date"]: p["covered"] for p in zhejiang["series"]}
    assert series["2020-12-31"] == 2
    assert series["2021-01-01"] == 1
    assert data["as_of"] == "2021-07-01"  # latest date in the content, not the clock
    assert data["national"]["covered"] == 1


def test_drafts_only_with_flag(small_site: Path, tmp_path: Path) -> None:
    draft = small_site / "content/stories/draft-one.md"
    draft.write_text("---\ntitle: 草稿事迹\ndate: 2021-08-01\ndraft: true\n---\n\n草稿\n", encoding="utf-8")
    out = tmp_path / "out"
    build_ok(small_site, out)
    assert not (out / "stories/draft-one").exists()
    build_ok(small_site, tmp_path / "out2", include_drafts=True)
    assert (tmp_path / "out2/stories/draft-one/index.html").is_file()


def test_builds_are_byte_identical(small_site: Path, tmp_path: Path) -> None:
    build_ok(small_site, tmp_path / "a")
    build_ok(small_site, tmp_path / "b")
    a = {k: v[0] for k, v in tree_digest(tmp_path / "a").items()}
    b = {k: v[0] for k, v in tree_digest(tmp_path / "b").items()}
    assert a == b


def test_failed_build_leaves_previous_output_untouched(small_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_ok(small_site, out)
    before = tree_digest(out)
    (small_site / "content/projects/xihu-jinhui.yaml").write_text("title: x\nassociation: '999999'\n", encoding="utf-8")
    result = build(small_site, out)
    assert not result.ok
    assert tree_digest(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "src"]


def test_rebuild_keeps_unchanged_files(small_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_ok(small_site, out)
    before = tree_digest(out)
    story = small_site / "content/stories/story-2.md"
    story.write_text(story.read_text(encoding="utf-8").replace("正文第 2 篇", "正文第二篇"), encoding="utf-8")
    result = build_ok(small_site, out)
    after = tree_digest(out)
    assert after["stories/story-2/index.html"] != before["stories/story-2/index.html"]
    assert after["associations/330000/index.html"] == before["associations/330000/index.html"]
    assert result.stats is not None and result.stats.linked > 0


def test_site_templates_and_static_override_the_theme(small_site: Path, tmp_path: Path) -> None:
    (small_site / "templates").mkdir()
    (small_site / "templates/page.html").write_text(
        '{% extends "base.html" %}{% block content %}<p class="custom">自定义：{{ page.title }}</p>{% endblock %}',
        encoding="utf-8",
    )
    (small_site / "static/assets").mkdir()
    (small_site / "static/assets/site.css").write_text("body{}", encoding="utf-8")
    out = tmp_path / "out"
    build_ok(small_site, out)
    assert '<p class="custom">自定义：关于我们</p>' in (out / "about/index.html").read_text(encoding="utf-8")
    assert (out / "assets/site.css").read_text() == "body{}"
    assert (out / "assets/logo.svg").is_file()  # the rest still comes from the default theme


def test_unknown_theme_is_a_config_error(small_site: Path, tmp_path: Path) -> None:
    config = small_site / "sitegen.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text + "theme: fancy\n", encoding="utf-8")
    result = build(small_site, tmp_path / "out")
    assert [(d.code, d.line) for d in result.diagnostics] == [("config", text.count("\n") + 1)]


def test_symlinks_out_of_the_site_are_refused(small_site: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("machine secret", encoding="utf-8")
    (small_site / "static/leak.txt").symlink_to(secret)
    (small_site / "content/pages/leak.md").symlink_to(secret)
    result = build(small_site, tmp_path / "out")  # one run reports both (issue 12)
    assert sorted((Path(d.path).name, d.code) for d in result.diagnostics) == [("leak.md", "file-name"), ("leak.txt", "missing-file")]
    (small_site / "content/pages/leak.md").unlink()
    result = build(small_site, tmp_path / "out")
    assert [(Path(d.path).name, d.code) for d in result.diagnostics] == [("leak.txt", "missing-file")]
    assert not result.ok and not (tmp_path / "out").exists()


def test_build_reports_progress(small_site: Path, tmp_path: Path) -> None:
    seen: list[tuple[str, int, int]] = []
    result = build(small_site, tmp_path / "out", progress=lambda *event: seen.append(event))
    stages = [stage for stage, done, total in seen if total == 0]
    assert stages == [STAGE_LOAD, STAGE_IMAGES, STAGE_RENDER, STAGE_WRITE]
    pages = [(done, total) for stage, done, total in seen if total]
    assert [done for done, _ in pages] == list(range(1, len(pages) + 1))
    assert pages[-1][0] == pages[-1][1] >= result.pages


def test_parallel_rendering_is_byte_identical_on_the_demo(tmp_path: Path, forked: list[int]) -> None:
    from conftest import ROOT

    serial = build_ok(ROOT, tmp_path / "serial", jobs=1)
    assert not forked
    parallel = build_ok(ROOT, tmp_path / "parallel", jobs=2)
    assert forked, "the parallel build forked workers"
    assert parallel.pages == serial.pages > 100
    assert {k: v for k, (v, _) in tree_digest(tmp_path / "parallel").items()} == {
        k: v for k, (v, _) in tree_digest(tmp_path / "serial").items()
    }


def test_parallel_rendering_reports_template_errors_like_serial(small_site: Path, tmp_path: Path, forked: list[int]) -> None:
    templates = small_site / "templates"
    templates.mkdir(exist_ok=True)
    (templates / "story.html").write_text("{{ no_such_variable.x }}\n", encoding="utf-8")
    serial = build(small_site, tmp_path / "serial", jobs=1)
    parallel = build(small_site, tmp_path / "parallel", jobs=2)
    assert not parallel.ok and forked
    assert [d.format_text() for d in parallel.diagnostics] == [d.format_text() for d in serial.diagnostics]


def test_markdown_in_processes_equals_one_process(forked: list[int]) -> None:
    from conftest import ROOT

    from sitegen.build import analyse
    from sitegen.render.markdown_stage import render_markdown

    site = analyse(ROOT).site
    assert site is not None
    records = [*site.associations.values(), *site.projects.values(), *site.stories, *site.pages]
    (serial, serial_problems), (parallel, parallel_problems) = render_markdown(site, jobs=1), render_markdown(site, jobs=2)
    assert forked and parallel_problems == serial_problems
    assert [parallel.html(r) for r in records] == [serial.html(r) for r in records]
