"""docs/architecture.md is checked against the code: every module it names exists and imports."""

from __future__ import annotations

import importlib
import re

from conftest import ROOT

DOC = ROOT / "docs" / "architecture.md"


def named_modules() -> set[str]:
    """`sitegen/x/y.py` and `sitegen/x/` (in backticks) named in the document, as module names."""
    text = DOC.read_text(encoding="utf-8")
    names = set()
    for path in re.findall(r"`(sitegen/[\w/]+?(?:\.py)?)/?`", text):
        names.add(path.removesuffix(".py").rstrip("/").replace("/", "."))
    return names


def test_the_architecture_names_modules_that_exist() -> None:
    named = named_modules()
    assert len(named) > 30, "the document names the modules of every stage"
    missing = []
    for name in sorted(named):
        try:
            importlib.import_module(name)
        except ImportError as exc:
            missing.append(f"{name}: {exc}")
    assert not missing, "docs/architecture.md names modules that do not import:\n" + "\n".join(missing)


def drawn_modules() -> set[str]:
    """The modules of the pipeline drawing: `x.py` on the lines of a `▼ package/` stage."""
    text = DOC.read_text(encoding="utf-8")
    drawing = text.split("## The pipeline", 1)[1].split("```")[1]
    names, package = set(), None
    for line in drawing.splitlines():
        stage = re.match(r"\s*▼ (\w+)/", line)
        if stage:
            package = stage.group(1)
        if package:
            names.update(f"sitegen.{package}.{name}" for name in re.findall(r"(\w+)\.py", line))
    return names


def test_the_pipeline_drawing_names_modules_of_every_stage() -> None:
    drawn = drawn_modules()
    for package in ("load", "link", "render", "write"):
        assert any(name.startswith(f"sitegen.{package}.") for name in drawn), package
    for name in sorted(drawn):
        importlib.import_module(name)
