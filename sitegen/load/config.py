"""The site configuration, `sitegen.yaml`: a closed, typed model with the domain's defaults."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, ConfigDict, Field

from sitegen.load.beian import Beian, ShareImage, Verification
from sitegen.load.fieldtypes import (
    Closed,
    IsoDate,
    Link,
    RegionRef,
    StrictBool,
    StrictInt,
    Text,
    described,
)
from sitegen.load.serials import DEFAULT_FORMAT, SerialFormatText

DEFAULT_BRANDS: dict[str, dict[str, str]] = {
    "guanai": {"name": "关爱行动", "description": "关爱农民工子女、留守儿童等青少年群体的志愿服务。"},
    "yangguang": {"name": "阳光行动", "description": "面向残疾人的助残志愿服务。"},
    "jinhui": {"name": "金晖助老", "description": "面向空巢、高龄、困难老人的助老志愿服务。"},
    "shequ": {"name": "青年志愿者服务社区行动", "description": "扎根城乡社区的常态化志愿服务。"},
    "xiangcun": {"name": "乡村振兴", "description": "服务农业农村现代化和乡村振兴的志愿服务。"},
    "wenming": {"name": "新时代文明实践", "description": "依托新时代文明实践中心（所、站）开展的志愿服务。"},
    "local": {"name": "地方特色项目", "description": "各地结合实际培育的特色志愿服务项目。"},
}
DEFAULT_TARGETS = ["空巢老人", "留守儿童", "特困群体", "残疾人", "社区居民", "农村群众", "青少年", "其他"]
DEFAULT_FUNDING = ["财政资金", "政府购买服务", "基金会", "互联网公募", "公益创投", "企业捐赠", "其他"]
DEFAULT_MODEL_TITLES = ["示范县级青年志愿者协会"]
DEFAULT_MILESTONES = [
    {"date": date(2020, 12, 31), "rate": 0.5},
    {"date": date(2021, 12, 31), "rate": 0.7},
    {"date": date(2023, 12, 31), "rate": 1.0},
]
BRAND_KEY_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _base_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError("base_url 应为完整网址，例如 https://example.org/ 或 https://example.org/volunteer/")
    return value if value.endswith("/") else value + "/"


def _brand_keys(value: dict[str, Brand]) -> dict[str, Brand]:
    for key in value:
        if not BRAND_KEY_RE.match(key):
            raise ValueError(f"品牌键“{key}”只能由小写字母、数字和连字符组成")
    return value


# The shape _base_url accepts, for editors only (validation stays in _base_url).
BASE_URL_PATTERN = r"^https?://[^/?#\s]+(/[^?#]*)?$"


class Brand(Closed):
    model_config = ConfigDict(title="品牌")

    name: Text = described("名称", "品牌名称，例如：金晖助老")
    description: str = described("说明", "品牌页上的一句话说明", "")


class Milestone(Closed):
    model_config = ConfigDict(title="阶段目标")

    date: IsoDate = described("日期", "目标日期（含当天），YYYY-MM-DD，例如：2021-12-31")
    rate: Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)] = described("覆盖率", "0 到 1 之间的比例，例如：0.7 表示 70%")


class CoverageConfig(Closed):
    model_config = ConfigDict(title="覆盖率统计")

    milestones: list[Milestone] = described(
        "阶段目标",
        "默认：2020-12-31 0.5、2021-12-31 0.7、2023-12-31 1.0",
        default_factory=lambda: [Milestone(**m) for m in DEFAULT_MILESTONES],
    )
    count_zones: StrictBool = described("统计开发区", "true 表示把开发区（区划代码末两位 71–79）也算作县级单位", False)


class PrivacyConfig(Closed):
    model_config = ConfigDict(title="信息安全")

    allow: list[str] = described("允许出现的号码", "经核实可以公开的号码（例如公开的热线电话），不会被当作个人信息", default_factory=list)


class SerialConfig(Closed):
    model_config = ConfigDict(title="统一编号")

    format: SerialFormatText = described(
        "编号格式",
        "全部协会共用的编号格式。占位符：{region} 区划代码、{province} 前两位、{city} 前四位、{seq} 顺序号（{seq:4} 表示至少 4 位，不足补 0）。默认 QZX-{province}-{seq:04}",
        DEFAULT_FORMAT,
    )


class DataLicense(Closed):
    model_config = ConfigDict(title="开放数据许可")

    name: Annotated[str, Field(pattern=r"^[-a-zA-Z0-9._]+$")] | None = described("许可标识", "开放定义（Open Definition）的许可标识，例如：CC-BY-4.0", None)
    title: str | None = described("许可名称", "例如：知识共享署名 4.0 国际许可协议", None)
    path: Link | None = described("许可网址", "许可全文的网址，例如：https://creativecommons.org/licenses/by/4.0/deed.zh-hans", None)


class SiteConfig(Closed):
    model_config = ConfigDict(title="站点配置 sitegen.yaml")

    title: Text = described("网站名称", "例如：杭州市西湖区青年志愿者协会")
    base_url: Annotated[str, AfterValidator(_base_url), Field(json_schema_extra={"pattern": BASE_URL_PATTERN})] = described(
        "网站地址", "发布后的完整网址，可以带子路径，例如：https://example.org/ 或 https://example.org/volunteer/"
    )
    language: str = described("语言", "网页语言，默认 zh-CN", "zh-CN")
    description: str = described("网站简介", "一段话，显示在首页并供搜索引擎使用", "")
    theme: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]+$")] = described("主题", "默认 default；自定义主题放在 themes/<主题名>/", "default")
    as_of: IsoDate | None = described("统计日期", "各项统计数字的“当前日期”，YYYY-MM-DD；不填时取协会台账中最晚的日期（事迹、项目、页面的日期不算）", None)
    edit_url: Annotated[Link, AfterValidator(lambda v: v if v.endswith("/") else v + "/")] | None = described(
        "“编辑此页”链接前缀", "仓库的编辑地址，后接文件路径，例如：https://github.com/组织/仓库/edit/main/", None
    )
    per_page: Annotated[StrictInt, Field(ge=1, le=1000)] = described("每页条数", "事迹列表每页显示的条数，1–1000，默认 20", 20)
    brands: Annotated[
        dict[str, Brand],
        AfterValidator(_brand_keys),
        Field(json_schema_extra={"propertyNames": {"pattern": BRAND_KEY_RE.pattern}}),
    ] = described(
        "品牌",
        "品牌键（小写字母、数字、连字符）→ {name 名称, description 说明}；写了就替换默认的七个品牌",
        default_factory=lambda: {k: Brand(**v) for k, v in DEFAULT_BRANDS.items()},
    )
    targets: list[Text] = described("服务对象词表", "项目 targets 可选的服务对象；写了就替换默认词表", default_factory=lambda: list(DEFAULT_TARGETS))
    funding: list[Text] = described("资金来源词表", "项目 funding 可选的资金来源；写了就替换默认词表", default_factory=lambda: list(DEFAULT_FUNDING))
    model_titles: list[Text] = described(
        "示范称号", "荣誉称号与其中之一完全一致时，协会在该年份标为示范协会", default_factory=lambda: list(DEFAULT_MODEL_TITLES)
    )
    coverage: CoverageConfig = described("覆盖率统计", "milestones 阶段目标和 count_zones 是否统计开发区", default_factory=CoverageConfig)
    privacy: PrivacyConfig = described("信息安全", "allow：可以公开的号码", default_factory=PrivacyConfig)
    search: StrictBool = described("站内搜索", "是否生成站内搜索，默认 true", True)
    scope: Annotated[list[RegionRef], Field(min_length=1)] = described(
        "统计范围",
        "本站所讲的地区（区划代码列表）：全国 [100000]（默认），一个省 [330000]，一个市 [330100]，一个县 [330106]，或几个省 [330000, 460000]。"
        "各项数字、覆盖率、评估和地区页只统计范围内的县级单位；范围外的协会台账是错误，范围所在的上级协会除外",
        default_factory=lambda: ["100000"],
    )
    serial: SerialConfig = described("统一编号", "format：全部协会共用的统一编号格式", default_factory=SerialConfig)
    data_license: DataLicense | None = described("开放数据许可", "/data/ 下开放数据的许可：name 标识、title 名称、path 网址；写入 datapackage.json 并显示在开放数据页", None)
    beian: Beian = described(
        "备案信息",
        "在中国大陆发布时每页底部居中显示的备案信息：icp ICP 备案号、police 公安联网备案号、host 主办单位；网站用自己的域名而没有填 icp 时，check 会提醒",
        default_factory=Beian,
    )
    share_image: ShareImage | None = described(
        "分享图",
        "分享到微信、QQ、钉钉时卡片上的图片（static/ 下的 PNG 或 JPEG，建议 300×300 以上的正方形），例如：img/share.png；项目用第一张照片、事迹用封面，其他页面用这张；不填时用主题自带的图标",
        None,
    )
    verification: Verification = described(
        "站长平台验证",
        "各搜索引擎站长平台给出的验证码，写进每页的 meta 标签：baidu 百度、sogou 搜狗、so360 360 搜索、shenma 神马、bing 必应、google 谷歌",
        default_factory=Verification,
    )

    @property
    def base_path(self) -> str:
        """The URL path the site lives under, '/' or '/volunteer/'."""
        return urlsplit(self.base_url).path or "/"

    @property
    def milestones(self) -> list[Milestone]:
        return sorted(self.coverage.milestones, key=lambda m: m.date)

    def with_base_url(self, base_url: str) -> SiteConfig:
        return self.model_copy(update={"base_url": _base_url(base_url)})


CONFIG_FILE = "sitegen.yaml"


def config_path(src: Path) -> Path:
    return src / CONFIG_FILE
