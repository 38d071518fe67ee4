"""The benchmark scripts stay usable: a tiny generated site is valid, reproducible and floor-buildable.

The benchmarks themselves (timings) live in benchmarks/ and never run here.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from sitegen.build import check

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
TINY = ["--scale", "0.005", "--projects", "40", "--stories", "30"]


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCHMARKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_generated_site_is_valid_reproducible_and_floor_builds(tmp_path: Path) -> None:
    generate = _script("generate")
    first, second = tmp_path / "a", tmp_path / "b"
    assert generate.main([str(first), *TINY]) == 0
    assert generate.main([str(second), *TINY]) == 0
    files = _files(first)
    assert files == _files(second), "same seed and arguments must write the same bytes"
    assert sum(name.startswith("content/projects/") for name in files) == 40
    assert sum(name.startswith("content/stories/") for name in files) == 30
    assert "content/associations/100000.yaml" in files

    result = check(first)
    assert [d.format_text() for d in result.diagnostics] == []

    out = tmp_path / "floor"
    assert _script("floor").main([str(first), str(out)]) == 0
    assert (out / "index.html").is_file() and (out / "feed.xml").is_file()
    assert (out / "associations" / "100000" / "index.html").is_file()
    assert len(list((out / "stories").glob("*/index.html"))) >= 29  # drafts are left out


def test_the_harness_measures_builds_and_the_dev_server_over_http(tmp_path: Path, capsys) -> None:
    """A tiny run of benchmarks/run.py: rebuild rows, and `serve` measured through HTTP."""
    run = _script("run")
    results = (BENCHMARKS / "RESULTS.md").read_bytes()
    argv = ["--scales", "0.005", "--runs", "1", "--saves", "2", "--work", str(tmp_path), "--only", "nochange,story,servestart,serve"]
    assert run.main(argv) == 0
    report = capsys.readouterr().out
    for row in ("no change -j 2", "one story edited -j 2", "serve start → first page", "one story saved in `serve` → page shows it"):
        assert f"| {row} |" in report, row
    assert "| `build`, nothing changed |" in report and "≤ 3 s" in report
    story = run.Editor(tmp_path / "scale-0.005" / "src").story.read_text(encoding="utf-8")
    assert story.count("回访编号") == 3  # one edit for the build row, two saves in serve
    assert (BENCHMARKS / "RESULTS.md").read_bytes() == results  # only --write touches it


def test_the_output_comparison_of_two_commits_says_identical(tmp_path: Path, monkeypatch, capsys) -> None:
    """benchmarks/compare.py on one commit against itself: same files, exit status 0."""
    import subprocess

    import pytest

    root = BENCHMARKS.parent
    head = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True)
    if head.returncode != 0:
        pytest.skip("not a git checkout")
    compare = _script("compare")
    site = root / "tests" / "sites" / "small"
    argv = ["compare.py", "HEAD", head.stdout.strip(), str(site), "--work", str(tmp_path), "--jobs", "1", "--no-timing"]
    monkeypatch.setattr(sys, "argv", argv)
    try:
        compare.main()
    except SystemExit as exit_:
        assert exit_.code == 0
    assert "-j 1: identical" in capsys.readouterr().out


def test_story_names_never_read_as_a_personal_number() -> None:
    """A national site names stories after hosts whose slug ends in a region code; with a date
    and a four-digit serial that read as an ID number and the full-scale site did not build."""
    from datetime import date

    from sitegen.domain.privacy import scan_name

    slug = _script("generate").story_slug("bin-zhou-shi-610482", date(2020, 4, 21), 9786)
    assert slug == "bin-zhou-shi-610482-20200421-09786"
    assert scan_name(f"content/stories/{slug}.md", f"{slug}.md") == []
    old = "content/stories/bin-zhou-shi-610482-20200421-9786.md"
    assert scan_name(old, old)  # the name it had


def test_hostile_markdown_script_reports_what_sitegen_says(tmp_path: Path) -> None:
    """The figures of benchmarks/HOSTILE.md come from this script: its inputs reach the story
    (the huge one as a sparse 400 MB file) and the diagnostics it reports are sitegen's."""
    hostile = _script("hostile_markdown")
    (tmp_path / "huge").mkdir()
    (tmp_path / "deep").mkdir()
    src = hostile.site_with(hostile.INPUTS["huge-story-400MB"], tmp_path / "huge")
    story = src / "content/stories/stress.md"
    assert story.stat().st_size == hostile.HUGE and story.stat().st_blocks * 512 < 1_000_000
    sitegen = str(Path(sys.executable).with_name("sitegen"))
    seconds, kib, said = hostile.once(sitegen, src, limit=120)
    assert said == "size" and seconds is not None and kib is not None
    deep = hostile.site_with(hostile.INPUTS["deep-list-6KB"], tmp_path / "deep")
    assert hostile.once(sitegen, deep, limit=120)[2] == "size"
