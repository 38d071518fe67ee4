"""The dev server: serves only OUT, injects the reload script, never drops a save."""

from __future__ import annotations

import http.client
import json
import threading
import time
from pathlib import Path

import pytest

from sitegen.build import build
from sitegen.serve.server import EVENTS_PATH, DevServer
from sitegen.write.writer import work_area
from tests.conftest import ROOT, copy_site

TIMEOUT = 10.0


def _get(server: DevServer, path: str) -> tuple[int, dict[str, str], bytes]:
    host, port = server.httpd.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=5)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


class Events:
    """Reads the server-sent events in a thread and keeps every `state` payload."""

    def __init__(self, server: DevServer) -> None:
        host, port = server.httpd.server_address[:2]
        self.conn = http.client.HTTPConnection(host, port, timeout=TIMEOUT)
        self.conn.request("GET", EVENTS_PATH)
        self.response = self.conn.getresponse()
        assert self.response.headers["Content-Type"].startswith("text/event-stream")
        self.states: list[dict] = []
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        try:
            for raw in self.response:
                line = raw.decode("utf-8").rstrip("\n")
                if line.startswith("data: "):
                    self.states.append(json.loads(line[len("data: "):]))
        except (OSError, ValueError):
            pass

    def wait_for(self, predicate, what: str) -> dict:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            for state in list(self.states):
                if predicate(state):
                    return state
            time.sleep(0.02)
        raise AssertionError(f"no event {what} within {TIMEOUT} s: {self.states}")

    def close(self) -> None:
        self.conn.close()


def _poll(server: DevServer, path: str, *needles: bytes) -> bytes:
    deadline = time.monotonic() + TIMEOUT
    body = b""
    while time.monotonic() < deadline:
        _, _, body = _get(server, path)
        if all(needle in body for needle in needles):
            return body
        time.sleep(0.05)
    raise AssertionError(f"{path} never showed {needles} within {TIMEOUT} s")


@pytest.fixture
def served(tmp_path: Path):
    src = copy_site("small", tmp_path)
    server = DevServer(src, src / "output", "127.0.0.1", 0)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_serves_the_site_under_its_base_path(served: DevServer) -> None:
    assert served.base_path == "/volunteer/"
    assert served.httpd.server_address[0] == "127.0.0.1"
    status, headers, _ = _get(served, "/")
    assert status == 302 and headers["Location"] == "/volunteer/"
    status, headers, body = _get(served, "/volunteer/")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert EVENTS_PATH.encode() in body
    status, headers, _ = _get(served, "/volunteer/projects")
    assert status == 301 and headers["Location"] == "/volunteer/projects/"
    status, headers, _ = _get(served, "/volunteer/feed.xml")
    assert status == 200 and "xml" in headers["Content-Type"]
    assert _get(served, "/volunteer/no-such-page/")[0] == 404
    assert _get(served, "/elsewhere/")[0] == 404


def test_the_script_is_injected_but_not_written(served: DevServer) -> None:
    _, _, body = _get(served, "/volunteer/")
    on_disk = (served.out / "index.html").read_bytes()
    assert EVENTS_PATH.encode() in body
    assert EVENTS_PATH.encode() not in on_disk
    assert body.replace(served.inject(b"</body>")[: -len(b"</body>")], b"", 1) == on_disk
    for path in served.out.rglob("*"):
        if path.is_file():
            assert b"__sitegen" not in path.read_bytes(), path


def test_nothing_outside_out_is_served(served: DevServer, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret", encoding="utf-8")
    (served.out / "escape").symlink_to(tmp_path)  # a symlink pointing out of OUT
    for path in (
        "/volunteer/../secret.txt",
        "/volunteer/../../secret.txt",
        "/volunteer/%2e%2e/secret.txt",
        "/volunteer/%2E%2E/%2e%2e/secret.txt",
        "/volunteer/..%2fsecret.txt",
        "/volunteer/..%5csecret.txt",
        "/volunteer/escape/secret.txt",
        "/volunteer/%00",
    ):
        status, _, body = _get(served, path)
        assert status in (403, 404), path
        assert b"top secret" not in body, path


def test_two_quick_saves_both_show_up(served: DevServer) -> None:
    events = Events(served)
    try:
        first = events.wait_for(lambda s: s["ok"], "initial")["generation"]
        about = served.src / "content" / "pages" / "about.md"
        text = about.read_text(encoding="utf-8")
        about.write_text(text + "\n\n第一次保存EDITONE\n", encoding="utf-8")
        time.sleep(0.3)
        about.write_text(text + "\n\n第一次保存EDITONE\n\n第二次保存EDITTWO\n", encoding="utf-8")
        _poll(served, "/volunteer/about/", b"EDITONE", b"EDITTWO")
        events.wait_for(lambda s: s["ok"] and s["generation"] > first, "reload")
    finally:
        events.close()


def test_a_broken_edit_shows_the_diagnostic_and_keeps_the_old_page(served: DevServer) -> None:
    events = Events(served)
    try:
        events.wait_for(lambda s: s["ok"], "initial")
        project = next((served.src / "content" / "projects").glob("*.yaml"))
        good = project.read_text(encoding="utf-8")
        route = f"/volunteer/projects/{project.stem}/"
        _, _, before = _get(served, route)
        project.write_text(good + "no_such_field: 1\n", encoding="utf-8")
        failed = events.wait_for(lambda s: not s["ok"], "error")
        assert any("unknown-field" in line and project.name in line for line in failed["diagnostics"])
        status, _, during = _get(served, route)
        assert status == 200 and during == before  # the previous output is still served
        seen = len(events.states)
        project.write_text(good + "\n", encoding="utf-8")  # fixed (and changed, so it rebuilds)
        recovered = events.wait_for(lambda s: s["ok"] and s in events.states[seen:], "recovery")
        assert recovered["diagnostics"] == []
    finally:
        events.close()


def test_output_and_cache_changes_do_not_trigger_rebuilds(served: DevServer) -> None:
    assert served._ignored(str(served.out / "index.html"))
    assert served._ignored(str(served.src / ".sitegen-cache" / "cache.sqlite3"))
    assert served._ignored(str(work_area(served.out) / "spare" / "index.html"))  # the writer's spare tree
    assert not served._ignored(str(served.src / "content" / "pages" / "about.md"))
    assert not served._ignored(str(served.src / "sitegen.yaml"))


def test_rebuilds_remake_a_quick_search_index_and_keep_a_slow_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A preview keeps its index current while indexing is quick (the demo: about a second);
    indexing a national site takes seconds a preview should not wait for, and then each rebuild
    that keeps the old index says so."""
    src = copy_site(ROOT, tmp_path)
    server = DevServer(src, tmp_path / "out", "127.0.0.1", 0)
    story = next((src / "content" / "stories").glob("*.md"))
    monkeypatch.setattr("sitegen.serve.server.INDEX_BUDGET", 60.0)  # however busy this machine is
    try:
        first = server.rebuild()
        assert first.ok and first.search_index is not None and not first.search_index.reused
        assert server.searchable and not server.keeps_index
        story.write_text(story.read_text(encoding="utf-8") + "\n新的一段甲。\n", encoding="utf-8")
        again = server.rebuild()
        assert again.ok and again.search_index is not None
        assert not again.search_index.reused and not again.search_index.stale  # remade
        monkeypatch.setattr("sitegen.serve.server.INDEX_BUDGET", 0.0)  # as if indexing were slow
        assert server.keeps_index
        story.write_text(story.read_text(encoding="utf-8") + "\n新的一段乙。\n", encoding="utf-8")
        kept = server.rebuild()
        assert kept.ok and kept.search_index is not None and kept.search_index.reused and kept.search_index.stale
        assert kept.pages - kept.reused >= 1  # the edit itself shows at once
        unchanged = server.rebuild()
        assert unchanged.search_index is not None and unchanged.search_index.stale  # still behind
    finally:
        server.httpd.server_close()
    # `sitegen build` afterwards remakes it, though no page changed since
    rebuilt = build(src, tmp_path / "out")
    assert rebuilt.search_index is not None and not rebuilt.search_index.reused
    assert not (tmp_path / "out/pagefind/sitegen-stale").exists()


def test_config_edits_and_a_new_templates_folder_are_seen(served: DevServer) -> None:
    """SRC is watched one level deep and its input folders recursively (OUT is not watched)."""
    events = Events(served)
    try:
        events.wait_for(lambda s: s["ok"], "initial")
        config = served.src / "sitegen.yaml"
        config.write_text(config.read_text(encoding="utf-8").replace("title: 测试站", "title: 改名站CONFIGEDIT"), encoding="utf-8")
        _poll(served, "/volunteer/", b"CONFIGEDIT")
        page = ROOT / "themes" / "default" / "templates" / "page.html"
        override = served.src / "templates" / "page.html"
        override.parent.mkdir()  # a folder that did not exist when serve started
        time.sleep(0.5)
        marked = lambda mark: page.read_text(encoding="utf-8").replace("{% block content %}", "{% block content %}" + mark)  # noqa: E731
        override.write_text(marked("<!-- OVERRIDDEN -->"), encoding="utf-8")
        _poll(served, "/volunteer/about/", b"OVERRIDDEN")
        override.write_text(marked("<!-- AGAIN -->"), encoding="utf-8")
        _poll(served, "/volunteer/about/", b"AGAIN")  # and it is watched from then on
    finally:
        events.close()


def test_a_crash_of_the_build_is_shown_and_the_builder_keeps_going(served: DevServer, monkeypatch) -> None:
    """A bug in sitegen during a rebuild becomes an `internal` diagnostic in the overlay; the
    builder thread survives and the next save builds again."""
    import sitegen.serve.server as server_module

    events = Events(served)
    real = server_module.build
    monkeypatch.setattr(server_module, "build", lambda *args, **kwargs: (_ for _ in ()).throw(RuntimeError("boom")))
    page = served.src / "content" / "pages" / "about.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n崩溃前的一句。\n", encoding="utf-8")
    state = events.wait_for(lambda s: not s["ok"], "for the crash")
    assert any("[internal]" in line and "boom" in line for line in state["diagnostics"])
    monkeypatch.setattr(server_module, "build", real)
    page.write_text(page.read_text(encoding="utf-8") + "\n恢复后的一句。\n", encoding="utf-8")
    events.wait_for(lambda s: s["ok"] and s["generation"] >= 2, "for the rebuild after the crash")
    assert "恢复后的一句" in (served.out / "about" / "index.html").read_text(encoding="utf-8")
    events.close()


def test_serve_drafts_previews_drafts(tmp_path: Path) -> None:
    src = copy_site("small", tmp_path)
    story = src / "content/stories/draft-one.md"
    story.write_text("---\ntitle: 草稿事迹\ndate: 2021-03-01\ndraft: true\n---\n\n正文。\n", encoding="utf-8")
    plain = DevServer(src, tmp_path / "plain", "127.0.0.1", 0)
    drafts = DevServer(src, tmp_path / "drafts", "127.0.0.1", 0, drafts=True)
    try:
        assert plain.rebuild().ok and not (tmp_path / "plain/stories/draft-one").exists()
        assert drafts.rebuild().ok
        page = (tmp_path / "drafts/stories/draft-one/index.html").read_text(encoding="utf-8")
        assert "草稿事迹" in page and "草稿</span>" in page  # marked as a draft
    finally:
        plain.httpd.server_close()
        drafts.httpd.server_close()
