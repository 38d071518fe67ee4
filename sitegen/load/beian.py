"""Publishing in China: the filing numbers every page of a mainland site shows (`beian`), the
share card's site image and the search engines' verification tags (docs/reference.md, 备案).

A site on a mainland domain must show its ICP filing number (ICP备案号), linked to the MIIT
filing site, at the bottom of every page, and its public-security filing number (公安联网备案号)
with the MPS icon, linked to the MPS filing site. `own_domain` tells a site on a domain of its
own from one on a hosting platform's subdomain (which needs no filing of its own): `check`
warns when the former has no ICP number.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated

from pydantic import AfterValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from sitegen.load.fieldtypes import Closed

ICP_SITE = "https://beian.miit.gov.cn/"
MPS_SITE = "https://beian.mps.gov.cn/#/query/webSearch?code="

# The one-character abbreviation a filing number starts with, by province (a region code's
# first two digits).
PROVINCE_ABBR = {"11": "京", "12": "津", "13": "冀", "14": "晋", "15": "蒙", "21": "辽", "22": "吉", "23": "黑", "31": "沪", "32": "苏", "33": "浙", "34": "皖", "35": "闽", "36": "赣", "37": "鲁", "41": "豫", "42": "鄂", "43": "湘", "44": "粤", "45": "桂", "46": "琼", "50": "渝", "51": "川", "52": "贵", "53": "云", "54": "藏", "61": "陕", "62": "甘", "63": "青", "64": "宁", "65": "新"}  # fmt: skip
PROVINCES = "".join(PROVINCE_ABBR.values())
ICP_RE = re.compile(rf"^[{PROVINCES}]ICP(?:备|证)\d{{6,10}}号(?:-\d{{1,3}})?$")
POLICE_RE = re.compile(rf"^[{PROVINCES}]公网安备\s?(\d{{10,16}})号$")
ICP_EXAMPLE = "浙ICP备2023012345号-1"
POLICE_EXAMPLE = "浙公网安备33010602012345号"

# Hosting platforms whose subdomains are filed by the platform (or are abroad): a site there
# needs no ICP number of its own. Reserved names (RFC 2606/6761) are documentation, not sites.
PLATFORM_DOMAINS = (
    "github.io", "gitlab.io", "gitee.io", "pages.dev", "netlify.app", "vercel.app",
    "codeberg.page", "edgeone.app", "edgeone.site", "cnb.run",
)  # fmt: skip
RESERVED_DOMAINS = ("example.com", "example.net", "example.org")
RESERVED_SUFFIXES = (".example", ".test", ".invalid", ".localhost", ".local", ".internal")

# Verification meta tags: config key -> the meta name each search engine reads.
VERIFICATION_META = {
    "baidu": "baidu-site-verification",
    "sogou": "sogou_site_verification",
    "so360": "360-site-verification",
    "shenma": "shenma-site-verification",
    "bing": "msvalidate.01",
    "google": "google-site-verification",
}


def _compact(value: str) -> str:
    return re.sub(r"\s+", "", value) if isinstance(value, str) else value


def _icp(value: str) -> str:
    value = value.strip()
    if not ICP_RE.match(_compact(value)):
        raise PydanticCustomError(
            "sitegen_beian",
            "ICP 备案号应照工信部备案系统中的写法填写，例如 {example}（省份简称 + ICP备 + 数字 + 号，网站序号 -1 可带可不带）",
            {"example": ICP_EXAMPLE},
        )
    return _compact(value)


def _police(value: str) -> str:
    value = value.strip()
    if not POLICE_RE.match(value):
        raise PydanticCustomError(
            "sitegen_beian",
            "公安联网备案号应照全国互联网安全管理服务平台中的写法填写，例如 {example}（省份简称 + 公网安备 + 数字 + 号）",
            {"example": POLICE_EXAMPLE},
        )
    return value


def _share_image(value: str) -> str:
    value = value.strip()
    if value.startswith("/") or not re.search(r"\.(png|jpe?g)$", value, re.IGNORECASE):
        raise PydanticCustomError(
            "sitegen_beian", "分享图应为 static/ 下的 PNG 或 JPEG 文件，写相对路径，不带开头的 /，例如 img/share.png（微信不显示 SVG 和 WebP 的分享图）"
        )
    return value


ShareImage = Annotated[str, AfterValidator(_share_image)]


def _f(title: str, description: str, default: object = None) -> object:
    return Field(default, title=title, description=description)


class Beian(Closed):
    model_config = ConfigDict(title="备案信息")

    icp: Annotated[str, AfterValidator(_icp)] | None = _f(
        "ICP 备案号", f"工信部 ICP 备案号，显示在每页底部居中，链接到工信部备案网站，例如：{ICP_EXAMPLE}"
    )
    police: Annotated[str, AfterValidator(_police)] | None = _f(
        "公安联网备案号", f"公安机关互联网站安全备案号，带公安备案图标显示在每页底部，链接到全国互联网安全管理服务平台，例如：{POLICE_EXAMPLE}"
    )
    host: Annotated[str, Field(min_length=1)] | None = _f("主办单位", "网站的主办单位，显示在每页底部，例如：共青团杭州市西湖区委员会")

    @property
    def police_code(self) -> str | None:
        """The digits of the public-security number, the `code` of the MPS link."""
        match = POLICE_RE.match(self.police or "")
        return match.group(1) if match else None

    @property
    def police_url(self) -> str | None:
        code = self.police_code
        return MPS_SITE + code if code else None

    @property
    def icp_url(self) -> str:
        return ICP_SITE


class Verification(Closed):
    model_config = ConfigDict(title="站长平台验证")

    baidu: str | None = _f("百度", "百度搜索资源平台给出的验证码（meta 标签 baidu-site-verification 的 content）")
    sogou: str | None = _f("搜狗", "搜狗站长平台的验证码（sogou_site_verification）")
    so360: str | None = _f("360 搜索", "360 站长平台的验证码（360-site-verification）")
    shenma: str | None = _f("神马搜索", "神马站长平台的验证码（shenma-site-verification）")
    bing: str | None = _f("必应", "必应网站管理员工具的验证码（msvalidate.01）")
    google: str | None = _f("谷歌", "Google Search Console 的验证码（google-site-verification）")

    def tags(self) -> list[tuple[str, str]]:
        """(meta name, content) of every code given, in a fixed order."""
        return [(meta, getattr(self, key)) for key, meta in VERIFICATION_META.items() if getattr(self, key)]


def province_abbr(region: str) -> str:
    """浙 for 330106: how filing numbers of that province begin."""
    return PROVINCE_ABBR.get(region[:2], "京")


def own_domain(host: str | None) -> bool:
    """True when `host` is a domain of the site's own, which needs an ICP filing on the
    mainland: not a hosting platform's subdomain, a reserved example name or an IP address."""
    if not host:
        return False
    host = host.lower().rstrip(".")
    try:
        ipaddress.ip_address(host)
        return False
    except ValueError:
        pass
    if "." not in host or host.endswith(RESERVED_SUFFIXES):
        return False
    return not any(host == d or host.endswith("." + d) for d in (*PLATFORM_DOMAINS, *RESERVED_DOMAINS))

