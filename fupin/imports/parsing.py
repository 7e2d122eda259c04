"""Read an uploaded table (xlsx, xls or CSV) into Polars frames of strings: whole
(`read_table`), or a batch of rows at a time (`open_table`), so that a large CSV is never
held whole in memory.

The frames keep the header texts as they were written (templates match them later) and add
`ROW_NUMBER_COLUMN`, the 1-based spreadsheet row of each data row, so messages can name the
row a user sees even after blank rows are dropped.
"""

import codecs
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import fastexcel
import polars as pl
from django.conf import settings
from django.utils.translation import gettext as _

from fupin.core.errors import ApplicationError
from fupin.imports.xlsx_stream import (
    EXCEL_DIGITS,
    excel_scientific,
    first_sheet_size,
    xlsx_grid_batches,
)

ROW_NUMBER_COLUMN = "_row"
DEFAULT_MAX_BYTES = 200 * 1024 * 1024
DEFAULT_MAX_ROWS = 2_000_000
DEFAULT_BATCH_ROWS = 100_000

_ZIP_MAGIC = b"PK\x03\x04"
_UNPACK_CHUNK = 1024 * 1024
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SNIFF_BYTES = 4096
_EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls"})
_CSV_SUFFIXES = frozenset({".csv", ".txt"})
_CSV_FALLBACK_ENCODINGS = ("gb18030",)
_LONG_DIGITS = rf"^[0-9]{{{EXCEL_DIGITS + 1},}}$"


class ImportFileError(ApplicationError):
    """The file cannot be read as a table; the message says why, in Chinese."""

    def __init__(self, message: str, *, code: str = "import_file") -> None:
        super().__init__(message, code=code)


@dataclass(frozen=True)
class TableStream:
    """A table read a batch of rows at a time.

    `headers` are the file's column names; each batch of `batches` has `ROW_NUMBER_COLUMN`
    and one string column per header, blank rows dropped, in file order. The iterator raises
    ImportFileError for data under a column without a name and, at its end, for a file
    without data rows or with more rows than allowed. `estimated_rows` guesses the number
    of data rows from the file's size, before reading them.
    """

    headers: tuple[str, ...]
    batches: Iterator[pl.DataFrame]
    estimated_rows: int


def read_table(
    source: Path | str | bytes,
    filename: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int = DEFAULT_MAX_ROWS,
) -> pl.DataFrame:
    """Return the first sheet (or the CSV) as strings, header row applied, blank rows dropped.

    Raises ImportFileError for an empty, oversized or unreadable file and for header rows
    that are merged, blank or duplicated.
    """
    table = open_table(source, filename, max_bytes=max_bytes, max_rows=max_rows)
    return pl.concat(list(table.batches), rechunk=False)


def open_table(
    source: Path | str | bytes,
    filename: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int = DEFAULT_MAX_ROWS,
    batch_rows: int = DEFAULT_BATCH_ROWS,
) -> TableStream:
    """Open the first sheet (or the CSV) and read up to its header row; the data rows
    follow in batches of about `batch_rows`, so a CSV is never held whole in memory.

    Raises ImportFileError as `read_table` does.
    """
    size = len(source) if isinstance(source, bytes) else Path(source).stat().st_size
    head = source[:_SNIFF_BYTES] if isinstance(source, bytes) else _first_bytes(Path(source))
    if not head.strip() and size <= _SNIFF_BYTES:
        raise ImportFileError(_("文件是空的。"), code="empty")
    if size > max_bytes:
        raise ImportFileError(
            _("文件有 %(size)d MB，超过了 %(limit)d MB 的上限；请拆分后分批导入。")
            % {"size": size // (1024 * 1024), "limit": max_bytes // (1024 * 1024)},
            code="too_large",
        )
    suffix = Path(filename).suffix.lower()
    if head.startswith((_ZIP_MAGIC, _OLE_MAGIC)):
        # Workbooks are read whole: calamine has no row-by-row reader.
        content = source if isinstance(source, bytes) else Path(source).read_bytes()
        if content.startswith(_ZIP_MAGIC):
            _check_unpacked_size(content)
        if content.startswith(_ZIP_MAGIC) and _sheet_is_large(content):
            grids: Iterator[pl.DataFrame] = _streamed_excel_grids(content, batch_rows)
            estimated_rows = 0
        else:
            grid = _read_excel_grid(content).with_row_index(ROW_NUMBER_COLUMN, offset=1)
            del content
            grids = grid.iter_slices(batch_rows)
            estimated_rows = grid.height
    elif suffix in _EXCEL_SUFFIXES or (suffix and suffix not in _CSV_SUFFIXES):
        raise ImportFileError(
            _("“%(filename)s”不是 Excel 或 CSV 表格；请上传 xlsx、xls 或 csv 文件。")
            % {"filename": filename},
            code="not_a_spreadsheet",
        )
    else:
        csv_source = _utf8_csv(source, head, filename)
        grids = _csv_grid_batches(csv_source, batch_rows)
        estimated_rows = 0
    return _table_from_grids(grids, size=size, estimated_rows=estimated_rows, max_rows=max_rows)


def _first_bytes(path: Path) -> bytes:
    with path.open("rb") as file:
        return file.read(_SNIFF_BYTES)


def _check_unpacked_size(content: bytes) -> None:
    """Refuse an xlsx (a zip archive) that unpacks to more than the configured size or
    ratio, before any parser holds it in memory: a few MB of zeros can unpack to GBs.

    The parts are unpacked as a stream and counted, so a header that understates a part's
    size does not help (Python's zip reader then fails the part's CRC check).
    """
    limit = settings.IMPORT_MAX_UNCOMPRESSED_MB * 1024 * 1024
    ratio = settings.IMPORT_MAX_COMPRESSION_RATIO
    allowed = min(limit, ratio * len(content))
    unpacked = 0
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, OSError):
        return  # not a zip after all: the Excel reader says what is wrong with it
    try:
        with archive:
            declared = sum(entry.file_size for entry in archive.infolist())
            if declared <= allowed:
                for entry in archive.infolist():
                    with archive.open(entry) as part:
                        while chunk := part.read(_UNPACK_CHUNK):
                            unpacked += len(chunk)
                            if unpacked > allowed:
                                break
                    if unpacked > allowed:
                        break
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError):
        raise ImportFileError(
            _("无法读取这个 Excel 文件（压缩包已损坏）；请确认文件未损坏、未加密。"),
            code="not_a_spreadsheet",
        ) from None
    if max(declared, unpacked) > allowed:
        raise ImportFileError(
            _(
                "这个 Excel 文件解压后超过 %(limit)d MB 或超过文件大小的 %(ratio)d 倍，"
                "可能不是正常的台账；请另存为新的 xlsx 或拆分后再导入。"
            )
            % {"limit": settings.IMPORT_MAX_UNCOMPRESSED_MB, "ratio": ratio},
            code="too_large",
        )


def _sheet_is_large(content: bytes) -> bool:
    """Whether the first sheet unpacks beyond what calamine may hold whole: it builds every
    cell in memory, about four times the sheet's XML (a 277 MB sheet took 1.07 GB)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            size = first_sheet_size(archive)
    except (zipfile.BadZipFile, KeyError, IndexError, OSError):
        return False  # calamine says what is wrong with the file
    return size > settings.IMPORT_XLSX_STREAM_MB * 1024 * 1024


def _streamed_excel_grids(content: bytes, batch_rows: int) -> Iterator[pl.DataFrame]:
    """A large workbook's first sheet, read as a stream (`xlsx_stream`)."""
    try:
        yield from xlsx_grid_batches(
            io.BytesIO(content), batch_rows=batch_rows, row_number_column=ROW_NUMBER_COLUMN
        )
    except (
        zipfile.BadZipFile,
        KeyError,
        IndexError,
        ValueError,
        pl.exceptions.PolarsError,
    ):
        # The reader's own words (a Polars error, a missing part's name) are English and
        # mean nothing to the person who uploaded the file.
        raise ImportFileError(
            _("无法读取这个 Excel 文件（工作表内容已损坏）；请确认文件未损坏、未加密。"),
            code="not_a_spreadsheet",
        ) from None


def _read_excel_grid(content: bytes) -> pl.DataFrame:
    try:
        reader = fastexcel.read_excel(content)
        sheet = reader.load_sheet(
            0, header_row=None, dtypes="string", skip_whitespace_tail_rows=True
        )
        return _show_long_numbers_as_excel_does(reader, sheet.to_polars())
    except fastexcel.FastExcelError as error:
        raise ImportFileError(
            _("无法读取这个 Excel 文件（%(reason)s）；请确认文件未损坏、未加密。")
            % {"reason": str(error).splitlines()[0] if str(error) else type(error).__name__},
            code="not_a_spreadsheet",
        ) from None


def _show_long_numbers_as_excel_does(
    reader: fastexcel.ExcelReader, grid: pl.DataFrame
) -> pl.DataFrame:
    """Write numeric cells of more than 15 significant digits in scientific notation.

    Excel keeps 15 significant digits of a number, so an ID number typed into a numeric
    cell has lost its last digits; read as text it looks whole (2.20421198203299E+17 comes
    back as 220421198203299008) and passes the check character about one time in eleven.
    Showing it as Excel does lets validation refuse it. Only columns holding such long
    digit strings are read a second time, as booleans: fastexcel turns a number into a
    boolean and leaves a text cell empty, which tells the two apart.
    """
    long_digits = [
        column
        for column in grid.columns
        if grid.get_column(column).str.contains(_LONG_DIGITS).fill_null(False).any()
    ]
    if not long_digits:
        return grid
    kinds = reader.load_sheet(
        0,
        header_row=None,
        use_columns=long_digits,
        dtypes=dict.fromkeys(long_digits, "boolean"),
        skip_whitespace_tail_rows=True,
    ).to_polars()
    if kinds.height != grid.height:
        return grid
    updates = []
    for column in long_digits:
        text = grid.get_column(column)
        numeric = kinds.get_column(column).is_not_null() & text.str.contains(_LONG_DIGITS)
        shown = {
            value: excel_scientific(value)
            for value in text.filter(numeric).unique().to_list()
            if len(value.rstrip("0")) > EXCEL_DIGITS
        }
        if shown:
            updates.append(pl.col(column).replace(shown))
    return grid.with_columns(updates)


def _utf8_csv(source: Path | str | bytes, head: bytes, filename: str) -> Path | bytes:
    """The CSV as UTF-8: the file itself when it is UTF-8 (with or without BOM; Polars skips
    a BOM), else its bytes converted from GBK/GB18030."""
    if b"\x00" in head:
        raise ImportFileError(
            _("“%(filename)s”不是文本表格（含有二进制内容）；请上传 xlsx、xls 或 csv 文件。")
            % {"filename": filename},
            code="not_a_spreadsheet",
        )
    if _is_utf8(source):
        # Hand the file on as it is: decoding a large file into a Python string would take
        # several times its size in memory.
        return source if isinstance(source, bytes) else Path(source)
    for encoding in _CSV_FALLBACK_ENCODINGS:
        try:
            return _transcoded(source, encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(
        _("无法识别 CSV 文件的编码；请另存为 UTF-8 或 GBK 编码。"), code="encoding"
    )


def _pieces(source: Path | str | bytes) -> Iterator[bytes | memoryview]:
    """The content piece by piece, without reading a file whole."""
    if isinstance(source, bytes):
        view = memoryview(source)
        for start in range(0, len(view), _UNPACK_CHUNK):
            yield view[start : start + _UNPACK_CHUNK]
        return
    with Path(source).open("rb") as file:
        while piece := file.read(_UNPACK_CHUNK):
            yield piece


def _is_utf8(source: Path | str | bytes) -> bool:
    """Whether the content is valid UTF-8, checked piece by piece in constant memory."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for piece in _pieces(source):
            decoder.decode(piece)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _transcoded(source: Path | str | bytes, encoding: str) -> bytes:
    decoder = codecs.getincrementaldecoder(encoding)()
    converted = io.BytesIO()
    for piece in _pieces(source):
        converted.write(decoder.decode(piece).encode("utf-8"))
    converted.write(decoder.decode(b"", final=True).encode("utf-8"))
    return converted.getvalue()


def _csv_grid_batches(source: Path | bytes, batch_rows: int) -> Iterator[pl.DataFrame]:
    """The CSV's rows as string columns, numbered from 1, a batch at a time."""
    scan = pl.scan_csv(
        source,
        has_header=False,
        infer_schema=False,
        truncate_ragged_lines=True,
        row_index_name=ROW_NUMBER_COLUMN,
        row_index_offset=1,
    )
    try:
        yield from scan.collect_batches(chunk_size=batch_rows)
    except pl.exceptions.PolarsError as error:
        raise ImportFileError(
            _("无法读取 CSV 文件（%(reason)s）。") % {"reason": str(error).splitlines()[0]},
            code="not_a_spreadsheet",
        ) from None


def _is_blank(column: str) -> pl.Expr:
    return pl.col(column).is_null() | (pl.col(column).str.strip_chars() == "")


def _without_blank_rows(grid: pl.DataFrame) -> pl.DataFrame:
    raw_columns = [column for column in grid.columns if column != ROW_NUMBER_COLUMN]
    blank = grid.select(pl.all_horizontal(*(_is_blank(c) for c in raw_columns))).to_series()
    # Filtering copies every column: only pay for it when there are blank rows.
    return grid.filter(~blank) if blank.any() else grid


def _table_from_grids(
    grids: Iterator[pl.DataFrame], *, size: int, estimated_rows: int, max_rows: int
) -> TableStream:
    """Apply the first non-blank row as the header; the rest follow as data batches."""
    for grid in grids:
        raw_columns = [column for column in grid.columns if column != ROW_NUMBER_COLUMN]
        if not raw_columns:
            break
        numbered = _without_blank_rows(grid)
        if numbered.height == 0:
            continue
        header_row = numbered.row(0, named=True)
        headers = _headers(header_row, raw_columns)
        first = numbered.slice(1)
        if not estimated_rows:
            estimated_rows = _estimated_rows(grid, size)
        batches = _data_batches(first, grids, raw_columns, headers, max_rows=max_rows)
        return TableStream(tuple(headers), batches, estimated_rows)
    raise ImportFileError(_("文件中没有任何数据。"), code="empty")


def _headers(header_row: dict[str, object], raw_columns: list[str]) -> list[str]:
    """The header texts up to the last named column; raises ImportFileError for a merged
    title row, a gap or a repeated name."""
    header_line = int(str(header_row[ROW_NUMBER_COLUMN]))
    headers = [str(header_row[column] or "").strip() for column in raw_columns]
    filled = [index for index, header in enumerate(headers) if header]
    if len(filled) == 1 and len(raw_columns) > 1:
        raise ImportFileError(
            _(
                "第 %(row)d 行只有一个单元格有内容，像是合并单元格的标题行；"
                "请删除标题行，让第一行就是列名。"
            )
            % {"row": header_line},
            code="merged_header",
        )
    last_filled = filled[-1]
    gaps = [index for index in range(last_filled) if not headers[index]]
    if gaps:
        raise ImportFileError(
            _(
                "表头第 %(row)d 行的第 %(columns)s 列没有列名，可能是合并单元格；"
                "请拆分合并的表头，每列一个列名。"
            )
            % {"row": header_line, "columns": "、".join(_column_letter(index) for index in gaps)},
            code="merged_header",
        )
    seen: dict[str, int] = {}
    for index, header in enumerate(headers[: last_filled + 1]):
        if header in seen:
            raise ImportFileError(
                _("列名“%(header)s”出现了两次（第 %(first)s 列和第 %(second)s 列）。")
                % {
                    "header": header,
                    "first": _column_letter(seen[header]),
                    "second": _column_letter(index),
                },
                code="duplicate_header",
            )
        seen[header] = index
    return headers[: last_filled + 1]


def _estimated_rows(grid: pl.DataFrame, size: int) -> int:
    """The file's rows guessed from its size and the bytes per row of its first batch."""
    raw_columns = [column for column in grid.columns if column != ROW_NUMBER_COLUMN]
    text_bytes = grid.select(
        pl.sum_horizontal(pl.col(c).str.len_bytes().fill_null(0) for c in raw_columns).sum()
    ).item()
    row_bytes = (int(text_bytes or 0) + len(raw_columns) * grid.height) / max(grid.height, 1)
    return max(1, round(size / max(row_bytes, 1.0)))


def _data_batches(
    first: pl.DataFrame,
    grids: Iterator[pl.DataFrame],
    raw_columns: list[str],
    headers: list[str],
    *,
    max_rows: int,
) -> Iterator[pl.DataFrame]:
    """The data rows after the header, a batch at a time, with the header names."""
    rows = 0
    batch: pl.DataFrame | None = first
    while batch is not None:
        for index in range(len(headers), len(raw_columns)):
            if not batch.filter(~_is_blank(raw_columns[index])).is_empty():
                raise ImportFileError(
                    _("第 %(column)s 列有数据但没有列名；请补上列名或删除该列。")
                    % {"column": _column_letter(index)},
                    code="missing_header",
                )
        if batch.height:
            rows += batch.height
            yield batch.select(
                pl.col(ROW_NUMBER_COLUMN).cast(pl.Int64),
                *(
                    pl.col(column).alias(header)
                    for column, header in zip(raw_columns[: len(headers)], headers, strict=True)
                ),
            )
        grid = next(grids, None)
        batch = None if grid is None else _without_blank_rows(grid)
    if rows == 0:
        raise ImportFileError(_("文件只有表头，没有数据行。"), code="empty")
    if rows > max_rows:
        raise ImportFileError(
            _("文件有 %(rows)d 行数据，超过了 %(limit)d 行的上限；请拆分后分批导入。")
            % {"rows": rows, "limit": max_rows},
            code="too_large",
        )


def _column_letter(index: int) -> str:
    """Return the spreadsheet letter of a 0-based column index (0 → A, 27 → AB)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters
