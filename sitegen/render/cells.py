"""Spreadsheet cells that cannot turn into formulas (CSV injection, OWASP).

A cell whose text starts with `=`, `+`, `-`, `@`, a tab or a carriage return is run as a formula
by Excel and LibreOffice when a CSV file is opened or a cell is edited. Published data is
written through `escape`, which puts a `'` in front of such text; `unescape` takes it off when
a workbook is read back (`sitegen import`), so a round trip keeps every value as it was. A text
that starts with `'` before one of those characters gets a second `'`, so the mapping is
reversible.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def _needs(text: str) -> bool:
    if text.startswith(FORMULA_STARTS):
        return True
    return text.startswith(QUOTE) and _needs(text[1:])


def escape(text: str) -> str:
    """The text as a cell should hold it: inert in any spreadsheet program."""
    return QUOTE + text if _needs(text) else text


def unescape(text: str) -> str:
    """The original text of a cell written by `escape`."""
    return text[1:] if text.startswith(QUOTE) and _needs(text[1:]) else text
