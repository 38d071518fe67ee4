"""`sitegen serve`: the site in memory, pages rendered on request, open pages reloaded on save.

The site is loaded, validated and linked once (resident.py) and each page rendered when the
browser asks for it; a save reads again only the files saved. Nothing is written to OUT: the
preview of a national ledger answers its first page in seconds instead of after a full build,
and a save shows in about a second instead of after a rebuild of the whole site.

Why watchfiles and a server-sent-events endpoint, not livereload (the design card's first
choice): livereload 2.7.1 *drops* any change that arrives within 3 s of the previous reload
(`DEFAULT_RELOAD_TIME`) and polls every 800 ms without pyinotify, so an editor who saves twice
quickly keeps looking at a stale page. The bar is that every save shows up. Here the watcher
threads collect the paths that changed; the updater thread debounces a burst into one update,
and a save that arrives while an update runs is collected for the next: nothing is dropped.
The browser side is the stdlib `http.server` plus one `EventSource`, no dependency beyond
watchfiles. A site with errors keeps the last good one served and pushes its diagnostics to
the open pages, which show them in an overlay.
"""

from __future__ import annotations

import gc
import json
import queue
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from http.server import ThreadingHTTPServer
from pathlib import Path

import watchfiles

from sitegen.diagnostics import Diagnostic, error
from sitegen.incremental.store import CACHE_DIR
from sitegen.load.records import load_config
from sitegen.serve import handler
from sitegen.serve.handler import EVENTS_PATH, RELOAD_PATH
from sitegen.serve.resident import Outcome, Resident
from sitegen.write.writer import work_area

__all__ = ["EVENTS_PATH", "RELOAD_PATH", "DevServer", "Hub", "Outcome"]

# Folders of SRC whose files are inputs, watched recursively; SRC itself is watched one level
# deep (sitegen.yaml, and these folders appearing).
INPUT_DIRS = ("content", "static", "templates", "themes")

DEBOUNCE = 0.02  # seconds of quiet after the last change before an update starts
LINKS_AFTER = 3.0  # seconds after loading that every link is checked, if no page was asked for


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
    """Serve the site of `src` at http://host:port<base path>, update it on changes in `src`.

    `start()` loads the site and runs everything in daemon threads; `stop()` ends them.
    `report` is called with each Outcome (the CLI prints diagnostics with it). `out` is only
    read: the search index of the last `sitegen build` is served from it.
    """

    def __init__(
        self,
        src: Path,
        out: Path,
        host: str = "127.0.0.1",
        port: int = 8000,
        report: Callable[[Outcome], None] | None = None,
        drafts: bool = False,
        jobs: int = 1,
        freeze: bool = False,
    ) -> None:
        self.src = Path(src).resolve()
        self.drafts = drafts  # show drafts too (sitegen serve --drafts)
        self.out = Path(out).resolve()
        self.report = report or (lambda outcome: None)
        self.freeze = freeze  # a process of its own (the CLI): see `load`
        self.defer_links = False  # `start` checks every link after the first page is answered
        self.answered = threading.Event()  # a page was answered since the site was loaded
        self.resident = Resident(self.src, drafts, jobs)
        self.hub = Hub()
        self.base_path = "/"
        self.searchable = False  # the site has search (config `search`)
        self._stop = threading.Event()
        self._watching: list[Path] = []  # the input folders the recursive watcher covers
        self._rewatch = threading.Event()  # set: the set of input folders changed
        self._dirty = threading.Condition()
        self._paths: set[Path] = set()  # changed since the last update
        self._last_change = 0.0
        self._threads: list[threading.Thread] = []
        self.httpd = ThreadingHTTPServer((host, port), handler.handler(self))
        self.httpd.daemon_threads = True
        self._read_base_path()

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}{self.base_path}"

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    # --- loading and updating ------------------------------------------------------------

    def _read_base_path(self) -> None:
        config = self.resident.config
        if config is None:
            config, _ = load_config(self.src)
        if config is not None:
            self.base_path = config.base_path
            self.searchable = bool(config.search)

    def load(self) -> Outcome:
        """Load the whole site; its outcome goes to the open pages. Never raises."""
        outcome = self._guarded(lambda: self.resident.start(defer_links=self.defer_links))
        if self.freeze:
            # The loaded records live as long as the server: without this, every full pass of
            # Python's cycle collector walks their millions of objects (a second at national
            # scale, in the middle of an update). Replaced records are still freed.
            gc.freeze()
        return outcome

    def update(self, paths: Iterable[Path]) -> Outcome:
        """Read the changed files again; the outcome goes to the open pages. Never raises."""
        changed = set(paths)
        return self._guarded(lambda: self.resident.update(changed))

    def _guarded(self, run: Callable[[], Outcome | None], publish_ok: bool = True) -> Outcome:
        try:
            outcome = run()
            if outcome is None:  # nothing was due
                return Outcome([])
            if not publish_ok and outcome.ok:  # nothing to reload
                self.report(outcome)
                return outcome
        except Exception as exc:  # a bug in sitegen: show it, keep serving
            traceback.print_exc()
            message = f"sitegen 内部错误：{type(exc).__name__}: {exc}。这不是内容问题，请报告给维护者。"
            outcome = Outcome([error(self.src, 1, 1, "internal", message)])
        self._read_base_path()
        self.report(outcome)
        if outcome.ok:
            self.hub.publish(True, [])
        else:
            self.hub.publish(False, [d.format_text() for d in outcome.diagnostics if d.is_error])
        return outcome

    def answer(self, file: str) -> bytes | Path | Diagnostic | None:
        """An output of the site (rendered now, or kept), or a file of the last search index."""
        try:
            found = self.resident.answer(file)
        except Exception as exc:  # a bug in sitegen while rendering: the overlay says so
            traceback.print_exc()
            found = error(self.src, 1, 1, "internal", f"sitegen 内部错误：{type(exc).__name__}: {exc}。这不是内容问题，请报告给维护者。")
        if isinstance(found, Diagnostic):
            self.report(Outcome([found]))
            self.hub.publish(False, [found.format_text()])
        self.answered.set()
        return found if found is not None else handler.index_file(self, file)

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

    def _changed(self, paths: Iterable[Path]) -> None:
        with self._dirty:
            self._paths.update(paths)
            self._last_change = time.monotonic()
            self._dirty.notify_all()

    def _watch(self) -> None:
        """Watch SRC itself (not recursively: the config, folders that appear) and each input
        folder recursively. OUT lives in SRC, and `sitegen build` writes tens of thousands of
        folders into it that the watcher must not follow."""
        default = watchfiles.DefaultFilter()

        def wanted(change: watchfiles.Change, path: str) -> bool:
            return default(change, path) and not self._ignored(path)

        deep = threading.Thread(target=self._watch_inputs, args=(wanted,), daemon=True, name="sitegen-inputs")
        deep.start()
        for changes in watchfiles.watch(
            self.src, watch_filter=wanted, debounce=50, step=20, stop_event=self._stop,
            yield_on_timeout=False, raise_interrupt=False, recursive=False,
        ):
            if self._input_dirs() != self._watching:
                self._rewatch.set()  # an input folder appeared or went: watch the new set
            self._changed(Path(path) for _, path in changes)
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
                # files saved into a new folder before it was watched: read everything again
                threading.Timer(0.5, self._changed, args=([self.src],)).start()
            first = False
            for changes in watchfiles.watch(
                *self._watching, watch_filter=wanted, debounce=50, step=20, stop_event=_AnyOf(self._stop, rewatch),
                rust_timeout=500, yield_on_timeout=False, raise_interrupt=False,
            ):
                self._changed(Path(path) for _, path in changes)

    def _updater(self) -> None:
        loaded = time.monotonic()
        while not self._stop.is_set():
            paths: set[Path] = set()
            with self._dirty:
                while not self._paths and not self._stop.is_set():
                    if self.resident.links_pending and (self.answered.is_set() or time.monotonic() - loaded > LINKS_AFTER):
                        break  # idle, and the first page is out: check every link now
                    self._dirty.wait(0.1)
                if self._stop.is_set():
                    return
                if self._paths:
                    # debounce: wait until the burst has been quiet for DEBOUNCE seconds
                    while (quiet := time.monotonic() - self._last_change) < DEBOUNCE:
                        self._dirty.wait(DEBOUNCE - quiet)
                    paths, self._paths = self._paths, set()  # a save from now on: another update
            if paths:
                self.update(paths)
            else:
                self._guarded(self.resident.check_every_link, publish_ok=False)

    # --- running -------------------------------------------------------------------------

    def start(self) -> None:
        self.defer_links = True
        self.load()
        for target in (self.httpd.serve_forever, self._watch, self._updater):
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
