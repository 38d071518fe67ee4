"""The ledger as a workbook: sheets, columns, Chinese headers and the fields they hold.

One layout serves the three places a spreadsheet appears: the workbooks the site publishes
(`/data/associations.xlsx`, `/data/projects.xlsx`), the empty template (`sitegen template`),
and `sitegen import`, which reads a workbook laid out this way back into YAML. Keeping them one
table is what makes the round trip hold: a published workbook re-imported changes nothing.

The `协会` sheet has one row per association; the list fields (teams, trainings …) have a sheet
each, one row per item, keyed by the region code in their first column. Descriptions come from
the content models, so the template's explanation sheet says what the editors' guide says.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import get_args

from pydantic import BaseModel

from sitegen.load import models
from sitegen.load.config import SiteConfig

# Column kinds: how a value is written to a cell and read back from one.
CODE = "code"  # text that looks like a number: region codes, credit codes, serials, phones
TEXT = "text"
LONG_TEXT = "longtext"  # Markdown; line breaks kept
DATE = "date"
INT = "int"  # non-negative whole number
NUMBER = "number"
YEAR = "year"
BOOL = "bool"
CHOICE = "choice"  # one of a vocabulary, shown by its Chinese label
LIST = "list"  # several values in one cell, separated by 、

LIST_SEPARATOR = "、"
TRUE_LABEL, FALSE_LABEL = "是", "否"

STATUS_LABELS = {"active": "正常", "preparing": "筹备中", "dissolved": "已撤销"}
PROJECT_STATUS_LABELS = {"running": "进行中", "paused": "暂停", "completed": "已结项"}


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: each column is one object
class Column:
    """One column: where its value lives in a record, and how it looks in a cell."""

    path: tuple[str, ...]  # in the record (a list sheet: in the item)
    header: str
    kind: str
    model: type[BaseModel] | None = None  # whose field it is: its description explains it
    labels: dict[str, str] | None = None  # stored value -> label shown in the cell (CHOICE)
    vocabulary: str | None = None  # a configured vocabulary: brands, targets, funding
    aliases: tuple[str, ...] = ()  # other headers read as this column (English names …)
    required: bool = False
    length: int | None = None  # a code of exactly this many characters (checked in the template)

    @property
    def description(self) -> str:
        if self.model is None:
            return ""
        info = self.model.model_fields[self.path[-1]]
        return info.description or ""


@dataclass(frozen=True, eq=False)
class Sheet:
    """A sheet of records (`list_path` empty) or of one list field's items."""

    name: str
    kind: str  # "association" | "project"
    key: Column  # region code (associations and their lists) or file name (projects)
    columns: tuple[Column, ...]
    list_path: tuple[str, ...] = ()
    derived: tuple[str, ...] = ()  # headers written for readers, ignored on import
    aliases: tuple[str, ...] = ()  # other sheet names read as this one

    @property
    def all_columns(self) -> tuple[Column, ...]:
        return (self.key, *self.columns)


def _choice(model: type[BaseModel], name: str) -> dict[str, str]:
    """The Literal values of a field, each shown as itself."""
    annotation = model.model_fields[name].annotation
    values: list[str] = []
    for arg in (annotation, *get_args(annotation)):
        values += [v for v in get_args(arg) if isinstance(v, str)]
    return {v: v for v in values}


def _c(path: str, header: str, kind: str, model: type[BaseModel] | None, **kwargs) -> Column:
    return Column(tuple(path.split(".")), header, kind, model, **kwargs)


A, M = models.Association, models
REGION = _c("region", "区划代码", CODE, A, aliases=("region", "行政区划代码", "区划"), required=True, length=6)
# Read as the region code of the association a list item belongs to.
OWNER = Column(("region",), "区划代码", CODE, None, aliases=("region", "行政区划代码", "协会区划代码", "区划"), required=True, length=6)
OWNER_NAME = "协会全称"

ASSOCIATIONS = Sheet(
    "协会",
    "association",
    REGION,
    (
        _c("serial", "统一编号", CODE, A, aliases=("serial", "编号")),
        _c("name", "协会全称", TEXT, A, aliases=("name", "协会名称", "名称"), required=True),
        _c("kind", "协会类型", CHOICE, A, labels=_choice(A, "kind"), aliases=("kind", "类型")),
        _c("status", "状态", CHOICE, A, labels=STATUS_LABELS, aliases=("status", "协会状态")),
        _c("founded", "成立日期", DATE, A, aliases=("founded", "成立时间")),
        _c("dissolved", "撤销日期", DATE, A, aliases=("dissolved", "撤销时间")),
        _c("credit_code", "统一社会信用代码", CODE, A, aliases=("credit_code", "信用代码"), length=18),
        _c("supervisor", "业务主管单位", TEXT, A, aliases=("supervisor", "主管单位")),
        _c("contact.address", "办公地址", TEXT, M.Contact, aliases=("address", "地址")),
        _c("contact.phone", "办公电话", CODE, M.Contact, aliases=("phone", "电话", "联系电话")),
        _c("contact.email", "电子邮箱", TEXT, M.Contact, aliases=("email", "邮箱")),
        _c("contact.website", "网站", TEXT, M.Contact, aliases=("website", "协会网站", "网站地址")),
        _c("volunteers.registered", "注册志愿者人数", INT, M.Volunteers, aliases=("volunteers_registered", "注册志愿者")),
        _c("volunteers.as_of", "志愿者统计日期", DATE, M.Volunteers, aliases=("volunteers_as_of",)),
        _c("governance.charter", "有章程", BOOL, M.Governance, aliases=("章程",)),
        _c("governance.party_org", "有党组织", BOOL, M.Governance, aliases=("党组织",)),
        _c("governance.league_org", "有团组织", BOOL, M.Governance, aliases=("团组织",)),
        _c("governance.disclosure_url", "信息公开网址", TEXT, M.Governance, aliases=("disclosure_url",)),
        _c("registration.authority", "登记管理机关", TEXT, M.Registration, aliases=("registration_authority",)),
        _c("registration.certificate_from", "证书有效期起", DATE, M.Registration, aliases=("registration_certificate_from",)),
        _c("registration.certificate_until", "证书有效期至", DATE, M.Registration, aliases=("registration_certificate_until",)),
        _c("registration.rating", "评估等级", CHOICE, M.Registration, labels={f"{n}A": f"{n}A" for n in range(1, 6)}, aliases=("registration_rating", "社会组织评估等级")),
        _c("registration.rating_until", "评估等级有效期至", DATE, M.Registration, aliases=("registration_rating_until",)),
        _c("registration.unit_members", "单位会员数", INT, M.Registration, aliases=("registration_unit_members",)),
        _c("registration.individual_members", "个人会员数", INT, M.Registration, aliases=("registration_individual_members",)),
        _c("registration.directors", "理事人数", INT, M.Registration, aliases=("registration_directors",)),
        _c("registration.supervisors", "监事人数", INT, M.Registration, aliases=("registration_supervisors",)),
        _c("registration.charter_approved", "章程核准日期", DATE, M.Registration, aliases=("registration_charter_approved",)),
        _c("description", "简介", LONG_TEXT, A, aliases=("description", "协会简介")),
        _c("updated", "核对日期", DATE, A, aliases=("updated", "台账核对日期")),
    ),
    # What the published workbook adds for its readers (and the CSV export's derived columns).
    derived=("所在地", "级别", "上级协会", "示范年份", "网址", "level", "parent", "url", "model_years",
             "teams", "group_members", "trainings", "bases", "registration_annual_reports", "序号"),
    aliases=("协会台账", "台账", "associations"),
)


def _list_sheet(name: str, path: str, model: type[BaseModel], columns: tuple[Column, ...], *aliases: str) -> Sheet:
    return Sheet(name, "association", OWNER, columns, tuple(path.split(".")), (OWNER_NAME, "序号"), aliases)


LIST_SHEETS = (
    _list_sheet("负责人", "leaders", M.Leader, (
        _c("role", "职务", TEXT, M.Leader, aliases=("role",), required=True),
        _c("name", "姓名", TEXT, M.Leader, aliases=("name",), required=True),
    ), "leaders"),
    _list_sheet("服务队", "teams", M.Team, (
        _c("name", "队名", TEXT, M.Team, aliases=("name", "名称", "服务队名称"), required=True),
        _c("type", "类型", CHOICE, M.Team, labels=_choice(M.Team, "type"), aliases=("type",)),
        _c("members", "队员人数", INT, M.Team, aliases=("members", "人数")),
    ), "基层志愿服务队", "teams"),
    _list_sheet("团体会员", "group_members", M.GroupMember, (
        _c("name", "名称", TEXT, M.GroupMember, aliases=("name", "单位名称"), required=True),
        _c("joined", "入会日期", DATE, M.GroupMember, aliases=("joined",)),
    ), "group_members"),
    _list_sheet("培训", "trainings", M.Training, (
        _c("date", "日期", DATE, M.Training, aliases=("date", "培训日期"), required=True),
        _c("title", "名称", TEXT, M.Training, aliases=("title", "培训名称"), required=True),
        _c("participants", "参训人数", INT, M.Training, aliases=("participants", "人数")),
    ), "trainings"),
    _list_sheet("服务阵地", "bases", M.ServiceBase, (
        _c("name", "名称", TEXT, M.ServiceBase, aliases=("name", "阵地名称"), required=True),
        _c("type", "类型", CHOICE, M.ServiceBase, labels=_choice(M.ServiceBase, "type"), aliases=("type",)),
        _c("address", "地址", TEXT, M.ServiceBase, aliases=("address",)),
    ), "bases"),
    _list_sheet("荣誉", "honors", M.Honor, (
        _c("year", "年份", YEAR, M.Honor, aliases=("year",), required=True),
        _c("title", "称号", TEXT, M.Honor, aliases=("title", "荣誉称号"), required=True),
        _c("by", "授予单位", TEXT, M.Honor, aliases=("by",)),
    ), "honors", "荣誉表彰"),
    _list_sheet("年度报告", "registration.annual_reports", M.AnnualReport, (
        _c("year", "年度", YEAR, M.AnnualReport, aliases=("year",), required=True),
        _c("result", "结论", CHOICE, M.AnnualReport, labels=_choice(M.AnnualReport, "result"), aliases=("result",)),
        _c("url", "公开网址", TEXT, M.AnnualReport, aliases=("url",)),
    ), "annual_reports", "年报"),
)  # fmt: skip

P = models.Project
PROJECTS = Sheet(
    "项目",
    "project",
    Column(("slug",), "文件名", CODE, None, aliases=("slug", "项目文件名"), required=True),
    (
        _c("title", "项目名称", TEXT, P, aliases=("title", "名称"), required=True),
        _c("association", "承办协会区划代码", CODE, P, aliases=("association", "承办协会"), required=True, length=6),
        _c("brand", "品牌", CHOICE, P, vocabulary="brands", aliases=("brand", "品牌项目"), required=True),
        _c("targets", "服务对象", LIST, P, vocabulary="targets", aliases=("targets",)),
        _c("summary", "简介", TEXT, P, aliases=("summary",), required=True),
        _c("started", "开始日期", DATE, P, aliases=("started",)),
        _c("status", "状态", CHOICE, P, labels=PROJECT_STATUS_LABELS, aliases=("status",)),
        _c("regular", "常态化开展", BOOL, P, aliases=("regular",)),
        _c("schedule", "服务时间", TEXT, P, aliases=("schedule",)),
        _c("volunteers", "参与志愿者", NUMBER, P, aliases=("volunteers",)),
        _c("service_hours", "服务时长", NUMBER, P, aliases=("service_hours",)),
        _c("beneficiaries", "受益人次", NUMBER, P, aliases=("beneficiaries",)),
        _c("funding", "资金来源", LIST, P, vocabulary="funding", aliases=("funding",)),
        _c("library_year", "入库年份", YEAR, P, aliases=("library_year",)),
        _c("featured", "上线推介", BOOL, P, aliases=("featured",)),
        _c("images", "图片", LIST, P, aliases=("images",)),
        _c("description", "详细介绍", LONG_TEXT, P, aliases=("description",)),
    ),
    derived=("承办协会名称", "品牌键", "网址", "association_name", "brand_name", "url", "序号"),
    aliases=("项目库", "projects"),
)

SHEETS: tuple[Sheet, ...] = (ASSOCIATIONS, *LIST_SHEETS, PROJECTS)
GUIDE_SHEET = "填表说明"
LISTS_SHEET = "词表"  # hidden: the dropdowns' values


@dataclass(frozen=True)
class Vocabularies:
    """The label shown for each stored value, per column, for one site's configuration."""

    labels: dict[tuple[str, tuple[str, ...]], dict[str, str]] = field(default_factory=dict)

    def of(self, sheet: Sheet, column: Column) -> dict[str, str] | None:
        return self.labels.get((sheet.name, column.path))


def vocabularies(config: SiteConfig) -> Vocabularies:
    """Value -> label of every CHOICE and vocabulary LIST column, for this site's config."""
    configured = {
        "brands": {key: brand.name for key, brand in config.brands.items()},
        "targets": {t: t for t in config.targets},
        "funding": {f: f for f in config.funding},
    }
    labels = {}
    for sheet in SHEETS:
        for column in sheet.columns:
            found = configured[column.vocabulary] if column.vocabulary else column.labels
            if found is not None:
                labels[(sheet.name, column.path)] = dict(found)
    return Vocabularies(labels)


def sheet_named(name: str) -> Sheet | None:
    """The sheet a workbook's sheet name stands for (its own name or an alias)."""
    wanted = normalize_header(name)
    for sheet in SHEETS:
        if wanted in {normalize_header(n) for n in (sheet.name, *sheet.aliases)}:
            return sheet
    return None


def normalize_header(text: str) -> str:
    """Headers as people type them: spaces, the required-mark *, notes in brackets dropped."""
    text = unicodedata.normalize("NFKC", str(text)).strip().lower()
    text = re.sub(r"[（(\[【][^）)\]】]*[）)\]】]", "", text)
    return re.sub(r"[\s*＊:：]", "", text)
