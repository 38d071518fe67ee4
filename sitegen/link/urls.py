"""Where every page goes: the one place that knows the site's URL scheme (docs/reference.md, 网站的页面).

Routes are site-relative paths without the base path and without a leading slash: `""` is the
home page, `"associations/330106/"` an association. `output_file` maps a route to the file that
serves it; `href` adds the base path for links.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# First path segments the generator owns; a free page may not take one of them.
RESERVED = frozenset(
    {
        "associations", "regions", "coverage", "evaluation", "models", "projects", "brands", "stories",
        "tags", "search", "data", "feed.xml", "sitemap.xml", "robots.txt", "404.html",
        "index.html", "assets", "page", "pagefind",
    }
)  # fmt: skip

HOME = ""
DIRECTORY = "associations/"
COVERAGE = "coverage/"
EVALUATION = "evaluation/"
MODELS = "models/"
PROJECTS = "projects/"
STORIES = "stories/"
SEARCH = "search/"
DATA_PAGE = "data/"  # the open-data page: every file under /data/ and its fields
FEED = "feed.xml"
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
NOT_FOUND = "404.html"


def association(region: str) -> str:
    return f"associations/{region}/"


def region(province: str) -> str:
    return f"regions/{province}/"


def project(slug: str) -> str:
    return f"projects/{slug}/"


def brand(key: str) -> str:
    return f"brands/{key}/"


def story(slug: str) -> str:
    return f"stories/{slug}/"


def stories_page(number: int) -> str:
    return STORIES if number == 1 else f"stories/page/{number}/"


def tag(slug: str, number: int = 1) -> str:
    return f"tags/{slug}/" if number == 1 else f"tags/{slug}/page/{number}/"


def page(slug: str) -> str:
    return f"{slug}/"


def data_file(name: str) -> str:
    return f"data/{name}"


def output_file(route: str) -> str:
    """The file in OUT that serves `route` (directories get index.html)."""
    return route + "index.html" if route == "" or route.endswith("/") else route


def href(base_path: str, route: str) -> str:
    """Root-relative link with the site's base path, e.g. /volunteer/associations/330106/."""
    return base_path + route


def absolute(base_url: str, route: str) -> str:
    return base_url + route


@dataclass(frozen=True)
class PageKind:
    """One kind of file the site has, for the reference (`<…>` stands for one path segment)."""

    pattern: str
    title: str
    description: str

    def matches(self, route: str) -> bool:
        parts = re.split(r"<[^>]+>", self.pattern)
        return re.fullmatch("[^/]+".join(map(re.escape, parts)), route) is not None


# Every kind of route in OUT, most specific first; `kind_of` takes the first that matches.
# A new kind of page or file goes here (tests/test_reference.py checks every file of a build).
PAGE_KINDS: tuple[PageKind, ...] = (
    PageKind("", "首页", "关键数字（协会数、县级覆盖率、项目数、注册志愿者）、最近一年的示范协会、推介项目、最新事迹"),
    PageKind("associations/", "协会名录", "省 → 市 → 县的树，按拼音排序，标出状态和示范；页内可按省份、层级等筛选"),
    PageKind("associations/<区划代码>/", "协会页面", "面包屑、基本信息、治理与公开、服务队、团体会员、培训、服务阵地、荣誉、下属协会（席位制）、承办的项目和相关事迹、建设评估清单、“编辑此页”链接"),
    PageKind("regions/<区划代码>/", "地区页面", "统计范围内每个省一页（范围在一个省之内时，范围内每个市也有一页）：覆盖率及其变化图、协会、项目、尚未建会的县级单位"),
    PageKind("coverage/", "覆盖率", "县级协会覆盖率：今天与各阶段目标日期，随时间变化的 SVG 图和数字表，尚未建会的县级单位"),
    PageKind("evaluation/", "建设评估", "每个县级协会的建设情况清单（不排名），指标与分值写在页面上"),
    PageKind("models/", "示范协会", "按年份列出示范协会"),
    PageKind("projects/", "项目库", "全部项目，页内可按品牌、服务对象、省份筛选"),
    PageKind("projects/<文件名>/", "项目页面", "一个项目：承办协会、服务对象、资金来源、图片和相关事迹"),
    PageKind("brands/<品牌键>/", "品牌页面", "一个品牌在全国的项目；配置的每个品牌都有一页"),
    PageKind("stories/", "事迹列表", "按日期从新到旧，每页 per_page 篇；星级志愿者有标记"),
    PageKind("stories/page/<页码>/", "事迹列表的后续页", "第 2 页起"),
    PageKind("stories/<文件名>/", "事迹页面", "一篇典型事迹"),
    PageKind("tags/<标签>/", "标签页面", "带某个标签的事迹；标签的网址是它的拼音（留守儿童 → liu-shou-er-tong）"),
    PageKind("tags/<标签>/page/<页码>/", "标签页面的后续页", "第 2 页起"),
    PageKind("search/", "站内搜索", "中文全文搜索（search: false 时没有）"),
    PageKind("feed.xml", "Atom 订阅", "事迹的订阅源"),
    PageKind("sitemap.xml", "站点地图", "全部页面及其更新日期（lastmod）；超过 50,000 个网址或 10 MB 时改为站点地图索引，列出 sitemap-1.xml、sitemap-2.xml……"),
    PageKind("sitemap-<序号>.xml", "站点地图的分卷", "站点地图超过 50,000 个网址或 10 MB 时，每卷一部分页面"),
    PageKind("robots.txt", "robots.txt", "告诉搜索引擎站点地图的位置"),
    PageKind("404.html", "未找到页面", "网址不存在时显示"),
    PageKind("data/<文件>", "开放数据", "协会台账、项目库、覆盖率、评估的 JSON 与 CSV（CSV 带 BOM，可用 Excel 直接打开）"),
    PageKind("<文件名>/", "自由页面", "content/pages/ 中的页面（关于我们、加入我们……）"),
    PageKind("pagefind/<…>", "搜索索引", "站内搜索的索引文件，构建时生成"),
    PageKind("assets/<…>", "主题文件", "样式、脚本、图标，以及 assets/img/ 下缩放好的图片（文件名带内容摘要，内容不变网址就不变）"),
    PageKind("<…>", "静态文件", "static/ 中的文件原样复制到网站根目录（static/img/a.png → /img/a.png）"),
)


def kind_of(route: str) -> PageKind:
    """The kind of a route (`associations/330106/`, `img/a.png`); the last kind takes any file."""
    for kind in PAGE_KINDS:
        if kind.matches(route) or (kind.pattern.endswith("<…>") and route.startswith(kind.pattern[:-3])):
            return kind
    raise AssertionError("PAGE_KINDS ends with a kind that takes every route")
