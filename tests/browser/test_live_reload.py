"""`sitegen serve` in a browser: a broken save shows the overlay, the fix reloads the page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import copy_site

from sitegen.serve.server import EVENTS_PATH, DevServer

from .conftest import OpenTab, Site
from .test_pages import PHONE


@pytest.fixture
def dev_server(tmp_path: Path) -> Iterator[DevServer]:
    src = copy_site("small", tmp_path)
    server = DevServer(src, src / "output", "127.0.0.1", 0)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_error_overlay_appears_and_the_fix_reloads(open_tab: OpenTab, dev_server: DevServer) -> None:
    host, port = dev_server.httpd.server_address[:2]
    site = Site(dev_server.out, f"http://{host}:{port}", dev_server.base_path, dev_server.httpd)
    tab = open_tab(None, site=site, **PHONE)
    with tab.page.expect_request(lambda request: EVENTS_PATH in request.url):
        tab.goto("about/")
    overlay = tab.page.locator("#sitegen-error")

    project = next((dev_server.src / "content" / "projects").glob("*.yaml"))
    good = project.read_text(encoding="utf-8")
    project.write_text(good + "no_such_field: 1\n", encoding="utf-8")
    overlay.wait_for(timeout=10_000)
    text = overlay.inner_text()
    assert "构建失败" in text and project.name in text and "unknown-field" in text, text
    assert overlay.get_attribute("role") == "alert"

    about = dev_server.src / "content" / "pages" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\n\n修改后的内容EDITFIXED\n", encoding="utf-8")
    project.write_text(good, encoding="utf-8")
    tab.page.wait_for_function("document.body.textContent.includes('EDITFIXED')", timeout=10_000)
    assert overlay.count() == 0
    tab.assert_clean()
