"""The 整改台账 and the periodic progress report as xlsx, written through
`core.spreadsheets` (text stays text, nothing a user typed can become a formula)."""

from io import BytesIO

from django.utils.translation import gettext as _

from fupin.core.spreadsheets import Workbook
from fupin.rectification.selectors import LedgerRow, ProgressReport


def ledger_workbook(rows: list[LedgerRow]) -> bytes:
    """One line per task (问题 → 牵头单位 → 责任单位 → 措施 → 时限 → 整改情况 → 销号), the
    usual shape of a county's ledger."""
    buffer = BytesIO()
    book = Workbook(buffer)
    sheet = book.add_sheet(_("整改台账"))
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    headings = [
        _("问题编号"),
        _("问题来源"),
        _("所在区划"),
        _("问题类别"),
        _("问题"),
        _("问题描述"),
        _("立行立改"),
        _("牵头单位"),
        _("责任单位"),
        _("整改措施"),
        _("整改目标"),
        _("整改时限"),
        _("整改情况"),
        _("整改成果"),
        _("销号佐证材料"),
        _("销号日期"),
        _("任务状态"),
        _("问题状态"),
    ]
    sheet.row(0, 0, [str(text) for text in headings], header)
    sheet.set_column(0, 3, 12)
    sheet.set_column(4, 16, 24, wrap)
    sheet.layout.freeze_panes(1, 1)
    for line, row in enumerate(rows, start=1):
        problem, task = row.problem, row.task
        values: list[str] = [
            problem.number,
            str(problem.get_source_display()),
            problem.region.name,
            str(problem.get_category_display()),
            problem.title,
            problem.description,
            _("是") if problem.is_immediate else _("否"),
        ]
        if task is not None:
            values += [
                task.lead_unit,
                task.owner_unit,
                task.measures,
                task.expected_effect,
                task.due_on.isoformat(),
                row.latest_progress,
                task.outcome,
                task.closure_evidence,
                task.closed_on.isoformat() if task.closed_on else "",
                str(task.get_state_display()),
            ]
        else:
            values += [""] * 10
        values.append(str(problem.get_state_display()))
        sheet.row(line, 0, values)
    book.close()
    return buffer.getvalue()


def report_workbook(report: ProgressReport, *, region_name: str) -> bytes:
    buffer = BytesIO()
    book = Workbook(buffer)
    sheet = book.add_sheet(_("整改进展报告"))
    bold = book.add_format({"bold": True})
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    sheet.text(
        0,
        0,
        _("%(region)s整改进展报告（%(start)s 至 %(end)s）")
        % {
            "region": region_name,
            "start": report.starts_on.isoformat(),
            "end": report.ends_on.isoformat(),
        },
        bold,
    )
    headings = [
        _("区划"),
        _("问题数"),
        _("本期新增问题"),
        _("已销号问题"),
        _("整改任务"),
        _("已销号任务"),
        _("本期销号任务"),
        _("超期未销号任务"),
        _("本期进展报告"),
        _("任务销号率"),
    ]
    sheet.row(2, 0, [str(text) for text in headings], header)
    sheet.set_column(0, 0, 18)
    sheet.set_column(1, 9, 12)
    for line, row in enumerate([*report.rows, report.total], start=3):
        sheet.row(
            line,
            0,
            [
                row.name,
                row.problems,
                row.problems_new,
                row.problems_closed,
                row.tasks,
                row.tasks_closed,
                row.tasks_closed_in_period,
                row.tasks_overdue,
                row.reports_in_period,
                row.closure_rate,
            ],
        )
    book.close()
    return buffer.getvalue()
