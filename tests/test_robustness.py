"""Mutated content never crashes the pipeline: the only outcomes are a site or diagnostics."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
from conftest import SITES

from sitegen.build import check

SNIPPETS = [
    "\n", ":", "- ", "  ", "'", '"', "{", "[", "!!int ", "&a ", "*a", "~", "null", "true",
    "2021-02-30", "-1", "1e999", ".nan", "---\n", "<script>", "\t", "\x00", "😀", "region: 330106\n",
    "tags: [a, b]\n", "images: [../x]\n", "{{ x }}", "project: a\n", "association: 100000\n", "\r\n",
    "\ufeff", "...\n", "? a\n: b\n", "<<: {a: 1}\n", "volunteers: {registered: x}\n", "[[", "]]",
]  # fmt: skip


def mutate(data: bytes, rng: random.Random) -> bytes:
    pos = rng.randint(0, len(data))
    choice = rng.random()
    if choice < 0.5:
        return data[:pos] + rng.choice(SNIPPETS).encode() + data[pos:]
    if choice < 0.7:
        return data[:pos] + data[pos + rng.randint(1, 40) :]
    if choice < 0.85:
        return data[:pos]
    lines = data.split(b"\n")
    rng.shuffle(lines)
    return b"\n".join(lines)


@pytest.mark.parametrize("seed", range(12))
def test_mutated_sites_give_diagnostics_not_exceptions(seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    src = tmp_path / "src"
    shutil.copytree(SITES / "small", src)
    candidates = sorted(p for p in src.rglob("*") if p.suffix in (".yaml", ".md"))
    for _ in range(rng.randint(1, 4)):
        target = rng.choice(candidates)
        target.write_bytes(mutate(target.read_bytes(), rng))
    result = check(src)  # must not raise
    for diagnostic in result.diagnostics:
        assert diagnostic.line >= 1 and diagnostic.column >= 1 and diagnostic.message
