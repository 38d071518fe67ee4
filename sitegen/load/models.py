"""Typed content models, one per record kind (docs/reference.md lists their fields). Closed: unknown fields are errors.

Rules that span several fields (dates in order, status-dependent fields) live in
`load.py`, where each error can point at the field it concerns.

Titles and descriptions are for editors: `sitegen schema` turns them into the JSON Schemas
their editor shows on hover and completion. They do not change validation.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ConfigDict, Field

from sitegen.load.fieldtypes import (
    BrandKey,
    Closed,
    CreditCode,
    FundingSource,
    IsoDate,
    Link,
    NonNegInt,
    NonNegNumber,
    Region,
    RegionRef,
    StrictBool,
    StrictInt,
    TargetGroup,
    Text,
    Year,
    choice,
    described,
)
from sitegen.load.serials import Serial

# Fixed vocabularies: key -> the Chinese name shown on pages. Either may be written in a file
# (`status: 筹备中` is `preparing`); a wrong value's message lists every "键（中文名）".
STATUS_LABELS = {"active": "正常", "preparing": "筹备中", "dissolved": "已撤销"}
PROJECT_STATUS_LABELS = {"running": "进行中", "paused": "暂停", "completed": "已结项"}
KIND_WORDS = ("青年志愿者协会", "志愿者协会", "志愿服务联合会")
TEAM_TYPE_WORDS = ("乡镇街道", "学校", "行业", "企业", "社区", "其他")
BASE_TYPE_WORDS = ("青年之家", "党群服务中心", "公共文化设施", "社区", "其他")


def _named(options: dict[str, str], label: str) -> Any:
    """The Literal of `options`' keys, also accepting their names (in the editors' schema too)."""
    return Annotated[
        Literal[tuple(options)],  # type: ignore[valid-type]
        choice(options, label),
        Field(json_schema_extra={"enum": list(dict.fromkeys([*options, *options.values()]))}),
    ]


AssociationKind = _named({w: w for w in KIND_WORDS}, "协会类型")
AssociationStatus = _named(STATUS_LABELS, "状态")
TeamType = _named({w: w for w in TEAM_TYPE_WORDS}, "服务队类型")
BaseType = _named({w: w for w in BASE_TYPE_WORDS}, "阵地类型")
ProjectStatus = _named(PROJECT_STATUS_LABELS, "项目状态")
# 社会组织评估等级 (民政部《社会组织评估管理办法》): 1A to 5A, valid five years.
Rating = _named({w: w for w in ("1A", "2A", "3A", "4A", "5A")}, "评估等级")
# 年度报告 / 年检结论 as registry authorities publish them.
ReportResult = _named({w: w for w in ("合格", "基本合格", "不合格", "已报送")}, "年检结论")
# Under static/, relative, no "..", no backslash or colon (the rule in load._static_file).
STATIC_PATH_PATTERN = r"^(?!/)(?!(?:.*/)?\.\.(?:/|$))[^\\:]+$"
StaticPath = Annotated[str, Field(min_length=1, json_schema_extra={"pattern": STATIC_PATH_PATTERN})]


class Contact(Closed):
    model_config = ConfigDict(title="联系方式")

    address: str | None = described("办公地址", "协会办公地址，例如：杭州市西湖区保俶路 1 号", None)
    phone: str | None = described("办公电话", "协会的办公电话，例如：0571-87654321。这是唯一可以写电话号码的字段，请勿填写个人手机号", None)
    email: str | None = described("电子邮箱", "协会的公开邮箱，例如：xhqx@example.org", None)
    website: Link | None = described("网站", "协会网站的完整网址，例如：https://example.org/", None)


class Leader(Closed):
    model_config = ConfigDict(title="负责人")

    role: Text = described("职务", "例如：会长、副会长、秘书长")
    name: Text = described("姓名", "负责人姓名（公开信息），例如：张三")


class Volunteers(Closed):
    model_config = ConfigDict(title="注册志愿者")

    registered: NonNegInt = described("注册人数", "注册青年志愿者人数，整数，例如：1200")
    as_of: IsoDate | None = described("统计日期", "人数的统计日期，YYYY-MM-DD，例如：2024-06-30", None)


class Team(Closed):
    model_config = ConfigDict(title="基层志愿服务队")

    name: Text = described("队名", "例如：北山街道青年志愿服务队")
    type: TeamType = described("类型", "乡镇街道 · 学校 · 行业 · 企业 · 社区 · 其他", "其他")
    members: NonNegInt | None = described("队员人数", "整数，例如：40", None)


class GroupMember(Closed):
    model_config = ConfigDict(title="团体会员")

    name: Text = described("名称", "团体会员单位名称，例如：××中学团委")
    joined: IsoDate | None = described("入会日期", "YYYY-MM-DD，例如：2023-03-01", None)


class Training(Closed):
    model_config = ConfigDict(title="培训")

    date: IsoDate = described("日期", "培训日期，YYYY-MM-DD，例如：2024-05-20")
    title: Text = described("名称", "例如：2024年度青年志愿者骨干培训")
    participants: NonNegInt | None = described("参训人数", "整数，例如：60", None)


class ServiceBase(Closed):
    model_config = ConfigDict(title="服务阵地")

    name: Text = described("名称", "例如：西湖区青年之家（文新）")
    type: BaseType = described("类型", "青年之家 · 党群服务中心 · 公共文化设施 · 社区 · 其他", "其他")
    address: str | None = described("地址", "例如：杭州市西湖区文一西路 2 号", None)


class Governance(Closed):
    model_config = ConfigDict(title="治理与公开")

    charter: StrictBool = described("章程", "是否制定了协会章程：true 或 false", False)
    party_org: StrictBool = described("党组织", "是否建立了党组织：true 或 false", False)
    league_org: StrictBool = described("团组织", "是否建立了团组织：true 或 false", False)
    disclosure_url: Link | None = described("信息公开网址", "协会信息公开页面的网址，例如：https://example.org/xxgk/", None)


class Honor(Closed):
    model_config = ConfigDict(title="荣誉")

    year: Year = described("年份", "获得荣誉的年份，整数，例如：2021")
    title: Text = described("称号", "荣誉称号，例如：示范县级青年志愿者协会（与 sitegen.yaml 中 model_titles 完全一致时标为示范协会）")
    by: str | None = described("授予单位", "例如：共青团中央", None)


class AnnualReport(Closed):
    model_config = ConfigDict(title="年度报告")

    year: Year = described("年度", "报告所属年度，整数，例如：2023")
    result: ReportResult | None = described("结论", "合格 · 基本合格 · 不合格 · 已报送（尚无结论）", None)
    url: Link | None = described("公开网址", "年度报告公开页面的网址", None)


def _rating(value: Any) -> Any:
    """5A, ５Ａ, 5A级 and AAAAA all mean the same grade."""
    if not isinstance(value, str):
        return value
    text = unicodedata.normalize("NFKC", value).strip().upper().removesuffix("级")
    if text and set(text) == {"A"} and len(text) <= 5:
        return f"{len(text)}A"
    return text


class Registration(Closed):
    model_config = ConfigDict(title="登记信息")

    authority: str | None = described("登记管理机关", "颁发登记证书的民政部门，例如：杭州市西湖区民政局", None)
    certificate_from: IsoDate | None = described("证书有效期起", "社会团体法人登记证书有效期的起始日期，YYYY-MM-DD", None)
    certificate_until: IsoDate | None = described("证书有效期至", "社会团体法人登记证书有效期的截止日期，YYYY-MM-DD；过期后页面上会标出", None)
    rating: Annotated[Rating, BeforeValidator(_rating)] | None = described("评估等级", "社会组织评估等级：1A · 2A · 3A · 4A · 5A（也可写 AAAAA）", None)
    rating_until: IsoDate | None = described("评估等级有效期至", "评估等级的有效期截止日期（一般为评定后 5 年），YYYY-MM-DD；过期后页面上会标出", None)
    annual_reports: list[AnnualReport] = described("年度报告", "每项写 year 年度、result 结论、url 公开网址", default_factory=list)
    unit_members: NonNegInt | None = described("单位会员数", "单位会员的数量，整数", None)
    individual_members: NonNegInt | None = described("个人会员数", "个人会员的数量，整数", None)
    directors: NonNegInt | None = described("理事人数", "理事会理事人数，整数", None)
    supervisors: NonNegInt | None = described("监事人数", "监事（会）人数，整数", None)
    charter_approved: IsoDate | None = described("章程核准日期", "登记管理机关核准现行章程的日期，YYYY-MM-DD", None)


# Dates that end a validity period lie in the future as often as not: they are not events of
# the ledger and never move the ledger date (records.latest_content_date).
VALIDITY_ENDS = frozenset({"certificate_until", "rating_until"})


class Association(Closed):
    model_config = ConfigDict(title="协会台账")

    region: Region = described("区划代码", "协会所在行政区划的 6 位统计用区划代码（2023 年），例如：330106；全国协会为 100000。文件名必须是 <区划代码>.yaml")
    serial: Serial | None = described("统一编号", "全国台账统一编制序列中的编号，格式由 sitegen.yaml 的 serial.format 规定（默认如 QZX-33-0001：省级区划代码前两位加顺序号）；sitegen new association 会给出下一个可用编号", None)
    name: Text = described("协会全称", "例如：杭州市西湖区青年志愿者协会")
    kind: AssociationKind = described("协会类型", "青年志愿者协会（默认）· 志愿者协会 · 志愿服务联合会", "青年志愿者协会")
    status: AssociationStatus = described("状态", "active 正常（默认）· preparing 筹备中 · dissolved 已撤销", "active")
    founded: IsoDate | None = described("成立日期", "YYYY-MM-DD，例如：2019-05-04。除筹备中（preparing）的协会外必填", None)
    dissolved: IsoDate | None = described("撤销日期", "YYYY-MM-DD。只有 status: dissolved 的协会才填写，且不能早于成立日期", None)
    credit_code: CreditCode | None = described("统一社会信用代码", "18 位，数字和大写字母（不含 I、O、Z、S、V），sitegen check 会核对末位校验码", None)
    supervisor: str | None = described("业务主管单位", "例如：共青团杭州市西湖区委员会", None)
    contact: Contact | None = described("联系方式", "address 地址、phone 办公电话、email 邮箱、website 网站", None)
    leaders: list[Leader] = described("负责人", "每项写 role 职务和 name 姓名，例如：- {role: 会长, name: 张三}", default_factory=list)
    volunteers: Volunteers | None = described("注册志愿者", "registered 注册人数和 as_of 统计日期，例如：{registered: 1200, as_of: 2024-06-30}", None)
    teams: list[Team] = described("基层志愿服务队", "每项写 name 队名、type 类型、members 人数", default_factory=list)
    group_members: list[GroupMember] = described("团体会员", "每项写 name 名称和 joined 入会日期", default_factory=list)
    trainings: list[Training] = described("培训", "每项写 date 日期、title 名称、participants 人数（每年至少一次）", default_factory=list)
    bases: list[ServiceBase] = described("服务阵地", "每项写 name 名称、type 类型、address 地址", default_factory=list)
    governance: Governance | None = described("治理与公开", "charter 章程、party_org 党组织、league_org 团组织、disclosure_url 信息公开网址", None)
    honors: list[Honor] = described("荣誉", "每项写 year 年份、title 称号、by 授予单位", default_factory=list)
    registration: Registration | None = described("登记信息", "民政部门登记的事项：authority 登记管理机关、certificate_from/certificate_until 证书有效期、rating 评估等级与 rating_until 有效期、annual_reports 年度报告、unit_members/individual_members 会员数、directors/supervisors 理事监事人数、charter_approved 章程核准日期", None)
    description: str | None = described("简介", "协会简介，可以使用 Markdown；多行时写成 description: | 并缩进两格", None)
    updated: IsoDate | None = described("核对日期", "台账最近一次核对的日期，YYYY-MM-DD", None)


class Project(Closed):
    model_config = ConfigDict(title="志愿服务项目")

    title: Text = described("项目名称", "例如：西湖区“银龄数字课堂”金晖助老")
    association: RegionRef = described("承办协会", "承办协会的区划代码，该协会必须已有台账文件，例如：330106")
    brand: BrandKey = described("品牌", "sitegen.yaml 中 brands 的键，例如：jinhui（金晖助老）")
    targets: list[TargetGroup] = described("服务对象", "从 sitegen.yaml 的 targets 列表中选择，例如：[空巢老人, 社区居民]", default_factory=list)
    summary: Text = described("简介", "一段话的纯文字简介，显示在项目卡片上")
    started: IsoDate | None = described("开始日期", "YYYY-MM-DD，例如：2019-10-12", None)
    status: ProjectStatus = described("状态", "running 进行中（默认）· paused 暂停 · completed 已结项", "running")
    regular: StrictBool = described("常态化开展", "是否常态化开展：true 或 false", False)
    schedule: str | None = described("服务时间", "自由文字，例如：每周六上午", None)
    volunteers: NonNegNumber | None = described("参与志愿者", "人数，不小于 0，例如：30", None)
    service_hours: NonNegNumber | None = described("服务时长", "累计服务小时数，不小于 0，例如：1200", None)
    beneficiaries: NonNegNumber | None = described("受益人次", "不小于 0，例如：500", None)
    funding: list[FundingSource] = described("资金来源", "从 sitegen.yaml 的 funding 列表中选择，例如：[财政资金, 企业捐赠]", default_factory=list)
    library_year: Year | None = described("入库年份", "项目进入项目库的年份，例如：2020", None)
    featured: StrictBool = described("上线推介", "true 表示在首页和品牌页推介", False)
    images: list[StaticPath] = described("图片", "static/ 目录下的图片路径，不以 / 开头，例如：[img/projects/a.jpg]", default_factory=list)
    description: str | None = described("详细介绍", "可以使用 Markdown；多行时写成 description: | 并缩进两格", None)


class StoryVolunteer(Closed):
    model_config = ConfigDict(title="志愿者")

    name: Text = described("姓名", "事迹主人公的姓名")
    star: Annotated[StrictInt, Field(ge=1, le=5)] | None = described("星级", "星级志愿者的星级，1 到 5 的整数", None)


class Story(Closed):
    model_config = ConfigDict(title="典型事迹（头信息）")

    title: Text = described("标题", "事迹标题")
    date: IsoDate = described("日期", "发布日期，YYYY-MM-DD，例如：2024-05-01")
    summary: str | None = described("摘要", "一句话摘要，显示在列表中", None)
    association: RegionRef | None = described("所属协会", "协会的区划代码，该协会必须已有台账文件，例如：330106", None)
    project: str | None = described("相关项目", "项目文件名（不含 .yaml），须由上面的协会承办，例如：xihu-jinhui-zhulao", None)
    volunteer: StoryVolunteer | None = described("志愿者", "name 姓名和 star 星级（1–5），例如：{name: 张三, star: 5}", None)
    tags: list[Text] = described("标签", "例如：[留守儿童, 大学生]", default_factory=list)
    cover: StaticPath | None = described("封面图", "static/ 目录下的图片路径，不以 / 开头，例如：img/stories/a.jpg", None)
    draft: StrictBool = described("草稿", "true 表示草稿，不发布（sitegen build --drafts 可预览）", False)


class Page(Closed):
    model_config = ConfigDict(title="自由页面（头信息）")

    title: Text = described("标题", "页面标题，例如：关于我们")
    menu: StrictInt | None = described("导航位置", "整数；填写后页面出现在主导航中，数字小的靠前", None)
    draft: StrictBool = described("草稿", "true 表示草稿，不发布", False)


MODELS: dict[str, type[Closed]] = {
    "association": Association,
    "project": Project,
    "story": Story,
    "page": Page,
}
