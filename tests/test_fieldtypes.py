"""Field types shared by the config and content models (sitegen/load/fieldtypes.py)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import pytest
from pydantic import TypeAdapter, ValidationError

from sitegen.domain.divisions import load_divisions
from sitegen.load.fieldtypes import (
    Closed,
    IsoDate,
    NonNegNumber,
    Region,
    RegionRef,
    choice,
    described,
    pairs,
)


def _error(adapter: TypeAdapter, value: object, context: dict | None = None) -> tuple[str, str]:
    with pytest.raises(ValidationError) as caught:
        adapter.validate_python(value, context=context)
    (problem,) = caught.value.errors()
    return problem["type"], problem["msg"]


def test_dates_are_iso_and_real() -> None:
    dates = TypeAdapter(IsoDate)
    assert dates.validate_python(" 2021-03-01 ") == date(2021, 3, 1)
    assert _error(dates, "2021/03/01") == ("sitegen_date", "日期应写成 YYYY-MM-DD，例如 2021-03-01")
    assert _error(dates, "2021-02-30")[1] == "日期“2021-02-30”不存在，请检查月份和日期"


def test_region_codes_may_be_integers_and_must_exist_when_the_table_is_given() -> None:
    assert TypeAdapter(RegionRef).validate_python(330106) == "330106"
    assert _error(TypeAdapter(RegionRef), "3301")[0] == "sitegen_value"
    regions = TypeAdapter(Region)
    assert regions.validate_python("330106", context={"divisions": load_divisions()}) == "330106"
    assert _error(regions, "339999", {"divisions": load_divisions()})[0] == "sitegen_region"


def test_a_choice_takes_the_key_or_the_chinese_name_and_suggests_the_closest() -> None:
    status = TypeAdapter(Annotated[str, choice({"active": "正常", "preparing": "筹备中"}, "状态")])
    assert status.validate_python("筹备中") == "preparing" and status.validate_python("active") == "active"
    kind, message = _error(status, "activ")
    assert kind == "sitegen_value" and "是不是“active（正常）”？" in message and "preparing（筹备中）" in message
    assert pairs({"a": "a", "b": "乙"}) == "a · b（乙）"


def test_whole_numbers_stay_integers_and_models_are_closed() -> None:
    assert repr(TypeAdapter(NonNegNumber).validate_python(120.0)) == "120"

    class Thing(Closed):
        name: str = described("名称", "说明")

    assert Thing.model_json_schema()["properties"]["name"]["title"] == "名称"
    assert Thing(name=5).name == "5", "numbers may stand for text"
    with pytest.raises(ValidationError):
        Thing(name="x", nmae="y")
