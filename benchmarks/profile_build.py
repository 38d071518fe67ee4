"""Where a build's time goes: profile one `sitegen build -j 1` in-process with cProfile.

    python benchmarks/profile_build.py SRC OUT [--rebuild] [--top 15] [--save FILE.prof]

Without --rebuild the build is cold (OUT and SRC/.sitegen-cache/ removed first); with it, an
unprofiled build runs first (unless OUT and the cache are there already, e.g. from a profiled
cold build) and the profiled one finds nothing changed.

`--timer wall` (default) uses cProfile's own clock: low overhead, but on a machine busy with
other work every figure is inflated by the time the process waited for a CPU (the shares stay
meaningful). `--timer cpu` counts CPU time only, at several times the profiling overhead.
The process's CPU seconds, wall time and peak RSS are printed beside the profile.

Prints the build's stages (the cumulative time of the function that does each; stages nest as
noted, so they do not add up to the total) and the top entries by cumulative time. Stage
functions missing from a later sitegen show as "–".
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import resource
import shutil
import sys
import time
from pathlib import Path

from sitegen.cli import main as sitegen_main
from sitegen.incremental.store import CACHE_DIR

# stage -> (file suffix, function name) whose cumulative time is the stage's
STAGES: list[tuple[str, str, str]] = [
    ("read + discover files", "sitegen/load/sources.py", "discover"),
    ("load YAML (yamlsafe.load_yaml)", "sitegen/load/yamlsafe.py", "load_yaml"),
    ("pydantic validate (validate.validate_model)", "sitegen/load/validate.py", "validate_model"),
    ("privacy scan (privacy.scan)", "sitegen/domain/privacy.py", "scan"),
    ("load stage total (load.load_records)", "sitegen/load/records.py", "load_records"),
    ("link (link.link, pinyin sorting included)", "sitegen/link/site.py", "link"),
    ("pinyin sort keys (pinyin.sort_key)", "sitegen/domain/pinyin.py", "sort_key"),
    ("pinyin tag slugs (pinyin.tag_slugs)", "sitegen/domain/pinyin.py", "tag_slugs"),
    ("markdown + sanitize (markdown_stage.render_markdown)", "sitegen/render/markdown_stage.py", "render_markdown"),
    ("record views (record_views.RecordView.__init__)", "sitegen/render/record_views.py", "__init__"),
    ("parsed-record cache load (RecordCache.__init__)", "sitegen/incremental/record_cache.py", "__init__"),
    ("plan outputs (pages.plan)", "sitegen/render/pages.py", "plan"),
    ("check recorded inputs (graph.Graph.kept)", "sitegen/incremental/graph.py", "kept"),
    ("make outputs whose inputs changed (pages._make)", "sitegen/render/pages.py", "_make"),
    ("page stage total (pages.render_pages)", "sitegen/render/pages.py", "render_pages"),
    ("save the graph (graph.Graph.save)", "sitegen/incremental/graph.py", "save"),
    ("write output (writer.write_output)", "sitegen/write/writer.py", "write_output"),
    ("markdown cache save (MarkdownCache.save)", "sitegen/incremental/markdown_cache.py", "save"),
    ("whole build (build.build)", "sitegen/build.py", "build"),
]


def _build(src: Path, out: Path) -> None:
    try:
        sitegen_main(["build", "-q", "-j", "1", "-s", str(src), "-o", str(out)], standalone_mode=False)
    except SystemExit as exc:
        if exc.code:
            raise


def stage_table(stats: pstats.Stats) -> list[tuple[str, float | None, int]]:
    raw = stats.stats  # type: ignore[attr-defined]
    rows = []
    for label, suffix, name in STAGES:
        total, calls, found = 0.0, 0, False
        for (filename, _line, func), (_cc, nc, _tt, ct, _callers) in raw.items():
            if func == name and filename.replace("\\", "/").endswith(suffix):
                total += ct
                calls += nc
                found = True
        rows.append((label, total if found else None, calls))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("src", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--rebuild", action="store_true", help="profile a rebuild with nothing changed")
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--timer", choices=("wall", "cpu"), default="wall")
    parser.add_argument("--save", type=Path, help="also write the raw profile (pstats format)")
    args = parser.parse_args(argv)
    src, out = args.src.resolve(), args.out.resolve()
    if not args.rebuild:
        shutil.rmtree(src / CACHE_DIR, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
    elif not ((src / CACHE_DIR).is_dir() and out.is_dir()):
        _build(src, out)  # the previous build's output and cache are reused when present
    profiler = cProfile.Profile(time.process_time) if args.timer == "cpu" else cProfile.Profile()
    cpu_before = time.process_time()
    wall = time.perf_counter()
    profiler.enable()
    _build(src, out)
    profiler.disable()
    wall = time.perf_counter() - wall
    process_cpu = time.process_time() - cpu_before
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if args.save:
        profiler.dump_stats(args.save)
    stats = pstats.Stats(profiler)
    kind = "rebuild, nothing changed" if args.rebuild else "cold build"
    profiled = stats.total_tt  # type: ignore[attr-defined]
    print(f"## {kind}: `sitegen build -q -j 1 -s {src} -o {out}` ({args.timer} timer)\n")
    print(f"profiled {profiled:.1f} s; process CPU {process_cpu:.1f} s, wall {wall:.1f} s (profiler overhead included), peak RSS {rss:.0f} MiB\n")
    print(f"| stage | profiled s ({args.timer}) | % of build | calls |\n|---|---|---|---|")
    total = next((t for label, t, _ in stage_table(stats) if label.startswith("whole build")), None) or profiled
    for label, seconds, calls in stage_table(stats):
        cell = "–" if seconds is None else f"{seconds:.2f}"
        share = "–" if seconds is None else f"{100 * seconds / total:.0f}%"
        print(f"| {label} | {cell} | {share} | {calls} |")
    buffer = io.StringIO()
    # click's and the CLI's wrappers sit on top with the whole build's time: leave them out
    wrappers = r"^(?!.*(click/|sitegen/cli\.py|profile_build\.py))"
    pstats.Stats(profiler, stream=buffer).sort_stats("cumulative").print_stats(wrappers, args.top)
    text = buffer.getvalue()
    start = text.find("   ncalls")
    print(f"\nTop {args.top} by cumulative time ({args.timer} timer):\n\n```\n{text[start:].rstrip()}\n```")
    return 0


if __name__ == "__main__":
    sys.exit(main())
