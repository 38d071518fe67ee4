"""Markdown to safe HTML (sitegen.render.markdown_render) and the joining of Chinese lines
(sitegen.render.markdown_cjk)."""

from __future__ import annotations

import pytest

from sitegen.diagnostics import Severity
from sitegen.render.markdown_render import MarkdownRenderer


@pytest.fixture(scope="module")
def renderer() -> MarkdownRenderer:
    return MarkdownRenderer()


@pytest.fixture(scope="module")
def sub_renderer() -> MarkdownRenderer:
    return MarkdownRenderer("/volunteer/")


def test_chinese_heading_gets_chinese_id(renderer: MarkdownRenderer) -> None:
    html, diags = renderer.render("## 活动介绍\n\n正文")
    assert '<h2 id="活动介绍">活动介绍</h2>' in html
    assert diags == []


def test_cjk_line_break_is_joined(renderer: MarkdownRenderer) -> None:
    html, _ = renderer.render("我们的志愿者\n每周六上午，\n到社区服务。")
    assert "<p>我们的志愿者每周六上午，到社区服务。</p>" in html


def test_english_line_break_keeps_a_space(renderer: MarkdownRenderer) -> None:
    html, _ = renderer.render("hello\nworld\n\n中文\nEnglish")
    assert "hello\nworld" in html
    assert "中文\nEnglish" in html


def test_cjk_join_in_blockquote_list_and_across_inline_markup(renderer: MarkdownRenderer) -> None:
    html, _ = renderer.render("> 第一行\n> 第二行\n\n- 列表**强调**\n  继续")
    assert "<p>第一行第二行</p>" in html
    assert "<li>列表<strong>强调</strong>继续</li>" in html


def test_cjk_join_leaves_code_alone(renderer: MarkdownRenderer) -> None:
    html, _ = renderer.render("```\n中文\n中文\n```\n\n    缩进\n    代码\n")
    assert "中文\n中文" in html
    assert "缩进\n代码" in html


def test_table_alignment(renderer: MarkdownRenderer) -> None:
    html, diags = renderer.render("| 左 | 中 | 右 |\n|:--|:-:|--:|\n| 1 | 2 | 3 |\n")
    assert '<th style="text-align:left">左</th>' in html
    assert '<th style="text-align:center">中</th>' in html
    assert '<td style="text-align:right">3</td>' in html
    assert diags == []


def test_script_removed_with_warning_at_line_and_column(renderer: MarkdownRenderer) -> None:
    text = "第一段\n\n前文 <script>alert(1)</script> 后文\n"
    html, diags = renderer.render(text, "content/stories/a.md", first_line=6)
    assert "script" not in html
    assert "alert" not in html
    assert "前文" in html and "后文" in html
    assert len(diags) == 1
    d = diags[0]
    assert (d.path, d.line, d.column, d.code) == ("content/stories/a.md", 8, 4, "unsafe-html")
    assert d.severity == Severity.WARNING
    assert "script" in d.message


def test_block_script_and_event_attribute(renderer: MarkdownRenderer) -> None:
    text = '<script>x()</script>\n\n<img src="a.png" onerror="x()" alt="图">\n'
    html, diags = renderer.render(text, "p.md")
    assert "x()" not in html
    assert '<img src="a.png" alt="图">' in html
    assert [(d.line, d.column) for d in diags] == [(1, 1), (3, 18)]
    assert "onerror" in diags[1].message


@pytest.mark.parametrize(
    "link",
    [
        "[点我](javascript:alert(1))",
        "[点我](JaVaScRiPt:alert(1))",
        "[点我](&#106;avascript:alert(1))",
        "[点我](vbscript:msgbox)",
        "![图](data:image/png;base64,AAAA)",
        '<a href="&#106;avascript:alert(1)">点我</a>',
        '<a href="java&#x09;script:alert(1)">点我</a>',
        "[点我][r]\n\n[r]: javascript:alert(1)",
    ],
)
def test_dangerous_links_dropped_and_warned(renderer: MarkdownRenderer, link: str) -> None:
    html, diags = renderer.render(link)
    assert "alert" not in html and "msgbox" not in html and "data:" not in html
    assert "href=" not in html and "src=" not in html
    assert len(diags) == 1
    assert diags[0].code == "unsafe-html"


def test_safe_links_and_allowed_html_give_no_warning(renderer: MarkdownRenderer) -> None:
    text = (
        "见 <https://example.org/> 和 [邮件](mailto:a@b.cn)、[电话](tel:12345)。\n"
        "H<sub>2</sub>O，10<sup>3</sup><br>换行 <strong>粗</strong>\n\n"
        "![图](img/a.png){: .wide }\n"
    )
    html, diags = renderer.render(text)
    assert diags == []
    assert '<a href="https://example.org/" rel="noopener noreferrer">' in html
    assert '<a href="mailto:a@b.cn">' in html
    assert "<sub>2</sub>" in html and "<sup>3</sup>" in html and "<br>" in html
    assert 'class="wide"' in html


def test_unknown_tag_removed_keeps_text(renderer: MarkdownRenderer) -> None:
    html, diags = renderer.render('文字 <span style="color:red">红字</span>')
    assert "<span" not in html and "红字" in html
    assert len(diags) == 1 and "span" in diags[0].message


def test_root_relative_urls_are_rebased(sub_renderer: MarkdownRenderer) -> None:
    text = (
        "[关于](/about/) ![图](/img/a.png) [相对](img/b.png) [外部](https://x.org/a) "
        "[协议相对](//cdn.example.org/x.js) [锚点](#top)\n\n"
        '<img src="/img/c.png" alt="c">'
    )
    html, _ = sub_renderer.render(text)
    assert 'href="/volunteer/about/"' in html
    assert 'src="/volunteer/img/a.png"' in html
    assert 'src="/volunteer/img/c.png"' in html
    assert 'href="img/b.png"' in html
    assert '<a href="https://x.org/a" rel="noopener noreferrer">' in html
    assert 'href="//cdn.example.org/x.js"' in html
    assert 'href="#top"' in html
    assert "/volunteer//" not in html


def test_root_base_path_leaves_urls(renderer: MarkdownRenderer) -> None:
    html, _ = renderer.render("[关于](/about/)")
    assert '<a href="/about/">关于</a>' in html


def test_code_containing_script_is_escaped_without_warning(renderer: MarkdownRenderer) -> None:
    text = (
        "示例 `<script>alert(1)</script>` 行内。\n\n"
        "```html\n<script>alert(2)</script>\n<iframe src=x></iframe>\n```\n\n"
        "    <object data=x></object>\n"
    )
    html, diags = renderer.render(text)
    assert diags == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html
    assert "&lt;object data=x&gt;" in html
    assert "<script" not in html and "<iframe" not in html and "<object" not in html


def test_link_syntax_inside_code_gives_no_warning(renderer: MarkdownRenderer) -> None:
    text = "写法示例：`[x](javascript:alert(1))`\n\n```\n[y](data:text/html,hi)\n```\n"
    html, diags = renderer.render(text)
    assert diags == []
    assert "[x](javascript:alert(1))" in html


def test_warning_after_fenced_code_has_right_line(renderer: MarkdownRenderer) -> None:
    text = "```\n<script>\n```\n\n<iframe src='https://x.org'></iframe>\n"
    _, diags = renderer.render(text, "s.md", first_line=10)
    assert [(d.line, d.column) for d in diags] == [(14, 1)]
    assert "iframe" in diags[0].message


def test_crlf_input(renderer: MarkdownRenderer) -> None:
    html, diags = renderer.render("第一行\r\n第二行\r\n\r\n<script>x</script>", "a.md")
    assert "<p>第一行第二行</p>" in html
    assert [(d.line, d.column) for d in diags] == [(4, 1)]


def test_render_is_deterministic_and_instance_is_reset(renderer: MarkdownRenderer) -> None:
    text = "## 标题\n\n## 标题\n\n正文<script>x</script>\n"
    first = renderer.render(text, "a.md")
    renderer.render("# 别的\n\n<b>x</b>")
    second = renderer.render(text, "a.md")
    assert first == second
    # toc's unique ids restart for every document
    assert 'id="标题"' in first[0] and 'id="标题_1"' in first[0]
    assert 'id="标题_2"' not in first[0]


def test_invalid_base_path_rejected() -> None:
    with pytest.raises(ValueError):
        MarkdownRenderer("volunteer")
