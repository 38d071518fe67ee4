"""Text as a reader sees it, for the privacy scan: what hides a number from a pattern is undone.

Editors' input methods and YAML produce numbers that a plain pattern misses: full-width digits
and hyphens (１３８－…), ideographic spaces, zero-width characters and soft hyphens inside a
number, a number split by emphasis (`138**0013**8000`), a tag, an entity (`&#49;`), an HTML
comment, or a line break (a Markdown hard break, a YAML folded or escaped line). `readable`
undoes all of that and keeps, for every character of the result, the offset of the character
of the original it came from, so a hit is still reported at its line and column.

Steps, each linear in the text: HTML comments and tags are dropped and character references
decoded; characters whose compatibility form (NFKC) is a digit, `x`, a hyphen or a space
take that form, other dashes become `-`, invisible characters (format characters such as
zero-width spaces and bidirectional marks, soft hyphens, ideographic spaces, Hangul fillers)
are dropped; and a run of markup characters (`*`, `_`, `~`, backquotes, backslashes) or of
line breaks with their indentation and `>` quote marks, standing between two digits, is
joined (the check character X of an ID number counts as a digit there).
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from bisect import bisect_right

__all__ = ["Readable", "readable"]

# bounded: an unclosed `<!--` or `<` costs at most this many characters of look-ahead
_MARKUP_RE = re.compile(
    r"<!--[\s\S]{0,20000}?-->|<[A-Za-z/!?][^<>]{0,1000}>"
    r"|&(?:#[0-9]{1,8}|#[xX][0-9A-Fa-f]{1,8}|[A-Za-z][A-Za-z0-9]{1,31});?"
)
_JOIN_RE = re.compile(r"(?<=[0-9])(?:[*_~`\\]|[ \t]*\n[ \t>]*)+(?=[0-9Xx])")
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\ufe58\ufe63\uff0d\u30fc\u2500\u2501"
_INVISIBLE_EXTRA = "\u3000\u115f\u1160\u3164\uffa0\u2800"


@functools.cache
def _table() -> tuple[re.Pattern[str], dict[str, str]]:
    """The characters that change (to a digit, x, -, space, or nothing), and their pattern."""
    changes: dict[str, str] = {c: "-" for c in _DASHES}
    changes.update(dict.fromkeys(_INVISIBLE_EXTRA, ""))
    wanted = set("0123456789xX- ")
    ranges = [range(0xA0, 0x10000), range(0x1D7CE, 0x1D800), range(0x1FBF0, 0x1FBFA), range(0xE0000, 0xE0080)]
    for block in ranges:
        for code in block:
            if 0xD800 <= code < 0xE000:
                continue
            char = chr(code)
            if unicodedata.category(char) == "Cf":
                changes[char] = ""
                continue
            if char in changes:
                continue
            form = unicodedata.normalize("NFKC", char)
            if form != char and form and set(form) <= wanted:
                changes[char] = form
    pattern = re.compile("[" + "".join(re.escape(c) for c in sorted(changes)) + "]")
    return pattern, changes


class Readable:
    """The readable text, and the original offset of each of its characters."""

    def __init__(self, original: str) -> None:
        self.original = original
        text, origin = _markup(original, list(range(len(original) + 1)))
        text, origin = _characters(text, origin)
        self.text, self._origin = _join(text, origin)
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", original)]

    def offset(self, index: int) -> int:
        """The original offset of the readable text's character `index`."""
        return self._origin[min(index, len(self._origin) - 1)]

    def position(self, index: int) -> tuple[int, int]:
        """1-based (line, column) in the original of the readable text's character `index`."""
        offset = self.offset(index)
        line = bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1


def readable(text: str) -> Readable:
    return Readable(text)


def _rebuild(text: str, origin: list[int], matches, replace) -> tuple[str, list[int]]:
    """Replace each match by `replace(match)`; every new character keeps its match's origin."""
    parts: list[str] = []
    new_origin: list[int] = []
    last = 0
    for m in matches:
        start, end = m.span()
        parts.append(text[last:start])
        new_origin.extend(origin[last:start])
        new = replace(m)
        parts.append(new)
        new_origin.extend([origin[start]] * len(new))
        last = end
    if last == 0:
        return text, origin
    parts.append(text[last:])
    new_origin.extend(origin[last:])  # includes the end sentinel
    return "".join(parts), new_origin


def _markup_replacement(m: re.Match[str]) -> str:
    found = m.group(0)
    if found.startswith("&"):
        decoded = html.unescape(found)
        return decoded if len(decoded) <= 2 else found
    return ""


def _markup(text: str, origin: list[int]) -> tuple[str, list[int]]:
    if "<" not in text and "&" not in text:
        return text, origin
    return _rebuild(text, origin, _MARKUP_RE.finditer(text), _markup_replacement)


def _characters(text: str, origin: list[int]) -> tuple[str, list[int]]:
    if text.isascii():
        return text, origin
    pattern, changes = _table()
    return _rebuild(text, origin, pattern.finditer(text), lambda m: changes[m.group(0)])


def _join(text: str, origin: list[int]) -> tuple[str, list[int]]:
    return _rebuild(text, origin, _JOIN_RE.finditer(text), lambda m: "")

