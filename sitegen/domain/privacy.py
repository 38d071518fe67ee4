"""Privacy scan (信息安全): personal numbers must never reach the public site or repository.

The raw text of every content file is scanned, front matter, comments and drafts included,
so each hit has its exact line and column. Found: resident ID numbers (18 digits with a valid
GB 11643 check digit and a real birth date, and old 15-digit ones with a real birth date),
mobile numbers (1[3-9] and 9 more digits, spaces or dashes allowed inside) except in the
official `contact.phone` field, and Luhn-valid bank card numbers of 16–19 digits. Numbers
listed in `privacy.allow` pass. Messages show the number masked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from sitegen.diagnostics import Diagnostic, error

_ID18 = re.compile(r"(?<![0-9A-Za-z])([1-9]\d{5}(?:18|19|20)\d{2}\d{4}\d{3}[\dXx])(?![0-9A-Za-z])")
_ID15 = re.compile(r"(?<![0-9A-Za-z])([1-9]\d{5}\d{6}\d{3})(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![\d-])((?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d){8})(?![\d])")
_CARD = re.compile(r"(?<![\d-])(\d(?:[ -]?\d){15,18})(?![\d])")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def mask(number: str) -> str:
    """Show only the first three and last two characters."""
    plain = re.sub(r"[ -]", "", number)
    return plain[:3] + "*" * max(len(plain) - 5, 1) + plain[-2:]


def _real_date(year: int, month: int, day: int) -> bool:
    try:
        return date(year, month, day) <= date(2100, 1, 1)
    except ValueError:
        return False


def is_resident_id(number: str) -> bool:
    number = number.upper()
    if len(number) == 18:
        total = sum(int(c) * w for c, w in zip(number[:17], _WEIGHTS, strict=True))
        born = _real_date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        return born and _CHECK[total % 11] == number[17]
    if len(number) == 15 and number.isdigit():
        return _real_date(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]))
    return False


def luhn(number: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(number)):
        value = int(char)
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


_ID_HINT = "请删除，公开内容不得包含身份证号"
_KINDS = (
    (_ID18, "居民身份证号", _ID_HINT, is_resident_id),
    (_ID15, "居民身份证号（15 位）", _ID_HINT, is_resident_id),
    (_MOBILE, "手机号码", "请删除或改用协会的办公电话（写在 contact.phone 字段）", None),
    (_CARD, "银行卡号", "请删除，公开内容不得包含银行卡号", lambda n: luhn(digits(n))),
)


def _hits(line: str) -> list[tuple[int, int, str, str, str]]:
    """(start, end, number, what, hint) of every personal number in one line, no overlaps."""
    hits: list[tuple[int, int, str, str, str]] = []
    for pattern, what, hint, valid in _KINDS:
        for match in pattern.finditer(line):
            start, end = match.span(1)
            number = match.group(1)
            if valid is not None and not valid(number):
                continue
            if not any(start < e and s < end for s, e, *_ in hits):
                hits.append((start, end, number, what, hint))
    return hits


def scan(
    text: str,
    path: str | Path,
    allow: Iterable[str] = (),
    phone_positions: Iterable[tuple[int, int]] = (),
) -> list[Diagnostic]:
    """All personal numbers in `text`; `phone_positions` are (line, col) where contact.phone starts."""
    allowed = {digits(a) for a in allow if digits(a)}
    phones = set(phone_positions)
    found: list[Diagnostic] = []
    for line_no, line in enumerate(text.split("\n"), start=1):
        for start, _end, number, what, hint in _hits(line):
            official = what == "手机号码" and any(pl == line_no and pc <= start + 1 for pl, pc in phones)
            if official or digits(number) in allowed:
                continue
            message = f"疑似{what}“{mask(number)}”：{hint}；确需公开的号码请加入 sitegen.yaml 的 privacy.allow"
            found.append(error(path, line_no, start + 1, "privacy", message))
    return found
