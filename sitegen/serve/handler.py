"""The HTTP side of `sitegen serve`: request paths to the site's outputs, answered from memory.

Only outputs of the site are served: the request path is decoded, `..` segments are refused,
and what is answered is a page the resident site renders, one of its static files or image
variants, or (with search on) a file of the search index the last `sitegen build` left in
OUT, resolved inside it. The reload script is added to HTML as it is sent, never stored.
"""

from __future__ import annotations

import mimetypes
import queue
import time
from datetime import datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

from sitegen.diagnostics import Diagnostic
from sitegen.link import urls
from sitegen.render.theme import dev_asset
from sitegen.serve.resident import Resident
from sitegen.write import search

EVENTS_PATH = "/__sitegen/events"
RELOAD_PATH = "/__sitegen/reload.js"  # the default theme's dev/reload.js, served, never written
PING = 15.0  # seconds between keep-alive comments on an idle event stream
TEXT_TYPES = ("application/json", "application/javascript", "application/xml")

SEARCH_NOTICE = (
    "预览说明：这里的搜索用的是上次完整构建（sitegen build，{when}）的索引，"
    "之后的修改要再运行一次 sitegen build 才能搜到。"
)
NO_INDEX_NOTICE = "预览说明：还没有搜索索引，这里暂时搜不到内容；运行一次 sitegen build 后，预览中即可搜索（索引不随预览更新）。"


class Hub(Protocol):
    generation: int

    def subscribe(self) -> tuple[queue.Queue[str], str]: ...

    def unsubscribe(self, client: queue.Queue[str]) -> None: ...


class DevServer(Protocol):
    """What the handler needs of the server (server.py)."""

    base_path: str
    out: Path
    resident: Resident
    hub: Hub

    @property
    def stopping(self) -> bool: ...

    def answer(self, file: str) -> bytes | Path | Diagnostic | None: ...


def locate(server: DevServer, raw_path: str) -> tuple[HTTPStatus, str | None]:
    """Map a request path to (200, output file), (301/302, location) or (403/404, None)."""
    path = urlsplit(raw_path).path
    base = server.base_path
    if not path.startswith(base):
        if path in ("/", "") or path + "/" == base:
            return HTTPStatus.FOUND, base
        return HTTPStatus.NOT_FOUND, None
    decoded = unquote(path[len(base):])
    parts = [part for part in decoded.split("/") if part not in ("", ".")]
    if "\x00" in decoded or "\\" in decoded or ".." in parts:
        return HTTPStatus.FORBIDDEN, None
    rel = "/".join(parts)
    if not parts or path.endswith("/"):
        file = urls.output_file(f"{rel}/" if rel else "")
        return (HTTPStatus.OK, file) if _exists(server, file) else (HTTPStatus.NOT_FOUND, None)
    if _exists(server, rel):
        return HTTPStatus.OK, rel
    if _exists(server, urls.output_file(rel + "/")):
        return HTTPStatus.MOVED_PERMANENTLY, path + "/"
    return HTTPStatus.NOT_FOUND, None


def _exists(server: DevServer, file: str) -> bool:
    return server.resident.has(file) or index_file(server, file) is not None


def index_file(server: DevServer, file: str) -> Path | None:
    """A file of the search index of the last full build (OUT/pagefind/), if the site has
    search and the file is there, inside that folder (symlinks followed)."""
    config = server.resident.config
    if config is None or not config.search or file.split("/", 1)[0] != search.BUNDLE:
        return None
    root = server.out / search.BUNDLE
    try:
        found = (server.out / file).resolve()
        inside = found.is_relative_to(root.resolve())
    except (OSError, RuntimeError):
        return None
    return found if inside and found.is_file() else None


def search_notice(server: DevServer, html: bytes) -> bytes:
    """The search page in a preview says whose index it searches."""
    entry = server.out / search.BUNDLE / "pagefind-entry.json"
    try:
        when = datetime.fromtimestamp(entry.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
        text = SEARCH_NOTICE.format(when=when)
    except OSError:
        text = NO_INDEX_NOTICE
    note = f'<p class="note sitegen-dev-notice" role="note">{text}</p>\n'.encode()
    at = html.find(b'<div id="search"')
    if at < 0:
        at = html.find(b">", html.find(b"<body")) + 1
    return html[:at] + note + html[at:]


def inject(html: bytes, generation: int) -> bytes:
    """Add the reload script (before </body>) to a page as it is served."""
    script = f'<script src="{RELOAD_PATH}" data-generation="{generation}" data-events="{EVENTS_PATH}"></script>\n'
    data = script.encode("utf-8")
    index = html.rfind(b"</body>")
    return html[:index] + data + html[index:] if index >= 0 else html + data


def handler(server: DevServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "sitegen-serve"

        def log_message(self, format: str, *args) -> None:  # noqa: A002 - stdlib signature
            pass  # quiet: the terminal shows loads and errors, not every request

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
            generation = server.hub.generation  # before answering: a later one reloads the page
            status, file = locate(server, self.path)
            if status in (HTTPStatus.FOUND, HTTPStatus.MOVED_PERMANENTLY):
                self._send(status, b"", "text/plain; charset=utf-8", head, {"Location": str(file)})
                return
            if status != HTTPStatus.OK or file is None:
                file = urls.NOT_FOUND if server.resident.has(urls.NOT_FOUND) else None
            found = server.answer(file) if file is not None else None
            if isinstance(found, Diagnostic) or found is None:
                failed = HTTPStatus.INTERNAL_SERVER_ERROR if found is not None else status
                if failed == HTTPStatus.OK:
                    failed = HTTPStatus.SERVICE_UNAVAILABLE  # no site loaded yet: its errors show
                body = f"<!doctype html><title>{failed.value}</title><body><h1>{failed.value} {failed.phrase}</h1></body>".encode()
                self._send(failed, inject(body, generation), "text/html; charset=utf-8", head)
                return
            assert file is not None
            try:
                body = found.read_bytes() if isinstance(found, Path) else found
            except OSError:  # a static file deleted since the site was loaded
                self._send(HTTPStatus.NOT_FOUND, b"not found", "text/plain; charset=utf-8", head)
                return
            content_type = mimetypes.guess_type(file.rsplit("/", 1)[-1])[0] or "application/octet-stream"
            if content_type == "text/html":
                if file == urls.output_file(urls.SEARCH):
                    body = search_notice(server, body)
                body = inject(body, generation)
            if content_type.startswith("text/") or content_type in TEXT_TYPES:
                content_type += "; charset=utf-8"
            self._send(status, body, content_type, head)

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
                while not server.stopping:
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
