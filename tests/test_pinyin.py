"""Tests for sitegen.pinyin."""

from __future__ import annotations

import pytest

from sitegen.domain.pinyin import PLACE_READINGS, sort_key, tag_slug, tag_slugs


def _sorted(names: list[str]) -> list[str]:
    return sorted(names, key=sort_key)


def test_provinces_sort_by_pinyin_not_code_point() -> None:
    names = ["浙江省", "北京市", "安徽省"]
    assert sorted(names) != ["安徽省", "北京市", "浙江省"]  # code points disagree
    assert _sorted(names) == ["安徽省", "北京市", "浙江省"]


def test_polyphonic_place_names() -> None:
    # 长沙 chang < 重庆 chong; 厦门 under x (not sha); 长治 is Chángzhì (pypinyin says zhang)
    names = ["重庆市", "厦门市", "长治市", "长沙市", "西安市", "长子县", "郑州市"]
    assert _sorted(names) == ["长沙市", "长治市", "重庆市", "西安市", "厦门市", "长子县", "郑州市"]


@pytest.mark.parametrize(
    ("name", "syllables"),
    [
        ("长治市", ("chang", "zhi", "shi")),
        ("单县", ("shan", "xian")),
        ("解州镇", ("xie", "zhou", "zhen")),
        ("洪洞县", ("hong", "tong", "xian")),
        ("六安市", ("lu", "an", "shi")),
        ("番禺区", ("pan", "yu", "qu")),
        ("铅山县", ("yan", "shan", "xian")),
        ("会稽山", ("kuai", "ji", "shan")),
        ("郫都区", ("pi", "du", "qu")),
        ("台州市", ("tai", "zhou", "shi")),
    ],
)
def test_place_reading_overrides(name: str, syllables: tuple[str, ...]) -> None:
    assert sort_key(name)[0] == syllables


def test_override_table_is_one_syllable_per_character() -> None:
    for name, reading in PLACE_READINGS.items():
        assert len(reading.split()) == len(name), name


def test_tone_breaks_ties_then_name() -> None:
    # same toneless pinyin "li shui": 丽水 lí shuǐ (2) before 利水 lì shuǐ (4)
    assert _sorted(["利水", "丽水"]) == ["丽水", "利水"]
    assert sort_key("丽水")[1] == ("li2", "shui3")
    assert sort_key("丽水") < sort_key("丽水市")


@pytest.mark.parametrize(
    ("tag", "slug"),
    [
        ("留守儿童", "liu-shou-er-tong"),
        ("AI", "ai"),
        ("5G", "5g"),
        ("绿", "lv"),
        ("绿色出行", "lv-se-chu-xing"),
        ("AI志愿", "ai-zhi-yuan"),
        ("5G网络", "5g-wang-luo"),
        ("金晖助老", "jin-hui-zhu-lao"),
        ("重庆", "chong-qing"),
        ("COVID-19", "covid-19"),
        ("关爱 · 行动！", "guan-ai-xing-dong"),
        ("ＡＩ", "ai"),
        ("——", "tag"),
        ("", "tag"),
    ],
)
def test_tag_slug(tag: str, slug: str) -> None:
    assert tag_slug(tag) == slug


def test_tag_slug_is_ascii_without_double_hyphens() -> None:
    for tag in ["  a -- b  ", "志愿-—服务", "-开头", "结尾-"]:
        slug = tag_slug(tag)
        assert slug.isascii()
        assert "--" not in slug
        assert not slug.startswith("-") and not slug.endswith("-")


def test_tag_slugs_collision_in_code_point_order() -> None:
    # 'AI' (U+0041) < 'ai' (U+0061) < '爱' (U+7231): all map to "ai"
    slugs = tag_slugs(["爱", "ai", "AI", "留守儿童"])
    assert slugs == {"AI": "ai", "ai": "ai-2", "爱": "ai-3", "留守儿童": "liu-shou-er-tong"}


def test_tag_slugs_suffix_never_takes_another_tags_slug() -> None:
    slugs = tag_slugs(["ai-2", "AI", "ai"])
    assert slugs == {"AI": "ai", "ai": "ai-3", "ai-2": "ai-2"}
    assert len(set(slugs.values())) == len(slugs)


def test_tag_slugs_stable_regardless_of_input_order() -> None:
    tags = ["爱", "ai", "AI", "志愿", "志愿 ", "留守儿童"]
    first = tag_slugs(tags)
    assert tag_slugs(reversed(tags)) == first
    assert tag_slugs(tags + tags) == first
    assert list(first) == sorted(first)


def test_sort_keys_survive_between_builds(monkeypatch) -> None:
    import json

    from sitegen.domain import pinyin

    expected = pinyin.sort_key("重庆市青年志愿者协会")
    saved = json.loads(json.dumps(pinyin.known_keys()))  # as the build cache keeps them
    monkeypatch.setattr(pinyin, "_KEYS", {})
    monkeypatch.setattr(pinyin, "_compute_sort_key", lambda name: (_ for _ in ()).throw(AssertionError(name)))
    pinyin.add_keys(saved)
    assert pinyin.sort_key("重庆市青年志愿者协会") == expected  # from the cache, not recomputed
    pinyin.add_keys({"坏": "not a key", "也坏": [[1], 2]})  # a damaged entry is skipped
    assert "坏" not in pinyin.known_keys()
