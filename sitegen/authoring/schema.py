"""JSON Schemas for editors: one per record kind and one for `sitegen.yaml` (`sitegen schema`).

Editors (VS Code with the YAML language server, JetBrains IDEs) read them to show the Chinese
titles and descriptions on hover, to complete field names and the site's vocabularies, and to
mark mistakes while the editor types. `check` stays the authority: a schema says what JSON
Schema can say about one file (shapes, enums, patterns, the status rules below) and nothing
that needs other files (references, the division table, duplicate keys, credit-code checksums).

The schemas come from the pydantic models, then are made to match what `check` accepts:
- draft-07 (what the YAML language server supports), definitions under `definitions`;
- free-text fields also accept numbers, because the models turn `name: 2024` into "2024";
- the site's configured brands, targets and funding sources become enums;
- the association's status rules become `if`/`then`.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from pydantic import BaseModel

from sitegen.load.config import SiteConfig
from sitegen.load.fieldtypes import VOCABULARY_KEY
from sitegen.load.models import MODELS

DRAFT = "http://json-schema.org/draft-07/schema#"
CONFIG_SCHEMA = "sitegen"  # file stem of the config's schema: sitegen.schema.json
SCHEMA_DIR = ".schemas"

DESCRIPTIONS = {
    "association": "sitegen 协会台账：content/associations/<区划代码>.yaml，一个协会一个文件。",
    "project": "sitegen 项目库：content/projects/<文件名>.yaml，一个项目一个文件。",
    "story": "sitegen 典型事迹：content/stories/<文件名>.md 开头 --- 之间的头信息。",
    "page": "sitegen 自由页面：content/pages/<文件名>.md 开头 --- 之间的头信息。",
    CONFIG_SCHEMA: "sitegen 站点配置 sitegen.yaml。",
}
NOTE = "由 sitegen schema 生成，请勿手改；修改 sitegen.yaml 的词表后删除本目录并重新运行 sitegen schema。引用、区划代码表和信用代码校验位只有 sitegen check 检查。"

# The association rules of load._association_rules that JSON Schema can express. The order of
# dates (dissolved not before founded) compares two values, which JSON Schema cannot do.
ASSOCIATION_RULES: list[dict[str, Any]] = [
    {
        "if": {"properties": {"status": {"enum": ["preparing", "筹备中"]}}, "required": ["status"]},
        "else": {"required": ["founded"], "properties": {"founded": {"not": {"type": "null"}}}},
    },
    {
        "if": {"properties": {"status": {"enum": ["dissolved", "已撤销"]}}, "required": ["status"]},
        "then": {"required": ["dissolved"], "properties": {"dissolved": {"not": {"type": "null"}}}},
        "else": {"properties": {"dissolved": {"type": "null"}}},
    },
]


def file_name(name: str) -> str:
    """'association' -> 'association.schema.json'."""
    return f"{name}.schema.json"


def schema_names() -> list[str]:
    return [*MODELS, CONFIG_SCHEMA]


def build_schemas(config: SiteConfig) -> dict[str, dict[str, Any]]:
    """Every schema by name (the record kinds and 'sitegen'), for the site's vocabularies."""
    vocabularies = _vocabularies(config)
    schemas = {kind: _schema(model, kind, vocabularies) for kind, model in MODELS.items()}
    schemas[CONFIG_SCHEMA] = _schema(SiteConfig, CONFIG_SCHEMA, vocabularies)
    schemas["association"]["allOf"] = copy.deepcopy(ASSOCIATION_RULES)
    return schemas


def render(schema: dict[str, Any]) -> str:
    """Stable text: the same config gives byte-identical files."""
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def _vocabularies(config: SiteConfig) -> dict[str, tuple[list[str], list[str]]]:
    """name -> (allowed values, a description of each)."""
    return {
        # a brand may be written by its key or its name (`brand: 金晖助老`)
        "brands": (
            [*config.brands, *(b.name for b in config.brands.values())],
            [f"{b.name}：{b.description}" if b.description else b.name for b in config.brands.values()] * 2,
        ),
        "targets": (list(config.targets), list(config.targets)),
        "funding": (list(config.funding), list(config.funding)),
    }


def _schema(model: type[BaseModel], name: str, vocabularies: dict[str, tuple[list[str], list[str]]]) -> dict[str, Any]:
    raw = model.model_json_schema(ref_template="#/definitions/{model}", mode="validation")
    definitions = raw.pop("$defs", None)
    schema: dict[str, Any] = {"$schema": DRAFT, "$comment": NOTE}
    schema.update(raw)
    schema["description"] = DESCRIPTIONS[name]
    if definitions:
        schema["definitions"] = definitions
    return _adapt(schema, vocabularies)


def _adapt(node: Any, vocabularies: dict[str, tuple[list[str], list[str]]]) -> Any:
    if isinstance(node, list):
        return [_adapt(item, vocabularies) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _adapt(value, vocabularies) for key, value in node.items()}
    vocabulary = node.pop(VOCABULARY_KEY, None)
    if vocabulary is not None:
        values, descriptions = vocabularies[vocabulary]
        node["enum"] = values
        node["enumDescriptions"] = descriptions  # shown beside completions (VS Code)
    elif node.get("type") == "string" and not {"enum", "const", "format", "pattern"} & node.keys():
        node["type"] = ["string", "number"]  # the models accept numbers for free text
    if "$ref" in node and len(node) > 1:
        # draft-07 ignores the siblings of $ref; keep the field's title and description
        node = {"allOf": [{"$ref": node.pop("$ref")}], **node}
    return node
