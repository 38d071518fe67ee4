"""Run a real Nginx on loopback with a server block sitegen generated (tests/test_hosting.py)."""

from __future__ import annotations

import contextlib
import gzip
import http.client
import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve(server_block: Path, www: Path, work: Path) -> Iterator[Callable[..., Response]]:
    """Serve `www` with `server_block` (its root and listen address changed), yield a GET."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    port = _free_port()
    work.mkdir(parents=True, exist_ok=True)
    block = server_block.read_text(encoding="utf-8")
    block = re.sub(r"^(\s*)listen 80;", rf"\1listen 127.0.0.1:{port};", block, flags=re.M)
    block = re.sub(r"^(\s*)root \S+;", rf"\1root {www};", block, count=1, flags=re.M)
    (work / "site.conf").write_text(block, encoding="utf-8")
    temps = "".join(f"    {kind}_temp_path {work}/{kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must read the test's private temp folder
    (work / "nginx.conf").write_text(
        f"{user}pid {work}/nginx.pid;\nerror_log {work}/error.log;\nevents {{}}\n"
        f"http {{\n    include /etc/nginx/mime.types;\n    access_log off;\n{temps}    include {work}/site.conf;\n}}\n",
        encoding="utf-8",
    )
    checked = subprocess.run([nginx, "-t", "-p", str(work), "-e", str(work / "error.log"), "-c", str(work / "nginx.conf")], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen([nginx, "-p", str(work), "-e", str(work / "error.log"), "-c", str(work / "nginx.conf"), "-g", "daemon off;"], stderr=subprocess.PIPE)
    try:
        for _ in range(100):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
            time.sleep(0.05)

        def get(path: str, gzip_ok: bool = False, **kwargs: bool) -> Response:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            headers = {"Host": "www.example.org"}
            if gzip_ok or kwargs.get("gzip"):
                headers["Accept-Encoding"] = "gzip"
            connection.request("GET", path, headers=headers)
            reply = connection.getresponse()
            body = reply.read()
            found = {k: v for k, v in reply.getheaders()}
            if found.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            connection.close()
            return Response(reply.status, found, body)

        yield get
    finally:
        process.terminate()
        process.wait(timeout=10)
