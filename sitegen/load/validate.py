"""Validate: turn parsed YAML into typed models, and every failure into a located diagnostic.

pydantic reports errors by `loc` (field names and list indexes); the YAML locator knows where
each of those stands in the file. Messages are rewritten in Chinese and say what to change.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from pydantic import BaseModel, ValidationError

from sitegen.diagnostics import Diagnostic, error
from sitegen.load.yamlsafe import Locator

_TYPE_NAMES = {
    "int": "整数",
    "float": "数字",
    "str": "文字",
    "bool": "布尔值",
    "list": "列表",
    "dict": "映射",
    "NoneType": "空值",
}

_CODES = {
    "missing": "missing-field",
    "extra_forbidden": "unknown-field",
    "sitegen_misspelled": "unknown-field",
    "sitegen_date": "invalid-date",
    "sitegen_region": "unknown-region",
    "sitegen_credit": "credit-code",
}


def field_label(loc: tuple[Any, ...]) -> str:
    """('teams', 0, 'type') -> 'teams[0].type'."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "（根）"


def _kind_of(value: Any) -> str:
    return _TYPE_NAMES.get(type(value).__name__, type(value).__name__)


def _message(err: dict[str, Any], model: type[BaseModel]) -> str:
    kind, loc, ctx = err["type"], tuple(err["loc"]), err.get("ctx") or {}
    field = field_label(loc)
    value = err.get("input")
    if kind == "missing":
        return f"缺少必填字段“{loc[-1]}”，请补上"
    if kind == "extra_forbidden":
        return f"未知字段“{loc[-1]}”，请检查拼写或删除{_suggest(str(loc[-1]), model, loc)}"
    if kind == "sitegen_misspelled":
        return f"未知字段“{loc[-1]}”：是不是必填字段“{ctx['field']}”拼错了？请改为 {ctx['field']}"
    if kind.startswith("sitegen_"):
        return f"字段“{field}”：{err['msg']}"
    if kind == "literal_error":
        options = " · ".join(re.findall(r"'([^']*)'", str(ctx.get("expected", ""))))
        return f"字段“{field}”的取值“{value}”无效，应为：{options}"
    if kind in ("string_type",):
        return f"字段“{field}”应为文字，现在是{_kind_of(value)}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"字段“{field}”应为整数，现在是“{value}”"
    if kind == "finite_number":
        return f"字段“{field}”应为有限的数字，现在是“{value}”"
    if kind in ("float_type", "float_parsing"):
        return f"字段“{field}”应为数字，现在是“{value}”"
    if kind in ("bool_type", "bool_parsing"):
        return f"字段“{field}”应为 true 或 false，现在是“{value}”"
    if kind == "list_type":
        return f"字段“{field}”应为列表（每项一行，以“- ”开头），现在是{_kind_of(value)}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"字段“{field}”应为映射（若干“字段: 值”），现在是{_kind_of(value)}"
    if kind == "greater_than_equal":
        return f"字段“{field}”不能小于 {ctx.get('ge')}，现在是“{value}”"
    if kind == "less_than_equal":
        return f"字段“{field}”不能大于 {ctx.get('le')}，现在是“{value}”"
    if kind == "string_too_short":
        return f"字段“{field}”不能为空"
    if kind == "string_pattern_mismatch":
        return f"字段“{field}”的格式不对：“{value}”"
    if kind == "value_error":
        return f"字段“{field}”：{ctx.get('error', err['msg'])}"
    return f"字段“{field}”的取值无效（{err['msg']}）"


def _suggest(name: str, model: type[BaseModel], loc: tuple[Any, ...]) -> str:
    fields = _fields_at(model, loc[:-1])
    if not fields:
        return ""
    close = difflib.get_close_matches(name, fields, n=1, cutoff=0.6)
    if close:
        return f"（是不是“{close[0]}”？）"
    return f"（可用字段：{'、'.join(fields)}）"


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Field names of the (nested) model at `loc`, for suggestions."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        info = getattr(current, "model_fields", {}).get(part)
        if info is None:
            return []
        current = _inner_model(info.annotation)
        if current is None:
            return []
    return list(getattr(current, "model_fields", {}))


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def validate_model(
    model: type[BaseModel],
    data: Any,
    locator: Locator,
    path: str,
    context: dict[str, Any] | None = None,
    code: str | None = None,
) -> tuple[Any | None, list[Diagnostic]]:
    """Validate `data` against `model`; `code` forces one diagnostic code (the config's)."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        line, col = locator.value(())
        return None, [
            error(path, line, col, code or "invalid-value", "内容应为映射（若干“字段: 值”），请参照示例重写")
        ]
    try:
        return model.model_validate(data, context=context), []
    except ValidationError as exc:
        errors = _merge_misspelled(exc.errors())
        return None, [_to_diagnostic(e, model, locator, path, code) for e in errors]


def _merge_misspelled(errors: list[Any]) -> list[Any]:
    """One mistake, one diagnostic: a required field written with a typo (`nmae:`) is an
    unknown field *and* a missing one; report it once, at the key, naming the right spelling."""
    missing = {tuple(e["loc"]): e for e in errors if e["type"] == "missing"}
    absorbed: set[tuple[Any, ...]] = set()
    merged = []
    for err in errors:
        loc = tuple(err["loc"])
        if err["type"] == "extra_forbidden":
            candidates = [m[-1] for m in missing if m[:-1] == loc[:-1] and m not in absorbed]
            close = difflib.get_close_matches(str(loc[-1]), [str(c) for c in candidates], n=1, cutoff=0.6)
            if close:
                absorbed.add((*loc[:-1], close[0]))
                err = {**err, "type": "sitegen_misspelled", "ctx": {"field": close[0]}}
        merged.append(err)
    return [e for e in merged if not (e["type"] == "missing" and tuple(e["loc"]) in absorbed)]


def _to_diagnostic(
    err: dict[str, Any], model: type[BaseModel], locator: Locator, path: str, code: str | None
) -> Diagnostic:
    loc = tuple(err["loc"])
    kind = err["type"]
    if kind == "missing":
        line, col = locator.value(loc[:-1])
    elif kind in ("extra_forbidden", "sitegen_misspelled"):
        line, col = locator.key(loc)
    else:
        line, col = locator.value(loc)
    diag_code = code or _CODES.get(kind) or ("invalid-date" if kind.startswith("date") else "invalid-value")
    return error(path, line, col, diag_code, _message(err, model))
