"""The Markdown cache: a warm build equals a cold one byte for byte, and it goes stale wholesale."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from conftest import build_ok

from sitegen.build import check
from sitegen.incremental import markdown_cache as cache_module


def _digests(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.rglob("*")) if p.is_file()}


def _cached(src: Path) -> dict:
    return json.loads((src / ".sitegen-cache" / "markdown.json").read_text(encoding="utf-8"))


def test_warm_build_equals_cold_build(small_site: Path, tmp_path: Path, monkeypatch) -> None:
    build_ok(small_site, tmp_path / "cold")
    assert _cached(small_site)["data"], "the first build fills the cache"
    hits: list[int] = []
    save = cache_module.MarkdownCache.save
    monkeypatch.setattr(cache_module.MarkdownCache, "save", lambda self: (hits.append(self.hits), save(self))[1])
    warm = build_ok(small_site, tmp_path / "warm")
    assert hits and hits[0] == len(_cached(small_site)["data"]) > 0
    assert _digests(tmp_path / "warm") == _digests(tmp_path / "cold")
    assert warm.diagnostics == build_ok(small_site, tmp_path / "cold").diagnostics


def test_an_edit_and_a_base_url_change_are_not_served_stale(small_site: Path, tmp_path: Path) -> None:
    build_ok(small_site, tmp_path / "first")
    about = small_site / "content" / "pages" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\n\n新增一段 [图片](/img/a.svg)\n", encoding="utf-8")
    build_ok(small_site, tmp_path / "warm", base_url="https://example.org/other/")
    cold_src = tmp_path / "cold-src"
    shutil.copytree(small_site, cold_src, ignore=shutil.ignore_patterns(".sitegen-cache"))
    build_ok(cold_src, tmp_path / "cold", base_url="https://example.org/other/")
    assert _digests(tmp_path / "warm") == _digests(tmp_path / "cold")
    assert "/other/img/a.svg" in (tmp_path / "warm" / "about" / "index.html").read_text(encoding="utf-8")


def test_fragments_outlive_template_and_config_edits_but_not_a_new_sitegen(small_site: Path, tmp_path: Path, monkeypatch) -> None:
    """A fragment depends on its text, the base path and sitegen's code only."""
    build_ok(small_site, tmp_path / "out")
    fragments = _cached(small_site)["data"]
    config = small_site / "sitegen.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    (small_site / "templates").mkdir(exist_ok=True)
    (small_site / "templates" / "extra.html").write_text("x", encoding="utf-8")
    build_ok(small_site, tmp_path / "out")
    assert _cached(small_site)["data"] == fragments
    from sitegen.incremental import store

    monkeypatch.setattr(store, "code_digest", lambda: "another sitegen")
    stamp = _cached(small_site)["stamp"]
    build_ok(small_site, tmp_path / "out")
    assert _cached(small_site)["stamp"] != stamp


def test_a_corrupt_cache_is_ignored_and_check_writes_none(small_site: Path, tmp_path: Path) -> None:
    check(small_site)
    assert not (small_site / ".sitegen-cache").exists()
    (small_site / ".sitegen-cache").mkdir()
    (small_site / ".sitegen-cache" / "markdown.json").write_text("{not json", encoding="utf-8")
    build_ok(small_site, tmp_path / "out")
    assert _cached(small_site)["data"]
