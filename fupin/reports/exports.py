"""Standard reports as formatted workbooks: the title with region and date, merged
two-row Chinese headers, one row per region and a totals row. Reports hold counts and sums
only, never an ID number or a name of a person."""

import io
from datetime import date

from django.utils.translation import gettext as _

from fupin.core.spreadsheets import Workbook
from fupin.reports.selectors.standard import Report


def report_title(report: Report) -> str:
    return _("%(region)s%(title)s（%(year)s 年）") % {
        "region": report.region_name,
        "title": report.title,
        "year": report.year,
    }


def report_subtitle(report: Report, *, made_on: date) -> str:
    if report.as_of is not None:
        return _("统计截止日期：%(as_of)s　制表日期：%(made_on)s") % {
            "as_of": report.as_of.isoformat(),
            "made_on": made_on.isoformat(),
        }
    return _("统计截止日期：%(made_on)s（当前数据）　制表日期：%(made_on)s") % {
        "made_on": made_on.isoformat()
    }


def report_xlsx(report: Report, *, made_on: date) -> bytes:
    """The report as an xlsx file's bytes."""
    buffer = io.BytesIO()
    book = Workbook(buffer)
    sheet = book.add_sheet(report.title[:31])
    last_column = report.column_count
    title = book.add_format({"bold": True, "font_size": 14, "align": "center"})
    subtitle = book.add_format({"align": "center", "font_color": "#555555"})
    header = book.add_format(
        {"bold": True, "align": "center", "valign": "vcenter", "border": 1, "text_wrap": True}
    )
    name = book.add_format({"border": 1})
    number = book.add_format({"border": 1, "num_format": "#,##0"})
    money = book.add_format({"border": 1, "num_format": "#,##0.00"})
    total_name = book.add_format({"border": 1, "bold": True})
    total_number = book.add_format({"border": 1, "bold": True, "num_format": "#,##0"})
    total_money = book.add_format({"border": 1, "bold": True, "num_format": "#,##0.00"})

    sheet.merged_text(0, 0, 0, last_column, report_title(report), title)
    sheet.merged_text(1, 0, 1, last_column, report_subtitle(report, made_on=made_on), subtitle)
    sheet.merged_text(2, 0, 3, 0, report.row_heading, header)
    column = 1
    for group in report.groups:
        end = column + len(group.columns) - 1
        sheet.merged_text(2, column, 2, end, group.label, header)
        for offset, label in enumerate(group.columns):
            sheet.text(3, column + offset, label, header)
        column = end + 1
    sheet.layout.set_row(3, 32)
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, last_column, 12)
    row_index = 4
    for row in report.rows:
        sheet.text(row_index, 0, row.name, name)
        for offset, value in enumerate(row.values):
            sheet.number(row_index, 1 + offset, value, number if isinstance(value, int) else money)
        row_index += 1
    sheet.text(row_index, 0, _("合计"), total_name)
    for offset, value in enumerate(report.totals):
        sheet.number(
            row_index, 1 + offset, value, total_number if isinstance(value, int) else total_money
        )
    for note in report.notes:
        row_index += 1
        sheet.merged_text(row_index, 0, row_index, last_column, _("注：") + note)
    sheet.layout.freeze_panes(4, 1)
    sheet.layout.set_landscape()
    sheet.layout.fit_to_pages(1, 0)
    book.close()
    return buffer.getvalue()
