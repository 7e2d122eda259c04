import io
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import xlsxwriter

from fupin.imports.parsing import ROW_NUMBER_COLUMN, ImportFileError, read_table
from fupin.imports.tests.support import HEADERS, MALE, csv_text, household_rows


@pytest.fixture(autouse=True, params=["whole", "streamed"])
def excel_reader(request: pytest.FixtureRequest, settings: Any) -> str:
    """Every test here reads its workbooks both ways: whole (calamine), and as a stream
    (`xlsx_stream`), the way a sheet beyond `IMPORT_XLSX_STREAM_MB` is read."""
    settings.IMPORT_XLSX_STREAM_MB = 0 if request.param == "streamed" else 100
    return str(request.param)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings_are_detected(encoding: str) -> None:
    frame = read_table(csv_text(household_rows()).encode(encoding), "members.csv")
    assert frame.columns == [ROW_NUMBER_COLUMN, *HEADERS]
    assert frame.get_column("姓名").to_list() == ["张三", "李四", "张小"]


def test_blank_and_trailing_rows_are_dropped_and_rows_keep_their_numbers() -> None:
    text = csv_text(household_rows())
    lines = text.splitlines()
    content = "\n".join([lines[0], lines[1], ",,,", lines[2], lines[3], ",,", " , "]) + "\n"
    frame = read_table(content.encode(), "members.csv")
    assert frame.get_column(ROW_NUMBER_COLUMN).to_list() == [2, 4, 5]


def _write_xlsx(path: Path, rows: Sequence[Sequence[object]], *, title: str | None = None) -> None:
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet()
    offset = 0
    if title is not None:
        sheet.merge_range(0, 0, 0, 3, title)
        offset = 1
    for index, row in enumerate(rows):
        sheet.write_row(index + offset, 0, row)
    workbook.close()


def test_xlsx_is_read_as_strings(tmp_path: Path) -> None:
    path = tmp_path / "members.xlsx"
    _write_xlsx(path, [list(HEADERS), *([row[h] for h in HEADERS] for row in household_rows())])
    frame = read_table(path, path.name)
    assert frame.schema[HEADERS[0]] == pl.String
    assert frame.get_column("证件号码").to_list()[0] == MALE
    assert frame.get_column(ROW_NUMBER_COLUMN).to_list() == [2, 3, 4]


def test_numeric_cells_come_back_as_text(tmp_path: Path) -> None:
    path = tmp_path / "numbers.xlsx"
    _write_xlsx(path, [["证件号码", "务工时间(月)"], [110105198001010010, 3]])
    frame = read_table(path, path.name)
    assert frame.get_column("证件号码").to_list() == ["110105198001010000"]


def test_merged_title_row_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "titled.xlsx"
    _write_xlsx(path, [list(HEADERS)], title="2024 年成员台账")
    with pytest.raises(ImportFileError) as raised:
        read_table(path, path.name)
    assert raised.value.message == (
        "第 1 行只有一个单元格有内容，像是合并单元格的标题行；请删除标题行，让第一行就是列名。"
    )


def test_gap_in_header_row_is_reported_as_merged_header() -> None:
    content = "姓名,,性别\n张三,x,男\n".encode()
    with pytest.raises(ImportFileError) as raised:
        read_table(content, "a.csv")
    assert raised.value.message == (
        "表头第 1 行的第 B 列没有列名，可能是合并单元格；请拆分合并的表头，每列一个列名。"
    )


def test_data_without_header_is_reported() -> None:
    with pytest.raises(ImportFileError) as raised:
        read_table("姓名,性别,\n张三,男,多余\n".encode(), "a.csv")
    assert raised.value.message == "第 C 列有数据但没有列名；请补上列名或删除该列。"


def test_duplicate_header_is_reported() -> None:
    with pytest.raises(ImportFileError) as raised:
        read_table("姓名,姓名\n张三,李四\n".encode(), "a.csv")
    assert raised.value.message == "列名“姓名”出现了两次（第 A 列和第 B 列）。"


@pytest.mark.parametrize("content", [b"", b"   \n\n", b",,,\n,,\n"])
def test_empty_files_are_refused(content: bytes) -> None:
    with pytest.raises(ImportFileError) as raised:
        read_table(content, "a.csv")
    assert raised.value.code == "empty"


def test_header_only_file_is_refused() -> None:
    with pytest.raises(ImportFileError) as raised:
        read_table("姓名,性别\n".encode(), "a.csv")
    assert raised.value.message == "文件只有表头，没有数据行。"


def test_pdf_is_not_a_spreadsheet() -> None:
    with pytest.raises(ImportFileError) as raised:
        read_table(b"%PDF-1.7 binary", "scan.pdf")
    assert (
        raised.value.message == "“scan.pdf”不是 Excel 或 CSV 表格；请上传 xlsx、xls 或 csv 文件。"
    )


def test_binary_content_named_csv_is_not_a_spreadsheet() -> None:
    with pytest.raises(ImportFileError) as raised:
        read_table(b"\x00\x01\x02binary", "a.csv")
    assert raised.value.code == "not_a_spreadsheet"


def test_corrupt_xlsx_is_reported() -> None:
    with pytest.raises(ImportFileError) as raised:
        read_table(b"PK\x03\x04 not really a zip", "a.xlsx")
    assert raised.value.code == "not_a_spreadsheet"
    assert raised.value.message.startswith("无法读取这个 Excel 文件")


def test_file_over_the_size_limit_is_refused() -> None:
    content = csv_text(household_rows()).encode()
    with pytest.raises(ImportFileError) as raised:
        read_table(content, "a.csv", max_bytes=10)
    assert raised.value.code == "too_large"


def test_file_over_the_row_limit_is_refused() -> None:
    with pytest.raises(ImportFileError) as raised:
        read_table(csv_text(household_rows()).encode(), "a.csv", max_rows=2)
    assert raised.value.message == "文件有 3 行数据，超过了 2 行的上限；请拆分后分批导入。"


def test_long_number_in_a_numeric_cell_is_shown_as_excel_shows_it(tmp_path: Path) -> None:
    # Given 220421198203299243 typed into a numeric cell (Excel keeps 2.20421198203299E+17,
    # whose digits 220421198203299008 happen to pass the check character) beside the same
    # number typed as text
    path = tmp_path / "numbers.xlsx"
    _write_xlsx(
        path,
        [["证件号码", "联系电话"], [2.20421198203299e17, 13800000000], ["220421198203299243", ""]],
    )
    # When read, then the numeric one is in scientific notation and the text one is intact
    frame = read_table(path, path.name)
    assert frame.get_column("证件号码").to_list() == [
        "2.20421198203299E+17",
        "220421198203299243",
    ]
    assert frame.get_column("联系电话").to_list() == ["13800000000", None]


def _with_part(path: Path, size: int) -> bytes:
    """The xlsx at `path` plus a part of `size` zero bytes (it compresses about 1000:1)."""
    buffer = io.BytesIO(path.read_bytes())
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/padding.xml", b"\0" * size)
    return buffer.getvalue()


def test_xlsx_unpacking_far_beyond_its_size_is_refused_before_parsing(tmp_path: Path) -> None:
    # Given a 30 KB xlsx whose parts unpack to 20 MB (a small decompression bomb)
    path = tmp_path / "members.xlsx"
    _write_xlsx(path, [list(HEADERS), *([row[h] for h in HEADERS] for row in household_rows())])
    bomb = _with_part(path, 20 * 1024 * 1024)
    # When read (the command line has no file-size limit), then it is refused
    with pytest.raises(ImportFileError) as raised:
        read_table(bomb, "members.xlsx", max_bytes=sys.maxsize)
    assert raised.value.code == "too_large"
    assert "解压后超过 1024 MB 或超过文件大小的 100 倍" in raised.value.message


def test_xlsx_above_the_configured_unpacked_size_is_refused(tmp_path: Path, settings: Any) -> None:
    path = tmp_path / "members.xlsx"
    _write_xlsx(path, [list(HEADERS), *([row[h] for h in HEADERS] for row in household_rows())])
    settings.IMPORT_MAX_UNCOMPRESSED_MB = 1
    settings.IMPORT_MAX_COMPRESSION_RATIO = 1_000_000
    with pytest.raises(ImportFileError) as raised:
        read_table(_with_part(path, 2 * 1024 * 1024), "members.xlsx")
    assert "解压后超过 1 MB" in raised.value.message
    # An ordinary workbook under the same limits still reads
    assert read_table(path, path.name).height == 3
