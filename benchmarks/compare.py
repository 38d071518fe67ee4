"""Compare two commits of sitegen on one site: the output, byte for byte, and whole-process timings.

    python benchmarks/compare.py OLD NEW SITE [--work DIR] [--runs 3] [--jobs 1,2] [--no-timing] [--keep-old]

Each commit is exported with `git archive` into WORK/<commit>/ and run with this checkout's
Python environment (PYTHONPATH=WORK/<commit>, from a folder outside any checkout, so that the
commit's own code is imported). SITE is copied once per commit (so each has its own
`.sitegen-cache/`) and built with `sitegen build -q -j N --out WORK/out-<commit>-jN` for every
N in --jobs; then the output folders of OLD and NEW are compared with `diff -r` (exit status 1
and the differing files listed when they differ). `--keep-old`: OLD's output folders from an
earlier run in the same WORK (for the same SITE) are compared as they are, not built again.

Timings (unless --no-timing): for each commit, `--runs` cold builds (no cache, no OUT) and
`--runs` no-change builds (the same command again), interleaved OLD, NEW, OLD, NEW … so both
see the same load on a shared machine; medians of wall seconds (and CPU seconds, user+system
with the workers) are printed as a Markdown table with the ratio NEW/OLD.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import Sample, measure  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SITE_PARTS = ("sitegen.yaml", "content", "static", "templates", "themes")


def export(commit: str, work: Path) -> Path:
    """The commit's files in WORK/<commit>/ (made once)."""
    target = work / commit
    if not (target / "sitegen" / "__init__.py").is_file():
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        archive = subprocess.run(["git", "-C", str(REPO), "archive", commit], check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


def copy_site(site: Path, target: Path) -> Path:
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for name in SITE_PARTS:
        if (site / name).is_dir():
            shutil.copytree(site / name, target / name)
        elif (site / name).is_file():
            shutil.copy2(site / name, target / name)
    return target


def command(code: Path, src: Path, out: Path, jobs: int) -> tuple[list[str], dict[str, str]]:
    cmd = [sys.executable, "-c", "from sitegen.cli import main; main()", "build", "-q", "-j", str(jobs), "--src", str(src), "--out", str(out)]
    return cmd, {**os.environ, "PYTHONPATH": str(code)}


def run(cmd: list[str], env: dict[str, str], cwd: Path) -> Sample:
    here = os.getcwd()
    os.chdir(cwd)  # outside any checkout: `-c` puts the working folder first on sys.path
    try:
        return measure(cmd, env)
    finally:
        os.chdir(here)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("site", type=Path)
    parser.add_argument("--work", type=Path, default=Path("/tmp/sitegen-compare"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", default="1,2", help="comma-separated -j values for the output comparison")
    parser.add_argument("--timing-jobs", type=int, default=2, help="-j of the timed builds (default 2)")
    parser.add_argument("--no-timing", action="store_true")
    parser.add_argument("--keep-old", action="store_true", help="reuse OLD's output folders of an earlier run")
    args = parser.parse_args()
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    site = args.site.resolve()
    commits = [args.old, args.new]
    code = {c: export(c, work) for c in commits}

    different = False
    for jobs in (int(j) for j in args.jobs.split(",")):
        outs = {}
        for c in commits:
            outs[c] = work / f"out-{c}-j{jobs}"
            if c == args.old and args.keep_old and outs[c].is_dir():
                continue
            src = copy_site(site, work / f"src-{c}")
            shutil.rmtree(outs[c], ignore_errors=True)
            cmd, env = command(code[c], src, outs[c], jobs)
            run(cmd, env, work)
        files = sum(1 for p in outs[args.new].rglob("*") if p.is_file())
        diff = subprocess.run(["diff", "-r", "-q", str(outs[args.old]), str(outs[args.new])], capture_output=True, text=True)
        if diff.returncode == 0:
            print(f"-j {jobs}: identical ({files} files): diff -r {outs[args.old]} {outs[args.new]}")
        else:
            different = True
            print(f"-j {jobs}: DIFFERENT:\n{diff.stdout[:4000]}")
    if args.no_timing:
        sys.exit(1 if different else 0)

    samples: dict[tuple[str, str], list[Sample]] = {}
    for _ in range(args.runs):
        for c in commits:
            src = copy_site(site, work / f"src-{c}")  # cold: no cache
            out = work / f"timed-{c}"
            shutil.rmtree(out, ignore_errors=True)
            cmd, env = command(code[c], src, out, args.timing_jobs)
            samples.setdefault((c, "cold"), []).append(run(cmd, env, work))
            samples.setdefault((c, "no change"), []).append(run(cmd, env, work))
    print(f"\n| build (-j {args.timing_jobs}), median of {args.runs} | {args.old} wall s (CPU s) | {args.new} wall s (CPU s) | new / old |")
    print("|---|---|---|---|")
    for kind in ("cold", "no change"):
        old, new = samples[(args.old, kind)], samples[(args.new, kind)]
        ow, nw = statistics.median(s.wall for s in old), statistics.median(s.wall for s in new)
        oc, nc = statistics.median(s.cpu for s in old), statistics.median(s.cpu for s in new)
        print(f"| {kind} | {ow:.2f} ({oc:.2f}) | {nw:.2f} ({nc:.2f}) | {nw / ow:.2f} |")
    for (c, kind), series in samples.items():
        print(f"  {c} {kind}: " + ", ".join(f"{s.wall:.2f}" for s in series))
    sys.exit(1 if different else 0)


if __name__ == "__main__":
    main()
