"""Coverage figures against small hand-computed cases (docs/reference.md, 规则 › 覆盖率)."""

from datetime import date

from sitegen.domain.coverage import compute, covers, percent
from sitegen.domain.divisions import load_divisions
from sitegen.domain.scope import build_scope
from sitegen.load.config import Milestone
from sitegen.load.models import Association


def national(count_zones: bool = False):
    return build_scope(["100000"], load_divisions(), count_zones)


MILESTONES = [Milestone(date=date(2020, 12, 31), rate=0.5), Milestone(date=date(2021, 12, 31), rate=0.7)]


def assoc(region: str, founded: str | None = None, status: str = "active", dissolved: str | None = None) -> Association:
    return Association.model_validate(
        {"region": region, "name": "x", "founded": founded, "status": status, "dissolved": dissolved}
    )


def test_percent_rounds_half_up_to_one_decimal() -> None:
    assert percent(1, 16) == "6.3%"
    assert percent(1, 3) == "33.3%"
    assert percent(2, 3) == "66.7%"
    assert percent(0, 0) == "0.0%"
    assert percent(90, 90) == "100.0%"


def test_covers_milestone_inclusive_dissolved_exclusive_preparing_never() -> None:
    day = date(2020, 12, 31)
    assert covers(assoc("330106", "2020-12-31"), day)
    assert not covers(assoc("330106", "2021-01-01"), day)
    assert not covers(assoc("330106", "2019-01-01", "dissolved", "2020-12-31"), day)
    assert covers(assoc("330106", "2019-01-01", "dissolved", "2021-01-01"), day)
    assert not covers(assoc("330106", status="preparing"), day)


def test_province_counts_special_units() -> None:
    table = load_divisions()
    records = [
        assoc("460400", "2020-06-01"),  # 儋州: a city without counties counts once
        assoc("469001", "2021-03-01"),  # 五指山: 省直辖县级 under the province
        assoc("460100", "2019-01-01"),  # a city association covers no county
        assoc("460105", status="preparing"),
    ]
    report = compute(records, national(), MILESTONES, date(2021, 12, 31))
    hainan = report.province("460000")
    assert hainan is not None
    assert hainan.counties == len(table.coverage_units("460000"))
    assert hainan.covered == 2
    assert hainan.covered_on(date(2020, 12, 31)) == 1
    assert [(p.date.isoformat(), p.covered) for p in hainan.series] == [
        ("2020-06-01", 1),
        ("2020-12-31", 1),
        ("2021-03-01", 2),
        ("2021-12-31", 2),
    ]
    assert report.national.covered == 2
    assert report.national.counties == sum(p.counties for p in report.provinces)


def test_zones_only_when_configured() -> None:
    table = load_divisions()
    zone = next(d for d in table if d.level == "zone")
    records = [assoc(zone.code, "2019-01-01")]
    without = compute(records, national(), MILESTONES, date(2021, 1, 1))
    with_zones = compute(records, national(count_zones=True), MILESTONES, date(2021, 1, 1))
    assert without.national.covered == 0
    assert with_zones.national.covered == 1
    assert with_zones.national.counties > without.national.counties


def test_dissolution_drops_out_of_series() -> None:
    records = [assoc("330106", "2019-01-01", "dissolved", "2021-06-01")]
    zhejiang = compute(records, national(), MILESTONES, date(2021, 12, 31)).province("330000")
    assert [(p.date.isoformat(), p.covered) for p in zhejiang.series] == [
        ("2019-01-01", 1),
        ("2020-12-31", 1),
        ("2021-06-01", 0),
        ("2021-12-31", 0),
    ]
    assert zhejiang.covered == 0
