"""Spreadsheets generated for imports: the blank template and the error workbook."""

import io
from collections import defaultdict
from collections.abc import Sequence

import polars as pl
import xlsxwriter
from django.utils.translation import gettext as _

from fupin.core.spreadsheets import Workbook
from fupin.imports.declarations import Template
from fupin.imports.parsing import ROW_NUMBER_COLUMN
from fupin.imports.validation import RowError

TEMPLATE_ROWS_WITH_LISTS = 10_000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def template_workbook(template: Template) -> bytes:
    """Return the blank xlsx template: headers, drop-down lists and an instructions sheet."""
    buffer = io.BytesIO()
    workbook = Workbook(buffer)
    sheet = workbook.add_sheet(str(template.title))
    instructions = workbook.add_sheet(_("说明"))
    lists = workbook.add_sheet("lists")
    bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    required = workbook.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1})
    text = workbook.add_format({"num_format": "@"})
    list_column = 0
    for index, column in enumerate(template.columns):
        sheet.text(0, index, column.header, required if column.required else bold)
        sheet.set_column(index, index, max(10, len(column.header) * 2 + 2))
        if column.kind in {"id_number", "region_code", "text"}:
            sheet.set_column(index, index, max(12, len(column.header) * 2 + 2), text)
        if column.kind == "id_number":
            sheet.set_column(index, index, 22, text)
        labels = _choices(column.kind, column.labels())
        if labels:
            lists.text(0, list_column, column.header)
            lists.column(1, list_column, labels)
            letter = xlsxwriter.utility.xl_col_to_name(list_column)
            sheet.layout.data_validation(
                1,
                index,
                TEMPLATE_ROWS_WITH_LISTS,
                index,
                {
                    "validate": "list",
                    "source": f"=lists!${letter}$2:${letter}${len(labels) + 1}",
                    "error_type": "warning",
                    "error_message": _("请从下拉列表中选择，或填写国家代码。"),
                },
            )
            list_column += 1
    sheet.layout.freeze_panes(1, 0)
    lists.layout.hide()
    instructions.set_column(0, 0, 24)
    instructions.set_column(1, 1, 90)
    instructions.text(0, 0, str(template.title), bold)
    row = 1
    for line in template.instructions:
        instructions.text(row, 0, str(line))
        row += 1
    row += 1
    instructions.row(row, 0, [_("列名"), _("说明")], bold)
    for column in template.columns:
        row += 1
        parts = [_("必填") if column.required else _("选填")]
        if column.household_level:
            parts.append(_("户级信息，同一户各行须相同"))
        if column.aliases:
            parts.append(_("也可写作：%(aliases)s") % {"aliases": "、".join(column.aliases)})
        if column.help_text:
            parts.append(str(column.help_text))
        instructions.text(row, 0, column.header)
        instructions.text(row, 1, "；".join(parts))
    workbook.close()
    return buffer.getvalue()


def _choices(kind: str, labels: list[str]) -> list[str]:
    if kind == "code":
        return labels
    if kind == "boolean":
        return [_("是"), _("否")]
    return []


def error_workbook(original: pl.DataFrame, errors: Sequence[RowError]) -> bytes:
    """Return the rows that have errors, as uploaded, with a 错误说明 column naming each
    field and reason. Rows are identified by the spreadsheet row number of the upload."""
    messages: dict[int, list[str]] = defaultdict(list)
    for error in errors:
        messages[error.row_number].append(f"{error.field}：{error.message}")
    headers = [column for column in original.columns if column != ROW_NUMBER_COLUMN]
    if ROW_NUMBER_COLUMN in original.columns:
        numbered = original
    else:
        numbered = original.with_row_index(ROW_NUMBER_COLUMN, offset=2)
    rows = numbered.filter(pl.col(ROW_NUMBER_COLUMN).cast(pl.Int64).is_in(sorted(messages))).select(
        pl.col(ROW_NUMBER_COLUMN).cast(pl.Int64), *headers
    )
    buffer = io.BytesIO()
    workbook = Workbook(buffer)
    sheet = workbook.add_sheet(_("错误"))
    bold = workbook.add_format({"bold": True})
    wrap = workbook.add_format({"text_wrap": True, "font_color": "#C00000"})
    # The headers are the uploaded file's own, so they are user text like the cells.
    sheet.row(0, 0, [_("原行号"), *headers, _("错误说明")], bold)
    sheet.set_column(len(headers) + 1, len(headers) + 1, 60)
    file_level = messages.get(1, [])
    line = 0
    if file_level:
        line += 1
        sheet.number(line, 0, 1)
        sheet.text(line, len(headers) + 1, "\n".join(file_level), wrap)
    for values in rows.iter_rows():
        line += 1
        row_number = int(values[0])
        sheet.number(line, 0, row_number)
        for index, value in enumerate(values[1:], start=1):
            if value is not None:
                sheet.text(line, index, str(value))
        sheet.text(line, len(headers) + 1, "\n".join(messages[row_number]), wrap)
    sheet.layout.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()
