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
    assert first == "::error file=dir%2C1/a%3Ab.yaml,line=3,col=4,title=未知字段 [unknown-field]::第一行\\n第二行 100%25"
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


def _codes_in_source() -> dict[str, list[str]]:
    """Every diagnostic code written in sitegen's source: `error(path, line, col, CODE, …)`,
    `warning(…)`, `Diagnostic(path, line, col, severity, CODE, …)`, `code="…"` arguments and the
    validator's `_CODES` table, with where each is used."""
    import ast

    package = Path(__file__).resolve().parent.parent / "sitegen"
    found: dict[str, list[str]] = {}

    def note(node: ast.AST | None, where: str) -> None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.setdefault(node.value, []).append(where)

    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            where = f"{path.relative_to(package)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Call):
                name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
                position = {"error": 3, "warning": 3, "Diagnostic": 4}.get(name)
                if position is not None and len(node.args) > position:
                    note(node.args[position], where)
                for keyword in node.keywords:
                    if keyword.arg == "code":
                        note(keyword.value, where)
            elif isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "_CODES" for t in node.targets):
                for value in getattr(node.value, "values", []):
                    note(value, where)
    return found


def test_every_code_used_in_the_source_is_in_the_catalog() -> None:
    """A code missing from the catalog raises when the diagnostic is made: the build (or the
    dev server's builder thread) would die on the very problem it meant to report."""
    from sitegen.diagnostics import CATALOG

    used = _codes_in_source()
    assert {"unknown-field", "missing-field", "route-conflict", "template", "internal", "cache"} <= used.keys()
    unknown = {code: places for code, places in used.items() if code not in CATALOG}
    assert not unknown, f"codes not in diagnostics.CATALOG: {unknown}"
