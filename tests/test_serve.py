"""The dev server: the site in memory, pages rendered on request and equal to a clean build's,
only the site's outputs served, the reload script injected, no save dropped, OUT never written."""

from __future__ import annotations

import http.client
import json
import shutil
import threading
import time
from pathlib import Path

import pytest

from sitegen.build import build
from sitegen.serve.resident import Resident
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


def test_pages_are_a_clean_builds_files_with_the_script_and_out_is_never_written(served: DevServer, tmp_path: Path) -> None:
    clean = build(served.src, tmp_path / "clean")
    assert clean.ok
    _, _, body = _get(served, "/volunteer/")
    on_disk = (tmp_path / "clean" / "index.html").read_bytes()
    assert EVENTS_PATH.encode() in body and EVENTS_PATH.encode() not in on_disk
    assert body.replace(served_script(served), b"", 1) == on_disk
    for file in ("feed.xml", "sitemap.xml", "data/projects.json", "assets/site.css"):
        status, _, body = _get(served, "/volunteer/" + file)
        assert status == 200 and body == (tmp_path / "clean" / file).read_bytes(), file
    assert not served.out.exists() and not work_area(served.out).exists()


def served_script(server: DevServer) -> bytes:
    from sitegen.serve.handler import inject

    return inject(b"</body>", server.hub.generation)[: -len(b"</body>")]


def test_nothing_outside_the_site_is_served(served: DevServer, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret", encoding="utf-8")
    served.out.mkdir(parents=True)
    (served.out / "escape").symlink_to(tmp_path)  # a symlink in OUT pointing out of it
    for path in (
        "/volunteer/../secret.txt",
        "/volunteer/../../secret.txt",
        "/volunteer/%2e%2e/secret.txt",
        "/volunteer/%2E%2E/%2e%2e/secret.txt",
        "/volunteer/..%2fsecret.txt",
        "/volunteer/..%5csecret.txt",
        "/volunteer/escape/secret.txt",
        "/volunteer/output/escape/secret.txt",
        "/volunteer/sitegen.yaml",
        "/volunteer/content/pages/about.md",
        "/volunteer/%00",
    ):
        status, _, body = _get(served, path)
        assert status in (403, 404), path
        assert b"top secret" not in body and b"base_url" not in body, path


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


def test_search_uses_the_last_builds_index_and_says_so(tmp_path: Path) -> None:
    """The preview never indexes: the search page and /pagefind/ come from the last `sitegen
    build`, and the page says so (or that there is no index yet)."""
    src = copy_site(ROOT, tmp_path)
    out = src / "output"
    server = DevServer(src, out, "127.0.0.1", 0)
    try:
        assert server.load().ok and server.searchable
        page = server.answer("search/index.html")
        assert isinstance(page, bytes)
        from sitegen.serve.handler import NO_INDEX_NOTICE, locate, search_notice

        assert NO_INDEX_NOTICE.encode() in search_notice(server, page)
        assert locate(server, "/pagefind/pagefind-entry.json")[0] == 404
        assert build(src, out).ok
        noted = search_notice(server, page).decode()
        assert "上次完整构建（sitegen build，" in noted and NO_INDEX_NOTICE not in noted
        status, file = locate(server, "/pagefind/pagefind-entry.json")
        assert status == 200 and server.answer(file) == out / "pagefind" / "pagefind-entry.json"
    finally:
        server.httpd.server_close()


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


def test_a_crash_while_updating_is_shown_and_the_updater_keeps_going(served: DevServer, monkeypatch) -> None:
    """A bug in sitegen during an update becomes an `internal` diagnostic in the overlay; the
    updater thread survives and the next save updates again."""
    events = Events(served)
    real = served.resident.update
    monkeypatch.setattr(served.resident, "update", lambda paths: (_ for _ in ()).throw(RuntimeError("boom")))
    page = served.src / "content" / "pages" / "about.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n崩溃前的一句。\n", encoding="utf-8")
    state = events.wait_for(lambda s: not s["ok"], "for the crash")
    assert any("[internal]" in line and "boom" in line for line in state["diagnostics"])
    monkeypatch.setattr(served.resident, "update", real)
    page.write_text(page.read_text(encoding="utf-8") + "\n恢复后的一句。\n", encoding="utf-8")
    events.wait_for(lambda s: s["ok"] and s["generation"] >= 2, "for the update after the crash")
    _poll(served, "/volunteer/about/", "恢复后的一句".encode())
    events.close()


def test_a_template_mistake_shows_when_its_page_is_asked_for(served: DevServer) -> None:
    events = Events(served)
    try:
        events.wait_for(lambda s: s["ok"], "initial")
        page = ROOT / "themes" / "default" / "templates" / "page.html"
        override = served.src / "templates" / "page.html"
        override.parent.mkdir()
        text = page.read_text(encoding="utf-8")
        override.write_text(text.replace("{% block content %}", "{% block content %}{{ no_such_thing.at_all }}"), encoding="utf-8")
        time.sleep(1.0)  # the folder is watched, the update is done: nothing is rendered yet
        status, _, body = _get(served, "/volunteer/about/")
        assert status == 500 and EVENTS_PATH.encode() in body
        failed = events.wait_for(lambda s: not s["ok"], "the template error")
        assert any("[template]" in line and "page.html" in line for line in failed["diagnostics"])
        override.write_text(text.replace("{% block content %}", "{% block content %}FIXEDTEMPLATE"), encoding="utf-8")
        _poll(served, "/volunteer/about/", b"FIXEDTEMPLATE")
    finally:
        events.close()


def test_serve_drafts_previews_drafts(tmp_path: Path) -> None:
    src = copy_site("small", tmp_path)
    story = src / "content/stories/draft-one.md"
    story.write_text("---\ntitle: 草稿事迹\ndate: 2021-03-01\ndraft: true\n---\n\n正文。\n", encoding="utf-8")
    plain, drafts = Resident(src), Resident(src, include_drafts=True)
    assert plain.start().ok and not plain.has("stories/draft-one/index.html")
    assert drafts.start().ok
    page = drafts.answer("stories/draft-one/index.html")
    assert isinstance(page, bytes)
    assert "草稿事迹" in page.decode() and "草稿</span>" in page.decode()  # marked as a draft


def _outputs(resident: Resident) -> dict[str, bytes]:
    found = {}
    for file in resident.outputs():
        answer = resident.answer(file)
        assert isinstance(answer, bytes | Path), (file, answer)
        found[file] = answer.read_bytes() if isinstance(answer, Path) else answer
    return found


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_every_page_served_after_edits_equals_a_clean_build(tmp_path: Path) -> None:
    """Edits of every kind, each read alone (`update`): every output the resident site answers,
    kept or rendered again, is the file a clean build of the same sources writes."""
    src = copy_site("small", tmp_path)
    resident = Resident(src)
    assert resident.start().ok
    _outputs(resident)  # every page kept: the edits must drop exactly the stale ones
    story = src / "content/stories/story-2.md"
    association = src / "content/associations/330106.yaml"
    about = src / "content/pages/about.md"
    template = src / "templates/story.html"
    edits = [
        (story, lambda: story.write_text(story.read_text(encoding="utf-8").replace("title: ", "title: 改过的", 1), encoding="utf-8")),
        (association, lambda: association.write_text(association.read_text(encoding="utf-8").replace("name: ", "name: 新", 1), encoding="utf-8")),
        (template, lambda: (template.parent.mkdir(exist_ok=True), template.write_text((ROOT / "themes/default/templates/story.html").read_text(encoding="utf-8").replace("{% block content %}", "{% block content %}<p>模板改动</p>"), encoding="utf-8"))),
        (src / "content/stories/new-one.md", lambda: (src / "content/stories/new-one.md").write_text("---\ntitle: 新事迹\ndate: 2024-05-01\ntags: [社区]\n---\n\n新的正文，见[项目](/projects/)。\n", encoding="utf-8")),
        (story, lambda: story.write_text(story.read_text(encoding="utf-8") + "\n正文后加的一段。\n", encoding="utf-8")),  # the body only
        (about, lambda: about.unlink()),
        (src / "static/extra/a.txt", lambda: ((src / "static/extra").mkdir(parents=True, exist_ok=True), (src / "static/extra/a.txt").write_text("一个文件\n", encoding="utf-8"))),
    ]
    for number, (path, edit) in enumerate(edits):
        edit()
        outcome = resident.update([path])
        assert outcome.ok, [d.format_text() for d in outcome.diagnostics]
        clean_src = tmp_path / f"clean-{number}"
        shutil.copytree(src, clean_src, ignore=shutil.ignore_patterns(".sitegen-cache", "output"))
        assert build(clean_src, tmp_path / f"clean-out-{number}").ok
        mine, theirs = _outputs(resident), _tree(tmp_path / f"clean-out-{number}")
        assert mine.keys() == theirs.keys(), sorted(mine.keys() ^ theirs.keys())
        assert [file for file in theirs if mine[file] != theirs[file]] == [], path


def test_a_save_drops_only_the_pages_that_read_what_changed(tmp_path: Path) -> None:
    src = copy_site("small", tmp_path)
    resident = Resident(src)
    assert resident.start().ok
    before = {file: resident.answer(file) for file in ("stories/story-1/index.html", "stories/story-2/index.html", "about/index.html")}
    story = src / "content/stories/story-2.md"
    story.write_text(story.read_text(encoding="utf-8") + "\n追加的一句。\n", encoding="utf-8")
    assert resident.update([story]).ok
    after = {file: resident.answer(file) for file in before}
    assert after["stories/story-1/index.html"] is before["stories/story-1/index.html"]  # kept
    assert after["about/index.html"] is before["about/index.html"]
    assert after["stories/story-2/index.html"] != before["stories/story-2/index.html"]
    assert "追加的一句".encode() in after["stories/story-2/index.html"]


def test_a_body_edit_with_a_mistake_keeps_the_last_good_text(tmp_path: Path) -> None:
    """A save that changes only a story's body keeps the linked site; with an error in it, the
    previous text is still what is served."""
    src = copy_site("small", tmp_path)
    resident = Resident(src)
    assert resident.start().ok
    story = src / "content/stories/story-2.md"
    good = story.read_text(encoding="utf-8")
    page = "stories/story-2/index.html"
    before = resident.answer(page)
    story.write_text(good + "\n见[不存在的页面](/no-such-page/)。\n", encoding="utf-8")
    failed = resident.update([story])
    assert not failed.ok and any(d.code == "broken-link" for d in failed.diagnostics)
    assert resident.answer(page) == before
    story.write_text(good + "\n改好的一段。\n", encoding="utf-8")
    assert resident.update([story]).ok
    assert "改好的一段".encode() in resident.answer(page)
    story.write_text(good, encoding="utf-8")
    assert resident.update([story]).ok and resident.answer(page) == before


def test_links_are_checked_after_the_first_page(tmp_path: Path) -> None:
    """Checking every link of a national site takes seconds: `serve` answers its first page
    first, then reports broken links as it did before."""
    src = copy_site("small", tmp_path)
    story = src / "content/stories/story-2.md"
    story.write_text(story.read_text(encoding="utf-8") + "\n见[不存在的页面](/no-such-page/)。\n", encoding="utf-8")
    server = DevServer(src, src / "output", "127.0.0.1", 0)
    server.start()
    try:
        assert server.resident.links_pending
        events = Events(server)
        assert _get(server, "/volunteer/")[0] == 200
        failed = events.wait_for(lambda s: not s["ok"], "the broken link")
        assert any("broken-link" in line and "story-2.md" in line for line in failed["diagnostics"])
        assert not server.resident.links_pending
        events.close()
    finally:
        server.stop()
