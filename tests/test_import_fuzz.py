"""Fuzzing `sitegen import`: mutated workbooks give diagnostics, never a traceback.

Each run tries a few dozen cases; SITEGEN_FUZZ_EXAMPLES=500 python -m pytest tests/test_import_fuzz.py
tries more (the case that fails is printed, and kept by hypothesis for the next run).
"""

from __future__ import annotations

import io
import math
import os
import shutil
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from conftest import SITES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.authoring.ledger_import import plan_import
from sitegen.build import analyse
from sitegen.diagnostics import CATALOG
from sitegen.render import opendata

NAME = "台账.xlsx"
EXAMPLES = int(os.environ.get("SITEGEN_FUZZ_EXAMPLES", "20"))


@pytest.fixture(scope="module")
def site_and_book(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The small site and its published associations.xlsx (a path: hypothesis prints its
    arguments, and 70 kB of bytes is no help in a report)."""
    src = tmp_path_factory.mktemp("fuzz") / "src"
    shutil.copytree(SITES / "small", src)
    site = analyse(src).site
    assert site is not None
    book = src.parent / "associations.xlsx"
    book.write_bytes(opendata.data_files(site, only=["data/associations.xlsx"])["data/associations.xlsx"])
    return src, book


cell_values = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.sampled_from(["=1+1", "'=x", "330106", "３３０１０６", "2019/10/12", "2019年2月30日", "是", "否", "筹备中", "5A", "AAAAA",
                     "51330106MJX08HP825", "13800138000", "110101199003077777", "QZX-33-0001", " ", "\n", "#REF!", "乡镇街道"]),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=date(1, 1, 1)),
    st.datetimes(min_value=datetime(1900, 1, 1)),
    st.booleans(),
)

edits = st.lists(
    st.tuples(st.integers(0, 8), st.integers(1, 9), st.integers(1, 40), cell_values),
    max_size=12,
)


def _mutate(book_bytes: bytes, changes: list, renames: list, merges: list) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(book_bytes))
    sheets = book.worksheets
    for sheet_index, row, col, value in changes:
        sheet = sheets[sheet_index % len(sheets)]
        if isinstance(value, str):
            value = "".join(ch for ch in value if ch in "\t\n\r" or ord(ch) >= 32)  # XML cannot hold the rest
        try:
            sheet.cell(row, col).value = value
        except (ValueError, TypeError, AttributeError):
            continue  # a value openpyxl refuses to write cannot reach a workbook either
    for sheet_index, title in renames:
        title = "".join(ch for ch in title if ch not in "[]:*?/\\" and ord(ch) >= 32)[:31]
        if title and title not in book.sheetnames:
            sheets[sheet_index % len(sheets)].title = title
    for sheet_index, row, col, height, width in merges:
        try:
            sheets[sheet_index % len(sheets)].merge_cells(start_row=row, start_column=col, end_row=row + height, end_column=col + width)
        except (ValueError, TypeError):
            continue
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _check(src: Path, path: Path) -> None:
    plan = plan_import(src, path, NAME)
    for d in plan.diagnostics:
        assert d.path == NAME and d.line >= 1 and d.column >= 1 and d.code in CATALOG and d.message
    if plan.ok:
        for change in plan.changes:
            assert change.action in ("add", "change", "same")


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(
    changes=edits,
    renames=st.lists(st.tuples(st.integers(0, 8), st.text(max_size=12)), max_size=2),
    merges=st.lists(st.tuples(st.integers(0, 8), st.integers(1, 6), st.integers(1, 10), st.integers(0, 3), st.integers(0, 3)), max_size=2),
)
def test_mutated_workbooks_never_raise(site_and_book: tuple[Path, bytes], tmp_path_factory: pytest.TempPathFactory, changes, renames, merges) -> None:
    src, book = site_and_book
    path = tmp_path_factory.mktemp("case") / NAME
    path.write_bytes(_mutate(book.read_bytes(), changes, renames, merges))
    _check(src, path)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(cuts=st.lists(st.tuples(st.floats(0, 1), st.binary(min_size=1, max_size=8)), min_size=1, max_size=4))
def test_damaged_files_never_raise(site_and_book: tuple[Path, bytes], tmp_path_factory: pytest.TempPathFactory, cuts) -> None:
    src, book = site_and_book
    data = bytearray(book.read_bytes())
    for where, junk in cuts:
        at = min(int(where * len(data)), len(data) - 1) if not math.isnan(where) else 0
        data[at : at + len(junk)] = junk
    path = tmp_path_factory.mktemp("case") / NAME
    path.write_bytes(bytes(data))
    _check(src, path)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=400))
def test_any_csv_text_never_raises(site_and_book: tuple[Path, bytes], tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    src, _ = site_and_book
    path = tmp_path_factory.mktemp("case") / "台账.csv"
    path.write_text("区划代码,协会全称,成立日期,统一编号\n" + text, encoding="utf-8", errors="surrogatepass")
    plan = plan_import(src, path, "台账.csv")
    assert all(d.line >= 1 and d.code in CATALOG for d in plan.diagnostics)
