"""Click in Chinese: its own messages (help headings, usage, errors) and the placeholders of options.

Click marks its messages for gettext (`from gettext import gettext as _` in each module), but a
gettext catalog is chosen by the user's locale, and a CI runner or a fresh server says LANG=C: the
help would be English there. So `install()` points click's `_` and `ngettext` at this catalog,
whatever the locale, and translates the placeholders click derives from types and names (TEXT,
PATH, [OPTIONS], COMMAND [ARGS]...). A message missing here stays as click wrote it; a test lists
every --help and fails on any English word left.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from typing import Any

import click
import click.core
import click.formatting

__all__ = ["install"]

MESSAGES = {
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示此帮助并退出。",
    "Show the version and exit.": "显示版本号并退出。",
    "%(prog)s, version %(version)s": "%(prog)s 版本 %(version)s",
    "default: {default}": "默认：{default}",
    "required": "必填",
    "env var: {var}": "环境变量：{var}",
    "deprecated": "已弃用",
    "(dynamic)": "（动态）",
    "Aborted!": "已中止。",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行 “{command} {option}” 查看帮助。",
    "Missing command.": "缺少命令。",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing {param_type}": "缺少{param_type}",
    "argument": "参数",
    "option": "选项",
    "parameter": "参数",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Invalid value: {message}": "值无效：{message}",
    "unknown error": "未知错误",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "Got unexpected extra arguments ({args})": "多余的参数（{args}）",
    "Did you mean {possibility}?": "是不是 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是不是其中之一：{possibilities}？）",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 需要 {nargs} 个值。",
    "Option {name!r} does not take a value.": "选项 {name!r} 不接受值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要 {nargs} 个值。",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "{value!r} is not {choice}.": "{value!r} 不是 {choice}。",
    "{value!r} is not one of {choices}.": "{value!r} 不在可选值 {choices} 中。",
    "{value!r} does not match the format {format}.": "{value!r} 不符合格式 {format}。",
    "{value!r} does not match the formats {formats}.": "{value!r} 不符合格式 {formats} 中的任何一种。",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的{number_type}。",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{value!r} is not a valid boolean. Recognized values: {states}": "{value!r} 不是有效的是/否值，可用：{states}",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是目录。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 不可读。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 不可写。",
    "{name} {filename!r} is not executable.": "{name} {filename!r} 不可执行。",
    "file": "文件",
    "directory": "目录",
    "path": "路径",
    "integer": "整数",
    "float": "数",
    "Error: invalid input": "错误：输入无效",
    "Error: The two entered values do not match.": "错误：两次输入不一致。",
    "Repeat for confirmation": "再输入一次确认",
    "Do you want to continue?": "要继续吗？",
    "Press any key to continue...": "按任意键继续……",
}

# Placeholders click makes from types and parameter names.
PLACEHOLDERS = {
    "[OPTIONS]": "[选项]",
    "COMMAND [ARGS]...": "命令 [参数]...",
    "TEXT": "文本",
    "PATH": "路径",
    "DIRECTORY": "目录",
    "FILE": "文件",
    "FILENAME": "文件",
    "INTEGER": "整数",
    "INTEGER RANGE": "整数",
    "FLOAT": "数",
    "FLOAT RANGE": "数",
    "BOOLEAN": "是/否",
    "REGION": "区划代码",
    "SLUG": "文件名",
    "HOST": "平台",
    "WORKBOOK": "表格文件",
    "[%Y-%m-%d]": "YYYY-MM-DD",
}
_WORDS = re.compile("|".join(re.escape(k) for k in sorted(PLACEHOLDERS, key=len, reverse=True)))
_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types", "utils")


def _gettext(message: str) -> str:
    return MESSAGES.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return _gettext(singular if n == 1 else plural)


def placeholder(text: str) -> str:
    """TEXT → 文本, [SLUG] → [文件名], [%Y-%m-%d] → YYYY-MM-DD."""
    return _WORDS.sub(lambda m: PLACEHOLDERS[m.group(0)], text)


def install() -> None:
    """Make click speak Chinese in this process (idempotent)."""
    for name in _MODULES:
        module = sys.modules.get(f"click.{name}") or __import__(f"click.{name}", fromlist=["_"])
        if hasattr(module, "_"):
            module._ = _gettext
        if hasattr(module, "ngettext"):
            module.ngettext = _ngettext
    if getattr(click.core.Parameter.make_metavar, "_sitegen_zh", False):
        return
    make_metavar = click.core.Parameter.make_metavar
    collect_usage_pieces = click.core.Command.collect_usage_pieces

    def translated_metavar(self: click.core.Parameter, *args: Any, **kwargs: Any) -> str:
        return placeholder(make_metavar(self, *args, **kwargs))

    def translated_usage(self: click.core.Command, ctx: click.Context) -> list[str]:
        return [placeholder(piece) for piece in collect_usage_pieces(self, ctx)]

    group_usage_pieces = click.core.Group.collect_usage_pieces

    def translated_group_usage(self: click.core.Group, ctx: click.Context) -> list[str]:
        return [placeholder(piece) for piece in group_usage_pieces(self, ctx)]

    def write_heading(self: click.formatting.HelpFormatter, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")

    translated_metavar._sitegen_zh = True  # type: ignore[attr-defined]
    click.core.Parameter.make_metavar = translated_metavar  # type: ignore[method-assign]
    click.core.Command.collect_usage_pieces = translated_usage  # type: ignore[method-assign]
    click.core.Group.collect_usage_pieces = translated_group_usage  # type: ignore[method-assign]
    click.formatting.HelpFormatter.write_heading = write_heading  # type: ignore[method-assign]
    click.formatting.term_len = display_width  # columns line up with Chinese in the first one


def display_width(text: str) -> int:
    """Terminal columns: wide (East Asian) characters take two."""
    plain = re.sub(r"\x1b\[[0-9;]*m", "", text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in plain)
