"""Ledger exports: the households of a list filter written in an import template's own
format, so that exporting and importing the file again changes nothing.

Rows are read in keyset batches of households (by id) and streamed into an xlsx written
with constant memory, so a province's ledger never has to fit in memory.
"""

import datetime
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db.models import QuerySet
from django.utils import translation

from fupin.core.spreadsheets import Workbook
from fupin.imports.declarations import Column, Template
from fupin.imports.kinds import KINDS
from fupin.registry.models import Household

EXPORT_BATCH_HOUSEHOLDS = 2_000
_MIN_WIDTH, _MAX_WIDTH = 8, 40

_NOT_STORED = frozenset({"person_number"})


@dataclass(frozen=True)
class ExportResult:
    rows: int
    households: int


def _records(template: Template, household_ids: Sequence[int]) -> QuerySet[Any, dict[str, Any]]:
    ledger = KINDS[template.kind]
    lookups = [
        ledger.export_sources.get(column.name, column.name)
        for column in template.columns
        if column.name not in _NOT_STORED
    ]
    return ledger.export_query(household_ids, lookups)


def _cell(column: Column, value: Any, labels: dict[str, str]) -> Any:  # noqa: PLR0911 - one return per column kind
    """Write a stored value the way the template's import reads it back; `labels` maps the
    column's codes to their official labels."""
    if value is None or value == "":
        return ""
    if column.kind == "code":
        return labels.get(value, value)
    if column.kind == "boolean":
        return "是" if value else "否"
    if column.kind in {"money", "decimal"}:
        return Decimal(value)
    if column.kind == "date" and isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, int):
        return value
    return str(value)


def ledger_rows(
    template: Template, households: QuerySet[Household], *, batch_households: int
) -> Iterator[tuple[int, list[list[Any]]]]:
    """Yield (households in batch, rows) per keyset batch of the filtered households."""
    ids = households.order_by().values_list("id", flat=True)
    last_id = 0
    sources = KINDS[template.kind].export_sources
    labels = {
        column.name: {str(code): str(label) for code, label in column.code_table.choices}
        for column in template.columns
        if column.code_table is not None
    }
    while True:
        batch = list(ids.filter(id__gt=last_id).order_by("id")[:batch_households])
        if not batch:
            return
        last_id = batch[-1]
        rows = [
            [
                ""
                if column.name in _NOT_STORED
                else _cell(
                    column,
                    record[sources.get(column.name, column.name)],
                    labels.get(column.name, {}),
                )
                for column in template.columns
            ]
            for record in _records(template, batch)
        ]
        yield len(batch), rows


def ledger_workbook(
    template: Template,
    households: QuerySet[Household],
    path: Path,
    *,
    progress: Callable[[int], None] | None = None,
    batch_households: int = EXPORT_BATCH_HOUSEHOLDS,
) -> ExportResult:
    """Write the template-format ledger of `households` to `path` (a styled 台账 sheet:
    bold frozen header, widths to fit, ID numbers and codes as text). Labels are always the
    official Chinese ones, whatever the user's language, so the file imports back."""
    with translation.override("zh-hans"):
        return _write_ledger(template, households, path, progress, batch_households)


def _write_ledger(
    template: Template,
    households: QuerySet[Household],
    path: Path,
    progress: Callable[[int], None] | None,
    batch_households: int,
) -> ExportResult:
    workbook = Workbook(path, constant_memory=True)
    sheet = workbook.add_sheet(str(template.title))
    header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    text = workbook.add_format({"num_format": "@"})
    money = workbook.add_format({"num_format": "0.00"})
    area = workbook.add_format({"num_format": "0.0"})
    for index, column in enumerate(template.columns):
        width = min(_MAX_WIDTH, max(_MIN_WIDTH, len(column.header) * 2 + 2))
        if column.kind == "id_number":
            width = 22
        cell_format = None
        if column.kind in {"id_number", "region_code", "text", "date"}:
            cell_format = text
        elif column.kind == "money":
            cell_format = money
        elif column.kind == "decimal":
            cell_format = area
        sheet.set_column(index, index, width, cell_format)
        sheet.text(0, index, column.header, header)
    sheet.layout.freeze_panes(1, 0)
    row_number = 0
    households_done = 0
    for batch_size, rows in ledger_rows(template, households, batch_households=batch_households):
        for row in rows:
            row_number += 1
            sheet.row(row_number, 0, row)
        households_done += batch_size
        if progress is not None:
            progress(households_done)
    workbook.close()
    return ExportResult(rows=row_number, households=households_done)
