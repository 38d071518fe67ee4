"""The package's shape (docs/architecture.md): small modules, no import cycle, no private member
of one module read from another. The figures: `python tools/structure.py`."""

from __future__ import annotations

import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))

import structure  # noqa: E402


def test_no_module_is_over_the_limit() -> None:
    found = structure.modules()
    assert len(found) > 50
    over = {m.name: m.lines for m in found.values() if m.lines > structure.MAX_LINES}
    assert not over, f"modules over {structure.MAX_LINES} lines: {over}"


def test_no_import_cycle() -> None:
    assert structure.cycles(structure.modules()) == []


def test_no_stage_imports_a_later_stage() -> None:
    """load knows nothing of link, link nothing of render, render nothing of the writer, and
    none of them (nor domain/, incremental/) of build, serve, the CLI or the authoring tools."""
    assert structure.layer_violations(structure.modules()) == []


def test_no_private_member_is_read_from_another_module() -> None:
    reads = {m.name: m.private_reads for m in structure.modules().values() if m.private_reads}
    assert not reads


def test_the_checks_see_what_they_look_for(tmp_path) -> None:
    """A cycle (through a TYPE_CHECKING import too) and another module's `_name` are found."""
    package = tmp_path / "sitegen"
    (package / "a").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "a" / "__init__.py").write_text("")
    (package / "a" / "one.py").write_text("from sitegen.a import two\nx = two._hidden\n")
    (package / "a" / "two.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from sitegen.a.one import x\n_hidden = 1\n")
    found = structure.modules(package)
    assert structure.cycles(found) == [["sitegen.a.one", "sitegen.a.two"]]
    assert found["sitegen.a.one"].private_reads == ["2: two._hidden"]
    assert found["sitegen.a.two"].private_reads == []


def test_the_layer_check_sees_an_earlier_stage_importing_a_later_one(tmp_path) -> None:
    package = tmp_path / "sitegen"
    for folder in ("render", "write", "domain"):
        (package / folder).mkdir(parents=True)
        (package / folder / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "build.py").write_text("")
    (package / "write" / "out.py").write_text("from sitegen.render import page\n")  # allowed
    (package / "render" / "page.py").write_text("from sitegen.write import out\n")
    (package / "domain" / "rules.py").write_text("import sitegen.build\n")
    assert structure.layer_violations(structure.modules(package)) == [
        "sitegen.domain.rules -> sitegen.build",
        "sitegen.render.page -> sitegen.write.out",
    ]


# Modules whose unit tests live in a file named after something else: the file named here
# names the module (an import, or its docstring for a module tested through its stage).
TESTED_IN = {
    "sitegen.load.config": "test_validate.py",
    "sitegen.load.models": "test_validate.py",
    "sitegen.load.fullwidth": "test_one_mistake.py",
    "sitegen.load.serials": "test_registry.py",
    "sitegen.load.record": "test_records.py",
    "sitegen.link.site": "test_link.py",
    "sitegen.link.references": "test_link.py",
    "sitegen.render.markdown_cjk": "test_markdown_render.py",
    "sitegen.render.cells": "test_spreadsheets.py",
    "sitegen.render.xlsx": "test_spreadsheets.py",
    "sitegen.render.record_views": "test_views.py",
    "sitegen.render.sitemap": "test_share.py",
    "sitegen.incremental.markdown_cache": "test_cache.py",
}


def test_every_stage_module_has_a_unit_test_file() -> None:
    """tests/test_<module>.py for every module of load, link, render, write and incremental
    (or the file TESTED_IN names)."""
    tests = ROOT / "tests"
    missing = []
    for name in sorted(structure.modules()):
        parts = name.split(".")
        if len(parts) != 3 or parts[1] not in (*structure.STAGES, "incremental"):
            continue
        own = tests / f"test_{parts[2]}.py"
        if not own.is_file() and not (tests / TESTED_IN.get(name, own.name)).is_file():
            missing.append(name)
    assert not missing, f"stage modules without a unit test file: {missing}"
    for name, file in TESTED_IN.items():
        text = (tests / file).read_text(encoding="utf-8")
        assert name in text or f"import {name.rpartition('.')[2]}" in text, f"{file} does not name {name}"
