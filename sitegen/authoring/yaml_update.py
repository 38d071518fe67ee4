"""Write records as YAML: new files, and changed fields in editors' files with their comments
and key order kept (ruamel.yaml's round-trip mode).

Only writing goes through ruamel.yaml; every text written is read back with the located loader
and validated (`load/records.load_record`) before it may replace anything, so what is written
is exactly what the build will read.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

from sitegen.authoring.scaffold import modeline

_DIGITS = re.compile(r"^[-+]?\d+$")


def _yaml() -> YAML:
    writer = YAML()  # round-trip
    writer.indent(mapping=2, sequence=4, offset=2)
    writer.width = 4096  # never fold a long line
    writer.preserve_quotes = True
    return writer


def _styled(value: Any) -> Any:
    """Plain Python values as the YAML an editor would write: codes quoted, text blocks as |."""
    if isinstance(value, Mapping):
        out = CommentedMap()
        for key, item in value.items():
            out[key] = _styled(item)
        return out
    if isinstance(value, (list, tuple)):
        return CommentedSeq(_styled(item) for item in value)
    if isinstance(value, str):
        if "\n" in value.rstrip("\n") or value.endswith("\n"):
            return LiteralScalarString(value)
        if _DIGITS.match(value):
            return DoubleQuotedScalarString(value)
    return value


def dump(document: Any) -> str:
    buffer = io.StringIO()
    _yaml().dump(document, buffer)
    return buffer.getvalue()


def new_text(kind: str, data: Mapping[str, Any], origin: str) -> str:
    """A new record file: the schema modeline, where it came from, then the fields."""
    header = f"{modeline(kind)}\n# 由 sitegen import 从 {origin} 导入\n"
    return header + dump(_styled(data))


def updated_text(text: str, data: Mapping[str, Any], changed: set[str]) -> str:
    """`text` with the top-level fields in `changed` set to their value in `data` (absent from
    `data`: removed); everything else, comments and key order included, stays as it was."""
    document = _yaml().load(text)
    if not isinstance(document, CommentedMap):
        document = CommentedMap()
    order = list(data)
    for key in changed:
        if key not in data:
            document.pop(key, None)
        elif key in document:
            document[key] = _merge(document[key], data[key])
        else:
            document.insert(_position(document, order, key), key, _styled(data[key]))
    return dump(document)


def _position(document: CommentedMap, order: list[str], key: str) -> int:
    """Where a new key goes: after the nearest key that precedes it in the model's order."""
    before = order[: order.index(key)]
    keys = list(document)
    positions = [keys.index(k) + 1 for k in before if k in document]
    return max(positions, default=0)


def _same(old: Any, new: Any) -> bool:
    """Equal as the build reads them: 330106 and "330106", a date and its ISO text."""
    if isinstance(old, bool) or isinstance(new, bool):
        return old is new
    if isinstance(old, float) or isinstance(new, float):
        return old == new
    if isinstance(old, (int, str, date)) and isinstance(new, (int, str, date)):
        return str(old) == str(new)
    return False


def _merge(old: Any, new: Any) -> Any:
    """`new`, reusing the nodes of `old` (and their comments and style) where they agree."""
    if isinstance(old, CommentedMap) and isinstance(new, Mapping):
        order = list(new)
        for key in [k for k in old if k not in new]:
            del old[key]
        for key, value in new.items():
            if key in old:
                old[key] = _merge(old[key], value)
            else:
                old.insert(_position(old, order, key), key, _styled(value))
        return old
    if isinstance(old, CommentedSeq) and isinstance(new, (list, tuple)) and len(old) == len(new):
        for index, value in enumerate(new):
            old[index] = _merge(old[index], value)
        return old
    if _same(old, new):
        return old
    return _styled(new)
