"""Hostile input, round two: each class of attack or careless edit, tried several ways.

A class is fixed once, where the input enters (a field type, the sanitizer's scan, the
privacy reader, the writer's guard), and these tests try it the ways an attacker or an editor
would. SECURITY.md names the test of each class.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tracemalloc
import typing
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import build_ok
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from sitegen.build import build, check
from sitegen.cli import main
from sitegen.diagnostics import error, format_github, format_json
from sitegen.domain import privacy
from sitegen.load import sources
from sitegen.load.config import SiteConfig
from sitegen.load.models import MODELS
from sitegen.render import markdown_render

STORY = Path("content/stories/story-1.md")
ASSOCIATION = Path("content/associations/330106.yaml")
FRONT = '---\ntitle: 事迹 1\ndate: 2021-01-15\nassociation: "330106"\nproject: xihu-jinhui\n---\n'


def errors(result, code: str | None = None) -> list:
    return [d for d in result.diagnostics if d.is_error and (code is None or d.code == code)]


def shown(result) -> str:
    return "\n".join(d.format_text() for d in result.diagnostics)


# --- Script on the site's origin: URL-valued fields ---------------------------------------------


def _link_fields(model: type[BaseModel], prefix: tuple[str, ...] = ()) -> typing.Iterator[tuple[tuple[str, ...], bool]]:
    """(location, has the Link type) of every field that holds a web address, found from the
    model itself: its name says url/website/link/href, or its title says 网址 or 链接."""
    for name, info in model.model_fields.items():
        args = typing.get_args(info.annotation) or (info.annotation,)
        for arg in args:
            inner = typing.get_args(arg)[0] if typing.get_origin(arg) is list else arg
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                yield from _link_fields(inner, (*prefix, name))
        words = f"{name} {info.title or ''}"
        if any(w in words for w in ("url", "website", "href", "link", "网址", "链接")) and name != "base_url":
            if name == "path" and "网址" not in (info.title or ""):
                continue
            schema = model.model_json_schema()["properties"][name]
            yield (*prefix, name), "uri-reference" in repr(schema)


def test_every_field_that_holds_a_web_address_has_the_link_type() -> None:
    found = [field for model in [*MODELS.values(), SiteConfig] for field in _link_fields(model)]
    names = {loc for loc, _ in found}
    assert {("contact", "website"), ("governance", "disclosure_url"), ("registration", "annual_reports", "url"), ("edit_url",), ("data_license", "path")} <= names
    assert [loc for loc, typed in found if not typed] == []


HOSTILE_URLS = {
    "plain": "javascript:alert(1)",
    "mixed-case-leading-spaces": "   JaVaScRiPt:alert(1)",
    "decimal-entity": "&#106;avascript:alert(1)",
    "hex-entity-tab": "jav&#x09;ascript:alert(1)",
    "named-entity-tab": "java&Tab;script:alert(1)",
    "yaml-escaped-tab": "java\\tscript:alert(1)",
    "yaml-escaped-control": "\\x01javascript:alert(1)",
    "zero-width": "\\u200bjavascript:alert(1)",
    "data": "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript": "vbscript:msgbox(1)",
    "no-scheme": "example.org/xxgk",
}
LINK_FIELDS = {
    "website": ('contact: {{phone: 0571-87000000, website: "{url}"}}\n', "contact: {address: 西湖区文三路 1 号, phone: 0571-87000000}\n"),
    "disclosure": ('governance: {{charter: true, disclosure_url: "{url}"}}\n', "governance: {charter: true, party_org: true, league_org: true}\n"),
    "annual-report": ('registration: {{annual_reports: [{{year: 2021, url: "{url}"}}]}}\n', None),
}


@pytest.mark.parametrize("variant", sorted(HOSTILE_URLS))
@pytest.mark.parametrize("field", sorted(LINK_FIELDS))
def test_hostile_links_in_record_fields_are_located_errors(field: str, variant: str, small_site: Path) -> None:
    line, replaced = LINK_FIELDS[field]
    path = small_site / ASSOCIATION
    text = path.read_text(encoding="utf-8")
    text = text.replace(replaced, "") if replaced else text
    path.write_text(text + line.format(url=HOSTILE_URLS[variant]), encoding="utf-8")
    found = [d for d in errors(check(small_site)) if d.path.endswith("330106.yaml")]
    assert [(d.code, d.line) for d in found] == [("invalid-value", len(text.splitlines()) + 1)], shown(check(small_site))


@pytest.mark.parametrize("variant", ["plain", "decimal-entity", "yaml-escaped-tab", "data", "no-scheme"])
def test_hostile_edit_url_is_a_config_error(variant: str, small_site: Path) -> None:
    config = small_site / "sitegen.yaml"
    text = config.read_text(encoding="utf-8").replace("edit_url: https://git.example.org/site/edit/main/", f'edit_url: "{HOSTILE_URLS[variant]}"')
    config.write_text(text, encoding="utf-8")
    found = errors(check(small_site), "config")
    assert [d.line for d in found] == [3], shown(check(small_site))


@pytest.mark.parametrize("url", ["https://example.org/xxgk/", "http://example.org", "mailto:xh@example.org", "tel:0571-87000000", "/pages/about/"])
def test_safe_links_are_published(url: str, small_site: Path, tmp_path: Path) -> None:
    path = small_site / ASSOCIATION
    text = path.read_text(encoding="utf-8").replace("contact: {address: 西湖区文三路 1 号, phone: 0571-87000000}\n", "")
    path.write_text(text + f'contact: {{phone: 0571-87000000, website: "{url}"}}\n', encoding="utf-8")
    build_ok(small_site, tmp_path / "out")
    page = (tmp_path / "out/associations/330106/index.html").read_text(encoding="utf-8")
    assert f'href="{url}"' in page


# --- Script on the site's origin: SVG files -----------------------------------------------------

SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 4 4">{}</svg>'
HOSTILE_SVGS = {
    "script": SVG.format("<script>alert(document.domain)</script>"),
    "onload": '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    "onload-upper-case": '<svg xmlns="http://www.w3.org/2000/svg"><rect ONCLICK="alert(1)" width="1" height="1"/></svg>',
    "javascript-link": SVG.format('<a xlink:href=" jav&#x09;ascript:alert(1)"><text>x</text></a>'),
    "foreign-object": SVG.format('<foreignObject><p xmlns="http://www.w3.org/1999/xhtml">x</p></foreignObject>'),
    "xhtml-script": SVG.format('<h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script>'),
    "animated-href": SVG.format('<a><set attributeName="href" to="javascript:alert(1)"/><text>x</text></a>'),
    "entity-bomb": '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>' + SVG.format("<text>&b;</text>"),
    "xslt": '<?xml-stylesheet type="text/xsl" href="/x.xsl"?>' + SVG.format(""),
    "tracker-image": SVG.format('<image href="https://tracker.example/pixel.gif" width="1" height="1"/>'),
    "css-import": SVG.format("<style>@import url(https://evil.example/x.css);</style>"),
    "not-xml": "<svg><script>alert(1)</svg>",
}


@pytest.mark.parametrize("variant", sorted(HOSTILE_SVGS))
def test_hostile_svg_is_refused_and_out_keeps_the_old_site(variant: str, small_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_ok(small_site, out)
    before = (out / "img/a.svg").read_bytes()
    (small_site / "static/img/a.svg").write_text(HOSTILE_SVGS[variant], encoding="utf-8")
    result = build(small_site, out)
    found = [d for d in errors(result, "unsafe-file")]
    assert [Path(d.path).name for d in found] == ["a.svg"], shown(result)
    assert (out / "img/a.svg").read_bytes() == before


def test_a_drawing_from_an_editor_passes(small_site: Path, tmp_path: Path) -> None:
    drawing = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" '
        'xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 8 8">'
        '<sodipodi:namedview inkscape:zoom="1"/><defs><linearGradient id="g"><stop offset="0" stop-color="red"/></linearGradient></defs>'
        '<style>.a{fill:url(#g)}</style><use xlink:href="#r"/><rect id="r" class="a" width="8" height="8"/>'
        '<a href="https://example.org/"><text>协会</text></a></svg>'
    )
    (small_site / "static/img/a.svg").write_text(drawing, encoding="utf-8")
    build_ok(small_site, tmp_path / "out")


# --- Script on the site's origin: attr_list ------------------------------------------------------

ATTR_LISTS = {
    "heading": ("## 标题 {: onclick=\"alert(1)\" }", "onclick"),
    "paragraph": ("一段话\n{: onmouseover=alert(1) }", "onmouseover"),
    "link-href": ("[点我](/about/){: href=\"javascript:alert(1)\" }", "javascript:"),
    "image": ("![图](/img/a.svg){ onerror=alert(1) }", "onerror"),
    "style": ("一段话\n{: style=\"position:fixed;top:0\" }", "position:fixed"),
    "unknown-attribute": ("一段话\n{: formaction=\"https://evil.example/\" }", "formaction"),
}


@pytest.mark.parametrize("variant", sorted(ATTR_LISTS))
def test_dangerous_attr_list_attributes_warn_at_their_line(variant: str, small_site: Path, tmp_path: Path) -> None:
    source, needle = ATTR_LISTS[variant]
    (small_site / STORY).write_text(FRONT + "\n第一段。\n\n" + source + "\n\n最后一段。\n", encoding="utf-8")
    result = build_ok(small_site, tmp_path / "out")
    warnings = [d for d in result.diagnostics if d.code == "unsafe-html" and d.path.endswith("story-1.md")]
    last = 10 + source.count("\n")
    assert warnings and all(10 <= d.line <= last for d in warnings), shown(result)
    page = (tmp_path / "out/stories/story-1/index.html").read_text(encoding="utf-8")
    assert needle not in page and "最后一段" in page


# --- Personal numbers, however they are written --------------------------------------------------

MOBILE = "13800138000"
RESIDENT_ID = "11010519491231002X"
FULL_WIDTH = str.maketrans("0123456789X-", "０１２３４５６７８９Ｘ－")
# What may stand between two digits of a number and hide it from a plain pattern
HIDERS = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u3000", "\u202e", "**", "_", "<span>", "</span>", "<!-- 注 -->", "&#8203;", "  \n", "\\\n", "\n"]


def _disguise(number: str, spots: list[tuple[int, str]], wide: list[bool], entity: int | None) -> str:
    chars = [c.translate(FULL_WIDTH) if w else c for c, w in zip(number, wide, strict=False)]
    if entity is not None:  # one digit as a character reference, decimal or hexadecimal
        chars[entity] = f"&#{ord(chars[entity])};" if entity % 2 else f"&#x{ord(chars[entity]):x};"
    for spot, hider in sorted(spots, reverse=True):
        chars.insert(spot, hider)
    return "".join(chars)


@st.composite
def disguised(draw: st.DrawFn) -> tuple[str, str]:
    number = draw(st.sampled_from([MOBILE, RESIDENT_ID, "4111111111111111"]))
    spots = draw(st.lists(st.tuples(st.integers(1, len(number) - 1), st.sampled_from(HIDERS)), max_size=4))
    wide = draw(st.lists(st.booleans(), min_size=len(number), max_size=len(number)))
    entity = draw(st.integers(0, len(number) - 1)) if draw(st.booleans()) else None
    return number, _disguise(number, spots, wide, entity)


@settings(max_examples=300, deadline=None)
@given(disguised(), st.sampled_from(["联系：{}。", "{}", "电话 {} 转", "| {} |"]))
def test_disguised_numbers_in_a_body_are_found(case: tuple[str, str], around: str) -> None:
    _number, text = case
    body = "第一段。\n\n" + around.format(text) + "\n"
    found = privacy.scan(FRONT + body, "story.md")
    assert len(found) == 1, (text, [d.message for d in found])
    assert found[0].line >= 9  # the number's own line (or the line it starts on)


YAML_SPELLINGS = {
    "full-width": "summary: 联系１３８００１３８０００\n",
    "ideographic-spaces": "summary: 联系 138　0013　8000\n",
    "zero-width": "summary: 联系 138\u200b0013\u200b8000\n",
    "soft-hyphen": "summary: 联系 138\u00ad0013\u00ad8000\n",
    "unicode-escapes": 'summary: "联系 \\u0031\\u0033\\u0038\\u0030\\u0030\\u0031\\u0033\\u0038\\u0030\\u0030\\u0030"\n',
    "hex-escapes": 'summary: "联系 \\x31\\x33\\x38\\x30\\x30\\x31\\x33\\x38\\x30\\x30\\x30"\n',
    "escaped-newline": 'summary: "联系 1380013\\\n  8000"\n',
    "folded": "summary: >\n  联系 1380013\n  8000\n",
    "plain-multiline": "summary: 联系 1380013\n  8000\n",
    "flow-mapping": "volunteer: {name: 李华, star: 1}\ntags: [手机13800138000]\n",
}


@pytest.mark.parametrize("variant", sorted(YAML_SPELLINGS))
def test_numbers_written_with_yaml_and_input_methods_are_found(variant: str, small_site: Path) -> None:
    front = FRONT.replace("volunteer: {name: 李华, star: 1}\n", "") if variant == "flow-mapping" else FRONT
    text = "---\n" + YAML_SPELLINGS[variant] + front.removeprefix("---\n")
    (small_site / STORY).write_text(text + "\n正文。\n", encoding="utf-8")
    found = [d for d in errors(check(small_site), "privacy") if d.path.endswith("story-1.md")]
    line = 3 if variant in ("folded", "flow-mapping") else 2  # where the number's first digit is
    assert len(found) == 1 and found[0].line == line, shown(check(small_site))


def test_a_mobile_beside_the_official_phone_in_a_flow_mapping_is_found(small_site: Path) -> None:
    path = small_site / ASSOCIATION
    text = path.read_text(encoding="utf-8").replace(
        "contact: {address: 西湖区文三路 1 号, phone: 0571-87000000}", "contact: {phone: 13900139000, address: 手机13800138000}"
    )
    path.write_text(text, encoding="utf-8")
    found = [d for d in errors(check(small_site), "privacy") if d.path.endswith("330106.yaml")]
    assert len(found) == 1 and "138******00" in found[0].message, shown(check(small_site))


@pytest.mark.parametrize("name", ["13800138000", "１３８００１３８０００", "tel-138-0013-8000", "11010519491231002x"])
def test_numbers_in_file_names_are_found(name: str, small_site: Path) -> None:
    (small_site / STORY).rename(small_site / "content/stories" / f"{name}.md")
    found = [d for d in errors(check(small_site), "privacy") if name in d.path]
    assert len(found) == 1 and "文件名" in found[0].message


@pytest.mark.parametrize(
    "name",
    ["bai-yun-qu-520113-20200922-102", "2020-09-22-330106-0012-3", "xihu_330106_2024_1201_story"],
)
def test_codes_dates_and_serials_in_a_slug_are_not_a_number(name: str, small_site: Path) -> None:
    (small_site / STORY).rename(small_site / "content/stories" / f"{name}.md")
    assert privacy.scan_name(f"content/stories/{name}.md", "f") == []
    assert privacy.scan_name("content/stories/card-6222-0202-0000-1235.md", "f")  # grouped in 4s: found


def test_dates_codes_and_numbers_of_a_real_site_pass() -> None:
    text = "founded: 2021-01-01\ncredit_code: 51330106MJ8765432X\nphone: 0571-87654321\nvolunteers: 1200\n2021\n2022\n**2021**年\n"
    assert privacy.scan(text, "f") == []


# --- Files outside OUT ------------------------------------------------------------------------


def _tree(path: Path) -> dict[str, bytes]:
    return {p.relative_to(path).as_posix(): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


def test_out_linked_into_the_repository_is_refused(small_site: Path, tmp_path: Path) -> None:
    git = small_site / ".git"
    git.mkdir()
    (git / "HEAD").write_text("ref: refs/heads/main\n")
    (tmp_path / "link").symlink_to(git)
    (tmp_path / "parent-link").symlink_to(small_site)
    for out in (tmp_path / "link", tmp_path / "parent-link" / ".git"):
        result = CliRunner().invoke(main, ["build", "-s", str(small_site), "-o", str(out), "-q"])
        assert result.exit_code == 2 and ".git" in result.output, result.output
    assert (git / "HEAD").read_text() == "ref: refs/heads/main\n"


@pytest.mark.parametrize("how", ["folder", "symlink", "parent-symlink"])
def test_a_folder_sitegen_did_not_write_is_never_replaced_without_force(how: str, small_site: Path, tmp_path: Path) -> None:
    other = tmp_path / "photos"
    other.mkdir()
    (other / "family.jpg").write_bytes(b"\xff\xd8 precious")
    out = {"folder": other, "symlink": tmp_path / "out", "parent-symlink": tmp_path / "via" / "photos"}[how]
    if how == "symlink":
        out.symlink_to(other)
    elif how == "parent-symlink":
        (tmp_path / "via").symlink_to(tmp_path)
    result = CliRunner().invoke(main, ["build", "-s", str(small_site), "-o", str(out), "-q"])
    assert result.exit_code == 2 and "--force" in result.output
    assert _tree(other) == {"family.jpg": b"\xff\xd8 precious"}
    forced = CliRunner().invoke(main, ["build", "-s", str(small_site), "-o", str(out), "-q", "--force"])
    assert forced.exit_code == 0 and (other / "index.html").is_file() and not (other / "family.jpg").exists()


def test_sitegen_output_is_rebuilt_without_force(small_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    for _ in range(3):  # missing, then a first build's output, then one with its spare beside it
        (small_site / STORY).write_text((small_site / STORY).read_text(encoding="utf-8") + "\n再一段。\n", encoding="utf-8")
        result = CliRunner().invoke(main, ["build", "-s", str(small_site), "-o", str(out), "-q"])
        assert result.exit_code == 0, result.output
    empty = tmp_path / "empty"
    empty.mkdir()
    assert CliRunner().invoke(main, ["build", "-s", str(small_site), "-o", str(empty), "-q"]).exit_code == 0


# --- Hangs and crashes: the Markdown budget ------------------------------------------------------

WORST = {
    "nested-brackets": "[" * 15_000 + "]" * 15_000,
    "open-brackets": "[" * 30_000,
    "open-images": "![" * 15_000,
    "unclosed-tags": "<a " * 20_000,
}


@pytest.mark.parametrize("variant", sorted(WORST))
def test_markdown_over_the_time_budget_is_a_timeout_error_at_its_line(variant: str, monkeypatch: pytest.MonkeyPatch, small_site: Path) -> None:
    monkeypatch.setattr(markdown_render, "SECONDS", 0.2)
    (small_site / STORY).write_text(FRONT + "\n" + WORST[variant] + "\n", encoding="utf-8")
    found = [d for d in errors(check(small_site)) if d.path.endswith("story-1.md")]
    assert [(d.code, d.line) for d in found] == [("timeout", 8)], shown(check(small_site))


def test_the_renderer_works_again_after_a_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(markdown_render, "SECONDS", 0.1)
    renderer = markdown_render.MarkdownRenderer()
    html, problems = renderer.render("[" * 40_000)
    assert html == "" and [d.code for d in problems] == ["timeout"]
    monkeypatch.setattr(markdown_render, "SECONDS", 10.0)
    assert renderer.render("**粗体**")[0] == "<p><strong>粗体</strong></p>"


@pytest.mark.parametrize("body", ["- " * 3000 + "深", "> " * 3000 + "深", "\n".join("    " * i + "- 层" for i in range(400)), "1. " * 3000 + "深"])
def test_deep_nesting_is_a_located_error_not_an_internal_one(body: str, small_site: Path) -> None:
    (small_site / STORY).write_text(FRONT + "\n" + body + "\n", encoding="utf-8")
    result = check(small_site)
    assert not errors(result, "internal")
    assert all(d.line >= 8 for d in errors(result) if d.path.endswith("story-1.md"))


def test_markdown_over_the_size_budget_is_a_size_error(monkeypatch: pytest.MonkeyPatch, small_site: Path) -> None:
    monkeypatch.setattr(markdown_render, "MAX_CHARS", 1000)
    (small_site / STORY).write_text(FRONT + "\n" + "长文。" * 400 + "\n", encoding="utf-8")
    assert [(d.code, d.line) for d in errors(check(small_site)) if d.path.endswith("story-1.md")] == [("size", 8)]


def test_a_huge_story_is_refused_before_it_is_read(small_site: Path) -> None:
    path = small_site / STORY
    with path.open("wb") as file:
        file.write(FRONT.encode())
        file.truncate(400 * 1024 * 1024)  # sparse: 400 MB on paper
    tracemalloc.start()
    try:
        files, problems = sources.discover(small_site)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [d.code for d in problems if d.path.endswith("story-1.md")] == ["size"]
    assert peak < 8 * 1024 * 1024  # the other files, not the story


@pytest.mark.parametrize("cover", ["img/a.svg/", "img//a.svg", "./img/a.svg", "img/./a.svg"])
def test_cover_paths_that_are_not_a_plain_file_name_are_diagnosed(cover: str, small_site: Path) -> None:
    (small_site / STORY).write_text(FRONT.replace("---\n", f"---\ncover: {cover}\n", 1).replace("---\n", "---\n", 1) + "正文。\n", encoding="utf-8")
    found = [d for d in errors(check(small_site)) if d.path.endswith("story-1.md")]
    assert [(d.code, d.line) for d in found] == [("invalid-value", 2)], shown(check(small_site))


# --- Diagnostics that cannot forge or hide ---------------------------------------------------------


@pytest.mark.parametrize("value", ["a\n::error file=x.yaml,line=1::伪造", "a\r::warning::x", "a\u2028b", "a\x1b[31mred"])
def test_a_value_echoed_in_a_diagnostic_stays_on_its_line(value: str, tmp_path: Path) -> None:
    diagnostic = error("x.yaml", 1, 1, "invalid-value", f"取值“{value}”无效")
    assert "\n" not in diagnostic.format_text() and "\r" not in diagnostic.format_text()
    assert len(format_github([diagnostic], cwd=tmp_path).splitlines()) == 1
    assert "\\u2028" in format_json([diagnostic]) or "\u2028" not in value
    assert "\x1b" not in diagnostic.format_text()


def test_a_newline_in_a_yaml_value_does_not_forge_an_annotation(small_site: Path) -> None:
    path = small_site / "content/projects/xihu-jinhui.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("brand: jinhui", 'brand: "x\\n::error file=README.md,line=1::伪造"'), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "-s", str(small_site), "--format", "github"])
    assert [line for line in result.stdout.splitlines() if "README.md" in line.split("::")[1]] == []
    assert all(line.startswith(("::error file=", "::warning file=")) for line in result.stdout.splitlines())


@pytest.mark.parametrize("name", ["story\u202egpj.md", "sto\u200bry.md", "story\u2066.md"])
def test_invisible_and_bidi_characters_in_file_names_are_shown_escaped(name: str, small_site: Path) -> None:
    (small_site / STORY).rename(small_site / "content/stories" / name)
    lines = [d.format_text() for d in check(small_site).diagnostics if d.code == "file-name"]
    assert lines and all(not any(c in line for c in "\u202e\u200b\u2066") for line in lines)
    assert any(f"\\u{ord(c):04x}" in lines[0] for c in name if not c.isascii())


def test_a_symlinked_file_is_reported_where_the_link_is(small_site: Path, tmp_path: Path) -> None:
    target = small_site / "content/stories/real-one.md"
    (small_site / STORY).rename(target)
    (small_site / "content/stories/linked.md").symlink_to(target)
    target.write_text(FRONT + "\n[坏](javascript:alert(1))\n", encoding="utf-8")
    result = check(small_site)
    paths = {Path(d.path).name for d in result.diagnostics if d.code == "unsafe-html"}
    assert "linked.md" in paths
    assert any("linked.md" in d.format_text(cwd=small_site) for d in result.diagnostics)


def test_cli_subprocess_shows_one_line_per_diagnostic(small_site: Path) -> None:
    (small_site / "content/stories" / "a\nb.md").write_text(FRONT + "正文。\n", encoding="utf-8")
    done = subprocess.run([str(Path(sys.executable).parent / "sitegen"), "check", "-s", str(small_site)], capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"}, check=False)
    for line in done.stderr.splitlines():
        assert line.startswith((str(small_site), "content", "检查", "统计", "/")) or "error[" in line or "warning[" in line, line


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_any_message_formats_to_one_visible_line(text: str) -> None:
    line = error(f"dir/{text}.md", 1, 1, "invalid-value", text).format_text(cwd=Path("/nonexistent"))
    assert len(line.splitlines()) == 1
    assert not any(c in line for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\u200e\u200f")
