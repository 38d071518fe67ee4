"""Field types shared by the config and content models.

Errors raised here are `PydanticCustomError`s whose type names map to diagnostic codes in
`validate.py` and whose messages are already Chinese and say what to change.

The `WithJsonSchema` and `json_schema_extra` annotations only shape the JSON Schemas that
editors read (`schema.py`); they change nothing in validation.
"""

from __future__ import annotations

import difflib
import html
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


def described(title: str, description: str, default: Any = ..., **kwargs: Any) -> Any:
    """A field with the Chinese title and description editors see (`sitegen schema`)."""
    return Field(default, title=title, description=description, **kwargs)


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


# Links a page shows from a field (`contact.website`, `edit_url` …): what a browser would do
# with the value decides, so entities are decoded and the characters it ignores removed first.
LINK_SCHEMES = ("http", "https", "mailto", "tel")
_LINK_IGNORED_RE = re.compile(r"[\x00-\x20\x7f-\x9f\u00ad\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3000\ufeff]")
_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
LINK_SCHEMA = {"type": "string", "format": "uri-reference", "pattern": r"^(https?://|mailto:|tel:|/(?!/))"}


def link_problem(value: str) -> str | None:
    """Why `value` may not be published as a link, or None: only http, https, mailto, tel and
    links within the site (`/xxgk/`) are allowed, however the scheme is disguised."""
    seen = _LINK_IGNORED_RE.sub("", html.unescape(html.unescape(value)))
    found = _SCHEME_RE.match(seen)
    if found is None:
        if seen.startswith("/") and not seen.startswith(("//", "/\\")):
            return None
        if seen.startswith(("//", "\\")):
            return "请写出完整网址，以 https:// 开头"
        return "应为完整网址（以 https:// 或 http:// 开头），或以 / 开头的站内地址，例如 https://example.org/"
    scheme = found.group(1).lower()
    if scheme not in LINK_SCHEMES:
        return f"不能使用“{scheme}:”开头的地址：只允许 http、https、mailto、tel 链接和以 / 开头的站内地址"
    if scheme in ("http", "https") and not re.match(r"^[A-Za-z]+://[^/?#\\]+", seen):
        return "网址缺少域名，应写成 https://example.org/ 的形式"
    return None


def _link(value: str) -> str:
    problem = link_problem(value)
    if problem:
        raise PydanticCustomError("sitegen_link", "{problem}", {"problem": problem})
    return value.strip()


def pairs(options: dict[str, str]) -> str:
    """`jinhui（金晖助老） · yangguang（阳光行动）`, or just the word where key and name agree."""
    return " · ".join(key if key == name else f"{key}（{name}）" for key, name in options.items())


def _pick(value: Any, options: dict[str, str], label: str) -> Any:
    """The key for `value` written as the key or as its Chinese name; else a located error
    that lists every choice and the closest one."""
    if not isinstance(value, str):
        return value  # the type check that follows reports it
    text = value.strip()
    if text in options:
        return text
    for key, name in options.items():
        if text == name:
            return key
    words = [*options, *options.values()]
    close = difflib.get_close_matches(text, words, n=1, cutoff=0.5)
    hint = ""
    if close:
        key = close[0] if close[0] in options else next(k for k, n in options.items() if n == close[0])
        hint = f"是不是“{key if key == options[key] else f'{key}（{options[key]}）'}”？"
    raise PydanticCustomError(
        "sitegen_value",
        "{label}“{value}”不在可选范围内。{hint}可选（写键或中文名都可以）：{allowed}",
        {"label": label, "value": value, "hint": hint, "allowed": pairs(options)},
    )


def _vocabulary(name: str, label: str):
    """A value from the site's configured vocabulary `name` (brands, targets, funding)."""

    def check(value: Any, info: Info) -> Any:
        config = (info.context or {}).get("config")
        if config is None:
            return value
        vocabulary = getattr(config, name)
        options = {k: v.name for k, v in vocabulary.items()} if isinstance(vocabulary, dict) else {w: w for w in vocabulary}
        return _pick(value, options, label)

    return check


def choice(options: dict[str, str], label: str) -> BeforeValidator:
    """A fixed vocabulary (`status: active`), also written by its Chinese name (`筹备中`)."""
    return BeforeValidator(lambda value: _pick(value, options, label))


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
BrandKey = Annotated[str, BeforeValidator(_vocabulary("brands", "品牌")), Field(json_schema_extra={VOCABULARY_KEY: "brands"})]
TargetGroup = Annotated[str, BeforeValidator(_vocabulary("targets", "服务对象")), Field(json_schema_extra={VOCABULARY_KEY: "targets"})]
FundingSource = Annotated[str, BeforeValidator(_vocabulary("funding", "资金来源")), Field(json_schema_extra={VOCABULARY_KEY: "funding"})]
# Every field whose value becomes an `href` has this type (tests/test_hostile.py finds them).
Link = Annotated[str, AfterValidator(_link), WithJsonSchema(LINK_SCHEMA)]
Year = Annotated[int, Strict(), Field(ge=1949, le=2100)]
