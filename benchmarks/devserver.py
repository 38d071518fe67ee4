"""The dev-server rows, measured through HTTP as a browser would.

- **start**: from launching `sitegen serve` to the first page answered (the site's home page
  returned with status 200 and a whole HTML document);
- **saves**: for each of N saves of one story (a sentence with a unique token appended, the
  file written at once as an editor's save does), from the write to the moment a GET of that
  story's page shows the token, polling every 20 ms; reported as median and 95th percentile.

Nothing here knows how `serve` works inside: a server that rebuilds OUT on every save and one
that keeps the site in memory and renders on demand are measured by the same code. The peak
memory of the server's process tree is kept as for the builds (benchmarks/measure.py).
"""

from __future__ import annotations

import http.client
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from measure import TreeWatch

POLL = 0.02  # seconds between GETs while waiting for a change to show
START_TIMEOUT = 3600.0
SAVE_TIMEOUT = 900.0
GAP = 1.0  # seconds between one save showing and the next save: separate saves, not a burst


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Served:
    """`sitegen serve` on a free loopback port, for the length of a `with` block."""

    def __init__(self, sitegen: list[str], src: Path, base_url: str) -> None:
        self.port = free_port()
        self.base_path = urlsplit(base_url).path or "/"
        started = time.perf_counter()
        self.proc = subprocess.Popen(
            [*sitegen, "serve", "-s", str(src), "--port", str(self.port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        self.watch = TreeWatch(self.proc.pid)
        self.start_seconds = self._until(self.base_path, lambda body: b"</html>" in body, START_TIMEOUT, started)

    def __enter__(self) -> Served:
        return self

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.watch.stop()

    @property
    def rss_mib(self) -> float:
        return self.watch.own / 1024

    def get(self, path: str) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request("GET", path, headers={"Cache-Control": "no-cache"})
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def _until(self, path: str, shown: Callable[[bytes], bool], timeout: float, started: float) -> float:
        """Seconds from `started` until GET `path` answers 200 with a body that `shown`."""
        deadline = started + timeout
        while True:
            if self.proc.poll() is not None:
                raise SystemExit(f"sitegen serve exited ({self.proc.returncode})")
            try:
                status, body = self.get(path)
                if status == 200 and shown(body):
                    return time.perf_counter() - started
            except OSError:
                pass  # not listening yet, or restarting its answer
            if time.perf_counter() > deadline:
                raise SystemExit(f"sitegen serve: {path} did not show the change within {timeout:.0f} s")
            time.sleep(POLL)

    def save_latencies(self, page: str, save: Callable[[], str], saves: int) -> list[float]:
        """Seconds from each save to `page` showing the token that `save` wrote."""
        found = []
        for _ in range(saves):
            time.sleep(GAP)
            started = time.perf_counter()
            token = save().encode("utf-8")
            found.append(self._until(page, lambda body, token=token: token in body, SAVE_TIMEOUT, started))
        return found
