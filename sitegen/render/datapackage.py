"""The open data described: `/data/datapackage.json` (a Frictionless Data Package) and the
`/data/` page, both from one description of every published file and its fields.

Field titles and descriptions come from the content models and the ledger layout, so the data
package says what the editors' guide says; the derived columns (level, parent, url, counts,
coverage and evaluation figures) are described here. Tabular files (CSV, and the JSON arrays of
records) get a Table Schema; coverage.json and evaluation.json are documents, described in words.
The descriptor is dated by the ledger date, never the clock, so builds stay byte-identical.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from sitegen.domain import evaluation, ledger
from sitegen.link import urls
from sitegen.link.site import Site
from sitegen.load.models import Association, Project

PROFILE = "data-package"
MEDIA_TYPES = {
    "json": "application/json",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Table Schema types of the ledger's column kinds
KIND_TYPES = {ledger.DATE: "date", ledger.INT: "integer", ledger.YEAR: "year", ledger.NUMBER: "number", ledger.BOOL: "boolean"}


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    title: str
    description: str = ""

    def schema(self) -> dict[str, Any]:
        item: dict[str, Any] = {"name": self.name, "type": self.type, "title": self.title}
        if self.description:
            item["description"] = self.description
        if self.type == "boolean":
            item.update(trueValues=["是", "true"], falseValues=["否", "false"])
        return item


@dataclass(frozen=True)
class DataFile:
    """One published dataset: its name, what it holds, its formats and its fields."""

    name: str
    title: str
    description: str
    formats: tuple[str, ...]
    csv_fields: tuple[Field, ...] = ()
    json_fields: tuple[Field, ...] = ()  # empty: the JSON file is a document, not a table
    key: str | None = None


DERIVED = {
    "url": Field("url", "string", "网址", "本站中该记录页面的地址（含子路径）"),
    "level": Field("level", "string", "级别", "national 全国 · province 省级 · city 市级 · county 县级，由区划代码推出"),
    "parent": Field("parent", "string", "上级协会", "区划链上最近的已登记协会的区划代码（席位制），没有时为空"),
    "model_years": Field("model_years", "string", "示范年份", "获得示范称号的年份，以空格分隔"),
    "teams": Field("teams", "integer", "服务队数", "基层志愿服务队的数量"),
    "group_members": Field("group_members", "integer", "团体会员数", "团体会员的数量"),
    "trainings": Field("trainings", "integer", "培训次数", "培训记录的数量"),
    "bases": Field("bases", "integer", "服务阵地数", "服务阵地的数量"),
    "registration_annual_reports": Field("registration_annual_reports", "string", "已报送年报年度", "已登记年度报告的年度，以空格分隔"),
    "slug": Field("slug", "string", "文件名", "项目的文件名，也是其网址的一部分"),
    "association_name": Field("association_name", "string", "承办协会名称", "承办协会的全称"),
    "brand_name": Field("brand_name", "string", "品牌名称", "品牌的中文名称"),
    "volunteers_registered": Field("volunteers_registered", "integer", "注册志愿者人数", "注册青年志愿者人数"),
    "volunteers_as_of": Field("volunteers_as_of", "date", "志愿者统计日期", "人数的统计日期"),
    "counties": Field("counties", "integer", "县级单位数", "范围内计入覆盖率的县级单位数"),
    "covered": Field("covered", "integer", "已建协会数", "截至统计日已建立协会的县级单位数"),
    "rate": Field("rate", "number", "覆盖率", "已建协会数 ÷ 县级单位数，0 到 1 之间，未经四舍五入"),
    "province": Field("province", "string", "所属省份", "所属省级区划代码"),
    "score": Field("score", "number", "得分", f"建设评估清单的得分，满分 {evaluation.MAX_SCORE}"),
}


def _model_field(model: type[BaseModel], name: str, kind: str = "string") -> Field:
    info = model.model_fields[name]
    return Field(name, kind, info.title or name, info.description or "")


def _ledger_fields(sheet: ledger.Sheet, prefix: str = "") -> dict[str, Field]:
    """CSV names of the ledger's columns: `address` for contact.address, registration_… ."""
    found = {}
    for column in sheet.all_columns:
        name = column.path[-1] if column.path[0] in ("contact",) else "_".join(column.path)
        found[prefix + name] = Field(prefix + name, KIND_TYPES.get(column.kind, "string"), column.header, column.description)
    return found


def _json_type(model: type[BaseModel], name: str) -> str:
    annotation = str(model.model_fields[name].annotation)
    if "list" in annotation:
        return "array"
    for kind, words in (("object", ("Contact", "Volunteers", "Governance", "Registration")), ("date", ("date",)),
                        ("boolean", ("bool",)), ("integer", ("int",)), ("number", ("float",))):
        if any(word in annotation for word in words):
            return kind
    return "string"


def _json_fields(model: type[BaseModel], before: tuple[str, ...], after: tuple[str, ...]) -> tuple[Field, ...]:
    own = tuple(_model_field(model, name, _json_type(model, name)) for name in model.model_fields)
    return tuple(DERIVED[n] for n in before) + own + tuple(DERIVED[n] for n in after)


def _csv_fields(header: list[str], known: dict[str, Field]) -> tuple[Field, ...]:
    fields = []
    for name in header:
        field = known.get(name) or DERIVED.get(name)
        milestone = re.fullmatch(r"covered_(\d{4}-\d{2}-\d{2})", name)
        if field is None and milestone:
            field = Field(name, "integer", f"截至 {milestone.group(1)} 已建数", f"截至阶段目标日期 {milestone.group(1)}（含当天）已建立协会的县级单位数")
        if field is None:
            raise KeyError(f"no description for data column {name!r}")
        fields.append(Field(name, field.type, field.title, field.description))
    return tuple(fields)


def data_files(site: Site, headers: dict[str, list[str]]) -> list[DataFile]:
    """Every dataset the site publishes under /data/, in the order the /data/ page lists them;
    `headers` are the CSV files' header rows by dataset (opendata.csv_headers)."""
    association_known = _ledger_fields(ledger.ASSOCIATIONS)
    project_known = _ledger_fields(ledger.PROJECTS)
    project_known.update({"volunteers": Field("volunteers", "number", "参与志愿者", project_known["volunteers"].description)})
    indicator_fields = {i.key: Field(i.key, "number", i.name, f"“{i.name}”指标的得分（满分 {i.weight}）：{i.explanation}") for i in evaluation.INDICATORS}
    return [
        DataFile("associations", "协会台账", "各级青年志愿者协会的组织台账，一个协会一条记录：统一编号、成立与登记信息、联系方式、负责人、服务队、团体会员、培训、服务阵地、荣誉等。",
                 ("json", "csv", "xlsx"), _csv_fields(headers["associations"], association_known),
                 _json_fields(Association, (), ("url", "level", "parent")), "region"),
        DataFile("projects", "志愿服务项目库", "项目库中的志愿服务项目，一个项目一条记录：承办协会、品牌、服务对象、开展情况、资金来源等。",
                 ("json", "csv", "xlsx"), _csv_fields(headers["projects"], project_known),
                 (DERIVED["slug"], *_json_fields(Project, (), ("url",))), "slug"),
        DataFile("coverage", "县级协会覆盖率", "范围内（全国或本站范围）及各省县级青年志愿者协会的覆盖情况：县级单位数、已建数、覆盖率和历次阶段目标日期的已建数。JSON 另含随时间变化的序列。",
                 ("json", "csv", "xlsx"), _csv_fields(headers["coverage"], {"region": Field("region", "string", "区划代码", "省级区划代码；全国一行为 100000"), "name": Field("name", "string", "名称", "省份名称")})),
        DataFile("evaluation", "建设工作评估", "每个县级协会的建设评估清单得分及各项指标得分，只依据台账计算，不是排名。JSON 另含每一项检查的结果与说明。",
                 ("json", "csv", "xlsx"), _csv_fields(headers["evaluation"], {**indicator_fields, "region": Field("region", "string", "区划代码", "协会的区划代码"), "name": Field("name", "string", "协会名称", "协会全称"), "status": Field("status", "string", "状态", "active 正常 · preparing 筹备中 · dissolved 已撤销")})),
    ]


def _package_name(base_url: str) -> str:
    name = re.sub(r"^https?://", "", base_url).strip("/").lower()
    return re.sub(r"[^-a-z0-9._]+", "-", name).strip("-") or "sitegen"


def _resource(item: DataFile, fmt: str) -> dict[str, Any]:
    titles = {"json": "JSON", "csv": "CSV（UTF-8，带 BOM，Excel 可直接打开）", "xlsx": "Excel 工作簿"}
    resource: dict[str, Any] = {
        "name": f"{item.name}-{fmt}",
        "path": f"{item.name}.{fmt}",
        "title": f"{item.title}（{titles[fmt]}）",
        "description": item.description,
        "format": fmt,
        "mediatype": MEDIA_TYPES[fmt],
    }
    if fmt in ("json", "csv"):
        resource["encoding"] = "utf-8"
    fields = item.csv_fields if fmt == "csv" else item.json_fields if fmt == "json" else ()
    if fields:
        resource["profile"] = "tabular-data-resource"
        schema: dict[str, Any] = {"fields": [f.schema() for f in fields]}
        if item.key:
            schema["primaryKey"] = [item.key]
        resource["schema"] = schema
    if fmt == "xlsx":
        resource["description"] += " 表头为中文，代码列为文本格式，日期为日期格式；表名与列的说明见工作簿中的说明表。"
    return resource


def descriptor(site: Site, headers: dict[str, list[str]]) -> dict[str, Any]:
    config = site.config
    package: dict[str, Any] = {
        "profile": PROFILE,
        "name": _package_name(config.base_url),
        "title": f"{config.title} · 开放数据",
        "description": "本站公开的组织台账、项目库、覆盖率和建设评估数据，每个数据集提供 JSON、CSV 和 Excel 三种格式。以 =、+、-、@ 开头的文字前加了一个英文单引号 '，防止在表格程序中被当作公式执行。",
        "homepage": urls.absolute(config.base_url, urls.DATA_PAGE),
        "created": f"{site.as_of.isoformat()}T00:00:00+08:00",
        "updated": site.as_of.isoformat(),
        "keywords": ["青年志愿者协会", "组织台账", "志愿服务项目", "覆盖率"],
    }
    license = config.data_license
    if license is not None and (license.name or license.path):
        package["licenses"] = [{k: v for k, v in license.model_dump().items() if v}]
    package["resources"] = [_resource(item, fmt) for item in data_files(site, headers) for fmt in item.formats]
    return package


def datapackage_json(site: Site, headers: dict[str, list[str]]) -> bytes:
    return (json.dumps(descriptor(site, headers), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
