"""Tests for sitegen.write.tree: listing, comparing and pruning output trees."""

from __future__ import annotations

import os
from pathlib import Path

from sitegen.write import tree


def _make(root: Path, files: dict[str, bytes]) -> None:
    for key, data in files.items():
        path = root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def test_scan_lists_files_folders_and_others_without_following_links(tmp_path: Path) -> None:
    root = tmp_path / "root"
    _make(root, {"index.html": b"x", "a/b/c.html": b"y", "pagefind/i.json": b"{}"})
    (root / "a" / "link").symlink_to(tmp_path)
    listing = tree.scan(root)
    assert listing.files == {k: os.stat(root / k).st_ino for k in ("index.html", "a/b/c.html", "pagefind/i.json")}
    assert listing.dirs == {"a", "a/b", "pagefind"}
    assert listing.others == {"a/link"}
    assert tree.scan(root, skip="pagefind").dirs == {"a", "a/b"}
    assert tree.scan(tmp_path / "missing") == tree.Listing()


def test_same_content_compares_bytes_paths_and_inodes(tmp_path: Path) -> None:
    path = tmp_path / "old.html"
    path.write_bytes(b"same")
    ino = os.stat(path).st_ino
    old = str(path)
    assert tree.same_content(b"same", old, ino)
    assert not tree.same_content(b"diff", old, ino)
    assert not tree.same_content(b"same!", old, ino)
    assert not tree.same_content(b"same", old, None)  # absent from the listing
    assert tree.same_content(path, old, ino)  # OUT's own file: a page not rendered again
    copy = tmp_path / "copy.html"
    copy.write_bytes(b"same")
    assert tree.same_content(copy, old, ino)
    copy.write_bytes(b"dif!")
    assert not tree.same_content(copy, old, ino)
    assert not tree.same_content(b"same", str(tmp_path / "vanished.html"), ino)


def test_create_refuses_to_write_into_an_existing_file(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.write_bytes(b"published")
    twin = tmp_path / "twin"
    tree.link(str(shared), str(twin))
    assert os.stat(twin).st_ino == os.stat(shared).st_ino
    try:
        tree.create(str(twin), b"new")
    except FileExistsError:
        pass
    else:
        raise AssertionError("create wrote into an existing inode")
    assert shared.read_bytes() == b"published"


def test_prune_keeps_only_what_is_asked_and_the_folders_it_needs(tmp_path: Path) -> None:
    root = tmp_path / "root"
    _make(root, {"keep/a.html": b"a", "gone/b.html": b"b", "keep/deep/gone.html": b"c", "x": b"x"})
    (root / "keep" / "link").symlink_to(root / "x")
    listing = tree.scan(root)
    removed = tree.prune(root, listing, {"keep/a.html", "x"})
    assert removed == 2
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*")) == ["keep", "keep/a.html", "x"]
    assert listing.dirs == {"keep"} and set(listing.files) == {"keep/a.html", "x"} and not listing.others
