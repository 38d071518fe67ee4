"""Linking (sitegen.link.site, sitegen.link.references): references and the 席位制 hierarchy,
on records written in the test."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sitegen.build import analyse


def write(src: Path, files: dict[str, str]) -> Path:
    for rel, text in {"sitegen.yaml": "title: t\nbase_url: https://example.org/\n", **files}.items():
        path = src / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return src


def association(region: str, **extra: str) -> str:
    lines = [f'region: "{region}"', f"name: 协会{region}", "founded: 2020-01-01"]
    lines += [f"{k}: {v}" for k, v in extra.items()]
    return "\n".join(lines) + "\n"


def test_parent_is_nearest_existing_association(tmp_path: Path) -> None:
    src = write(
        tmp_path,
        {
            "content/associations/100000.yaml": association("100000"),
            "content/associations/330000.yaml": association("330000"),
            "content/associations/330106.yaml": association("330106"),  # no city association
            "content/associations/469001.yaml": association("469001"),  # 省直辖县级, no province record
            "content/associations/110101.yaml": association("110101"),  # 直辖市 district
            "content/associations/110000.yaml": association("110000"),
        },
    )
    result = analyse(src)
    assert not result.diagnostics
    site = result.site
    assert site.parent["330106"] == "330000"
    assert site.parent["330000"] == "100000"
    assert site.parent["469001"] == "100000"
    assert site.parent["110101"] == "110000"
    assert site.parent["100000"] is None
    assert site.members["330000"] == ("330106",)


def test_dissolved_left_out_of_members(tmp_path: Path) -> None:
    src = write(
        tmp_path,
        {
            "content/associations/330100.yaml": association("330100"),
            "content/associations/330106.yaml": association("330106", status="dissolved", dissolved="2021-01-01"),
            "content/associations/330108.yaml": 'region: "330108"\nname: x\nstatus: preparing\n',
        },
    )
    site = analyse(src).site
    assert site.members["330100"] == ("330108",)


def test_integer_references_and_reference_rules(tmp_path: Path) -> None:
    src = write(
        tmp_path,
        {
            "content/associations/330106.yaml": "region: 330106\nname: x\nfounded: 2020-01-01\n",
            "content/associations/330108.yaml": association("330108"),
            "content/projects/p.yaml": "title: p\nassociation: 330106\nbrand: local\nsummary: s\n",
            "content/stories/s.md": "---\ntitle: s\ndate: 2021-01-01\nassociation: 330108\nproject: p\n---\n",
            "content/stories/draft.md": "---\ntitle: d\ndate: 2021-01-01\nproject: nope\ndraft: true\n---\n",
        },
    )
    result = analyse(src)
    found = sorted((Path(d.path).name, d.line, d.code, d.severity.value) for d in result.diagnostics)
    assert found == [
        ("draft.md", 4, "unknown-reference", "error"),  # drafts are checked too
        ("s.md", 5, "reference-mismatch", "warning"),
    ]
    assert result.site.projects_of["330106"] == ("p",)


def test_tags_get_pinyin_slugs_and_as_of_is_latest_content_date(tmp_path: Path) -> None:
    src = write(
        tmp_path,
        {
            "content/associations/330106.yaml": association("330106", updated="2022-03-04"),
            "content/stories/a.md": "---\ntitle: a\ndate: 2021-01-01\ntags: [留守儿童, AI]\n---\n",
            "content/stories/b.md": "---\ntitle: b\ndate: 2023-01-01\ndraft: true\n---\n",
        },
    )
    site = analyse(src).site
    assert dict(site.tag_slug) == {"AI": "ai", "留守儿童": "liu-shou-er-tong"}
    assert site.as_of.isoformat() == "2022-03-04"  # the draft's later date does not count


def test_registered_volunteers_are_not_double_counted(tmp_path: Path) -> None:
    from sitegen.render.pages import registered_volunteers

    src = write(
        tmp_path,
        {
            "content/associations/330000.yaml": association("330000") + "volunteers: {registered: 1000}\n",
            "content/associations/330106.yaml": association("330106") + "volunteers: {registered: 300}\n",
            "content/associations/460105.yaml": association("460105") + "volunteers: {registered: 50}\n",
        },
    )
    assert registered_volunteers(analyse(src).site) == 1050


def test_ledger_date_comes_from_associations_only(tmp_path: Path) -> None:
    """A story or project dated later never re-dates a figure; `as_of` in the config wins."""
    src = write(
        tmp_path,
        {
            "content/associations/330106.yaml": association("330106", updated="2024-12-02")
            + "trainings:\n  - {date: 2024-03-19, title: 培训}\n  - {date: 2024-12-09, title: 年末培训}\n",
            "content/projects/p.yaml": 'title: p\nassociation: "330106"\nbrand: local\nsummary: s\nstarted: 2030-01-01\n',
            "content/stories/today.md": "---\ntitle: 今天的事迹\ndate: 2030-06-01\n---\n",
            "content/pages/about.md": "---\ntitle: 关于\n---\n",
        },
    )
    site = analyse(src).site
    assert site.as_of.isoformat() == "2024-12-09"  # the nested training date, not the story's
    assert site.as_of_source == "content/associations/330106.yaml 第 7 行的 trainings[1].date，即协会台账中最晚的日期"
    config = src / "sitegen.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "as_of: 2023-12-31\n", encoding="utf-8")
    site = analyse(src).site
    assert (site.as_of.isoformat(), site.as_of_source) == ("2023-12-31", "sitegen.yaml 的 as_of")
    assert analyse(src, as_of=date(2022, 1, 1)).site.as_of_source == "命令行选项 --as-of"
