"""The guides stay true: their complete examples validate, their commands parse, links resolve."""

from __future__ import annotations

import re
import shlex
import textwrap
from pathlib import Path

import click
import pytest
from conftest import ROOT

from sitegen.authoring import scaffold
from sitegen.cli import main
from sitegen.domain.divisions import load_divisions
from sitegen.load.records import load_config

DOCS = {name: (ROOT / "docs" / name).read_text(encoding="utf-8") for name in ("editing.md", "deploying.md")}
FENCE = re.compile(r"^[ \t]*```(\w*)\n(.*?)^[ \t]*```", re.S | re.M)  # list items indent theirs


def blocks(text: str, language: str) -> list[str]:
    return [textwrap.dedent(body) for lang, body in FENCE.findall(text) if lang == language]


def test_complete_examples_in_the_editing_guide_are_valid_records(tmp_path: Path) -> None:
    config, _ = load_config(ROOT)
    examples = {
        "association": next(b for b in blocks(DOCS["editing.md"], "yaml") if b.startswith("region:")),
        "project": next(b for b in blocks(DOCS["editing.md"], "yaml") if b.startswith("title:") and "\nbrand:" in b),
        "story": next(b for b in blocks(DOCS["editing.md"], "markdown") if b.startswith("---\n")),
    }
    for kind, text in examples.items():
        slug = "330106" if kind == "association" else "example"
        record, problems = scaffold.validate_text(tmp_path, kind, slug, text, config, load_divisions())
        assert record is not None and not problems, (kind, [d.format_text() for d in problems])


def sitegen_lines(text: str) -> list[str]:
    lines = []
    for body in blocks(text, "bash"):
        for line in body.replace("\\\n", " ").splitlines():
            line = re.sub(r"\s+#.*$", "", line.strip())
            lines += [part.strip() for part in line.split("&&") if part.strip().startswith("sitegen ")]
    return lines


@pytest.mark.parametrize("line", sorted({line for text in DOCS.values() for line in sitegen_lines(text)}))
def test_commands_in_the_guides_exist_with_those_options(line: str) -> None:
    args = shlex.split(line)[1:]
    command: click.Command = main
    name = "sitegen"
    while isinstance(command, click.Group):
        name, *args = args
        found = command.get_command(click.Context(command), name)
        assert found is not None, line
        command = found
    command.make_context(name, args)  # raises on an unknown option or a missing argument


def test_guides_are_linked_from_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in DOCS:
        assert f"(docs/{name})" in readme
    for text in DOCS.values():
        for target in re.findall(r"\]\(([\w./-]+\.md)\)", text):
            assert (ROOT / "docs" / target).is_file(), target
