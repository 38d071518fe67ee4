"""The parsed-record cache: unchanged files are not parsed again, yet report the same."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import INVALID, build_ok

from sitegen.build import analyse, build
from sitegen.incremental.store import CACHE_DIR
from sitegen.incremental.store import RECORDS as FILE_NAME
from sitegen.load import records


def _count_parses(monkeypatch) -> list[str]:
    parsed: list[str] = []
    real = records.load_record

    def counting(source, context):
        parsed.append(source.rel)
        return real(source, context)

    monkeypatch.setattr(records, "load_record", counting)
    return parsed


def test_second_build_parses_only_the_changed_file(small_site: Path, tmp_path: Path, monkeypatch) -> None:
    build_ok(small_site, tmp_path / "out")
    parsed = _count_parses(monkeypatch)
    build_ok(small_site, tmp_path / "out")
    assert parsed == []
    story = small_site / "content" / "stories" / "story-1.md"
    story.write_text(story.read_text(encoding="utf-8") + "\n又一段。\n", encoding="utf-8")
    result = build_ok(small_site, tmp_path / "out")
    assert parsed == ["content/stories/story-1.md"]
    assert "又一段" in (tmp_path / "out" / "stories" / "story-1" / "index.html").read_text(encoding="utf-8")
    assert result.site is not None and result.site.stories[0].source.path.is_file()


def test_cached_files_report_their_problems_every_time(tmp_path: Path) -> None:
    case = tmp_path / "privacy"
    shutil.copytree(INVALID / "privacy", case)
    first = build(case, tmp_path / "out")
    second = build(case, tmp_path / "out")
    assert (case / CACHE_DIR / FILE_NAME).is_file()
    assert [d.format_text() for d in second.diagnostics] == [d.format_text() for d in first.diagnostics]
    assert not second.ok


def test_config_change_parses_everything_again(small_site: Path, tmp_path: Path, monkeypatch) -> None:
    build_ok(small_site, tmp_path / "out")
    config = small_site / "sitegen.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("title: 测试站", "title: 另一个站"), encoding="utf-8")
    parsed = _count_parses(monkeypatch)
    build_ok(small_site, tmp_path / "out")
    assert len(parsed) == len(list((small_site / "content").rglob("*.*")))


def test_unreadable_cache_is_ignored(small_site: Path, tmp_path: Path) -> None:
    build_ok(small_site, tmp_path / "out")
    (small_site / CACHE_DIR / FILE_NAME).write_bytes(b"\x80garbage")
    build_ok(small_site, tmp_path / "out")


def test_analyse_alone_writes_no_cache(small_site: Path) -> None:
    analyse(small_site)
    assert not (small_site / CACHE_DIR).exists()
