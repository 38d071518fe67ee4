"""Excel workbooks (.xlsx) with openpyxl, made for people who open them in Excel or WPS.

Codes stay text (`@`: Excel keeps 15 significant digits and shows an 18-character credit code
as 5.13E+17), dates are dates, the header row is frozen and filterable, columns are as wide as
their content, text cells are escaped against formula injection (`cells.escape`), and each
data column can carry a dropdown or a check and an input message explaining it.

The bytes are deterministic: the document properties and every zip entry carry the given date,
not the clock, so the same site builds the same workbook.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from sitegen.domain import ledger
from sitegen.render.cells import escape

PERCENT = "percent"  # a ratio 0–1 shown as 12.5%
TEXT_FORMAT = "@"
FORMATS = {ledger.DATE: "yyyy-mm-dd", ledger.INT: "0", ledger.YEAR: "0", PERCENT: "0.0%"}
TEXT_KINDS = {ledger.CODE, ledger.TEXT, ledger.LONG_TEXT, ledger.CHOICE, ledger.LIST, ledger.BOOL}
MAX_ROW = 1048576
MIN_WIDTH, MAX_WIDTH = 6, 60
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="EDEFF2")
PROMPT_LIMIT = 250  # Excel refuses input messages over 255 characters


@dataclass
class Col:
    """One column of a table to write."""

    header: str
    kind: str = ledger.TEXT
    choices: Sequence[str] = ()  # a dropdown of these labels
    length: int | None = None  # text of exactly this many characters (codes)
    prompt: str = ""  # shown when a cell of the column is selected
    strict: bool = False  # a dropdown that refuses other values (else it only warns)


@dataclass
class Table:
    name: str
    columns: list[Col]
    rows: list[list[Any]] = field(default_factory=list)
    hidden: bool = False
    checks: bool = True  # dropdowns, checks and prompts on the data columns
    wrap: bool = False  # wrap long text (the explanation sheet)


def display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet: Chinese characters count two."""
    line = max(text.split("\n"), key=len) if text else ""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def workbook_bytes(tables: Sequence[Table], stamp: date) -> bytes:
    """The .xlsx file of `tables`, dated `stamp` (the ledger date) in its properties and zip."""
    book = Workbook()
    book.remove(book.active)
    lists = _ListSheet(book)
    for table in tables:
        _write_table(book.create_sheet(_sheet_title(table.name)), table, lists)
    lists.finish()
    moment = datetime(stamp.year, stamp.month, stamp.day)
    book.properties.creator = "sitegen"
    book.properties.lastModifiedBy = "sitegen"
    book.properties.created = book.properties.modified = moment
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).write_data()
    return _restamp(raw.getvalue(), moment)


def _sheet_title(name: str) -> str:
    return name[:31]  # Excel's limit


def _restamp(data: bytes, moment: datetime) -> bytes:
    """The same zip with every entry dated `moment`, in the same order."""
    stamp = (max(moment.year, 1980), moment.month, moment.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def _write_table(sheet: Worksheet, table: Table, lists: _ListSheet) -> None:
    if table.hidden:
        sheet.sheet_state = "hidden"
    widths = [display_width(col.header) for col in table.columns]
    for index, col in enumerate(table.columns, 1):
        cell = sheet.cell(1, index, escape(col.header))
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        letter = get_column_letter(index)
        if col.kind in FORMATS or col.kind in TEXT_KINDS:
            sheet.column_dimensions[letter].number_format = FORMATS.get(col.kind, TEXT_FORMAT)
    for row_number, row in enumerate(table.rows, 2):
        for index, (col, value) in enumerate(zip(table.columns, row, strict=True), 1):
            if value is None or value == "":
                continue
            cell = sheet.cell(row_number, index, _cell_value(value))
            cell.number_format = FORMATS.get(col.kind, TEXT_FORMAT if isinstance(cell.value, str) else "General")
            if table.wrap:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            widths[index - 1] = max(widths[index - 1], display_width(_shown(value)))
    for index, width in enumerate(widths, 1):
        limit = MAX_WIDTH if not table.wrap else 48
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, MIN_WIDTH), limit)
    if table.hidden:
        return
    sheet.freeze_panes = "A2"
    last = get_column_letter(len(table.columns))
    sheet.auto_filter.ref = f"A1:{last}{max(len(table.rows) + 1, 2)}"
    if table.checks:
        for index, col in enumerate(table.columns, 1):
            validation = _validation(col, lists)
            if validation is not None:
                letter = get_column_letter(index)
                sheet.add_data_validation(validation)
                validation.add(f"{letter}2:{letter}{MAX_ROW}")


def _cell_value(value: Any) -> Any:
    if isinstance(value, bool):
        return ledger.TRUE_LABEL if value else ledger.FALSE_LABEL
    if isinstance(value, str):
        return escape(value)
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    return value


def _shown(value: Any) -> str:
    if isinstance(value, date):
        return "2000-01-01"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _validation(col: Col, lists: _ListSheet) -> DataValidation | None:
    common: dict[str, Any] = {"allow_blank": True, "showErrorMessage": True, "showInputMessage": bool(col.prompt)}
    if col.prompt:
        common.update(promptTitle=col.header[:32], prompt=col.prompt[:PROMPT_LIMIT])
    if col.choices:
        return DataValidation(type="list", formula1=lists.range_of(col.choices), errorStyle="stop" if col.strict else "warning",
                              errorTitle="不在可选值中", error=f"请从下拉列表中选择：{'、'.join(col.choices)}"[:PROMPT_LIMIT], **common)
    if col.length:
        return DataValidation(type="textLength", operator="equal", formula1=str(col.length), errorStyle="stop",
                              errorTitle="位数不对", error=f"应为 {col.length} 位，请检查是否漏填或多填", **common)
    if col.kind == ledger.DATE:
        return DataValidation(type="date", operator="greaterThan", formula1="1", errorStyle="warning",
                              errorTitle="不是日期", error="请填写日期，例如 2021-03-01", **common)
    if col.kind in (ledger.INT, ledger.YEAR):
        low, high = ("1949", "2100") if col.kind == ledger.YEAR else ("0", "2147483647")
        return DataValidation(type="whole", operator="between", formula1=low, formula2=high, errorStyle="stop",
                              errorTitle="不是整数", error=f"请填写 {low} 到 {high} 之间的整数", **common)
    if col.kind == ledger.NUMBER:
        return DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", errorStyle="stop",
                              errorTitle="不是数字", error="请填写不小于 0 的数字", **common)
    if col.prompt:
        return DataValidation(**common)
    return None


class _ListSheet:
    """The hidden sheet holding each dropdown's values, one column per distinct list."""

    def __init__(self, book: Workbook) -> None:
        self.book = book
        self.columns: dict[tuple[str, ...], str] = {}

    def range_of(self, values: Sequence[str]) -> str:
        key = tuple(values)
        if key not in self.columns:
            letter = get_column_letter(len(self.columns) + 1)
            self.columns[key] = f"{quote_sheetname(ledger.LISTS_SHEET)}!${letter}$1:${letter}${len(key)}"
        return self.columns[key]

    def finish(self) -> None:
        if not self.columns:
            return
        sheet = self.book.create_sheet(ledger.LISTS_SHEET)
        sheet.sheet_state = "hidden"
        for index, values in enumerate(self.columns, 1):
            for row, value in enumerate(values, 1):
                sheet.cell(row, index, escape(value)).number_format = TEXT_FORMAT
