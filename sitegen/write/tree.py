"""Files of an output tree: list them cheaply, compare them, and change one without touching
any other tree that shares its inodes.

The published tree and the spare beside it share the inodes of every unchanged file (hard
links), so nothing here ever writes into an existing file: a file is replaced by unlinking its
name and creating a new one. Listing uses `os.scandir`, whose entries carry the inode without
a `stat` call on Linux, so comparing two trees of 35,000 pages costs directory reads only.
"""

from __future__ import annotations

import os
import shutil
import stat
from dataclasses import dataclass, field
from pathlib import Path

_CHUNK = 1 << 20


@dataclass
class Listing:
    """What a tree holds, by relative POSIX path: regular files (-> inode), folders, and
    anything else (symbolic links, sockets…), which an output never needs."""

    files: dict[str, int] = field(default_factory=dict)
    dirs: set[str] = field(default_factory=set)
    others: set[str] = field(default_factory=set)


def scan(root: Path, skip: str | None = None) -> Listing:
    """List `root` without following symbolic links (`skip`: a top-level folder left out)."""
    found = Listing()
    if not root.is_dir():
        return found
    stack = [("", os.fspath(root))]
    while stack:
        rel, path = stack.pop()
        with os.scandir(path) as entries:
            for entry in entries:
                key = f"{rel}{entry.name}"
                if entry.is_dir(follow_symlinks=False):
                    if key != skip:
                        found.dirs.add(key)
                        stack.append((key + "/", entry.path))
                elif entry.is_file(follow_symlinks=False):
                    found.files[key] = entry.inode()
                else:
                    found.others.add(key)
    return found


def same_content(artifact: bytes | Path, old: str, old_inode: int | None) -> bool:
    """The file `old` (listed with `old_inode`, None if absent) already holds `artifact`."""
    if old_inode is None:
        return False
    try:
        if isinstance(artifact, bytes):
            if os.stat(old, follow_symlinks=False).st_size != len(artifact):
                return False
            with open(old, "rb") as f:
                return f.read(len(artifact) + 1) == artifact
        if os.fspath(artifact) == old:
            return True  # a page the build did not render again: its file in OUT is the artifact
        st, old_st = os.stat(artifact), os.stat(old, follow_symlinks=False)
        if (st.st_ino, st.st_dev) == (old_st.st_ino, old_st.st_dev):
            return True
        return st.st_size == old_st.st_size and _same_files(artifact, old)
    except FileNotFoundError:
        return False


def _same_files(a: Path | str, b: Path | str) -> bool:
    with open(a, "rb") as fa, open(b, "rb") as fb:
        while True:
            ca, cb = fa.read(_CHUNK), fb.read(_CHUNK)
            if ca != cb:
                return False
            if not ca:
                return True


def link(source: str, target: str) -> None:
    """Give `target` (which must not exist) the inode of `source`; where the filesystem cannot
    hard-link, copy it with its mtime so that it still reads as unchanged."""
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        shutil.copyfile(source, target, follow_symlinks=False)
        st = os.stat(source, follow_symlinks=False)
        os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))


def create(target: str, artifact: bytes | Path) -> None:
    """Write `artifact` as a new file `target`, which must not exist (never truncating an
    inode another tree may share)."""
    if isinstance(artifact, bytes):
        with open(target, "xb") as f:
            f.write(artifact)
    else:
        with open(artifact, "rb") as source, open(target, "xb") as f:
            shutil.copyfileobj(source, f, _CHUNK)


def remove(path: Path) -> None:
    """Delete a file, link or whole folder, not following links; absent is fine."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISDIR(mode):
        shutil.rmtree(path)
    else:
        os.unlink(path)


def prune(root: Path, listing: Listing, keep: set[str]) -> int:
    """Delete from `root` every file not in `keep`, every link, and every folder no kept file
    needs, deepest first; returns how many files went. `listing` (`root`'s) is updated."""
    needed = {key.rsplit("/", i)[0] for key in keep for i in range(1, key.count("/") + 1)}
    gone = 0
    for key in sorted({*(listing.files.keys() - keep), *listing.others}):
        os.unlink(root.joinpath(*key.split("/")))
        gone += key in listing.files
        listing.files.pop(key, None)
    listing.others.clear()
    for key in sorted(listing.dirs - needed, key=lambda k: -k.count("/")):
        remove(root.joinpath(*key.split("/")))  # emptied above, unless a kept path is a file here
    listing.dirs &= needed
    return gone
