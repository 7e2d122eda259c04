"""Read an uploaded table (xlsx, xls or CSV) into a Polars frame of strings.

The frame keeps the header texts as they were written (templates match them later) and adds
`ROW_NUMBER_COLUMN`, the 1-based spreadsheet row of each data row, so messages can name the
row a user sees even after blank rows are dropped.
"""

import codecs
import io
import zipfile
from pathlib import Path

import fastexcel
import polars as pl
from django.conf import settings
from django.utils.translation import gettext as _

from fupin.core.errors import ApplicationError

ROW_NUMBER_COLUMN = "_row"
DEFAULT_MAX_BYTES = 200 * 1024 * 1024
DEFAULT_MAX_ROWS = 2_000_000

_ZIP_MAGIC = b"PK\x03\x04"
_UNPACK_CHUNK = 1024 * 1024
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls"})
_CSV_SUFFIXES = frozenset({".csv", ".txt"})
_CSV_FALLBACK_ENCODINGS = ("gb18030",)
_EXCEL_DIGITS = 15
_LONG_DIGITS = rf"^[0-9]{{{_EXCEL_DIGITS + 1},}}$"


class ImportFileError(ApplicationError):
    """The file cannot be read as a table; the message says why, in Chinese."""

    def __init__(self, message: str, *, code: str = "import_file") -> None:
        super().__init__(message, code=code)


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
    content = source if isinstance(source, bytes) else Path(source).read_bytes()
    if not content.strip():
        raise ImportFileError(_("文件是空的。"), code="empty")
    if len(content) > max_bytes:
        raise ImportFileError(
            _("文件有 %(size)d MB，超过了 %(limit)d MB 的上限；请拆分后分批导入。")
            % {"size": len(content) // (1024 * 1024), "limit": max_bytes // (1024 * 1024)},
            code="too_large",
        )
    suffix = Path(filename).suffix.lower()
    if content.startswith(_ZIP_MAGIC):
        _check_unpacked_size(content)
    if content.startswith((_ZIP_MAGIC, _OLE_MAGIC)):
        grid = _read_excel_grid(content)
    elif suffix in _EXCEL_SUFFIXES or (suffix and suffix not in _CSV_SUFFIXES):
        raise ImportFileError(
            _("“%(filename)s”不是 Excel 或 CSV 表格；请上传 xlsx、xls 或 csv 文件。")
            % {"filename": filename},
            code="not_a_spreadsheet",
        )
    else:
        grid = _read_csv_grid(content, filename)
    return _frame_from_grid(grid, max_rows=max_rows)


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
            value: _scientific(value)
            for value in text.filter(numeric).unique().to_list()
            if len(value.rstrip("0")) > _EXCEL_DIGITS
        }
        if shown:
            updates.append(pl.col(column).replace(shown))
    return grid.with_columns(updates)


def _scientific(digits: str) -> str:
    """220421198203299008 → 2.20421198203299E+17, Excel's way of showing the number."""
    mantissa, exponent = f"{int(digits):.{_EXCEL_DIGITS - 1}E}".split("E")
    return f"{mantissa.rstrip('0').rstrip('.')}E+{int(exponent)}"


def _decode_csv(content: bytes, filename: str) -> bytes:
    """Return the CSV as UTF-8 bytes, from UTF-8 (with or without BOM) or GBK/GB18030."""
    if b"\x00" in content[:4096]:
        raise ImportFileError(
            _("“%(filename)s”不是文本表格（含有二进制内容）；请上传 xlsx、xls 或 csv 文件。")
            % {"filename": filename},
            code="not_a_spreadsheet",
        )
    if _is_utf8(content):
        # Hand the bytes on as they are (Polars skips a BOM): decoding a large file into a
        # Python string would take several times its size in memory.
        return content
    for encoding in _CSV_FALLBACK_ENCODINGS:
        try:
            return content.decode(encoding).encode("utf-8")
        except UnicodeDecodeError:
            continue
    raise ImportFileError(
        _("无法识别 CSV 文件的编码；请另存为 UTF-8 或 GBK 编码。"), code="encoding"
    )


def _is_utf8(content: bytes) -> bool:
    """Whether `content` is valid UTF-8, checked piece by piece in constant memory."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(content)
    try:
        for start in range(0, len(view), _UNPACK_CHUNK):
            decoder.decode(view[start : start + _UNPACK_CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _read_csv_grid(content: bytes, filename: str) -> pl.DataFrame:
    text = _decode_csv(content, filename)
    try:
        return pl.read_csv(
            text,
            has_header=False,
            infer_schema=False,
            truncate_ragged_lines=True,
        )
    except pl.exceptions.PolarsError as error:
        raise ImportFileError(
            _("无法读取 CSV 文件（%(reason)s）。") % {"reason": str(error).splitlines()[0]},
            code="not_a_spreadsheet",
        ) from None


def _is_blank(column: str) -> pl.Expr:
    return pl.col(column).is_null() | (pl.col(column).str.strip_chars() == "")


def _frame_from_grid(grid: pl.DataFrame, *, max_rows: int) -> pl.DataFrame:
    """Apply the first non-blank row as the header and drop blank rows."""
    raw_columns = grid.columns
    if not raw_columns:
        raise ImportFileError(_("文件中没有任何数据。"), code="empty")
    numbered = grid.with_row_index(ROW_NUMBER_COLUMN, offset=1)
    blank = numbered.select(pl.all_horizontal(*(_is_blank(c) for c in raw_columns))).to_series()
    if blank.any():
        # Filtering copies every column: only pay for it when there are blank rows.
        numbered = numbered.filter(~blank)
    if numbered.height == 0:
        raise ImportFileError(_("文件中没有任何数据。"), code="empty")
    header_row = numbered.row(0, named=True)
    header_line = int(header_row[ROW_NUMBER_COLUMN])
    headers = [str(header_row[column] or "").strip() for column in raw_columns]
    filled = [index for index, header in enumerate(headers) if header]
    data = numbered.slice(1)
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
    for index in range(last_filled + 1, len(raw_columns)):
        if data.filter(~_is_blank(raw_columns[index])).height:
            raise ImportFileError(
                _("第 %(column)s 列有数据但没有列名；请补上列名或删除该列。")
                % {"column": _column_letter(index)},
                code="missing_header",
            )
    kept = raw_columns[: last_filled + 1]
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
    if data.height == 0:
        raise ImportFileError(_("文件只有表头，没有数据行。"), code="empty")
    if data.height > max_rows:
        raise ImportFileError(
            _("文件有 %(rows)d 行数据，超过了 %(limit)d 行的上限；请拆分后分批导入。")
            % {"rows": data.height, "limit": max_rows},
            code="too_large",
        )
    return data.select(
        pl.col(ROW_NUMBER_COLUMN).cast(pl.Int64),
        *(pl.col(column).alias(headers[index]) for index, column in enumerate(kept)),
    )


def _column_letter(index: int) -> str:
    """Return the spreadsheet letter of a 0-based column index (0 → A, 27 → AB)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters
