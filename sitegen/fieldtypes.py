"""Field types shared by the config and content models.

Errors raised here are `PydanticCustomError`s whose type names map to diagnostic codes in
`validate.py` and whose messages are already Chinese and say what to change.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, Strict
from pydantic import ValidationInfo as Info
from pydantic_core import PydanticCustomError

from . import creditcode

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
REGION_RE = re.compile(r"^\d{6}$")


class Closed(BaseModel):
    """Closed, immutable records: unknown fields are errors, numbers may stand for text."""

    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)


def _iso_date(value: Any) -> date:
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not DATE_RE.match(value.strip()):
        raise PydanticCustomError("sitegen_date", "日期应写成 YYYY-MM-DD，例如 2021-03-01")
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise PydanticCustomError(
            "sitegen_date", "日期“{value}”不存在，请检查月份和日期", {"value": value}
        ) from None


def _code_text(value: Any) -> Any:
    """Region codes may be written quoted or as YAML integers."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value.strip() if isinstance(value, str) else value


def _region_format(value: str) -> str:
    if not REGION_RE.match(value):
        raise PydanticCustomError(
            "sitegen_value", "区划代码应为 6 位数字（例如 330106），现在是“{value}”", {"value": value}
        )
    return value


def _region_exists(value: str, info: Info) -> str:
    divisions = (info.context or {}).get("divisions")
    if divisions is not None and value not in divisions:
        raise PydanticCustomError(
            "sitegen_region",
            "区划代码“{value}”不在 2023 年统计用区划代码表中，请核对代码",
            {"value": value},
        )
    return value


def _credit_code(value: str) -> str:
    problem = creditcode.problem(value)
    if problem:
        raise PydanticCustomError(
            "sitegen_credit", "统一社会信用代码“{value}”无效：{problem}", {"value": value, "problem": problem}
        )
    return value


def _vocabulary(name: str, label: str):
    def check(value: str, info: Info) -> str:
        config = (info.context or {}).get("config")
        allowed = list(getattr(config, name)) if config is not None else None
        if allowed is not None and value not in allowed:
            raise PydanticCustomError(
                "sitegen_value",
                "{label}“{value}”不在配置的列表中，可选：{allowed}",
                {"label": label, "value": value, "allowed": " · ".join(allowed)},
            )
        return value

    return check


def _whole_as_int(value: float) -> float | int:
    """Keep 120 as 120, not 120.0, when an editor writes a whole number."""
    return int(value) if value.is_integer() else value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
StrictInt = Annotated[int, Strict()]
StrictBool = Annotated[bool, Strict()]
NonNegInt = Annotated[int, Strict(), Field(ge=0)]
NonNegNumber = Annotated[float, Strict(), Field(ge=0, allow_inf_nan=False), AfterValidator(_whole_as_int)]
Text = Annotated[str, Field(min_length=1)]
RegionRef = Annotated[str, BeforeValidator(_code_text), AfterValidator(_region_format)]
Region = Annotated[RegionRef, AfterValidator(_region_exists)]
CreditCode = Annotated[str, BeforeValidator(_code_text), AfterValidator(_credit_code)]
BrandKey = Annotated[str, AfterValidator(_vocabulary("brands", "品牌"))]
TargetGroup = Annotated[str, AfterValidator(_vocabulary("targets", "服务对象"))]
FundingSource = Annotated[str, AfterValidator(_vocabulary("funding", "资金来源"))]
Year = Annotated[int, Strict(), Field(ge=1949, le=2100)]
