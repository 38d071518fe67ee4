"""The site configuration, `sitegen.yaml`: a closed, typed model with the domain's defaults."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field

from .fieldtypes import Closed, IsoDate, StrictBool, StrictInt, Text

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


class Brand(Closed):
    name: Text
    description: str = ""


class Milestone(Closed):
    date: IsoDate
    rate: Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]


class CoverageConfig(Closed):
    milestones: list[Milestone] = Field(default_factory=lambda: [Milestone(**m) for m in DEFAULT_MILESTONES])
    count_zones: StrictBool = False


class PrivacyConfig(Closed):
    allow: list[str] = Field(default_factory=list)


class SiteConfig(Closed):
    title: Text
    base_url: Annotated[str, AfterValidator(_base_url)]
    language: str = "zh-CN"
    description: str = ""
    theme: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]+$")] = "default"
    as_of: IsoDate | None = None
    edit_url: Annotated[str, AfterValidator(lambda v: v if v.endswith("/") else v + "/")] | None = None
    per_page: Annotated[StrictInt, Field(ge=1, le=1000)] = 20
    brands: Annotated[dict[str, Brand], AfterValidator(_brand_keys)] = Field(
        default_factory=lambda: {k: Brand(**v) for k, v in DEFAULT_BRANDS.items()}
    )
    targets: list[Text] = Field(default_factory=lambda: list(DEFAULT_TARGETS))
    funding: list[Text] = Field(default_factory=lambda: list(DEFAULT_FUNDING))
    model_titles: list[Text] = Field(default_factory=lambda: list(DEFAULT_MODEL_TITLES))
    coverage: CoverageConfig = Field(default_factory=CoverageConfig)
    privacy: PrivacyConfig = Field(default_factory=PrivacyConfig)
    search: StrictBool = True

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
