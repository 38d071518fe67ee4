"""Scope (docs/editing.md «统计范围»): a national, a province, a city, a county and a
two-province site built from one small ledger. Every figure, list and page is about the units
inside the scope; `sitegen coverage` prints exactly the site's data files."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import build_ok, text_of

from sitegen.build import analyse
from sitegen.cli import main
from sitegen.domain.divisions import load_divisions
from sitegen.domain.scope import build_scope

LEDGER = {
    "100000": "founded: 1994-12-05",
    "330000": "founded: 2000-05-04",
    "330100": "founded: 2005-05-04",
    "330106": "founded: 2016-03-05\nupdated: 2024-12-02",
    "330108": "founded: 2021-05-04",
    "330110": "status: preparing",
    "331102": "founded: 2019-07-11",
    "460000": "founded: 2003-05-04",
    "469001": "founded: 2020-06-01",
    "460400": "founded: 2020-06-01",
}


def write_site(root: Path, scope: list[str]) -> Path:
    """The ledger's associations inside `scope` and above it, a project and a story."""
    divisions = load_divisions()
    inside = build_scope(scope, divisions)
    files = {
        "sitegen.yaml": f"title: 测试站\nbase_url: https://example.org/\nsearch: false\nscope: [{', '.join(scope)}]\n",
        "content/projects/xihu.yaml": 'title: 西湖项目\nassociation: "330106"\nbrand: jinhui\nsummary: 项目简介\nlibrary_year: 2020\n',
        "content/stories/xihu.md": '---\ntitle: 西湖事迹\ndate: 2026-11-30\nassociation: "330106"\n---\n\n正文。\n',
    }
    for region, extra in LEDGER.items():
        if inside.contains(region) or inside.is_ancestor(region):
            files[f"content/associations/{region}.yaml"] = f'region: "{region}"\nname: 协会{region}\n{extra}\n'
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def cli(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result


# scope -> (coverage.json provinces, covered units, region pages, rows of coverage.csv after the scope's)
CASES = {
    "national": (["100000"], 31, 5, 31, 31),
    "province": (["330000"], ["330000"], 3, ["330000", "330100", "330200", "330300", "330400", "330500", "330600", "330700", "330800", "330900", "331000", "331100"], 11),
    "city": (["330100"], ["330000"], 2, ["330100"], 13),
    "county": (["330106"], ["330000"], 1, [], 1),
    "two-provinces": (["330000", "460000"], ["330000", "460000"], 5, ["330000", "460000"], 2),
}


@pytest.fixture(scope="module", params=list(CASES))
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path, Path]:
    name = request.param
    root = tmp_path_factory.mktemp(name)
    src = write_site(root / "src", CASES[name][0])
    out = root / "out"
    build_ok(src, out)
    return name, src, out


def test_coverage_command_prints_the_data_files(built: tuple[str, Path, Path]) -> None:
    _, src, out = built
    assert cli("coverage", "-s", str(src), "--format", "json").stdout_bytes == (out / "data/coverage.json").read_bytes()
    assert cli("coverage", "-s", str(src), "--format", "csv").stdout_bytes == (out / "data/coverage.csv").read_bytes()
    rows = list(csv.reader(io.StringIO((out / "data/coverage.csv").read_bytes().decode("utf-8-sig"))))
    table = cli("coverage", "-s", str(src)).stdout.splitlines()
    assert len(table) == 1 + len(rows)  # the "截至" line, the header, one line per data row
    for row, line in zip(rows[1:], table[2:], strict=True):
        region, name, _, counties, covered = row[:5]
        assert line.split()[: 2 + len(region.split()) + 1] == [*region.split(), name, counties, covered][: 2 + len(region.split()) + 1]


def test_coverage_json_counts_only_units_inside_the_scope(built: tuple[str, Path, Path]) -> None:
    name, _, out = built
    scope, provinces, covered, _, _ = CASES[name]
    data = json.loads((out / "data/coverage.json").read_text(encoding="utf-8"))
    divisions = load_divisions()
    inside = build_scope(scope, divisions)
    assert data["scope"]["regions"] == scope
    assert set(data["scope"]) == {"regions", "counties", "covered", "rate", "series"}
    assert data["scope"]["counties"] == len(inside.units) and data["scope"]["covered"] == covered
    assert ("national" in data) is (name == "national")
    if name == "national":
        assert len(data["provinces"]) == 31 and data["national"] == {k: v for k, v in data["scope"].items() if k != "regions"}
    else:
        assert [p["region"] for p in data["provinces"]] == provinces
    for province in data["provinces"]:
        assert province["counties"] == len([u for u in inside.units if u.province == province["region"]])
    assert data["scope"]["series"][-1] == {"date": data["as_of"], "covered": covered}


def test_region_pages_are_the_provinces_and_cities_in_scope(built: tuple[str, Path, Path]) -> None:
    name, _, out = built
    pages = sorted(p.name for p in (out / "regions").iterdir()) if (out / "regions").is_dir() else []
    expected = CASES[name][3]
    assert pages == (sorted(p.code for p in load_divisions().provinces()) if expected == 31 else expected)


def test_nothing_outside_the_scope_is_reported(built: tuple[str, Path, Path]) -> None:
    name, _, out = built
    coverage, evaluation, home = (text_of(out / f) for f in ("coverage/index.html", "evaluation/index.html", "index.html"))
    rows = list(csv.reader(io.StringIO((out / "data/coverage.csv").read_bytes().decode("utf-8-sig"))))
    assert len(rows) == 2 + CASES[name][4] - (1 if name == "county" else 0)
    if name != "national":
        for text in (coverage, evaluation, home):
            assert "北京市" not in text and "全国" not in text
    if name in ("city", "county"):
        assert "宁波市" not in coverage and "莲都区" not in coverage
    if name == "county":
        assert "%" not in coverage.split("各县级单位的协会")[1]  # after the policy's own targets
        assert "%" not in home.split("关键数据")[1].split("入库项目")[0]
        assert "西湖区县级青年志愿者协会建设情况" in coverage and "协会330106 2016年3月5日成立 已建" in coverage
        assert "协会330106 已建 2016年3月5日成立" in home
    evaluated = json.loads((out / "data/evaluation.json").read_text(encoding="utf-8"))
    inside = build_scope(CASES[name][0], load_divisions())
    assert {c["region"] for c in evaluated["associations"]} == {
        r for r in ("330106", "330108", "330110", "331102", "469001", "460400") if inside.contains(r)
    }
    assert evaluated["scope"]["regions"] == CASES[name][0] and ("national" in evaluated) is (name == "national")


def test_ancestors_are_context_not_counted(built: tuple[str, Path, Path]) -> None:
    name, _, out = built
    if name != "county":
        return
    directory = text_of(out / "associations/index.html")
    assert "协会330000" not in directory and "未建协会" not in directory  # the province is a place name here
    raw = (out / "associations/330106/index.html").read_text(encoding="utf-8")
    assert 'href="/associations/330000/"' in raw and "协会330100" in text_of(out / "associations/330106/index.html")
    assert "协会330106" in text_of(out / "associations/330100/index.html")  # the member chain upwards
    assert (out / "associations/330000/index.html").is_file()


def test_province_site_rows_are_cities(built: tuple[str, Path, Path]) -> None:
    name, _, out = built
    if name != "province":
        return
    text = text_of(out / "coverage/index.html")
    assert "浙江省 90 3 3.3%" in text and "杭州市 13 2 15.4%" in text and "丽水市 9 1 11.1%" in text
    hangzhou = text_of(out / "regions/330100/index.html")
    assert "首页 覆盖率 浙江省 杭州市" in hangzhou  # breadcrumbs: the province page above the city's
    assert "15.4%" in hangzhou and "西湖项目" in hangzhou


def test_out_of_scope_record_is_an_error(tmp_path: Path) -> None:
    src = write_site(tmp_path, ["330106"])
    (src / "content/associations/330108.yaml").write_text('region: "330108"\nname: 滨江\nfounded: 2020-01-01\n', encoding="utf-8")
    found = [(Path(d.path).name, d.line, d.column, d.code) for d in analyse(src).diagnostics]
    assert found == [("330108.yaml", 1, 9, "out-of-scope")]


@pytest.mark.parametrize(
    ("scope", "message"),
    [
        ("[339999]", "不在 2023 年统计用区划代码表中"),
        ("[330000, 330100]", "已包含在 330000（浙江省）之内"),
        ("[100000, 330000]", "全国性网站只写 [100000]"),
        ("[330106, 330106]", "重复"),
        ("[]", "scope"),
    ],
)
def test_scope_config_errors_are_located(tmp_path: Path, scope: str, message: str) -> None:
    (tmp_path / "sitegen.yaml").write_text(f"title: t\nbase_url: https://example.org/\nscope: {scope}\n", encoding="utf-8")
    problems = analyse(tmp_path).diagnostics
    assert [(d.code, d.line) for d in problems] == [("config", 3)], problems
    assert message in problems[0].message


def test_scope_rows() -> None:
    divisions = load_divisions()
    hainan = build_scope(["460000"], divisions).rows()
    names = [r.division.name for r in hainan]
    assert names[:4] == ["海口市", "三亚市", "三沙市", "儋州市"] and "五指山市" in names  # 省直辖县级 units are rows
    assert sum(len(r.units) for r in hainan) == len(divisions.coverage_units("460000"))
    beijing = build_scope(["110000"], divisions)
    assert len(beijing.rows()) == 16 and beijing.region_pages() == ("110000",)  # 直辖市: districts, no city pages
    assert build_scope(["330106", "330108"], divisions).status_only
    assert not build_scope(["330100"], divisions).status_only
    zone = next(d for d in divisions if d.level == "zone")
    assert [u.code for u in build_scope([zone.code], divisions).units] == [zone.code]  # a zone's own site counts it
