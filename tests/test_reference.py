"""docs/reference.md is generated from the code and kept current; nothing in the repository
points outside it.

When a test here fails because you added a field, a page kind, a code or an option, run
`python tools/gen_reference.py` and commit docs/reference.md with your change.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, build_ok, copy_site

from sitegen.authoring import reference
from sitegen.diagnostics import CATALOG
from sitegen.link import urls
from sitegen.load.config import SiteConfig
from sitegen.load.models import MODELS
from sitegen.render.theme import static_files

DOC = ROOT / reference.PATH


def test_reference_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == reference.render(), (
        f"{reference.PATH} is out of date: run `{reference.COMMAND}` and commit the file"
    )


def test_the_tool_checks_and_writes(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "tools/gen_reference.py", "--check"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_every_field_code_and_command_is_in_it() -> None:
    text = DOC.read_text(encoding="utf-8")
    for model in (SiteConfig, *MODELS.values()):
        for name, field in model.model_fields.items():
            assert f"| `{name}` |" in text, name
            if field.description:
                assert field.description.replace("|", "\\|") in text, name
    for code, meaning in CATALOG.items():
        assert f"| `{code}` | {meaning} |" in text
    for command in ("sitegen build", "sitegen check", "sitegen init", "sitegen new story", "sitegen schema", "sitegen serve"):
        assert f"### `{command}`" in text


def test_its_table_of_contents_links_to_its_headings() -> None:
    text = DOC.read_text(encoding="utf-8")
    anchors = {reference._anchor(h) for h in re.findall(r"^## (.+)$", text, re.M)}
    links = re.findall(r"^- \[[^\]]+\]\(#([^)]+)\)$", text, re.M)
    assert links and set(links) == anchors


def test_every_file_of_a_build_is_a_kind_the_reference_lists(tmp_path: Path) -> None:
    src = copy_site("small", tmp_path)
    config = src / "sitegen.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("search: false", "search: true"), encoding="utf-8")
    out = tmp_path / "out"
    build_ok(src, out)
    statics, _ = static_files(src, "default")
    seen: set[str] = set()
    for path in sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()):
        route = path[: -len("index.html")] if path.endswith("index.html") else path
        kind = urls.kind_of(route)
        seen.add(kind.pattern)
        if kind is urls.PAGE_KINDS[-1]:  # only a file copied from static/ may fall through to the end
            assert path in statics, f"/{route} is no kind of urls.PAGE_KINDS: add one there and run {reference.COMMAND}"
    expected = {k.pattern for k in urls.PAGE_KINDS} - {"stories/page/<页码>/", "tags/<标签>/page/<页码>/", "sitemap-<序号>.xml"}
    assert expected <= seen, expected - seen


# --- Nothing points outside the repository -------------------------------------------------

FORBIDDEN = [
    re.escape("../" + "shared"),
    "shared/" + "design",
    r"\b(?:PRODUCT|ARCHITECTURE|LIBRARIES)\." + "md",
    "REPLACE" + "-ME",
    r"\." + "invalid/",
    r"/work/" + r"(?:main|wt|shared|notes)",
]
SKIP_DIRS = {".git", ".venv", "venv", "output", "public", ".sitegen-cache", "node_modules", "__pycache__", ".pytest_cache", ".ruff_cache"}
TEXT_SUFFIXES = {".py", ".md", ".yaml", ".yml", ".toml", ".txt", ".html", ".css", ".js", ".json", ".sh", ".cfg", ".conf", ".xml", ""}


def repository_files() -> list[Path]:
    try:
        listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout.decode().split("\0")
        files = [ROOT / name for name in listed if name]
    except (OSError, subprocess.CalledProcessError):  # not a git checkout: walk it
        files = [p for p in ROOT.rglob("*") if not SKIP_DIRS.intersection(p.relative_to(ROOT).parts)]
    return [p for p in files if p.is_file() and not p.is_symlink() and p.suffix in TEXT_SUFFIXES]


@pytest.mark.parametrize("pattern", FORBIDDEN)
def test_no_file_points_outside_the_repository(pattern: str) -> None:
    found = []
    for path in repository_files():
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        found += [f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, m.start()) + 1}" for m in re.finditer(pattern, text)]
    assert not found, f"{pattern!r} (a file outside the repository or a placeholder) in: {found}"


def test_relative_links_in_markdown_resolve() -> None:
    broken = []
    for path in repository_files():
        if path.suffix != ".md" or "content" in path.relative_to(ROOT).parts:
            continue  # a site's content links to the site's URLs, which its build checks (broken-link)
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", path.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:", target) or target.startswith("/"):
                continue
            if not (path.parent / target).exists():
                broken.append(f"{path.relative_to(ROOT)} → {target}")
    assert not broken, broken
