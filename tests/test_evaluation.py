"""Evaluation scorecards on tiny sites written in the test, computed by hand."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from test_link import write

from sitegen.build import analyse
from sitegen.domain.evaluation import (
    INDICATORS,
    MAX_SCORE,
    average_text,
    evaluate,
    months_before,
    window_start,
)
from sitegen.render import opendata

CONFIG = "title: t\nbase_url: https://example.org/\nas_of: 2024-12-10\n"

FULL = """\
region: "330106"
name: 西湖区青年志愿者协会
founded: 2016-03-05
credit_code: 51330106MJX08HP825
governance: {charter: true, party_org: true, league_org: true, disclosure_url: https://x.example.org/}
teams:
  - {name: a, type: 乡镇街道}
  - {name: b, type: 学校}
  - {name: c, type: 行业}
  - {name: d, type: 企业}
group_members:
  - {name: g, joined: 2020-01-01}
trainings:
  - {date: 2024-03-19, title: t}
bases:
  - {name: 青年之家, type: 青年之家}
updated: 2024-12-02
"""
PROJECT = "title: p\nassociation: 330106\nbrand: local\nsummary: s\n"
STORY = "---\ntitle: s\ndate: 2024-05-01\nassociation: 330106\n---\n正文\n"


def site_of(tmp_path: Path, files: dict[str, str], config: str = CONFIG):
    result = analyse(write(tmp_path, {"sitegen.yaml": config, **files}))
    assert [d.format_text() for d in result.diagnostics if d.is_error] == []
    return result.site


def bare(region: str, **extra: str) -> str:
    lines = [f'region: "{region}"', f"name: 协会{region}", "founded: 2020-01-01", *(f"{k}: {v}" for k, v in extra.items())]
    return "\n".join(lines) + "\n"


def points(card) -> dict[str, int]:
    return {r.indicator.key: r.points for r in card.indicators}


def test_the_table_adds_up_to_100() -> None:
    assert MAX_SCORE == 100
    weights = {i.key: i.weight for i in INDICATORS}
    assert weights == {
        "established": 10, "governance": 20, "training": 15, "teams": 20, "group_members": 5,
        "bases": 10, "projects": 10, "stories": 5, "freshness": 5,
    }  # fmt: skip
    assert all(i.name and i.explanation and all(c.rule for c in i.checks) for i in INDICATORS)
    keys = [c.key for i in INDICATORS for c in i.checks]
    assert len(keys) == len(set(keys))


def test_full_marks(tmp_path: Path) -> None:
    site = site_of(tmp_path, {
        "content/associations/330106.yaml": FULL,
        "content/projects/p.yaml": PROJECT,
        "content/stories/s.md": STORY,
    })  # fmt: skip
    card = evaluate(site).scorecard("330106")
    assert card is not None
    assert card.score == 100 and card.met == len(INDICATORS)
    assert all(r.state == "met" for r in card.indicators)
    training = next(r for r in card.indicators if r.indicator.key == "training")
    assert training.checks[0].detail == "1 次，最近一次 2024年3月19日"


def test_bare_association_gets_only_founded(tmp_path: Path) -> None:
    site = site_of(tmp_path, {"content/associations/330106.yaml": bare("330106")})
    card = evaluate(site).scorecard("330106")
    assert card.score == 5
    assert points(card) == {k: 0 for k in points(card)} | {"established": 5}
    established = card.indicators[0]
    assert established.state == "partial"
    assert [(c.check.key, c.ok) for c in established.checks] == [("founded", True), ("credit_code", False)]
    # Nothing in the ledger yet is a to-do ("○ 台账未登记"), not a failure; it scores 0 all the same.
    assert card.indicators[1].state == "unrecorded"
    assert card.unrecorded == sum(len(i.checks) for i in card.indicators) - 1 - 2  # founded; projects, stories
    governance = bare("330106", governance="{charter: false}")
    recorded = evaluate(site_of(tmp_path / "g", {"content/associations/330106.yaml": governance})).scorecard("330106")
    charter, party = recorded.indicators[1].checks[:2]
    assert (charter.met, charter.detail) == (False, "台账记为未建立")
    assert (party.met, party.detail) == (None, "台账未登记")
    assert recorded.indicators[1].state == "unmet"


def test_trainings_in_the_last_12_months_boundary(tmp_path: Path) -> None:
    # now = 2024-12-10: the window is 2023-12-11 … 2024-12-10, both ends included.
    assert window_start(date(2024, 12, 10), 12) == date(2023, 12, 11)

    def training_points(day: str, sub: str) -> int:
        files = {"content/associations/330106.yaml": bare("330106", trainings=f"[{{date: {day}, title: t}}]")}
        site = site_of(tmp_path / sub, files)
        return points(evaluate(site).scorecard("330106"))["training"]

    assert training_points("2023-12-10", "a") == 0  # exactly 12 months before: outside
    assert training_points("2023-12-11", "b") == 15
    assert training_points("2024-12-10", "c") == 15  # on "now"
    assert training_points("2024-12-11", "d") == 0  # after now: not yet happened


def test_team_types(tmp_path: Path) -> None:
    teams = "[{name: a, type: 乡镇街道}, {name: b, type: 乡镇街道}, {name: c, type: 学校}, {name: d, type: 社区}, {name: e}]"
    site = site_of(tmp_path, {"content/associations/330106.yaml": bare("330106", teams=teams)})
    result = next(r for r in evaluate(site).scorecard("330106").indicators if r.indicator.key == "teams")
    assert result.points == 10 and result.state == "partial"
    assert [(c.check.name, c.ok, c.detail) for c in result.checks] == [
        ("乡镇街道服务队", True, "2 支"),
        ("学校服务队", True, "1 支"),
        ("行业服务队", False, "没有行业服务队"),
        ("企业服务队", False, "没有企业服务队"),
    ]


def test_ledger_freshness(tmp_path: Path) -> None:
    # now = 2024-12-10: fresh means updated 2024-06-11 … 2024-12-10.
    def fresh(updated: str | None, sub: str) -> tuple[int, str]:
        extra = {"updated": updated} if updated else {}
        site = site_of(tmp_path / sub, {"content/associations/330106.yaml": bare("330106", **extra)})
        check = next(r for r in evaluate(site).scorecard("330106").indicators if r.indicator.key == "freshness").checks[0]
        return check.points, check.detail

    assert fresh("2024-06-11", "a") == (5, "2024年6月11日核对，距统计日 182 天")
    assert fresh("2024-06-10", "b")[0] == 0
    assert fresh("2024-12-10", "c") == (5, "2024年12月10日核对，距统计日 0 天")
    assert fresh(None, "d") == (0, "台账未填写核对日期")


def test_months_before_clamps_to_month_end() -> None:
    assert months_before(date(2024, 8, 31), 6) == date(2024, 2, 29)
    assert months_before(date(2023, 3, 31), 1) == date(2023, 2, 28)
    assert months_before(date(2024, 1, 15), 12) == date(2023, 1, 15)
    assert window_start(date(2024, 2, 29), 12) == date(2023, 3, 1)


def test_only_dated_things_up_to_now_count(tmp_path: Path) -> None:
    files = {
        "content/associations/330106.yaml": bare("330106", group_members="[{name: g, joined: 2025-01-01}]"),
        "content/projects/p.yaml": PROJECT + "library_year: 2025\n",
        "content/stories/s.md": STORY.replace("2024-05-01", "2025-01-01"),
    }
    site = site_of(tmp_path, files, CONFIG)
    card = evaluate(site).scorecard("330106")
    assert points(card)["group_members"] == 0
    assert points(card)["projects"] == 0
    assert points(card)["stories"] == 0


def test_who_is_evaluated(tmp_path: Path) -> None:
    files = {
        "content/associations/330000.yaml": bare("330000"),  # province: no
        "content/associations/330100.yaml": bare("330100"),  # city with counties: no
        "content/associations/330106.yaml": bare("330106"),  # county: yes
        "content/associations/330108.yaml": bare("330108", status="dissolved", dissolved="2021-01-01"),  # no
        "content/associations/330110.yaml": 'region: "330110"\nname: x\nstatus: preparing\n',  # yes, scores 0
        "content/associations/460400.yaml": bare("460400"),  # 儋州, a city without counties: yes
        "content/associations/469001.yaml": bare("469001"),  # 省直辖县级: yes, under 海南
    }
    report = evaluate(site_of(tmp_path, files))
    assert [c.region for c in report.scorecards] == ["330106", "330110", "460400", "469001"]
    preparing = report.scorecard("330110")
    assert preparing.score == 0 and preparing.indicators[0].checks[0].detail == "筹备中，尚未成立"
    hainan = report.province("460000")
    assert [c.region for c in hainan.scorecards] == ["460400", "469001"]
    assert len(report.provinces) == 31


def test_province_aggregate_and_rounding(tmp_path: Path) -> None:
    files = {
        "content/associations/330106.yaml": FULL,  # 100 − 10 (no project) − 5 (no story) = 85
        "content/associations/330108.yaml": bare("330108"),  # 5
        "content/associations/330110.yaml": bare("330110", credit_code="51330106MJX08HP825"),  # 10
    }
    report = evaluate(site_of(tmp_path, files))
    zhejiang = report.province("330000")
    assert [c.score for c in zhejiang.scorecards] == [85, 5, 10]
    assert (zhejiang.count, zhejiang.points) == (3, 100)
    assert average_text(zhejiang.points, zhejiang.count) == "33.3"
    assert zhejiang.met("established") == 2 and zhejiang.met("training") == 1 and zhejiang.met("projects") == 0
    assert report.national.points == 100 and report.province("110000").average is None
    assert average_text(25, 3) == "8.3" and average_text(1, 16) == "0.1" and average_text(1, 40) == "0.0"
    assert average_text(3, 40) == "0.1"  # 0.075 rounds half up
    assert average_text(0, 0) == "—"


def test_document_is_json_ready_and_consistent(tmp_path: Path) -> None:
    site = site_of(tmp_path, {"content/associations/330106.yaml": FULL, "content/associations/330108.yaml": bare("330108")})
    doc = opendata.evaluation_document(evaluate(site), site)
    doc = json.loads(json.dumps(doc, ensure_ascii=False))
    assert doc["as_of"] == "2024-12-10" and doc["max_score"] == 100
    assert doc["windows"] == {
        "trainings": {"from": "2023-12-11", "to": "2024-12-10"},
        "updated": {"from": "2024-06-11", "to": "2024-12-10"},
    }
    assert [i["weight"] for i in doc["indicators"]] == [i.weight for i in INDICATORS]
    cards = doc["associations"]
    assert [(c["region"], c["score"], c["url"]) for c in cards] == [
        ("330106", 85, "/associations/330106/"),
        ("330108", 5, "/associations/330108/"),
    ]
    for card in cards:
        assert card["score"] == sum(i["points"] for i in card["indicators"])
        for item in card["indicators"]:
            assert item["points"] == sum(c["points"] for c in item["checks"] if c["ok"])
    zhejiang = next(p for p in doc["provinces"] if p["region"] == "330000")
    assert zhejiang == {
        "region": "330000", "name": "浙江省", "associations": 2, "points": 90, "average": 45.0,
        "met": {"established": 1, "governance": 1, "training": 1, "teams": 1, "group_members": 1,
                "bases": 1, "projects": 0, "stories": 0, "freshness": 1},
    }  # fmt: skip
    assert doc["national"]["points"] == 90
