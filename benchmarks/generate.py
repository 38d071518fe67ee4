"""Write a national-scale synthetic site for the benchmarks (issue #5).

    python benchmarks/generate.py OUTDIR [--scale 1.0] [--seed 2020]

At scale 1: an association for the national level, every province, every city and every
county-level unit of the division table (3,339), 20,000 projects and 10,000 stories. Smaller
scales sample the city- and county-level associations and scale projects and stories, so the
whole site (and its page count) grows linearly with the scale. `--projects` and `--stories`
override the scaled counts (the unit test builds a tiny site with them).

Everything comes from one seeded random generator, iterated in a fixed order: the same
arguments write the same bytes. Every record validates with no errors and no warnings
(privacy scan included: no personal numbers, phone numbers only in `contact.phone`).
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from sitegen.domain.creditcode import CHARSET, check_char
from sitegen.domain.divisions import NATIONAL, Division, load_divisions
from sitegen.domain.pinyin import tag_slug
from sitegen.load.config import DEFAULT_BRANDS, DEFAULT_FUNDING, DEFAULT_TARGETS

FULL_PROJECTS = 20_000
FULL_STORIES = 10_000
FIRST_DAY = date(2019, 1, 1)
LAST_DAY = date(2024, 12, 31)  # as_of of the generated site

# --- vocabulary --------------------------------------------------------------------------------

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞宇浩然欣怡子涵雨轩晨曦嘉禾立新晓雯梦瑶思远俊豪文博佳琪一凡永刚丽芳"
    "志强海燕建国春梅秋实冬雪向阳凯旋"
)
TOWN_HEADS = "东西南北中新安和平兴福永长清太宁康泰丰德顺华阳山河湖桥城乡林石青白金龙凤"
TOWN_TAILS = ("镇", "街道", "乡", "街道", "镇")
ORG_UNITS = (
    "第一中学团委", "职业技术学校团委", "人民医院团委", "供电公司团委", "农商银行团委", "实验小学",
    "融媒体中心团支部", "青年企业家协会", "大学生志愿服务联合会", "红十字志愿服务队", "义工联合会",
    "邮政分公司团委", "交通运输局团支部", "税务局团支部", "文化馆", "图书馆", "社区学院",
)
TEAM_KINDS = ("乡镇街道", "学校", "行业", "企业", "社区", "其他")
TEAM_NAMES = {
    "乡镇街道": "{town}青年志愿服务队",
    "学校": "{place}{school}志愿服务队",
    "行业": "{place}{trade}青年志愿服务队",
    "企业": "{place}{company}青年志愿服务队",
    "社区": "{town}{community}社区志愿服务队",
    "其他": "{place}{other}志愿服务队",
}
SCHOOLS = ("第一中学", "第二中学", "职业中专", "实验中学", "师范学校", "技师学院")
TRADES = ("金融行业", "医疗卫生系统", "交通运输系统", "电力行业", "邮政行业", "文旅系统")
COMPANIES = ("高新园区企业", "物流企业", "电商企业", "国有企业", "民营企业")
COMMUNITIES = ("阳光", "和谐", "幸福", "丰乐", "新村", "花园", "滨河", "春晖")
OTHERS = ("应急救援", "文明交通", "环保", "心理健康", "非遗传承", "助残", "禁毒宣传")
BASE_KINDS = ("青年之家", "党群服务中心", "公共文化设施", "社区", "其他")
BASE_NAMES = {
    "青年之家": "{place}青年之家（{town}）",
    "党群服务中心": "{town}党群服务中心青年志愿服务站",
    "公共文化设施": "{place}图书馆志愿服务岗",
    "社区": "{town}社区志愿服务站",
    "其他": "{place}新时代文明实践中心志愿服务站",
}
TRAININGS = (
    "{year}年度青年志愿者骨干培训", "{year}年志愿服务项目管理培训", "{year}年应急救援志愿者技能培训",
    "{year}年青年志愿者通用知识培训", "{year}年志愿服务组织负责人培训", "{year}年赛会志愿者岗前培训",
)
HONORS = (
    ("示范县级青年志愿者协会", "共青团中央"),
    ("{province}优秀青年志愿服务组织", "共青团{province}委员会"),
    ("{province}青年志愿服务先进集体", "共青团{province}委员会"),
    ("全国青年志愿服务优秀组织", "共青团中央"),
    ("{city}五四红旗团组织", "共青团{city}委员会"),
)
LEADER_ROLES = ("会长", "常务副会长", "副会长", "秘书长", "副秘书长")
KINDS = ("青年志愿者协会", "志愿者协会", "志愿服务联合会")
SCHEDULES = (
    "每周六上午", "每周日下午", "每月第一个周六", "寒暑假期间", "每周三晚上", "节假日",
    "每月十日前后", "每周二、周四下午", "按需预约上门", "学期中每周一次",
)
PROJECT_PHRASES = {
    "guanai": ("小候鸟", "七彩假期", "周末课堂", "梦想课堂", "暖冬行动", "成长伙伴", "护苗", "书香童年"),
    "yangguang": ("光明伴行", "手语课堂", "星星的孩子", "助残就业", "无障碍出行", "阳光家园"),
    "jinhui": ("银龄数字课堂", "助老餐桌", "时间银行", "暖心探访", "爱心理发", "健康守护"),
    "shequ": ("四点半课堂", "社区夜校", "青志驿站", "邻里守望", "垃圾分类指导", "楼道微更新"),
    "xiangcun": ("助农直播", "农技下乡", "乡村振兴青年先锋", "返乡创业导师", "美丽庭院", "乡村夜校"),
    "wenming": ("青年宣讲团", "文明实践小分队", "移风易俗", "文明交通劝导", "红色讲解员", "周末课堂"),
    "local": ("海岸守护", "非遗传承", "应急救援", "马拉松赛会服务", "古城导览", "河湖巡护", "禁毒宣传"),
}
SUMMARY_PARTS = (
    "组织{who}在{where}开展{what}，{how}。",
    "项目以{where}为阵地，由{who}结对服务{whom}，{how}。",
    "依托{where}，常态化组织{who}为{whom}提供{what}服务。",
    "{who}每期分组进入{where}，围绕{what}开展服务，{how}。",
)
WHO = (
    "驻地高校大学生", "机关企事业单位青年", "返乡大学生", "青年教师", "青年医务工作者", "社区青年",
    "企业青年志愿者", "青年党员", "中学生志愿者", "西部计划志愿者", "青年文艺工作者",
)
WHERE = (
    "社区青年之家", "乡镇党群服务中心", "新时代文明实践站", "中心学校", "村文化礼堂", "社区养老服务中心",
    "县图书馆", "残疾人之家", "街道社区学校", "农村留守儿童之家", "城市书房",
)
WHAT = (
    "课业辅导和兴趣课程", "智能手机使用教学", "健康义诊", "心理陪伴", "政策宣讲", "助农直播带货",
    "垃圾分类指导", "应急知识普及", "手语和康复训练陪伴", "防范电信诈骗宣传", "非遗技艺传习",
)
HOW = (
    "做到每周有活动、每月有总结", "建立服务台账并定期回访", "形成了“一对一”结对机制",
    "服务时长全部录入志愿服务信息系统", "与社区、学校签订共建协议", "逐步形成可复制的服务流程",
)
WHOM = ("空巢老人", "留守儿童", "残疾人", "社区居民", "农村群众", "困难家庭", "青少年", "高龄独居老人")

TOPICS = (
    "留守儿童", "助老", "社区", "乡村振兴", "环保", "应急救援", "文明实践", "大学生", "支教", "心理健康",
    "禁毒", "防诈骗", "垃圾分类", "河湖保护", "助残", "义诊", "非遗", "阅读", "科普", "消防", "交通文明",
    "无偿献血", "返乡大学生", "暑期三下乡", "西部计划", "赛会服务", "马拉松", "防汛", "助农直播", "电商",
    "夜校", "青年之家", "银龄", "数字课堂", "手语", "孤独症", "关爱行动", "阳光行动", "金晖助老",
    "学雷锋", "敬老院", "红色宣讲", "文化礼堂", "四点半课堂", "暖冬", "春运", "城市书房", "森林防火",
    "海岸清洁", "古城导览", "旅游志愿服务", "医疗陪诊", "康复训练", "就业帮扶", "创业导师", "法律援助",
    "AI", "5G", "网络文明", "青少年", "家风", "节水", "绿色出行", "植树", "湿地保护", "候鸟", "冬奥",
    "亚运会", "进博会", "社区治理", "楼道", "邻里", "老旧小区", "快递小哥", "新就业群体", "心理热线",
)
SECTION_HEADS = (
    "从一次活动开始", "把服务做成常态", "一个都不能少", "志愿者的一天", "难题怎么解", "大家的收获",
    "下一步的打算", "把经验带回去", "背后的团队", "数字里的变化", "最难忘的一件事", "服务对象怎么说",
)
OPENINGS = (
    "{month}月的一个周末，{place}的{site}里坐满了人。",
    "清晨七点，{name}已经到了{site}，开始一天的志愿服务。",
    "提起{topic}，{place}的不少居民都会想到{name}。",
    "{year}年，{org}开始在{place}推广{topic}志愿服务。",
    "“{quote}”这是{name}常挂在嘴边的一句话。",
)
SENTENCES = (
    "{name}是{org}的一名{role}，参加志愿服务已经{years}年。",
    "每到{time}，{who}就会来到{site}，和{whom}一起{activity}。",
    "在{org}的组织下，{count}名志愿者分成{groups}个小组，分别负责{duty}和{duty2}。",
    "他们把服务内容整理成一份清单，包括{duty}、{duty2}和{activity}。",
    "活动开展以来，累计服务{whom}{people}人次，志愿服务时长超过{hours}小时。",
    "一开始，{whom}对志愿者并不熟悉，{name}就一家一家上门介绍，慢慢赢得了信任。",
    "遇到问题，大家就在{site}一起商量，把办法写进服务手册。",
    "{org}为志愿者提供了{training}，并为每个小组配备了一名骨干。",
    "{name}说，做志愿服务最重要的是坚持，{quote_short}。",
    "这项服务得到了{partner}的支持，{partner2}也提供了场地和物资。",
    "在{season}，志愿者们还发起了{topic}主题活动，吸引了{count}名青年参加。",
    "如今，{site}已经成为{place}青年参与志愿服务的重要阵地。",
    "每次活动结束后，志愿者都会填写服务记录，{org}按月汇总、公开。",
    "有位{whom_one}拉着{name}的手说，有了你们，心里踏实多了。",
    "他们还把{topic}的经验写成案例，分享给周边的{peer}。",
    "从最初的几个人到现在的{count}人，这支队伍越来越壮大。",
    "很多{who}在这里第一次接触志愿服务，后来成了骨干。",
    "为了让服务更精准，志愿者事先走访了{people}户家庭，摸清了需求。",
)
QUOTES = (
    "能帮一点是一点，关键是要一直做下去", "志愿服务不是一阵风，而是一件长久的事",
    "我们多走一步，他们就少一点难处", "每个人都出一份力，社区就会更好",
    "看到孩子们的笑脸，再累也值得", "服务别人的同时，我自己也在成长",
)
QUOTES_SHORT = ("一次两次容易，一年两年不容易", "贵在坚持", "要把小事做好做细", "先把身边的事做好")
ACTIVITIES = (
    "读书写作业", "学习使用智能手机", "打扫庭院", "做手工", "排练节目", "整理图书", "检查用电安全",
    "测量血压", "包饺子", "晒被褥", "做康复训练", "整理旧衣物", "练习手语",
)
DUTIES = (
    "入户走访", "课业辅导", "物资登记", "安全巡查", "健康咨询", "政策宣讲", "心理疏导", "后勤保障",
    "宣传拍摄", "信息录入", "交通引导", "秩序维护",
)
PARTNERS = (
    "街道党工委", "县教育局", "镇卫生院", "区民政局", "当地爱心企业", "县图书馆", "社区居委会",
    "县残联", "乡镇农业服务中心", "公益基金会",
)
SITES = (
    "青年之家", "社区活动室", "村文化礼堂", "党群服务中心", "养老服务中心", "留守儿童之家",
    "志愿服务站", "城市书房", "乡村学校少年宫", "新时代文明实践站",
)
ROLES = ("骨干志愿者", "大学生志愿者", "青年教师", "退役军人", "社区工作者", "青年医生", "技术员")
TIMES = ("周六上午", "周日下午", "放学后", "周三晚上", "节假日", "每月第一个周末", "寒暑假")
SEASONS = ("春节前后", "学雷锋月", "暑假期间", "国庆假期", "重阳节", "寒假", "世界环境日")
TRAINING_KINDS = ("岗前培训", "急救技能培训", "心理陪伴培训", "安全知识培训", "服务礼仪培训")
PEERS = ("乡镇", "社区", "学校", "兄弟协会", "县市")
WHOM_ONE = ("老人", "家长", "孩子", "村民", "居民", "阿姨", "大爷")
LIST_LEADS = ("先摸底", "再结对", "定时间", "建台账", "常回访", "重安全", "讲方法", "做记录")
EXTERNAL_LINKS = (
    ("中国青年志愿者网", "https://www.example.org/zgzyz/"),
    ("志愿服务信息系统", "https://www.example.org/xitong/"),
    ("项目申报指南", "https://www.example.org/xiangmu/zhinan/"),
)
STATIC_IMAGES = 8


def _pick(rng: random.Random, items):
    return items[rng.randrange(len(items))]


def person(rng: random.Random) -> str:
    given = "".join(_pick(rng, GIVEN) for _ in range(rng.choice((1, 2, 2))))
    return _pick(rng, SURNAMES) + given


def town(rng: random.Random) -> str:
    return _pick(rng, TOWN_HEADS) + _pick(rng, TOWN_HEADS) + _pick(rng, TOWN_TAILS)


def day_between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


# --- YAML, written by hand (like an editor would), quoting only where needed -----------------

_PLAIN_START_BAD = set("-?:,[]{}#&*!|>'\"%@` ")
_PLAIN_BAD = (": ", " #", "\t", "\n")


def scalar(value: object) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int | date):
        return str(value)
    text = str(value)
    needs_quotes = (
        not text
        or text[0] in _PLAIN_START_BAD
        or text[-1] in " :"
        or any(bad in text for bad in _PLAIN_BAD)
        or text.lower() in ("null", "true", "false", "yes", "no", "on", "off", "~")
        or text.replace(".", "", 1).replace("-", "", 1).isdigit()
    )
    if not needs_quotes:
        return text
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def block(key: str, text: str, indent: str = "") -> str:
    """`key: |` followed by the indented lines of `text`."""
    lines = [f"{indent}{key}: |"]
    for line in text.rstrip("\n").split("\n"):
        lines.append(f"{indent}  {line}" if line else "")
    return "\n".join(lines) + "\n"


def _cjk(char: str) -> bool:
    return "\u3000" <= char <= "\u9fff" or "\uff00" <= char <= "\uffef" or char in "“”"


def wrap(text: str, rng: random.Random, width_min: int = 34, width_max: int = 46) -> str:
    """Break a Chinese paragraph into source lines as editors do (sitegen joins them back).

    Lines break only between two CJK characters, so no Markdown syntax or URL is split and no
    line starts with a list or heading marker.
    """
    width = rng.randint(width_min, width_max)
    lines = []
    while len(text) > width:
        cut = width
        while cut > 8 and not (_cjk(text[cut - 1]) and _cjk(text[cut])):
            cut -= 1
        if cut <= 8:
            break
        lines.append(text[:cut])
        text = text[cut:]
    lines.append(text)
    return "\n".join(lines)


# --- the site ----------------------------------------------------------------------------------


@dataclass
class Assoc:
    division: Division
    name: str
    short: str  # the place name used in titles, e.g. 西湖区
    slug: str  # ASCII, for project and story file names
    status: str
    founded: date | None
    province: str
    city: str
    projects: list[str] = field(default_factory=list)


def association_names(division: Division, table) -> tuple[str, str]:
    """(place prefix of the full name, short place name) of a division."""
    if division.code == NATIONAL:
        return "中国", "全国"
    chain = table.chain(division.code)
    if division.level in ("province", "city"):
        return division.name, division.name
    parent = chain[-2] if len(chain) > 1 else None
    # districts carry their city's name (杭州市西湖区), counties and county-level cities not
    prefix = (parent.name if parent and division.name.endswith("区") else "") + division.name
    return prefix, division.name


class Generator:
    def __init__(self, out: Path, scale: float, seed: int, projects: int, stories: int) -> None:
        self.out = out
        self.scale = scale
        self.rng = random.Random(seed)
        self.n_projects = projects
        self.n_stories = stories
        self.table = load_divisions()
        self.associations: list[Assoc] = []
        self.by_region: dict[str, Assoc] = {}
        self.project_hosts: dict[str, str] = {}
        self.slugs: set[str] = set()
        self.files = 0
        self.bytes = 0

    def write(self, rel: str, text: str) -> None:
        path = self.out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        path.write_bytes(data)
        self.files += 1
        self.bytes += len(data)

    # -- config, pages, static -----------------------------------------------------------------

    def config(self) -> None:
        self.write(
            "sitegen.yaml",
            "# 基准测试用的全国规模合成站点（benchmarks/generate.py 生成，数据均为虚构）。\n"
            "title: 全国青年志愿者协会台账与项目库（基准测试站点）\n"
            "base_url: https://example.org/\n"
            "language: zh-CN\n"
            "description: 全国各级青年志愿者协会组织台账、志愿服务项目库和典型事迹的合成数据，用于性能基准测试。\n"
            "theme: default\n"
            f"as_of: {LAST_DAY}\n"
            "edit_url: https://github.com/example/sitegen-bench/edit/main/\n"
            "# 搜索索引（Pagefind）另行计时：benchmarks/run.py 的 “cold with search” 一行\n"
            "search: false\n",
        )
        self.write(
            "content/pages/about.md",
            "---\ntitle: 关于本站\nmenu: 90\n---\n\n## 这个网站是什么\n\n本站的全部协会、项目和事迹都由"
            "**基准测试脚本**生成，\n用于衡量 sitegen 在全国规模下的构建速度，内容均为虚构。\n",
        )
        self.write(
            "content/pages/join.md",
            "---\ntitle: 加入我们\nmenu: 80\n---\n\n1. 联系所在县（市、区）的青年志愿者协会；\n"
            "2. 在志愿服务信息系统完成注册；\n3. 参加岗前培训后上岗服务。\n",
        )
        for kind in ("projects", "stories"):
            for n in range(1, STATIC_IMAGES + 1):
                hue = (n * 41) % 360
                self.write(
                    f"static/img/{kind}/bench-{n}.svg",
                    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 180" role="img">'
                    f'<rect width="320" height="180" fill="hsl({hue},40%,85%)"/>'
                    f'<circle cx="160" cy="90" r="{40 + n * 4}" fill="hsl({hue},45%,60%)"/></svg>\n',
                )

    # -- associations --------------------------------------------------------------------------

    def pick_associations(self) -> None:
        rng, table = self.rng, self.table
        for division in table:
            if division.level not in ("national", "province") and rng.random() >= self.scale:
                continue
            prefix, short = association_names(division, table)
            if division.level == "national":
                status = "active"
            else:
                roll = rng.random()
                county = division.level in ("county", "zone")
                if county and roll < 0.01:
                    status = "dissolved"
                elif roll < (0.07 if county else 0.02 if division.level == "city" else 0.0):
                    status = "preparing"
                else:
                    status = "active"
            if status == "preparing":
                founded = None
            elif division.level == "national":
                founded = date(1994, 12, 5)
            elif division.level == "province":
                founded = day_between(rng, date(1994, 1, 1), date(2002, 12, 31))
            elif division.level == "city":
                founded = day_between(rng, date(1996, 1, 1), date(2016, 12, 31))
            else:  # most counties followed the 2020 guiding opinions
                late = rng.random() < 0.7
                founded = day_between(rng, date(2019, 6, 1) if late else date(2000, 1, 1), date(2024, 6, 30) if late else date(2019, 5, 31))
            ancestors = {d.level: d for d in table.ancestors(division.code)}
            province = division if division.level == "province" else ancestors.get("province")
            city = division if division.level == "city" else ancestors.get("city") or province
            slug = tag_slug(short)[:24].strip("-") or division.code
            if slug in self.slugs:  # 朝阳区 in Beijing and in Changchun …
                slug = f"{slug}-{division.code}"
            self.slugs.add(slug)
            assoc = Assoc(
                division=division,
                name=prefix,
                short=short,
                slug=slug,
                status=status,
                founded=founded,
                province=province.name if province else "全国",
                city=city.name if city else "全国",
            )
            self.associations.append(assoc)
            self.by_region[division.code] = assoc

    def association_yaml(self, a: Assoc) -> str:
        rng = self.rng
        d = a.division
        kind = "青年志愿者协会" if d.level != "county" or rng.random() < 0.9 else _pick(rng, KINDS[1:])
        fill = rng.random()  # how much of the ledger this office has filled in
        out = [f'region: "{d.code}"', f"name: {scalar(a.name + kind)}"]
        if kind != "青年志愿者协会":
            out.append(f"kind: {kind}")
        if a.status != "active":
            out.append(f"status: {a.status}")
        if a.founded:
            out.append(f"founded: {a.founded}")
        if a.status == "dissolved":
            assert a.founded is not None
            out.append(f"dissolved: {day_between(rng, min(a.founded + timedelta(days=30), LAST_DAY), LAST_DAY)}")
        since = a.founded or date(2024, 1, 1)
        if fill > 0.3 and a.status != "preparing":
            org = "MJ" + "".join(_pick(rng, CHARSET) for _ in range(7))
            first17 = "51" + d.code + org
            out.append(f"credit_code: {first17 + check_char(first17)}")
        league = "共青团中央" if d.code == NATIONAL else f"共青团{a.name}委员会"
        out.append(f"supervisor: {league}")
        if fill > 0.15:
            out.append("contact:")
            out.append(f"  address: {scalar(a.name + _pick(rng, TOWN_HEADS) + _pick(rng, TOWN_HEADS) + '路' + str(rng.randint(1, 399)) + '号 团委' + str(rng.randint(2, 6)) + '楼')}")
            out.append(f"  phone: 0{rng.randint(10, 999)}-{rng.randint(2, 8)}{rng.randint(0, 9999999):07d}")
            if fill > 0.4:
                out.append(f"  email: cyva{d.code}@example.org")
            if fill > 0.6:
                out.append(f"  website: https://cyva{d.code}.example.org/")
        n_leaders = rng.randint(1, 4) if fill > 0.1 else 0
        if n_leaders:
            out.append("leaders:")
            for role in LEADER_ROLES[: n_leaders + 1]:
                if role == "常务副会长" and rng.random() < 0.6:
                    continue
                out.append(f"  - role: {role}\n    name: {person(rng)}")
        level_size = {"national": 40, "province": 12, "city": 4}.get(d.level, 1)
        if a.status != "preparing" and fill > 0.2:
            out.append("volunteers:")
            out.append(f"  registered: {rng.randint(300, 90000) * level_size}")
            out.append(f"  as_of: {day_between(rng, date(2024, 1, 1), date(2024, 6, 30))}")
        n_teams = rng.randint(0, 12) if fill > 0.25 else 0
        if n_teams:
            out.append("teams:")
            for _ in range(n_teams):
                team = _pick(rng, TEAM_KINDS)
                name = TEAM_NAMES[team].format(
                    town=town(rng), place=a.short, school=_pick(rng, SCHOOLS), trade=_pick(rng, TRADES),
                    company=_pick(rng, COMPANIES), community=_pick(rng, COMMUNITIES), other=_pick(rng, OTHERS),
                )
                out.append(f"  - name: {scalar(name)}\n    type: {team}")
                if rng.random() < 0.85:
                    out.append(f"    members: {rng.randint(8, 1500 if team == '学校' else 240)}")
        n_members = rng.randint(0, 8) if fill > 0.45 else 0
        if n_members:
            out.append("group_members:")
            for _ in range(n_members):
                out.append(f"  - name: {scalar(a.short + _pick(rng, ORG_UNITS))}")
                if rng.random() < 0.8:
                    out.append(f"    joined: {day_between(rng, since, LAST_DAY)}")
        if a.status != "preparing" and fill > 0.2:
            years = list(range(max(since.year, 2018), 2025))
            chosen = [y for y in years if rng.random() < 0.75]
            if chosen:
                out.append("trainings:")
                for year in chosen:
                    day = day_between(rng, max(date(year, 1, 1), since), date(year, 12, 31) if year < 2024 else LAST_DAY)
                    out.append(f"  - date: {day}\n    title: {_pick(rng, TRAININGS).format(year=year)}")
                    if rng.random() < 0.8:
                        out.append(f"    participants: {rng.randint(20, 400)}")
        n_bases = rng.randint(0, 5) if fill > 0.35 else 0
        if n_bases:
            out.append("bases:")
            for _ in range(n_bases):
                base = _pick(rng, BASE_KINDS)
                out.append(f"  - name: {scalar(BASE_NAMES[base].format(place=a.short, town=town(rng)))}\n    type: {base}")
                if rng.random() < 0.7:
                    out.append(f"    address: {scalar(a.name + town(rng) + str(rng.randint(1, 200)) + '号')}")
        if fill > 0.3:
            out.append("governance:")
            out.append(f"  charter: {scalar(rng.random() < 0.9)}")
            out.append(f"  party_org: {scalar(rng.random() < 0.5)}")
            out.append(f"  league_org: {scalar(rng.random() < 0.8)}")
            if fill > 0.7:
                out.append(f"  disclosure_url: https://cyva{d.code}.example.org/xxgk/")
        if a.founded and fill > 0.5:
            honors = []
            for title, by in HONORS:
                is_model = title.startswith("示范")
                if is_model and d.level not in ("county", "zone"):
                    continue
                if rng.random() < (0.12 if is_model else 0.2):
                    year = rng.randint(max(a.founded.year + 1, 2019), 2024) if a.founded.year < 2024 else 2024
                    honors.append((year, title.format(province=a.province, city=a.city), by.format(province=a.province, city=a.city)))
            if honors:
                out.append("honors:")
                for year, title, by in sorted(honors):
                    out.append(f"  - year: {year}\n    title: {scalar(title)}\n    by: {scalar(by)}")
        text = "\n".join(out) + "\n"
        if fill > 0.4:
            text += block("description", self.association_description(a))
        if fill > 0.2:
            text += f"updated: {day_between(rng, date(2024, 1, 1), LAST_DAY)}\n"
        return text

    def association_description(self, a: Assoc) -> str:
        rng = self.rng
        year = a.founded.year if a.founded else 2024
        paras = [
            wrap(
                f"{a.short}青年志愿者协会{'于' + str(year) + '年成立' if a.founded else '正在筹备'}，秘书处设在团{a.short}委，"
                f"现有{_pick(rng, TOWN_TAILS)}青年志愿服务队{rng.randint(2, 30)}支、学校和行业企业服务队{rng.randint(1, 20)}支。",
                rng,
            ),
            wrap(
                f"协会依托{_pick(rng, WHERE)}，常态化开展**{_pick(rng, PROJECT_PHRASES['shequ'])}**、"
                f"*{_pick(rng, PROJECT_PHRASES['guanai'])}*等项目，服务{_pick(rng, WHOM)}和{_pick(rng, WHOM)}。",
                rng,
            ),
        ]
        if rng.random() < 0.4:
            paras.append("\n".join(f"- {_pick(rng, DUTIES)}：{_pick(rng, HOW)}" for _ in range(rng.randint(2, 4))))
        return "\n\n".join(paras[: rng.randint(1, len(paras))])

    # -- projects ------------------------------------------------------------------------------

    def project_yaml(self, slug: str, host: Assoc, brand: str) -> str:
        rng = self.rng
        phrase = _pick(rng, PROJECT_PHRASES[brand])
        title = f"{host.short}“{phrase}”{DEFAULT_BRANDS[brand]['name']}"
        summary = "".join(
            _pick(rng, SUMMARY_PARTS).format(
                who=_pick(rng, WHO), where=_pick(rng, WHERE), what=_pick(rng, WHAT), how=_pick(rng, HOW), whom=_pick(rng, WHOM)
            )
            for _ in range(rng.randint(1, 3))
        )
        out = [f"title: {scalar(title)}", f'association: "{host.division.code}"', f"brand: {brand}"]
        targets = sorted({_pick(rng, DEFAULT_TARGETS) for _ in range(rng.randint(1, 3))}, key=DEFAULT_TARGETS.index)
        out.append(f"targets: [{', '.join(targets)}]")
        out.append(f"summary: {scalar(summary)}")
        first = max(host.founded or FIRST_DAY, date(2010, 1, 1))
        started = day_between(rng, first, date(2024, 10, 31))
        if rng.random() < 0.9:
            out.append(f"started: {started}")
        roll = rng.random()
        if roll < 0.08:
            out.append("status: completed")
        elif roll < 0.12:
            out.append("status: paused")
        if rng.random() < 0.6:
            out.append("regular: true")
        if rng.random() < 0.7:
            out.append(f"schedule: {_pick(rng, SCHEDULES)}")
        volunteers = rng.randint(5, 800)
        if rng.random() < 0.85:
            out.append(f"volunteers: {volunteers}")
        if rng.random() < 0.75:
            out.append(f"service_hours: {volunteers * rng.randint(4, 160)}")
        if rng.random() < 0.75:
            out.append(f"beneficiaries: {rng.randint(20, 30000)}")
        if rng.random() < 0.7:
            funding = sorted({_pick(rng, DEFAULT_FUNDING) for _ in range(rng.randint(1, 3))}, key=DEFAULT_FUNDING.index)
            out.append(f"funding: [{', '.join(funding)}]")
        if rng.random() < 0.6:
            out.append(f"library_year: {rng.randint(max(started.year, 2019), 2024)}")
        if rng.random() < 0.01:
            out.append("featured: true")
        if rng.random() < 0.2:
            out.append("images:")
            for n in sorted({rng.randint(1, STATIC_IMAGES) for _ in range(rng.randint(1, 2))}):
                out.append(f"  - img/projects/bench-{n}.svg")
        text = "\n".join(out) + "\n"
        if rng.random() < 0.6:
            text += block("description", self.project_description(host))
        return text

    def project_description(self, host: Assoc) -> str:
        rng = self.rng
        paras = [wrap(self.sentences(host, rng.randint(2, 4)), rng)]
        if rng.random() < 0.3:
            rows = [f"| {_pick(rng, DUTIES)} | {_pick(rng, WHAT)} |" for _ in range(rng.randint(2, 4))]
            paras.append("| 内容 | 说明 |\n|---|---|\n" + "\n".join(rows))
        if rng.random() < 0.5:
            paras.append(wrap(self.sentences(host, rng.randint(1, 3)), rng))
        return "\n\n".join(paras)

    # -- stories -------------------------------------------------------------------------------

    def fill(self, template: str, host: Assoc | None, name: str) -> str:
        rng = self.rng
        place = host.short if host else _pick(rng, self.associations).short
        duty, duty2 = rng.sample(DUTIES, 2)
        partner, partner2 = rng.sample(PARTNERS, 2)
        return template.format(
            name=name, place=place, org=f"{place}青年志愿者协会", role=_pick(rng, ROLES), years=rng.randint(2, 12),
            time=_pick(rng, TIMES), who=_pick(rng, WHO), site=_pick(rng, SITES), whom=_pick(rng, WHOM),
            activity=_pick(rng, ACTIVITIES), count=rng.randint(6, 300), groups=rng.randint(2, 9),
            duty=duty, duty2=duty2, people=rng.randint(30, 6000),
            hours=rng.randint(100, 20000), training=_pick(rng, TRAINING_KINDS), quote_short=_pick(rng, QUOTES_SHORT),
            partner=partner, partner2=partner2, season=_pick(rng, SEASONS),
            topic=_pick(rng, TOPICS), peer=_pick(rng, PEERS), whom_one=_pick(rng, WHOM_ONE),
            month=rng.randint(1, 12), year=rng.randint(2015, 2024), quote=_pick(rng, QUOTES),
        )

    def sentences(self, host: Assoc | None, count: int, name: str | None = None) -> str:
        name = name or person(self.rng)
        return "".join(self.fill(_pick(self.rng, SENTENCES), host, name) for _ in range(count))

    def story_body(self, host: Assoc | None, project: str | None, hero: str, target: int) -> str:
        rng = self.rng
        parts = [wrap(self.fill(_pick(rng, OPENINGS), host, hero) + self.sentences(host, rng.randint(2, 4), hero), rng)]
        if host is not None:
            link = f"[{host.name}青年志愿者协会](/associations/{host.division.code}/)"
            parts.append(wrap(f"这项工作由{link}组织实施。" + self.sentences(host, rng.randint(1, 3), hero), rng))
        if project is not None:
            parts.append(wrap(f"相关项目见[项目库](/projects/{project}/)。" + self.sentences(host, 1, hero), rng))
        heads = rng.sample(SECTION_HEADS, 4)
        used_list = used_quote = False
        length = sum(len(p) for p in parts)
        while length < target:
            section = [f"## {heads.pop() if heads else _pick(rng, SECTION_HEADS)}"]
            section.append(wrap(self.sentences(host, rng.randint(2, 5), hero), rng))
            if not used_list or rng.random() < 0.3:
                ordered = rng.random() < 0.5
                items = []
                for i, lead in enumerate(rng.sample(LIST_LEADS, rng.randint(3, 5)), 1):
                    marker = f"{i}." if ordered else "-"
                    items.append(f"{marker} **{lead}。** {self.sentences(host, 1, hero)}")
                section.append("\n".join(items))
                used_list = True
            if not used_quote or rng.random() < 0.2:
                section.append(f"> “{_pick(rng, QUOTES)}。”{hero}说。")
                used_quote = True
            if rng.random() < 0.3:
                label, url = _pick(rng, EXTERNAL_LINKS)
                section.append(wrap(f"更多信息可查看[{label}]({url})，*{_pick(rng, TOPICS)}*相关服务仍在招募志愿者。", rng))
            parts.extend(section)
            length += sum(len(p) for p in section)
        return "\n\n".join(parts) + "\n"

    def story_md(self, host: Assoc | None, project: str | None, day: date, tags: list[str]) -> str:
        rng = self.rng
        hero = person(rng)
        topic = tags[0]
        title = f"{hero}：{_pick(rng, ('扎根', '坚守', '奔走在', '守护', '点亮'))}{host.short if host else ''}{_pick(rng, SITES)}的{topic}志愿者"
        if rng.random() < 0.3:
            title = f"{host.short if host else '他们'}的{topic}故事：{_pick(rng, QUOTES_SHORT)}"
        out = ["---", f"title: {scalar(title)}", f"date: {day}"]
        if rng.random() < 0.8:
            out.append(f"summary: {scalar(self.sentences(host, 1, hero))}")
        if host is not None:
            out.append(f'association: "{host.division.code}"')
        if project is not None:
            out.append(f"project: {project}")
        if rng.random() < 0.8:
            out.append("volunteer:")
            out.append(f"  name: {hero}")
            if rng.random() < 0.6:
                out.append(f"  star: {rng.randint(1, 5)}")
        out.append(f"tags: [{', '.join(tags)}]")
        if rng.random() < 0.2:
            out.append(f"cover: img/stories/bench-{rng.randint(1, STATIC_IMAGES)}.svg")
        if rng.random() < 0.01:
            out.append("draft: true")
        out.append("---")
        body = self.story_body(host, project, hero, rng.randint(300, 1500))
        return "\n".join(out) + "\n\n" + body

    # -- top level -----------------------------------------------------------------------------

    def run(self) -> None:
        rng = self.rng
        self.config()
        self.pick_associations()
        for a in self.associations:
            self.write(f"content/associations/{a.division.code}.yaml", self.association_yaml(a))
        hosts = [a for a in self.associations if a.status != "preparing"]
        # counties host most projects; higher levels a few each
        weights = [1.0 if a.division.level in ("county", "zone") else 3.0 for a in hosts]
        brands = list(DEFAULT_BRANDS)
        chosen_hosts = rng.choices(hosts, weights=weights, k=self.n_projects)
        for i, host in enumerate(chosen_hosts):
            brand = brands[i % len(brands)] if i < len(brands) else _pick(rng, brands)
            slug = f"{host.slug}-{brand}-{len(host.projects) + 1}"
            host.projects.append(slug)
            self.project_hosts[slug] = host.division.code
            self.write(f"content/projects/{slug}.yaml", self.project_yaml(slug, host, brand))
        with_projects = [a for a in hosts if a.projects]
        for i in range(self.n_stories):
            roll = rng.random()
            host: Assoc | None
            project = None
            if roll < 0.3 and with_projects:
                host = _pick(rng, with_projects)
                project = _pick(rng, host.projects)
            elif roll < 0.85:
                host = _pick(rng, self.associations)
            else:
                host = None
            # a topic (skewed: some are much more common), sometimes the province and city
            topic = TOPICS[min(int(rng.paretovariate(0.9)) - 1, len(TOPICS) - 1) if rng.random() < 0.5 else rng.randrange(len(TOPICS))]
            tags = [topic]
            if rng.random() < 0.4:
                tags.append(_pick(rng, TOPICS))
            if host is not None and host.division.code != NATIONAL and rng.random() < 0.6:
                tags.append(host.province)
            if host is not None and host.city != host.province and rng.random() < 0.35:
                tags.append(host.city)
            tags = list(dict.fromkeys(tags))
            day = day_between(rng, FIRST_DAY, LAST_DAY)
            slug = story_slug(host.slug if host else "quanguo", day, i + 1)
            self.write(f"content/stories/{slug}.md", self.story_md(host, project, day, tags))


def story_slug(host_slug: str, day: date, serial: int) -> str:
    """The serial has five digits: a host slug ending in its region code, the date and a
    four-digit serial read as an ID number split 6-8-4, which the privacy check rightly refuses
    in a file name (`bin-zhou-shi-610482-20200421-9786`)."""
    return f"{host_slug}-{day:%Y%m%d}-{serial:05d}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir", type=Path, help="directory to write the site into (replaced)")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the national site (default 1.0)")
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--projects", type=int, help=f"number of projects (default {FULL_PROJECTS} × scale)")
    parser.add_argument("--stories", type=int, help=f"number of stories (default {FULL_STORIES} × scale)")
    args = parser.parse_args(argv)
    if not 0 < args.scale <= 1:
        parser.error("--scale must be in (0, 1]")
    out: Path = args.outdir
    if out.exists():
        if not (out / "sitegen.yaml").is_file() and any(out.iterdir()):
            parser.error(f"{out} exists and is not a generated site; refusing to replace it")
        shutil.rmtree(out)
    started = time.perf_counter()
    projects = args.projects if args.projects is not None else round(FULL_PROJECTS * args.scale)
    stories = args.stories if args.stories is not None else round(FULL_STORIES * args.scale)
    gen = Generator(out, args.scale, args.seed, projects, stories)
    gen.run()
    print(
        f"{out}: {len(gen.associations)} associations, {projects} projects, {stories} stories; "
        f"{gen.files} files, {gen.bytes / 2**20:.1f} MiB in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
