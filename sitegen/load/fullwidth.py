"""Full-width punctuation where YAML wants its ASCII syntax (`summary：`, `[空巢老人，社区居民]`).

A Chinese input method types `：` `，` `、` `；` `－` `［］` `【】` `｛｝` and the full-width space
`　` where YAML needs `:` `,` `-` `[]` `{}` and a plain space. PyYAML then reports a confusing
error a line later, or — inside a `[...]` list — silently reads two values as one. This scan
names the character and points at it: flow collections are checked on every file (a `[`
or `{` value is always syntax, never prose), the rest only when the YAML did not parse, so
prose that happens to look like `note：` inside a parsed text is never flagged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sitegen.diagnostics import Diagnostic, error

# full-width character -> (its name for the message, the ASCII character YAML wants)
SYNTAX = {
    "：": ("全角冒号", ":"),
    "，": ("全角逗号", ","),
    "、": ("顿号", ","),
    "；": ("全角分号", ","),
    "－": ("全角连字符", "-"),
    "［": ("全角方括号", "["),
    "］": ("全角方括号", "]"),
    "【": ("中文方括号", "["),
    "】": ("中文方括号", "]"),
    "｛": ("全角花括号", "{"),
    "｝": ("全角花括号", "}"),
    "\u3000": ("全角空格", " "),
    "\u00a0": ("不换行空格", " "),
}
SPACES = "\u3000\u00a0"
_KEY = r"[A-Za-z_][A-Za-z0-9_-]*"
_INDENT_RE = re.compile(rf"^[ \t]*[{SPACES}]")
_DASH_RE = re.compile(rf"^[ \t]*(?:- +)*(－)[ {SPACES}]")
_KEY_COLON_RE = re.compile(rf"^[ \t]*(?:[-－][ {SPACES}]+)*({_KEY})[ {SPACES}]*(：)")
_COLON_SPACE_RE = re.compile(rf"^[ \t]*(?:- +)*({_KEY}):([{SPACES}])")
_FLOW_START_RE = re.compile(rf"^[ \t]*(?:- +)*(?:{_KEY}[ \t]*:[ \t]+|- +)([\[{{［【｛])")
_BLOCK_SCALAR_RE = re.compile(r":[ \t]+[|>][-+0-9]*[ \t]*(?:#.*)?$")


@dataclass(frozen=True)
class Finding:
    line: int  # 1-based, within the scanned text
    column: int  # 1-based character column
    message: str


def scan(text: str, structure: bool) -> list[Finding]:
    """Full-width syntax characters in `text`; with `structure`, keys, dashes and indentation
    too (call it so only when the YAML failed to parse)."""
    findings: list[Finding] = []
    block_indent: int | None = None  # inside a `|` / `>` block scalar indented deeper than this
    for number, line in enumerate(text.split("\n"), 1):
        stripped = line.lstrip(" \t" + SPACES)
        indent = len(line) - len(stripped)
        if block_indent is not None:
            if not stripped or indent > block_indent:
                continue
            block_indent = None
        if not stripped or stripped.startswith("#"):
            continue
        found = _flow(line) or (_structure(line) if structure else None)
        if found is not None:
            findings.append(Finding(number, *found))
        if _BLOCK_SCALAR_RE.search(line):
            block_indent = indent
    return findings


def explain(text: str, line_offset: int, path: str, problems: list[Diagnostic]) -> list[Diagnostic]:
    """A validation error on a line with full-width syntax (`－ 财政资金` read as text, not a
    list item) is replaced by what caused it."""
    findings = {f.line + line_offset: f for f in scan(text, structure=True)}
    explained: dict[int, Diagnostic] = {}
    kept = []
    for problem in problems:
        found = findings.get(problem.line)
        if found is None:
            kept.append(problem)
        else:
            explained[problem.line] = error(path, problem.line, found.column, "yaml-syntax", found.message)
    return kept + list(explained.values())


def _structure(line: str) -> tuple[int, str] | None:
    if m := _INDENT_RE.match(line):
        char = line[m.end() - 1]
        return m.end(), f"行首缩进里有{SYNTAX[char][0]}，YAML 只认半角空格：请删掉它，改用半角空格缩进"
    if m := _KEY_COLON_RE.match(line):
        return m.start(2) + 1, f"字段名“{m.group(1)}”后面用了全角冒号“：”，请改为半角冒号“:”，并在冒号后加一个空格"
    if m := _COLON_SPACE_RE.match(line):
        return m.start(2) + 1, f"字段名“{m.group(1)}:”后面是{SYNTAX[m.group(2)][0]}，请改为半角空格"
    if m := _DASH_RE.match(line):
        return m.start(1) + 1, "列表项开头用了全角连字符“－”，请改为半角“-”，后面加一个空格"
    return None


def _flow(line: str) -> tuple[int, str] | None:
    """A `[...]` or `{...}` value on one line with full-width separators or brackets."""
    m = _FLOW_START_RE.match(line)
    if m is None:
        return None
    start = m.start(1)
    if line[start] in "［【｛":
        name, ascii_char = SYNTAX[line[start]]
        return start + 1, f"列表或映射用了{name}“{line[start]}”，请改为半角“{ascii_char}”，例如 [空巢老人, 社区居民]"
    quote: str | None = None
    stack: list[str] = []
    for index in range(start, len(line)):
        char = line[index]
        if quote:
            quote = None if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "#" and line[index - 1] in " \t":
            return None
        elif char in "[{":
            stack.append(char)
        elif char in "]}" and stack:
            stack.pop()
        elif char in "］】｝" or (char in "，、；" and _separates(line, index, stack)):
            name, ascii_char = SYNTAX[char]
            return index + 1, f"方括号或花括号里用了{name}“{char}”，YAML 只认半角“{ascii_char}”：请改为半角，例如 [空巢老人, 社区居民]"
    return None


_NEXT_KEY_RE = re.compile(rf"[ {SPACES}]*{_KEY}[ \t]*:[ \t]")


def _separates(line: str, index: int, stack: list[str]) -> bool:
    """A full-width comma that YAML would read as text: in a `[...]` list always (its items
    are words from a vocabulary, tags, file names), in a `{...}` mapping only before a key —
    `{title: 骨干培训，第一期}` is prose, `{role: 会长，name: 张三}` is a separator."""
    if not stack:
        return False
    return stack[-1] == "[" or bool(_NEXT_KEY_RE.match(line, index + 1))
