"""The division table (sitegen/divisions.py, sitegen/data/divisions.csv) and its generator."""

from __future__ import annotations

import importlib.util
import sys
from importlib import resources
from pathlib import Path

import pytest

from sitegen.domain.divisions import Division, DivisionTable, load_divisions

FILLER_NAMES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
TOOL = Path(__file__).resolve().parent.parent / "tools" / "update_divisions.py"


@pytest.fixture(scope="module")
def table() -> DivisionTable:
    return load_divisions()


def codes(divisions: list[Division]) -> list[str]:
    return [d.code for d in divisions]


# --- the shipped data file --------------------------------------------------------------------


def test_data_file_format() -> None:
    raw = resources.files("sitegen").joinpath("data/divisions.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert b"\r" not in raw
    assert raw.endswith(b"\n")
    lines = raw.decode("utf-8").splitlines()
    assert lines[0] == "code,name,level,parent"
    assert lines[1] == "100000,全国,national,"


def test_load_is_cached(table: DivisionTable) -> None:
    assert load_divisions() is table


def test_row_count_and_levels(table: DivisionTable) -> None:
    assert 3000 <= len(list(table)) <= 3500
    levels = {d.level for d in table}
    assert levels == {"national", "province", "city", "county", "zone"}
    assert [d for d in table if d.level == "national"] == [table.get("100000")]


def test_sorted_unique_six_digit_codes(table: DivisionTable) -> None:
    all_codes = codes(list(table))
    assert all_codes == sorted(set(all_codes))
    assert all(len(c) == 6 and c.isdigit() for c in all_codes)


def test_every_parent_exists(table: DivisionTable) -> None:
    for d in table:
        if d.level == "national":
            assert d.parent is None
        else:
            assert d.parent in table, d


def test_parent_levels(table: DivisionTable) -> None:
    for d in table:
        parent = table.get(d.parent) if d.parent else None
        if d.level == "province":
            assert d.parent == "100000"
        elif d.level == "city":
            assert parent is not None and parent.level == "province"
        elif d.level in ("county", "zone"):
            assert parent is not None and parent.level in ("province", "city")
            assert d.code[:2] == parent.code[:2]


def test_no_filler_rows(table: DivisionTable) -> None:
    assert not [d for d in table if d.name in FILLER_NAMES or "直辖" in d.name]
    for filler in ("110100", "120100", "310100", "500100", "500200", "469000", "659000"):
        assert filler not in table


def test_provinces(table: DivisionTable) -> None:
    provinces = table.provinces()
    assert len(provinces) == 31
    assert codes(provinces) == sorted(codes(provinces))
    assert all(p.level == "province" and p.code.endswith("0000") for p in provinces)
    assert {"110000", "330000", "460000", "650000"} <= set(codes(provinces))


def test_national(table: DivisionTable) -> None:
    national = table.get("100000")
    assert national == Division("100000", "全国", "national", None)
    assert national.province is None
    assert "100000" in table


def test_lookup_and_contains(table: DivisionTable) -> None:
    assert table.get("330106") == Division("330106", "西湖区", "county", "330100")
    assert table.get("999999") is None
    assert "330106" in table
    assert "999999" not in table
    assert 330106 not in table
    with pytest.raises(KeyError):
        table.ancestors("999999")


def test_hierarchy(table: DivisionTable) -> None:
    assert table.get("330106").parent == "330100"
    assert table.get("330100").parent == "330000"
    assert table.get("330000").parent == "100000"
    # 直辖市 districts and counties hang under the municipality
    assert table.get("110101").parent == "110000"
    assert table.get("500101").parent == "500000"
    assert table.get("500229").parent == "500000"
    # 省直辖县级 units hang under the province
    assert table.get("469001").name == "五指山市"
    assert table.get("469001").parent == "460000"
    assert table.get("429004").parent == "420000"
    assert table.get("659001").parent == "650000"


def test_province_property(table: DivisionTable) -> None:
    assert table.get("330106").province == "330000"
    assert table.get("330100").province == "330000"
    assert table.get("330000").province == "330000"
    assert table.get("469001").province == "460000"


def test_zones(table: DivisionTable) -> None:
    zone = table.get("130171")
    assert zone is not None
    assert zone.level == "zone"
    assert "开发区" in zone.name
    assert zone.parent == "130100"
    for d in table:
        if d.level in ("county", "zone"):
            assert (d.level == "zone") == (71 <= int(d.code[4:]) <= 79), d


def test_cities_without_counties(table: DivisionTable) -> None:
    bare = {d.code for d in table if table.is_city_without_counties(d.code)}
    assert {"441900", "442000", "620200", "460400"} <= bare
    for code in bare:
        assert not [c for c in table.children(code) if c.level in ("county", "zone")]
    assert not table.is_city_without_counties("330100")
    assert not table.is_city_without_counties("460300")  # 三沙 has county-level units
    assert not table.is_city_without_counties("330106")
    assert not table.is_city_without_counties("999999")


def test_children(table: DivisionTable) -> None:
    hangzhou = table.children("330100")
    assert "330106" in codes(hangzhou)
    assert codes(hangzhou) == sorted(codes(hangzhou))
    assert all(d.parent == "330100" for d in hangzhou)
    assert "110101" in codes(table.children("110000"))
    assert "469001" in codes(table.children("460000"))
    assert table.children("330106") == []
    assert table.children("441900") == []


def test_ancestors_and_chain(table: DivisionTable) -> None:
    assert codes(table.ancestors("330106")) == ["330100", "330000", "100000"]
    assert codes(table.ancestors("469001")) == ["460000", "100000"]
    assert codes(table.ancestors("330000")) == ["100000"]
    assert table.ancestors("100000") == []
    assert codes(table.chain("330106")) == ["330000", "330100", "330106"]
    assert codes(table.chain("110101")) == ["110000", "110101"]
    assert codes(table.chain("330000")) == ["330000"]
    assert codes(table.chain("100000")) == ["100000"]


def test_full_name(table: DivisionTable) -> None:
    assert table.full_name("330106") == "浙江省杭州市西湖区"
    assert table.full_name("110101") == "北京市东城区"
    assert table.full_name("469001") == "海南省五指山市"
    assert table.full_name("441900") == "广东省东莞市"
    assert table.full_name("330000") == "浙江省"
    assert table.full_name("100000") == "全国"


def test_coverage_units_zhejiang(table: DivisionTable) -> None:
    units = table.coverage_units("330000")
    county_rows = [d for d in table if d.province == "330000" and d.level in ("county", "zone")]
    assert len(units) == len(county_rows) == 90
    assert all(d.level == "county" for d in units)
    assert codes(units) == sorted(codes(units))


def test_coverage_units_hainan(table: DivisionTable) -> None:
    units = codes(table.coverage_units("460000"))
    assert "460400" in units  # 儋州: a city without counties counts as one unit
    assert "469001" in units
    assert "460100" not in units
    assert "460300" not in units


def test_coverage_units_national_and_zones(table: DivisionTable) -> None:
    units = table.coverage_units()
    counties = [d for d in table if d.level == "county"]
    zones = [d for d in table if d.level == "zone"]
    bare = [d for d in table if table.is_city_without_counties(d.code)]
    assert len(units) == len(counties) + len(bare)
    assert not [d for d in units if d.level == "zone"]
    with_zones = table.coverage_units(count_zones=True)
    assert len(with_zones) == len(units) + len(zones)
    assert "130171" in codes(with_zones)
    assert len(table.coverage_units("130000", count_zones=True)) > len(
        table.coverage_units("130000")
    )
    with pytest.raises(ValueError):
        table.coverage_units("330100")


def test_table_rejects_missing_parent() -> None:
    with pytest.raises(ValueError):
        DivisionTable([Division("330106", "西湖区", "county", "330100")])


# --- tools/update_divisions.py on a miniature package -----------------------------------------


@pytest.fixture(scope="module")
def tool():
    spec = importlib.util.spec_from_file_location("update_divisions", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)


MINI_PROVINCES = [
    {"code": "11", "name": "北京市"},
    {"code": "44", "name": "广东省"},
    {"code": "46", "name": "海南省"},
    {"code": "62", "name": "甘肃省"},
]
MINI_CITIES = [
    {"code": "1101", "name": "市辖区", "provinceCode": "11"},
    {"code": "4401", "name": "广州市", "provinceCode": "44"},
    {"code": "4419", "name": "东莞市", "provinceCode": "44"},
    {"code": "4690", "name": "省直辖县级行政区划", "provinceCode": "46"},
    {"code": "6202", "name": "嘉峪关市", "provinceCode": "62"},
]
MINI_AREAS = [
    {"code": "110101", "name": "东城区", "cityCode": "1101", "provinceCode": "11"},
    {"code": "440103", "name": "荔湾区", "cityCode": "4401", "provinceCode": "44"},
    {"code": "440171", "name": "广州经济技术开发区", "cityCode": "4401", "provinceCode": "44"},
    {"code": "441900", "name": "东莞市", "cityCode": "4419", "provinceCode": "44"},
    {"code": "469001", "name": "五指山市", "cityCode": "4690", "provinceCode": "46"},
    {"code": "620201", "name": "嘉峪关市", "cityCode": "6202", "provinceCode": "62"},
]


def test_tool_derive(tool) -> None:
    notes: list[str] = []
    rows = tool.derive(MINI_PROVINCES, MINI_CITIES, MINI_AREAS, notes, expect_provinces=4)
    assert rows == [
        ("100000", "全国", "national", ""),
        ("110000", "北京市", "province", "100000"),
        ("110101", "东城区", "county", "110000"),
        ("440000", "广东省", "province", "100000"),
        ("440100", "广州市", "city", "440000"),
        ("440103", "荔湾区", "county", "440100"),
        ("440171", "广州经济技术开发区", "zone", "440100"),
        ("441900", "东莞市", "city", "440000"),
        ("460000", "海南省", "province", "100000"),
        ("469001", "五指山市", "county", "460000"),
        ("620000", "甘肃省", "province", "100000"),
        ("620200", "嘉峪关市", "city", "620000"),
    ]
    assert len(notes) == 4  # two fillers, two pseudo-counties
    text = tool.render(rows).decode("utf-8")
    assert text.startswith("code,name,level,parent\n100000,全国,national,\n110000,")
    assert "\r" not in text


def test_tool_rejects_unknown_filler(tool) -> None:
    cities = [*MINI_CITIES, {"code": "4490", "name": "省直辖县级单位", "provinceCode": "44"}]
    with pytest.raises(tool.SourceError):
        tool.derive(MINI_PROVINCES, cities, MINI_AREAS, expect_provinces=4)


def test_tool_rejects_orphan_area(tool) -> None:
    areas = [
        *MINI_AREAS,
        {"code": "449901", "name": "某区", "cityCode": "4499", "provinceCode": "44"},
    ]
    with pytest.raises(tool.SourceError):
        tool.derive(MINI_PROVINCES, MINI_CITIES, areas, expect_provinces=4)
