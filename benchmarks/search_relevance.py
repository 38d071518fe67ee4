"""The search relevance table of a built demo: the queries of tests/browser/test_search_relevance.py.

    python benchmarks/search_relevance.py OUT            # through OUT's /search/ page
    python benchmarks/search_relevance.py OUT --raw      # Pagefind's own order (its stock UI's)

`--raw` asks Pagefind's JavaScript API with the query as typed and takes its result order, as
the Pagefind UI of sitegen before issue 11 showed it; use it on a site built by that version.
Prints the misses, then the table (hits at 1 / at 3 of the queries with an answer, "none"
answers right). Needs the system Chromium and playwright (the `test` extra).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import importlib.util
import json
import sys
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"


def _queries():
    spec = importlib.util.spec_from_file_location("search_queries", ROOT / "tests/browser/search_queries.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.QUERIES, module.table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--raw", action="store_true", help="Pagefind's own order for the query as typed")
    args = parser.parse_args()
    queries, table = _queries()
    projects = json.loads((args.out / "data/projects.json").read_text(encoding="utf-8"))

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *_: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(args.out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/search/")
        if args.raw:
            page.evaluate("async () => { window.pf = await import('/pagefind/pagefind.js'); await pf.init(); }")
        for kind, query, expected in queries:
            if args.raw:
                found = page.evaluate(
                    "async q => Promise.all((await pf.search(q)).results.slice(0, 5).map(async r => (await r.data()).url))", query
                )
            else:
                page.fill("#search-q", query)
                page.press("#search-q", "Enter")
                page.wait_for_selector("#search[data-state=done]")
                found = page.eval_on_selector_all(".search-result h2 a", "links => links.map(a => a.getAttribute('href'))")
            found = [unquote(urlsplit(url).path) for url in found]
            if expected is None:
                rows.append((kind, False, False, not found))
                ok = not found
            else:
                if expected == "target":
                    right = tuple(p["url"] for p in projects if query in (p.get("targets") or []))
                else:
                    right = expected if isinstance(expected, tuple) else (expected,)
                at1, at3 = bool(found) and found[0] in right, any(url in right for url in found[:3])
                rows.append((kind, at1, at3, None))
                ok = at1
            if not ok:
                print(f"miss: {query} → {found[:3]} (expected {expected})")
        browser.close()
    server.shutdown()
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
