"""One mistake, one diagnostic (docs/editing.md «看懂错误提示»): each mistake below, made once in
an otherwise valid site, gives exactly one diagnostic that names its cause, at its own place."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_link import association, write

from sitegen.build import analyse, check
from sitegen.load.fullwidth import scan

PROJECT = 'title: 银龄课堂\nassociation: "330106"\nbrand: jinhui\ntargets: [空巢老人, 社区居民]\nsummary: 教老人用手机。\n'
STORY = '---\ntitle: 事迹\ndate: 2024-05-01\nassociation: "330106"\nproject: yinling\n---\n\n正文。\n'


def site(tmp_path: Path, **changes: str) -> Path:
    files = {
        "content/associations/330106.yaml": association("330106", supervisor="共青团杭州市西湖区委员会"),
        "content/associations/330108.yaml": association("330108"),
        "content/projects/yinling.yaml": PROJECT,
        "content/stories/one.md": STORY,
    }
    files.update({key.replace("__", "/").replace("_yaml", ".yaml"): value for key, value in changes.items()})
    return write(tmp_path, files)


def found(src: Path) -> list[tuple[str, int, int, str, str]]:
    return [(Path(d.path).name, d.line, d.column, d.code, d.message) for d in check(src).diagnostics]


def test_the_site_is_clean(tmp_path: Path) -> None:
    assert found(site(tmp_path)) == []


def test_misspelled_field_is_not_followed_by_unknown_references(tmp_path: Path) -> None:
    text = association("330106", supervsor="共青团杭州市西湖区委员会")
    [(name, line, col, code, message)] = found(site(tmp_path, **{"content/associations/330106_yaml": text}))
    assert (name, line, col, code) == ("330106.yaml", 4, 1, "unknown-field") and "supervisor" in message


def test_misspelled_required_field_is_one_diagnostic(tmp_path: Path) -> None:
    text = 'region: "330106"\nnmae: 西湖区青协\nfounded: 2020-01-01\n'
    [(name, line, col, code, message)] = found(site(tmp_path, **{"content/associations/330106_yaml": text}))
    assert (line, col, code) == (2, 1, "unknown-field") and "必填字段“name”" in message


def test_a_failed_project_is_not_reported_again_by_its_stories(tmp_path: Path) -> None:
    text = PROJECT.replace("brand: jinhui", "brand: 不存在的品牌")
    [(name, _, _, code, _)] = found(site(tmp_path, **{"content/projects/yinling_yaml": text}))
    assert (name, code) == ("yinling.yaml", "invalid-value")


def test_wrong_region_in_a_file_blames_that_file_with_both_places(tmp_path: Path) -> None:
    text = association("330108", supervisor="共青团杭州市西湖区委员会")  # in 330106.yaml; 330108.yaml exists
    [(name, line, col, code, message)] = found(site(tmp_path, **{"content/associations/330106_yaml": text}))
    assert (name, line, col, code) == ("330106.yaml", 1, 9, "duplicate-key")
    assert "西湖区" in message and "滨江区" in message and 'region 改为 "330106"' in message


def test_wrong_region_without_a_rival_file(tmp_path: Path) -> None:
    text = association("330110")  # 余杭区 in 330106.yaml, which a project and a story refer to
    [(name, line, col, code, message)] = found(site(tmp_path, **{"content/associations/330106_yaml": text}))
    assert (name, line, col, code) == ("330106.yaml", 1, 9, "file-name")
    assert "西湖区" in message and "余杭区" in message and "2 处引用" in message
    unreferenced = write(tmp_path / "b", {"content/associations/330106.yaml": association("330110")})
    [diagnostic] = check(unreferenced).diagnostics
    assert (diagnostic.severity.value, diagnostic.code) == ("warning", "file-name")
    assert "330110.yaml" in diagnostic.message and 'region 改为 "330106"' in diagnostic.message


def test_two_files_for_one_region_blame_the_misnamed_one(tmp_path: Path) -> None:
    src = site(tmp_path, **{"content/associations/xihu_yaml": association("330106")})
    [(name, line, _, code, message)] = found(src)
    assert (name, line, code) == ("xihu.yaml", 1, "duplicate-key") and "330106.yaml" in message


@pytest.mark.parametrize(
    ("field", "written", "stored"),
    [("brand", "金晖助老", "jinhui"), ("brand", "jinhui", "jinhui"), ("status", "已结项", "completed"), ("status", "completed", "completed")],
)
def test_vocabularies_accept_the_chinese_name(tmp_path: Path, field: str, written: str, stored: str) -> None:
    src = site(tmp_path, **{"content/projects/yinling_yaml": PROJECT + f"{field}: {written}\n" if field == "status" else PROJECT.replace("jinhui", written)})
    result = analyse(src)
    assert not result.diagnostics
    assert getattr(result.site.projects["yinling"].data, field) == stored


def test_association_status_by_its_chinese_name(tmp_path: Path) -> None:
    src = site(tmp_path, **{"content/associations/330108_yaml": 'region: "330108"\nname: 滨江\nstatus: 筹备中\n'})
    result = analyse(src)
    assert not result.diagnostics and result.site.associations["330108"].data.status == "preparing"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("brand: 金晖", "是不是“jinhui（金晖助老）”？"),
        ("brand: nope", "jinhui（金晖助老） · shequ（青年志愿者服务社区行动）"),
        ("status: 已完成", "running（进行中） · paused（暂停） · completed（已结项）"),
        ("targets: [孤寡老人]", "空巢老人 · 留守儿童"),
    ],
)
def test_vocabulary_errors_list_key_and_name_pairs(tmp_path: Path, line: str, expected: str) -> None:
    key = line.split(":")[0]
    text = "\n".join(row for row in PROJECT.splitlines() if not row.startswith(key + ":")) + f"\n{line}\n"
    [(_, _, _, code, message)] = found(site(tmp_path, **{"content/projects/yinling_yaml": text}))
    assert code == "invalid-value" and expected in message, message


@pytest.mark.parametrize(
    ("text", "line", "column", "named"),
    [
        (PROJECT.replace("summary:", "summary："), 5, 8, "“：”"),
        (PROJECT.replace("[空巢老人, 社区居民]", "[空巢老人，社区居民]"), 4, 15, "“，”"),
        (PROJECT.replace("[空巢老人, 社区居民]", "[空巢老人、社区居民]"), 4, 15, "“、”"),
        (PROJECT.replace("[空巢老人, 社区居民]", "[空巢老人；社区居民]"), 4, 15, "“；”"),
        (PROJECT.replace("[空巢老人, 社区居民]", "【空巢老人, 社区居民】"), 4, 10, "“【”"),
        (PROJECT.replace("brand: jinhui", "brand:\u3000jinhui"), 3, 7, "全角空格"),
        (PROJECT + "funding:\n\u3000\u3000- 财政资金\n", 7, 1, "全角空格"),
        (PROJECT + "funding:\n  － 财政资金\n", 7, 3, "“－”"),
    ],
)
def test_full_width_punctuation_is_named_on_its_own_line(tmp_path: Path, text: str, line: int, column: int, named: str) -> None:
    [(name, got_line, got_column, code, message)] = found(site(tmp_path, **{"content/projects/yinling_yaml": text}))
    assert (name, got_line, got_column, code) == ("yinling.yaml", line, column, "yaml-syntax"), message
    assert named in message


def test_full_width_punctuation_in_front_matter_counts_its_lines(tmp_path: Path) -> None:
    text = STORY.replace("title: 事迹", "title：事迹")
    [(name, line, column, code, _)] = found(site(tmp_path, **{"content/stories/one.md": text}))
    assert (name, line, column, code) == ("one.md", 2, 6, "yaml-syntax")


def test_prose_with_full_width_punctuation_is_left_alone() -> None:
    text = (
        "summary: 组织大学生，每周六上午：教老人用手机；识别诈骗、防范风险\n"
        "trainings: [{date: 2024-05-20, title: 骨干培训，第一期}]\n"
        "tags: [\"留守儿童，大学生\"]\n"
        "description: |\n  注意：这是正文\n  note：正文里的冒号\n  [a，b]\n"
    )
    assert scan(text, structure=True) == []
