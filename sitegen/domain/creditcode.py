"""统一社会信用代码 (unified social credit code) checks, GB 32100-2015.

18 characters from a 31-character set (digits and capital letters without I, O, Z, S, V):
position 1 registration authority, 2 organisation type, 3–8 administrative division code,
9–17 organisation code, 18 check character.
"""

from __future__ import annotations

__all__ = ["CHARSET", "check_char", "is_valid", "problem"]

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {ch: i for i, ch in enumerate(CHARSET)}
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_LENGTH = 18


def _bad_char(code: str) -> str | None:
    return next((ch for ch in code if ch not in _VALUE), None)


def check_char(first17: str) -> str:
    """The check character (18th) for the first 17 characters of a code."""
    if len(first17) != _LENGTH - 1 or _bad_char(first17) is not None:
        raise ValueError(f"expected 17 characters from {CHARSET}: {first17!r}")
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, _WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def problem(code: str) -> str | None:
    """None when `code` is valid, else a short Chinese reason. Only capital letters count."""
    if len(code) != _LENGTH:
        return f"长度应为 18 位（现为 {len(code)} 位）"
    bad = _bad_char(code)
    if bad is not None:
        if bad.islower() and bad.upper() in _VALUE:
            return f'含有不允许的字符 "{bad}"：字母须大写'
        return f'含有不允许的字符 "{bad}"：只能使用数字和除 I、O、Z、S、V 以外的大写字母'
    if not code[2:8].isdigit():
        return f'第 3–8 位应为 6 位数字的行政区划代码（现为 "{code[2:8]}"）'
    expected = check_char(code[:17])
    if code[17] != expected:
        return f'校验位应为 "{expected}"（现为 "{code[17]}"）'
    return None


def is_valid(code: str) -> bool:
    """True when `code` is a well-formed code with the right check character."""
    return problem(code) is None
