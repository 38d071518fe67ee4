"""The Markdown report of benchmarks/run.py: every measurement, then issue 14's targets."""

from __future__ import annotations

import math

from measure import Series

SERVE_START = "serve start → first page"
SERVE_SAVE = "one story saved in `serve` → page shows it"


def names(j: int) -> dict[str, str]:
    """Row key -> series name, in report order."""
    return {
        "floor1": "floor 1 process",
        "floorN": f"floor {j} processes",
        "cold1": "cold -j 1",
        "coldN": f"cold -j {j}",
        "nochange": f"no change -j {j}",
        "story": f"one story edited -j {j}",
        "association": f"one association edited -j {j}",
        "template": f"one template edited -j {j}",
        "search": f"cold with search -j {j}",
        "searchstory": f"one story edited, with search -j {j}",
        "servestart": SERVE_START,
        "serve": SERVE_SAVE,
    }


def report(results: list, args, started: str, machine_facts: str, commit: str, minutes: float) -> str:
    j = args.jobs
    lines = [
        f"Measured {started} on commit `{commit}`: {machine_facts}.",
        "",
        "Command: `python benchmarks/run.py " + " ".join(args.argv) + f"` — {args.runs} run(s) of each"
        f" measurement, {args.saves} saves in `sitegen serve`; the run took {minutes:.0f} min.",
        "Wall seconds (min / median / max), CPU seconds (median; user + system, workers and Pagefind"
        " included), peak resident memory of sitegen's own processes and, apart, of the tools it runs.",
        "",
    ]
    for r in results:
        lines += [
            f"### Scale {r.scale:g}: {r.src_files} content files → {r.pages} HTML pages ({r.files} files, {r.out_mib:.0f} MiB)",
            "",
            "| measurement | wall s | CPU s | peak RSS sitegen MiB | peak RSS tools MiB |",
            "|---|---|---|---|---|",
        ]
        for name in names(j).values():
            s = r.series.get(name)
            if s is None:
                continue
            wall = s.spread() + (f" (p95 {s.percentile(0.95):.2f})" if name == SERVE_SAVE else "")
            cpu = f"{s.cpu:.1f}" if s.cpu else "–"
            tools = f"{s.tools:.0f}" if s.tools else "–"
            lines.append(f"| {name} | {wall} | {cpu} | {s.rss:.0f} | {tools} |")
        lines.append("")
    lines += targets(results, j)
    return "\n".join(lines) + "\n"


def _met(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


def targets(results: list, j: int) -> list[str]:
    """Issue 14's table at the largest scale measured."""
    top = max(results, key=lambda r: r.scale)
    s: dict[str, Series] = top.series
    n = names(j)
    get = lambda key: s.get(n[key])  # noqa: E731
    cold, floor1 = get("coldN"), get("floor1")
    rows: list[tuple[str, str, str, bool | None]] = []

    save = get("serve")
    if save:
        p95 = save.percentile(0.95)
        rows.append(("save one story in `serve` → the page shows it", f"median {save.wall:.2f} s, p95 {p95:.2f} s ({len(save.samples)} saves)",
                     "≤ 1 s median, ≤ 2 s p95", save.wall <= 1 and p95 <= 2))  # fmt: skip
    if start := get("servestart"):
        rows.append(("`serve` start → first page answered", f"{start.wall:.1f} s", "≤ 15 s", start.wall <= 15))
    if nochange := get("nochange"):
        rows.append(("`build`, nothing changed", f"{nochange.wall:.2f} s ({nochange.cpu:.1f} CPU)", "≤ 3 s", nochange.wall <= 3))
    if story := get("story"):
        rows.append(("`build`, one story edited", f"{story.wall:.1f} s ({story.cpu:.1f} CPU)", "≤ 10 s", story.wall <= 10))
    for key, what in (("association", "one association edited"), ("template", "one template edited")):
        if (edit := get(key)) and cold:
            share = edit.wall / cold.wall
            rows.append((f"`build`, {what}", f"{edit.wall:.1f} s = {100 * share:.0f}% of cold", "≤ 20% of cold", share <= 0.2))
    if cold and floor1:
        ratio = cold.wall / floor1.wall
        rows.append((f"cold `build -j {j}`", f"{cold.wall:.1f} s = {ratio:.2f}× the one-process floor ({floor1.wall:.1f} s)",
                     "≤ 1.0× the floor", ratio <= 1.0))  # fmt: skip
    own = [x.rss for name, x in s.items() if not name.startswith("floor")]
    if own:
        rows.append(("peak RSS, sitegen's processes", f"{max(own):.0f} MiB", "≤ 700 MiB", max(own) <= 700))
    searched = get("search")
    if searched and cold:
        ratio = searched.wall / cold.wall
        rows.append(("cold build with search", f"{searched.wall:.1f} s = {ratio:.2f}× cold, Pagefind {searched.tools:.0f} MiB",
                     "≤ 1.5× cold without search, ≤ 2 GiB", ratio <= 1.5 and searched.tools <= 2048))  # fmt: skip
    if searched_story := get("searchstory"):
        rows.append(("one story edited, with search", f"{searched_story.wall:.1f} s", "≤ 20 s", searched_story.wall <= 20))

    out = [f"### Issue 14's targets at scale {top.scale:g} ({top.pages} pages), judged on the median wall time", ""]
    out += ["| measurement | measured | target | |", "|---|---|---|---|"]
    out += [f"| {what} | {measured} | {target} | {_met(ok)} |" for what, measured, target, ok in rows]
    out.append("")
    out.append(_growth(results, n["coldN"]))
    return out


def _growth(results: list, name: str) -> str:
    measured = sorted((r for r in results if name in r.series), key=lambda r: r.scale)
    if len(measured) < 2:
        return "Linear growth: not measured (one scale only)."
    small, big = measured[0], measured[-1]
    ratio = math.log(big.pages / small.pages)
    cpu_exp = math.log(big.series[name].cpu / small.series[name].cpu) / ratio
    wall_exp = math.log(big.series[name].wall / small.series[name].wall) / ratio
    per_page = " → ".join(f"{1000 * r.series[name].cpu / r.pages:.1f}" for r in measured)
    return (
        f"Linear growth (on CPU seconds, which other load disturbs less than wall time): `{name}` CPU ∝"
        f" pages^{cpu_exp:.2f}, wall ∝ pages^{wall_exp:.2f} from scale {small.scale:g} to {big.scale:g}"
        f" (CPU ms per page {per_page}) — {_met(cpu_exp <= 1.1)}."
    )
