"""The names an association is searched by (sitegen/domain/placenames.py)."""

from __future__ import annotations

import pytest

from sitegen.domain.placenames import association_names, short_place_name


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("浙江省", "浙江"), ("杭州市", "杭州"), ("西湖区", "西湖"), ("缙云县", "缙云"), ("北京市", "北京"),
        ("陵水黎族自治县", "陵水"), ("琼中黎族苗族自治县", "琼中"), ("景宁畲族自治县", "景宁"),
        ("广西壮族自治区", "广西"), ("新疆维吾尔自治区", "新疆"), ("内蒙古自治区", "内蒙古"),
        ("恩施土家族苗族自治州", "恩施"), ("积石山保安族东乡族撒拉族自治县", "积石山"),
        ("香港特别行政区", "香港"), ("阿拉善盟", "阿拉善"), ("大兴安岭地区", "大兴安岭"), ("神农架林区", "神农架"),
        ("五指山市", "五指山"),
        # nothing shorter of two characters or more, or not a place-name suffix
        ("城区", None), ("和县", None), ("杭州经济技术开发区", None), ("中国", None),
    ],
)  # fmt: skip
def test_short_place_name(name: str, short: str | None) -> None:
    assert short_place_name(name) == short


def test_a_county_association_is_known_by_its_place() -> None:
    assert association_names("杭州市西湖区青年志愿者协会", "西湖区", ["浙江省", "杭州市"]) == [
        "杭州市西湖区青年志愿者协会", "西湖区青年志愿者协会", "杭州市西湖区青协", "西湖区青协", "西湖区", "西湖",
    ]  # fmt: skip


def test_other_kinds_and_levels() -> None:
    assert association_names("余姚市青年志愿服务联合会", "余姚市", ["浙江省", "宁波市"]) == [
        "余姚市青年志愿服务联合会", "余姚市", "余姚",
    ]  # fmt: skip
    assert association_names("浙江省青年志愿者协会", "浙江省", []) == [
        "浙江省青年志愿者协会",
        "浙江省青协",
        "浙江省",
        "浙江",
    ]
    assert association_names("中国青年志愿者协会", None) == ["中国青年志愿者协会", "中国青协"]
    # a name that does not start with its parents' names keeps them all
    assert (
        association_names("海口市龙华区青年志愿者协会", "龙华区", ["海南省", "海口市"])[1]
        == "龙华区青年志愿者协会"
    )
