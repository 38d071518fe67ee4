"""`sitegen serve`: build, serve OUT on loopback, watch SRC, rebuild, reload the open pages.

Why watchfiles and a server-sent-events endpoint, not livereload (the design card's first
choice): livereload 2.7.1 *drops* any change that arrives within 3 s of the previous reload
(`DEFAULT_RELOAD_TIME`) and polls every 800 ms without pyinotify, so an editor who saves twice
quickly keeps looking at a stale page. The bar is that every save
shows up. Here the watcher thread only marks the site dirty; the builder thread debounces a
burst into one rebuild, and a save that arrives while a rebuild runs marks the site dirty again,
so another rebuild follows: nothing is dropped. The browser side is the stdlib
`http.server` plus one `EventSource`, no dependency beyond watchfiles.

serve stays thin: it calls the same `build()` as `sitegen build`, into the
same OUT, atomically. The reload script is added to HTML responses as they are served, never
written to OUT, so the built site is identical to `sitegen build`'s. A failed build leaves the
previous output in place (the writer guarantees it) and pushes its diagnostics to the open
pages, which show them in an overlay.

Only files under OUT are served: the request path is decoded, `..` segments are refused, and
the resolved target (symlinks followed) must lie inside OUT.
"""

from __future__ import annotations

import json
import mimetypes
import queue
import sys
import threading
import time
import traceback
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import watchfiles

from sitegen.build import BuildResult, build
from sitegen.diagnostics import error, shown
from sitegen.incremental.store import CACHE_DIR
from sitegen.load.records import load_config
from sitegen.render.theme import dev_asset
from sitegen.write.writer import work_area

EVENTS_PATH = "/__sitegen/events"
# Folders of SRC whose files are inputs, watched recursively; SRC itself is watched one level
# deep (sitegen.yaml, and these folders appearing).
INPUT_DIRS = ("content", "static", "templates", "themes")

DEBOUNCE = 0.1  # seconds of quiet after the last change before a rebuild starts
PING = 15.0  # seconds between keep-alive comments on an idle event stream
INDEX_BUDGET = 3.0  # seconds: a search index that takes longer is kept, not remade, on rebuilds

RELOAD_PATH = "/__sitegen/reload.js"  # the default theme's dev/reload.js, served, never written
MAX_URL = 2048  # characters of a request target; longer ones are answered 414
GONE = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError)


class Hub:
    """The build state and the open event streams that want to hear about it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._clients: list[queue.Queue[str]] = []
        self.generation = 0  # successful builds so far
        self.state: dict = {"ok": True, "generation": 0, "diagnostics": []}

    def publish(self, ok: bool, diagnostics: list[str]) -> None:
        with self._lock:
            if ok:
                self.generation += 1
            self.state = {"ok": ok, "generation": self.generation, "diagnostics": diagnostics}
            message = _event(self.state)
            for client in self._clients:
                client.put(message)

    def subscribe(self) -> tuple[queue.Queue[str], str]:
        with self._lock:
            client: queue.Queue[str] = queue.Queue()
            self._clients.append(client)
            return client, _event(self.state)

    def unsubscribe(self, client: queue.Queue[str]) -> None:
        with self._lock:
            if client in self._clients:
                self._clients.remove(client)


def _event(state: dict) -> str:
    return f"event: state\ndata: {json.dumps(state, ensure_ascii=False)}\n\n"


class _AnyOf:
    """Set when any of the events is (watchfiles polls `is_set()` to know when to stop)."""

    def __init__(self, *events: threading.Event) -> None:
        self.events = events

    def is_set(self) -> bool:
        return any(event.is_set() for event in self.events)


class DevServer:
    """Build into `out`, serve it at http://host:port<base path>, rebuild on changes in `src`.

    `start()` runs everything in daemon threads and returns; `stop()` ends them. `report` is
    called with each BuildResult (the CLI prints diagnostics with it).
    """

    def __init__(
        self,
        src: Path,
        out: Path,
        host: str = "127.0.0.1",
        port: int = 8000,
        report: Callable[[BuildResult], None] | None = None,
        drafts: bool = False,
    ) -> None:
        self.src = Path(src).resolve()
        self.drafts = drafts  # build drafts too (sitegen serve --drafts)
        self.out = Path(out).resolve()
        self.report = report or (lambda result: None)
        self._built_once = False
        self._index_seconds = 0.0  # how long the last search index took to make
        self.hub = Hub()
        self.base_path = "/"
        self.searchable = False  # the site has search (config `search`)
        self._stop = threading.Event()
        self._watching: list[Path] = []  # the input folders the recursive watcher covers
        self._rewatch = threading.Event()  # set: the set of input folders changed
        self._dirty = threading.Condition()
        self._pending = False
        self._last_change = 0.0
        self._threads: list[threading.Thread] = []
        self.httpd = ThreadingHTTPServer((host, port), _handler(self))
        self.httpd.daemon_threads = True
        self._read_base_path()

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}{self.base_path}"

    @property
    def keeps_index(self) -> bool:
        """Whether the next rebuild keeps the search index it has instead of remaking it: once
        making one has taken longer than INDEX_BUDGET (a national site), a preview does not wait
        for it, and each such rebuild says so (BuildResult.search_index.stale)."""
        return self._built_once and self._index_seconds > INDEX_BUDGET

    # --- building ------------------------------------------------------------------------

    def _read_base_path(self) -> None:
        config, _ = load_config(self.src)
        if config is not None:
            self.base_path = config.base_path
            self.searchable = bool(config.search)

    def rebuild(self) -> BuildResult:
        """One build; its outcome goes to the open pages. Never raises."""
        self._read_base_path()
        try:
            result = build(self.src, self.out, include_drafts=self.drafts, keep_index=self.keeps_index)
            self._built_once = self._built_once or result.ok
            index = result.search_index
            if index is not None and not index.reused:
                self._index_seconds = index.seconds
        except Exception as exc:  # a bug in sitegen: show it, keep serving
            traceback.print_exc()
            message = f"sitegen 内部错误：{type(exc).__name__}: {exc}。这不是内容问题，请报告给维护者。"
            result = BuildResult(diagnostics=[error(self.src, 1, 1, "internal", message)])
        self.report(result)
        if result.ok:
            self.hub.publish(True, [])
        else:
            self.hub.publish(False, [d.format_text() for d in result.diagnostics])
        return result

    def _ignored(self, path: str) -> bool:
        p = Path(path)
        if p == self.out or p.is_relative_to(self.out):
            return True
        if (self.src / CACHE_DIR) in p.parents or p.name == CACHE_DIR:
            return True
        area = work_area(self.out)  # the writer's spare tree beside OUT
        return p == area or p.is_relative_to(area)

    def _input_dirs(self) -> list[Path]:
        return [path for path in (self.src / name for name in INPUT_DIRS) if path.is_dir()]

    def _changed(self) -> None:
        with self._dirty:
            self._pending = True
            self._last_change = time.monotonic()
            self._dirty.notify_all()

    def _watch(self) -> None:
        """Watch SRC itself (not recursively: the config, folders that appear) and each input
        folder recursively. OUT lives in SRC, and watching it recursively would have the
        watcher follow the tens of thousands of folders every build writes."""
        default = watchfiles.DefaultFilter()

        def wanted(change: watchfiles.Change, path: str) -> bool:
            return default(change, path) and not self._ignored(path)

        deep = threading.Thread(target=self._watch_inputs, args=(wanted,), daemon=True, name="sitegen-inputs")
        deep.start()
        for _changes in watchfiles.watch(
            self.src, watch_filter=wanted, debounce=50, step=20, stop_event=self._stop,
            yield_on_timeout=False, raise_interrupt=False, recursive=False,
        ):
            if self._input_dirs() != self._watching:
                self._rewatch.set()  # an input folder appeared or went: watch the new set
            self._changed()
        deep.join(timeout=5)

    def _watch_inputs(self, wanted: Callable[[watchfiles.Change, str], bool]) -> None:
        first = True
        while not self._stop.is_set():
            rewatch = self._rewatch = threading.Event()
            self._watching = self._input_dirs()
            if not self._watching:
                rewatch.wait(0.5)
                continue
            if not first:
                # files saved into a new folder before it was watched: build once more
                threading.Timer(0.5, self._changed).start()
            first = False
            for _changes in watchfiles.watch(
                *self._watching, watch_filter=wanted, debounce=50, step=20, stop_event=_AnyOf(self._stop, rewatch),
                rust_timeout=500, yield_on_timeout=False, raise_interrupt=False,
            ):
                self._changed()

    def _builder(self) -> None:
        while not self._stop.is_set():
            with self._dirty:
                while not self._pending and not self._stop.is_set():
                    self._dirty.wait(0.5)
                if self._stop.is_set():
                    return
                # debounce: wait until the burst has been quiet for DEBOUNCE seconds
                while (quiet := time.monotonic() - self._last_change) < DEBOUNCE:
                    self._dirty.wait(DEBOUNCE - quiet)
                self._pending = False  # a save from now on schedules another rebuild
            self.rebuild()

    # --- running -------------------------------------------------------------------------

    def start(self) -> None:
        self.rebuild()
        for target in (self.httpd.serve_forever, self._watch, self._builder):
            thread = threading.Thread(target=target, daemon=True, name=f"sitegen-{target.__name__}")
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        with self._dirty:
            self._dirty.notify_all()
        self.httpd.shutdown()
        self.httpd.server_close()
        for thread in self._threads:
            thread.join(timeout=5)

    def serve_forever(self) -> None:
        self.start()
        try:
            while not self._stop.wait(3600):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    # --- serving -------------------------------------------------------------------------

    def locate(self, raw_path: str) -> tuple[HTTPStatus, Path | str | None]:
        """Map a request path to (200, file), (301/302, location) or (403/404/414, None).
        Every path gets a status: one the file system cannot even look up (a name over 255
        bytes, a loop of links) does not exist."""
        if len(raw_path) > MAX_URL:
            return HTTPStatus.REQUEST_URI_TOO_LONG, None
        try:
            return self._locate(raw_path)
        except (OSError, ValueError, RuntimeError):
            return HTTPStatus.NOT_FOUND, None

    def _locate(self, raw_path: str) -> tuple[HTTPStatus, Path | str | None]:
        path = urlsplit(raw_path).path
        base = self.base_path
        if not path.startswith(base):
            if path in ("/", "") or path + "/" == base:
                return HTTPStatus.FOUND, base
            return HTTPStatus.NOT_FOUND, None
        decoded = unquote(path[len(base):])
        parts = [part for part in decoded.split("/") if part not in ("", ".")]
        if "\x00" in decoded or "\\" in decoded or ".." in parts:
            return HTTPStatus.FORBIDDEN, None
        root = self.out
        target = root.joinpath(*parts)
        try:
            resolved = target.resolve()
        except (OSError, RuntimeError):
            return HTTPStatus.NOT_FOUND, None
        if not resolved.is_relative_to(root):
            return HTTPStatus.FORBIDDEN, None
        if resolved.is_dir():
            if not path.endswith("/"):
                return HTTPStatus.MOVED_PERMANENTLY, path + "/"
            resolved = resolved / "index.html"
            if not resolved.resolve().is_relative_to(root):
                return HTTPStatus.FORBIDDEN, None
        if not resolved.is_file():
            return HTTPStatus.NOT_FOUND, None
        return HTTPStatus.OK, resolved

    def inject(self, html: bytes) -> bytes:
        """Add the reload script (before </body>) to a page as it is served."""
        script = f'<script src="{RELOAD_PATH}" data-generation="{self.hub.generation}" data-events="{EVENTS_PATH}"></script>\n'
        data = script.encode("utf-8")
        index = html.rfind(b"</body>")
        return html[:index] + data + html[index:] if index >= 0 else html + data


def shown_path(path: str) -> str:
    """A request path for the terminal: at most 80 characters, nothing that acts on it."""
    return shown(path if len(path) <= 80 else path[:77] + "…")


def _handler(server: DevServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "sitegen-serve"

        def log_message(self, format: str, *args) -> None:  # noqa: A002 - stdlib signature
            pass  # quiet: the terminal shows builds, not every request

        def handle(self) -> None:
            """A browser that goes away mid-answer (a cancelled download, a closed tab) is
            normal: one calm line, no traceback."""
            try:
                super().handle()
            except GONE:
                where = shown_path(getattr(self, "path", ""))
                sys.stderr.write(f"浏览器在传输完成前断开了连接（{where}），已停止发送。\n")
                self.close_connection = True

        def do_HEAD(self) -> None:
            self._respond(head=True)

        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            if path == EVENTS_PATH:
                self._events()
            elif path == RELOAD_PATH:
                self._send(HTTPStatus.OK, dev_asset("reload.js").read_bytes(), "text/javascript; charset=utf-8", head=False)
            else:
                self._respond(head=False)

        def _send(self, status: HTTPStatus, body: bytes, content_type: str, head: bool, extra: dict | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            self.end_headers()
            if not head:
                self.wfile.write(body)

        def _respond(self, head: bool) -> None:
            status, found = server.locate(self.path)
            if status in (HTTPStatus.FOUND, HTTPStatus.MOVED_PERMANENTLY):
                self._send(status, b"", "text/plain; charset=utf-8", head, {"Location": str(found)})
                return
            if status != HTTPStatus.OK:
                page = server.out / "404.html"
                if page.is_file():
                    body = server.inject(page.read_bytes())
                    self._send(status, body, "text/html; charset=utf-8", head)
                else:
                    body = server.inject(f"<!doctype html><title>{status.value}</title><body><h1>{status.value} {status.phrase}</h1></body>".encode())
                    self._send(status, body, "text/html; charset=utf-8", head)
                return
            assert isinstance(found, Path)
            try:
                body = found.read_bytes()
            except OSError:  # swapped away by a rebuild between resolve and read
                self._send(HTTPStatus.NOT_FOUND, b"not found", "text/plain; charset=utf-8", head)
                return
            content_type = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
            if content_type == "text/html":
                body = server.inject(body)
            if content_type.startswith("text/") or content_type in ("application/json", "application/javascript", "application/xml"):
                content_type += "; charset=utf-8"
            self._send(HTTPStatus.OK, body, content_type, head)

        def _events(self) -> None:
            client, current = server.hub.subscribe()
            try:
                self.send_response(HTTPStatus.OK)
                self.send_header("Content-Type", "text/event-stream; charset=utf-8")
                self.send_header("Cache-Control", "no-store")
                self.send_header("Connection", "close")
                self.end_headers()
                self.close_connection = True
                self.wfile.write(b"retry: 500\n\n" + current.encode("utf-8"))
                self.wfile.flush()
                quiet_since = time.monotonic()
                while not server._stop.is_set():
                    try:
                        message = client.get(timeout=0.5)
                    except queue.Empty:
                        if time.monotonic() - quiet_since < PING:
                            continue
                        message = ": ping\n\n"  # notices a closed page, keeps proxies open
                    self.wfile.write(message.encode("utf-8"))
                    self.wfile.flush()
                    quiet_since = time.monotonic()
            except (BrokenPipeError, ConnectionResetError, OSError):
                pass
            finally:
                server.hub.unsubscribe(client)

    return Handler

