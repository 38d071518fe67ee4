"""Browser fixtures: the demo site built once, served on loopback, opened in one Chromium.

Fixtures (all but `open_tab` live for the whole session):

- `demo_site`: the demo built into a temp dir and served at http://127.0.0.1:PORT/.
- `long_words_site`: the demo with unbreakable Latin words and URLs in titles, tags, menus.
- `sub_site`: the demo built with base_url http://127.0.0.1:PORT/sub/ and served only under /sub/.
- `browser`: one Chromium launched by path (never downloaded). If Chromium, the CJK font or
  Playwright is missing, every browser test *fails* with the install command: a skipped browser
  test would be a promise silently not kept.
- `open_tab(path, site=..., width=375, height=812, color_scheme="light", javascript=True,
  status=200)`: a fresh context and page at `path`, returned as a `Tab` that has recorded every
  console error, uncaught exception, failed request to our origin and request to any other host.
  `tab.assert_clean()`, `tab.overflow()`, `tab.axe_violations()`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

import pytest
from conftest import ROOT, build_ok, copy_site

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page, Request, Response

# The system Chromium (Debian's package); SITEGEN_CHROMIUM names another build of it.
CHROMIUM = Path(os.environ.get("SITEGEN_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
FONT_DIRS = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts"]
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21aa"]
INSTALL = (
    "sudo apt-get install -y chromium chromium-driver fonts-wqy-microhei && "
    "pip install -e '.[test]'"
)


def missing_prerequisites() -> list[str]:
    """What this machine lacks to run the browser tests (empty when all is there)."""
    missing = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("Python 包 playwright（the playwright package: pip install -e '.[test]'）")
    if not CHROMIUM.is_file():
        missing.append(f"Chromium 浏览器 {CHROMIUM}（apt-get install chromium chromium-driver）")
    if not _has_cjk_font():
        missing.append("中文字体（a CJK font: apt-get install fonts-wqy-microhei）")
    return missing


def _has_cjk_font() -> bool:
    fc_list = shutil.which("fc-list")
    if fc_list is not None:
        listed = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True)
        return bool(listed.stdout.strip())
    fonts = [p.name.lower() for d in FONT_DIRS if d.is_dir() for p in d.rglob("*.tt[cf]")]
    return any(name.startswith(("wqy", "notosanscjk", "notoserifcjk")) for name in fonts)


# --- serving ---------------------------------------------------------------------------------


class _StaticHandler(SimpleHTTPRequestHandler):
    """OUT at `base_path`: directories serve index.html, anything missing gets 404.html."""

    base_path = "/"
    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".wasm": "application/wasm",
        ".json": "application/json",
        ".svg": "image/svg+xml",
    }

    def translate_path(self, path: str) -> str:
        request_path = urlsplit(path).path
        if not request_path.startswith(self.base_path):
            return str(Path(self.directory) / ".outside-base-path")  # never exists: 404
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
        if self.command != "HEAD":
            self.wfile.write(body)

    def guess_type(self, path: str | Any) -> str:
        kind = super().guess_type(path)
        if kind.startswith("text/") or kind in ("application/json", "image/svg+xml"):
            kind += "; charset=utf-8"
        return kind

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass


@dataclass
class Site:
    """A built site served on loopback. `url("projects/")` is the absolute URL of a page."""

    out: Path
    origin: str  # http://127.0.0.1:PORT
    base_path: str  # "/" or "/sub/"
    server: ThreadingHTTPServer = field(repr=False)

    def url(self, path: str = "") -> str:
        return self.origin + self.base_path + path.lstrip("/")

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _bind(out: Path, base_path: str) -> ThreadingHTTPServer:
    handler = type("Handler", (_StaticHandler,), {"base_path": base_path})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(out)))
    server.daemon_threads = True
    return server


def _serve(server: ThreadingHTTPServer, out: Path, base_path: str) -> Site:
    threading.Thread(target=server.serve_forever, daemon=True, name="browser-site").start()
    host, port = server.server_address[:2]
    return Site(out=out, origin=f"http://{host}:{port}", base_path=base_path, server=server)


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    tmp = tmp_path_factory.mktemp("browser-demo")
    out = tmp / "out"
    build_ok(copy_site(ROOT, tmp), out)
    site = _serve(_bind(out, "/"), out, "/")
    yield site
    site.stop()


@pytest.fixture(scope="session")
def sub_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The demo under a sub-path: the port is bound first so base_url can name it."""
    tmp = tmp_path_factory.mktemp("browser-sub")
    out = tmp / "out"
    server = _bind(out, "/sub/")
    port = server.server_address[1]
    build_ok(copy_site(ROOT, tmp), out, base_url=f"http://127.0.0.1:{port}/sub/")
    site = _serve(server, out, "/sub/")
    yield site
    site.stop()


@pytest.fixture(scope="session")
def sharded_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The demo with its search index split into shards as a national site's is (at 20 pages a
    shard instead of 4,000; sitegen/write/search_shards.py)."""
    from sitegen.write import search_shards

    tmp = tmp_path_factory.mktemp("browser-sharded")
    out = tmp / "out"
    size = search_shards.SHARD_PAGES
    search_shards.SHARD_PAGES = 20
    try:
        build_ok(copy_site(ROOT, tmp), out)
    finally:
        search_shards.SHARD_PAGES = size
    site = _serve(_bind(out, "/"), out, "/")
    yield site
    site.stop()


# Valid content that is hard to lay out on a phone: a Latin word and a URL with no break
# opportunity, in the places where the demo only has short Chinese (titles, breadcrumbs, a menu
# entry, a tag, a team, a website, a Markdown table).
LONG_WORD = "Qingnianzhiyuanzhexiehui" * 3
LONG_URL = (
    "https://www.example-volunteer-association-with-a-very-long-domain-name.org.cn/"
    "path/to/some/really/long/resource/index.html"
)


def _lengthen(src: Path) -> None:
    def edit(name: str, *pairs: tuple[str, str]) -> None:
        path = src / name
        text = path.read_text(encoding="utf-8")
        for old, new in pairs:
            assert old in text, (name, old)
            text = text.replace(old, new, 1)
        path.write_text(text, encoding="utf-8")

    table = "| 列一 | 列二 | 列三 | 列四 | 列五 | 列六 |\n  |---|---|---|---|---|---|\n  | " + " | ".join(
        [LONG_WORD] * 2 + ["二〇二三年"] * 4
    ) + " |\n\n"
    edit(
        "content/projects/xihu-jinhui-zhulao.yaml",
        ("title: 西湖区“银龄数字课堂”金晖助老", f"title: 西湖区{LONG_WORD}金晖助老"),
        ("  2023年起增加", f"  参见 {LONG_URL} 与 `{LONG_WORD}{LONG_WORD}`。\n\n  {table}  2023年起增加"),
    )
    edit(
        "content/associations/330106.yaml",
        ("website: https://xihu-cyva.example.org/", f"website: {LONG_URL}"),
        ("  - name: 北山街道青年志愿服务队", f"  - name: 北山街道{LONG_WORD}服务队"),
    )
    edit(
        "content/stories/xihu-yinling-ketang-xuyiming.md",
        ("tags: [金晖助老, 大学生, AI, 社区]", f"tags: [金晖助老, 大学生, AI, 社区, {LONG_WORD}]"),
        ("title: 教奶奶认出“假孙子”", f"title: 教奶奶认出{LONG_WORD}"),
        ("“挂了，打他爸爸电话。”", f"“挂了，打他爸爸电话。”{LONG_URL}"),
    )
    edit("content/pages/about.md", ("title: 关于我们", f"title: 关于{LONG_WORD}"))


@pytest.fixture(scope="session")
def long_words_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The demo with LONG_WORD and LONG_URL written into a project, an association, a story
    (and its tags) and a menu page."""
    tmp = tmp_path_factory.mktemp("browser-long")
    out = tmp / "out"
    src = copy_site(ROOT, tmp)
    _lengthen(src)
    build_ok(src, out)
    site = _serve(_bind(out, "/"), out, "/")
    yield site
    site.stop()


# --- the browser -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    missing = missing_prerequisites()
    if missing:
        pytest.fail(
            "浏览器测试无法运行，缺少：" + "；".join(missing) + "。\n"
            "Browser tests cannot run: install the missing pieces, e.g.\n    " + INSTALL + "\n"
            f"(never `playwright install`: the tests use the system Chromium at {CHROMIUM}, "
            "or the one SITEGEN_CHROMIUM names). "
            "`.ci/run` installs them when missing.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Tab:
    """One page in its own browser context, with everything that went wrong on it recorded."""

    page: Page
    site: Site
    problems: list[str] = field(default_factory=list)
    expected_status: dict[str, int] = field(default_factory=dict)  # url -> status allowed

    def goto(self, path: str, status: int = 200) -> Response:
        url = self.site.url(path)
        self.expected_status[url] = status
        response = self.page.goto(url)
        assert response is not None, url
        assert response.status == status, f"{url}: HTTP {response.status}, expected {status}"
        return response

    def assert_clean(self) -> None:
        assert not self.problems, f"{self.page.url}:\n  " + "\n  ".join(self.problems)

    def overflow(self) -> list[str]:
        """Empty if the page does not scroll sideways; else the widest culprits, for the message."""
        return self.page.evaluate(_OVERFLOW_JS)

    def axe_violations(self, impacts: tuple[str, ...] = ("serious", "critical")) -> list[str]:
        """axe-core's WCAG 2.1 A/AA violations of the given impacts, one readable line per node."""
        self.page.add_script_tag(path=str(AXE))
        violations = self.page.evaluate(
            "async tags => (await axe.run(document, {runOnly: {type: 'tag', values: tags},"
            " resultTypes: ['violations']})).violations",
            AXE_TAGS,
        )
        lines = []
        for violation in violations:
            if violation["impact"] not in impacts:
                continue
            for node in violation["nodes"][:5]:
                summary = " ".join((node.get("failureSummary") or "").split())
                lines.append(
                    f"[{violation['impact']}] {violation['id']}: {violation['help']} "
                    f"at {json.dumps(node['target'])}: {summary} ({node['html'][:160]})"
                )
            if len(violation["nodes"]) > 5:
                lines.append(f"  … and {len(violation['nodes']) - 5} more {violation['id']} nodes")
        return lines

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            location = message.location
            if self._expected_failure(location.get("url", ""), message.text):
                return
            self.problems.append(f"console error: {message.text} ({location.get('url')})")

    def _expected_failure(self, url: str, text: str) -> bool:
        """Chromium logs an expected error status of a page we navigated to (the 404 page)."""
        status = self.expected_status.get(url)
        return status is not None and status >= 400 and f"status of {status}" in text

    def _page_error(self, error: Exception) -> None:
        self.problems.append(f"uncaught exception: {error}")

    def _request(self, request: Request) -> None:
        if not request.url.startswith(self.site.origin) and request.url.split(":")[0] in (
            "http",
            "https",
        ):
            self.problems.append(f"request to another host: {request.url}")

    def _request_failed(self, request: Request) -> None:
        # ERR_ABORTED is the browser cancelling (navigating on before a lazy image or the
        # favicon arrived), not the server failing; HTTP errors are caught in _response.
        if request.url.startswith(self.site.origin) and request.failure != "net::ERR_ABORTED":
            self.problems.append(f"request failed: {request.url} ({request.failure})")

    def _response(self, response: Response) -> None:
        url = response.url
        if not url.startswith(self.site.origin) or response.status < 400:
            return
        if self.expected_status.get(url) == response.status:
            return
        self.problems.append(f"HTTP {response.status}: {url}")


# Empty if the page fits: no sideways scroll, and no box that hides overflow (a card) cutting off
# its text. Otherwise the widest culprits as short selectors, for the failure message.
_OVERFLOW_JS = """() => {
  const doc = document.documentElement, width = window.innerWidth;
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    [...el.classList].map(c => '.' + c).join('');
  const path = el => { const parts = [];
    for (let n = el; n && n !== document.body && parts.length < 4; n = n.parentElement) parts.unshift(name(n));
    return parts.join(' > '); };
  const found = [];
  if (doc.scrollWidth > width) {
    found.push(`scrollWidth ${doc.scrollWidth} > innerWidth ${width}`);
    for (const el of document.body.querySelectorAll('*')) {
      const box = el.getBoundingClientRect();
      if (box.right > width + 0.5 && box.width > 0) found.push(path(el) + ' right=' + Math.round(box.right));
      if (found.length > 8) break;
    }
  }
  for (const el of document.body.querySelectorAll('*')) {
    if (el.scrollWidth <= el.clientWidth + 1 || el.closest('.visually-hidden')) continue;
    if (['hidden', 'clip'].includes(getComputedStyle(el).overflowX))
      found.push(`${path(el)} cuts off its content (${el.scrollWidth} > ${el.clientWidth} px)`);
    if (found.length > 16) break;
  }
  return found;
}"""

OpenTab = Callable[..., Tab]


@pytest.fixture
def open_tab(browser: Browser, demo_site: Site) -> Iterator[OpenTab]:
    """Factory: `open_tab(path, site=demo_site, width=375, height=812, color_scheme="light",
    javascript=True, status=200, scale=1)` opens a fresh context at `path` and returns a Tab."""
    contexts = []

    def open_(
        path: str | None,
        site: Site | None = None,
        width: int = 375,
        height: int = 812,
        color_scheme: str = "light",
        javascript: bool = True,
        status: int = 200,
        scale: float = 1,
    ) -> Tab:
        site = site or demo_site
        context = browser.new_context(
            viewport={"width": width, "height": height},
            device_scale_factor=scale,
            color_scheme=color_scheme,  # type: ignore[arg-type]
            java_script_enabled=javascript,
            locale="zh-CN",
        )
        contexts.append(context)
        context.set_default_timeout(10_000)
        page = context.new_page()
        tab = Tab(page=page, site=site)
        page.on("console", tab._console)
        page.on("pageerror", tab._page_error)
        page.on("request", tab._request)
        page.on("requestfailed", tab._request_failed)
        page.on("response", tab._response)
        if path is not None:
            tab.goto(path, status=status)
        return tab

    yield open_
    for context in contexts:
        context.close()


def decoded_path(url: str) -> str:
    """The path of a URL, percent-decoded (for readable assertions)."""
    return unquote(urlsplit(url).path)
