"""Time and peak memory of the worst Markdown inputs (issue 12), whole process.

Each input is written as the body of a story into a copy of the repository's demo site, and
`sitegen check` runs on it in a fresh process under `/usr/bin/time -f "%e %M"` (wall seconds,
peak RSS in KiB), stopped after `--limit` seconds. `--sitegen` picks the executable, so the
same script measures another checkout (for the figures before a change).

    python benchmarks/hostile_markdown.py --runs 3
    python benchmarks/hostile_markdown.py --sitegen /path/to/other/.venv/bin/sitegen --runs 1 --limit 300

Results and the commands used are in benchmarks/HOSTILE.md.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FRONT = '---\ntitle: 压力测试\ndate: 2021-01-15\n---\n\n'

INPUTS = {
    "nested-brackets-30KB": "[" * 15_000 + "]" * 15_000,
    "open-brackets-30KB": "[" * 30_000,
    "unclosed-tags-60KB": "<a " * 20_000,
    "unclosed-spans-60KB": "<span x='" * 6_667,
    "deep-list-6KB": "- " * 3_000 + "x",
    "control-story-30KB": "志愿服务的故事。" * 1_250,
    "huge-story-400MB": "",  # front matter, then a sparse file extended to 400 MB (see site_with)
}
HUGE = 400 * 1024 * 1024


def site_with(body: str, where: Path) -> Path:
    src = where / "src"
    src.mkdir()
    for name in ("sitegen.yaml", "content", "static", "templates", "themes"):
        item = ROOT / name
        if item.is_dir():
            shutil.copytree(item, src / name)
        elif item.is_file():
            shutil.copy(item, src / name)
    story = src / "content/stories/stress.md"
    story.write_text(FRONT + body + "\n", encoding="utf-8")
    if not body:
        with story.open("r+b") as handle:
            handle.truncate(HUGE)  # NUL bytes that take no disk space
    return src


def once(sitegen: str, src: Path, limit: float) -> tuple[float | None, int | None, str]:
    command = ["/usr/bin/time", "-f", "%e %M", sitegen, "check", "-s", str(src)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=limit, check=False)
    except subprocess.TimeoutExpired:
        return None, None, f"stopped after {limit:g} s"
    seconds, kib = done.stderr.strip().splitlines()[-1].split()
    codes = sorted({line.split("[", 1)[1].split("]", 1)[0] for line in done.stderr.splitlines() if "error[" in line or "warning[" in line})
    if "内部错误" in done.stderr:  # sitegen's crash message: no diagnostic, no position
        codes.append("internal error, unlocated")
    return float(seconds), int(kib), ",".join(codes) or "clean"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sitegen", default=str(Path(shutil.which("sitegen") or "sitegen")))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--limit", type=float, default=300.0)
    parser.add_argument("--only", nargs="*", default=list(INPUTS))
    args = parser.parse_args()
    print("| input | wall s (median of runs) | peak RSS MiB | diagnostics |")
    print("|---|---|---|---|")
    for name in args.only:
        with tempfile.TemporaryDirectory() as tmp:
            src = site_with(INPUTS[name], Path(tmp))
            runs = [once(args.sitegen, src, args.limit) for _ in range(args.runs)]
        times = [t for t, _, _ in runs if t is not None]
        mems = [m for _, m, _ in runs if m is not None]
        wall = f"{statistics.median(times):.2f}" if len(times) == len(runs) else runs[-1][2]
        rss = f"{statistics.median(mems) / 1024:.0f}" if mems else "–"
        print(f"| {name} | {wall} | {rss} | {runs[-1][2]} |", flush=True)


if __name__ == "__main__":
    main()
