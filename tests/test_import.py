"""`sitegen import`: ledger workbooks (and CSV) into YAML, with located diagnostics per cell."""

from __future__ import annotations

import io
import json
import shutil
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import ROOT, copy_site

from sitegen.authoring import changes
from sitegen.authoring.ledger_import import plan_import
from sitegen.build import analyse
from sitegen.cli import main
from sitegen.render import opendata


def _data(src: Path, name: str) -> bytes:
    site = analyse(src).site
    assert site is not None
    route = f"data/{name}"
    return opendata.data_files(site, only=[route])[route]


def _empty_site(tmp_path: Path, like: Path = ROOT, static: bool = False) -> Path:
    site = tmp_path / "empty"
    site.mkdir()
    shutil.copy(like / "sitegen.yaml", site / "sitegen.yaml")
    if static:
        shutil.copytree(like / "static", site / "static")
    return site


def _import(src: Path, workbook: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["import", str(workbook), "-s", str(src), *args])
    return result.exit_code, result.stdout, result.stderr


def _book(sheets: dict[str, list[list]]) -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    return book


def _save(book: openpyxl.Workbook, path: Path) -> Path:
    book.save(path)
    return path


# --- the round trip -------------------------------------------------------------------------


def test_demo_round_trip_through_excel_gives_the_same_open_data(tmp_path: Path) -> None:
    """demo → /data/associations.xlsx and projects.xlsx → import into an empty site → the same
    data/associations.json and projects.json."""
    demo = copy_site(ROOT, tmp_path)
    for name in ("associations", "projects"):
        (tmp_path / f"{name}.xlsx").write_bytes(_data(demo, f"{name}.xlsx"))
    empty = _empty_site(tmp_path, demo, static=True)
    for name in ("associations", "projects"):
        code, out, err = _import(empty, tmp_path / f"{name}.xlsx", "--write")
        assert code == 0, err
        assert "已写入" in out
    for name in ("associations.json", "projects.json"):
        assert json.loads(_data(empty, name)) == json.loads(_data(demo, name)), name
    # the same workbooks imported again change nothing, in the new site and in the demo
    for site in (empty, demo):
        for name in ("associations", "projects"):
            plan = plan_import(site, tmp_path / f"{name}.xlsx", f"{name}.xlsx")
            assert plan.ok, [d.format_text() for d in plan.diagnostics]
            assert {c.action for c in plan.changes} == {changes.SAME}


def test_preview_writes_nothing_and_write_writes(small_site: Path, tmp_path: Path) -> None:
    book = tmp_path / "台账.xlsx"
    book.write_bytes(_data(small_site, "associations.xlsx"))
    target = small_site / "content/associations/330106.yaml"
    before = target.read_text(encoding="utf-8")
    sheet_book = openpyxl.load_workbook(book)
    sheet = sheet_book["协会"]
    headers = [c.value for c in sheet[1]]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == "330106")
    sheet.cell(row, headers.index("成立日期") + 1).value = "2020年12月30日"
    sheet_book.save(book)
    code, out, _ = _import(small_site, book)
    assert code == 0
    assert "修改  content/associations/330106.yaml" in out or "修改" in out
    assert "成立日期 founded：2020-12-31 → 2020-12-30" in out
    assert "没有写入任何文件" in out
    assert target.read_text(encoding="utf-8") == before
    code, out, _ = _import(small_site, book, "--write")
    assert code == 0 and "已写入 1 个文件" in out
    after = target.read_text(encoding="utf-8")
    assert after == before.replace("founded: 2020-12-31", "founded: 2020-12-30")


# --- a workbook as people make them -----------------------------------------------------------


def _people_workbook(path: Path) -> Path:
    """A ledger typed in a spreadsheet program: title row, two-row header with merged group
    cells, codes and numbers as text, dates in four forms, full-width digits, trailing spaces,
    extra columns, vertically merged codes in a list sheet."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "协会台账"
    sheet.append(["浙江省杭州市青年志愿者协会组织台账（2024 年）"])
    sheet.merge_cells("A1:J1")
    sheet.append(["序号", "区划代码", "协会全称", "状态", "成立日期", "联系方式", None, "注册志愿者（人）", "有章程", "备注"])
    sheet.append([None, None, None, None, None, "办公地址", "办公电话", None, None, None])
    for column in "ABCDEHIJ":
        sheet.merge_cells(f"{column}2:{column}3")
    sheet.merge_cells("F2:G2")
    sheet.append([1, 330127, "淳安县青年志愿者协会 ", "正常", 43750, "千岛湖镇新安东路 1 号", "0571-64812345", "1,200", "是", "已核实"])
    sheet.append([2, "３３０１２２", "桐庐县青年志愿者协会", "active", "2019/10/12", None, "0571 64600000", "８００", "否", None])
    sheet.append([3, "330182 ", "建德市青年志愿者协会", "筹备中", None, None, None, None, None, None])
    sheet.append([4, "330112", "临安区青年志愿者协会", "正常", "2020年5月4日", None, None, None, None, None])
    sheet.append([5, "330111", "富阳区青年志愿者协会", "正常", "2018.3.5", None, None, None, None, None])
    sheet.append([None] * 10)  # an empty row between the data and a note
    teams = book.create_sheet("服务队")
    teams.append(["区划代码", "协会全称", "队名", "类型", "人数"])
    teams.append(["330127", "淳安县青年志愿者协会", "千岛湖镇青年志愿服务队", "乡镇街道", "40"])
    teams.append([None, None, "淳安中学青年志愿服务队", "学校", 55.0])
    teams.merge_cells("A2:A3")
    teams.merge_cells("B2:B3")
    book.save(path)
    return path


def test_a_workbook_made_by_people_is_understood(tmp_path: Path) -> None:
    site = _empty_site(tmp_path, copy_site("small", tmp_path))
    book = _people_workbook(tmp_path / "台账.xlsx")
    code, out, err = _import(site, book, "--write")
    assert code == 0, err
    assert "新增 5" in out
    plan = plan_import(site, book, "台账.xlsx")
    assert {c.action for c in plan.changes} == {changes.SAME}
    site_data = analyse(site).site
    assert site_data is not None
    chunan = site_data.associations["330127"].data
    assert chunan.name == "淳安县青年志愿者协会"  # trailing space gone
    assert chunan.founded == date(2019, 10, 12)  # Excel's serial number 43750
    assert chunan.contact.phone == "0571-64812345" and chunan.contact.address.startswith("千岛湖镇")
    assert chunan.volunteers.registered == 1200  # "1,200" typed as text
    assert chunan.governance.charter is True
    assert [(t.name, t.type, t.members) for t in chunan.teams] == [("千岛湖镇青年志愿服务队", "乡镇街道", 40), ("淳安中学青年志愿服务队", "学校", 55)]
    tonglu = site_data.associations["330122"].data  # full-width region code
    assert tonglu.founded == date(2019, 10, 12) and tonglu.volunteers.registered == 800
    assert tonglu.governance.charter is False and tonglu.status == "active"
    assert site_data.associations["330182"].data.status == "preparing"
    assert site_data.associations["330112"].data.founded == date(2020, 5, 4)
    assert site_data.associations["330111"].data.founded == date(2018, 3, 5)
    assert "备注" in err and "warning[unknown-field]" in err  # the extra column is named, not lost silently
    written = (site / "content/associations/330127.yaml").read_text(encoding="utf-8")
    assert 'region: "330127"' in written and "founded: 2019-10-12" in written


def test_a_csv_from_excel_in_gb18030_is_read(tmp_path: Path) -> None:
    site = _empty_site(tmp_path, copy_site("small", tmp_path))
    csv_file = tmp_path / "台账.csv"
    csv_file.write_bytes("区划代码,协会全称,成立日期\r\n330127,淳安县青年志愿者协会,2019/10/12\r\n".encode("gb18030"))
    code, out, err = _import(site, csv_file, "--write")
    assert code == 0, err
    assert (site / "content/associations/330127.yaml").is_file()


@pytest.mark.parametrize("name", ["associations", "projects"])
def test_the_sites_own_csv_export_imports(tmp_path: Path, name: str) -> None:
    src = copy_site("small", tmp_path)
    csv_file = tmp_path / f"下载的{name}.csv"
    csv_file.write_bytes(_data(src, f"{name}.csv"))
    plan = plan_import(src, csv_file, csv_file.name)
    assert plan.ok, [d.format_text() for d in plan.diagnostics]
    assert plan.changes and {c.action for c in plan.changes} == {changes.SAME}  # counts and URLs are ignored


# --- editors' files keep their comments -------------------------------------------------------


def test_changed_fields_keep_comments_and_key_order(small_site: Path, tmp_path: Path) -> None:
    target = small_site / "content/associations/330108.yaml"
    original = "# 滨江区台账：每季度核对一次\n" + target.read_text(encoding="utf-8").replace("founded:", "founded:", 1)
    original = original.replace("\nfounded:", "\n# 成立日期以民政登记为准\nfounded:", 1)
    target.write_text(original, encoding="utf-8")
    book = _book({
        "协会": [["区划代码", "成立日期", "统一编号"], ["330108", date(2019, 1, 2), "QZX-33-0016"]],
        "培训": [["区划代码", "日期", "名称", "参训人数"], ["330108", "2021/6/1", "骨干培训", 30]],
    })
    code, out, err = _import(small_site, _save(book, tmp_path / "b.xlsx"), "--write")
    assert code == 0, err
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# 滨江区台账：每季度核对一次\n")
    assert "# 成立日期以民政登记为准\nfounded: 2019-01-02\n" in text
    assert text.index("serial:") > text.index("region:") and text.index("serial:") < text.index("name:")
    assert "- date: 2021-06-01" in text and "title: 骨干培训" in text
    assert "dissolved: 2021-01-01" in text


# --- problems at their cells --------------------------------------------------------------------


def _diagnostics(src: Path, book: openpyxl.Workbook, tmp_path: Path, name: str = "台账.xlsx") -> list[str]:
    path = _save(book, tmp_path / name)
    plan = plan_import(src, path, name)
    return [d.format_text() for d in plan.diagnostics]


HEADER = ["区划代码", "协会全称", "成立日期", "统一社会信用代码", "注册志愿者人数", "状态"]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (["330127", "淳安县青协", "2019-02-30", None, None, None], "台账.xlsx:2:3: error[invalid-date]: 工作表“协会”C 列“成立日期”：字段“founded”：日期“2019-02-30”不存在，请检查月份和日期"),
        (["330127", "淳安县青协", "去年", None, None, None], "台账.xlsx:2:3: error[invalid-date]: 工作表“协会”C 列“成立日期”：字段“founded”：日期应写成 YYYY-MM-DD，例如 2021-03-01"),
        (["330127", "淳安县青协", "2019-10-12", 5.13301e17, None, None], "台账.xlsx:2:4: error[invalid-value]: 工作表“协会”D 列“统一社会信用代码”：这个代码被表格程序存成了数字"),
        (["330127", "淳安县青协", "2019-10-12", "51330127MJ00000001", None, None], "台账.xlsx:2:4: error[credit-code]: 工作表“协会”D 列“统一社会信用代码”：字段“credit_code”：统一社会信用代码“51330127MJ00000001”无效"),
        (["339999", "某协会", "2019-10-12", None, None, None], "台账.xlsx:2:1: error[unknown-region]: 工作表“协会”A 列“区划代码”"),
        (["330127", "淳安县青协", "2019-10-12", None, "很多", None], "台账.xlsx:2:5: error[invalid-value]: 工作表“协会”E 列“注册志愿者人数”：字段“volunteers.registered”应为整数，现在是“很多”"),
        (["330127", "淳安县青协", "2019-10-12", None, None, "运行中"], "台账.xlsx:2:6: error[invalid-value]: 工作表“协会”F 列“状态”：字段“status”：状态“运行中”不在可选范围内。可选（写键或中文名都可以）：active（正常） · preparing（筹备中） · dissolved（已撤销）"),
        (["330127", None, "2019-10-12", None, None, None], "台账.xlsx:2:1: error[missing-field]: 工作表“协会”A 列“区划代码”：缺少必填字段“name”，请补上"),
        (["330127", "淳安县青协", None, None, None, None], "台账.xlsx:2:1: error[missing-field]: 工作表“协会”A 列“区划代码”：缺少成立日期“founded”"),
    ],
)
def test_a_bad_cell_is_reported_at_the_cell(small_site: Path, tmp_path: Path, row: list, expected: str) -> None:
    before = sorted(p.name for p in (small_site / "content/associations").iterdir())
    found = _diagnostics(small_site, _book({"协会": [HEADER, row]}), tmp_path)
    assert any(line.startswith(expected) for line in found), found
    code, _, err = _import(small_site, tmp_path / "台账.xlsx", "--write")
    assert code == 1 and "没有写入任何文件" in err
    assert sorted(p.name for p in (small_site / "content/associations").iterdir()) == before


def test_problems_across_rows_and_sheets(small_site: Path, tmp_path: Path) -> None:
    book = _book({
        "协会": [["区划代码", "协会全称", "成立日期", "统一编号"],
               ["330127", "淳安县青协", "2019-10-12", "QZX-33-0001"],
               ["330127", "淳安县青协（重复）", "2019-10-12", None],
               ["330122", "桐庐县青协", "2019-10-12", "QZX-33-0001"],
               ["330182", "建德市青协", "2019-10-12", "QZX-46-0001"]],
        "服务队": [["区划代码", "队名", "类型"], ["330127", "一队", "乡镇街道"], ["330199", "孤儿队", "学校"], ["330182", None, "学校"]],
        "Sheet3": [["随便", "写写"]],
    })
    found = _diagnostics(small_site, book, tmp_path)
    assert any(line.startswith("台账.xlsx:3:1: error[duplicate-key]: 工作表“协会”A 列“区划代码”：“330127”已在第 2 行出现") for line in found), found
    assert any(line.startswith("台账.xlsx:2:4: error[duplicate-key]") and "统一编号 QZX-33-0001 已由 content/associations/330122.yaml" in line for line in found), found
    assert any(line.startswith("台账.xlsx:5:4: error[invalid-value]") and "省级代码 46" in line for line in found), found
    assert any(line.startswith("台账.xlsx:3:1: error[unknown-reference]: 工作表“服务队”A 列“区划代码”：协会“330199”") for line in found), found
    assert any(line.startswith("台账.xlsx:4:1: error[missing-field]: 工作表“服务队”A 列“区划代码”：缺少必填字段“name”") for line in found), found
    assert any("warning[workbook]" in line and "Sheet3" in line for line in found), found


def test_a_serial_taken_by_an_existing_file_is_a_duplicate(small_site: Path, tmp_path: Path) -> None:
    path = small_site / "content/associations/330108.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('region: "330108"\n', 'region: "330108"\nserial: QZX-33-0007\n'), encoding="utf-8")
    found = _diagnostics(small_site, _book({"协会": [["区划代码", "协会全称", "成立日期", "统一编号"], ["330127", "淳安", "2019-10-12", "QZX-33-0007"]]}), tmp_path)
    assert any("error[duplicate-key]" in line and "content/associations/330108.yaml" in line for line in found), found


def test_personal_numbers_in_cells_are_refused(small_site: Path, tmp_path: Path) -> None:
    book = _book({"协会": [["区划代码", "协会全称", "成立日期", "办公电话", "业务主管单位"],
                          ["330127", "淳安", "2019-10-12", "13800138000", "联系人 13912345678"]]})
    found = _diagnostics(small_site, book, tmp_path)
    assert [line.split(": ")[0] + ": " + line.split(": ")[1] for line in found if "privacy" in line] == ["台账.xlsx:2:5: error[privacy]"]


@pytest.mark.parametrize("content", [b"not a workbook", b"PK\x03\x04broken zip", b""])
def test_a_file_that_is_not_a_workbook(small_site: Path, tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "坏.xlsx"
    path.write_bytes(content)
    code, _, err = _import(small_site, path)
    assert code == 1 and "error[workbook]" in err and "Traceback" not in err


def test_usage_errors(small_site: Path, tmp_path: Path) -> None:
    assert _import(small_site, tmp_path / "无.xlsx")[0] == 2
    other = tmp_path / "台账.xls"
    other.write_bytes(b"x")
    code, _, err = _import(small_site, other)
    assert code == 2 and "另存为" in err


# --- the template -------------------------------------------------------------------------------


def test_template_explains_every_column_and_imports_when_filled(small_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "模板.xlsx"
    result = CliRunner().invoke(main, ["template", "-s", str(small_site), "-o", str(out)])
    assert result.exit_code == 0, result.output
    again = CliRunner().invoke(main, ["template", "-s", str(small_site), "-o", str(out)])
    assert again.exit_code == 2  # never overwrites
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[:3] == ["填表说明", "协会", "负责人"]
    guide = {(r[0], r[1]) for r in book["填表说明"].iter_rows(min_row=2, values_only=True)}
    for sheet in ("协会", "负责人", "服务队", "团体会员", "培训", "服务阵地", "荣誉", "年度报告", "项目"):
        headers = [c.value for c in book[sheet][1]]
        assert headers and all((sheet, h) in guide for h in headers), sheet
    associations = book["协会"]
    rules = {str(v.sqref).split(":")[0]: v for v in associations.data_validations.dataValidation}
    headers = [c.value for c in associations[1]]
    status = rules[f"{openpyxl.utils.get_column_letter(headers.index('状态') + 1)}2"]
    assert status.type == "list" and "词表" in status.formula1
    region = rules["A2"]
    assert region.type == "textLength" and region.formula1 == "6"
    assert associations.freeze_panes == "A2"
    assert book["词表"].sheet_state == "hidden"
    brand_values = {c.value for col in book["词表"].iter_cols() for c in col}
    assert {"正常", "筹备中", "已撤销", "金晖助老", "乡镇街道", "青年之家"} <= brand_values
    assert plan_import(small_site, out, "模板.xlsx").changes == []
    associations.append(["330127", None, "淳安县青年志愿者协会"])
    associations.cell(2, headers.index("成立日期") + 1).value = datetime(2019, 10, 12)
    book.save(out)
    plan = plan_import(small_site, out, "模板.xlsx")
    assert plan.ok and [c.action for c in plan.changes] == [changes.ADD]


def test_template_outside_a_site_uses_the_default_vocabularies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["template"])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(io.BytesIO((tmp_path / "台账模板.xlsx").read_bytes()))
    assert "协会" in book.sheetnames
