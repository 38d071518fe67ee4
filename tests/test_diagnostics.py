"""Diagnostic formats: GitHub Actions annotations put errors on the lines of a pull request."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner
from conftest import INVALID

from sitegen.cli import main
from sitegen.diagnostics import error, format_github, warning

# ::error file=…,line=…,col=…,title=…::message (workflow command syntax)
ANNOTATION = re.compile(r"^::(error|warning) file=([^,]+),line=(\d+),col=(\d+),title=([^,:]+)::(.+)$")


def test_annotations_escape_what_the_runner_would_misread(tmp_path: Path) -> None:
    text = format_github(
        [
            error("dir,1/a:b.yaml", 3, 4, "unknown-field", "第一行\n第二行 100%"),
            warning("x.md", 1, 1, "unsafe-html", "已移除"),
        ],
        cwd=tmp_path,
    )
    first, second = text.splitlines()
    assert first == "::error file=dir%2C1/a%3Ab.yaml,line=3,col=4,title=未知字段 [unknown-field]::第一行%0A第二行 100%25"
    assert ANNOTATION.match(second).group(1) == "warning"


def test_check_format_github(monkeypatch) -> None:
    case = INVALID / "unknown-field"
    monkeypatch.chdir(case)  # in CI the repository root is the current directory
    result = CliRunner().invoke(main, ["check", "--format", "github"])
    assert result.exit_code == 1
    found = [ANNOTATION.match(line).groups()[:4] for line in result.stdout.splitlines()]
    assert found == [
        ("error", "content/associations/330106.yaml", "6", "5"),  # nmae: name misspelled, once
        ("error", "content/associations/330106.yaml", "7", "1"),
    ]
    assert "检查未通过" in result.stderr


def test_check_format_github_is_silent_on_stdout_when_clean(small_site: Path) -> None:
    result = CliRunner().invoke(main, ["check", "-s", str(small_site), "--format", "github"])
    assert result.exit_code == 0 and result.stdout == ""
