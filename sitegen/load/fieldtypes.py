"""Field types shared by the config and content models.

Errors raised here are `PydanticCustomError`s whose type names map to diagnostic codes in
`validate.py` and whose messages are already Chinese and say what to change.

The `WithJsonSchema` and `json_schema_extra` annotations only shape the JSON Schemas that
editors read (`schema.py`); they change nothing in validation.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    WithJsonSchema,
)
from pydantic import ValidationInfo as Info
from pydantic_core import PydanticCustomError

from sitegen.domain import creditcode

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
REGION_RE = re.compile(r"^\d{6}$")

# JSON Schema shapes for editors: as close to the validators below as JSON Schema can say.
DATE_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"
DATE_SCHEMA = {"type": "string", "format": "date", "pattern": DATE_PATTERN}
REGION_SCHEMA = {
    "anyOf": [
        {"type": "string", "pattern": r"^\d{6}$"},
        {"type": "integer", "minimum": 100000, "maximum": 999999},
    ]
}
CREDIT_CODE_SCHEMA = {
    "anyOf": [
        {"type": "string", "pattern": r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$"},
        {"type": "integer", "minimum": 10**17, "maximum": 10**18 - 1},
    ]
}
VOCABULARY_KEY = "x-sitegen-vocabulary"  # replaced by the site's enum in schema.py


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


IsoDate = Annotated[date, BeforeValidator(_iso_date), WithJsonSchema(DATE_SCHEMA)]
StrictInt = Annotated[int, Strict()]
StrictBool = Annotated[bool, Strict()]
NonNegInt = Annotated[int, Strict(), Field(ge=0)]
NonNegNumber = Annotated[float, Strict(), Field(ge=0, allow_inf_nan=False), AfterValidator(_whole_as_int)]
Text = Annotated[str, Field(min_length=1)]
RegionRef = Annotated[str, BeforeValidator(_code_text), AfterValidator(_region_format), WithJsonSchema(REGION_SCHEMA)]
Region = Annotated[RegionRef, AfterValidator(_region_exists)]
CreditCode = Annotated[str, BeforeValidator(_code_text), AfterValidator(_credit_code), WithJsonSchema(CREDIT_CODE_SCHEMA)]
BrandKey = Annotated[str, AfterValidator(_vocabulary("brands", "品牌")), Field(json_schema_extra={VOCABULARY_KEY: "brands"})]
TargetGroup = Annotated[str, AfterValidator(_vocabulary("targets", "服务对象")), Field(json_schema_extra={VOCABULARY_KEY: "targets"})]
FundingSource = Annotated[str, AfterValidator(_vocabulary("funding", "资金来源")), Field(json_schema_extra={VOCABULARY_KEY: "funding"})]
Year = Annotated[int, Strict(), Field(ge=1949, le=2100)]
