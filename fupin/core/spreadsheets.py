"""Every xlsx and CSV file Fupin writes goes through this module, so that no text a user
typed (a name, an address, a header of an uploaded file) can run as a formula when the file
is opened in Excel or WPS (CSV/formula injection, CWE-1236).

Two rules:

1. Text is written as text. xlsx cells are written with `write_string` (never `write`,
   which turns a string starting with `=` into a live formula), numbers with
   `write_number`; the workbook also has xlsxwriter's string-to-formula and string-to-URL
   conversions switched off.
2. Text that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is neutralized.
   In xlsx the cell gets Excel's *quote prefix* (the hidden apostrophe Excel itself adds
   when someone types `'=…`): the value stays exactly as stored, so an exported ledger
   imports back unchanged, and Excel keeps it text even when the cell is edited. CSV has no
   cell styles, so a CSV value gets a visible apostrophe in front.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

import polars as pl
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | Decimal | None


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet program could read `text` as a formula or command."""
    return text.startswith(FORMULA_STARTS)


def neutralize(text: str) -> str:
    """`text` for a CSV cell: an apostrophe in front when it could start a formula."""
    return "'" + text if is_formula_like(text) else text


@dataclass
class CellFormat:
    """An xlsx format and, made when first needed, its quote-prefixed twin."""

    properties: dict[str, Any]
    plain: Format
    quoted: Format | None = None


@dataclass
class Sheet:
    """One worksheet that writes cells by the rules above. `layout` is the underlying
    xlsxwriter worksheet for everything that is not a cell value (frozen panes, data
    validation, hiding)."""

    book: "Workbook"
    layout: Worksheet
    _column_formats: dict[int, CellFormat] = field(default_factory=dict)

    def set_column(
        self, first: int, last: int, width: float, cell_format: CellFormat | None = None
    ) -> None:
        self.layout.set_column(first, last, width, cell_format.plain if cell_format else None)
        if cell_format is not None:
            for column in range(first, last + 1):
                self._column_formats[column] = cell_format

    def text(
        self, row: int, column: int, value: str, cell_format: CellFormat | None = None
    ) -> None:
        """Write `value` as a text cell, quote-prefixed when it could start a formula."""
        base = cell_format or self._column_formats.get(column)
        if is_formula_like(value):
            self.layout.write_string(row, column, value, self.book.quoted(base))
        else:
            self.layout.write_string(row, column, value, base.plain if base else None)

    def number(
        self, row: int, column: int, value: float | Decimal, cell_format: CellFormat | None = None
    ) -> None:
        base = cell_format or self._column_formats.get(column)
        self.layout.write_number(row, column, float(value), base.plain if base else None)

    def cell(
        self, row: int, column: int, value: Cell, cell_format: CellFormat | None = None
    ) -> None:
        """Text as text, numbers as numbers, None as an empty cell."""
        if value is None:
            return
        if isinstance(value, str):
            self.text(row, column, value, cell_format)
        else:
            self.number(row, column, value, cell_format)

    def merged_text(
        self,
        first_row: int,
        first_column: int,
        last_row: int,
        last_column: int,
        value: str,
        cell_format: CellFormat | None = None,
    ) -> None:
        """Merge a range and write `value` into it as text (by the rules above)."""
        if (first_row, first_column) != (last_row, last_column):
            base = cell_format.plain if cell_format else None
            self.layout.merge_range(first_row, first_column, last_row, last_column, "", base)
        self.text(first_row, first_column, value, cell_format)

    def row(
        self, row: int, column: int, values: Sequence[Cell], cell_format: CellFormat | None = None
    ) -> None:
        for offset, value in enumerate(values):
            self.cell(row, column + offset, value, cell_format)

    def column(
        self, row: int, column: int, values: Sequence[Cell], cell_format: CellFormat | None = None
    ) -> None:
        for offset, value in enumerate(values):
            self.cell(row + offset, column, value, cell_format)


class Workbook:
    """An xlsxwriter workbook whose sheets write cells through `Sheet`.

    `target` is a file path or a binary buffer (then the workbook is built in memory);
    `constant_memory` streams rows to disk in order, for large exports.
    """

    def __init__(self, target: str | Path | BinaryIO, *, constant_memory: bool = False) -> None:
        options: dict[str, Any] = {
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "constant_memory": constant_memory,
        }
        if not isinstance(target, (str, Path)):
            options["in_memory"] = True
        self._book = xlsxwriter.Workbook(
            str(target) if isinstance(target, Path) else target, options
        )
        self._quote_only: CellFormat | None = None

    def add_format(self, properties: dict[str, Any]) -> CellFormat:
        return CellFormat(properties=properties, plain=self._book.add_format(properties))

    def quoted(self, base: CellFormat | None) -> Format:
        """The quote-prefixed twin of `base` (or of the default format)."""
        if base is None:
            if self._quote_only is None:
                self._quote_only = self.add_format({})
            base = self._quote_only
        if base.quoted is None:
            base.quoted = self._book.add_format({**base.properties, "quote_prefix": True})
        return base.quoted

    def add_sheet(self, name: str) -> Sheet:
        return Sheet(book=self, layout=self._book.add_worksheet(name))

    def close(self) -> None:
        self._book.close()


def frame_csv(frame: pl.DataFrame) -> str:
    """A Polars frame as CSV text with a header, every text value neutralized."""
    text_columns = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    safe = frame.with_columns(
        pl.when(pl.any_horizontal(pl.col(name).str.starts_with(start) for start in FORMULA_STARTS))
        .then(pl.lit("'") + pl.col(name))
        .otherwise(pl.col(name))
        .alias(name)
        for name in text_columns
    )
    return safe.write_csv()
