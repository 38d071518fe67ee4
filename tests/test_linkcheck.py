"""broken-link: links and images in Markdown lead to a page, file or anchor of the site.
The broken cases and their exact locations are in tests/sites_invalid/broken-link/."""

from __future__ import annotations

from pathlib import Path

from conftest import build_ok
from test_link import association, write

from sitegen.build import build
from sitegen.render.linkcheck import resolve

GOOD = """---
title: 事迹
date: 2024-05-01
association: "330106"
---

## 活动安排

[协会](/associations/330106/) [无斜杠](/associations/330106) [子路径](/volunteer/associations/330106/)
[子路径无斜杠](/volunteer/associations/330106) [index](/associations/330106/index.html)
[评估](/associations/330106/#evaluation) [本页](#活动安排) [编码的锚点](#%E6%B4%BB%E5%8A%A8%E5%AE%89%E6%8E%92)
[关于](/about/) [关于无斜杠](/about) [首页](/) [子路径首页](/volunteer/) [覆盖率](/coverage/)
[数据](/data/associations.csv) [订阅](/feed.xml) [图](/img/a.png) ![图](/volunteer/img/a.png)
[相对](../../associations/330106/) [名录](/associations/#p-330000)
"""


def good_site(root: Path) -> Path:
    src = write(
        root,
        {
            "content/associations/330106.yaml": association("330106"),
            "content/stories/good.md": GOOD,
            "content/pages/about.md": "---\ntitle: 关于\n---\n\n正文。\n",
        },
    )
    (src / "sitegen.yaml").write_text("title: t\nbase_url: https://example.org/volunteer/\nsearch: false\n", encoding="utf-8")
    (src / "static/img").mkdir(parents=True)
    (src / "static/img/a.png").write_bytes(b"not really a png")
    return src


def test_links_to_what_exists_pass_and_keep_one_base_path(tmp_path: Path) -> None:
    src, out = good_site(tmp_path / "src"), tmp_path / "out"
    result = build_ok(src, out)
    assert [d for d in result.diagnostics if d.code == "broken-link"] == []
    page = (out / "stories/good/index.html").read_text(encoding="utf-8")
    assert 'href="/volunteer/associations/330106/"' in page  # rebased once…
    assert "/volunteer/volunteer/" not in page  # …never twice when the editor wrote the base path
    # an incremental rebuild checks anchors in the pages it keeps from OUT as well
    story = src / "content/stories/good.md"
    story.write_text(story.read_text(encoding="utf-8") + "\n[缺](/associations/330106/#no-such)\n", encoding="utf-8")
    again = build(src, out)
    assert [(d.line, d.code) for d in again.diagnostics] == [(16, "broken-link")]


def test_a_link_to_a_draft_warns(tmp_path: Path) -> None:
    src = good_site(tmp_path / "src")
    (src / "content/stories/later.md").write_text("---\ntitle: l\ndate: 2024-01-01\ndraft: true\n---\n", encoding="utf-8")
    story = src / "content/stories/good.md"
    story.write_text(story.read_text(encoding="utf-8") + "\n[以后](/stories/later/)\n", encoding="utf-8")
    result = build_ok(src, tmp_path / "out")
    assert [(d.severity.value, d.line, d.code) for d in result.diagnostics] == [("warning", 16, "broken-link")]


def test_resolve() -> None:
    files = {"index.html": b"", "about/index.html": b"", "img/a.png": b"", "stories/a/index.html": b""}
    assert resolve("https://example.com/", "stories/a/", "/", files) is None
    assert resolve("mailto:a@b.c", "stories/a/", "/", files) is None
    assert resolve("//cdn.example.com/x.js", "stories/a/", "/", files) is None
    assert resolve("/about", "stories/a/", "/", files).file == "about/index.html"
    assert resolve("/v/about/", "stories/a/", "/v/", files).file == "about/index.html"
    assert resolve("/v", "stories/a/", "/v/", files).file == "index.html"
    assert resolve("#top", "stories/a/", "/", files).file == "stories/a/index.html"
    assert resolve("../../img/a.png", "stories/a/", "/", files).file == "img/a.png"
    assert resolve("/img/b.png", "stories/a/", "/", files).file is None
