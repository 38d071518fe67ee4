"""The theme: where templates and static files are found.

Lookup goes file by file: SRC/templates → SRC/themes/<theme>/ → the packaged default theme
(for the default theme); static files likewise, the site's static/ winning over the theme's.
The theme's `dev/` folder holds what only the dev server uses (its reload script), never
published.
"""

from __future__ import annotations

from collections.abc import Callable, Container
from pathlib import Path

from sitegen.diagnostics import Diagnostic, error
from sitegen.render.svg import svg_problem

# In a checkout `sitegen/theme` is a symlink to the repository's themes/default; building a
# wheel copies the files behind it, so an installed sitegen carries the default theme too.
PACKAGED_THEME = Path(__file__).resolve().parent.parent / "theme"


def packaged_theme() -> Path:
    return PACKAGED_THEME


def theme_roots(src: Path, theme: str) -> list[Path]:
    roots = [src / "themes" / theme]
    if theme == "default":
        roots.append(packaged_theme())
    return roots


def template_dirs(src: Path, theme: str) -> list[Path]:
    return [src / "templates"] + [root / "templates" for root in theme_roots(src, theme)]


def static_files(src: Path, theme: str) -> tuple[dict[str, Path], list[Diagnostic]]:
    """Route -> file of every static file; the site's static/ wins over the theme's.

    Symbolic links that lead out of their static folder are refused: a public repository
    must not be able to publish files from the build machine. SVGs of the site's static/
    that could run a script on the site are refused too (`sitegen.render.svg`); the theme's
    own are trusted like its templates.
    """
    files: dict[str, Path] = {}
    problems: list[Diagnostic] = []
    for root in [*reversed([r / "static" for r in theme_roots(src, theme)]), src / "static"]:
        if not root.is_dir():
            continue
        real_root = root.resolve()
        for path in sorted(root.rglob("*")):
            rel = path.relative_to(root)
            if not path.is_file() or any(part.startswith(".") for part in rel.parts):
                continue
            if not path.resolve().is_relative_to(real_root):
                problems.append(error(path, 1, 1, "missing-file", "这是指向 static/ 之外的符号链接，不会被发布；请把文件本身放进 static/"))
                continue
            if root == src / "static" and path.suffix.lower() in (".svg", ".svgz") and (problem := svg_problem(path)):
                problems.append(error(path, 1, 1, "unsafe-file", f"SVG 图片{problem}。打开这张图片时它会在本站运行，因此不会发布：请删去该内容，或用绘图软件重新导出不含脚本和外链的 SVG（也可改用 PNG）"))
                continue
            files[rel.as_posix()] = path
    return files, problems


def publishable(
    src: Path, theme: str, taken: Container[str], reserved: Callable[[str], str | None] | None = None
) -> tuple[dict[str, Path], list[Diagnostic]]:
    """The static files published as they are, by route, leaving out (with a `route-conflict`
    each) one that would overwrite a generated output file (`taken`, files relative to OUT) or
    take a route a later step writes (`reserved(route)` says why, None: free)."""
    files, problems = static_files(src, theme)
    kept: dict[str, Path] = {}
    for route, path in files.items():
        why = f"静态文件会覆盖网站生成的 /{route}，请改名或移到其他目录" if route in taken else reserved and reserved(route)
        if why:
            problems.append(error(path, 1, 1, "route-conflict", why))
        else:
            kept[route] = path
    return kept, problems


def dev_asset(name: str) -> Path:
    """A file of the packaged theme's dev/ folder (the dev server's reload script)."""
    return packaged_theme() / "dev" / name
