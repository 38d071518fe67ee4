"""How long a reader waits for search results: the first result on a built site's /search/ page.

    python benchmarks/search_latency.py OUT [--runs 5] [--queries 西湖区,留守儿童,...]

OUT is served on loopback by Python's `http.server`; Chromium (the system one, through
playwright) opens `/search/?q=QUERY` in a fresh browser context (empty cache) and the time from
navigation start to the first result on the page (`#search[data-state=done]` with a result) is
one "first query" sample: the page, Pagefind's script and WebAssembly, its index entries (every
shard's when the index is split) and the words' chunks. Then, on the same page, each other
query typed into the box is one "next query" sample (only the words' chunks are new). Medians
over `--runs` contexts. Loopback has no network latency: the figures are the browser's and
Pagefind's own work plus the bytes read; add the reader's round trips on a real network.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

CHROMIUM = "/usr/bin/chromium"
QUERIES = ("西湖区", "留守儿童", "金晖助老", "青年志愿者协会", "马拉松", "海口市")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--queries", default=",".join(QUERIES))
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds; a query not answered by then counts as that long")
    args = parser.parse_args()
    queries = [q for q in args.queries.split(",") if q]

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *_: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(args.out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    first: list[float] = []
    following: list[float] = []
    fetched: list[int] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        for run in range(args.runs):
            context = browser.new_context(locale="zh-CN")
            page = context.new_page()
            requests: list[str] = []
            page.on("request", lambda request, seen=requests: seen.append(request.url))
            query = queries[run % len(queries)]
            started = time.perf_counter()
            page.goto(f"{origin}/search/?q={quote(query)}")
            page.wait_for_selector("#search[data-state=done] .search-result", timeout=args.timeout * 1000)
            first.append(time.perf_counter() - started)
            print(f"  first query {query}: {first[-1]:.2f} s", file=sys.stderr, flush=True)
            fetched.append(sum("/pagefind/" in url for url in requests))
            for other in queries:
                if other == query:
                    continue
                box = page.locator("#search-q")
                box.fill(other)
                started = time.perf_counter()
                box.press("Enter")
                try:
                    page.wait_for_function(
                        "q => { const s = document.getElementById('search'); return s.dataset.state === 'done'"
                        " && new URL(location.href).searchParams.get('q') === q; }",
                        arg=other,
                        timeout=args.timeout * 1000,
                    )
                except PlaywrightTimeout:
                    print(f"  next query {other}: no answer within {args.timeout} s", file=sys.stderr, flush=True)
                    following.append(float(args.timeout))
                    break  # the page is still busy with it
                following.append(time.perf_counter() - started)
                print(f"  next query {other}: {following[-1]:.2f} s", file=sys.stderr, flush=True)
            context.close()
        browser.close()
    server.shutdown()
    print(f"site: {args.out}; {args.runs} fresh contexts; queries: {', '.join(queries)}")
    print("| measurement | median s | min s | max s |")
    print("|---|---|---|---|")
    for name, samples in (("first query (fresh context, page load included)", first), ("next query (same page)", following)):
        print(f"| {name} | {statistics.median(samples):.3f} | {min(samples):.3f} | {max(samples):.3f} |")
    print(f"index files fetched for the first query: median {statistics.median(fetched):.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
