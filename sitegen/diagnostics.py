"""Diagnostics: the one error type of sitegen, and the catalog of their codes.

Every content problem becomes a `Diagnostic` value; stages return lists of them and never
raise through to the user. Codes are permanent names (listed in docs/reference.md, 错误代码).
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


# code -> one-line Chinese description (what the code means; messages say what to change)
CATALOG: dict[str, str] = {
    "yaml-syntax": "YAML 语法错误",
    "encoding": "文件编码不是 UTF-8",
    "duplicate-yaml-key": "同一映射中键重复",
    "unknown-field": "未知字段",
    "missing-field": "缺少必填字段",
    "invalid-value": "取值无效",
    "invalid-date": "日期无效",
    "credit-code": "统一社会信用代码校验失败",
    "unknown-region": "区划代码不存在",
    "duplicate-key": "两条记录的键重复",
    "unknown-reference": "引用的记录不存在",
    "reference-mismatch": "引用关系不一致",
    "file-name": "文件名不符合规则",
    "missing-file": "引用的文件不存在",
    "image": "图片无法处理",
    "route-conflict": "页面地址冲突",
    "unsafe-html": "不安全的 HTML 已被移除",
    "privacy": "疑似个人信息",
    "config": "站点配置错误",
    "out-of-scope": "协会不在本站的统计范围内",
    "broken-link": "链接指向不存在的页面、锚点或文件",
    "template": "模板错误",
    "output": "输出目录无法写入",
    "search-index": "站内搜索索引生成失败",
    "workbook": "导入的工作簿无法读取，或其中的表不是台账的格式",
    "cache": "构建缓存不可信，已忽略",
    "size": "内容超出处理上限（文件、正文太大或嵌套太深）",
    "timeout": "正文在时间预算内没有渲染完",
    "unsafe-file": "静态文件可能在本站运行脚本",
    "external-image": "正文引用了其他网站的图片",
    "internal": "sitegen 内部错误（不是内容问题）",
}


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One located problem. `path` is the file as given; line and column are 1-based."""

    path: str
    line: int
    column: int
    severity: Severity
    code: str
    message: str

    def __post_init__(self) -> None:
        if self.code not in CATALOG:
            raise ValueError(f"unknown diagnostic code {self.code!r}")

    @property
    def is_error(self) -> bool:
        return self.severity == Severity.ERROR

    def display_path(self, cwd: Path | None = None) -> str:
        """The path relative to the current directory when inside it (docs/reference.md, 规则 › 文件与 YAML).
        A symbolic link is shown where it is, not where it leads: the editor fixes the link."""
        cwd = cwd or Path.cwd()
        p = Path(os.path.abspath(self.path))
        try:
            return os.fspath(p.relative_to(os.path.abspath(cwd)))
        except ValueError:
            pass
        try:  # cwd reached through a symbolic link: compare the real folders
            return os.fspath(p.parent.resolve().relative_to(cwd.resolve()) / p.name)
        except (ValueError, OSError):
            return self.path

    def format_text(self, cwd: Path | None = None) -> str:
        return (
            f"{shown(self.display_path(cwd))}:{self.line}:{self.column}: "
            f"{self.severity.value}[{self.code}]: {shown(self.message)}"
        )

    def as_json(self, cwd: Path | None = None) -> dict[str, object]:
        data = asdict(self)
        data["file"] = shown(self.display_path(cwd))
        data["message"] = shown(self.message)
        del data["path"]
        data["severity"] = self.severity.value
        return {k: data[k] for k in ("file", "line", "column", "severity", "code", "message")}


# Characters a terminal, a CI log or a reader's eye would take for something else: line breaks
# (a forged `::error` annotation line), other control characters, and invisible or
# direction-changing ones (U+202E turns `gpj.exe` around, U+200B hides inside a word).
_UNSHOWABLE_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u00ad\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb]")
_HIDDEN = frozenset({"Cc", "Cf", "Zl", "Zp", "Co", "Cs"})
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_char(m: re.Match[str]) -> str:
    char = m.group(0)
    return _ESCAPES.get(char) or f"\\u{ord(char):04x}"


def shown(text: str) -> str:
    """`text` with line breaks, control, invisible and bidirectional characters written as
    escapes (`\\n`, `\\u202e`): a diagnostic is one line, and it shows what is really there."""
    if text.isprintable() and text.isascii():
        return text
    text = _UNSHOWABLE_RE.sub(_escape_char, text)
    return "".join(f"\\u{ord(c):04x}" if unicodedata.category(c) in _HIDDEN else c for c in text)


def error(path: str | Path, line: int, column: int, code: str, message: str) -> Diagnostic:
    return Diagnostic(os.fspath(path), max(line, 1), max(column, 1), Severity.ERROR, code, message)


def warning(path: str | Path, line: int, column: int, code: str, message: str) -> Diagnostic:
    return Diagnostic(
        os.fspath(path), max(line, 1), max(column, 1), Severity.WARNING, code, message
    )


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.is_error for d in diagnostics)


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Stable, deterministic order: by file, then position, then code."""
    return sorted(set(diagnostics), key=lambda d: (d.path, d.line, d.column, d.code, d.message))


def format_json(diagnostics: Iterable[Diagnostic], cwd: Path | None = None) -> str:
    items = [d.as_json(cwd) for d in diagnostics]
    return json.dumps(items, ensure_ascii=False, indent=2)


def format_github(diagnostics: Iterable[Diagnostic], cwd: Path | None = None) -> str:
    """GitHub Actions workflow commands: each diagnostic annotates its line in a pull request."""
    lines = []
    for d in diagnostics:
        properties = {
            "file": d.display_path(cwd),
            "line": str(d.line),
            "col": str(d.column),
            "title": f"{CATALOG[d.code]} [{d.code}]",
        }
        props = ",".join(f"{key}={_escape_property(shown(value))}" for key, value in properties.items())
        lines.append(f"::{d.severity.value} {props}::{_escape_data(shown(d.message))}")
    return "\n".join(lines)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
