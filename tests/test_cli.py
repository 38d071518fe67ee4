"""The command line as a user runs it: exit codes, stdout/stderr, files written or not."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from conftest import INVALID

from sitegen.cli import main


def run(*args: str, cwd: Path | None = None):
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(main, list(args))
    with runner.isolated_filesystem(temp_dir=cwd):
        return runner.invoke(main, list(args))


def test_check_ok_and_failing(small_site: Path) -> None:
    ok = run("check", "-s", str(small_site))
    assert ok.exit_code == 0, ok.output
    bad = run("check", "-s", str(INVALID / "unknown-field"))
    assert bad.exit_code == 1
    assert "error[unknown-field]" in bad.stderr
    assert "330106.yaml:6:5:" in bad.stderr


def test_check_json_goes_to_stdout() -> None:
    result = run("check", "-s", str(INVALID / "invalid-date"), "--format", "json")
    assert result.exit_code == 1
    items = json.loads(result.stdout)
    assert {tuple(sorted(item)) for item in items} == {("code", "column", "file", "line", "message", "severity")}
    assert {(i["line"], i["column"], i["code"]) for i in items} == {(3, 10, "invalid-date"), (5, 11, "invalid-date")}


def test_build_and_quiet(small_site: Path, tmp_path: Path) -> None:
    result = run("build", "-s", str(small_site), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert "已构建" in result.stdout
    quiet = run("build", "-s", str(small_site), "-o", str(tmp_path / "out"), "-q")
    assert quiet.exit_code == 0 and quiet.stdout == ""


def test_build_defaults_to_src_output(small_site: Path) -> None:
    assert run("build", "-s", str(small_site), "-q").exit_code == 0
    assert (small_site / "output/index.html").is_file()


def test_dangerous_out_is_a_usage_error(small_site: Path, tmp_path: Path) -> None:
    for out in ("/", str(Path.home()), str(small_site), str(tmp_path), str(small_site / "content/x")):
        result = run("build", "-s", str(small_site), "-o", out)
        assert result.exit_code == 2, out
    assert run("build", "-s", str(tmp_path / "missing")).exit_code == 2


def test_content_errors_exit_1_without_output(tmp_path: Path) -> None:
    result = run("build", "-s", str(INVALID / "yaml-syntax"), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert not (tmp_path / "out").exists()


def test_missing_config_is_a_content_error(tmp_path: Path) -> None:
    result = run("check", "-s", str(tmp_path))
    assert result.exit_code == 1 and "error[config]" in result.stderr


def test_coverage_formats_match_data_files(small_site: Path, tmp_path: Path) -> None:
    assert run("build", "-s", str(small_site), "-o", str(tmp_path / "out")).exit_code == 0
    as_json = run("coverage", "-s", str(small_site), "--format", "json")
    assert as_json.exit_code == 0
    assert as_json.stdout_bytes == (tmp_path / "out/data/coverage.json").read_bytes()
    as_csv = run("coverage", "-s", str(small_site), "--format", "csv")
    assert as_csv.stdout_bytes == (tmp_path / "out/data/coverage.csv").read_bytes()
    table = run("coverage", "-s", str(small_site))
    assert "浙江省" in table.stdout and "1.1%" in table.stdout  # 1 of 90 counties


def test_coverage_as_of(small_site: Path) -> None:
    result = run("coverage", "-s", str(small_site), "--as-of", "2020-12-31", "--format", "json")
    data = json.loads(result.stdout)
    assert data["as_of"] == "2020-12-31"
    assert next(p for p in data["provinces"] if p["region"] == "330000")["covered"] == 2


def test_coverage_as_of_prints_what_the_site_shows_for_that_date(small_site: Path, tmp_path: Path) -> None:
    import re

    from conftest import copy_site, text_of

    from sitegen.domain.coverage import percent

    (tmp_path / "dated").mkdir()
    dated = copy_site(small_site, tmp_path / "dated")
    config = dated / "sitegen.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "as_of: 2021-12-31\n", encoding="utf-8")
    out = tmp_path / "out"
    assert run("build", "-s", str(dated), "-o", str(out), "-q").exit_code == 0
    for fmt, name in (("csv", "coverage.csv"), ("json", "coverage.json")):
        printed = run("coverage", "-s", str(small_site), "--as-of", "2021-12-31", "--format", fmt)
        assert printed.stdout_bytes == (out / "data" / name).read_bytes(), fmt
    data = json.loads((out / "data/coverage.json").read_text(encoding="utf-8"))
    page = text_of(out / "coverage/index.html")
    table = run("coverage", "-s", str(small_site), "--as-of", "2021-12-31").stdout
    for area in [data["national"] | {"name": "全国"}, *data["provinces"]]:
        shown = percent(area["covered"], area["counties"])
        assert re.search(rf"{area['name']} [\d,]+ [\d,]+ {re.escape(shown)}", page), area["name"]
        row = next(line for line in table.splitlines() if f" {area['name']} " in f" {line} ")
        assert row.split()[2:5] == [str(area["counties"]), str(area["covered"]), shown]
    # Milestones inclusive (西湖 founded on 2020-12-31 counts that day), 滨江 dissolved 2021-01-01.
    zhejiang = next(p for p in data["provinces"] if p["region"] == "330000")
    assert [(p["date"], p["covered"]) for p in zhejiang["series"]] == [
        ("2019-01-01", 1), ("2020-12-31", 2), ("2021-01-01", 1), ("2021-12-31", 1),
    ]  # fmt: skip


def test_serve_refuses_a_missing_source() -> None:
    assert run("serve", "-s", "/no/such/site").exit_code == 2


def test_new_records_pass_check(small_site: Path) -> None:
    src = str(small_site)
    assert run("new", "association", "330105", "-s", src, "--name", "杭州市拱墅区青年志愿者协会").exit_code == 0
    created = run(
        "new", "project", "gongshu-shequ", "-s", src, "--title", "拱墅社区行动",
        "--association", "330105", "--brand", "shequ", "--summary", "社区服务",
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    story = run("new", "story", "gongshu-first", "-s", src, "--title", "第一篇", "--date", "2021-05-01", "--association", "330105", "--project", "gongshu-shequ")
    assert story.exit_code == 0, story.output
    text = (small_site / "content/associations/330105.yaml").read_text(encoding="utf-8")
    assert text.startswith("# ") and 'region: "330105"' in text
    checked = run("check", "-s", src)
    assert checked.exit_code == 0, checked.output


def test_new_never_overwrites_and_names_missing_options(small_site: Path) -> None:
    src = str(small_site)
    before = (small_site / "content/associations/330106.yaml").read_bytes()
    again = run("new", "association", "330106", "-s", src, "--name", "x")
    assert again.exit_code == 2 and "已存在" in again.output
    assert (small_site / "content/associations/330106.yaml").read_bytes() == before
    missing = run("new", "project", "p1", "-s", src, "--title", "t")
    assert missing.exit_code == 2 and "--association" in missing.output and "--summary" in missing.output
    assert run("new", "project", "Bad_Slug", "-s", src).exit_code == 2
    assert run("new", "association", "339999", "-s", src, "--name", "x").exit_code == 2


def test_bad_base_url_is_a_usage_error(small_site: Path, tmp_path: Path) -> None:
    result = run("build", "-s", str(small_site), "-o", str(tmp_path / "out"), "--base-url", "example.org")
    assert result.exit_code == 2 and "--base-url" in result.output


def test_build_summary_counts_written_and_reused_files(small_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = run("build", "-s", str(small_site), "-o", str(out))
    assert first.exit_code == 0, first.output
    assert "沿用 0 个未变的文件" in first.stdout
    assert "\r" not in first.stderr  # no progress line without a terminal
    unchanged = run("build", "-s", str(small_site), "-o", str(out))
    assert "没有变化" in unchanged.stdout and "未写入任何文件" in unchanged.stdout  # the fast path
    (small_site / ".sitegen-cache" / "snapshot.json").unlink()  # without its record: the whole pipeline
    again = run("build", "-s", str(small_site), "-o", str(out))
    files = sum(1 for p in out.rglob("*") if p.is_file())
    assert f"写入 0 个文件，沿用 {files} 个未变的文件" in again.stdout
    pages = sum(1 for p in out.rglob("*.html"))
    assert f"重新渲染 0 个，{pages} 个的内容与模板未变而直接沿用" in again.stdout
    assert again.stdout.count("\n") == 1


def test_progress_line_only_on_a_terminal(small_site: Path, tmp_path: Path, monkeypatch) -> None:
    from sitegen import cli

    drawn: list[str] = []
    monkeypatch.setattr(cli.sys.stderr, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(cli.click, "echo", lambda message="", err=False, nl=True: drawn.append(str(message)))
    cli.main.main(["build", "-s", str(small_site), "-o", str(tmp_path / "out")], standalone_mode=False)
    lines = [m for m in drawn if m.startswith("\r")]
    assert any("渲染页面" in m and "/" in m for m in lines)
    assert lines[-1] == "\r\x1b[K"  # the line is cleared before the summary
    assert drawn[-1].startswith("已构建")
    drawn.clear()
    cli.main.main(["build", "-s", str(small_site), "-o", str(tmp_path / "out"), "-q"], standalone_mode=False)
    assert drawn == []


def test_check_says_which_date_the_figures_are_as_of(small_site: Path) -> None:
    result = run("check", "-s", str(small_site))
    assert "统计日期：各项数字截至 " in result.stderr and "即协会台账中最晚的日期" in result.stderr
