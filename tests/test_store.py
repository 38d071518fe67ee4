"""The build cache's one home: data only, stamped, pruned, and never taken from a commit."""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import pickle
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import build_ok

from sitegen.incremental.store import CACHE_DIR, GRAPH, MARKDOWN, PINYIN, RECORDS, Cache, ImageStore


class _Boom:
    """Unpickling this runs a command: it must never happen to a file in the cache."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def _hostile_files(cache: Path, marker: Path) -> None:
    cache.mkdir(exist_ok=True)
    payload = pickle.dumps(_Boom(marker))
    for name in ("records.pickle", "pages.pickle", "pinyin.pickle"):  # sitegen's former parts
        (cache / name).write_bytes(payload)
    (cache / "jinja").mkdir(exist_ok=True)  # Jinja's bytecode cache, which marshal-loads code
    code = compile(f"import os; os.system('touch {marker}')", "x", "exec")
    (cache / "jinja" / "__jinja2_0.cache").write_bytes(b"j2" + marshal.dumps(code))
    for name in (RECORDS, MARKDOWN, GRAPH, PINYIN):
        (cache / name).write_bytes(payload)


def test_hostile_cache_files_run_nothing_and_are_pruned(small_site: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    _hostile_files(small_site / CACHE_DIR, marker)
    result = build_ok(small_site, tmp_path / "out")
    build_ok(small_site, tmp_path / "out")
    assert not marker.exists()
    assert not [d for d in result.diagnostics if d.code == "cache"]
    assert {p.name for p in (small_site / CACHE_DIR).iterdir()} <= {RECORDS, MARKDOWN, GRAPH, PINYIN, "images"}
    for name in (RECORDS, MARKDOWN, GRAPH):
        json.loads((small_site / CACHE_DIR / name).read_text(encoding="utf-8"))  # data, rewritten


def _poison_markdown(src: Path) -> None:
    """Replace every cached fragment by a script: what a hostile commit could try."""
    path = src / CACHE_DIR / MARKDOWN
    saved = json.loads(path.read_text(encoding="utf-8"))
    saved["data"] = {key: "<script>alert(1)</script>" for key in saved["data"]}
    path.write_text(json.dumps(saved), encoding="utf-8")


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_cache_committed_to_git_is_ignored_with_a_warning(small_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_ok(small_site, out)
    _poison_markdown(small_site)
    git = ["git", "-C", str(small_site), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-f", CACHE_DIR], check=True)
    subprocess.run([*git, "commit", "-qm", "cache"], check=True)
    before = (small_site / CACHE_DIR / MARKDOWN).read_bytes()
    result = build_ok(small_site, out)
    assert [d.code for d in result.diagnostics if d.code == "cache"] == ["cache"]
    assert "git rm -r --cached" in next(d.message for d in result.diagnostics if d.code == "cache")
    assert not any(b"<script>alert" in p.read_bytes() for p in out.rglob("*.html"))
    assert (small_site / CACHE_DIR / MARKDOWN).read_bytes() == before  # neither read nor written


def test_an_untracked_cache_in_a_repository_is_used(small_site: Path, tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("needs git")
    subprocess.run(["git", "-C", str(small_site), "init", "-q"], check=True)
    build_ok(small_site, tmp_path / "out")
    result = build_ok(small_site, tmp_path / "out")
    assert not [d for d in result.diagnostics if d.code == "cache"]
    assert result.reused == result.pages


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="chown needs root")
def test_a_cache_owned_by_another_user_is_ignored(small_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_ok(small_site, out)
    _poison_markdown(small_site)
    os.chown(small_site / CACHE_DIR, 4242, -1)
    result = build_ok(small_site, out)
    assert [d.code for d in result.diagnostics if d.code == "cache"] == ["cache"]
    assert not any(b"<script>alert" in p.read_bytes() for p in out.rglob("*.html"))
    assert Cache(small_site).usable is False


def test_parts_are_read_only_under_their_own_stamp(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    stamp = cache.stamp(RECORDS, "config A")
    assert cache.load(RECORDS, stamp) is None
    cache.save(RECORDS, stamp, {"a": [1, "二"]})
    assert cache.load(RECORDS, stamp) == {"a": [1, "二"]}
    assert cache.load(RECORDS, cache.stamp(RECORDS, "config B")) is None
    assert cache.stamp(MARKDOWN, "config A") != stamp
    (tmp_path / CACHE_DIR / RECORDS).write_bytes(b"\x80 not json")
    assert cache.load(RECORDS, stamp) is None


def test_readonly_cache_writes_nothing(tmp_path: Path) -> None:
    cache = Cache(tmp_path, readonly=True)
    cache.save(GRAPH, cache.stamp(GRAPH), {})
    cache.prune()
    assert not (tmp_path / CACHE_DIR).exists()


def test_prune_keeps_the_layout_and_the_variants_in_use(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    cache.save(GRAPH, cache.stamp(GRAPH), {})
    cache.images.put("kept.webp", b"1")
    cache.images.put("old.webp", b"2")
    (tmp_path / CACHE_DIR / "records.pickle").write_bytes(b"x")
    (tmp_path / CACHE_DIR / "jinja").mkdir()
    cache.images.used.add("kept.webp")
    cache.prune()
    assert sorted(p.name for p in (tmp_path / CACHE_DIR).iterdir()) == [GRAPH, "images"]
    assert [p.name for p in (tmp_path / CACHE_DIR / "images").iterdir()] == ["kept.webp"]


def test_a_store_that_may_not_use_its_folder_keeps_variants_in_memory(tmp_path: Path) -> None:
    store = ImageStore(tmp_path / "images", usable=False)
    store.put("a.webp", b"bytes")
    assert store.has("a.webp") and store.content("a.webp") == b"bytes"
    assert not (tmp_path / "images").exists()


def test_cache_stamp_follows_sitegens_code(tmp_path: Path, monkeypatch) -> None:
    from sitegen.incremental import store

    before = Cache(tmp_path).stamp(RECORDS)
    monkeypatch.setattr(store, "code_digest", lambda: hashlib.sha256(b"edited").hexdigest())
    assert Cache(tmp_path).stamp(RECORDS) != before
