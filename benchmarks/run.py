"""National-scale build benchmark of the `sitegen` CLI (issue #5).

    python benchmarks/run.py [--scales 0.25,0.5,1] [--runs 3] [--jobs 2] [--quick] [--write]

For each scale: generate the synthetic site (benchmarks/generate.py) into the work directory,
then time whole `sitegen build` processes:

- cold full build (empty OUT, no SRC/.sitegen-cache/) at `-j 1` and at `-j JOBS`;
- rebuild with nothing changed, and rebuilds after editing one story (a sentence appended),
  one county association (its registered volunteers), one template (an HTML comment in a
  SRC/templates/story.html override that the site carries from the start), all at `-j JOBS`;
- the floor (benchmarks/floor.py) on 1 and on JOBS processes.

Each figure is the median of `--runs` runs: wall seconds, CPU seconds (user + system of the
process and the workers it forked) and peak RSS (the largest resident set of the process or
any of its workers, from os.wait4's rusage). The Markdown table goes to stdout; `--write` also
replaces the marked "National scale" section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import math
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "RESULTS.md"
START = "<!-- national-scale:start (benchmarks/run.py --write replaces this section) -->"
END = "<!-- national-scale:end -->"
CACHE_DIR = ".sitegen-cache"


@dataclass
class Sample:
    wall: float
    cpu: float
    rss_mib: float


@dataclass
class Series:
    name: str
    samples: list[Sample] = field(default_factory=list)

    @property
    def wall(self) -> float:
        return statistics.median(s.wall for s in self.samples)

    @property
    def cpu(self) -> float:
        return statistics.median(s.cpu for s in self.samples)

    @property
    def rss(self) -> float:
        return max(s.rss_mib for s in self.samples)

    def spread(self) -> str:
        walls = [s.wall for s in self.samples]
        return f"{min(walls):.2f} / {self.wall:.2f} / {max(walls):.2f}"


def measure(cmd: list[str], quiet_stdout: bool = True) -> Sample:
    """Run `cmd` to completion; wall, CPU (with reaped workers) and peak RSS of its tree."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL if quiet_stdout else None, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.stderr.write(stderr.decode("utf-8", "replace"))
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}")
    return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def serve_edit_latency(sitegen: list[str], src: Path, edit, runs: int) -> list[float]:
    """Seconds from saving an edit to the dev server announcing the rebuilt site on its event
    stream (the open page reloads on that event): what an editor waits for in the browser.
    `sitegen serve` builds into SRC/output, the OUT the other measurements use, so it starts warm."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen([*sitegen, "serve", "-s", str(src), "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 1800
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1800)
                conn.request("GET", "/__sitegen/events")
                stream = conn.getresponse()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise SystemExit("sitegen serve did not start") from None
                time.sleep(0.2)

        def next_state() -> dict:
            while True:
                line = stream.readline().decode("utf-8")
                if not line:
                    raise SystemExit("sitegen serve closed its event stream")
                if line.startswith("data: "):
                    return json.loads(line[6:])

        state = next_state()
        while not (state["ok"] and state["generation"] >= 1):
            state = next_state()
        latencies = []
        for _ in range(runs):
            generation = state["generation"]
            time.sleep(1.0)  # a separate save, not part of the previous burst
            started = time.perf_counter()
            edit()
            while state["generation"] <= generation:
                state = next_state()
            latencies.append(time.perf_counter() - started)
        return latencies
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def sitegen_cmd() -> list[str]:
    exe = shutil.which("sitegen", path=str(Path(sys.executable).parent)) or shutil.which("sitegen")
    return [exe] if exe else [sys.executable, "-c", "import sys; from sitegen.cli import main; sys.exit(main())"]


def clean(src: Path, out: Path) -> None:
    """Empty OUT, no cache, no leftover sibling of OUT."""
    shutil.rmtree(src / CACHE_DIR, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    for sibling in out.parent.glob(f".{out.name}.sitegen-*"):
        shutil.rmtree(sibling, ignore_errors=True)


def packaged_template(name: str) -> str:
    try:
        return resources.files("sitegen").joinpath(f"theme/templates/{name}").read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        return (ROOT / "themes" / "default" / "templates" / name).read_text(encoding="utf-8")


class Editor:
    """The edits between rebuilds; each run changes the content again."""

    def __init__(self, src: Path) -> None:
        self.src = src
        stories = sorted((src / "content" / "stories").glob("*.md"))
        self.story = next(p for p in stories[len(stories) // 2 :] if "\ndraft: true" not in p.read_text(encoding="utf-8"))
        counties = sorted((src / "content" / "associations").glob("*.yaml"))
        self.association = next(
            p for p in counties if not p.stem.endswith("00") and "  registered: " in p.read_text(encoding="utf-8")
        )
        self.template = src / "templates" / "story.html"
        self.count = 0

    def install_template(self) -> None:
        self.template.parent.mkdir(exist_ok=True)
        self.template.write_text(packaged_template("story.html"), encoding="utf-8")

    def set_search(self, on: bool) -> None:
        config = self.src / "sitegen.yaml"
        text = config.read_text(encoding="utf-8")
        config.write_text(re.sub(r"(?m)^search: (true|false)$", f"search: {'true' if on else 'false'}", text), encoding="utf-8")

    def edit_story(self) -> None:
        self.count += 1
        with self.story.open("a", encoding="utf-8") as handle:
            handle.write(f"\n截至目前，这支队伍已经开展了第{self.count}轮回访，服务仍在继续。\n")

    def edit_association(self) -> None:
        text = self.association.read_text(encoding="utf-8")
        text = re.sub(r"(\n  registered: )(\d+)", lambda m: f"{m.group(1)}{int(m.group(2)) + 1}", text, count=1)
        self.association.write_text(text, encoding="utf-8")

    def edit_template(self) -> None:
        self.count += 1
        text = re.sub(r"\n<!-- bench edit \d+ -->", "", self.template.read_text(encoding="utf-8"))
        text = text.replace("{% block content %}", f"{{% block content %}}\n<!-- bench edit {self.count} -->", 1)
        self.template.write_text(text, encoding="utf-8")


@dataclass
class ScaleResult:
    scale: float
    pages: int
    files: int
    out_mib: float
    src_files: int
    src_mib: float
    series: dict[str, Series]


def tree_size(path: Path) -> tuple[int, int, float]:
    """(files, HTML files, MiB) under path."""
    files = html = size = 0
    for root, _dirs, names in os.walk(path):
        for name in names:
            files += 1
            html += name.endswith(".html")
            size += os.path.getsize(os.path.join(root, name))
    return files, html, size / 2**20


def bench_scale(scale: float, args: argparse.Namespace, log, rebuilds: bool = True) -> ScaleResult:
    base = args.work / f"scale-{scale:g}"
    src, floor_out = base / "src", base / "floor-out"
    out = src / "output"  # where `sitegen serve` builds too, so the serve measurement starts warm
    if not (args.reuse_sites and (src / "sitegen.yaml").is_file()):
        subprocess.run([sys.executable, str(HERE / "generate.py"), str(src), "--scale", str(scale), "--seed", str(args.seed)], check=True)
    editor = Editor(src)
    editor.install_template()
    src_files, _, src_mib = tree_size(src / "content")
    sitegen = sitegen_cmd()
    build = lambda jobs: [*sitegen, "build", "-q", "-j", str(jobs), "-s", str(src), "-o", str(out)]  # noqa: E731
    floor = lambda jobs: [sys.executable, str(HERE / "floor.py"), str(src), str(floor_out), "--jobs", str(jobs)]  # noqa: E731
    j = args.jobs
    series: dict[str, Series] = {}

    def run(key: str, name: str, cmd: list[str], before=None) -> None:
        if args.only and key not in args.only:
            return
        s = series.setdefault(name, Series(name))
        for i in range(args.runs):
            if before:
                before()
            sample = measure(cmd)
            s.samples.append(sample)
            log(f"  scale {scale:g} {name} run {i + 1}: {sample.wall:.2f} s wall, {sample.cpu:.2f} s CPU, {sample.rss_mib:.0f} MiB")

    run("floor1", "floor 1 process", floor(1))
    run("floorN", f"floor {j} processes", floor(j))
    run("cold1", "cold -j 1", build(1), lambda: clean(src, out))
    run("coldN", f"cold -j {j}", build(j), lambda: clean(src, out))
    if rebuilds:
        run("nochange", f"no change -j {j}", build(j))
        run("story", f"one story edited -j {j}", build(j), editor.edit_story)
        run("association", f"one association edited -j {j}", build(j), editor.edit_association)
        run("template", f"one template edited -j {j}", build(j), editor.edit_template)
    if rebuilds and (not args.only or "serve" in args.only):
        name = "one story edited, seen by `serve`"
        series[name] = Series(name, [Sample(t, 0.0, 0.0) for t in serve_edit_latency(sitegen, src, editor.edit_story, args.runs)])
        log(f"  scale {scale:g} {name}: {[f'{s.wall:.2f}' for s in series[name].samples]} s")
    if scale == max(args.scale_list):
        # the sites are generated with `search: false` so that sitegen is compared with the
        # floor like for like; this measures what Pagefind's index adds to a cold build
        run("search", f"cold with search -j {j}", build(j), lambda: (clean(src, out), editor.set_search(True)))
        editor.set_search(False)
    files, pages, out_mib = tree_size(out)
    return ScaleResult(scale, pages, files, out_mib, src_files, src_mib, series)


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")), platform.processor())
    mem = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")), 0)
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"`nproc` {os.cpu_count()}, {cpu}, {mem / 2**20:.0f} GiB RAM, Python {platform.python_version()}, {platform.system()} {platform.release()}; load average at start {load}"


def git_commit() -> str:
    try:
        return subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def report(results: list[ScaleResult], args: argparse.Namespace, started: str, machine_facts: str, commit: str) -> str:
    j = args.jobs
    names = [f"cold -j {j}", "cold -j 1", "floor 1 process", f"floor {j} processes", f"no change -j {j}",
             f"one story edited -j {j}", "one story edited, seen by `serve`", f"one association edited -j {j}",
             f"one template edited -j {j}", f"cold with search -j {j}"]  # fmt: skip
    lines = [
        f"Measured {started} on commit `{commit}`: {machine_facts}.",
        "",
        "Command: `python benchmarks/run.py " + " ".join(args.argv) + "` "
        f"({args.runs} run(s) of each, medians; wall seconds, then CPU seconds user+system incl. workers).",
        "",
        "| scale | sites: records → HTML pages (files, MiB) | " + " | ".join(names) + f" | peak RSS (all sitegen runs) | pages/s (cold -j {j}) |",
        "|---" * (len(names) + 4) + "|",
    ]
    for r in results:
        s = r.series
        records = r.src_files
        cells = [f"{s[n].wall:.2f} s ({s[n].cpu:.1f})" if n in s else "–" for n in names]
        rss = max((x.rss for n, x in s.items() if not n.startswith(("floor", "cold with search"))), default=0.0)
        cold = s.get(f"cold -j {j}")
        lines.append(
            f"| {r.scale:g} | {records} files → {r.pages} ({r.files}, {r.out_mib:.0f}) | " + " | ".join(cells)
            + f" | {rss:.0f} MiB | {f'{r.pages / cold.wall:.0f}' if cold else '–'} |"
        )
    lines += ["", "Per measurement at each scale (wall min / median / max; peak RSS the largest of the runs):", ""]
    lines += ["| scale | measurement | wall s | CPU s | peak RSS MiB |", "|---|---|---|---|---|"]
    for r in results:
        for n, x in r.series.items():
            lines.append(f"| {r.scale:g} | {n} | {x.spread()} | {x.cpu:.1f} | {x.rss:.0f} |")
    lines += ["", *targets(results, j)]
    return "\n".join(lines) + "\n"


def targets(results: list[ScaleResult], j: int) -> list[str]:
    top = max(results, key=lambda r: r.scale)
    s = top.series
    met = lambda ok: "**met**" if ok else "**not met**"  # noqa: E731
    out = [f"Targets at scale {top.scale:g} ({top.pages} pages), judged on wall time (CPU seconds beside):", ""]
    cold, floor1, floor_n = s.get(f"cold -j {j}"), s.get("floor 1 process"), s.get(f"floor {j} processes")
    if cold and floor1:
        extra = f"; floor on {j} processes {floor_n.wall:.1f} s" if floor_n else ""
        out.append(
            f"- cold `-j {j}` ≤ single-process floor: {cold.wall:.1f} s ({cold.cpu:.0f} CPU) vs {floor1.wall:.1f} s"
            f" ({floor1.cpu:.0f} CPU), {cold.wall / floor1.wall:.1f}× the floor{extra} — {met(cold.wall <= floor1.wall)}"
        )
    nochange, story = s.get(f"no change -j {j}"), s.get(f"one story edited -j {j}")
    if cold and nochange:
        out.append(
            f"- no-change rebuild < 10% of cold: {nochange.wall:.1f} s ({nochange.cpu:.0f} CPU) ="
            f" {100 * nochange.wall / cold.wall:.0f}% — {met(nochange.wall < 0.1 * cold.wall)}"
        )
    seen = s.get("one story edited, seen by `serve`")
    if seen:
        whole = f"; a whole `sitegen build` process: {story.wall:.1f} s ({story.cpu:.0f} CPU)" if story else ""
        out.append(f"- one-story edit visible in the browser < 1 s: {seen.wall:.2f} s from save to reload with `sitegen serve`{whole} — {met(seen.wall < 1)}")
    elif story:
        out.append(f"- one-story edit < 1 s: {story.wall:.1f} s ({story.cpu:.0f} CPU) — {met(story.wall < 1)}")
    sitegen_runs = [x.rss for n, x in s.items() if not n.startswith(("floor", "cold with search", "one story edited, seen"))]
    if sitegen_runs:
        out.append(f"- peak memory < 1 GiB (sitegen itself): {max(sitegen_runs):.0f} MiB — {met(max(sitegen_runs) < 1024)}")
    searched = s.get(f"cold with search -j {j}")
    if searched and cold:
        out.append(
            f"- with `search: true` a cold build also runs Pagefind's extended indexer: {searched.wall:.1f} s"
            f" ({searched.cpu:.0f} CPU) instead of {cold.wall:.1f} s, peak {searched.rss:.0f} MiB (the indexer's own)"
        )
    name = f"cold -j {j}"
    measured = sorted((r for r in results if name in r.series), key=lambda r: r.scale)
    if len(measured) > 1:
        small, big = measured[0], measured[-1]
        ratio = math.log(big.pages / small.pages)
        wall_exp = math.log(big.series[name].wall / small.series[name].wall) / ratio
        cpu_exp = math.log(big.series[name].cpu / small.series[name].cpu) / ratio
        per_page = " → ".join(f"{1000 * r.series[name].cpu / r.pages:.1f}" for r in measured)
        out.append(
            f"- linear growth (judged on CPU seconds, which other load on the machine disturbs less than wall time):"
            f" cold `-j {j}` CPU ∝ pages^{cpu_exp:.2f}, wall ∝ pages^{wall_exp:.2f} between scales {small.scale:g} and"
            f" {big.scale:g} (CPU ms per page {per_page}) — {met(cpu_exp <= 1.1)}"
        )
    else:
        out.append("- linear growth: not measured (one scale only)")
    return out


def write_results(section: str) -> None:
    text = RESULTS.read_text(encoding="utf-8")
    block = f"{START}\n## National scale (benchmarks/run.py)\n\n{section}{END}"
    if START in text and END in text:
        text = text[: text.index(START)] + block + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    RESULTS.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="0.25,0.5,1", help="comma-separated scales (default 0.25,0.5,1)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each measurement; medians are reported")
    parser.add_argument("--jobs", type=int, default=2, help="processes for the parallel builds and the floor")
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--work", type=Path, default=Path("/tmp/sitegen-bench"), help="where the sites are generated and built")
    parser.add_argument("--quick", action="store_true", help="scale 0.25 only")
    parser.add_argument(
        "--rebuilds", choices=("all", "largest"), default="all",
        help="measure the rebuilds at every scale (default) or only at the largest, to save time",
    )
    parser.add_argument(
        "--only", help="comma-separated subset of cold1,coldN,nochange,story,association,template,floor1,floorN"
    )
    parser.add_argument(
        "--reuse-sites", action="store_true",
        help="keep a site already generated in the work directory (only if it was not edited since)",
    )
    parser.add_argument("--write", action="store_true", help="update the National scale section of benchmarks/RESULTS.md")
    args = parser.parse_args(argv)
    args.argv = argv
    args.only = [key for key in args.only.split(",") if key] if args.only else []
    scales = [0.25] if args.quick else [float(x) for x in args.scales.split(",")]
    args.scale_list = scales
    args.work.mkdir(parents=True, exist_ok=True)
    log = lambda message: print(message, file=sys.stderr, flush=True)  # noqa: E731
    started = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    facts = machine()
    commit = git_commit()  # at the start: later commits must not be credited with these figures
    log(f"benchmark: scales {scales}, {args.runs} run(s), -j {args.jobs}; {facts}")
    largest = max(scales)
    results = [bench_scale(scale, args, log, args.rebuilds == "all" or scale == largest) for scale in scales]
    section = report(results, args, started, facts, commit)
    print(section)
    if args.write:
        write_results(section)
        log(f"updated {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
