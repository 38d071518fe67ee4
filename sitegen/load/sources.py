"""Discover: find the site's content files and read them as text, located and checked.

Stage one of the pipeline. Produces `SourceFile` values; knows nothing about fields.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from sitegen.diagnostics import Diagnostic, error, warning

# kind -> (folder under content/, file suffix)
KINDS: dict[str, tuple[str, str]] = {
    "association": ("associations", ".yaml"),
    "project": ("projects", ".yaml"),
    "story": ("stories", ".md"),
    "page": ("pages", ".md"),
}

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# No content file needs this much; a bigger one is a mistake or an attack on the build's memory.
MAX_FILE_BYTES = 2 * 1024 * 1024
RESAVE_HINT = "请用 UTF-8 编码重新保存（例如记事本：另存为 → 编码选 UTF-8）"


@dataclass(frozen=True)
class SourceFile:
    """One content file: where it is, what kind, and its text (newlines normalised to LF)."""

    path: Path
    rel: str  # POSIX path relative to SRC, e.g. content/associations/330106.yaml
    kind: str
    slug: str
    text: str


@dataclass(frozen=True)
class FrontMatter:
    yaml_text: str
    yaml_line_offset: int  # lines before the YAML text starts
    body: str
    body_first_line: int


def too_large(path: Path, size: int) -> Diagnostic:
    return error(
        path, 1, 1, "size",
        f"文件太大（{size // 1024} KB，上限 {MAX_FILE_BYTES // 1024} KB），请拆分内容，图片等大文件请放在 static/ 下",
    )


def read_bounded(path: Path) -> tuple[bytes | None, list[Diagnostic]]:
    """The bytes of a content file, or a `size` error without reading more than the limit:
    the file's size is checked first, and a file that grows meanwhile is cut at the limit + 1
    byte, so a 400 MB story costs a system call, not 400 MB of memory."""
    try:
        with open(path, "rb") as file:
            size = os.fstat(file.fileno()).st_size
            if size > MAX_FILE_BYTES:
                return None, [too_large(path, size)]
            data = file.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return None, [error(path, 1, 1, "encoding", f"无法读取文件（{exc.strerror}），请检查文件权限")]
    if len(data) > MAX_FILE_BYTES:
        return None, [too_large(path, len(data))]
    return data, []


def decode(data: bytes, path: Path) -> tuple[str | None, list[Diagnostic]]:
    """UTF-8 (BOM optional) with any line endings; anything else is a located error."""
    if len(data) > MAX_FILE_BYTES:
        return None, [too_large(path, len(data))]
    nul = data.find(b"\x00")
    if nul >= 0:
        line, col = _byte_position(data, nul)
        return None, [
            error(
                path,
                line,
                col,
                "encoding",
                f"文件含有空字符（NUL），不是文本文件或已损坏。{RESAVE_HINT}",
            )
        ]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, col = _byte_position(data, exc.start)
        hint = "看起来是 GBK/GB18030 编码" if _looks_gbk(data) else "不是有效的 UTF-8"
        return None, [error(path, line, col, "encoding", f"文件编码{hint}。{RESAVE_HINT}")]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


def _byte_position(data: bytes, offset: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, offset) + 1
    line = data.count(b"\n", 0, offset) + 1
    col = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return line, col


def _looks_gbk(data: bytes) -> bool:
    try:
        data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return True


def discover(src: Path) -> tuple[list[SourceFile], list[Diagnostic]]:
    """All content files under SRC/content, sorted by path, decoded."""
    files: list[SourceFile] = []
    diagnostics: list[Diagnostic] = []
    root = src.resolve()
    for kind, (folder, _suffix) in KINDS.items():
        directory = src / "content" / folder
        if not directory.is_dir():
            continue
        # resolving every path costs a system call per folder level; only links can lead out
        inside = directory.resolve().is_relative_to(root)
        with os.scandir(directory) as listing:  # its entries know file and link without a stat
            entries = sorted((e for e in listing if not e.name.startswith(".")), key=lambda e: e.name)
        for entry in entries:
            if not entry.is_file():
                continue
            found, problems = _read(src, root, directory / entry.name, kind, inside and not entry.is_symlink(), f"content/{folder}/{entry.name}")
            diagnostics.extend(problems)
            if found is not None:
                files.append(found)
    return files, diagnostics


def source_of(src: Path, path: Path) -> tuple[SourceFile | None, list[Diagnostic]] | None:
    """One file as `discover` reads it (the dev server reads again only the file saved), or
    None when `path` is no content file: not in a kind's folder, hidden, a folder, or gone."""
    parent = path.parent
    kind = next((k for k, (folder, _) in KINDS.items() if parent == src / "content" / folder), None)
    if kind is None or path.name.startswith(".") or not path.is_file():
        return None
    root = src.resolve()
    return _read(src, root, path, kind, parent.resolve().is_relative_to(root) and not path.is_symlink())


def _read(src: Path, root: Path, path: Path, kind: str, inside: bool, rel: str | None = None) -> tuple[SourceFile | None, list[Diagnostic]]:
    """`inside`: the file is no link and its folder is inside SRC (else it is resolved here);
    `rel`: its path from SRC when the caller knows it (pathlib's relative_to costs 0.3 s a
    national build)."""
    suffix = KINDS[kind][1]
    if not inside and not path.resolve().is_relative_to(root):
        return None, [error(path, 1, 1, "file-name", "这是指向站点目录之外的符号链接，不会被读取；请把文件本身放进 content/")]
    if path.suffix != suffix:
        return None, [
            warning(
                path,
                1,
                1,
                "file-name",
                f"此目录只读取 {suffix} 文件，本文件被忽略；如需发布请改名为 {path.stem}{suffix}",
            )
        ]
    data, problems = read_bounded(path)
    if data is None:
        return None, problems
    text, problems = decode(data, path)
    if text is None:
        return None, problems
    return SourceFile(path, rel or path.relative_to(src).as_posix(), kind, path.stem, text), problems


def split_front_matter(source: SourceFile) -> tuple[FrontMatter | None, list[Diagnostic]]:
    """Split `---` YAML front matter from a Markdown body, keeping line numbers exact."""
    lines = source.text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None, [
            error(
                source.path,
                1,
                1,
                "yaml-syntax",
                "文件应以一行 --- 开头的 YAML 头信息（front matter）开始，再以一行 --- 结束",
            )
        ]
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            return FrontMatter(
                yaml_text="\n".join(lines[1:index]) + "\n",
                yaml_line_offset=1,
                body="\n".join(lines[index + 1 :]),
                body_first_line=index + 2,
            ), []
    return None, [
        error(source.path, 1, 1, "yaml-syntax", "YAML 头信息没有结束：请在头信息后加一行 ---")
    ]


def suggest_slug(stem: str) -> str:
    """A file name that would be accepted, for the file-name diagnostic."""
    from sitegen.domain.pinyin import tag_slug

    return tag_slug(stem)
