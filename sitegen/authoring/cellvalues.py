"""Cell values as spreadsheet programs leave them, turned into what the content models read.

Excel and WPS store a date as a serial number, keep a code typed into a General cell as a
number (or, past 15 digits, as a rounded float), and editors type full-width digits, trailing
spaces, 2019/10/12 or 2019年10月12日. Each function here takes a raw cell value and returns the
value a YAML editor would have written; a value it cannot read is passed on unchanged, so the
model's validation reports it with the same code and message as in a YAML file. Only damage
that YAML cannot have (a code Excel turned into a rounded number) is reported here.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta
from typing import Any

from sitegen.domain import ledger
from sitegen.render.cells import unescape

SPACES = " \t\r\n\u3000\u00a0\u2002\u2003\u2009\u200b\ufeff"
_DATE = re.compile(r"^(\d{4})\s*(?:[-/.年]\s*)(\d{1,2})\s*(?:[-/.月]\s*)(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_INT = re.compile(r"^[-+]?\d+(?:\.0+)?$")
_NUMBER = re.compile(r"^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$")
_LIST_SPLIT = re.compile(r"[、,，;；\n]+")
EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 is 1900-01-01 once Excel's 1900-02-29 is skipped
TRUE_WORDS = {"是", "有", "已建", "√", "✓", "✔", "y", "yes", "true", "1", "对"}
FALSE_WORDS = {"否", "无", "没有", "未建", "×", "✗", "✘", "n", "no", "false", "0"}


class CellProblem(Exception):
    """A cell whose value a spreadsheet program damaged; the message says how to repair it."""


def clean(value: Any) -> Any:
    """Strings without surrounding spaces (full-width and non-breaking ones too) or the
    formula-injection quote of a published workbook; empty text is no value."""
    if isinstance(value, str):
        value = unescape(value.strip(SPACES))
        return value.strip(SPACES) or None
    return value


def _narrow(text: str) -> str:
    """Full-width digits, letters and punctuation as ASCII (１２３ → 123, －→ -)."""
    return unicodedata.normalize("NFKC", text).strip(SPACES)


def convert(value: Any, kind: str, labels: dict[str, str] | None = None, length: int | None = None) -> Any:
    """The value of a cell of a column of `kind`; None for an empty cell."""
    ends_a_line = isinstance(value, str) and value.replace("\r", "").rstrip(" \t\u3000").endswith("\n")
    value = clean(value)
    if value is None:
        return None
    if kind == ledger.LONG_TEXT:
        return _long_text(value, ends_a_line)
    return _CONVERTERS[kind](value, labels, length)


def _code(value: Any, labels: dict[str, str] | None, length: int | None) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        if not value.is_integer() or abs(value) >= 1e15:
            raise CellProblem(f"这个代码被表格程序存成了数字“{value:g}”，后几位已经丢失；请把该列设为“文本”格式后重新填写原始代码")
        value = int(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    text = _narrow(str(value))
    if length:  # region and credit codes: no spaces inside, capital letters
        text = re.sub(r"\s+", "", text).upper()
    return text


def _text(value: Any, labels: dict[str, str] | None, length: int | None) -> Any:
    if isinstance(value, bool):
        return ledger.TRUE_LABEL if value else ledger.FALSE_LABEL
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    return str(value) if not isinstance(value, str) else value


def _long_text(value: Any, ends_a_line: bool) -> str:
    """Markdown text: line ends as in a YAML block (|), which ends with one line break; a
    single line keeps the break only if the cell had it (a published workbook's cell does)."""
    text = _text(value, None, None).replace("\r\n", "\n").replace("\r", "\n")
    text = "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")
    return text + "\n" if ends_a_line or "\n" in text else text


def excel_date(serial: float) -> date:
    return EXCEL_EPOCH + timedelta(days=int(serial))


def _date(value: Any, labels: dict[str, str] | None, length: int | None) -> Any:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        number = float(value)
        if 19000101 <= number <= 21001231 and number.is_integer():
            return _compact(str(int(number)))
        if 1900 <= number <= 2100:
            raise CellProblem(f"“{value:g}”像是年份而不是日期：请写出完整日期，例如 {int(number)}-01-01")
        if 1 <= number < 2958466:
            return excel_date(number)
        return value
    text = _narrow(str(value))
    match = _DATE.match(text)
    if match:
        year, month, day = match.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"  # an impossible day is the model's to report
    compact = _compact(text)
    return compact if compact is not None else text


def _compact(text: str) -> str | None:
    match = _COMPACT_DATE.match(text)
    return f"{match.group(1)}-{match.group(2)}-{match.group(3)}" if match else None


def _int(value: Any, labels: dict[str, str] | None, length: int | None) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = _narrow(value).replace(",", "").replace(" ", "")
        text = text.removesuffix("人").removesuffix("个").removesuffix("年")
        if _INT.match(text):
            return int(float(text))
        return value
    return value


def _number(value: Any, labels: dict[str, str] | None, length: int | None) -> Any:
    if isinstance(value, str):
        text = _narrow(value).replace(",", "").replace(" ", "")
        if _NUMBER.match(text):
            number = float(text)
            return int(number) if number.is_integer() and "e" not in text.lower() else number
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    return value


def _bool(value: Any, labels: dict[str, str] | None, length: int | None) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    word = _narrow(str(value)).lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return value


def _choice(value: Any, labels: dict[str, str] | None, length: int | None) -> Any:
    text = _narrow(_text(value, None, None))
    if labels:
        if text in labels:
            return text
        for stored, label in labels.items():
            if text == _narrow(label) or text.lower() == stored.lower():
                return stored
    return text


def _list(value: Any, labels: dict[str, str] | None, length: int | None) -> Any:
    items = [item.strip(SPACES) for item in _LIST_SPLIT.split(_text(value, None, None))]
    return [_choice(item, labels, None) for item in items if item]


_CONVERTERS = {
    ledger.CODE: _code,
    ledger.TEXT: _text,
    ledger.DATE: _date,
    ledger.INT: _int,
    ledger.YEAR: _int,
    ledger.NUMBER: _number,
    ledger.BOOL: _bool,
    ledger.CHOICE: _choice,
    ledger.LIST: _list,
}
