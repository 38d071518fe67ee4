"""Lighthouse scores of every page kind of the built demo, on a phone (mobile emulation).

    python benchmarks/lighthouse.py [--out DIR] [--runs 3] [--pages home,association]

Builds the demo (the repository root) into a temporary folder (or takes a built `--out`), serves
it on loopback and runs Lighthouse against the system Chromium (/usr/bin/chromium), mobile form
factor with Lighthouse's default simulated throttling (a mid-range phone on slow 4G, CPU slowed
4×). Each page is measured `--runs` times; the table shows the median of each score, total
blocking time and largest contentful paint, and the page weight (every byte the page loaded, as
served: no compression on the loopback server). `--large` measures with the 大字 choice stored.

Lighthouse is an npm package, installed on first use into a cache outside the repository
(`~/.cache/sitegen-lighthouse`, or $SITEGEN_LIGHTHOUSE_DIR); 12.2.3 is the last release
that runs on Node 20. Nothing here runs in the test suite; figures go in benchmarks/LIGHTHOUSE.md.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = "lighthouse@12.2.3"
CHROMIUM = os.environ.get("SITEGEN_CHROMIUM", "/usr/bin/chromium")
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking --no-first-run --disable-sync"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
# (name, path): one page of every kind (docs/reference.md, 网站的页面)
PAGES = [
    ("home", ""),
    ("directory", "associations/"),
    ("association", "associations/330106/"),
    ("region", "regions/330000/"),
    ("coverage", "coverage/"),
    ("evaluation", "evaluation/"),
    ("models", "models/"),
    ("projects", "projects/"),
    ("project", "projects/xihu-jinhui-zhulao/"),
    ("brand", "brands/jinhui/"),
    ("stories", "stories/"),
    ("story", "stories/xihu-yinling-ketang-xuyiming/"),
    ("tag", "tags/jin-hui-zhu-lao/"),
    ("page", "about/"),
    ("data", "data/"),
    ("search", "search/"),
]


def lighthouse_bin() -> Path:
    """The Lighthouse CLI, installed with npm into the cache on first use."""
    home = Path(os.environ.get("SITEGEN_LIGHTHOUSE_DIR", Path.home() / ".cache" / "sitegen-lighthouse"))
    cli = home / "node_modules" / "lighthouse" / "cli" / "index.js"
    if not cli.is_file():
        home.mkdir(parents=True, exist_ok=True)
        print(f"installing {LIGHTHOUSE} into {home} …", file=sys.stderr)
        subprocess.run(["npm", "install", "--prefix", str(home), "--no-audit", "--no-fund", "-E", LIGHTHOUSE], check=True)
    return cli


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass


def serve(out: Path) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def build_demo(out: Path) -> None:
    src = out.parent / "src"
    for name in ("sitegen.yaml", "content", "static"):
        item = ROOT / name
        (shutil.copytree if item.is_dir() else shutil.copy)(item, src / name)
    subprocess.run([sys.executable, "-m", "sitegen.cli", "build", "-q", "-s", str(src), "-o", str(out)], check=True, cwd=ROOT)


def measure(cli: Path, url: str) -> dict[str, float]:
    """One Lighthouse run of `url`: the four scores (0–100), TBT and LCP (ms), bytes loaded."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        command = [
            "node", str(cli), url, "--quiet", "--output=json", f"--output-path={report}",
            f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROME_FLAGS}",
        ]  # fmt: skip
        env = {**os.environ, "CHROME_PATH": CHROMIUM}
        subprocess.run(command, check=True, env=env, capture_output=True)
        data = json.loads(report.read_text(encoding="utf-8"))
    audits = data["audits"]
    row = {c: round(data["categories"][c]["score"] * 100) for c in CATEGORIES}
    row["tbt"] = audits["total-blocking-time"]["numericValue"]
    row["lcp"] = audits["largest-contentful-paint"]["numericValue"]
    row["cls"] = audits["cumulative-layout-shift"]["numericValue"]
    row["bytes"] = audits["total-byte-weight"]["numericValue"]
    row["failed"] = sorted(  # type: ignore[assignment]
        a["id"] for c in CATEGORIES[1:] for ref in data["categories"][c]["auditRefs"]
        if ref["weight"] and (a := audits[ref["id"]])["score"] is not None and a["score"] < 1
    )  # fmt: skip
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="a built site (default: build the demo)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages", help="comma-separated names (default: every kind)")
    args = parser.parse_args(argv)
    cli = lighthouse_bin()
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out
        if out is None:
            out = Path(tmp) / "out"
            build_demo(out)
        server, base = serve(out)
        wanted = set(args.pages.split(",")) if args.pages else None
        print("| page | performance | accessibility | best practices | SEO | TBT ms | LCP s | CLS | weight KiB | below 100 |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        for name, path in PAGES:
            if wanted and name not in wanted:
                continue
            runs = [measure(cli, base + path) for _ in range(args.runs)]

            def median(key: str, runs: list[dict] = runs) -> float:
                return statistics.median(r[key] for r in runs)

            failed = sorted({a for r in runs for a in r["failed"]})
            print(
                f"| {name} `/{path}` | {median('performance'):.0f} | {median('accessibility'):.0f} | {median('best-practices'):.0f} "
                f"| {median('seo'):.0f} | {median('tbt'):.0f} | {median('lcp') / 1000:.1f} | {median('cls'):.3f} "
                f"| {median('bytes') / 1024:.1f} | {', '.join(failed) or '–'} |",
                flush=True,
            )
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
