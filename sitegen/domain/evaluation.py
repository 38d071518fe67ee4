"""Evaluation (建设工作评估): a transparent checklist for every county-level association.

Computed only from ledger fields, as of `site.as_of` (never the clock). Every indicator, its
checks, their points and the rule in plain Chinese live in ONE table, `INDICATORS`; pages, data
files and tests all read it. Scores are guidance for the league, not a ranking: listings keep
the directory's order.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import MappingProxyType
from typing import Any

from sitegen.domain.chinese import cn_date
from sitegen.link.site import Site

TRAINING_MONTHS = 12  # "原则上每年至少培训一次"
FRESH_MONTHS = 6  # "建立并及时更新基础台帐"
TEAM_TYPES = ("乡镇街道", "学校", "行业", "企业")  # "推动乡镇（街道）、学校、行业、企业等建立青年志愿者队伍"


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier, clamped to the month's end."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def window_start(now: date, months: int) -> date:
    """First day of the `months` months up to and including `now`."""
    return months_before(now, months) + timedelta(days=1)


@dataclass(frozen=True)
class Facts:
    """What the checks look at for one association."""

    data: Any  # models.Association
    now: date
    projects: tuple[Any, ...]  # models.Project hosted by it, in the library by now
    stories: tuple[Any, ...]  # models.Story about it, dated by now

    def within(self, day: date | None, months: int) -> bool:
        return day is not None and window_start(self.now, months) <= day <= self.now


# (met, detail shown beside the check); met is None when the ledger does not record the fact
# at all: a new association's empty ledger is a to-do list, not a row of failures.
Result = tuple[bool | None, str]


def _established(f: Facts) -> Result:
    d = f.data
    if d.status == "preparing":
        return False, "筹备中，尚未成立"
    if d.founded is None or d.founded > f.now:
        return False, "统计日尚未成立"
    return True, f"{cn_date(d.founded)}成立"


def _credit_code(f: Facts) -> Result:
    return (True, f.data.credit_code) if f.data.credit_code else (None, "台账未登记")


def _governance(field: str) -> Callable[[Facts], Result]:
    def check(f: Facts) -> Result:
        governance = f.data.governance
        if governance is None or field not in governance.model_fields_set:
            return None, "台账未登记"
        return (True, "已建立") if getattr(governance, field) else (False, "台账记为未建立")

    return check


def _disclosure(f: Facts) -> Result:
    url = f.data.governance.disclosure_url if f.data.governance else None
    return (True, url) if url else (None, "台账未登记信息公开网址")


def _training(f: Facts) -> Result:
    recent = sorted(t.date for t in f.data.trainings if f.within(t.date, TRAINING_MONTHS))
    if recent:
        return True, f"{len(recent)} 次，最近一次 {cn_date(recent[-1])}"
    earlier = sorted(t.date for t in f.data.trainings if t.date <= f.now)
    if earlier:
        return False, f"统计期内没有培训（上一次 {cn_date(earlier[-1])}）"
    return None, "台账没有培训记录"


def _team(kind: str) -> Callable[[Facts], Result]:
    def check(f: Facts) -> Result:
        teams = [t for t in f.data.teams if t.type == kind]
        if not f.data.teams:
            return None, "台账没有服务队"
        return (True, f"{len(teams)} 支") if teams else (False, f"没有{kind}服务队")

    return check


def _group_members(f: Facts) -> Result:
    members = [m for m in f.data.group_members if m.joined is None or m.joined <= f.now]
    return (True, f"{len(members)} 个") if members else (None, "台账没有团体会员")


def _bases(f: Facts) -> Result:
    return (True, f"{len(f.data.bases)} 处") if f.data.bases else (None, "台账没有服务阵地")


def _youth_home(f: Facts) -> Result:
    homes = [b.name for b in f.data.bases if b.type == "青年之家"]
    if not f.data.bases:
        return None, "台账没有服务阵地"
    return (True, "、".join(homes)) if homes else (False, "没有登记为“青年之家”的阵地")


def _projects(f: Facts) -> Result:
    return (True, f"{len(f.projects)} 个") if f.projects else (False, "项目库中没有本会承办的项目")


def _stories(f: Facts) -> Result:
    return (True, f"{len(f.stories)} 篇") if f.stories else (False, "没有本会的典型事迹")


def _fresh(f: Facts) -> Result:
    updated = f.data.updated
    if updated is None:
        return None, "台账未填写核对日期"
    if updated > f.now:
        return False, f"核对日期 {cn_date(updated)} 晚于统计日"
    age = (f.now - updated).days
    return f.within(updated, FRESH_MONTHS), f"{cn_date(updated)}核对，距统计日 {age} 天"


@dataclass(frozen=True)
class Check:
    key: str
    name: str
    points: int
    rule: str
    test: Callable[[Facts], Result]


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str
    explanation: str
    checks: tuple[Check, ...]

    @property
    def weight(self) -> int:
        return sum(c.points for c in self.checks)


# The one table: indicator, why it matters (the 2020 guiding opinions), checks with points.
INDICATORS: tuple[Indicator, ...] = (
    Indicator("established", "成立登记", "“县有协会”：协会依法成立、登记，是开展工作的前提。", (
        Check("founded", "已成立", 5, "状态为正常，成立日期不晚于统计日；筹备中不得分", _established),
        Check("credit_code", "统一社会信用代码", 5, "台账登记了经校验的统一社会信用代码", _credit_code),
    )),
    Indicator("governance", "内部治理", "依据章程完善内部治理，“应建必建”成立党团组织，建立内部信息披露制度。", (
        Check("charter", "协会章程", 5, "治理信息中“章程”为是", _governance("charter")),
        Check("party_org", "党组织", 5, "治理信息中“党组织”为是", _governance("party_org")),
        Check("league_org", "团组织", 5, "治理信息中“团组织”为是", _governance("league_org")),
        Check("disclosure", "信息公开", 5, "登记了信息公开网址", _disclosure),
    )),
    Indicator("training", "年度培训", "骨干培训“原则上每年至少培训一次”。", (
        Check("recent", "近 12 个月开展培训", 15, "统计日前 12 个月内（含统计日）至少有一次培训记录", _training),
    )),
    Indicator("teams", "基层建队", "“县有协会，基层建队”：推动乡镇（街道）、学校、行业、企业建立青年志愿者队伍。", tuple(
        Check(f"team_{i}", f"{kind}服务队", 5, f"至少有一支类型为“{kind}”的服务队", _team(kind))
        for i, kind in enumerate(TEAM_TYPES, start=1)
    )),
    Indicator("group_members", "团体会员", "把符合条件的青年志愿者组织吸纳为团体会员，发挥枢纽作用。", (
        Check("group_members", "吸纳团体会员", 5, "至少有一个团体会员（加入日期不晚于统计日）", _group_members),
    )),
    Indicator("bases", "服务阵地", "共建共享青年志愿服务阵地，融入“青年之家”功能。", (
        Check("bases", "有服务阵地", 5, "至少登记一处服务阵地", _bases),
        Check("youth_home", "依托青年之家", 5, "至少一处阵地类型为“青年之家”", _youth_home),
    )),
    Indicator("projects", "项目入库", "建立以县级协会为主体的项目实施机制，抓好优秀项目遴选入库。", (
        Check("projects", "承办入库项目", 10, "项目库中至少有一个由本会承办的项目（入库年份不晚于统计年）", _projects),
    )),
    Indicator("stories", "典型事迹", "选树先进典型，讲好青年志愿者故事。", (
        Check("stories", "有典型事迹", 5, "至少有一篇关联本会、日期不晚于统计日的典型事迹", _stories),
    )),
    Indicator("freshness", "台账更新", "依托信息化工具，建立并及时更新基础台帐。", (
        Check("fresh", "近 6 个月核对台账", 5, "台账核对日期在统计日前 6 个月内（含统计日）", _fresh),
    )),
)  # fmt: skip

MAX_SCORE = sum(i.weight for i in INDICATORS)


@dataclass(frozen=True)
class CheckResult:
    check: Check
    met: bool | None  # None: the ledger does not record it yet
    detail: str

    @property
    def ok(self) -> bool:
        return self.met is True

    @property
    def recorded(self) -> bool:
        return self.met is not None

    @property
    def points(self) -> int:
        return self.check.points if self.ok else 0


@dataclass(frozen=True)
class IndicatorResult:
    indicator: Indicator
    checks: tuple[CheckResult, ...]

    @property
    def points(self) -> int:
        return sum(c.points for c in self.checks)

    @property
    def met(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def state(self) -> str:
        """"met", "partial", "unmet" or "unrecorded" (nothing in the ledger yet): how a
        checklist shows it."""
        if self.met:
            return "met"
        if self.points:
            return "partial"
        return "unmet" if any(c.recorded for c in self.checks) else "unrecorded"


@dataclass(frozen=True)
class Scorecard:
    region: str
    name: str
    province: str
    status: str
    indicators: tuple[IndicatorResult, ...]

    @property
    def score(self) -> int:
        return sum(i.points for i in self.indicators)

    @property
    def met(self) -> int:
        return sum(1 for i in self.indicators if i.met)

    @property
    def unrecorded(self) -> int:
        """Checks the ledger has no data for yet."""
        return sum(1 for i in self.indicators for c in i.checks if not c.recorded)


@dataclass(frozen=True)
class Summary:
    """An aggregate over the scorecards of one area (a province, or 全国)."""

    region: str
    name: str
    scorecards: tuple[Scorecard, ...]

    @property
    def count(self) -> int:
        return len(self.scorecards)

    @property
    def points(self) -> int:
        return sum(s.score for s in self.scorecards)

    @property
    def average(self) -> float | None:
        return self.points / self.count if self.count else None

    def met(self, key: str) -> int:
        """How many associations fully meet indicator `key`."""
        return sum(1 for s in self.scorecards for i in s.indicators if i.indicator.key == key and i.met)


@dataclass(frozen=True)
class EvaluationReport:
    as_of: date
    training_from: date
    fresh_from: date
    scorecards: tuple[Scorecard, ...]  # every county-level association in scope, by region code
    scope: Summary  # all of them
    national: Summary | None  # only on a national site
    provinces: tuple[Summary, ...]  # provinces with units in scope, in code order
    areas: tuple[Summary, ...]  # the rows of the coverage table (provinces, cities …)
    regions: tuple[Summary, ...]  # the areas with a /regions/<code>/ page
    index: Mapping[str, Scorecard] = field(default_factory=lambda: MappingProxyType({}), repr=False)

    def scorecard(self, region: str) -> Scorecard | None:
        return self.index.get(region)

    def province(self, code: str) -> Summary | None:
        return next((p for p in self.provinces if p.region == code), None)

    def area(self, code: str) -> Summary | None:
        return next((a for a in self.areas if a.region == code), None)

    def region(self, code: str) -> Summary | None:
        return next((r for r in self.regions if r.region == code), None)


def average_text(points: int, count: int) -> str:
    """Average score with one decimal, rounded half up in integer arithmetic ("—" if none)."""
    if count <= 0:
        return "—"
    tenths = (points * 20 + count) // (2 * count)
    return f"{tenths // 10}.{tenths % 10}"


def is_evaluated(site: Site, region: str) -> bool:
    """County-level associations that exist inside the scope: counties, development zones and
    cities without counties (东莞, 中山, 嘉峪关, 儋州), not dissolved."""
    division = site.divisions.get(region)
    if division is None or site.associations[region].data.status == "dissolved" or not site.in_scope(region):
        return False
    return division.level in ("county", "zone") or site.divisions.is_city_without_counties(region)


def scorecard(site: Site, region: str) -> Scorecard:
    data = site.associations[region].data
    now = site.as_of
    projects = tuple(
        p.data
        for slug in site.projects_of.get(region, ())
        if (p := site.projects[slug]).data.library_year is None or p.data.library_year <= now.year
    )
    stories = tuple(r.data for r in site.stories_of_association.get(region, ()) if r.data.date <= now)
    facts = Facts(data, now, projects, stories)
    results = tuple(
        IndicatorResult(ind, tuple(CheckResult(c, *c.test(facts)) for c in ind.checks)) for ind in INDICATORS
    )
    return Scorecard(region, data.name, region[:2] + "0000", data.status, results)


def evaluate(site: Site, card: Callable[[str], Scorecard | None] | None = None) -> EvaluationReport:
    """The whole evaluation; `card(region)` gives a scorecard (a memoised one, in a build)."""
    card = card or (lambda region: scorecard(site, region))
    cards = tuple(c for r in sorted(site.associations) if is_evaluated(site, r) and (c := card(r)) is not None)
    divisions = site.divisions

    def summary(code: str, name: str) -> Summary:
        inside = tuple(c for c in cards if c.region == code or any(a.code == code for a in divisions.ancestors(c.region)))
        return Summary(code, name, inside)

    report = site.coverage
    whole = Summary(report.scope.region, report.scope.name, cards)
    return EvaluationReport(
        site.as_of,
        window_start(site.as_of, TRAINING_MONTHS),
        window_start(site.as_of, FRESH_MONTHS),
        cards,
        whole,
        whole if report.national is not None else None,
        tuple(summary(p.region, p.name) for p in report.provinces),
        tuple(summary(a.region, a.name) for a in report.areas),
        tuple(summary(r.region, r.name) for r in report.regions),
        MappingProxyType({c.region: c for c in cards}),
    )
