"""`sitegen new`: valid, commented records for editors to fill in.

Each function returns the text of a record that `check` accepts; `create` writes it without
ever overwriting. Optional fields are present as comments with an example, so an editor learns
the model by reading the file.

Every record starts with a `# yaml-language-server: $schema=…` modeline naming the schema that
`sitegen schema` writes to `.schemas/`, so editors with the YAML language server check the file
while it is typed. In Markdown the modeline is the first line of the front matter: it is a YAML
comment there, invisible to the build, and read by editors that treat front matter as YAML.
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

from sitegen.diagnostics import Diagnostic
from sitegen.domain.divisions import DivisionTable
from sitegen.load import serials
from sitegen.load.config import SiteConfig
from sitegen.load.records import Record, load_record
from sitegen.load.sources import KINDS, SourceFile
from sitegen.load.yamlsafe import load_yaml

SCHEMA_DIR = ".schemas"


def modeline(kind: str) -> str:
    """The schema comment for a record in content/<folder>/: the schema path is relative to it."""
    return f"# yaml-language-server: $schema=../../{SCHEMA_DIR}/{kind}.schema.json"


def q(value: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def default_association_name(region: str, divisions: DivisionTable) -> str:
    division = divisions.get(region)
    if division is None:
        return ""
    if division.level == "national":
        return "中国青年志愿者协会"
    chain = divisions.chain(region)
    names = [d.name for d in chain[1:]] if len(chain) > 1 and division.level != "province" else [chain[0].name]
    return "".join(names) + "青年志愿者协会"


def taken_serials(src: Path) -> list[str]:
    """The serials already in the site's ledger (files that do not parse are skipped)."""
    found = []
    for path in sorted((src / "content" / "associations").glob("*.yaml")):
        try:
            parsed = load_yaml(path.read_text(encoding="utf-8"), str(path))
        except (OSError, UnicodeDecodeError):
            continue
        serial = parsed.data.get("serial") if isinstance(parsed.data, dict) else None
        if isinstance(serial, (str, int)) and not isinstance(serial, bool):
            found.append(str(serial).strip())
    return found


def next_serial(src: Path, region: str, config: SiteConfig) -> str:
    """The next free serial of the unified series for an association of `region`."""
    return serials.format_of(config).next_free(region, taken_serials(src))


def association_text(
    region: str, name: str, founded: date | None, status: str, divisions: DivisionTable, serial: str | None = None
) -> str:
    place = divisions.full_name(region) if region in divisions else region
    serial_line = f'serial: "{serial}"          # 统一编号（sitegen new 给出的下一个可用编号）' if serial else '# serial: "QZX-33-0001"     # 统一编号，格式见 sitegen.yaml 的 serial.format'
    founded_line = f"founded: {founded.isoformat()}          # 成立日期，请核对（sitegen new 默认填今天）" if founded else "# founded: 2024-01-01     # 成立日期；筹备中可不填"
    return f"""{modeline("association")}
# 协会台账：{name}（{place}）
# 以 # 开头的是注释。需要某个字段时，删去行首的“# ”并按示例填写；日期一律写成 YYYY-MM-DD。
region: "{region}"
{serial_line}
name: {q(name)}
kind: 青年志愿者协会          # 青年志愿者协会 · 志愿者协会 · 志愿服务联合会
status: {status}                # active 正常 · preparing 筹备中 · dissolved 已撤销
{founded_line}
# credit_code: "51330106XXXXXXXXXX"  # 统一社会信用代码，18 位，会校验末位
# supervisor: "共青团××县委员会"      # 业务主管单位
# contact:
#   address: "××县××路 1 号"
#   phone: "0571-12345678"            # 办公电话（只有这里可以写电话号码）
#   email: "qingzhi@example.org"
#   website: "https://example.org/"
# leaders:
#   - {{role: 会长, name: "张三"}}
#   - {{role: 秘书长, name: "李四"}}
# volunteers: {{registered: 1200, as_of: 2024-06-30}}   # 注册志愿者人数
# teams:                              # 基层志愿服务队；type：乡镇街道 · 学校 · 行业 · 企业 · 社区 · 其他
#   - {{name: "××街道青年志愿服务队", type: 乡镇街道, members: 40}}
# group_members:                      # 团体会员
#   - {{name: "××中学团委", joined: 2023-03-01}}
# trainings:                          # 培训（每年至少一次）
#   - {{date: 2024-05-20, title: "志愿服务骨干培训", participants: 60}}
# bases:                              # 服务阵地；type：青年之家 · 党群服务中心 · 公共文化设施 · 社区 · 其他
#   - {{name: "××青年之家", type: 青年之家, address: "××路 2 号"}}
# governance: {{charter: true, party_org: false, league_org: true, disclosure_url: "https://example.org/gk"}}
# honors:
#   - {{year: 2024, title: 示范县级青年志愿者协会, by: 共青团中央}}
# registration:                      # 登记信息（民政部门登记的事项）
#   authority: "××县民政局"             # 登记管理机关
#   certificate_from: 2021-01-01      # 登记证书有效期起
#   certificate_until: 2025-12-31     # 登记证书有效期至
#   rating: 4A                        # 社会组织评估等级 1A–5A
#   rating_until: 2027-12-31          # 评估等级有效期至
#   annual_reports:                   # 年度报告；result：合格 · 基本合格 · 不合格 · 已报送
#     - {{year: 2023, result: 合格}}
#   unit_members: 12                  # 单位会员数
#   individual_members: 300           # 个人会员数
#   directors: 25                     # 理事人数
#   supervisors: 3                    # 监事人数
#   charter_approved: 2020-11-16      # 章程核准日期
# description: |
#   协会简介，可以使用 Markdown。
# updated: {date.today().isoformat()}     # 台账最近核对日期
"""


def project_text(title: str, association: str, brand: str, summary: str, config: SiteConfig) -> str:
    brands = " · ".join(config.brands)
    return f"""{modeline("project")}
# 项目库：{title}
# 以 # 开头的是注释。需要某个字段时，删去行首的“# ”并按示例填写。
title: {q(title)}
association: "{association}"        # 承办协会的区划代码
brand: {brand}                       # {brands}
summary: {q(summary)}
# targets: [{", ".join(config.targets[:2])}]       # 服务对象：{" · ".join(config.targets)}
# started: 2024-03-01
# status: running                    # running 进行中 · paused 暂停 · completed 已结项
# regular: true                      # 是否常态化开展
# schedule: "每周六上午"
# volunteers: 30
# service_hours: 1200
# beneficiaries: 500
# funding: [{config.funding[0]}]       # {" · ".join(config.funding)}
# library_year: {date.today().year}                # 入库年份
# featured: false                    # 是否上线推介
# images: [img/projects/example.jpg] # static/ 下的图片路径
# description: |
#   项目详细介绍，可以使用 Markdown。
"""


def story_text(title: str, day: date, association: str | None, project: str | None, draft: bool = True) -> str:
    """A new story; a draft unless `draft` is false, so that its placeholder body is not published."""
    draft_line = (
        "draft: true                          # 草稿不发布：用 sitegen serve --drafts 预览，写好后删去这一行即发布"
        if draft
        else "# draft: true                        # 草稿不发布"
    )
    association_line = f'association: "{association}"' if association else '# association: "330106"     # 所属协会的区划代码'
    project_line = f"project: {project}" if project else "# project: xihu-jinhui        # 相关项目（须由上面的协会承办）"
    return f"""---
{modeline("story")}
title: {q(title)}
date: {day.isoformat()}
# summary: "一句话摘要"
{association_line}
{project_line}
# volunteer: {{name: "志愿者姓名", star: 5}}   # star：星级志愿者 1–5
# tags: [留守儿童, 大学生]
# cover: img/stories/example.jpg     # static/ 下的封面图
{draft_line}
---

在这里用 Markdown 写正文。请勿写入身份证号、手机号等个人信息。
"""


def page_text(title: str, menu: int | None, body: str) -> str:
    menu_line = f"menu: {menu}                          # 在主导航中的位置，数字小的靠前" if menu is not None else "# menu: 10                        # 填写后出现在主导航中"
    return f"""---
{modeline("page")}
title: {q(title)}
{menu_line}
# draft: true                        # 草稿不发布
---

{body.strip()}
"""


def validate_text(src: Path, kind: str, slug: str, text: str, config: SiteConfig, divisions: DivisionTable) -> tuple[Record | None, list[Diagnostic]]:
    folder, suffix = KINDS[kind]
    path = src / "content" / folder / f"{slug}{suffix}"
    source = SourceFile(path, path.relative_to(src).as_posix(), kind, slug, text)
    return load_record(source, {"config": config, "divisions": divisions})


def create(path: Path, text: str) -> None:
    """Write `text` to a new file; FileExistsError if anything is there already."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


def create_bytes(path: Path, data: bytes) -> None:
    """Write `data` to a new file; FileExistsError if anything is there already."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def create_all(files: dict[Path, str]) -> list[Path]:
    """Create several new files, all or none: never overwrites, skips identical files.

    Raises FileExistsError naming every file that exists with other content (then nothing is
    written). Returns the files written.
    """
    conflicts = [path for path, text in files.items() if path.exists() and not _same(path, text)]
    if conflicts:
        raise FileExistsError(*conflicts)
    written = []
    for path, text in files.items():
        if path.exists():
            continue
        create(path, text)
        written.append(path)
    return written


def _same(path: Path, text: str) -> bool:
    try:
        return path.is_file() and path.read_text(encoding="utf-8") == text
    except (OSError, UnicodeDecodeError):
        return False
