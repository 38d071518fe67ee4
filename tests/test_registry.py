"""The unified serial number and the registry facts (issue 16 parts 3 and 4)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import build_ok, text_of

from sitegen.build import check
from sitegen.cli import main
from sitegen.load.serials import DEFAULT_FORMAT, SerialFormat


def _write(site: Path, region: str, body: str) -> Path:
    path = site / "content" / "associations" / f"{region}.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def _located(site: Path) -> list[str]:
    return [f"{Path(d.path).name}:{d.line}:{d.column}: {d.severity.value}[{d.code}]: {d.message}" for d in check(site).diagnostics]


# --- the serial format -----------------------------------------------------------------------


def test_default_format_numbers_each_province_in_one_series() -> None:
    serial = SerialFormat.parse(DEFAULT_FORMAT)
    assert serial.format("330106", 7) == "QZX-33-0007"
    assert serial.problem("QZX-33-0007", "330106") is None
    assert serial.problem("QZX-33-12345", "330106") is None  # past 9999 the series goes on
    assert "省级代码 46" in serial.problem("QZX-46-0007", "330106")
    assert "不符合本站的编号格式" in serial.problem("QZX330106", "330106")
    assert "从 1 开始" in serial.problem("QZX-33-0000", "330106")
    assert serial.next_free("330106", ["QZX-33-0002", "QZX-33-0009", "QZX-46-0100", "junk"]) == "QZX-33-0010"
    assert serial.next_free("460105", ["QZX-33-0002"]) == "QZX-46-0001"


@pytest.mark.parametrize(
    ("text", "region", "serial"),
    [("{region}", "330106", "330106"), ("ZJ{city}{seq:3}", "330106", "ZJ3301001"), ("{seq:05}", "330106", "00001")],
)
def test_configured_formats(text: str, region: str, serial: str) -> None:
    parsed = SerialFormat.parse(text)
    assert parsed.next_free(region, []) == serial
    assert parsed.problem(serial, region) is None


@pytest.mark.parametrize("text", ["QZX", "{seq}-{seq}", "{county}-{seq}", "{region:3}", "{seq"])
def test_formats_that_cannot_number_are_config_errors(text: str, small_site: Path) -> None:
    config = small_site / "sitegen.yaml"
    config.write_text(config.read_text(encoding="utf-8") + f'serial: {{format: "{text}"}}\n', encoding="utf-8")
    found = _located(small_site)
    assert any("[config]" in line and "serial" in line or "编号格式" in line for line in found), found


def test_serial_is_checked_at_its_value(small_site: Path) -> None:
    path = small_site / "content/associations/330106.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('region: "330106"\n', 'region: "330106"\nserial: QZX-46-0001\n'), encoding="utf-8")
    found = _located(small_site)
    assert any(line.startswith("330106.yaml:2:9: error[invalid-value]") and "省级代码 46" in line for line in found), found


def test_duplicate_serial_names_both_files(small_site: Path) -> None:
    for region in ("330106", "330108"):
        path = small_site / f"content/associations/{region}.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace(f'region: "{region}"\n', f'region: "{region}"\nserial: "QZX-33-0001"\n'), encoding="utf-8")
    found = [line for line in _located(small_site) if "[duplicate-key]" in line]
    assert found == [
        "330108.yaml:2:9: error[duplicate-key]: 统一编号 QZX-33-0001 已由 content/associations/330106.yaml（杭州市西湖区青年志愿者协会）使用，每个协会的编号必须唯一；sitegen new association 会给出下一个可用编号"
    ]


def test_serial_on_the_page_in_the_directory_and_in_data(small_site: Path, tmp_path: Path) -> None:
    path = small_site / "content/associations/330106.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('region: "330106"\n', "region: 330106\nserial: QZX-33-0005\n"), encoding="utf-8")
    out = tmp_path / "out"
    build_ok(small_site, out)
    assert "统一编号 QZX-33-0005" in text_of(out / "associations/330106/index.html")
    assert "QZX-33-0005" in text_of(out / "associations/index.html")
    records = json.loads((out / "data/associations.json").read_text(encoding="utf-8"))
    assert next(r for r in records if r["region"] == "330106")["serial"] == "QZX-33-0005"
    assert ",QZX-33-0005," in (out / "data/associations.csv").read_text(encoding="utf-8-sig")


def test_new_association_proposes_the_next_free_serial(small_site: Path) -> None:
    path = small_site / "content/associations/330108.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('region: "330108"\n', 'region: "330108"\nserial: QZX-33-0041\n'), encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["new", "association", "330127", "-s", str(small_site), "--name", "淳安县青年志愿者协会"])
    assert result.exit_code == 0, result.output
    assert "QZX-33-0042" in result.output
    assert 'serial: "QZX-33-0042"' in (small_site / "content/associations/330127.yaml").read_text(encoding="utf-8")
    taken = runner.invoke(main, ["new", "association", "330182", "-s", str(small_site), "--name", "建德市青年志愿者协会", "--serial", "QZX-33-0042"])
    assert taken.exit_code == 2 and "已被其他协会使用" in taken.output
    assert not (small_site / "content/associations/330182.yaml").exists()
    assert not [line for line in _located(small_site) if "error" in line]


# --- registry facts --------------------------------------------------------------------------

REGISTRATION = """registration:
  authority: 杭州市西湖区民政局
  certificate_from: 2019-01-01
  certificate_until: 2030-12-31
  rating: ＡＡＡＡ
  rating_until: 2021-06-30
  annual_reports:
    - {year: 2020, result: 合格}
    - {year: 2021, result: 已报送, url: "https://example.org/nb/2021"}
  unit_members: 3
  individual_members: 412
  directors: 25
  supervisors: 3
  charter_approved: 2020-11-16
"""


def test_registry_facts_on_the_page_and_in_the_data(small_site: Path, tmp_path: Path) -> None:
    path = small_site / "content/associations/330106.yaml"
    path.write_text(path.read_text(encoding="utf-8") + REGISTRATION, encoding="utf-8")
    out = tmp_path / "out"
    result = build_ok(small_site, out)
    assert str(result.site.as_of) < "2030-12-31"  # a validity end never moves the ledger date
    page = text_of(out / "associations/330106/index.html")
    assert "登记信息" in page and "杭州市西湖区民政局" in page
    assert "4A" in page and "已过期" in page  # the rating ended before the ledger date
    assert "412 人" in page and "理事" in page and "2020年11月16日" in page
    record = next(r for r in json.loads((out / "data/associations.json").read_text(encoding="utf-8")) if r["region"] == "330106")
    assert record["registration"]["rating"] == "4A"
    assert record["registration"]["annual_reports"][1] == {"year": 2021, "result": "已报送", "url": "https://example.org/nb/2021"}
    csv_text = (out / "data/associations.csv").read_text(encoding="utf-8-sig")
    assert "registration_rating" in csv_text and "2020 2021" in csv_text


def test_a_valid_rating_is_not_flagged(small_site: Path, tmp_path: Path) -> None:
    path = small_site / "content/associations/330106.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "registration: {rating: 5A, rating_until: 2026-01-01}\n", encoding="utf-8")
    build_ok(small_site, tmp_path / "out")
    page = text_of(tmp_path / "out/associations/330106/index.html")
    assert "5A" in page and "已过期" not in page


@pytest.mark.parametrize(
    ("block", "code", "at"),
    [
        ("registration: {rating: 6A}\n", "invalid-value", "6A}"),
        ("registration: {rating_until: 2026-01-01}\n", "invalid-value", "2026-01-01}"),
        ("registration: {certificate_from: 2020-01-01, certificate_until: 2019-01-01}\n", "invalid-value", "2019-01-01}"),
        ("registration: {directors: -1}\n", "invalid-value", "-1}"),
        ("registration: {charter_approved: 2020-02-30}\n", "invalid-date", "2020-02-30}"),
        ("registration: {annual_reports: [{year: 2020}, {year: 2020}]}\n", "invalid-value", "2020}]}"),
        ("registration: {rating_grade: 5A}\n", "unknown-field", "rating_grade"),
    ],
)
def test_bad_registry_facts_are_located(small_site: Path, block: str, code: str, at: str) -> None:
    path = small_site / "content/associations/330106.yaml"
    text = path.read_text(encoding="utf-8") + block
    path.write_text(text, encoding="utf-8")
    found = [d for d in check(small_site).diagnostics if Path(d.path).name == "330106.yaml"]
    assert [d.code for d in found] == [code], [d.format_text() for d in found]
    assert found[0].line == len(text.splitlines())
    assert text.splitlines()[-1][found[0].column - 1 :].startswith(at)


def test_credit_code_registered_elsewhere_is_a_warning_naming_both_places(small_site: Path) -> None:
    # 51330102…: a 社会团体 registered in 上城区 (330102), not in 西湖区 (330106) or above
    from sitegen.domain.creditcode import check_char

    path = small_site / "content/associations/330106.yaml"
    path.write_text(path.read_text(encoding="utf-8") + f"credit_code: 51330102MJ0000000{check_char('51330102MJ0000000')}\n", encoding="utf-8")
    found = [d for d in check(small_site).diagnostics if d.code == "credit-code"]
    assert len(found) == 1 and found[0].severity.value == "warning", [d.format_text() for d in found]
    assert "330102（浙江省杭州市上城区）" in found[0].message and "330106（浙江省杭州市西湖区）" in found[0].message


@pytest.mark.parametrize("code", ["51330106MJ0000000X", "51330100MJ0000000Q", "51330000MJ00000000", "51100000MJ0000000C", "91330102MA0000000T"])
def test_credit_code_of_the_region_or_an_ancestor_passes(small_site: Path, code: str) -> None:
    from sitegen.domain.creditcode import check_char

    code = code[:17] + check_char(code[:17])
    path = small_site / "content/associations/330106.yaml"
    path.write_text(path.read_text(encoding="utf-8") + f"credit_code: {code}\n", encoding="utf-8")
    assert not [d.format_text() for d in check(small_site).diagnostics], code
