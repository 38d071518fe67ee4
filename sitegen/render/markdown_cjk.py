"""CJK line joining for python-markdown: a line break between two Chinese characters is not a
space (as in Chinese typesetting), so the break and its indentation are removed; code and
preformatted text are left alone."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import markdown
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

# Han (incl. extensions and compatibility), kana, CJK punctuation, full-width forms, and the
# quotation marks / dashes / ellipsis used in Chinese text.
_CJK = (
    "\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003134f"
    "\u2014\u2018\u2019\u201c\u201d\u2026\u00b7"
)
_CJK_BREAK_RE = re.compile(rf"(?<=[{_CJK}])[ \t]*\n[ \t]*(?=[{_CJK}])")

# Elements whose text flows on with the surrounding text; anything else is a barrier.
_INLINE_TAGS = frozenset(
    {"a", "em", "strong", "del", "ins", "sup", "sub", "code", "span", "abbr", "b", "i", "s",
     "u", "small", "mark", "kbd", "q", "cite", "time"}
)  # fmt: skip


@dataclass
class _Segment:
    element: ET.Element
    attr: str  # "text" or "tail"
    frozen: bool  # inside <pre>/<code>: never modified


class _CjkJoinProcessor(Treeprocessor):
    """Remove a line break (and its indentation) between two CJK characters."""

    def run(self, root: ET.Element) -> None:
        runs: list[list[_Segment]] = [[]]
        self._flatten(root, runs, frozen=False)
        for run in runs:
            if run:
                self._join(run)

    def _flatten(self, el: ET.Element, runs: list[list[_Segment]], frozen: bool) -> None:
        inline = el.tag in _INLINE_TAGS
        inner_frozen = frozen or el.tag in ("pre", "code")
        if not inline:
            runs.append([])
        if el.text:
            runs[-1].append(_Segment(el, "text", inner_frozen))
        for child in el:
            self._flatten(child, runs, inner_frozen)
            if child.tail:
                runs[-1].append(_Segment(child, "tail", inner_frozen))
        if not inline:
            runs.append([])

    @staticmethod
    def _join(run: list[_Segment]) -> None:
        texts = [getattr(seg.element, seg.attr) or "" for seg in run]
        joined = "".join(texts)
        if "\n" not in joined:
            return
        drop: set[int] = set()
        for m in _CJK_BREAK_RE.finditer(joined):
            drop.update(range(m.start(), m.end()))
        if not drop:
            return
        offset = 0
        for seg, text in zip(run, texts, strict=True):
            end = offset + len(text)
            if not seg.frozen and any(offset <= i < end for i in drop):
                new = "".join(ch for i, ch in enumerate(text, offset) if i not in drop)
                if isinstance(text, AtomicString):
                    new = AtomicString(new)
                setattr(seg.element, seg.attr, new)
            offset = end


class CjkJoinExtension(markdown.Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (library API)
        # after "inline" (20), before "attr_list" (8) and "toc" (5)
        md.treeprocessors.register(_CjkJoinProcessor(md), "cjk_join", 15)
