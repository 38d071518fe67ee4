"""SRC/.sitegen-cache/: the one home of what a build keeps for the next (docs/architecture.md).

Layout, one part per stage that saves time with it:

    records.json    parsed records by source file (load)
    pinyin.json     pinyin sort keys of names (link)
    markdown.json   rendered Markdown by text digest (render)
    graph.json      what every output file read, and the file it became (render, write)
    images/         encoded image variants, one file each (render)
    snapshot.json   metadata of every input and output file (the no-change fast path, snapshot.py)

Every part is data: JSON, or image bytes that are published as they are. Nothing in the cache
is unpickled, unmarshalled or run, so a hostile file there cannot execute code. A cache can
still lie (a rendered fragment is published as it is), so it is used only when a commit cannot
have written it: a `.sitegen-cache/` that Git tracks, or that another user owns, is ignored
whole, read and written by no part, and the build says so (SECURITY.md).

Each JSON part carries the stamp it was written with (sitegen's version and the part's own
key, e.g. the config for records); a part with another stamp, or one that cannot be read, is
as good as missing: the build starts that part cold. Saving is atomic and a failure to save
only costs speed next time. `prune` removes whatever the layout does not name (files of an
older sitegen, variants no page uses any more).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import orjson

from sitegen import __version__

CACHE_DIR = ".sitegen-cache"
FORMAT = 2  # of the layout: files of another format are pruned, never read

RECORDS = "records.json"
PINYIN = "pinyin.json"
MARKDOWN = "markdown.json"
GRAPH = "graph.json"
IMAGES = "images"
SNAPSHOT = "snapshot.json"
PARTS = frozenset({RECORDS, PINYIN, MARKDOWN, GRAPH, IMAGES, SNAPSHOT})


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` by `data` (creating its folder): a build killed mid-write leaves the old
    file or the new one, never half of one under the real name. Raises OSError."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would surprise a CI cache step
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


class Cache:
    """The cache folder of one SRC. `readonly` (for `check`) reads parts but writes nothing."""

    def __init__(self, src: Path, readonly: bool = False) -> None:
        self.root = src / CACHE_DIR
        self.readonly = readonly
        self.distrust = distrust(src)  # why the folder is ignored, or None
        self.usable = self.distrust is None
        self.images = ImageStore(self.root / IMAGES, self.usable, readonly)

    def stamp(self, part: str, *key: object) -> str:
        """The stamp of `part` for `key`: a part written under another is not read."""
        text = json.dumps([code_digest(), FORMAT, part, *map(str, key)], ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def read(self, part: str) -> bytes | None:
        """The bytes of `part`, or None: missing, unreadable, in a folder that may not be
        used, or a file another user wrote."""
        if not self.usable:
            return None
        try:
            with open(self.root / part, "rb") as handle:
                return handle.read() if _owned(os.fstat(handle.fileno())) else None
        except OSError:
            return None

    def write(self, part: str, data: bytes) -> None:
        """Replace `part` atomically (nothing for `check` or a folder that may not be used; a
        failure to save only costs speed next time)."""
        if self.readonly or not self.usable:
            return
        with contextlib.suppress(OSError):
            write_atomically(self.root / part, data)

    def load(self, part: str, stamp: str) -> Any | None:
        """The data saved in `part` under `stamp`, or None (no part, another stamp, unreadable)."""
        raw = self.read(part)
        try:
            saved = orjson.loads(raw) if raw is not None else None
        except ValueError:
            return None
        if not isinstance(saved, dict) or saved.get("stamp") != stamp:
            return None
        return saved.get("data")

    def save(self, part: str, stamp: str, data: Any) -> None:
        self.write(part, orjson.dumps({"stamp": stamp, "data": data}, option=orjson.OPT_NON_STR_KEYS))

    def prune(self) -> None:
        """Remove what the layout does not name, and the image variants this build did not use."""
        if self.readonly or not self.usable or not self.root.is_dir():
            return
        for entry in self.root.iterdir():
            if entry.name not in PARTS:
                with contextlib.suppress(OSError):
                    shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
        self.images.prune()


class ImageStore:
    """Encoded image variants in images/, one file each, named by their cache key.

    `readonly` (`check`): variants already there are known, none is made. A store whose folder
    may not be used keeps what the build makes in memory, for this build only."""

    def __init__(self, folder: Path, usable: bool = True, readonly: bool = False) -> None:
        self.dir = folder
        self.usable = usable
        self.readonly = readonly
        self.used: set[str] = set()
        self._memory: dict[str, bytes] = {}
        self.hits = 0
        self.made = 0

    def path(self, name: str) -> Path:
        return self.dir / name

    def has(self, name: str) -> bool:
        return name in self._memory or (self.usable and self.path(name).is_file())

    def put(self, name: str, data: bytes) -> None:
        if self.usable:
            write_atomically(self.dir / name, data)
        else:
            self._memory[name] = data

    def content(self, name: str) -> Path | bytes:
        """What to publish for a variant: its file, or its bytes when kept in memory."""
        return self._memory.get(name) or self.path(name)

    def prune(self) -> None:
        """Drop variants this build did not use, so the folder does not grow with old photos."""
        if self.readonly or not self.usable or not self.dir.is_dir():
            return
        for entry in self.dir.iterdir():
            if entry.name not in self.used:
                with contextlib.suppress(OSError):
                    entry.unlink()


@functools.cache
def code_digest() -> str:
    """sitegen's version and a digest of its own code and data: what made every cached value.
    (A checkout keeps one version number across many commits; its code tells them apart.)"""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.blake2b(f"sitegen {__version__}".encode(), digest_size=16)
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".csv") and path.is_file():
            digest.update(f"\0{path.relative_to(package).as_posix()}\0".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


# --- trust -----------------------------------------------------------------------------------


def distrust(src: Path) -> str | None:
    """Why SRC's cache folder must not be used (Chinese, for the warning), or None.

    A folder that Git tracks came from a commit, and one another user owns came from someone
    else: either could carry rendered HTML that was never sanitized, so neither is read."""
    root = src / CACHE_DIR
    try:
        st = os.stat(root)
    except OSError:
        return None  # no cache yet: this build makes it
    if not _owned(st):
        return f"{CACHE_DIR}/ 不属于当前用户"
    if _tracked_by_git(src):
        return f"{CACHE_DIR}/ 中有文件被 Git 跟踪（来自提交）"
    return None


def _owned(st: os.stat_result) -> bool:
    getuid = getattr(os, "getuid", None)  # not on Windows
    return getuid is None or st.st_uid == getuid()


def _tracked_by_git(src: Path) -> bool:
    """SRC is in a Git work tree whose index has a file under the cache folder."""
    real = src.resolve()
    if not any((folder / ".git").exists() for folder in (real, *real.parents)):
        return False
    git = shutil.which("git")
    if git is None:
        return True  # cannot tell: a cache in a repository is trusted only when Git says so
    try:
        done = subprocess.run(
            # safe.directory: a checkout owned by another user (CI containers) is still asked
            [git, "-c", "safe.directory=*", "-C", os.fspath(real), "ls-files", "-z", "--", CACHE_DIR],
            capture_output=True, stdin=subprocess.DEVNULL, timeout=30, check=False,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return True
    return done.returncode != 0 or bool(done.stdout.strip(b"\0"))
