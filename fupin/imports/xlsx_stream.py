"""Read the first sheet of a large xlsx a batch of rows at a time.

calamine (through fastexcel) builds the whole sheet in memory before the first row can be
read: a 200,000-row ledger took 1.07 GB, a 500,000-row one 2.5 GB (issue #20 item 9 asks
1 GB at most at any size). Here the sheet's XML is unpacked and parsed as a stream and the
rows leave as frames of `batch_rows`; only the shared strings stay in memory. Cells are
written as fastexcel writes them with `dtypes="string"`, so both readers give the same
grid (`fupin/imports/tests/test_xlsx_stream.py` compares them): numbers with up to nine decimals and
no trailing zeros, numbers in a date format as `YYYY-MM-DD HH:MM:SS`, booleans as
`true`/`false`, errors as empty cells, a formula as its cached value. Used for sheets
beyond `IMPORT_XLSX_STREAM_MB` (ADR 0035).
"""

import codecs
import datetime
import html
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Final

import polars as pl

EXCEL_DIGITS: Final = 15
# Tags may carry a namespace prefix (x:row) in files from some libraries.
_TAG = r"(?:[A-Za-z_][\w.-]*:)?"
_STRING_ITEMS = re.compile(rf"<{_TAG}si\b[^>]*?(?:/>|>(.*?)</{_TAG}si>)", re.DOTALL)
_DIMENSION = re.compile(rf'<{_TAG}dimension\b[^>]*\bref="([^"]*)"')
_READ_BYTES = 4 * 1024 * 1024
_ATTRIBUTES: dict[str, re.Pattern[str]] = {}
_LONG_DIGITS_PATTERN = rf"^[0-9]{{{EXCEL_DIGITS + 1},}}$"
_ROW_NUMBER = "__row"
_EXACT_INTEGERS = 2.0**53
_NO_CELLS = pl.DataFrame(schema={_ROW_NUMBER: pl.Int64, "column": pl.Int64, "text": pl.String})
_TEXT_RUNS = re.compile(rf"<{_TAG}t\b[^>]*>(.*?)</{_TAG}t>", re.DOTALL)
_PHONETIC_RUNS = re.compile(rf"<{_TAG}rPh\b.*?</{_TAG}rPh>", re.DOTALL)
# Built-in number formats that show a date or a time (ECMA-376 18.8.30).
_DATE_FORMAT_IDS: Final = frozenset(
    {*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)}
)
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
_REFERENCE = re.compile(r"([A-Z]+)([0-9]+)")
# A date format names a day, month, year, hour or second outside quotes and brackets.
_DATE_CODE = re.compile(r"[dmyhs]", re.IGNORECASE)
_QUOTED_OR_BRACKETED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.')
_EPOCH_1900 = datetime.datetime(1899, 12, 30, tzinfo=datetime.UTC)
_EPOCH_1904 = datetime.datetime(1904, 1, 1, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class _Patterns:
    """The sheet's regular expressions for Polars (Rust), with the namespace prefix its
    tags carry written out: an optional prefix made each search several times slower."""

    row_start: str
    row_end: str
    row_number: str
    cell: str
    cell_column: str
    cell_type: str
    cell_style: str
    value: str
    text_run: str
    phonetic: str
    empty_row: str
    single_run: str

    @classmethod
    def of(cls, prefix: str) -> "_Patterns":
        tag = re.escape(prefix)
        return cls(
            row_start=rf"<{tag}row\b",
            row_end=f"</{prefix}row>",
            row_number=rf'<{tag}row\b[^>]*?\sr="([0-9]+)"',
            cell=rf"(?s)<{tag}c\b[^>]*?(?:/>|>.*?</{tag}c>)",
            cell_column=rf'^<{tag}c\b[^>]*?\sr="\$?([A-Z]{{1,3}})\$?[0-9]+"',
            cell_type=rf'^<{tag}c\b[^>]*?\st="([A-Za-z]+)"',
            cell_style=rf'^<{tag}c\b[^>]*?\ss="([0-9]+)"',
            value=rf"(?s)<{tag}v\b[^>]*>(.*?)</{tag}v>",
            text_run=rf"(?s)<{tag}t\b[^>]*?(?:/>|>.*?</{tag}t>)",
            phonetic=rf"(?s)<{tag}rPh\b.*?</{tag}rPh>",
            empty_row=rf"<{tag}row\b[^>]*/>",
            single_run=rf"(?s)<{tag}t\b[^>]*>(.*?)</{tag}t>",
        )


def excel_scientific(digits: str) -> str:
    """220421198203299008 → 2.20421198203299E+17, Excel's way of showing the number."""
    mantissa, exponent = f"{int(digits):.{EXCEL_DIGITS - 1}E}".split("E")
    return f"{mantissa.rstrip('0').rstrip('.')}E+{int(exponent)}"


def first_sheet_size(archive: zipfile.ZipFile) -> int:
    """The unpacked size of the workbook's first sheet, in bytes."""
    return archive.getinfo(_first_sheet_path(archive)).file_size


def xlsx_grid_batches(
    source: Path | IO[bytes], *, batch_rows: int, row_number_column: str
) -> Iterator[pl.DataFrame]:
    """The first sheet's rows as string columns named as fastexcel names them without a
    header (`__UNNAMED__0`, …), with `row_number_column` numbering them from the sheet's
    first used row, a batch at a time. Rows without any value are left out."""
    with zipfile.ZipFile(source) as archive:
        strings = _shared_strings(archive)
        date_styles, epoch = _date_styles(archive), _epoch(archive)
        with archive.open(_first_sheet_path(archive)) as sheet:
            yield from _Sheet(strings, date_styles, epoch).batches(
                sheet, batch_rows=batch_rows, row_number_column=row_number_column
            )


class _Sheet:
    """One pass over a sheet's XML, cut from the unpacked text a block of rows at a time;
    each block's cells are taken apart by Polars' (Rust) regular expressions, column by
    column, not one cell at a time in Python (an XML parser building an element per cell
    took 50 s for 200,000 rows)."""

    def __init__(self, strings: list[str], date_styles: frozenset[int], epoch: datetime.datetime):
        self.strings = pl.Series("shared", strings, dtype=pl.String)
        self.date_styles = sorted(date_styles)
        self.epoch = epoch
        self.first_row = 1
        self.first_column = 0
        self.width = 0
        self.previous_row = 0
        self.patterns = _Patterns.of("")

    def batches(
        self, sheet: IO[bytes], *, batch_rows: int, row_number_column: str
    ) -> Iterator[pl.DataFrame]:
        pending: list[pl.DataFrame] = []
        held = 0
        for position, (prefix, block) in enumerate(_blocks(sheet, "worksheet", "row")):
            if position == 0:
                self.patterns = _Patterns.of(prefix)
                dimension = _DIMENSION.search(block)
                if dimension:
                    self._used_range(dimension[1])
            cells = self._cells(block)
            if cells.height:
                pending.append(cells)
                held += cells.get_column(_ROW_NUMBER).n_unique()
            if held >= batch_rows:
                yield from self._frame(pl.concat(pending), row_number_column).iter_slices(
                    batch_rows
                )
                pending, held = [], 0
        if pending or not self.width:
            last = self._frame(pl.concat(pending) if pending else _NO_CELLS, row_number_column)
            yield from last.iter_slices(batch_rows) if last.height else [last]

    def _used_range(self, reference: str) -> None:
        """The sheet's own record of its used range (every writer we know keeps it):
        calamine's grid starts there, so the columns and row numbers start there too."""
        corners = _REFERENCE.findall(reference.replace("$", ""))
        if corners:
            self.first_column = _column_index(corners[0][0])
            self.first_row = int(corners[0][1])
            self.width = _column_index(corners[-1][0]) - self.first_column + 1

    def _cells(self, block: str) -> pl.DataFrame:
        """(row number, column, text) of every cell of the block's rows that has a value."""
        patterns = self.patterns
        # Rows without cells are blank; they end no row, so they go before the split.
        pieces = (
            pl.DataFrame({"xml": [block]})
            .select(
                pl.col("xml")
                .str.replace_all(patterns.empty_row, "")
                .str.split(patterns.row_end)
                .alias("xml")
            )
            .explode("xml")
            .with_columns(pl.col("xml").str.extract(patterns.row_number).cast(pl.Int64).alias("r"))
            .filter(pl.col("xml").str.contains(patterns.row_start))
        )
        if not pieces.height:
            return _NO_CELLS
        row_numbers = self._row_numbers(pieces.get_column("r").to_list())
        cells = (
            pieces.with_columns(pl.Series(_ROW_NUMBER, row_numbers, dtype=pl.Int64))
            .select(_ROW_NUMBER, pl.col("xml").str.extract_all(patterns.cell).alias("cell"))
            .explode("cell")
            .drop_nulls("cell")
        )
        letters = cells.get_column("cell").str.extract(patterns.cell_column)
        # A block's cells name a few dozen columns: each is worked out once.
        indexes = {name: _column_index(name) for name in letters.drop_nulls().unique().to_list()}
        column = pl.lit(letters).replace_strict(indexes, default=None, return_dtype=pl.Int64)
        parts = cells.select(
            _ROW_NUMBER,
            pl.coalesce(column, pl.int_range(pl.len()).over(_ROW_NUMBER) + self.first_column)
            .sub(self.first_column)
            .alias("column"),
            pl.col("cell").str.extract(patterns.cell_type).fill_null("n").alias("kind"),
            pl.col("cell")
            .str.extract(patterns.cell_style)
            .cast(pl.Int64)
            .fill_null(0)
            .alias("style"),
            pl.col("cell").str.extract(patterns.value).alias("raw"),
            pl.col("cell"),
        )
        texts = self._texts(parts)
        return texts.filter(pl.col("text").is_not_null() & (pl.col("column") >= 0))

    def _row_numbers(self, given: list[int | None]) -> list[int]:
        """Each row's number as written, or the one after the previous row's."""
        numbers: list[int] = []
        for number in given:
            self.previous_row = number if number is not None else self.previous_row + 1
            numbers.append(self.previous_row - self.first_row + 1)
        return numbers

    def _texts(self, parts: pl.DataFrame) -> pl.DataFrame:
        """Each cell's text, worked out per kind of cell on that kind's cells only (Polars
        evaluates every branch of a when/then over the whole column); Python sees only the
        rare cells: rich text, escapes, fractions and numbers of more than 15 digits."""
        kind = pl.col("kind")
        raw = pl.col("raw")
        by_kind = {
            name: parts.filter(condition)
            for name, condition in (
                ("inline", kind == "inlineStr"),
                ("shared", kind == "s"),
                ("text", kind.is_in(["str", "d"])),
                ("boolean", kind == "b"),
                ("number", ~kind.is_in(["inlineStr", "s", "str", "d", "b", "e"])),
            )
        }
        patterns = self.patterns
        inline = by_kind["inline"]
        simple = inline.get_column("cell").str.count_matches(patterns.text_run) == 1
        simple &= ~inline.get_column("cell").str.contains(patterns.phonetic)
        texts = [
            inline.filter(simple).select(
                _ROW_NUMBER, "column", _unescaped(pl.col("cell").str.extract(patterns.single_run))
            ),
            inline.filter(~simple).select(
                _ROW_NUMBER,
                "column",
                pl.col("cell").map_elements(_string_item, return_dtype=pl.String),
            ),
            by_kind["text"].select(_ROW_NUMBER, "column", _unescaped(raw)),
            by_kind["boolean"].select(
                _ROW_NUMBER,
                "column",
                pl.when(raw.str.strip_chars() == "1")
                .then(pl.lit("true"))
                .otherwise(pl.lit("false")),
            ),
        ]
        shared = by_kind["shared"]
        if shared.height and self.strings.len():
            indexes = shared.get_column("raw").cast(pl.Int64, strict=False)
            texts.append(
                shared.select(_ROW_NUMBER, "column").with_columns(self.strings.gather(indexes))
            )
        texts.extend(self._numbers(by_kind["number"]))
        return pl.concat(
            [frame.rename({frame.columns[2]: "text"}) for frame in texts if frame.height]
            or [_NO_CELLS]
        )

    def _numbers(self, numbers: pl.DataFrame) -> list[pl.DataFrame]:
        value = pl.col("raw").cast(pl.Float64, strict=False)
        numbers = numbers.with_columns(value.alias("value")).drop_nulls("value")
        dated = pl.col("style").is_in(self.date_styles)
        whole = (pl.col("value") == pl.col("value").floor()) & (
            pl.col("value").abs() < _EXACT_INTEGERS
        )
        integers = numbers.filter(~dated & whole).select(
            _ROW_NUMBER, "column", pl.col("value").cast(pl.Int64).cast(pl.String).alias("text")
        )
        # ID numbers typed as numbers: shown as Excel shows them, so validation refuses them.
        long = integers.get_column("text").str.contains(_LONG_DIGITS_PATTERN)
        return [
            numbers.filter(dated).select(
                _ROW_NUMBER, "column", _date_expression(pl.col("value"), self.epoch)
            ),
            integers.filter(~long),
            integers.filter(long).with_columns(
                pl.col("text").map_elements(_shown_as_excel, return_dtype=pl.String)
            ),
            numbers.filter(~dated & ~whole).select(
                _ROW_NUMBER,
                "column",
                pl.col("value").map_elements(_number_text, return_dtype=pl.String),
            ),
        ]

    def _frame(self, cells: pl.DataFrame, row_number_column: str) -> pl.DataFrame:
        if cells.height:
            self.width = max(self.width, int(cells.get_column("column").max()) + 1)  # type: ignore[arg-type]
        names = [f"__UNNAMED__{index}" for index in range(self.width)]
        if not cells.height:
            return pl.DataFrame(
                schema={row_number_column: pl.UInt32, **dict.fromkeys(names, pl.String)}
            )
        wide = cells.with_columns(pl.format("__UNNAMED__{}", "column").alias("name")).pivot(
            on="name", index=_ROW_NUMBER, values="text", aggregate_function="first"
        )
        return wide.select(
            pl.col(_ROW_NUMBER).cast(pl.UInt32).alias(row_number_column),
            *(
                pl.col(name) if name in wide.columns else pl.lit(None, dtype=pl.String).alias(name)
                for name in names
            ),
        ).sort(row_number_column)


def _blocks(stream: IO[bytes], root: str, element: str) -> Iterator[tuple[str, str]]:
    """The unpacked text a block at a time, each cut after the last end tag of `element`
    it holds, so no element is split between two blocks; with the namespace prefix of the
    part's `root` element ("" or "x:")."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    pending = ""
    prefix: str | None = None
    end = f"</{element}>"
    while chunk := stream.read(_READ_BYTES):
        pending += decoder.decode(chunk)
        if prefix is None:
            found = re.search(rf"<([A-Za-z_][\w.-]*:)?{root}\b", pending)
            prefix = (found[1] or "") if found else ""
            end = f"</{prefix}{element}>"
        cut = pending.rfind(end)
        if cut >= 0:
            cut += len(end)
            yield prefix, pending[:cut]
            pending = pending[cut:]
    pending += decoder.decode(b"", final=True)
    if pending:
        yield prefix or "", pending


def _attribute(attributes: str, name: str) -> str | None:
    pattern = _ATTRIBUTES.get(name)
    if pattern is None:
        pattern = _ATTRIBUTES[name] = re.compile(rf'(?:^|\s){name}\s*=\s*"([^"]*)"')
    found = pattern.search(attributes)
    return found[1] if found else None


def _string_item(content: str) -> str:
    """A string item's text: its runs joined, without the phonetic (ruby) runs."""
    if "rPh" in content:
        content = _PHONETIC_RUNS.sub("", content)
    runs = _TEXT_RUNS.findall(content)
    text = runs[0] if len(runs) == 1 else "".join(runs)
    return _unescaped_text(text)


def _unescaped(text: pl.Expr) -> pl.Expr:
    """XML's entities and OOXML's _xHHHH_ escapes undone."""
    return text.map_batches(_unescaped_series, return_dtype=pl.String)


def _unescaped_series(texts: pl.Series) -> pl.Series:
    """Only the few texts that hold an escape go through Python."""
    escaped = texts.str.contains("&", literal=True) | texts.str.contains("_x", literal=True)
    if not escaped.any():
        return texts
    places = escaped.arg_true()
    fixed = [_unescaped_text(text) for text in texts.gather(places).to_list()]
    return texts.clone().scatter(places, fixed)


def _date_expression(serial: pl.Expr, epoch: datetime.datetime) -> pl.Expr:
    # Excel counts 1900-02-29, which did not exist: serials before it are one day early.
    if epoch == _EPOCH_1900:
        serial = pl.when(serial < 60).then(serial + 1).otherwise(serial)
    seconds = (serial * 86_400).round(0).cast(pl.Int64)
    start = pl.lit(epoch.replace(tzinfo=None), dtype=pl.Datetime("us"))
    return (start + pl.duration(seconds=seconds)).dt.strftime("%Y-%m-%d %H:%M:%S")


def _number_text(number: float) -> str:
    text = f"{number:.9f}".rstrip("0").rstrip(".")
    return _shown_as_excel(text) if text.isdigit() else text


def _shown_as_excel(text: str) -> str:
    return excel_scientific(text) if len(text.rstrip("0")) > EXCEL_DIGITS else text


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def _unescaped_text(text: str) -> str:
    """XML's entities, and the characters OOXML writes as _xHHHH_."""
    if "&" in text:
        text = html.unescape(text)
    if "_x" not in text:
        return text
    return _ESCAPED.sub(lambda match: chr(int(match[1], 16)), text)


def _text(archive: zipfile.ZipFile, name: str) -> str:
    """A small part of the package (the workbook, its relationships, the styles) whole."""
    try:
        return archive.read(name).decode("utf-8", errors="replace")
    except KeyError:
        return ""


def _elements(text: str, tag: str) -> list[str]:
    """The attribute text of each `tag` element, in document order."""
    return re.findall(rf"<{_TAG}{tag}\b([^>]*?)/?>", text)


def _first_sheet_path(archive: zipfile.ZipFile) -> str:
    """The first sheet of the workbook, as the workbook lists them."""
    workbook = _workbook_path(archive)
    sheets = _elements(_text(archive, workbook), "sheet")
    first = re.search(r'\b[A-Za-z_][\w.-]*:id\s*=\s*"([^"]*)"', sheets[0]) if sheets else None
    folder = PurePosixPath(workbook).parent
    relations = _text(archive, str(folder / "_rels" / f"{PurePosixPath(workbook).name}.rels"))
    for relation in _elements(relations, "Relationship"):
        if first is not None and _attribute(relation, "Id") == first[1]:
            target = html.unescape(_attribute(relation, "Target") or "")
            if target.startswith("/"):
                return target.lstrip("/")
            return _normalized(folder / target)
    raise KeyError("first sheet")


def _workbook_path(archive: zipfile.ZipFile) -> str:
    for relation in _elements(_text(archive, "_rels/.rels"), "Relationship"):
        if (_attribute(relation, "Type") or "").endswith("/officeDocument"):
            return (_attribute(relation, "Target") or "xl/workbook.xml").lstrip("/")
    return "xl/workbook.xml"


def _normalized(path: PurePosixPath) -> str:
    parts: list[str] = []
    for piece in path.parts:
        if piece == "..":
            if parts:
                parts.pop()
        elif piece != ".":
            parts.append(piece)
    return "/".join(parts)


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    name = next((n for n in archive.namelist() if n.lower().endswith("sharedstrings.xml")), None)
    if name is None:
        return []
    strings: list[str] = []
    with archive.open(name) as part:
        for _prefix, block in _blocks(part, "sst", "si"):
            strings.extend(_string_item(item) for item in _STRING_ITEMS.findall(block))
    return strings


def _date_styles(archive: zipfile.ZipFile) -> frozenset[int]:
    """The cell styles (indexes into cellXfs) whose number format shows a date."""
    name = next((n for n in archive.namelist() if n.lower().endswith("styles.xml")), None)
    if name is None:
        return frozenset()
    styles = _text(archive, name)
    custom = {
        int(_attribute(attributes, "numFmtId") or 0): html.unescape(
            _attribute(attributes, "formatCode") or ""
        )
        for attributes in _elements(styles, "numFmt")
    }
    cell_formats = re.search(rf"<{_TAG}cellXfs\b[^>]*>(.*?)</{_TAG}cellXfs>", styles, re.DOTALL)
    formats = [
        int(_attribute(attributes, "numFmtId") or 0)
        for attributes in _elements(cell_formats[1] if cell_formats else "", "xf")
    ]
    return frozenset(
        index for index, format_id in enumerate(formats) if _is_date_format(format_id, custom)
    )


def _is_date_format(format_id: int, custom: dict[int, str]) -> bool:
    if format_id in _DATE_FORMAT_IDS:
        return True
    code = custom.get(format_id)
    return code is not None and _DATE_CODE.search(_QUOTED_OR_BRACKETED.sub("", code)) is not None


def _epoch(archive: zipfile.ZipFile) -> datetime.datetime:
    for attributes in _elements(_text(archive, _workbook_path(archive)), "workbookPr"):
        if (_attribute(attributes, "date1904") or "false").lower() in {"1", "true"}:
            return _EPOCH_1904
    return _EPOCH_1900
