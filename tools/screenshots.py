"""Screenshots of the demo site for the README, at desktop and phone sizes.

    python tools/screenshots.py                  # build the demo into a temp dir, shoot it
    python tools/screenshots.py --site output    # shoot an already built OUT
    python tools/screenshots.py --site out --base-path /volunteer/   # built with a sub-path

Writes docs/screenshots/<page>-desktop.png (1280 px wide) and <page>-phone.png (390×844 at
device scale 2). Needs the system Chromium (apt-get install chromium) and a CJK font
(fonts-wqy-microhei; without one every Chinese character is a box), and playwright from the
`test` extra. Never `playwright install`: the system Chromium is launched by path.
Exits 1 if a page is missing or never finished (e.g. /search/ before search is built), after
saving the others.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import threading
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
# A full-page shot does not scroll, so images with loading="lazy" below the fold would show
# as empty boxes: scroll through the page once and wait until every image has loaded.
LOAD_LAZY_IMAGES = """async () => {
  for (let y = 0; y < document.documentElement.scrollHeight; y += innerHeight) {
    scrollTo(0, y);
    await new Promise((done) => setTimeout(done, 50));
  }
  scrollTo(0, 0);
  await Promise.all([...document.images].map((img) =>
    img.complete ? null : new Promise((done) => { img.onload = img.onerror = done; })));
}"""

# (file name stem, path under the base, selector to wait for before the shot)
SHOTS = [
    ("home", "", None),
    ("directory", "associations/", None),
    ("association", "associations/330106/", None),
    ("project", "projects/xihu-jinhui-zhulao/", None),
    ("region", "regions/330000/", None),
    ("evaluation", "evaluation/", None),
    ("search", "search/?q=西湖区", "#search[data-state=done] .search-result"),
]
# (suffix, viewport, device scale factor, tallest part of the page kept, in CSS px)
SIZES = [
    ("desktop", {"width": 1280, "height": 800}, 1, 2000),
    ("phone", {"width": 390, "height": 844}, 2, 1688),
]


class _Handler(SimpleHTTPRequestHandler):
    """OUT at `base_path`, as a static host serves it: index.html for directories, 404.html."""

    base_path = "/"
    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".wasm": "application/wasm",
        ".json": "application/json",
        ".svg": "image/svg+xml",
    }

    def translate_path(self, path: str) -> str:
        request_path = urlsplit(path).path
        if not request_path.startswith(self.base_path):
            return str(Path(self.directory) / ".outside-base-path")
        return super().translate_path("/" + request_path[len(self.base_path) :])

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != HTTPStatus.NOT_FOUND or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(code)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass


def build_demo(tmp: Path) -> Path:
    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import build_ok, copy_site  # the same demo copy the tests build

    out = tmp / "out"
    build_ok(copy_site(ROOT, tmp), out)
    return out


def serve(out: Path, base_path: str) -> ThreadingHTTPServer:
    handler = type("Handler", (_Handler,), {"base_path": base_path})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(out)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def shoot(out: Path, base_path: str, dest: Path, chromium: Path) -> list[str]:
    """Save every shot; return what went wrong (empty if nothing)."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    server = serve(out, base_path)
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    dest.mkdir(parents=True, exist_ok=True)
    failures = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
            for suffix, viewport, scale, tallest in SIZES:
                context = browser.new_context(
                    viewport=viewport, device_scale_factor=scale, locale="zh-CN", color_scheme="light"
                )
                page = context.new_page()
                for stem, path, wait_for in SHOTS:
                    url = origin + base_path + path
                    response = page.goto(url)
                    if response is None or response.status != 200:
                        status = response.status if response else "无响应"
                        failures.append(f"{url}：HTTP {status}，未截图")
                        continue
                    try:
                        if wait_for:
                            page.locator(wait_for).first.wait_for(timeout=10_000)
                        page.evaluate("document.fonts.ready")
                        page.evaluate(LOAD_LAZY_IMAGES)
                    except PlaywrightError:
                        failures.append(f"{url}：10 秒内没有出现 {wait_for}，未截图")
                        continue
                    height = min(page.evaluate("document.documentElement.scrollHeight"), tallest)
                    target = dest / f"{stem}-{suffix}.png"
                    page.screenshot(
                        path=str(target),
                        full_page=True,
                        clip={"x": 0, "y": 0, "width": viewport["width"], "height": height},
                    )
                    print(f"{target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}")
                context.close()
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="为 README 生成示例站点截图（桌面与手机）")
    parser.add_argument("--site", type=Path, help="已构建的输出目录（默认：构建示例站点到临时目录）")
    parser.add_argument("--base-path", default="/", help="构建时 base_url 的路径部分，如 /volunteer/")
    parser.add_argument("--dest", type=Path, default=ROOT / "docs" / "screenshots", help="截图保存目录")
    parser.add_argument(
        "--chromium",
        type=Path,
        default=Path(os.environ.get("SITEGEN_CHROMIUM", "/usr/bin/chromium")),
        help="Chromium 可执行文件",
    )
    args = parser.parse_args(argv)
    base_path = "/" + args.base_path.strip("/") + "/" if args.base_path.strip("/") else "/"
    if not args.chromium.is_file():
        print(f"找不到 Chromium：{args.chromium}。请先 apt-get install chromium fonts-wqy-microhei。", file=sys.stderr)
        return 2
    if shutil.which("fc-list") and not os.popen("fc-list :lang=zh family").read().strip():
        print("警告：没有中文字体，截图中的汉字会显示为方框。请 apt-get install fonts-wqy-microhei。", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="sitegen-shots-") as tmp:
        out = args.site.resolve() if args.site else build_demo(Path(tmp))
        failures = shoot(out, base_path, args.dest.resolve(), args.chromium)
    for failure in failures:
        print(f"错误：{failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
