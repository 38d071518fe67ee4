"""The published workbooks (/data/*.xlsx; sitegen.render.spreadsheets, sitegen.render.xlsx),
their cells (sitegen.render.cells), and the pieces that read cells back."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from conftest import copy_site

from sitegen.authoring import cellvalues
from sitegen.build import analyse
from sitegen.domain import ledger
from sitegen.domain.creditcode import check_char
from sitegen.render import cells, opendata

CREDIT = "51330106000000000" + check_char("51330106000000000")  # all digits: Excel's worst case


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    src = copy_site("small", tmp_path_factory.mktemp("xlsx"))
    path = src / "content/associations/330106.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('region: "330106"\n', f'region: "330106"\nserial: QZX-33-0005\ncredit_code: "{CREDIT}"\n')
        .replace("supervisor: 共青团杭州市西湖区委员会", "supervisor: =HYPERLINK(\"http://x\")"),
        encoding="utf-8",
    )
    result = analyse(src)
    assert result.ok and result.site is not None, [d.format_text() for d in result.diagnostics]
    files = opendata.data_files(result.site)
    return {route.removeprefix("data/"): data for route, data in files.items() if route.endswith(".xlsx")}


def _book(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def _column(sheet, header: str) -> int:
    return [c.value for c in sheet[1]].index(header) + 1


def test_every_dataset_has_a_workbook(workbooks: dict[str, bytes]) -> None:
    assert set(workbooks) == {"associations.xlsx", "projects.xlsx", "coverage.xlsx", "evaluation.xlsx"}


def test_codes_are_text_dates_are_dates_header_frozen(workbooks: dict[str, bytes]) -> None:
    sheet = _book(workbooks["associations.xlsx"])["协会"]
    assert [c.value for c in sheet[1]][:3] == ["区划代码", "统一编号", "协会全称"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == "330106")
    region = sheet.cell(row, 1)
    assert region.data_type == "s" and region.number_format == "@"
    credit = sheet.cell(row, _column(sheet, "统一社会信用代码"))
    assert credit.value == CREDIT and credit.number_format == "@"  # 18 digits, never 5.13E+17
    founded = sheet.cell(row, _column(sheet, "成立日期"))
    assert founded.is_date and founded.value == datetime(2020, 12, 31) and founded.number_format == "yyyy-mm-dd"
    assert sheet.cell(row, _column(sheet, "状态")).value == "正常"
    assert sheet.cell(row, _column(sheet, "有章程")).value == "是"
    assert sheet.cell(row, _column(sheet, "注册志愿者人数")).value == 1200
    widths = {letter: sheet.column_dimensions[letter].width for letter in ("A", "C")}
    assert 8 <= widths["A"] < widths["C"] <= 60  # 协会全称 is wider than a 6-digit code


def test_formula_like_text_is_escaped(workbooks: dict[str, bytes]) -> None:
    sheet = _book(workbooks["associations.xlsx"])["协会"]
    supervisors = [sheet.cell(r, _column(sheet, "业务主管单位")).value for r in range(2, sheet.max_row + 1)]
    assert "'=HYPERLINK(\"http://x\")" in supervisors
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)  # no formula anywhere


def test_list_sheets_are_keyed_by_region(workbooks: dict[str, bytes]) -> None:
    book = _book(workbooks["associations.xlsx"])
    teams = book["服务队"]
    assert [c.value for c in teams[1]] == ["区划代码", "协会全称", "队名", "类型", "队员人数"]
    assert ("330106", "杭州市西湖区青年志愿者协会", "北山街道青年志愿服务队", "乡镇街道", 40) in set(teams.iter_rows(min_row=2, values_only=True))
    assert book["词表"].sheet_state == "hidden"


def test_workbooks_are_deterministic(workbooks: dict[str, bytes], tmp_path: Path) -> None:
    src = copy_site("small", tmp_path)
    site = analyse(src).site
    first = opendata.data_files(site, only=["data/associations.xlsx"])["data/associations.xlsx"]
    second = opendata.data_files(site, only=["data/associations.xlsx"])["data/associations.xlsx"]
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2021, 7, 1, 0, 0, 0)}  # the ledger date
        core = archive.read("docProps/core.xml").decode()
    assert "2021-07-01T00:00:00Z" in core and "sitegen" in core


def test_coverage_and_evaluation_workbooks(workbooks: dict[str, bytes]) -> None:
    coverage = _book(workbooks["coverage.xlsx"])
    sheet = coverage["覆盖率"]
    assert [c.value for c in sheet[1]][:6] == ["区划代码", "名称", "层级", "县级单位数", "已建协会数", "覆盖率"]
    assert sheet.cell(2, 3).value == "全国" and sheet.cell(3, 3).value == "省级"
    assert sheet.cell(2, 6).number_format == "0.0%"
    assert coverage["未建协会的县级单位"].max_row > 1
    evaluation = _book(workbooks["evaluation.xlsx"])["建设评估"]
    headers = [c.value for c in evaluation[1]]
    assert headers[:5] == ["区划代码", "协会名称", "所属省份", "状态", "得分"] and "成立登记" in headers


# --- cells -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["=1+1", "+86", "-", "@cmd", "\tx", "\rx", "'=x", "''=x", "'abc", "''x", "abc", "", "'"])
def test_escape_is_reversible_and_inert(text: str) -> None:
    escaped = cells.escape(text)
    assert cells.unescape(escaped) == text
    assert not escaped.startswith(cells.FORMULA_STARTS)


@pytest.mark.parametrize(
    ("raw", "kind", "expected"),
    [
        (43750, ledger.DATE, date(2019, 10, 12)),
        (43750.0, ledger.DATE, date(2019, 10, 12)),
        (datetime(2019, 10, 12, 0, 0), ledger.DATE, date(2019, 10, 12)),
        ("2019/10/12", ledger.DATE, "2019-10-12"),
        ("2019年10月12日", ledger.DATE, "2019-10-12"),
        ("2019.10.12", ledger.DATE, "2019-10-12"),
        ("２０１９－１０－１２", ledger.DATE, "2019-10-12"),
        ("2019-10-12 00:00:00", ledger.DATE, "2019-10-12"),
        (20191012, ledger.DATE, "2019-10-12"),
        ("明年", ledger.DATE, "明年"),  # left for the model to report as in YAML
        (330106, ledger.CODE, "330106"),
        (330106.0, ledger.CODE, "330106"),
        (" ３３０１０６\u3000", ledger.CODE, "330106"),
        ("1,200", ledger.INT, 1200),
        ("１２００ ", ledger.INT, 1200),
        (1200.0, ledger.INT, 1200),
        ("60人", ledger.INT, 60),
        ("12.5", ledger.NUMBER, 12.5),
        ("是", ledger.BOOL, True),
        ("×", ledger.BOOL, False),
        (1, ledger.BOOL, True),
        ("  西湖区青年志愿者协会  ", ledger.TEXT, "西湖区青年志愿者协会"),
        (2024, ledger.TEXT, "2024"),
        ("'=SUM(A1)", ledger.TEXT, "=SUM(A1)"),
        ("", ledger.TEXT, None),
        ("\u3000", ledger.TEXT, None),
        ("第一行\r\n第二行  \r\n", ledger.LONG_TEXT, "第一行\n第二行\n"),
        ("一行\n", ledger.LONG_TEXT, "一行\n"),
        ("一行", ledger.LONG_TEXT, "一行"),
        ("空巢老人、留守儿童，其他", ledger.LIST, ["空巢老人", "留守儿童", "其他"]),
    ],
)
def test_cell_values_as_spreadsheet_programs_leave_them(raw, kind: str, expected) -> None:
    length = 6 if kind == ledger.CODE else None
    assert cellvalues.convert(raw, kind, None, length) == expected


def test_labels_and_values_are_both_understood() -> None:
    assert cellvalues.convert("筹备中", ledger.CHOICE, ledger.STATUS_LABELS) == "preparing"
    assert cellvalues.convert("Preparing", ledger.CHOICE, ledger.STATUS_LABELS) == "preparing"
    assert cellvalues.convert("金晖助老", ledger.CHOICE, {"jinhui": "金晖助老"}) == "jinhui"
    assert cellvalues.convert("金晖助老、local", ledger.LIST, {"jinhui": "金晖助老", "local": "地方特色项目"}) == ["jinhui", "local"]


@pytest.mark.parametrize(("raw", "kind"), [(5.13301e17, ledger.CODE), (2019, ledger.DATE), (1.5, ledger.CODE)])
def test_damage_a_yaml_file_cannot_have_is_explained(raw, kind: str) -> None:
    with pytest.raises(cellvalues.CellProblem):
        cellvalues.convert(raw, kind, None, 18)


def test_headers_of_a_sheet_never_collide() -> None:
    """Every header and alias names one column (or one ignored column) of its sheet."""
    for sheet in ledger.SHEETS:
        names: dict[str, object] = {}
        for column in sheet.all_columns:
            for name in {ledger.normalize_header(n) for n in (column.header, *column.aliases)}:
                assert names.setdefault(name, column) is column, (sheet.name, name)
        for header in sheet.derived:
            assert ledger.normalize_header(header) not in names, (sheet.name, header)


def test_header_notes_and_marks_are_ignored() -> None:
    assert ledger.normalize_header(" 成立日期（YYYY-MM-DD）* ") == "成立日期"
    assert ledger.normalize_header("区划代码(6位)") == "区划代码"
    assert ledger.sheet_named("协会台账") is ledger.ASSOCIATIONS
