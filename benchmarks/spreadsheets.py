"""Measure the ledger's spreadsheets on a site: how long each /data/*.xlsx takes to make and how
large it is, and how long `sitegen import` takes for the site's own associations workbook, into an
empty site and back into the site itself (where it changes nothing).

    python benchmarks/spreadsheets.py SRC [--repeat 3]

Prints one line per measurement with the median of the runs; the figures in
benchmarks/SPREADSHEETS.md come from this script on the demo and on the national site of
benchmarks/generate.py.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sitegen.authoring.ledger_import import plan_import
from sitegen.build import analyse
from sitegen.domain import evaluation
from sitegen.render import opendata

WORKBOOKS = ("associations.xlsx", "projects.xlsx", "coverage.xlsx", "evaluation.xlsx")


class Timing:
    """Median wall-clock and CPU seconds of some runs (CPU time is what to compare on a busy
    machine: the team shares two cores)."""

    def __init__(self, wall: list[float], cpu: list[float]) -> None:
        self.wall, self.cpu = statistics.median(wall), statistics.median(cpu)

    def __format__(self, spec: str) -> str:
        return f"{self.cpu:7.2f} s CPU ({self.wall:.2f} s wall)"


def _median(runs: int, work: Callable[[], Any]) -> tuple[Timing, Any]:
    wall, cpu, result = [], [], None
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = work()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return Timing(wall, cpu), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("src", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    seconds, result = _median(1, lambda: analyse(args.src))
    site = result.site
    if site is None or not result.ok:
        print("the site has errors; run sitegen check", file=sys.stderr)
        return 1
    print(f"{args.src}: {len(site.associations)} associations, {len(site.projects)} projects (loaded in {seconds})")
    report = evaluation.evaluate(site)
    made: dict[str, bytes] = {}
    for name in (*WORKBOOKS, "associations.json", "associations.csv", "datapackage.json"):
        route = f"data/{name}"
        seconds, files = _median(args.repeat, lambda r=route: opendata.data_files(site, report, only=[r]))
        made[name] = files[route]
        print(f"make {name:<20} {seconds}  {len(made[name]):>11,} bytes")
    with tempfile.TemporaryDirectory(prefix="sitegen-bench-") as tmp:
        book = Path(tmp) / "associations.xlsx"
        book.write_bytes(made["associations.xlsx"])

        def into_empty() -> Any:
            empty = Path(tmp) / "empty"
            shutil.rmtree(empty, ignore_errors=True)
            empty.mkdir()
            shutil.copy(args.src / "sitegen.yaml", empty / "sitegen.yaml")
            plan = plan_import(empty, book, book.name)
            assert plan.ok, [d.format_text() for d in plan.diagnostics[:5]]
            for change in plan.changes:
                change.path.parent.mkdir(parents=True, exist_ok=True)
                change.path.write_text(change.text or "", encoding="utf-8")
            return plan

        seconds, plan = _median(args.repeat, into_empty)
        print(f"import associations.xlsx ({plan.rows:,} rows, {len(plan.changes):,} records) into an empty site, written: {seconds}")
        seconds, plan = _median(args.repeat, lambda: plan_import(args.src, book, book.name))
        same = sum(1 for c in plan.changes if c.action == "same")
        print(f"import associations.xlsx back into {args.src} (preview; {same:,} of {len(plan.changes):,} unchanged): {seconds}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
