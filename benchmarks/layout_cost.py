"""Style and layout time of pages in Chromium, several built sites compared run by run.

    python benchmarks/layout_cost.py OUT_A OUT_B [--pages ",regions/330000/"] [--runs 7] [--large]

Lighthouse's performance score on a busy shared machine swings by ten points between runs; the
time Chromium spends in style recalculation and layout while loading a page (Chrome DevTools
Protocol `Performance.getMetrics`: RecalcStyleDuration + LayoutDuration, unthrottled) is
steadier, and measuring the sites in turn, page by page, cancels most of the machine's drift.
Each site is served on loopback and loaded in a fresh phone-sized context (412 × 823, as
Lighthouse's mobile emulation) with the system Chromium; the medians are printed in ms.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outs", nargs="+", type=Path, help="built sites to compare")
    parser.add_argument("--pages", default=",associations/330106/,regions/330000/,coverage/,evaluation/")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--large", action="store_true", help="with the 大字 choice stored")
    args = parser.parse_args(argv)
    bases = []
    for out in args.outs:
        server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(out)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        bases.append(f"http://127.0.0.1:{server.server_address[1]}/")
    pages = args.pages.split(",")
    times: dict[tuple[int, str], list[float]] = {(i, p): [] for i in range(len(bases)) for p in pages}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
        for _ in range(args.runs):
            for page in pages:
                for i, base in enumerate(bases):
                    context = browser.new_context(viewport={"width": 412, "height": 823}, device_scale_factor=1.75, is_mobile=True, has_touch=True)
                    if args.large:
                        context.add_init_script("localStorage.setItem('sitegen-large', '1')")
                    tab = context.new_page()
                    cdp = context.new_cdp_session(tab)
                    cdp.send("Performance.enable")
                    tab.goto(base + page, wait_until="load")
                    tab.wait_for_timeout(300)
                    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
                    times[(i, page)].append((metrics["RecalcStyleDuration"] + metrics["LayoutDuration"]) * 1000)
                    context.close()
        browser.close()
    print("| page | " + " | ".join(str(out) for out in args.outs) + " |")
    print("|---|" + "---|" * len(args.outs))
    for page in pages:
        print(f"| `/{page}` | " + " | ".join(f"{statistics.median(times[(i, page)]):.0f}" for i in range(len(bases))) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
