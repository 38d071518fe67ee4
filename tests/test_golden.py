"""Golden output of the small fixture site: any change to rendered pages shows up as a diff.

Regenerate after an intended change with: SITEGEN_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest
from conftest import SITES, build_ok

GOLDEN = SITES / "small-expected"
FILES = [
    "index.html",
    "associations/index.html",
    "associations/330106/index.html",
    "regions/330000/index.html",
    "evaluation/index.html",
    "projects/xihu-jinhui/index.html",
    "stories/index.html",
    "stories/story-1/index.html",
    "tags/jin-hui-zhu-lao/page/2/index.html",
    "about/index.html",
    "feed.xml",
    "sitemap.xml",
    "robots.txt",
    "data/associations.json",
    "data/projects.json",
    "data/associations.csv",
    "data/projects.csv",
    "data/coverage.csv",
    "data/evaluation.json",
    "data/evaluation.csv",
]


@pytest.mark.parametrize("name", FILES)
def test_matches_golden(name: str, small_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_ok(small_site, out)
    actual = (out / name).read_text(encoding="utf-8")
    golden = GOLDEN / name
    if os.environ.get("SITEGEN_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    expected = golden.read_text(encoding="utf-8")
    diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True), "golden", "actual"))
    assert actual == expected, diff
