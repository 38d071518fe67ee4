"""Shared fixtures: build real sites into temporary directories and inspect the output."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from sitegen.build import BuildResult, analyse, build
from sitegen.link.inputs import unrecorded
from sitegen.link.site import Site

ROOT = Path(__file__).resolve().parent.parent
SITES = Path(__file__).resolve().parent / "sites"
INVALID = Path(__file__).resolve().parent / "sites_invalid"


def copy_site(name_or_path: str | Path, tmp_path: Path) -> Path:
    """Copy a fixture site (or the demo, given ROOT) into tmp_path/src."""
    source = Path(name_or_path) if Path(name_or_path).is_absolute() else SITES / name_or_path
    target = tmp_path / "src"
    target.mkdir()
    for name in ("sitegen.yaml", "content", "static", "templates", "themes"):
        item = source / name
        if item.is_dir():
            shutil.copytree(item, target / name)
        elif item.is_file():
            shutil.copy(item, target / name)
    return target


@pytest.fixture
def small_site(tmp_path: Path) -> Path:
    return copy_site("small", tmp_path)


def linked(src: Path) -> Site:
    """The loaded, validated and linked site of SRC (it must have no errors)."""
    site = analyse(src).site
    assert site is not None
    return site


@pytest.fixture
def linked_small_site(small_site: Path) -> Site:
    return linked(small_site)


def a_region(site: Site) -> str:
    """Some association's region code, read without recording the read."""
    with unrecorded():
        return next(iter(site.associations))


@pytest.fixture
def forked(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Lower the parallel threshold so that `-j 2` really forks workers even on a small site;
    the list grows by one for every process pool started (assert on it: parallel code ran)."""
    from sitegen import pool

    monkeypatch.setattr(pool, "PARALLEL_MIN", 1)
    started: list[int] = []
    real = pool.ProcessPoolExecutor

    class Counting(real):  # type: ignore[misc, valid-type]
        def __init__(self, workers: int, **kwargs) -> None:
            started.append(workers)
            super().__init__(workers, **kwargs)

    monkeypatch.setattr(pool, "ProcessPoolExecutor", Counting)
    return started


def build_ok(src: Path, out: Path, **kwargs) -> BuildResult:
    result = build(src, out, **kwargs)
    errors = [d.format_text() for d in result.diagnostics if d.is_error]
    assert not errors, "\n".join(errors)
    return result


class LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"])
        for name in ("href", "src"):
            value = values.get(name)
            if value and not (tag == "link" and values.get("rel") == "canonical"):
                self.links.append(value)
        if values.get("srcset"):  # responsive images: every candidate must resolve too
            self.links += [candidate.split()[0] for candidate in values["srcset"].split(",") if candidate.strip()]


def parse_html(path: Path) -> LinkParser:
    parser = LinkParser()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def broken_links(out: Path, base_path: str) -> list[str]:
    """Every root-relative link in every HTML page must resolve to a file in OUT."""
    problems = []
    for page in sorted(out.rglob("*.html")):
        for link in parse_html(page).links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path:
                continue
            if not parts.path.startswith(base_path):
                problems.append(f"{page.relative_to(out)}: {link} is outside base path {base_path}")
                continue
            rel = unquote(parts.path[len(base_path) :])
            target = out / rel
            if rel == "" or rel.endswith("/"):
                target = target / "index.html"
            if not target.is_file():
                problems.append(f"{page.relative_to(out)}: broken link {link}")
    return problems


def text_of(path: Path) -> str:
    """Visible text of an HTML file, tags stripped, whitespace folded."""
    raw = path.read_text(encoding="utf-8")
    raw = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", raw, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", raw))
