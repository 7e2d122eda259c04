"""The streaming xlsx reader gives the grid calamine gives (issue #20 item 9: a large
workbook is read a batch of rows at a time, in bounded memory).

Each workbook is read both ways and compared cell by cell: whole, as `parsing` reads a
sheet below `IMPORT_XLSX_STREAM_MB`, and as a stream in small batches.
"""

import datetime
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fupin.imports import parsing
from fupin.imports.parsing import ROW_NUMBER_COLUMN, ImportFileError, read_table
from fupin.imports.xlsx_stream import xlsx_grid_batches

Writer = Callable[[Any, Any], None]


def _whole(path: Path) -> pl.DataFrame:
    grid = parsing._read_excel_grid(path.read_bytes()).with_row_index(ROW_NUMBER_COLUMN, offset=1)
    return parsing._without_blank_rows(grid).with_columns(pl.col(ROW_NUMBER_COLUMN).cast(pl.UInt32))


def _streamed(path: Path, batch_rows: int = 3) -> pl.DataFrame:
    batches = list(
        xlsx_grid_batches(path, batch_rows=batch_rows, row_number_column=ROW_NUMBER_COLUMN)
    )
    assert all(batch.height <= batch_rows for batch in batches)
    # Rows of blanks only are dropped after either reader, as `parsing` drops them.
    return parsing._without_blank_rows(pl.concat(batches, how="diagonal_relaxed"))


def _assert_same_grid(path: Path) -> None:
    whole, streamed = _whole(path), _streamed(path)
    # Trailing columns that hold nothing in any batch are not a difference.
    assert streamed.select(whole.columns).to_dicts() == whole.to_dicts()


def _every_kind(sheet: Any, workbook: Any) -> None:
    date = workbook.add_format({"num_format": "yyyy-mm-dd"})
    moment = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    chinese_date = workbook.add_format({"num_format": 'yyyy"年"m"月"d"日"'})
    percent = workbook.add_format({"num_format": "0.00%"})
    text = workbook.add_format({"num_format": "@"})
    money = workbook.add_format({"num_format": '#,##0.00"元"'})
    bold = workbook.add_format({"bold": True})
    sheet.write_row(0, 0, ["姓名", "数", "日期", "其他", "公式"])
    sheet.write_string(1, 0, "张三")
    sheet.write_number(1, 1, 1)
    sheet.write_datetime(1, 2, datetime.date(1980, 3, 1), date)
    sheet.write_boolean(1, 3, True)
    sheet.write_formula(1, 4, '=A2&"x"', None, "张三x")
    sheet.write_string(2, 0, " 李 四 ")
    sheet.write_number(2, 1, 3.5)
    sheet.write_datetime(2, 2, datetime.datetime(2020, 1, 2, 3, 4, 5, tzinfo=datetime.UTC), moment)
    sheet.write_boolean(2, 3, False)
    sheet.write_formula(2, 4, "=B3*2", None, 7)
    sheet.write_string(3, 0, "a&b<c>\"d\" 'e'")
    sheet.write_number(3, 1, 2.20421198203299e17)
    sheet.write_number(3, 2, 43831, chinese_date)
    sheet.write_formula(3, 4, "=1/0", None, "#DIV/0!")
    sheet.write_string(4, 0, "第一行\n第二行")
    sheet.write_number(4, 1, 0.1 + 0.2)
    sheet.write_number(4, 3, 5, percent)
    sheet.write_string(5, 0, "_x0041_ 字面")
    sheet.write_number(5, 1, 1e-7)
    sheet.write_string(5, 3, "007", text)
    sheet.write_rich_string(6, 0, "红", bold, "色", "预警")
    sheet.write_number(6, 1, 12345678.9, money)
    sheet.write_number(6, 2, 2.5, date)
    # Row 8 is left empty; row 9 has a value in the last column only.
    sheet.write_number(8, 4, -2)
    sheet.write_string(9, 1, "\t")


@pytest.mark.parametrize("constant_memory", [False, True], ids=["shared", "inline"])
def test_every_kind_of_cell_is_read_as_calamine_reads_it(
    tmp_path: Path, constant_memory: bool
) -> None:
    # Given a workbook with text (shared or inline), numbers, dates in built-in and custom
    # formats, booleans, formulas' cached values, an error, escapes and rich text
    path = tmp_path / "kinds.xlsx"
    workbook = xlsxwriter.Workbook(
        path, {"constant_memory": constant_memory, "remove_timezone": True}
    )
    _every_kind(workbook.add_worksheet(), workbook)
    workbook.close()

    # Then the stream gives calamine's grid, row numbers included
    _assert_same_grid(path)
    streamed = _streamed(path)
    assert streamed.get_column("__UNNAMED__1").to_list()[3] == "2.20421198203299E+17"
    assert streamed.get_column(ROW_NUMBER_COLUMN).to_list() == [1, 2, 3, 4, 5, 6, 7, 9]


def test_a_sheet_that_starts_below_and_right_of_a1_is_numbered_as_calamine_numbers_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "offset.xlsx"
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet()
    sheet.write_row(2, 1, ["姓名", "证件号码"])
    sheet.write_row(3, 1, ["张三", "220421198203299243"])
    sheet.write_row(5, 1, ["李四", "220421198203299251"])
    workbook.close()

    _assert_same_grid(path)


cell_values = st.one_of(
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_characters="\x00"),
        max_size=12,
    ),
    st.sampled_from(["张三", "a&amp;b", "<t>", "_x000D_", "  ", "=1+1", "007", "1e5"]),
    st.integers(min_value=-(10**18), max_value=10**18),
    # Amounts as ledgers hold them: at most four decimals.
    st.decimals(min_value=-(10**9), max_value=10**9, places=4).map(float),
    st.booleans(),
    st.dates(min_value=datetime.date(1900, 3, 1), max_value=datetime.date(2100, 12, 31)),
    st.none(),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(st.lists(cell_values, min_size=1, max_size=6), min_size=1, max_size=12),
    constant_memory=st.booleans(),
)
def test_any_sheet_is_read_as_calamine_reads_it(
    tmp_path: Path, rows: list[list[object]], constant_memory: bool
) -> None:
    path = tmp_path / "generated.xlsx"
    workbook = xlsxwriter.Workbook(path, {"constant_memory": constant_memory})
    sheet = workbook.add_worksheet()
    date = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_string(0, 0, "表头")
    for row_index, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if isinstance(value, str):
                sheet.write_string(row_index, column, value)
            elif isinstance(value, bool):
                sheet.write_boolean(row_index, column, value)
            elif isinstance(value, int | float):
                sheet.write_number(row_index, column, value)
            elif isinstance(value, datetime.date):
                sheet.write_datetime(row_index, column, value, date)
    workbook.close()

    _assert_same_grid(path)


def test_a_large_sheet_is_streamed_and_gives_the_same_table(tmp_path: Path, settings: Any) -> None:
    # Given a ledger workbook
    path = tmp_path / "members.xlsx"
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["姓名", "证件号码", "出生日期"])
    for index in range(1, 250):
        sheet.write_row(index, 0, [f"成员{index}", f"22042119800101{index:04d}", ""])
    workbook.close()
    whole = read_table(path, path.name)

    # When sheets of any size count as large, then it is read as a stream, a batch at a
    # time, and the table is the same
    settings.IMPORT_XLSX_STREAM_MB = 0
    streamed_batches: list[pl.DataFrame] = []
    table = parsing.open_table(path, path.name, batch_rows=100)
    streamed_batches.extend(table.batches)
    assert table.headers == ("姓名", "证件号码", "出生日期")
    assert [batch.height for batch in streamed_batches] == [99, 100, 50]
    assert pl.concat(streamed_batches).to_dicts() == whole.to_dicts()


def test_a_damaged_large_sheet_is_refused_in_chinese(tmp_path: Path, settings: Any) -> None:
    # Given a workbook whose sheet names a shared string that does not exist
    path = tmp_path / "damaged.xlsx"
    workbook = xlsxwriter.Workbook(path)
    workbook.add_worksheet().write_row(0, 0, ["姓名", "证件号码"])
    workbook.close()
    damaged = tmp_path / "damaged-copy.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<v>1</v>", b"<v>99</v>")
            target.writestr(item, data)

    # When it is read as a stream, then the message is Chinese only
    settings.IMPORT_XLSX_STREAM_MB = 0
    with pytest.raises(ImportFileError) as raised:
        read_table(damaged, damaged.name)
    assert raised.value.message == (
        "无法读取这个 Excel 文件（工作表内容已损坏）；请确认文件未损坏、未加密。"
    )
