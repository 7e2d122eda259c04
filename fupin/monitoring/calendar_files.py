"""Read a year's 放假安排 from a small table (xlsx or CSV with the columns 日期, 类型, 名称).

The ledger importer's parser lives in `fupin.imports`, a layer above monitoring, so this
small reader keeps to the same conventions instead: the first sheet or the CSV (UTF-8 with
or without BOM, else GB18030), a header row matched by name, and messages that name the
spreadsheet row and column. Nothing here touches the database.
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import fastexcel
from django.utils.translation import gettext as _

from fupin.core.errors import ApplicationError
from fupin.monitoring.models import CalendarDay

MAX_BYTES = 1024 * 1024
MAX_ROWS = 400
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SATURDAY = 5
_DATE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+00:00(?::00)?)?$"
)
_COLUMNS = {"day": "日期", "kind": "类型", "name": "名称"}
_KINDS = {
    "法定节假日": CalendarDay.Kind.HOLIDAY,
    "节假日": CalendarDay.Kind.HOLIDAY,
    "放假": CalendarDay.Kind.HOLIDAY,
    "休": CalendarDay.Kind.HOLIDAY,
    "holiday": CalendarDay.Kind.HOLIDAY,
    "调休上班日": CalendarDay.Kind.WORKDAY,
    "上班": CalendarDay.Kind.WORKDAY,
    "班": CalendarDay.Kind.WORKDAY,
    "workday": CalendarDay.Kind.WORKDAY,
}
_NAME_MAX = 50
# The message line names the first few; the page and the command list them all.
_SHOWN_PROBLEMS = 5


@dataclass(frozen=True)
class CalendarEntry:
    day: date
    kind: CalendarDay.Kind
    name: str


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file; row 0 means the file as a whole."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if not self.row:
            return self.message
        return _("第 %(row)d 行「%(column)s」列：%(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


class CalendarFileError(ApplicationError):
    """The file cannot be entered; `problems` lists every row and column at fault."""

    def __init__(self, problems: list[Problem]) -> None:
        summary = "；".join(str(problem) for problem in problems[:_SHOWN_PROBLEMS])
        if len(problems) > _SHOWN_PROBLEMS:
            summary += _("……共 %(count)d 处错误") % {"count": len(problems)}
        super().__init__(
            _("放假安排文件有误，未做任何修改：%(problems)s") % {"problems": summary},
            code="calendar_file",
            field="file",
        )
        self.problems = problems


def _file_error(message: str) -> CalendarFileError:
    return CalendarFileError([Problem(0, "", message)])


def _grid(content: bytes, filename: str) -> list[list[str]]:
    if content.startswith((_ZIP_MAGIC, _OLE_MAGIC)):
        try:
            sheet = fastexcel.read_excel(content).load_sheet(0, header_row=None, dtypes="string")
        except fastexcel.FastExcelError:
            raise _file_error(_("无法读取这个 Excel 文件；请确认文件未损坏、未加密。")) from None
        frame = sheet.to_polars()
        return [["" if cell is None else str(cell) for cell in row] for row in frame.iter_rows()]
    if Path(filename).suffix.lower() not in {".csv", ".txt", ""}:
        raise _file_error(_("请上传 xlsx 或 csv 文件。"))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("gb18030")
        except UnicodeDecodeError:
            raise _file_error(_("无法识别 CSV 文件的编码；请另存为 UTF-8 或 GBK 编码。")) from None
    return [list(row) for row in csv.reader(io.StringIO(text))]


def _header_positions(number: int, header: list[str]) -> dict[str, int]:
    texts = [cell.strip() for cell in header]
    missing = [label for label in _COLUMNS.values() if label not in texts]
    if missing:
        raise _file_error(
            _("第 %(row)d 行应是表头，缺少列：%(columns)s（需要 日期、类型、名称 三列）。")
            % {"row": number, "columns": "、".join(missing)}
        )
    return {key: texts.index(label) for key, label in _COLUMNS.items()}


def _parse_date(text: str) -> date | None:
    match = _DATE.match(text.strip())
    if match is None:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def _row_entry(
    number: int, texts: dict[str, str], seen: dict[date, int]
) -> tuple[CalendarEntry | None, list[Problem]]:
    problems: list[Problem] = []
    day = _parse_date(texts["day"])
    kind = _KINDS.get(texts["kind"].lower())
    name = texts["name"]
    if day is None:
        message = _("“%(value)s”不是日期，请写成 2027-01-01。") % {"value": texts["day"]}
        problems.append(Problem(number, _COLUMNS["day"], message))
    elif day in seen:
        message = _("与第 %(row)d 行日期重复。") % {"row": seen[day]}
        problems.append(Problem(number, _COLUMNS["day"], message))
    else:
        seen[day] = number
    if kind is None:
        message = _("“%(value)s”不是有效类型，应为“法定节假日”或“调休上班日”。") % {
            "value": texts["kind"]
        }
        problems.append(Problem(number, _COLUMNS["kind"], message))
    elif kind == CalendarDay.Kind.WORKDAY and day is not None and day.weekday() < _SATURDAY:
        message = _("调休上班日应是周六或周日，%(day)s 本来就是工作日。") % {"day": day}
        problems.append(Problem(number, _COLUMNS["kind"], message))
    if not name:
        problems.append(Problem(number, _COLUMNS["name"], _("请填写节日名称，如“春节”。")))
    elif len(name) > _NAME_MAX:
        problems.append(Problem(number, _COLUMNS["name"], _("名称不能超过 50 个字。")))
    if problems or day is None or kind is None:
        return None, problems
    return CalendarEntry(day, kind, name), []


def read_calendar_file(content: bytes, filename: str) -> list[CalendarEntry]:
    """The file's entries, or CalendarFileError naming every row and column at fault."""
    if not content.strip():
        raise _file_error(_("文件是空的。"))
    if len(content) > MAX_BYTES:
        raise _file_error(_("文件超过 1 MB；放假安排每年只有几十行。"))
    grid = _grid(content, filename)
    rows = [
        (number, row) for number, row in enumerate(grid, start=1) if any(c.strip() for c in row)
    ]
    if not rows:
        raise _file_error(_("文件是空的。"))
    positions = _header_positions(*rows[0])
    if len(rows) - 1 > MAX_ROWS:
        raise _file_error(_("行数过多；放假安排每年只有几十行。"))
    entries: list[CalendarEntry] = []
    problems: list[Problem] = []
    seen: dict[date, int] = {}
    for number, row in rows[1:]:
        texts = {
            key: row[index].strip() if index < len(row) else "" for key, index in positions.items()
        }
        entry, row_problems = _row_entry(number, texts, seen)
        problems += row_problems
        if entry is not None:
            entries.append(entry)
    if problems:
        raise CalendarFileError(problems)
    if not entries:
        raise _file_error(_("文件只有表头，没有放假安排。"))
    return sorted(entries, key=lambda entry: entry.day)
