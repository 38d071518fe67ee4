"""Broken sites (tests/sites_invalid/<case>/) and the exact diagnostics each must produce.

Each case's expected.txt lists `file:line:col: severity[code]`, one per line, paths relative to
the case's folder; the Chinese message is checked for presence, not wording.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import INVALID

from sitegen.build import build, check

CASES = sorted(p.name for p in INVALID.iterdir() if (p / "expected.txt").is_file())


def located(case: Path) -> list[str]:
    result = check(case)
    lines = []
    for d in result.diagnostics:
        rel = Path(d.path).resolve().relative_to(case.resolve()).as_posix()
        assert d.message and any("\u4e00" <= ch <= "\u9fff" for ch in d.message)
        lines.append(f"{rel}:{d.line}:{d.column}: {d.severity.value}[{d.code}]")
    return sorted(lines)


def test_every_code_has_a_case() -> None:
    from sitegen.diagnostics import CATALOG

    # output and search-index are failures of the machine (disk, indexer), cache a build cache
    # that came from a commit and internal a bug of sitegen, not problems of the content:
    # tests/test_writer.py, test_security.py, test_search.py, test_store.py and test_serve.py
    # cause them. workbook is a problem of a spreadsheet given to `sitegen import`, not of a
    # site: tests/test_import.py. timeout needs a render budget of a fraction of a second to
    # be quick: tests/test_hostile.py.
    without_case = set(CATALOG) - set(CASES) - {"output", "search-index", "cache", "internal", "workbook", "timeout"}
    assert not without_case, f"no invalid-site fixture for {sorted(without_case)}"


@pytest.mark.parametrize("name", CASES)
def test_case_reports_exact_locations(name: str) -> None:
    case = INVALID / name
    expected = sorted(line for line in (case / "expected.txt").read_text(encoding="utf-8").splitlines() if line)
    assert located(case) == expected


@pytest.mark.parametrize("name", CASES)
def test_build_writes_nothing_on_errors(name: str, tmp_path: Path) -> None:
    case = INVALID / name
    src = tmp_path / "src"
    shutil.copytree(case, src, symlinks=True)  # a successful build keeps its cache in SRC
    result = build(src, tmp_path / "out")
    has_error = any(line.split(": ")[1].startswith("error") for line in (case / "expected.txt").read_text().splitlines())
    assert result.ok is not has_error
    assert (tmp_path / "out").exists() is not has_error
