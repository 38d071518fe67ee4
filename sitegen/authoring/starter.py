"""`sitegen init`: the files of a new content repository, a site that builds at once.

One association, one project, one story and one page (written by the functions behind
`sitegen new`, so they look like what editors will create later), the config, the editor
schemas and settings, the pipeline of the chosen host (`hosting.py`; GitHub Pages and GitLab
Pages by default), a `.gitignore` and a Chinese README.
The fixed texts are templates in `sitegen/starter/` (package data) with `__MARKER__`s filled in
here. Nothing here writes files: `site_files` returns them and the CLI creates them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from importlib import metadata, resources
from urllib.parse import urlsplit, urlunsplit

from sitegen import __version__
from sitegen.authoring import hosting, scaffold, schema
from sitegen.authoring.scaffold import q
from sitegen.domain.divisions import DivisionTable
from sitegen.load import beian
from sitegen.load.config import CONFIG_FILE, SiteConfig

DEFAULT_REGION = "330106"
DEFAULT_BASE_URL = "https://example.org/"
# The distribution's name on the Python package index (`sitegen` there is an unrelated project);
# the command and the import package stay `sitegen`.
DISTRIBUTION = "qingzhi-sitegen"
RELEASE_PIP = f"{DISTRIBUTION}=={__version__}"  # this very version from the package index
PROJECT_SLUG = "shili-xiangmu"
STORY_SLUG = "shili-shiji"
PAGE_SLUG = "about"

# destination in the new site -> template in sitegen/starter/ (no dot files in package data)
TEMPLATES = {
    ".gitignore": "gitignore",
    ".vscode/settings.json": "vscode-settings.json",
    ".vscode/extensions.json": "vscode-extensions.json",
    "README.md": "README.md",
}


@dataclass(frozen=True)
class Starter:
    region: str  # the site's own association
    title: str
    base_url: str
    pip: str  # the pip requirement CI installs sitegen with
    hosts: tuple[tuple[str, str], ...] = tuple((h, hosting.HOSTS[h].ci[0]) for h in hosting.DEFAULT_HOSTS)  # (host, CI)


def site_files(starter: Starter, divisions: DivisionTable, today: date) -> dict[str, str]:
    """Path relative to the new site -> text, for every file `init` writes."""
    name = scaffold.default_association_name(starter.region, divisions)
    config_text = _config_text(starter.title, starter.base_url, f"{name}的组织台账、志愿服务项目库和青年志愿者典型事迹。", starter.region, divisions)
    config = SiteConfig(title=starter.title, base_url=starter.base_url)
    files = {
        CONFIG_FILE: config_text,
        f"content/associations/{starter.region}.yaml": scaffold.association_text(starter.region, name, today, "active", divisions),
        f"content/projects/{PROJECT_SLUG}.yaml": scaffold.project_text(
            f"{divisions.get(starter.region).name}青年志愿服务进社区（示例项目）",
            starter.region,
            "shequ",
            "这是 sitegen init 生成的示例项目：请改成本协会的真实项目，或删除本文件。",
            config,
        ),
        f"content/stories/{STORY_SLUG}.md": scaffold.story_text("第一篇典型事迹（示例）", today, starter.region, PROJECT_SLUG, draft=False),
        f"content/pages/{PAGE_SLUG}.md": scaffold.page_text("关于我们", 90, _template("about.md").replace("__NAME__", name)),
    }
    for kind, generated in schema.build_schemas(config).items():
        files[f"{schema.SCHEMA_DIR}/{schema.file_name(kind)}"] = schema.render(generated)
    for host, ci in starter.hosts:
        files.update(hosting.host_files(host, ci, starter.base_url, starter.pip))
    markers = {
        "__TITLE__": starter.title,
        "__REGION__": starter.region,
        "__PROJECT__": PROJECT_SLUG,
        "__PIP_PLAIN__": starter.pip,
        "__PUBLISH__": publishing_note(starter.hosts),
    }
    for target, template in TEMPLATES.items():
        text = _template(template)
        for marker, value in markers.items():
            text = text.replace(marker, value)
        files[target] = text
    return files


def publishing_note(hosts: tuple[tuple[str, str], ...]) -> str:
    """What the README says about how the site is published."""
    lines = []
    for host, ci in hosts:
        spec = hosting.HOSTS[host]
        where = hosting.ci_file(host, ci)
        if host in hosting.PAGES_FILES:
            lines.append(f"- **{spec.name}**：`{where}` 检查内容、构建并发布。")
        else:
            runner = f"CI 文件 `{where}`（{hosting.CI_NAMES[ci]}）运行" if where else "在本机或服务器上运行"
            lines.append(f"- **{spec.name}**：`{hosting.script(host)}` 构建并发布，由{runner}；设置写在 `deploy/{host}.sh` 开头。")
    return "\n".join(lines)


def installed_from() -> str:
    """The pip requirement that installs this very sitegen elsewhere.

    pip records where a package came from (PEP 610 `direct_url.json`): a git URL is pinned to
    the installed commit, a wheel or archive URL is used as is. A local path or an unknown
    source cannot be installed by CI: then this version from the package index.
    """
    try:
        raw = metadata.distribution(DISTRIBUTION).read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return RELEASE_PIP
    if not raw:
        return RELEASE_PIP
    try:
        info = json.loads(raw)
    except ValueError:
        return RELEASE_PIP
    url = str(info.get("url", ""))
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return RELEASE_PIP
    # Never write credentials into a public workflow file.
    url = urlunsplit(parts._replace(netloc=parts.hostname + (f":{parts.port}" if parts.port else "")))
    vcs = info.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs") and vcs.get("commit_id"):
        return f"{DISTRIBUTION} @ {vcs['vcs']}+{url}@{vcs['commit_id']}"
    if "archive_info" in info:
        return f"{DISTRIBUTION} @ {url}"
    return RELEASE_PIP


def _template(name: str) -> str:
    return (resources.files("sitegen") / "starter" / name).read_text(encoding="utf-8")


def _config_text(title: str, base_url: str, description: str, region: str, divisions: DivisionTable) -> str:
    return f"""# yaml-language-server: $schema={schema.SCHEMA_DIR}/{schema.file_name(schema.CONFIG_SCHEMA)}
# 网站配置。在 VS Code 中把鼠标停在字段名上可以看到说明；完整说明见 sitegen 的编辑指南。
title: {q(title)}
# 发布后的完整网址，可以带子路径，例如 https://example.org/volunteer/。
# 用 GitHub Pages 或 GitLab Pages 发布时，CI 会传入 Pages 的网址，这里可以先不改；
# 发布到国内平台时写已备案的域名（deploy/ 中的脚本也用它）。
base_url: {q(base_url)}
language: zh-CN
description: {q(description)}
# 统计范围：本站所讲的地区。覆盖率、评估和各项数字只统计范围内的县级单位，范围外的地区不作结论。
# 可以写几个区划代码，例如 [330000, 460000]；全国性网站写 [100000]。
scope: ["{region}"]                # {divisions.full_name(region)}
# “编辑此页”链接：仓库的编辑地址前缀，后面会接上文件路径。
# edit_url: https://github.com/组织/仓库/edit/main/
per_page: 20                       # 事迹列表每页条数
# search: false                   # 关闭站内搜索（默认开启：每页页头有搜索框，/search/ 页面支持中文）
# 品牌（brands）、服务对象（targets）、资金来源（funding）、示范称号（model_titles）使用默认词表。
# 需要修改时写出完整列表（会替换默认值），然后删除 .schemas/ 并运行 sitegen schema：
# targets: [空巢老人, 留守儿童, 特困群体, 残疾人, 社区居民, 农村群众, 青少年, 其他]

# 备案信息：在中国大陆用自己的域名发布时必须填写，显示在每页底部居中（用 GitHub Pages、
# GitLab Pages 等平台的网址发布时不需要）。icp 是工信部 ICP 备案号，链接到工信部备案网站；
# police 是公安联网备案号（网站上线后 30 天内办理），带公安备案图标，链接到公安部备案网站；
# host 是主办单位。base_url 是自己的域名而没有填 icp 时，sitegen check 会提醒。去掉行首的 # 再改成本站的：
# beian:
#   icp: {beian.province_abbr(region)}ICP备2023012345号-1
#   police: {beian.province_abbr(region)}公网安备{region}02012345号
#   host: {_league_committee(region, divisions)}
# 分享到微信、QQ、钉钉时卡片上的图片（static/ 下的 PNG 或 JPEG，建议 300×300 以上的正方形）；
# 项目页用第一张照片、事迹页用封面，其他页面用这张；不填时用主题自带的图标。
# share_image: img/share.png
# 搜索引擎站长平台的验证码（例如百度搜索资源平台添加网站时“HTML 标签验证”给出的 content）：
# verification:
#   baidu: codeva-0123456789
"""


def _league_committee(region: str, divisions: DivisionTable) -> str:
    """共青团杭州市西湖区委员会: the usual host organisation of a league site (an example)."""
    place = scaffold.default_association_name(region, divisions).removesuffix("青年志愿者协会")
    return f"共青团{place}委员会" if place and place != "中国" else "共青团中央"
