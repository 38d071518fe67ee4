"""In-page filters of the directory and the project library (docs/reference.md, 网站的页面和网址).

The pages list everything (they work without JavaScript); `assets/filters.js` hides what does
not match the `<select>`s of a `form.filters`. This module decides the fields and their options
(only values that occur, so no choice shows an empty list) and the `data-*` attributes each
filtered item carries. Values are ASCII or the vocabulary's own words, so the query string a
filtered view keeps (`?province=33&brand=jinhui`) is short and readable.

Contract with filters.js: a select named N filters items on `data-<attribute>` (N unless the
field says otherwise); an item matches when the select's value is one of the item's
`|`-separated values, or the select is empty.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sitegen.domain.pinyin import sort_key
from sitegen.render.views import (
    LEVEL_LABELS,
    STATUS_LABELS,
    AssociationView,
    ProjectView,
    TreeNode,
    Views,
)

SEPARATOR = "|"
LEVEL_ORDER = ("national", "province", "city", "county")


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True)
class FilterField:
    name: str  # the select's name and the query-string key
    label: str
    attribute: str  # the items' data attribute, without "data-"
    options: tuple[Option, ...]
    all_label: str = "全部"


def province_value(code: str | None) -> str:
    """A province as filtered: the first two digits of its code (`33` for 330000)."""
    return code[:2] if code else ""


def association_attributes(a: AssociationView) -> dict[str, str]:
    return {
        "data-filter-item": "",
        "data-province": province_value(a.province_code),
        "data-level": a.level,
        "data-status": a.status,
        "data-model": "1" if a.is_model else "0",
    }


def project_attributes(p: ProjectView) -> dict[str, str]:
    return {
        "data-filter-item": "",
        "data-brand": p.brand_key,
        "data-targets": SEPARATOR.join(t.replace(SEPARATOR, " ") for t in p.targets),
        "data-province": province_value(p.association.province_code),
        "data-featured": "1" if p.featured else "0",
    }


def _associations(nodes: Iterable[TreeNode]) -> list[AssociationView]:
    found: list[AssociationView] = []
    stack = list(nodes)
    while stack:
        node = stack.pop()
        if node.association is not None:
            found.append(node.association)
        stack.extend(node.children)
    return found


def directory_fields(views: Views, nodes: list[TreeNode]) -> list[FilterField]:
    listed = _associations(nodes)
    if views.national is not None and views.national.status != "dissolved":
        listed.append(views.national)
    levels = {a.level for a in listed}
    statuses = {a.status for a in listed}
    return [
        FilterField(
            "province",
            "省份",
            "province",
            tuple(Option(province_value(n.division.code), n.division.name) for n in nodes),
        ),
        FilterField("level", "层级", "level", tuple(Option(v, LEVEL_LABELS[v]) for v in LEVEL_ORDER if v in levels)),
        FilterField("status", "状态", "status", tuple(Option(v, STATUS_LABELS[v]) for v in STATUS_LABELS if v in statuses)),
        FilterField("model", "示范", "model", (Option("1", "示范协会"), Option("0", "非示范协会"))),
    ]


def project_fields(views: Views) -> list[FilterField]:
    projects = views.projects
    used_targets = {t for p in projects for t in p.targets}
    provinces: dict[str, str] = {}
    for p in projects:
        code = p.association.province_code
        division = views.site.divisions.get(code) if code else None
        if division is not None:
            provinces[province_value(code)] = division.name
    return [
        FilterField("brand", "品牌", "brand", tuple(Option(b.key, b.name) for b in views.brands if b.projects)),
        FilterField(
            "target",
            "服务对象",
            "targets",
            tuple(Option(t.replace(SEPARATOR, " "), t) for t in views.site.config.targets if t in used_targets),
        ),
        FilterField(
            "province",
            "省份",
            "province",
            tuple(Option(v, name) for v, name in sorted(provinces.items(), key=lambda item: (sort_key(item[1]), item[0]))),
        ),
        FilterField("featured", "上线推介", "featured", (Option("1", "上线推介项目"), Option("0", "其他项目"))),
    ]
