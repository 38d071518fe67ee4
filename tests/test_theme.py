"""Theme lookup and static files (sitegen/render/theme.py)."""

from __future__ import annotations

import os
from pathlib import Path

from sitegen.render.theme import dev_asset, packaged_theme, static_files, template_dirs


def test_templates_are_looked_up_site_first_then_theme_then_packaged_default(tmp_path: Path) -> None:
    assert template_dirs(tmp_path, "default") == [
        tmp_path / "templates",
        tmp_path / "themes" / "default" / "templates",
        packaged_theme() / "templates",
    ]
    assert template_dirs(tmp_path, "mine") == [tmp_path / "templates", tmp_path / "themes" / "mine" / "templates"]


def test_the_site_static_folder_wins_over_the_theme_and_hidden_files_stay_home(tmp_path: Path) -> None:
    (tmp_path / "static" / "assets").mkdir(parents=True)
    (tmp_path / "static" / "assets" / "site.css").write_text("/* mine */")
    (tmp_path / "static" / ".secret").write_text("x")
    files, problems = static_files(tmp_path, "default")
    assert problems == []
    assert files["assets/site.css"] == tmp_path / "static" / "assets" / "site.css"
    assert files["assets/search.js"] == packaged_theme() / "static" / "assets" / "search.js"
    assert ".secret" not in files


def test_a_symlink_out_of_static_is_refused(tmp_path: Path) -> None:
    (tmp_path / "static").mkdir()
    (tmp_path / "outside.txt").write_text("machine file")
    os.symlink(tmp_path / "outside.txt", tmp_path / "static" / "leak.txt")
    files, problems = static_files(tmp_path, "none")
    assert "leak.txt" not in files
    assert [p.code for p in problems] == ["missing-file"]


def test_the_dev_servers_script_is_a_theme_file_never_published(tmp_path: Path) -> None:
    assert dev_asset("reload.js").is_file()
    files, _ = static_files(tmp_path, "default")
    assert not any(route.startswith("dev/") or route.endswith("reload.js") for route in files)


def test_a_static_file_that_would_overwrite_an_output_or_a_reserved_route_is_left_out(tmp_path: Path) -> None:
    """The rule `sitegen build` and the dev server share (a page's file, not its route, is taken)."""
    from sitegen.render.theme import publishable

    (tmp_path / "static" / "about").mkdir(parents=True)
    (tmp_path / "static" / "about" / "index.html").write_text("shadow")
    (tmp_path / "static" / "pagefind.toml").write_text("x")
    (tmp_path / "static" / "ok.txt").write_text("x")
    reserved = lambda route: "保留" if route == "pagefind.toml" else None  # noqa: E731
    files, problems = publishable(tmp_path, "none", {"about/index.html"}, reserved)
    assert list(files) == ["ok.txt"]
    assert [(p.code, p.message) for p in problems] == [
        ("route-conflict", "静态文件会覆盖网站生成的 /about/index.html，请改名或移到其他目录"),
        ("route-conflict", "保留"),
    ]
