"""The working-day calendar as data: seeded from chinesecalendar, entered by
administrators for later years, deadlines recomputed and provisional ones flagged."""

from datetime import date, timedelta
from io import BytesIO, StringIO
from pathlib import Path
from typing import Any

import chinese_calendar
import pytest
import xlsxwriter
from django.core.management import CommandError, call_command
from django.urls import reverse

from fupin.audit.models import AuditEvent
from fupin.core.errors import PermissionDeniedError
from fupin.monitoring import selectors, services
from fupin.monitoring.calendar_files import CalendarFileError, read_calendar_file
from fupin.monitoring.models import CalendarDay, CaseState, MonitoringCase, WorkflowSetting
from fupin.monitoring.tests.conftest import self_apply
from fupin.registry.models import Household
from tests.support import Actors, client_for, scope_of

# TEST FIXTURE, not the official 2027 schedule: the State Council had not published it
# when this was written, and administrators enter the real one on the calendar page. It
# has the shape of a real 放假安排: 元旦 on Friday 1 January with the weekend after it,
# and one 调休 working Saturday.
FIXTURE_2027 = """日期,类型,名称
2027-01-01,法定节假日,元旦
2027-01-02,法定节假日,元旦
2027-01-03,法定节假日,元旦
2027/1/9,调休上班日,元旦
"""
FIXTURE_SOURCE = "测试用放假安排（非正式文件）"


def _library_workdays(start: date, days: int) -> date:
    """The deadline as the code computed it before the table: straight from the library."""
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        counted += bool(chinese_calendar.is_workday(day))
    return day


def test_the_seeded_table_agrees_with_the_library_on_every_day_it_covers() -> None:
    calendar = selectors.working_calendar()
    day = date(2004, 1, 1)
    while day <= date(2026, 12, 31):
        assert calendar.is_working_day(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)
    assert calendar.years == frozenset(range(2004, 2027))


@pytest.mark.parametrize("days", [2, 5, 15])
def test_deadlines_across_spring_festival_2026_equal_the_library(days: int) -> None:
    calendar = selectors.working_calendar()
    start = date(2026, 2, 1)
    while start <= date(2026, 3, 5):
        assert calendar.add_working_days(start, days) == _library_workdays(start, days), start
        start += timedelta(days=1)
    # 春节 2026: 02-15..02-23 off, Saturday 02-14 and 02-28 are working days.
    assert calendar.add_working_days(date(2026, 2, 13), 2) == date(2026, 2, 24)


@pytest.mark.parametrize("days", [0, 1, 5, 15, 40])
def test_deadlines_of_many_starts_at_once_equal_each_counted_alone(days: int) -> None:
    calendar = selectors.working_calendar()
    # Every day around 春节 2026 and 国庆 2025, in no order and with repeats, and one far
    # later (the walk jumps ahead), past the end of the known years.
    starts = [date(2026, 2, 1) + timedelta(offset) for offset in range(40)]
    starts += [date(2025, 9, 25) + timedelta(offset) for offset in range(20)]
    starts += [date(2026, 12, 20), date(2026, 2, 13), date(2025, 9, 30)]
    starts.reverse()
    found = calendar.add_working_days_each(starts, days)
    assert found == {start: calendar.add_working_days(start, days) for start in starts}
    assert calendar.add_working_days_each([], days) == {}


def test_a_year_without_entries_is_flagged_not_silently_weekday_only(
    household: Household, clock: Any, actors: Actors
) -> None:
    calendar = selectors.working_calendar()
    assert not calendar.knows(2027)
    assert not calendar.covers(date(2026, 12, 30), date(2027, 1, 4))
    clock.move_to(date(2026, 12, 30))
    case = self_apply(household)
    assert case.visit_due_on == date(2027, 1, 1)  # Monday–Friday only, so far
    (row,) = selectors.with_deadlines([case], today=date(2026, 12, 30))
    assert row.deadline is not None
    assert row.deadline.is_provisional
    body = client_for(actors.county_admin).get(reverse("monitoring:case-list")).content.decode()
    assert 'data-testid="deadline-provisional"' in body
    assert "暂定" in body


def test_a_deadline_inside_known_years_is_not_provisional(household: Household) -> None:
    case = self_apply(household)
    (row,) = selectors.with_deadlines([case])
    assert row.deadline is not None
    assert not row.deadline.is_provisional


def _write(tmp_path: Path, text: str, name: str = "2027.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_entering_2027_moves_the_deadlines_that_cross_it(
    household: Household, clock: Any, actors: Actors, tmp_path: Path
) -> None:
    WorkflowSetting.objects.create(region_code="22", case_days=10, case_days_are_working_days=True)
    clock.move_to(date(2026, 12, 30))
    crossing = self_apply(household)
    assert (crossing.visit_due_on, crossing.due_on) == (date(2027, 1, 1), date(2027, 1, 13))
    before_2027 = MonitoringCase.objects.create(
        kind=crossing.kind,
        village_id=crossing.village_id,
        channel=crossing.channel,
        opened_on=date(2026, 12, 1),
        visit_due_on=date(2026, 12, 3),
        due_on=date(2026, 12, 15),
    )
    closed = MonitoringCase.objects.create(
        kind=crossing.kind,
        state=CaseState.REJECTED,
        village_id=crossing.village_id,
        channel=crossing.channel,
        opened_on=date(2026, 12, 30),
        due_on=date(2027, 1, 13),
    )
    out = StringIO()
    call_command(
        "calendar",
        "import",
        str(_write(tmp_path, FIXTURE_2027)),
        "--source",
        FIXTURE_SOURCE,
        stdout=out,
    )
    assert "2027" in out.getvalue()
    crossing.refresh_from_db()
    # 01-01 is now a holiday (Monday 01-04 is the second working day), and the 10-day
    # case limit gains the 元旦 Friday but loses it again to the 调休 Saturday 01-09.
    assert crossing.visit_due_on == date(2027, 1, 4)
    assert crossing.due_on == date(2027, 1, 13)
    for untouched, due in ((before_2027, date(2026, 12, 15)), (closed, date(2027, 1, 13))):
        untouched.refresh_from_db()
        assert untouched.due_on == due
    events = AuditEvent.objects.filter(action="monitoring.case_deadline_recompute")
    assert [(e.subject_id, e.changes) for e in events] == [
        (str(crossing.pk), {"visit_due_on": ["2027-01-01", "2027-01-04"]})
    ]
    imported = AuditEvent.objects.get(action="monitoring.calendar_import")
    assert imported.changes["year"] == 2027
    assert imported.changes["changed_days"] == ["2027-01-01", "2027-01-09"]
    (row,) = selectors.with_deadlines([crossing], today=date(2026, 12, 30))
    assert row.deadline is not None
    assert not row.deadline.is_provisional
    assert (
        list(CalendarDay.objects.filter(day__year=2027).values_list("source", flat=True))
        == [FIXTURE_SOURCE] * 4
    )


def test_a_case_limit_in_working_days_moves_when_a_holiday_is_added(
    household: Household, clock: Any
) -> None:
    WorkflowSetting.objects.create(region_code="22", case_days=3, case_days_are_working_days=True)
    clock.move_to(date(2026, 12, 30))
    case = self_apply(household)
    assert case.due_on == date(2027, 1, 4)  # Thu 31, Fri 01, Mon 04
    entries = read_calendar_file(FIXTURE_2027.encode(), "2027.csv")
    services.calendar_import(actor=None, scope=None, entries=entries, source=FIXTURE_SOURCE)
    case.refresh_from_db()
    assert case.due_on == date(2027, 1, 5)
    actions = sorted(
        AuditEvent.objects.filter(action="monitoring.case_deadline_recompute").values_list(
            "changes", flat=True
        ),
        key=str,
    )
    assert actions == [
        {"due_on": ["2027-01-04", "2027-01-05"]},
        {"visit_due_on": ["2027-01-01", "2027-01-04"]},
    ]


def test_import_errors_name_row_and_column_and_change_nothing(
    household: Household, clock: Any, tmp_path: Path
) -> None:
    clock.move_to(date(2026, 12, 30))
    case = self_apply(household)
    bad = """日期,类型,名称
2027-01-01,法定节假日,元旦
2027-13-01,法定节假日,元旦
2027-01-02,放一天,元旦
2027-01-06,调休上班日,元旦
2027-01-03,法定节假日,
"""
    events_before = AuditEvent.objects.count()
    with pytest.raises(CalendarFileError) as raised:
        read_calendar_file(bad.encode(), "2027.csv")
    assert [(p.row, p.column) for p in raised.value.problems] == [
        (3, "日期"),
        (4, "类型"),
        (5, "类型"),
        (6, "名称"),
    ]
    assert "第 3 行「日期」列" in raised.value.message
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("calendar", "import", str(_write(tmp_path, bad)), "--source", "x", stderr=err)
    assert "第 4 行「类型」列" in err.getvalue()
    assert not CalendarDay.objects.filter(day__year=2027).exists()
    assert AuditEvent.objects.count() == events_before
    case.refresh_from_db()
    assert case.visit_due_on == date(2027, 1, 1)


def test_a_file_without_the_columns_is_refused() -> None:
    with pytest.raises(CalendarFileError, match="缺少列：类型"):
        read_calendar_file("日期,名称\n2027-01-01,元旦\n".encode(), "2027.csv")


def test_an_xlsx_file_with_date_cells_and_a_gbk_csv_are_read() -> None:
    buffer = BytesIO()
    workbook = xlsxwriter.Workbook(buffer)
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["名称", "日期", "类型"])
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(1, 0, ["春节"])
    sheet.write_datetime(1, 1, date(2027, 2, 6), date_format)
    sheet.write(1, 2, "法定节假日")
    workbook.close()
    (entry,) = read_calendar_file(buffer.getvalue(), "2027.xlsx")
    assert (entry.day, entry.kind, entry.name) == (
        date(2027, 2, 6),
        CalendarDay.Kind.HOLIDAY,
        "春节",
    )
    (gbk,) = read_calendar_file("日期,类型,名称\n2027年2月7日,休,春节\n".encode("gbk"), "a.csv")
    assert (gbk.day, gbk.kind) == (date(2027, 2, 7), CalendarDay.Kind.HOLIDAY)


def test_only_system_administrators_enter_the_calendar(actors: Actors) -> None:
    entries = read_calendar_file(FIXTURE_2027.encode(), "2027.csv")
    with pytest.raises(PermissionDeniedError):
        services.calendar_import(
            actor=actors.county_admin,
            scope=scope_of(actors.county_admin),
            entries=entries,
            source=FIXTURE_SOURCE,
        )
    assert not CalendarDay.objects.filter(day__year=2027).exists()


def _upload(text: str) -> dict[str, Any]:
    file = BytesIO(text.encode())
    file.name = "2027.csv"
    return {"file": file, "source": FIXTURE_SOURCE}


def test_calendar_page_reads_for_everyone_and_enters_for_system_administrators(
    actors: Actors,
) -> None:
    url = reverse("monitoring:calendar")
    officer = client_for(actors.village_officer).get(f"{url}?year=2026")
    assert officer.status_code == 200
    body = officer.content.decode()
    assert "2026-02-16" in body
    assert "春节" in body
    assert 'data-testid="calendar-form"' not in body
    refused = client_for(actors.county_admin).post(url, _upload(FIXTURE_2027))
    assert refused.status_code == 403
    assert not CalendarDay.objects.filter(day__year=2027).exists()
    admin = client_for(actors.system_admin)
    assert 'data-testid="calendar-form"' in admin.get(url).content.decode()
    entered = admin.post(url, _upload(FIXTURE_2027))
    assert entered.status_code == 302
    assert entered["Location"].endswith("?year=2027")
    assert CalendarDay.objects.filter(day__year=2027).count() == 4
    assert AuditEvent.objects.get(action="monitoring.calendar_import").actor == actors.system_admin


def test_calendar_page_lists_the_problems_of_a_bad_file(actors: Actors) -> None:
    response = client_for(actors.system_admin).post(
        reverse("monitoring:calendar"), _upload("日期,类型,名称\n2027-02-30,法定节假日,春节\n")
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-testid="calendar-problems"' in body
    assert "2027-02-30" in body
    assert not CalendarDay.objects.filter(day__year=2027).exists()
