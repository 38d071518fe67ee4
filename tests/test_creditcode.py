"""Tests for sitegen.creditcode."""

from __future__ import annotations

import pytest

from sitegen.domain.creditcode import CHARSET, check_char, is_valid, problem

# Published codes of well-known companies (independent check of the algorithm).
REAL_CODES = [
    "914403001922038216",  # 华为技术有限公司
    "9144030071526726XG",  # 深圳市腾讯计算机系统有限公司
    "91330100799655058B",  # 阿里巴巴（中国）网络技术有限公司
]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_valid(code: str) -> None:
    assert is_valid(code)
    assert problem(code) is None
    assert check_char(code[:17]) == code[17]


def test_social_organisation_code_built_with_check_char() -> None:
    # 5 民政 / 1 社会团体 / 330106 西湖区 / organisation code
    first17 = "51330106MJ000123" + "4"
    code = first17 + check_char(first17)
    assert is_valid(code)


def test_check_value_31_maps_to_zero() -> None:
    # all zeros: sum 0, 31 - 0 = 31 -> "0"
    assert check_char("0" * 17) == "0"
    assert is_valid("0" * 18)


def test_charset_has_31_characters_without_ambiguous_letters() -> None:
    assert len(CHARSET) == 31
    assert not set("IOZSV") & set(CHARSET)


@pytest.mark.parametrize("code", ["", "91440300192203821", "9144030019220382160"])
def test_wrong_length(code: str) -> None:
    assert not is_valid(code)
    assert problem(code) == f"长度应为 18 位（现为 {len(code)} 位）"


def test_lowercase_is_rejected_with_hint() -> None:
    code = "9144030071526726xg"
    assert not is_valid(code)
    assert problem(code) == '含有不允许的字符 "x"：字母须大写'


@pytest.mark.parametrize("bad", ["I", "O", "Z", "S", "V", "-", " ", "中"])
def test_disallowed_characters(bad: str) -> None:
    code = "91440300192203821" + bad
    msg = problem(code)
    assert msg is not None and msg.startswith(f'含有不允许的字符 "{bad}"')


def test_region_part_must_be_digits() -> None:
    first17 = "91A40300192203821"
    code = first17 + check_char(first17)
    assert problem(code) == '第 3–8 位应为 6 位数字的行政区划代码（现为 "A40300"）'


def test_bad_check_char() -> None:
    assert problem("914403001922038217") == '校验位应为 "6"（现为 "7"）'
    assert not is_valid("9144030071526726XH")


def test_every_single_character_change_is_detected() -> None:
    code = REAL_CODES[0]
    for i in range(17):
        for ch in CHARSET:
            if ch != code[i] and (not 2 <= i < 8 or ch.isdigit()):
                assert not is_valid(code[:i] + ch + code[i + 1 :]), (i, ch)


def test_check_char_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        check_char("123")
    with pytest.raises(ValueError):
        check_char("9144030019220382I")
