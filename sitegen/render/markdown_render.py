"""Markdown to safe HTML: python-markdown, CJK line joining, nh3 sanitizing, URL rebasing.

Raw HTML that the safelist does not allow is removed by nh3; since nh3 does not report what
it removed, the raw source is scanned separately to emit `unsafe-html` warnings at the
offending line and column (docs/reference.md, 规则 › Markdown 与 HTML).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import markdown
import nh3
from markdown.extensions.attr_list import get_attrs
from markdown.extensions.fenced_code import FencedBlockPreprocessor
from markdown.extensions.toc import slugify_unicode

from sitegen.diagnostics import Diagnostic, error, warning
from sitegen.render.budget import OverBudget, within
from sitegen.render.markdown_cjk import CjkJoinExtension

__all__ = ["ALLOWED_ATTRIBUTES", "ALLOWED_SCHEMES", "ALLOWED_TAGS", "MAX_CHARS", "MarkdownRenderer", "SECONDS"]

# The render budget of one record's Markdown (docs/reference.md, 规则 › Markdown 与 HTML):
# 512 000 characters (a long story is 20 000) render in about 3 s; hostile text that would
# take python-markdown minutes (tens of thousands of unclosed `[`) stops at SECONDS.
MAX_CHARS = 512_000
SECONDS = 10.0

# --- Safelist ------------------------------------------------------------------------------

ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "h1", "h2", "h3", "h4", "h5", "h6",
        "p", "a", "img", "ul", "ol", "li", "blockquote", "pre", "code",
        "em", "strong", "del", "hr", "br", "sup", "sub",
        "table", "thead", "tbody", "tr", "th", "td",
        "figure", "figcaption", "dl", "dt", "dd",
    }
)  # fmt: skip

ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    "*": frozenset({"id", "class"}),
    "a": frozenset({"href", "title"}),
    "img": frozenset({"src", "alt", "title", "width", "height"}),
    "ol": frozenset({"start"}),  # sane_lists renders "3. …" as <ol start="3">
    "th": frozenset({"style"}),  # text-align only (filter_style_properties)
    "td": frozenset({"style"}),
}

ALLOWED_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto", "tel"})

# Tags whose content is dropped together with the tag (not kept as text).
_CONTENT_DROPPED = frozenset(
    {"script", "style", "iframe", "object", "embed", "noscript", "template", "textarea",
     "select", "noembed", "noframes", "xmp", "frameset"}
)  # fmt: skip

_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(_CONTENT_DROPPED),
    attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
    url_schemes=set(ALLOWED_SCHEMES),
    filter_style_properties={"text-align"},
    link_rel=None,  # rel is added to external links after sanitizing
    strip_comments=True,
)

# --- Post-sanitize URL pass ----------------------------------------------------------------

# Sanitized output is serialized by html5ever: lowercase names, double-quoted values with
# `"` and `&` escaped, and `<` escaped in text, so these patterns only see real tags.
_OUT_TAG_RE = re.compile(r'<(a|img)((?:\s+[a-z][a-z0-9-]*(?:="[^"]*")?)*)(\s*/?)>')
_OUT_URL_ATTR_RE = re.compile(r'(\s(?:href|src)=")(/(?![/\\])[^"]*)"')
_EXTERNAL_HREF_RE = re.compile(r'\shref="(?:https?:)?//', re.IGNORECASE)

# --- Source scan for removed raw HTML ------------------------------------------------------

# Bounded: a tag of more than 64 attributes or an attribute value of more than 4000
# characters is not looked at further, so an unclosed `<a <a <a …` costs linear time.
_ATTR_SRC = r"""[^\s"'>/=<]{1,200}(?:\s*=\s*(?:"[^"]{0,4000}"|'[^']{0,4000}'|[^\s"'=<>`]{1,4000}))?"""
_SRC_TAG_RE = re.compile(rf"<(?P<name>[A-Za-z][A-Za-z0-9-]{{0,60}})(?P<attrs>(?:\s{{1,200}}{_ATTR_SRC}){{0,64}})\s{{0,200}}/?>")
_SRC_ATTR_RE = re.compile(
    r"""(?P<name>[^\s"'>/=<]+)(?:\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<uq>[^\s"'=<>`]+)))?"""
)
# python-markdown's attr_list: `{: #id .class key=value }` after a heading, a paragraph or an
# inline element (its own pattern, bounded to one line of at most 2000 characters).
_ATTR_LIST_RE = re.compile(r"\{:?[ ]*(?P<attrs>[^}\n ][^{}\n]{0,2000})\}")
_MD_LINK_RE = re.compile(r"\]\(\s*<?(?P<url>[^\s)>]+)")
_MD_REF_RE = re.compile(r"^[ ]{0,3}\[[^\]\n]+\]:[ \t]*<?(?P<url>[^\s>]+)", re.MULTILINE)
_SCHEME_RE = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_LIST_ITEM_RE = re.compile(r"^[ ]{0,3}(?:[*+-]|\d+\.)[ \t]")
_BACKTICKS_RE = re.compile(r"`+")
_BLANK_LINE_RE = re.compile(r"\n[ \t]*\n")
_STASH_TAG_RE = re.compile(r"<([A-Za-z][A-Za-z0-9-]*)")
_C0_AND_SPACE = "".join(chr(i) for i in range(0x21))


def _url_scheme(raw: str) -> str | None:
    """The scheme a browser would see in `raw` (entities decoded, tab/newline removed)."""
    url = html.unescape(raw)
    url = re.sub(r"[\t\n\r]", "", url).strip(_C0_AND_SPACE)
    m = _SCHEME_RE.match(url)
    return m.group(1).lower() if m else None


def _blank(chars: list[str], start: int, end: int) -> None:
    """Replace chars[start:end] by spaces, keeping newlines (so offsets stay valid)."""
    for i in range(start, end):
        if chars[i] != "\n":
            chars[i] = " "


def _mask_code(text: str) -> str:
    """Blank out fenced code, indented code blocks and inline code spans."""
    if "`" not in text and "~" not in text and "\t" not in text and "    " not in text:
        return text  # no fence, no code span, no line indented by four columns: nothing to blank
    chars = list(text)
    for m in FencedBlockPreprocessor.FENCED_BLOCK_RE.finditer(text):
        _blank(chars, m.start(), m.end())

    # Indented code blocks: a chunk (between blank lines) indented by 4+ columns that does
    # not continue a list item (python-markdown treats those as list content).
    lines = "".join(chars).split("\n")
    offsets = []
    pos = 0
    for line in lines:
        offsets.append(pos)
        pos += len(line) + 1
    in_list = False
    prev_blank = True
    in_code = False
    for i, line in enumerate(lines):
        if not line.strip():
            prev_blank = True
            continue
        indent = len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip(" "))
        if indent >= 4:
            if in_code or (prev_blank and not in_list):
                in_code = True
                _blank(chars, offsets[i], offsets[i] + len(line))
        else:
            in_code = False
            if _LIST_ITEM_RE.match(line):
                in_list = True
            elif prev_blank:
                in_list = False
        prev_blank = False

    # Inline code spans: a run of N backticks up to the next run of exactly N backticks,
    # within one paragraph (linear: each paragraph's runs are indexed by length once).
    text = "".join(chars)
    start = 0
    for end in [m.start() for m in _BLANK_LINE_RE.finditer(text)] + [len(text)]:
        runs = [(m.start(), m.end()) for m in _BACKTICKS_RE.finditer(text, start, end)]
        by_length: dict[int, list[int]] = {}
        for index, (a, b) in enumerate(runs):
            by_length.setdefault(b - a, []).append(index)
        seen = dict.fromkeys(by_length, 0)  # per length: how many of its runs are used up
        index = 0
        while index < len(runs):
            a, b = runs[index]
            same = by_length[b - a]
            while seen[b - a] < len(same) and same[seen[b - a]] <= index:
                seen[b - a] += 1
            if seen[b - a] == len(same):
                index += 1
                continue
            close = same[seen[b - a]]
            _blank(chars, a, runs[close][1])
            index = close + 1
        start = end
    return "".join(chars)


def _line_col(text: str, offset: int) -> tuple[int, int]:
    """0-based line index and 1-based column of `offset` in `text`."""
    line = text.count("\n", 0, offset)
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def _scheme_message(scheme: str) -> str:
    return f'已移除 "{scheme}:" 开头的链接地址：只允许 http、https、mailto、tel 链接和站内地址。'


def _tag_message(name: str) -> str:
    if name == "script":
        return "已移除 <script> 及其内容：正文中不能包含脚本。"
    if name == "style":
        return "已移除 <style> 及其内容：正文不能自带样式，排版请使用 Markdown。"
    if name in ("iframe", "object", "embed", "frameset"):
        return f"已移除 <{name}> 及其内容：正文不能嵌入外部页面或插件，请改用普通链接。"
    if name in _CONTENT_DROPPED:
        return f"已移除 <{name}> 及其内容：该标签不在允许列表中。"
    return (
        f"已移除不支持的 HTML 标签 <{name}>（其中的文字保留）：请改用 Markdown 写法；"
        "允许的标签有表格、br、sup、sub、img、figure 等。"
    )


def _attr_problem(tag: str, attr: str, value: str | None) -> str | None:
    """Chinese message when the sanitizer removes `attr` (with `value`) from `tag`."""
    if attr.startswith("on"):
        return f"已移除 <{tag}> 上的事件属性 {attr}：正文中不能包含脚本。"
    allowed = ALLOWED_ATTRIBUTES["*"] | ALLOWED_ATTRIBUTES.get(tag, frozenset())
    if attr not in allowed:
        if attr == "style":
            return f"已移除 <{tag}> 的 style 属性：正文不能自带样式，排版请使用 Markdown。"
        if attr == "align" and tag in ("th", "td"):
            return (
                f"已移除 <{tag}> 的属性 align：表格对齐请使用 Markdown 表格的 :--、:-:、--: 写法，"
                '或写成 style="text-align: center"。'
            )
        return f"已移除 <{tag}> 的属性 {attr}：该属性不在允许列表中。"
    if value is None:
        return None
    if attr in ("href", "src"):
        scheme = _url_scheme(value)
        if scheme is not None and scheme not in ALLOWED_SCHEMES:
            return _scheme_message(scheme)
    if attr == "style":
        props = [p.split(":", 1)[0].strip().lower() for p in value.split(";") if p.strip()]
        if any(p != "text-align" for p in props):
            return (
                f"已移除 <{tag}> 的 style 中除 text-align 以外的样式："
                "表格对齐请使用 Markdown 表格的 :--、:-:、--: 写法。"
            )
    return None


def _scan(text: str, raw_tags: set[str]) -> Iterator[tuple[int, str]]:
    """(offset, message) for each piece of raw HTML or URL the sanitizer will remove.

    `raw_tags` are the tag names in python-markdown's stash of raw HTML: a tag found in the
    source but absent from it was not raw HTML (e.g. inside code), so it is skipped.
    Note that python-markdown does not treat `\\<` as an escape: `\\<div>` is raw HTML.
    """
    masked = _mask_code(text)
    for m in _SRC_TAG_RE.finditer(masked):
        name = m.group("name").lower()
        if name not in raw_tags:
            continue
        if name not in ALLOWED_TAGS:
            yield m.start(), _tag_message(name)
            continue
        attrs_start = m.start("attrs")
        for a in _SRC_ATTR_RE.finditer(m.group("attrs")):
            attr = a.group("name").lower()
            value = a.group("dq")
            if value is None:
                value = a.group("sq") if a.group("sq") is not None else a.group("uq")
            msg = _attr_problem(name, attr, value)
            if msg:
                yield attrs_start + a.start(), msg
    for pattern in (_MD_LINK_RE, _MD_REF_RE):
        for m in pattern.finditer(masked):
            scheme = _url_scheme(m.group("url"))
            if scheme is not None and scheme not in ALLOWED_SCHEMES:
                yield m.start("url"), _scheme_message(scheme)
    yield from _attr_list_problems(masked)


_ANY_ALLOWED = frozenset().union(*ALLOWED_ATTRIBUTES.values())


def _attr_list_problems(masked: str) -> Iterator[tuple[int, str]]:
    """attr_list attributes the sanitizer removes: `{: onclick=… }`, `{: style=… }`,
    `{: href="javascript:…" }` and any attribute no tag may carry."""
    for m in _ATTR_LIST_RE.finditer(masked):
        if "=" not in m.group("attrs"):
            continue  # `{#id .class}` or a word in braces: nothing the sanitizer removes
        for key, value in get_attrs(m.group("attrs")):
            key = str(key).lower()
            if key in (".", "id", "class"):
                continue
            where = m.start()
            if key.startswith("on"):
                yield where, f"已移除属性写法 {{: … }} 中的事件属性 {key}：正文中不能包含脚本。"
            elif key == "style":
                yield where, "已移除属性写法 {: … } 中的 style：正文不能自带样式，排版请使用 Markdown。"
            elif key not in _ANY_ALLOWED:
                yield where, f"已移除属性写法 {{: … }} 中的属性 {key}：该属性不在允许列表中。"
            elif key in ("href", "src") and (scheme := _url_scheme(str(value))) is not None and scheme not in ALLOWED_SCHEMES:
                yield where, _scheme_message(scheme)


def link_targets(text: str) -> Iterator[tuple[int, str]]:
    """(offset, URL) of every link and image in Markdown source: inline `[..](url)` and
    `![..](url)`, reference definitions `[id]: url` and raw `<a href>` / `<img src>`; code
    spans and blocks are skipped. For the broken-link check (render/linkcheck.py)."""
    if "](" not in text and "]:" not in text and "<" not in text:
        return  # no pattern below can match: most texts, and masking code costs 2 s a national build
    masked = _mask_code(text)
    for pattern in (_MD_LINK_RE, _MD_REF_RE):
        for m in pattern.finditer(masked):
            yield m.start("url"), html.unescape(m.group("url"))  # as the browser will read it
    for m in _SRC_TAG_RE.finditer(masked):
        name = m.group("name").lower()
        if name not in ("a", "img"):
            continue
        wanted = "href" if name == "a" else "src"
        attrs_start = m.start("attrs")
        for a in _SRC_ATTR_RE.finditer(m.group("attrs")):
            group = next((g for g in ("dq", "sq", "uq") if a.group(g) is not None), None)
            if a.group("name").lower() == wanted and group is not None:
                yield attrs_start + a.start(group), html.unescape(a.group(group))


# --- Renderer ------------------------------------------------------------------------------


class MarkdownRenderer:
    """Render Markdown bodies to sanitized HTML, reusing one python-markdown instance."""

    def __init__(self, base_path: str = "/") -> None:
        if not (base_path.startswith("/") and base_path.endswith("/")):
            raise ValueError(f"base_path must start and end with '/': {base_path!r}")
        self.base_path = base_path
        self._prefix = html.escape(base_path.rstrip("/"), quote=True)
        self._md = self._new_markdown()

    @staticmethod
    def _new_markdown() -> markdown.Markdown:
        return markdown.Markdown(
            extensions=[
                "tables",
                "fenced_code",
                "toc",
                "attr_list",
                "sane_lists",
                CjkJoinExtension(),
            ],
            extension_configs={"toc": {"slugify": slugify_unicode}},
            output_format="html",
        )

    def _convert(self, text: str) -> tuple[str, str]:
        """python-markdown's HTML of `text`, and the raw HTML it kept aside (its stash)."""
        self._md.reset()
        raw = self._md.convert(text)
        stash = "".join(str(block) for block in self._md.htmlStash.rawHtmlBlocks)
        self._md.reset()
        return raw, stash

    def render(
        self, text: str, path: str = "", first_line: int = 1
    ) -> tuple[str, list[Diagnostic]]:
        """Return (safe HTML, unsafe-html warnings). `first_line` is the line of text[0].
        Text over the budget (MAX_CHARS, SECONDS) or nested too deeply renders as nothing,
        with an error at its first line."""
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        line_one = first_line
        first_line += text[: len(text) - len(text.lstrip())].count("\n")  # errors: at its first words
        if len(text) > MAX_CHARS:
            return "", [error(path, first_line, 1, "size", f"这段 Markdown 有 {len(text)} 个字符，超过单条记录 {MAX_CHARS} 个字符的上限：请拆分成几篇")]
        try:
            raw, stash = within(SECONDS, lambda: self._convert(text))
        except OverBudget:
            self._md = self._new_markdown()  # it was stopped midway
            message = f"这段 Markdown 在 {SECONDS:g} 秒内没有渲染完：其中可能有成千上万个没有配对的 [、< 或 * 等符号；请删去它们，或用 \\[ 这样的转义写法"
            return "", [error(path, first_line, 1, "timeout", message)]
        except RecursionError:
            self._md = self._new_markdown()
            message = "Markdown 的列表或引用（>）嵌套太深，无法渲染：请减少嵌套层数（不超过几十层）"
            return "", [error(path, first_line, 1, "size", message)]
        first_line = line_one
        raw_tags = {name.lower() for name in _STASH_TAG_RE.findall(stash)}
        clean = self._postprocess(_CLEANER.clean(raw))
        diagnostics = []
        for offset, message in _scan(text, raw_tags):
            line, col = _line_col(text, offset)
            diagnostics.append(warning(path, first_line + line, col, "unsafe-html", message))
        diagnostics.sort(key=lambda d: (d.line, d.column, d.message))
        return clean, diagnostics

    def _rebase(self, u: re.Match[str]) -> str:
        """Prefix a root-relative URL with the base path, unless the editor already wrote it."""
        url = u.group(2)
        if (url + "/").startswith(self._prefix + "/"):
            return f'{u.group(1)}{url}"'
        return f'{u.group(1)}{self._prefix}{url}"'

    def _postprocess(self, sanitized: str) -> str:
        """Rebase root-relative href/src onto base_path; mark external links."""

        def fix_tag(m: re.Match[str]) -> str:
            attrs = m.group(2)
            if self._prefix:
                attrs = _OUT_URL_ATTR_RE.sub(self._rebase, attrs)
            if m.group(1) == "a" and _EXTERNAL_HREF_RE.search(attrs):
                attrs += ' rel="noopener noreferrer"'
            return f"<{m.group(1)}{attrs}{m.group(3)}>"

        return _OUT_TAG_RE.sub(fix_tag, sanitized)
