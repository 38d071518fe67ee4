"""`sitegen new` as an editor meets it: prompts on a terminal, schema modelines, no overwrites."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitegen.cli import authoring, main


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input)


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Behave as if run on a terminal (CliRunner's streams are not TTYs)."""
    monkeypatch.setattr(authoring, "interactive", lambda: True)


def test_records_start_with_the_schema_modeline(small_site: Path) -> None:
    src = str(small_site)
    assert run("new", "association", "330105", "-s", src, "--name", "拱墅区青协").exit_code == 0
    created = run("new", "story", "s-1", "-s", src, "--title", "标题")
    assert created.exit_code == 0, created.output
    assert "sitegen schema" in created.output  # the site has no .schemas/ yet: say how to get them
    association = (small_site / "content/associations/330105.yaml").read_text(encoding="utf-8").splitlines()
    story = (small_site / "content/stories/s-1.md").read_text(encoding="utf-8").splitlines()
    assert association[0] == "# yaml-language-server: $schema=../../.schemas/association.schema.json"
    assert story[:2] == ["---", "# yaml-language-server: $schema=../../.schemas/story.schema.json"]
    assert run("schema", "-s", src).exit_code == 0
    for path, line in ((small_site / "content/associations/330105.yaml", association[0]), (small_site / "content/stories/s-1.md", story[1])):
        assert (path.parent / line.split("$schema=")[1]).is_file()  # relative to the file, as editors read it
    again = run("new", "story", "s-2", "-s", src, "--title", "二")
    assert again.exit_code == 0 and "sitegen schema" not in again.output
    assert run("check", "-s", src).exit_code == 0


def test_association_prompts_for_the_region_and_shows_its_name(small_site: Path, terminal: None) -> None:
    result = run("new", "association", "-s", str(small_site), input="339999\n330105\n\n")
    assert result.exit_code == 0, result.output
    assert "339999" in result.output and "不在" in result.output  # a wrong code is asked again
    assert "浙江省杭州市拱墅区" in result.output
    text = (small_site / "content/associations/330105.yaml").read_text(encoding="utf-8")
    assert 'name: "杭州市拱墅区青年志愿者协会"' in text  # the default offered for the name
    assert run("check", "-s", str(small_site)).exit_code == 0


def test_project_prompts_brand_from_the_list_and_never_overwrites(small_site: Path, terminal: None) -> None:
    answers = ["xihu-jinhui", "new-one", "新项目", "330199", "330106", "zhulao", "jinhui", "一段话"]
    result = run("new", "project", "-s", str(small_site), input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "已存在" in out  # xihu-jinhui exists: asked for another name
    assert "jinhui（金晖助老）" in out  # the brands are listed with their names
    assert "还没有台账文件" in out and "浙江省杭州市西湖区" in out
    assert "不在 sitegen.yaml 的品牌中" in out
    text = (small_site / "content/projects/new-one.yaml").read_text(encoding="utf-8")
    assert "brand: jinhui" in text and 'association: "330106"' in text
    assert run("check", "-s", str(small_site)).exit_code == 0


def test_off_a_terminal_missing_values_are_named(small_site: Path) -> None:
    result = run("new", "association", "-s", str(small_site))
    assert result.exit_code == 2 and "区划代码" in result.output
    story = run("new", "story", "-s", str(small_site))
    assert story.exit_code == 2 and "文件名" in story.output and "--title" in story.output
    wrong = run("new", "project", "p", "-s", str(small_site), "--title", "t", "--association", "330106", "--brand", "zhulao", "--summary", "s")
    assert wrong.exit_code == 2 and "jinhui" in wrong.output
    assert not (small_site / "content/projects/p.yaml").exists()


def test_a_real_terminal_is_asked(small_site: Path) -> None:
    """Through a pseudo-terminal, as an editor types: no monkeypatching."""
    master, slave = os.openpty()
    process = subprocess.Popen(
        [sys.executable, "-c", "from sitegen.cli import main; main()", "new", "association", "-s", str(small_site)],
        stdin=slave, stdout=slave, stderr=slave, close_fds=True,
    )  # fmt: skip
    os.close(slave)
    output = b""
    answers = [b"330105\r", b"\r"]
    deadline = time.monotonic() + 30
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(master, 4096)
                except OSError:  # the child closed the terminal
                    break
                if not chunk:
                    break
                output += chunk
                if answers and output.rstrip().endswith((b":", b"]:")):
                    os.write(master, answers.pop(0))
            elif process.poll() is not None:
                break
        assert process.wait(timeout=10) == 0, output.decode(errors="replace")
    finally:
        os.close(master)
        if process.poll() is None:
            process.kill()
    text = output.decode(errors="replace")
    assert "浙江省杭州市拱墅区" in text
    assert (small_site / "content/associations/330105.yaml").is_file()


def test_a_new_story_is_a_draft_until_the_editor_publishes_it(small_site: Path, tmp_path: Path) -> None:
    """Its placeholder body must not go out with the next build; the editor is told how to
    preview it and how to publish it."""
    from sitegen.build import build

    created = run("new", "story", "s-1", "-s", str(small_site), "--title", "新事迹", "--association", "330106")
    assert created.exit_code == 0, created.output
    assert "草稿" in created.output and "sitegen serve --drafts" in created.output and "删去 draft" in created.output
    text = (small_site / "content/stories/s-1.md").read_text(encoding="utf-8")
    assert "\ndraft: true " in text
    published = build(small_site, tmp_path / "out")
    assert published.ok and not (tmp_path / "out/stories/s-1").exists()
    preview = build(small_site, tmp_path / "preview", include_drafts=True)
    assert preview.ok and (tmp_path / "preview/stories/s-1/index.html").is_file()
    (small_site / "content/stories/s-1.md").write_text(text.replace("\ndraft: true ", "\n# draft: true "), encoding="utf-8")
    assert build(small_site, tmp_path / "out").ok and (tmp_path / "out/stories/s-1/index.html").is_file()
