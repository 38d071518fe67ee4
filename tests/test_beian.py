"""Filing numbers (beian): the config, the footer on every page, the `config` warning of `check` about a missing ICP number,
and the block `init` writes (docs/reference.md, 备案号)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml
from conftest import build_ok
from pydantic import ValidationError

from sitegen.authoring.starter import Starter, site_files
from sitegen.build import build, check
from sitegen.domain.divisions import load_divisions
from sitegen.load.beian import Beian, own_domain, province_abbr
from sitegen.load.config import SiteConfig

ICP = "浙ICP备2023012345号-1"
POLICE = "浙公网安备 33010602012345号"
HOST = "共青团杭州市西湖区委员会"
BLOCK = f"beian:\n  icp: {ICP}\n  police: {POLICE}\n  host: {HOST}\n"


def _configure(src: Path, text: str, base_url: str | None = None) -> None:
    config = src / "sitegen.yaml"
    body = config.read_text(encoding="utf-8")
    if base_url:
        body = "\n".join(f"base_url: {base_url}" if line.startswith("base_url:") else line for line in body.splitlines()) + "\n"
    config.write_text(body + text, encoding="utf-8")


@pytest.mark.parametrize("icp", [ICP, "京ICP备12345678号", "粤ICP证030173号", " 浙ICP备2023012345号-12 ", "浙ICP备 2023012345号"])
def test_icp_numbers_as_the_registry_writes_them(icp: str) -> None:
    assert Beian(icp=icp).icp == icp.replace(" ", "")


@pytest.mark.parametrize("icp", ["ICP备2023012345号", "浙ICP2023012345", "浙ICP备号", "AB ICP备12345678号", "浙ICP备2023012345号-"])
def test_malformed_icp_numbers_are_refused_with_an_example(icp: str) -> None:
    with pytest.raises(ValidationError, match="浙ICP备2023012345号-1"):
        Beian(icp=icp)


def test_police_number_links_to_the_mps_site_by_its_digits() -> None:
    filing = Beian(police=POLICE)
    assert filing.police_code == "33010602012345"
    assert filing.police_url == "https://beian.mps.gov.cn/#/query/webSearch?code=33010602012345"
    with pytest.raises(ValidationError, match="公网安备"):
        Beian(police="33010602012345")


@pytest.mark.parametrize(
    ("host", "own"),
    [
        ("xihu-cyva.org.cn", True),
        ("www.zjsqzx.gov.cn", True),
        ("league.example.cn", True),
        ("example.org", False),
        ("www.example.com", False),
        ("org.github.io", False),
        ("group.gitlab.io", False),
        ("site.pages.dev", False),
        ("127.0.0.1", False),
        ("localhost", False),
        ("preview.test", False),
        (None, False),
    ],
)
def test_own_domain(host: str | None, own: bool) -> None:
    assert own_domain(host) is own


def test_province_abbreviations() -> None:
    assert [province_abbr(r) for r in ("330106", "460000", "110101", "650100")] == ["浙", "琼", "京", "新"]


def test_footer_on_every_page_links_the_filing_sites(small_site: Path, tmp_path: Path) -> None:
    _configure(small_site, BLOCK)
    out = tmp_path / "out"
    build_ok(small_site, out)
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert f"主办单位：{HOST}" in html, page
        assert f'<a href="https://beian.miit.gov.cn/" rel="noopener">{ICP}</a>' in html, page
        assert 'href="https://beian.mps.gov.cn/#/query/webSearch?code=33010602012345"' in html, page
        assert '<img src="/volunteer/assets/beian-police.png" alt="" width="16" height="16">' in html, page
    icon = out / "assets/beian-police.png"
    assert icon.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_no_footer_block_without_filing(small_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_ok(small_site, out)
    assert 'class="beian"' not in (out / "index.html").read_text(encoding="utf-8")


def test_host_alone_is_shown(small_site: Path, tmp_path: Path) -> None:
    _configure(small_site, f"beian:\n  host: {HOST}\n")
    out = tmp_path / "out"
    build_ok(small_site, out)
    html = (out / "index.html").read_text(encoding="utf-8")
    assert f"主办单位：{HOST}" in html and "beian.miit.gov.cn" not in html


def _beian_warnings(src: Path) -> list[str]:
    return [d.format_text() for d in check(src).diagnostics if d.code == "config"]


def test_check_warns_when_an_own_domain_has_no_icp_number(small_site: Path) -> None:
    _configure(small_site, "", base_url="https://qzx.xihu.gov.cn/")
    result = check(small_site)
    [warning] = [d for d in result.diagnostics if d.code == "config"]
    assert not warning.is_error and result.ok
    assert (warning.line, warning.column) == (2, 11)  # the base_url value
    assert "qzx.xihu.gov.cn" in warning.message and "beian" in warning.message and "icp" in warning.message


def test_the_warning_points_at_a_beian_block_without_icp(small_site: Path) -> None:
    _configure(small_site, f"beian:\n  host: {HOST}\n", base_url="https://qzx.xihu.gov.cn/")
    [warning] = [d for d in check(small_site).diagnostics if d.code == "config"]
    assert warning.line == 7


@pytest.mark.parametrize("base_url", ["https://example.org/volunteer/", "https://league.github.io/site/"])
def test_no_warning_on_platforms_and_examples(small_site: Path, base_url: str) -> None:
    _configure(small_site, "", base_url=base_url)
    assert _beian_warnings(small_site) == []


def test_no_warning_with_an_icp_number(small_site: Path) -> None:
    _configure(small_site, BLOCK, base_url="https://qzx.xihu.gov.cn/")
    assert _beian_warnings(small_site) == []


def test_build_warns_about_the_url_it_publishes_at(small_site: Path, tmp_path: Path) -> None:
    """`--base-url` (CI passes the Pages URL) decides, not the file's placeholder."""
    assert [d for d in build_ok(small_site, tmp_path / "a").diagnostics if d.code == "config"] == []
    result = build_ok(small_site, tmp_path / "b", base_url="https://www.xihu-qzx.cn/")
    assert [d.code for d in result.diagnostics if d.code == "config"] == ["config"]


def test_malformed_number_is_a_config_error_at_its_value(small_site: Path) -> None:
    _configure(small_site, "beian:\n  icp: 浙ICP 2023012345\n")
    result = check(small_site)
    [problem] = [d for d in result.diagnostics if d.is_error]
    assert (problem.code, problem.line, problem.column) == ("config", 7, 8)
    assert "beian.icp" in problem.message and ICP in problem.message


def test_unknown_key_in_beian_is_an_error(small_site: Path, tmp_path: Path) -> None:
    _configure(small_site, "beian:\n  ipc: x\n")
    result = build(small_site, tmp_path / "out")
    assert [(d.code, d.line) for d in result.diagnostics if d.is_error] == [("config", 7)]
    assert not (tmp_path / "out").exists()


def test_init_writes_the_block_commented_out_and_it_is_valid_when_uncommented() -> None:
    files = site_files(Starter("330106", "西湖区青年志愿者协会", "https://example.org/", "qingzhi-sitegen"), load_divisions(), date(2024, 5, 1))
    text = files["sitegen.yaml"]
    assert "# beian:" in text and "\nbeian:" not in text
    lines = text.splitlines()
    start = lines.index("# beian:")
    block = "\n".join(line[2:] for line in lines[start : start + 4])
    data = yaml.safe_load(text) | yaml.safe_load(block)
    config = SiteConfig(**data)
    assert config.beian.icp == ICP and config.beian.host == HOST
    assert config.beian.police_code == "33010602012345"
