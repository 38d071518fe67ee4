"""Privacy scan (信息安全): personal numbers must never reach the public site or repository.

The text of every content file is scanned as a reader sees it (`sitegen.domain.readable`:
full-width digits, invisible characters, markup, entities, comments and line breaks inside a
number undone), front matter, comments and drafts included, and so is every string value
YAML parses (escapes such as `\\u0031` and folded lines decoded) and every file name (names
become URLs). Each hit has its line and column in the file. Found: resident ID numbers (18
digits with a valid GB 11643 check digit and a real birth date, and old 15-digit ones with a
real birth date), mobile numbers (1[3-9] and 9 more digits, spaces or dashes allowed inside)
except in the official `contact.phone` field, and Luhn-valid bank card numbers of 16–19
digits. Numbers listed in `privacy.allow` pass. Messages show the number masked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from sitegen.diagnostics import Diagnostic, error
from sitegen.domain.readable import Readable

# Linear: one digit per step, a separator optional between two digits.
_ID18 = re.compile(r"(?<![0-9A-Za-z])([1-9](?:[ -]?[0-9]){16}[ -]?[0-9Xx])(?![0-9A-Za-z])")
_ID15 = re.compile(r"(?<![0-9A-Za-z])([1-9][0-9]{14})(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9-])((?:\+?86[ -]?)?1[3-9][0-9](?:[ -]?[0-9]){8})(?![0-9])")
_CARD = re.compile(r"(?<![0-9-])([0-9](?:[ -]?[0-9]){15,18})(?![0-9])")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"

# (line, column, end column) where the official contact.phone value stands; a 2-tuple covers
# the rest of its line
PhoneSpan = tuple[int, int] | tuple[int, int, int]


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def mask(number: str) -> str:
    """Show only the first three and last two characters."""
    plain = re.sub(r"[ -]", "", number)
    return plain[:3] + "*" * max(len(plain) - 5, 1) + plain[-2:]


def _real_date(year: int, month: int, day: int) -> bool:
    try:
        return date(1800, 1, 1) <= date(year, month, day) <= date(2100, 1, 1)
    except ValueError:
        return False


def is_resident_id(number: str) -> bool:
    number = re.sub(r"[ -]", "", number).upper()
    if len(number) == 18 and number[:17].isdigit():
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
MOBILE = "手机号码"
_KINDS = (
    (_ID18, "居民身份证号", _ID_HINT, is_resident_id),
    (_ID15, "居民身份证号（15 位）", _ID_HINT, is_resident_id),
    (_MOBILE, MOBILE, "请删除或改用协会的办公电话（写在 contact.phone 字段）", None),
    (_CARD, "银行卡号", "请删除，公开内容不得包含银行卡号", lambda n: luhn(digits(n))),
)


def hits(text: str) -> list[tuple[int, int, str, str, str]]:
    """(start, end, number, what, hint) of every personal number in `text`, no overlaps."""
    found: list[tuple[int, int, str, str, str]] = []
    for pattern, what, hint, valid in _KINDS:
        for match in pattern.finditer(text):
            start, end = match.span(1)
            number = match.group(1)
            if valid is not None and not valid(number):
                continue
            if not any(start < e and s < end for s, e, *_ in found):
                found.append((start, end, number, what, hint))
    return found


def _message(what: str, number: str, hint: str, where: str = "") -> str:
    return f"{where}疑似{what}“{mask(number)}”：{hint}；确需公开的号码请加入 sitegen.yaml 的 privacy.allow"


def _allowed(allow: Iterable[str]) -> set[str]:
    return {digits(a) for a in allow if digits(a)}


def _official(phones: list[PhoneSpan], line: int, col: int) -> bool:
    for span in phones:
        if span[0] == line and span[1] <= col and (len(span) == 2 or col < span[2]):  # type: ignore[misc]
            return True
    return False


def scan(
    text: str,
    path: str | Path,
    allow: Iterable[str] = (),
    phone_positions: Iterable[PhoneSpan] = (),
) -> list[Diagnostic]:
    """All personal numbers in `text`, read as a reader would; `phone_positions` are where
    the value of contact.phone stands."""
    allowed = _allowed(allow)
    phones = list(phone_positions)
    found: list[Diagnostic] = []
    seen = Readable(text)
    for start, _end, number, what, hint in hits(seen.text):
        line, col = seen.position(start)
        if (what == MOBILE and _official(phones, line, col)) or digits(number) in allowed:
            continue
        found.append(error(path, line, col, "privacy", _message(what, number, hint)))
    return found


def strings(value: Any, loc: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """(location, text) of every string in parsed YAML, keys included."""
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str):
                yield (*loc, key), key
            yield from strings(item, (*loc, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from strings(item, (*loc, index))


def scan_values(
    data: Any,
    locate: Any,
    path: str | Path,
    allow: Iterable[str] = (),
    official: tuple[str | int, ...] | None = None,
    already: Iterable[Diagnostic] = (),
) -> list[Diagnostic]:
    """Personal numbers in the values YAML parsed (escapes like `\\u0031` and folded lines
    decoded), reported at the value; numbers the text scan found (`already`) are not repeated.
    `locate(loc)` gives a value's (line, column); `official` is the location of contact.phone."""
    allowed = _allowed(allow)
    masked = {d.message for d in already}  # the same number, masked alike, found in the text
    found: list[Diagnostic] = []
    for loc, text in strings(data):
        if not any(c.isdigit() for c in text):
            continue
        for _start, _end, number, what, hint in hits(Readable(text).text):
            if digits(number) in allowed or (what == MOBILE and loc == official):
                continue
            message = _message(what, number, hint)
            if message in masked:
                continue
            masked.add(message)
            line, col = locate(loc)
            found.append(error(path, line, col, "privacy", message))
    return found


# How each kind is grouped when written with separators (138-0013-8000, 110105-19491231-002X,
# 6222-0202-0000-1234-567): in a file name, digits split otherwise are separate words of a slug.
_GROUPS = {
    MOBILE: ((11,), (3, 4, 4), (2, 3, 4, 4), (4, 3, 4, 4)),
    "居民身份证号": ((18,), (6, 8, 4)),
    "居民身份证号（15 位）": ((15,), (6, 6, 3)),
    "银行卡号": ((16,), (17,), (18,), (19,), (4, 4, 4, 4), (4, 4, 4, 4, 1), (4, 4, 4, 4, 2), (4, 4, 4, 4, 3), (6, 13)),
}


def _grouped_as_written(number: str, what: str) -> bool:
    lengths = tuple(len(group) for group in re.split(r"[ -]+", number.strip(" -")) if group)
    return lengths in _GROUPS.get(what, ((len(digits(number)),),))


def scan_name(rel: str, path: str | Path, allow: Iterable[str] = ()) -> list[Diagnostic]:
    """Personal numbers in a file's path (names become URLs, feed and sitemap entries); the
    hyphens and underscores between the words of a name separate like spaces, so a number split
    across words counts only when grouped as people write that kind of number (a slug such as
    `baiyun-520113-20200922-102` is a region code, a date and a serial, not a bank card)."""
    allowed = _allowed(allow)
    found = []
    words = Readable(rel).text.replace("-", " ").replace("_", " ")
    for _start, _end, number, what, _hint in hits(words):
        if digits(number) not in allowed and _grouped_as_written(number, what):
            hint = "文件名会成为网页地址，出现在订阅源和网站地图中，请给文件改名"
            found.append(error(path, 1, 1, "privacy", _message(what, number, hint, "文件名中")))
    return found
