"""National-scale benchmark of the `sitegen` CLI: every row of issue 14's table, beside the floor.

For each scale the synthetic site is generated (benchmarks/generate.py) into the work
directory, then whole processes are timed, each measurement `--runs` times (medians):

  floor1, floorN   the floor (benchmarks/floor.py) on 1 and on JOBS processes
  cold1, coldN     cold `sitegen build` (no OUT, no cache) at -j 1 and -j JOBS
  nochange         `build -j JOBS` again with nothing changed
  story            after one story edited (a sentence appended)
  association      after one county association edited (its registered volunteers)
  template         after one template edited (SRC/templates/story.html, present from the start)
  search           cold build with `search: true` (Pagefind's extended indexer)
  searchstory      with `search: true`, after one story edited
  servestart       `sitegen serve` start -> the home page answered over HTTP
  serve            `--saves` saves of one story in `sitegen serve`: save -> the story's page,
                   polled over HTTP, shows the new sentence (median and 95th percentile)

Wall seconds, CPU seconds (user + system, workers and Pagefind included) and peak memory
(sitegen's own processes, and separately the tools it runs) are reported; see
benchmarks/measure.py and benchmarks/devserver.py. The Markdown report goes to stdout;
`--write` replaces the "National scale" section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import shutil
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # measure.py, devserver.py, report.py beside this script

from devserver import Served  # noqa: E402
from measure import Sample, Series, measure  # noqa: E402
from report import report  # noqa: E402

ROOT = HERE.parent
RESULTS = HERE / "RESULTS.md"
START = "<!-- national-scale:start (benchmarks/run.py --write replaces this section) -->"
END = "<!-- national-scale:end -->"
CACHE_DIR = ".sitegen-cache"
KEYS = ("floor1", "floorN", "cold1", "coldN", "nochange", "story", "association", "template",
        "search", "searchstory", "servestart", "serve")  # fmt: skip

HOW = """\
how the lead takes the scale-1 figures (the machine otherwise idle: `uptime` load below 0.5,
no other engineer's tests or builds running):

  python -m venv /tmp/bench-venv && /tmp/bench-venv/bin/pip install -q .   # a clean install
  /tmp/bench-venv/bin/python benchmarks/run.py --scales 0.25,0.5,1 --runs 3 --saves 20 \\
      --jobs 2 --work /tmp/sitegen-bench --write

This generates the three sites (about 2 min in all), measures every row three times at each
scale (20 saves for the dev server) and rewrites the "National scale" section of
benchmarks/RESULTS.md with the figures, the command, the commit and the machine. With the
builds as they were in issue 14 (122 s cold at scale 1, 240 s with search, 40 s per dev-server
save) the whole run takes about 3 h, 2 h of it at scale 1; each faster build shortens it. The
run prints its progress to stderr and its own duration at the end. For a first look use
`--scales 0.25 --runs 1 --saves 5` (about 5 min); `--only` and `--reuse-sites` rerun a few rows.
"""


@dataclass
class ScaleResult:
    scale: float
    pages: int
    files: int
    out_mib: float
    src_files: int
    series: dict[str, Series]


def sitegen_cmd() -> list[str]:
    exe = shutil.which("sitegen", path=str(Path(sys.executable).parent)) or shutil.which("sitegen")
    return [exe] if exe else [sys.executable, "-c", "import sys; from sitegen.cli import main; sys.exit(main())"]


def clean(src: Path, out: Path) -> None:
    """Empty OUT, no cache, nothing of the writer's beside OUT."""
    shutil.rmtree(src / CACHE_DIR, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    for sibling in out.parent.glob(f".{out.name}.sitegen*"):
        shutil.rmtree(sibling, ignore_errors=True)


def packaged_template(name: str) -> str:
    try:
        return resources.files("sitegen").joinpath(f"theme/templates/{name}").read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        return (ROOT / "themes" / "default" / "templates" / name).read_text(encoding="utf-8")


class Editor:
    """The edits between rebuilds; each changes the content again."""

    def __init__(self, src: Path) -> None:
        self.src = src
        stories = sorted((src / "content" / "stories").glob("*.md"))
        self.story = next(p for p in stories[len(stories) // 2 :] if "\ndraft: true" not in p.read_text(encoding="utf-8"))
        counties = sorted((src / "content" / "associations").glob("*.yaml"))
        self.association = next(
            p for p in counties if not p.stem.endswith("00") and "  registered: " in p.read_text(encoding="utf-8")
        )
        self.template = src / "templates" / "story.html"
        self.config = src / "sitegen.yaml"
        self.count = 0

    @property
    def base_url(self) -> str:
        return re.search(r"(?m)^base_url: (\S+)", self.config.read_text(encoding="utf-8")).group(1)

    @property
    def story_path(self) -> str:
        from urllib.parse import urlsplit

        return f"{urlsplit(self.base_url).path or '/'}stories/{self.story.stem}/"

    def install_template(self) -> None:
        self.template.parent.mkdir(exist_ok=True)
        self.template.write_text(packaged_template("story.html"), encoding="utf-8")

    def set_search(self, on: bool) -> None:
        text = self.config.read_text(encoding="utf-8")
        self.config.write_text(re.sub(r"(?m)^search: (true|false)$", f"search: {'true' if on else 'false'}", text), encoding="utf-8")

    def edit_story(self) -> str:
        """Append a sentence, written at once as an editor's save is; returns its token."""
        self.count += 1
        token = f"回访编号{uuid.uuid4().hex[:8]}"
        text = self.story.read_text(encoding="utf-8")
        self.story.write_text(f"{text}\n截至目前，这支队伍已经开展了第{self.count}轮回访（{token}），服务仍在继续。\n", encoding="utf-8")
        return token

    def edit_association(self) -> None:
        text = self.association.read_text(encoding="utf-8")
        text = re.sub(r"(\n  registered: )(\d+)", lambda m: f"{m.group(1)}{int(m.group(2)) + 1}", text, count=1)
        self.association.write_text(text, encoding="utf-8")

    def edit_template(self) -> None:
        self.count += 1
        text = re.sub(r"\n<!-- bench edit \d+ -->", "", self.template.read_text(encoding="utf-8"))
        text = text.replace("{% block content %}", f"{{% block content %}}\n<!-- bench edit {self.count} -->", 1)
        self.template.write_text(text, encoding="utf-8")


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
    out = src / "output"  # where `sitegen serve` builds too, so the serve rows start warm
    if not (args.reuse_sites and (src / "sitegen.yaml").is_file()):
        subprocess.run([sys.executable, str(HERE / "generate.py"), str(src), "--scale", str(scale), "--seed", str(args.seed)], check=True)
    editor = Editor(src)
    editor.install_template()
    editor.set_search(False)
    src_files = sum(len(names) for _, _, names in os.walk(src / "content"))
    sitegen = sitegen_cmd()
    build = lambda jobs: [*sitegen, "build", "-q", "-j", str(jobs), "-s", str(src), "-o", str(out)]  # noqa: E731
    floor = lambda jobs: [sys.executable, str(HERE / "floor.py"), str(src), str(floor_out), "--jobs", str(jobs)]  # noqa: E731
    j = args.jobs
    series: dict[str, Series] = {}
    wanted = lambda key: not args.only or key in args.only  # noqa: E731

    def run(key: str, name: str, cmd: list[str], before=None) -> None:
        if not wanted(key):
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
        if not out.is_dir():
            measure(build(j))  # the rebuild rows need a built site
        run("nochange", f"no change -j {j}", build(j))
        run("story", f"one story edited -j {j}", build(j), editor.edit_story)
        run("association", f"one association edited -j {j}", build(j), editor.edit_association)
        run("template", f"one template edited -j {j}", build(j), editor.edit_template)
        if wanted("servestart") or wanted("serve"):
            bench_serve(scale, args, log, sitegen, src, editor, series)
    if scale == max(args.scale_list) or args.search_everywhere:
        # the sites are generated with `search: false` so that sitegen is compared with the
        # floor like for like; these rows measure what Pagefind's index adds
        run("search", f"cold with search -j {j}", build(j), lambda: (clean(src, out), editor.set_search(True)))
        if wanted("searchstory"):
            editor.set_search(True)
            if not (out / "pagefind").is_dir():
                measure(build(j))
            run("searchstory", f"one story edited, with search -j {j}", build(j), editor.edit_story)
        editor.set_search(False)
    files, pages, out_mib = tree_size(out)
    return ScaleResult(scale, pages, files, out_mib, src_files, series)


def bench_serve(scale: float, args, log, sitegen: list[str], src: Path, editor: Editor, series: dict[str, Series]) -> None:
    """Server start -> first page, then `--saves` saves -> the page shows them, over HTTP."""
    starts = series.setdefault("serve start → first page", Series("serve start → first page"))
    for i in range(args.runs if "servestart" in (args.only or KEYS) else 1):
        with Served(sitegen, src, editor.base_url) as served:
            starts.samples.append(Sample(served.start_seconds, 0.0, served.rss_mib))
            log(f"  scale {scale:g} serve start run {i + 1}: first page after {served.start_seconds:.2f} s")
            if i == 0 and (not args.only or "serve" in args.only):
                latencies = served.save_latencies(editor.story_path, editor.edit_story, args.saves)
                name = "one story saved in `serve` → page shows it"
                series[name] = Series(name, [Sample(t, 0.0, served.rss_mib) for t in latencies])
                log(f"  scale {scale:g} serve saves: {' '.join(f'{t:.2f}' for t in latencies)} s")


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")), platform.processor())
    mem = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")), 0)
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"`nproc` {os.cpu_count()}, {cpu}, {mem / 2**20:.0f} GiB RAM, Python {platform.python_version()}, {platform.system()} {platform.release()}; load average at start {load}"


def git_commit() -> str:
    try:
        done = subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"], capture_output=True, text=True, check=True)
        return done.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


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
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], epilog=HOW, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scales", default="0.25,0.5,1", help="comma-separated scales (default 0.25,0.5,1)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each measurement; medians are reported (default 3)")
    parser.add_argument("--saves", type=int, default=20, help="story saves measured in `sitegen serve` (default 20)")
    parser.add_argument("--jobs", type=int, default=2, help="processes for the parallel builds and the floor (default 2)")
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--work", type=Path, default=Path("/tmp/sitegen-bench"), help="where the sites are generated and built")
    parser.add_argument("--quick", action="store_true", help="scale 0.25 only")
    parser.add_argument(
        "--rebuilds", choices=("all", "largest"), default="all",
        help="measure the rebuild and dev-server rows at every scale (default) or only at the largest",
    )
    parser.add_argument("--search-everywhere", action="store_true", help="the search rows at every scale, not only the largest")
    parser.add_argument("--only", help=f"comma-separated subset of {','.join(KEYS)}")
    parser.add_argument(
        "--reuse-sites", action="store_true",
        help="keep a site already generated in the work directory (the edits of earlier runs stay in it)",
    )
    parser.add_argument("--write", action="store_true", help="update the National scale section of benchmarks/RESULTS.md")
    args = parser.parse_args(argv)
    args.argv = argv
    args.only = [key for key in args.only.split(",") if key] if args.only else []
    if unknown := set(args.only) - set(KEYS):
        parser.error(f"unknown --only keys: {', '.join(sorted(unknown))}")
    scales = [0.25] if args.quick else [float(x) for x in args.scales.split(",")]
    args.scale_list = scales
    args.work.mkdir(parents=True, exist_ok=True)
    log = lambda message: print(message, file=sys.stderr, flush=True)  # noqa: E731
    began = time.perf_counter()
    started = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    facts = machine()
    commit = git_commit()  # at the start: later commits must not be credited with these figures
    log(f"benchmark: scales {scales}, {args.runs} run(s), {args.saves} saves, -j {args.jobs}; {facts}")
    largest = max(scales)
    results = [bench_scale(scale, args, log, args.rebuilds == "all" or scale == largest) for scale in scales]
    minutes = (time.perf_counter() - began) / 60
    section = report(results, args, started, facts, commit, minutes)
    print(section)
    if args.write:
        write_results(section)
        log(f"updated {RESULTS}")
    log(f"benchmark took {minutes:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
