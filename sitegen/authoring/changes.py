"""What an import does to one record: add it, change some fields, or leave it as it is.

A change is decided on the validated models, not on the text: `330106` and `"330106"`, or a
date written as 2019/10/12 in the workbook, are the same value. The YAML to write is made here
and read back through the located loader before the plan is shown; a text that would not load
as the same record is a bug, never written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from sitegen.authoring import yaml_update
from sitegen.load.models import MODELS
from sitegen.load.records import Record, load_record
from sitegen.load.sources import SourceFile

ADD, CHANGE, SAME = "add", "change", "same"
ACTIONS = {ADD: "新增", CHANGE: "修改", SAME: "未变"}


@dataclass
class Change:
    kind: str
    key: str
    path: Path  # the record's file in SRC
    action: str
    name: str
    fields: list[str] = field(default_factory=list)  # one line per changed field, for people
    text: str | None = None  # the file's new content (add, change)


def _shown(value: Any) -> str:
    if value is None or value == [] or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return f"{len(value)} 项"
    if isinstance(value, BaseModel):
        return "；".join(f"{k}: {_shown(v)}" for k, v in value if v not in (None, [], ""))
    text = str(value).replace("\n", " ").strip()
    return text if len(text) <= 24 else text[:23] + "…"


def field_lines(model: type[BaseModel], old: BaseModel | None, new: BaseModel) -> list[str]:
    """'成立日期 founded：2016-03-05 → 2016-03-06' for each field that differs."""
    lines = []
    for name, info in model.model_fields.items():
        before, after = (getattr(old, name) if old is not None else None), getattr(new, name)
        if before == after:
            continue
        if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
            lines.append(f"{info.title} {name}：{len(after)} 项，内容有改动")
        else:
            lines.append(f"{info.title} {name}：{_shown(before)} → {_shown(after)}")
    return lines


def describe(kind: str, target: Path, record: Record, existing: Record | None, existing_text: str | None, context: dict[str, Any], origin: str) -> Change:
    model = MODELS[kind]
    name = getattr(record.data, "name", None) or getattr(record.data, "title", "")
    if existing is not None and existing.data == record.data:
        return Change(kind, record.key, target, SAME, name)
    data = record.data.model_dump(mode="python", exclude_unset=True)
    if existing_text is None:
        text = yaml_update.new_text(kind, data, origin)
        action = ADD
    else:
        old = existing.data if existing is not None else None
        changed = {n for n in model.model_fields if old is None or getattr(old, n) != getattr(record.data, n)}
        text = yaml_update.updated_text(existing_text, data, changed)
        action = CHANGE
    _verify(kind, target, record, text, context)
    return Change(kind, record.key, target, action, name, field_lines(model, existing.data if existing else None, record.data), text)


def _verify(kind: str, target: Path, record: Record, text: str, context: dict[str, Any]) -> None:
    source = SourceFile(target, target.name, kind, target.stem, text)
    written, _ = load_record(source, context)
    if written is None or written.data != record.data:
        raise RuntimeError(f"generated YAML for {target.name} does not read back as the imported record")
