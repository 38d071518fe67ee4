"""Every --help is Chinese: click's own words (Usage, Options, Show this message and exit …) too.

Left in Latin letters: command and option names, file names and paths, field names and values a
user types (`status: active`), formats (JSON, CSV) and product names (GitHub, Pages, pip).
"""

from __future__ import annotations

import re

import click
import pytest
from click.testing import CliRunner

from sitegen.cli import main

# Words a user types or reads as names, not as English prose.
NAMES = {
    "sitegen", "yaml", "json", "csv", "table", "text", "github", "gitlab", "pages", "pip", "git", "schema",
    "schemas", "src", "out", "output", "content", "associations", "projects", "stories", "static",
    "https", "http", "true", "false", "active", "preparing", "dissolved", "draft", "drafts", "region", "title",
    "summary", "status", "founded", "name", "date", "brand", "jinhui", "base_url", "ci", "yyyy-mm-dd", "utf-8",
    "cpu", "actions", "cdn", "deploy", "oss", "cos", "edgeone", "nginx", "cnb", "jenkins", "rsync", "none",
    "scope", "excel", "xlsx", "wps", "serial", "as_of",
}  # fmt: skip


def commands(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            found += commands(command, (*path, name))
        else:
            found.append((*path, name))
    return found


def english_words(text: str, command_names: set[str]) -> list[str]:
    text = re.sub(r"(?<![\w])--?[\w-]+", " ", text)  # option names
    text = re.sub(r"\S*\w[./]\w\S*", " ", text)  # paths, file names, URLs
    text = re.sub(r"\[[\w|-]+\]", " ", text)  # choices [table|json|csv]
    words = re.findall(r"[A-Za-z][A-Za-z_-]{2,}", text)
    return [w for w in words if w.lower() not in NAMES and w.lower() not in command_names]


@pytest.mark.parametrize("path", commands(main), ids=lambda p: " ".join(p) or "sitegen")
def test_help_is_chinese(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*path, "--help"], prog_name="sitegen", env={"LANG": "C", "LC_ALL": "C"})
    assert result.exit_code == 0, result.output
    names = {name for p in commands(main) for name in p}
    assert not english_words(result.output, names), result.output
    assert result.output.startswith("用法：") and "选项：" in result.output
    assert "显示此帮助并退出。" in result.output


def test_version_and_usage_errors_are_chinese() -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["--version"], prog_name="sitegen").output.startswith("sitegen 版本 ")
    wrong = runner.invoke(main, ["buil"])
    assert wrong.exit_code == 2
    assert "错误：没有命令 'buil'。" in wrong.output and "是不是 'build'？" in wrong.output
    assert "查看帮助" in wrong.output
    missing = runner.invoke(main, ["build", "--jobs"])
    assert missing.exit_code == 2 and "需要一个值" in missing.output
    for result in (wrong, missing):
        assert not re.search(r"\b(Error|Usage|Try|Did you mean|requires)\b", result.output), result.output


def test_the_checker_catches_english() -> None:
    assert english_words("Show this message and exit.", set()) == ["Show", "this", "message", "and", "exit"]
    assert english_words("-s, --src 路径  站点源目录（含 sitegen.yaml）", set()) == []
