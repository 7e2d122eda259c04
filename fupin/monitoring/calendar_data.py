"""The holiday schedules `chinesecalendar` carries (2004 to its last covered year), as rows
for the `CalendarDay` table; the seeding migration and the test fixtures use it."""

from dataclasses import dataclass
from datetime import date
from importlib.metadata import version
from typing import Any

import chinese_calendar
from chinese_calendar.constants import Holiday

HOLIDAY = "holiday"
WORKDAY = "workday"


@dataclass(frozen=True)
class LibraryDay:
    day: date
    kind: str
    name: str
    source: str


def library_days() -> list[LibraryDay]:
    """Every holiday and 调休 working day the installed `chinesecalendar` knows."""
    chinese_names = {holiday.value: holiday.chinese for holiday in Holiday}
    release = version("chinesecalendar")

    def row(day: date, english: str, kind: str) -> LibraryDay:
        source = f"国务院办公厅关于{day.year}年部分节假日安排的通知（chinesecalendar {release}）"
        return LibraryDay(day, kind, chinese_names.get(english, english), source)

    rows = [row(day, name, HOLIDAY) for day, name in chinese_calendar.holidays.items()]
    rows += [row(day, name, WORKDAY) for day, name in chinese_calendar.workdays.items()]
    return sorted(rows, key=lambda item: item.day)


def seed_calendar(model: Any) -> None:
    """Write `library_days()` through `model`: the migration's historical CalendarDay or
    the real one (tests build their database without migrations)."""
    model.objects.bulk_create(
        model(day=row.day, kind=row.kind, name=row.name, source=row.source)
        for row in library_days()
    )
