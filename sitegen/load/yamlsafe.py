"""A YAML reader made for content in git: located values, no surprises.

PyYAML's defaults turn `2021-13-01` into an unlocated ValueError, `9:30` into 570, `no` into
False, expand aliases into memory bombs and let duplicate keys win silently.
Here the C parser composes a node tree with YAML 1.2 core-style resolvers only, aliases and
custom tags are rejected at their mark, and we build plain Python values ourselves while
recording where every key and value stands, so later stages can point at the exact line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml

from sitegen.diagnostics import Diagnostic, error
from sitegen.load import fullwidth

Path_ = tuple[str | int, ...]
Position = tuple[int, int]  # 1-based line, column

MAX_DEPTH = 64

try:
    _BaseLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    _BaseLoader = yaml.SafeLoader


class _CoreLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Resolves only null, booleans, decimal ints and floats (YAML 1.2 core style)."""


# Copy, never edit the shared table of SafeLoader in place.
_CoreLoader.yaml_implicit_resolvers = {}
_RESOLVERS = [
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:int", r"^[-+]?[0-9]+$", "-+0123456789"),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?[0-9]+[eE][-+]?[0-9]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+.0123456789",
    ),
]
for _tag, _pattern, _first in _RESOLVERS:
    _CoreLoader.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


@dataclass
class Locator:
    """Where each key and value of a loaded document stands in its file."""

    keys: dict[Path_, Position] = field(default_factory=dict)
    values: dict[Path_, Position] = field(default_factory=dict)

    def value(self, path: Path_) -> Position:
        """Position of the value at `path`, or of the nearest enclosing value."""
        for i in range(len(path), -1, -1):
            pos = self.values.get(tuple(path[:i]))
            if pos:
                return pos
        return (1, 1)

    def key(self, path: Path_) -> Position:
        """Position of the key at `path` (the item's value for list items)."""
        return self.keys.get(tuple(path)) or self.value(path)


class LazyLocator(Locator):
    """A locator made the first time a position is asked for, by `locate`: a record revived
    from the build cache keeps its text, not the position of every key and value."""

    def __init__(self, locate: Callable[[], Locator]) -> None:
        self._locate: Callable[[], Locator] | None = locate
        self._located = Locator()

    def _positions(self) -> Locator:
        if self._locate is not None:
            self._located, self._locate = self._locate(), None
        return self._located

    @property  # type: ignore[override]
    def keys(self) -> dict[Path_, Position]:
        return self._positions().keys

    @property  # type: ignore[override]
    def values(self) -> dict[Path_, Position]:
        return self._positions().values


@dataclass
class YamlResult:
    data: Any
    locator: Locator
    diagnostics: list[Diagnostic]

    @property
    def ok(self) -> bool:
        return not any(d.is_error for d in self.diagnostics)


def _pos(mark: Any, line_offset: int) -> Position:
    return (mark.line + 1 + line_offset, mark.column + 1)


def _scalar(node: yaml.ScalarNode) -> Any:
    tag, text = node.tag, node.value
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:bool":
        return text.lower() == "true"
    if tag == "tag:yaml.org,2002:int":
        # 0571 or 010101 are codes, not numbers: keep leading zeros.
        if re.match(r"^[-+]?0[0-9]+$", text):
            return text
        return int(text)
    if tag == "tag:yaml.org,2002:float":
        return float(text.lower().replace(".inf", "inf").replace(".nan", "nan"))
    return text


class _Builder:
    def __init__(self, path: str, line_offset: int) -> None:
        self.file = path
        self.offset = line_offset
        self.locator = Locator()
        self.diagnostics: list[Diagnostic] = []

    def fail(self, mark: Any, code: str, message: str) -> None:
        line, col = _pos(mark, self.offset)
        self.diagnostics.append(error(self.file, line, col, code, message))

    def build(self, node: yaml.Node, path: Path_, depth: int = 0) -> Any:
        self.locator.values[path] = _pos(node.start_mark, self.offset)
        if depth > MAX_DEPTH:
            self.fail(node.start_mark, "yaml-syntax", f"嵌套超过 {MAX_DEPTH} 层，请简化结构")
            return None
        if node.tag not in _PLAIN_TAGS:
            self.fail(
                node.start_mark,
                "yaml-syntax",
                f"不支持 YAML 标签 {node.tag!r}，请删除标签，直接写值",
            )
            return None
        if isinstance(node, yaml.ScalarNode):
            return _scalar(node)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.fail(key_node.start_mark, "yaml-syntax", "键必须是简单的文字，不能是列表或映射")
                continue
            key = key_node.value
            if key == "<<" and key_node.tag == "tag:yaml.org,2002:merge":
                self.fail(key_node.start_mark, "yaml-syntax", "不支持合并键 <<，请直接写出每个字段")
                continue
            if key in result:
                first = self.locator.keys[(*path, key)]
                self.fail(
                    key_node.start_mark,
                    "duplicate-yaml-key",
                    f"键 \"{key}\" 重复（第 {first[0]} 行已有），请删除或合并其中一个",
                )
                continue
            self.locator.keys[(*path, key)] = _pos(key_node.start_mark, self.offset)
            result[key] = self.build(value_node, (*path, key), depth + 1)
        return result


def _first_refusal(text: str) -> tuple[Any, str] | None:
    """Mark and message of the first alias, anchor or too-deep collection in `text`.

    The C composer cannot be told to refuse aliases, and composing 10,000 nested `[` takes
    seconds: one cheap pass over the event stream stops at the first problem instead.
    """
    depth = 0
    for event in yaml.parse(text, Loader=_CoreLoader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            return event.start_mark, "不支持 YAML 锚点和别名（& 和 *），请把内容直接写出来"
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                return event.start_mark, f"嵌套超过 {MAX_DEPTH} 层，请简化结构"
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
    return None


def load_yaml(text: str, path: str, line_offset: int = 0) -> YamlResult:
    """Parse one YAML document. `line_offset` shifts line numbers (front matter in Markdown)."""
    builder = _Builder(path, line_offset)
    if _full_width(builder, text, structure=False):
        return YamlResult(None, builder.locator, builder.diagnostics)
    try:
        refusal = _first_refusal(text)
        if refusal is not None:
            builder.fail(refusal[0], "yaml-syntax", refusal[1])
            return YamlResult(None, builder.locator, builder.diagnostics)
        node = yaml.compose(text, Loader=_CoreLoader)
    except yaml.MarkedYAMLError as exc:
        if _full_width(builder, text, structure=True):  # the cause, on its own line
            return YamlResult(None, builder.locator, builder.diagnostics)
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "无法解析"
        message = f"YAML 语法错误：{_explain(problem)}。请检查缩进、冒号和引号"
        if mark is None:
            builder.diagnostics.append(error(path, 1 + line_offset, 1, "yaml-syntax", message))
        else:
            builder.fail(mark, "yaml-syntax", message)
        return YamlResult(None, builder.locator, builder.diagnostics)
    except yaml.YAMLError as exc:
        builder.diagnostics.append(
            error(path, 1 + line_offset, 1, "yaml-syntax", f"YAML 语法错误：{exc}")
        )
        return YamlResult(None, builder.locator, builder.diagnostics)
    if node is None:
        return YamlResult(None, builder.locator, builder.diagnostics)
    data = builder.build(node, ())
    return YamlResult(data, builder.locator, builder.diagnostics)


def _full_width(builder: _Builder, text: str, structure: bool) -> bool:
    """Report full-width punctuation typed where YAML syntax belongs; True if there was any."""
    findings = fullwidth.scan(text, structure)
    for found in findings:
        builder.diagnostics.append(error(builder.file, found.line + builder.offset, found.column, "yaml-syntax", found.message))
    return bool(findings)


_PROBLEMS = {
    "mapping values are not allowed": "这里不能出现“键: 值”（多半是缩进不对，或值里的冒号需要加引号）",
    "could not find expected ':'": "缺少冒号“:”",
    "cannot start any token": "有不能开头的字符（常见原因：用了制表符 Tab 缩进，请改用空格）",
    "found unexpected end of stream": "文件意外结束（引号或括号没有闭合）",
    "did not find expected key": "缩进不一致，找不到预期的键",
    "did not find expected ',' or ']'": "方括号列表 [ ] 没有闭合",
    "did not find expected ',' or '}'": "花括号映射 { } 没有闭合",
    "found undefined tag handle": "未定义的标签",
    "expected <block end>": "缩进不一致",
    "did not find expected '-' indicator": "列表项“-”的缩进不一致",
    "found unknown escape character": "双引号里有无效的转义符“\\”，请改用单引号",
    "found a tab character": "不能用制表符（Tab）缩进，请改用空格",
    "control characters are not allowed": "含有不允许的控制字符",
}


def _explain(problem: str) -> str:
    for english, chinese in _PROBLEMS.items():
        if english in problem:
            return chinese
    return problem
