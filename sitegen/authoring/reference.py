"""`docs/reference.md`: the Chinese reference of every field, page, rule, code and command.

Generated from the code so it cannot drift: the fields from the pydantic models
(`load/config.py`, `load/models.py`, their titles and descriptions), the pages from
`link/urls.PAGE_KINDS`, the diagnostic codes from `diagnostics.CATALOG`, the commands from the
click commands, the rules from `reference_rules`. `python tools/gen_reference.py` writes it;
tests/test_reference.py fails when the file differs from what this module makes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

import click
from pydantic import BaseModel

from sitegen.authoring.reference_rules import rules
from sitegen.diagnostics import CATALOG
from sitegen.link.urls import PAGE_KINDS
from sitegen.load.config import (
    CONFIG_FILE,
    DEFAULT_BRANDS,
    DEFAULT_FUNDING,
    DEFAULT_MODEL_TITLES,
    DEFAULT_TARGETS,
    SiteConfig,
)
from sitegen.load.fieldtypes import DATE_PATTERN, VOCABULARY_KEY
from sitegen.load.models import MODELS
from sitegen.load.sources import KINDS

PATH = "docs/reference.md"
COMMAND = "python tools/gen_reference.py"

HEADER = f"""# sitegen 参考手册

> 本文件由 `{COMMAND}` 从源代码生成，请勿手改：字段及其说明来自 `sitegen/load/config.py` 和
> `sitegen/load/models.py`，页面来自 `sitegen/link/urls.py`，规则来自 `sitegen/authoring/reference_rules.py`，
> 错误代码来自 `sitegen/diagnostics.py`，命令来自 `sitegen/cli/`。代码改了而本文件没有重新生成时，
> 测试 `tests/test_reference.py` 失败。怎样写内容见《[编辑指南](editing.md)》，怎样部署见《[维护指南](deploying.md)》。
"""

RECORD_TITLES = {
    "association": "协会台账",
    "project": "志愿服务项目",
    "story": "典型事迹",
    "page": "自由页面",
}
RECORD_NOTES = {
    "story": "写在 Markdown 文件开头两行 `---` 之间（头信息），其后是正文（Markdown）。",
    "page": "写在 Markdown 文件开头两行 `---` 之间（头信息），其后是正文（Markdown）。",
}
# Value shapes named by their pattern (the JSON Schema keeps patterns, not type names).
PATTERN_NAMES = {
    DATE_PATTERN: "日期 `YYYY-MM-DD`",
    r"^\d{6}$": "6 位区划代码（可写成整数）",
    r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$": "18 位统一社会信用代码",
}


def render() -> str:
    """The whole of docs/reference.md."""
    sections = [
        (f"站点配置 `{CONFIG_FILE}`", _config_section()),
        *((f"{RECORD_TITLES.get(kind, kind)} `{_location(kind)}`", _record_section(kind, model)) for kind, model in MODELS.items()),
        ("网站的页面和网址", _pages_section()),
        ("规则", _rules_section()),
        ("错误代码", _codes_section()),
        ("命令行", _commands_section()),
    ]
    numbered = [(f"{_CN_NUMBERS[i]}、{title}", body) for i, (title, body) in enumerate(sections)]
    toc = [f"- [{title}](#{_anchor(title)})" for title, _ in numbered]
    parts = [HEADER, "\n".join(toc), *(f"## {title}\n\n{body}" for title, body in numbered)]
    return "\n\n".join(part.rstrip("\n") for part in parts) + "\n"


_CN_NUMBERS = "一二三四五六七八九十"


def _anchor(title: str) -> str:
    """GitHub's heading anchor: lower case, spaces to hyphens, punctuation dropped."""
    return re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-")


def _location(kind: str) -> str:
    folder, suffix = KINDS[kind]
    name = "<区划代码>" if kind == "association" else "<文件名>"
    return f"content/{folder}/{name}{suffix}"


# --- fields ---------------------------------------------------------------------------------


def _config_section() -> str:
    intro = f"站点根目录的 `{CONFIG_FILE}`。未列出的键是错误（`config`）。"
    brands = "\n".join(f"| `{key}` | {b['name']} | {b['description']} |" for key, b in DEFAULT_BRANDS.items())
    defaults = f"""**默认词表**（不写时使用；写了就整个替换）：

| 品牌键 | 名称 | 说明 |
|---|---|---|
{brands}

- `targets`（服务对象）：{" · ".join(DEFAULT_TARGETS)}
- `funding`（资金来源）：{" · ".join(DEFAULT_FUNDING)}
- `model_titles`（示范称号）：{" · ".join(DEFAULT_MODEL_TITLES)}"""
    return intro + "\n\n" + _model_tables(SiteConfig, "sitegen") + "\n\n" + defaults


def _record_section(kind: str, model: type[BaseModel]) -> str:
    intro = "一个文件一条记录。未列出的字段是错误（`unknown-field`），必填字段缺少时报 `missing-field`。"
    note = RECORD_NOTES.get(kind)
    return intro + (f"{note}" if note else "") + "\n\n" + _model_tables(model, kind)


def _model_tables(model: type[BaseModel], root: str) -> str:
    """The model's fields, then one table per nested object, in order of first use."""
    schema = model.model_json_schema(mode="validation")
    defs: dict[str, dict[str, Any]] = schema.get("$defs", {})
    blocks = [_table(schema, defs)]
    seen: list[str] = []
    queue = list(_refs(schema))
    while queue:
        name = queue.pop(0)
        if name in seen:
            continue
        seen.append(name)
        queue += _refs(defs[name])
    for name in seen:
        node = defs[name]
        blocks.append(f"**{node.get('title', name)}**（`{_def_path(root, name, schema, defs)}`）的字段：\n\n{_table(node, defs)}")
    return "\n\n".join(blocks)


def _def_path(root: str, name: str, schema: dict[str, Any], defs: dict[str, dict[str, Any]]) -> str:
    """Where a nested object is written, e.g. `contact` or `coverage.milestones[]`."""
    ref = f"#/$defs/{name}"

    def find(node: dict[str, Any], prefix: str) -> str | None:
        for field, prop in node.get("properties", {}).items():
            text = json.dumps(prop)
            here = f"{prefix}{field}"
            if ref + '"' in text:
                suffix = "[]" if prop.get("type") == "array" else ".<键>" if "additionalProperties" in prop else ""
                return here + suffix
            for inner in _refs(prop):
                found = find(defs[inner], f"{here}{'[]' if prop.get('type') == 'array' else ''}.")
                if found:
                    return found
        return None

    return find(schema, "") or name


def _refs(node: Any) -> list[str]:
    text = json.dumps(node.get("properties", node) if isinstance(node, dict) else node)
    return list(dict.fromkeys(re.findall(r'"#/\$defs/([^"]+)"', text)))


def _table(node: dict[str, Any], defs: dict[str, dict[str, Any]]) -> str:
    required = set(node.get("required", ()))
    rows = ["| 字段 | 名称 | 必填 | 取值 | 默认 | 说明 |", "|---|---|---|---|---|---|"]
    for name, prop in node.get("properties", {}).items():
        rows.append(
            "| "
            + " | ".join(
                [
                    f"`{name}`",
                    _cell(_title(prop, defs)),
                    "是" if name in required else "",
                    _cell(_type(prop, defs)),
                    _cell(_default(prop)),
                    _cell(prop.get("description", "")),
                ]
            )
            + " |"
        )
    return "\n".join(rows)


def _title(prop: dict[str, Any], defs: dict[str, dict[str, Any]]) -> str:
    """A field's title, or the title of the object it holds (pydantic drops it there)."""
    if "title" in prop:
        return prop["title"]
    refs = _refs({"properties": {"": prop}})
    return defs[refs[0]].get("title", "") if len(refs) == 1 else ""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _default(prop: dict[str, Any]) -> str:
    if "default" not in prop or prop["default"] in (None, "", [], {}):
        return ""
    value = prop["default"]
    return f"`{json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value}`"


def _type(node: dict[str, Any], defs: dict[str, dict[str, Any]]) -> str:
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        return f"对象：{defs[name].get('title', name)}（见下）"
    if len(node.get("allOf", ())) == 1:
        return _type(node["allOf"][0], defs)
    if "anyOf" in node:
        options = [o for o in node["anyOf"] if o.get("type") != "null"]
        named = [o for o in options if o.get("pattern") in PATTERN_NAMES]
        return _type(named[0] if named else options[0], defs) if options else ""
    if VOCABULARY_KEY in node:
        return f"取自 sitegen.yaml 的 `{node[VOCABULARY_KEY]}`"
    if "enum" in node:
        return "可选：" + " · ".join(f"`{v}`" for v in node["enum"])
    kind = node.get("type")
    kind = kind[0] if isinstance(kind, list) else kind
    if kind == "string":
        return PATTERN_NAMES.get(node.get("pattern", ""), "日期 `YYYY-MM-DD`" if node.get("format") == "date" else "文字")
    if kind in ("integer", "number"):
        return ("整数" if kind == "integer" else "数字") + _range(node)
    if kind == "boolean":
        return "`true` 或 `false`"
    if kind == "array":
        return "列表，每项：" + _type(node.get("items", {}), defs)
    if kind == "object" and isinstance(node.get("additionalProperties"), dict):
        return "映射：键 → " + _type(node["additionalProperties"], defs)
    return kind or ""


def _range(node: dict[str, Any]) -> str:
    low, high = node.get("minimum"), node.get("maximum")
    if low is not None and high is not None:
        return f"，{low}–{high}"
    if low is not None:
        return f"，不小于 {low}"
    return f"，不大于 {high}" if high is not None else ""


# --- pages, rules, codes --------------------------------------------------------------------


def _pages_section() -> str:
    rows = ["| 网址 | 页面 | 内容 |", "|---|---|---|"]
    rows += [f"| `/{k.pattern}` | {k.title} | {_cell(k.description)} |" for k in PAGE_KINDS]
    return (
        "网址都在 `base_url` 的路径之下（`base_url: https://example.org/volunteer/` 时首页是 `/volunteer/`）。"
        "目录形式的网址由其中的 `index.html` 提供。`<…>` 代表一段路径。\n\n" + "\n".join(rows)
    )


def _rules_section() -> str:
    return "\n\n".join(f"### {title}\n\n{body.strip()}" for title, body in rules())


def _codes_section() -> str:
    rows = ["| 代码 | 含义 |", "|---|---|"] + [f"| `{code}` | {_cell(text)} |" for code, text in sorted(CATALOG.items())]
    return (
        "每个问题一行：`文件:行:列: 严重程度[代码]: 说明`。严重程度 `error` 使构建失败（退出码 1，输出目录不变），"
        "`warning` 只提示。`sitegen check --format json` 输出 `{file, line, column, severity, code, message}` 的数组。\n\n"
        + "\n".join(rows)
    )


# --- commands -------------------------------------------------------------------------------


def _commands_section() -> str:
    from sitegen.cli import main  # the CLI imports this package's siblings; import it late

    blocks = [
        "退出码：`0` 成功；`1` 内容有错误；`2` 用法错误（未知选项、缺少参数、输出目录不合适等）。"
        "每个命令都有 `-h`/`--help`。"
    ]
    for path, command in _commands(main, ("sitegen",)):
        blocks.append(_command_block(path, command))
    return "\n\n".join(blocks)


def _commands(group: click.Group, path: tuple[str, ...]) -> Iterable[tuple[tuple[str, ...], click.Command]]:
    context = click.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        if command is None or command.hidden:
            continue
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))
        else:
            yield (*path, name), command


def _command_block(path: tuple[str, ...], command: click.Command) -> str:
    context = click.Context(command, info_name=" ".join(path))
    usage = " ".join(command.collect_usage_pieces(context))
    help_text = " ".join((command.help or "").split())
    lines = [f"### `{' '.join(path)}`", "", f"`{' '.join(path)} {usage}`", "", help_text]
    options = [p for p in command.params if isinstance(p, click.Option) and not p.hidden]
    if options:
        lines += ["", "| 选项 | 说明 |", "|---|---|"]
        for option in options:
            names = ", ".join(f"`{n}`" for n in (*option.opts, *option.secondary_opts))
            help_line = " ".join((option.help or "").split())
            if isinstance(option.type, click.Choice):
                help_line += "（可选：" + " · ".join(f"`{c}`" for c in option.type.choices) + "）"
            if option.show_default and option.default not in (None, False, ""):
                help_line += f"（默认 `{option.default}`）"
            lines.append(f"| {names} | {_cell(help_line)} |")
    return "\n".join(lines)
