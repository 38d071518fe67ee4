"""`sitegen build --changed-urls FILE`: the URLs a CDN must refresh after a build.

Every file of OUT that is new, rewritten or gone is listed once, as the absolute URL the site
links to, sorted; an unchanged rebuild lists nothing; the search index counts too.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import build_ok, copy_site

from sitegen.cli import main
from sitegen.write.changes import Changes, merge, tree_diff, url_of

BASE = "https://example.org/volunteer/"


def urls_after(src: Path, out: Path) -> list[str]:
    result = build_ok(src, out)
    assert result.changes is not None
    return result.changes.urls(result.site.config.base_url)


def test_url_of_names_pages_by_the_url_the_site_links_to() -> None:
    assert url_of(BASE, "index.html") == BASE
    assert url_of(BASE, "associations/330106/index.html") == BASE + "associations/330106/"
    assert url_of(BASE, "404.html") == BASE + "404.html"
    assert url_of(BASE, "data/coverage.csv") == BASE + "data/coverage.csv"
    assert url_of(BASE, "img/活动 照片.jpg") == BASE + "img/%E6%B4%BB%E5%8A%A8%20%E7%85%A7%E7%89%87.jpg"  # static names are kept
    assert Changes(("b/index.html", "a.css"), ("a.css",)).urls(BASE) == [BASE + "a.css", BASE + "b/"]


def test_first_build_lists_every_file_then_an_unchanged_rebuild_nothing(small_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = urls_after(small_site, out)
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert first == sorted(url_of(BASE, f) for f in files)
    assert first == sorted(set(first)) and BASE in first and BASE + "stories/story-1/" in first
    assert urls_after(small_site, out) == []


def test_an_edit_lists_what_it_changed_and_a_deletion_what_is_gone(small_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_ok(small_site, out)
    about = small_site / "content/pages/about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\n新增的一段话。\n", encoding="utf-8")
    edited = urls_after(small_site, out)
    assert BASE + "about/" in edited
    assert BASE + "associations/330106/" not in edited  # pages the edit did not touch stay out
    assert BASE + "img/a.svg" not in edited

    (small_site / "content/stories/story-3.md").unlink()
    deleted = urls_after(small_site, out)
    assert BASE + "stories/story-3/" in deleted  # gone: the CDN must forget it too
    assert not (out / "stories/story-3").exists()
    assert deleted == sorted(deleted)


def test_search_index_files_are_compared_with_the_previous_index(tmp_path: Path) -> None:
    new, old = tmp_path / "new", tmp_path / "old"
    (new / "fragment").mkdir(parents=True)
    (old / "fragment").mkdir(parents=True)
    (new / "entry.json").write_text("v2")
    (old / "entry.json").write_text("v1")
    (new / "fragment/same").write_text("x")
    (old / "fragment/same").write_text("x")
    (new / "fragment/added").write_text("y")
    (old / "fragment/gone").write_text("z")
    diff = tree_diff(new, old, "pagefind/")
    assert diff == Changes(("pagefind/entry.json", "pagefind/fragment/added"), ("pagefind/fragment/gone",))
    assert tree_diff(new, None, "p/").changed == ("p/entry.json", "p/fragment/added", "p/fragment/same")
    # the writer saw the old index as removed; the index's own comparison replaces that
    written = Changes(("index.html",), ("pagefind/entry.json", "pagefind/fragment/gone", "pagefind/fragment/same", "old.html"))
    assert merge(written, "pagefind", diff) == Changes(
        ("index.html", "pagefind/entry.json", "pagefind/fragment/added"), ("old.html", "pagefind/fragment/gone")
    )


def test_a_real_search_index_change_is_listed(tmp_path: Path) -> None:
    src = copy_site("small", tmp_path)
    config = src / "sitegen.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("search: false", "search: true"), encoding="utf-8")
    out = tmp_path / "out"
    assert any(url.startswith(BASE + "pagefind/") for url in urls_after(src, out))
    assert urls_after(src, out) == []
    story = src / "content/stories/story-1.md"
    story.write_text(story.read_text(encoding="utf-8") + "\n志愿者们新写的一段话：留守儿童的周末课堂。\n", encoding="utf-8")
    after = urls_after(src, out)
    assert BASE + "stories/story-1/" in after
    assert BASE + "pagefind/pagefind-entry.json" in after


def test_the_cli_writes_the_file_only_for_a_good_build(small_site: Path, tmp_path: Path) -> None:
    listing = tmp_path / "changed.txt"
    out = tmp_path / "out"
    runner = CliRunner()
    result = runner.invoke(main, ["build", "-s", str(small_site), "-o", str(out), "--changed-urls", str(listing)])
    assert result.exit_code == 0, result.output
    lines = listing.read_text(encoding="utf-8").splitlines()
    assert BASE in lines and all(line.startswith(BASE) for line in lines)
    assert f"网址已写入 {listing}" in result.output

    again = runner.invoke(main, ["build", "-s", str(small_site), "-o", str(out), "-q", "--changed-urls", str(listing)])
    assert again.exit_code == 0 and listing.read_text(encoding="utf-8") == ""

    (small_site / "content/stories/story-1.md").write_text("---\ntitle: 缺日期\n---\n", encoding="utf-8")
    listing.write_text("kept\n", encoding="utf-8")
    failed = runner.invoke(main, ["build", "-s", str(small_site), "-o", str(out), "--changed-urls", str(listing)])
    assert failed.exit_code == 1 and listing.read_text(encoding="utf-8") == "kept\n"


@pytest.mark.parametrize("inside", ["out/changed.txt", "out/sub/changed.txt"])
def test_the_list_may_not_live_in_out(small_site: Path, tmp_path: Path, inside: str) -> None:
    result = CliRunner().invoke(
        main, ["build", "-s", str(small_site), "-o", str(tmp_path / "out"), "--changed-urls", str(tmp_path / inside)]
    )
    assert result.exit_code == 2 and "输出目录" in result.output
