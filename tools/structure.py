"""The shape of the sitegen package: module sizes, import cycles, private members read across
modules. `python tools/structure.py` prints the figures; tests/test_structure.py holds the rules."""

from __future__ import annotations

import ast
import statistics
import sys
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "sitegen"
MAX_LINES = 400


@dataclass
class Module:
    name: str
    path: Path
    lines: int
    imports: set[str] = field(default_factory=set)  # sitegen modules it imports, anywhere in it
    private_reads: list[str] = field(default_factory=list)  # "line: expr": another module's `_name` read here


def modules(package: Path = PACKAGE) -> dict[str, Module]:
    found: dict[str, Module] = {}
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package.parent).with_suffix("")
        parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
        name = ".".join(parts)
        text = path.read_text(encoding="utf-8")
        found[name] = Module(name, path, text.count("\n"))
    for module in found.values():
        tree = ast.parse(module.path.read_text(encoding="utf-8"))
        own = _defined(tree)
        package_name = module.name if module.path.name == "__init__.py" else module.name.rpartition(".")[0]
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                module.imports.update(_known(alias.name, found) for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(package_name.split(".")[: len(package_name.split(".")) - node.level + 1] + ([base] if base else []))
                for alias in node.names:
                    target = f"{base}.{alias.name}"
                    module.imports.add(target if target in found else _known(base, found))
                    if alias.name.startswith("_") and not alias.name.startswith("__"):
                        module.private_reads.append(f"{node.lineno}: from {base} import {alias.name}")
            elif isinstance(node, ast.Attribute) and _private(node.attr) and node.attr not in own:
                module.private_reads.append(f"{node.lineno}: {ast.unparse(node)}")
        module.imports.discard("")
        module.imports.discard(module.name)
    return found


def _private(name: str) -> bool:
    """A private member: `_x`, not `__dunder__`, not gettext's `_`, not namedtuple's API."""
    return name.startswith("_") and not name.startswith("__") and name not in ("_", "_replace", "_asdict", "_fields", "_make")


def _defined(tree: ast.Module) -> set[str]:
    """The private names this module defines (functions, classes, attributes it assigns,
    slots): reading them from any object here is reading its own members."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            names.add(node.attr)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("_"):
            names.add(node.value)  # __slots__, setattr/getattr by name
    return {name for name in names if _private(name)}


def _known(name: str, found: dict[str, Module]) -> str:
    """The sitegen module `name` is, or its nearest package that is one ('' for others)."""
    while name and name not in found:
        name = name.rpartition(".")[0]
    return name if name.startswith("sitegen") else ""


def cycles(found: dict[str, Module]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(name: str) -> None:
        index[name] = low[name] = len(index)
        stack.append(name)
        on_stack.add(name)
        for target in found[name].imports:
            if target.endswith("sitegen") or target == "sitegen":
                continue  # `from sitegen import __version__`: the package's own __init__
            if target not in index:
                visit(target)
                low[name] = min(low[name], low[target])
            elif target in on_stack:
                low[name] = min(low[name], index[target])
        if low[name] == index[name]:
            group = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                group.append(item)
                if item == name:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for name in sorted(found):
        if name not in index:
            visit(name)
    return sorted(groups)


# The pipeline's stages in order: a stage imports no later one (docs/architecture.md), and no
# stage, nor domain/ or incremental/, imports what runs the pipeline or faces the user.
STAGES = ("load", "link", "render", "write")
RUNNERS = ("build", "serve", "cli", "authoring")


def layer_violations(found: dict[str, Module]) -> list[str]:
    """`a -> b` for every import of a later stage, or of a runner from below the runners."""
    def part(name: str) -> str:
        return name.split(".")[1] if name.count(".") else ""

    found_violations = []
    for module in found.values():
        mine = part(module.name)
        if mine in RUNNERS or mine == "":
            continue
        for target in sorted(module.imports):
            theirs = part(target)
            later = mine in STAGES and theirs in STAGES and STAGES.index(theirs) > STAGES.index(mine)
            if later or theirs in RUNNERS:
                found_violations.append(f"{module.name} -> {target}")
    return sorted(found_violations)


def main() -> None:
    """`python tools/structure.py [PACKAGE_DIR]` (default: this checkout's sitegen/)."""
    found = modules(Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else PACKAGE)
    sizes = sorted(m.lines for m in found.values() if m.path.name != "__init__.py")
    largest = max((m for m in found.values()), key=lambda m: m.lines)
    print(f"modules (without __init__): {len(sizes)}; lines median {statistics.median(sizes):g}, largest {largest.lines} ({largest.name})")
    print(f"over {MAX_LINES} lines: {[m.name for m in found.values() if m.lines > MAX_LINES]}")
    print(f"import cycles: {cycles(found)}")
    print(f"imports against the pipeline's order: {layer_violations(found)}")
    private = {m.name: m.private_reads for m in found.values() if m.private_reads}
    print(f"private members read from another object: {sum(map(len, private.values()))}")
    for name, reads in sorted(private.items()):
        for read in reads:
            print(f"  {name}:{read}")


if __name__ == "__main__":
    main()
