"""Read a ledger workbook (.xlsx) or a CSV file into sheets of located cells.

Spreadsheets made by people have titles above the header, headers over two rows with a merged
group cell (联系方式 over 地址 · 电话), vertically merged code cells over the rows of one
association, extra columns (序号, 备注) and notes in brackets in a header. The header row is
found by the key column's header (区划代码, 文件名); a merged range gives its value to every
cell it covers; each column is matched to the ledger layout by its header (`domain/ledger.py`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from sitegen.diagnostics import Diagnostic, error, warning
from sitegen.domain import ledger

HEADER_SEARCH_ROWS = 10
MAX_CELLS = 5_000_000  # a sheet larger than this is not a ledger (and would exhaust memory)


@dataclass
class Grid:
    """One sheet's cell values by (row, column), 1-based, merged ranges filled in."""

    name: str
    cells: dict[tuple[int, int], Any]
    max_row: int
    max_col: int

    def get(self, row: int, col: int) -> Any:
        return self.cells.get((row, col))


@dataclass(frozen=True)
class Place:
    """Where a value came from: sheet, 1-based row and column, and the column's header."""

    sheet: str
    row: int
    col: int
    header: str

    @property
    def letter(self) -> str:
        return get_column_letter(self.col)

    def describe(self) -> str:
        return f"工作表“{self.sheet}”{self.letter} 列“{self.header}”"


@dataclass
class Row:
    """One data row: each mapped column's raw value and place."""

    number: int
    values: dict[ledger.Column, tuple[Any, Place]] = field(default_factory=dict)


@dataclass
class Table:
    """A sheet recognised as one of the ledger's, its columns matched."""

    sheet: ledger.Sheet
    name: str  # as named in the workbook
    columns: dict[ledger.Column, Place]  # header places
    rows: list[Row]


def read(path: Path, display: str) -> tuple[list[Table], list[Diagnostic]]:
    """Every ledger table of the workbook or CSV file at `path` (named `display` in messages)."""
    grids, problems = _grids(path, display)
    tables: list[Table] = []
    for grid in grids:
        table, found = _table(grid, display, single=len(grids) == 1)
        problems += found
        if table is not None:
            tables.append(table)
    return tables, problems


def _grids(path: Path, display: str) -> tuple[list[Grid], list[Diagnostic]]:
    if path.suffix.lower() == ".csv":
        return _csv_grid(path, display)
    try:
        book = load_workbook(path, data_only=True)
    except Exception as exc:  # noqa: BLE001 - a damaged file makes openpyxl raise anything (zlib, XML, KeyError …)
        return [], [error(display, 1, 1, "workbook", f"无法读取工作簿：它不是有效的 .xlsx 文件（{type(exc).__name__}）。请在 Excel 或 WPS 中“另存为 Excel 工作簿(*.xlsx)”后再导入")]
    grids = []
    try:
        for sheet in book.worksheets:
            if sheet.sheet_state != "visible" or sheet.title in (ledger.LISTS_SHEET, ledger.GUIDE_SHEET):
                continue
            if (sheet.max_row or 0) * (sheet.max_column or 0) > MAX_CELLS:
                return [], [error(display, 1, 1, "workbook", f"工作表“{sheet.title}”有 {sheet.max_row} 行 × {sheet.max_column} 列，超出台账的规模；请删去多余的行列后再导入")]
            cells = {(c.row, c.column): c.value for row in sheet.iter_rows() for c in row if c.value is not None}
            for merged in sheet.merged_cells.ranges:
                top = cells.get((merged.min_row, merged.min_col))
                for r in range(merged.min_row, merged.max_row + 1):
                    for c in range(merged.min_col, merged.max_col + 1):
                        if top is not None:
                            cells[(r, c)] = top
            grids.append(Grid(sheet.title, cells, sheet.max_row or 0, sheet.max_column or 0))
    finally:
        book.close()
    return grids, []


def _csv_grid(path: Path, display: str) -> tuple[list[Grid], list[Diagnostic]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GB18030 (ANSI)
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes almost anything
        return [], [error(display, 1, 1, "encoding", "无法识别 CSV 文件的编码：请另存为“CSV UTF-8”或 Excel 工作簿后再导入")]
    if "\x00" in text:
        return [], [error(display, 1, 1, "encoding", "CSV 文件中含有空字符，它可能是 Excel 工作簿或 UTF-16 文件：请另存为“CSV UTF-8”或直接导入 .xlsx")]
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    cells: dict[tuple[int, int], Any] = {}
    max_row = max_col = 0
    try:
        for r, row in enumerate(csv.reader(io.StringIO(text), dialect), 1):
            for c, value in enumerate(row, 1):
                if value != "":
                    cells[(r, c)] = value
            max_row, max_col = r, max(max_col, len(row))
    except csv.Error as exc:
        return [], [error(display, max_row + 1, 1, "workbook", f"CSV 格式错误：{exc}；请检查引号是否成对")]
    return [Grid(path.stem, cells, max_row, max_col)], []  # its header says which sheet it is


def _labels(sheet: ledger.Sheet) -> dict[str, ledger.Column | None]:
    """Normalised header -> column (None: a column for readers, ignored)."""
    found: dict[str, ledger.Column | None] = {ledger.normalize_header(h): None for h in sheet.derived}
    for column in sheet.all_columns:
        for name in (column.header, *column.aliases):
            found[ledger.normalize_header(name)] = column
    return found


def _header_rows(grid: Grid, sheet: ledger.Sheet) -> tuple[int, int] | None:
    """First and last row of the header: the row naming the key column, and the rows a merged
    key header spans (a two-row header with groups above)."""
    keys = {ledger.normalize_header(n) for n in (sheet.key.header, *sheet.key.aliases)}
    for row in range(1, min(grid.max_row, HEADER_SEARCH_ROWS) + 1):
        for col in range(1, grid.max_col + 1):
            value = grid.get(row, col)
            if value is not None and ledger.normalize_header(str(value)) in keys:
                top = row
                while top > 1 and grid.get(top - 1, col) == value:
                    top -= 1
                bottom = row
                while grid.get(bottom + 1, col) == value:
                    bottom += 1
                return top, bottom
    return None


def _guess_sheet(grid: Grid, single: bool) -> ledger.Sheet | None:
    named = ledger.sheet_named(grid.name)
    if named is not None:
        return named
    if single:  # a workbook of one sheet (Sheet1): the associations, or the projects
        for sheet in (ledger.ASSOCIATIONS, ledger.PROJECTS):
            if _header_rows(grid, sheet) is not None:
                return sheet
    return None


def _table(grid: Grid, display: str, single: bool) -> tuple[Table | None, list[Diagnostic]]:
    sheet = _guess_sheet(grid, single)
    if sheet is None:
        if grid.cells:
            names = "、".join(s.name for s in ledger.SHEETS)
            return None, [warning(display, 1, 1, "workbook", f"工作表“{grid.name}”不是台账的表（可用的表名：{names}），已忽略")]
        return None, []
    header = _header_rows(grid, sheet)
    if header is None:
        if not grid.cells:
            return None, []
        return None, [error(display, 1, 1, "missing-field", f"工作表“{grid.name}”前 {HEADER_SEARCH_ROWS} 行中找不到表头“{sheet.key.header}”：请把表头放在数据上方的一行，第一列为“{sheet.key.header}”")]
    top, bottom = header
    labels = _labels(sheet)
    columns: dict[ledger.Column, Place] = {}
    problems: list[Diagnostic] = []
    for col in range(1, grid.max_col + 1):
        parts = list(dict.fromkeys(str(v) for r in range(top, bottom + 1) if (v := grid.get(r, col)) is not None))
        if not parts:
            continue
        names = [ledger.normalize_header(parts[-1]), ledger.normalize_header("".join(parts))]
        match = next((n for n in names if n in labels), None)
        place = Place(grid.name, bottom, col, parts[-1].strip())
        if match is None:
            if any(grid.get(r, col) is not None for r in range(bottom + 1, grid.max_row + 1)):
                problems.append(warning(display, bottom, col, "unknown-field", f"{place.describe()}不是台账的列，已忽略（可用的列见“{ledger.GUIDE_SHEET}”表或 sitegen template 生成的模板）"))
            continue
        column = labels[match]
        if column is None:
            continue
        if column in columns:
            first = columns[column]
            problems.append(error(display, bottom, col, "duplicate-yaml-key", f"{place.describe()}与 {first.letter} 列“{first.header}”是同一个字段“{'.'.join(column.path)}”，请删去其中一列"))
            continue
        columns[column] = place
    if sheet.key not in columns:
        problems.append(error(display, top, 1, "missing-field", f"工作表“{grid.name}”缺少“{sheet.key.header}”列"))
        return None, problems
    rows = list(_rows(grid, bottom, columns))
    return Table(sheet, grid.name, columns, rows), problems


def _rows(grid: Grid, header_bottom: int, columns: dict[ledger.Column, Place]) -> Iterator[Row]:
    for number in range(header_bottom + 1, grid.max_row + 1):
        row = Row(number)
        for column, place in columns.items():
            value = grid.get(number, place.col)
            row.values[column] = (value, Place(place.sheet, number, place.col, place.header))
        if any(v is not None and not (isinstance(v, str) and not v.strip()) for v, _ in row.values.values()):
            yield row
