"""Template helpers in sitegen/render/templates.py."""

from __future__ import annotations

import pytest

from sitegen.render.templates import PhonePart, phone_numbers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0571-87051325", [PhonePart("0571-87051325", "tel:057187051325")]),
        ("12355", [PhonePart("12355", "tel:12355")]),
        ("(0571)87051325", [PhonePart("(0571)87051325", "tel:057187051325")]),
        ("+86 571 8705 1325", [PhonePart("+86 571 8705 1325", "tel:+8657187051325")]),
        ("010-85212000（工作日）", [PhonePart("010-85212000", "tel:01085212000"), PhonePart("（工作日）")]),
        (
            "0571-8705 1325 转 8001、0571-87051326",
            [PhonePart("0571-8705 1325 转 8001", "tel:057187051325;ext=8001"), PhonePart("、"), PhonePart("0571-87051326", "tel:057187051326")],
        ),
        ("见官网", [PhonePart("见官网")]),
    ],
)
def test_phone_numbers_become_tel_uris(text: str, expected: list[PhonePart]) -> None:
    assert phone_numbers(text) == expected
