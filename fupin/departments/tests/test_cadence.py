"""Comparisons on each region's monthly cadence: due from the configured day, at the
configured interval, once per month; a run compares the month's rows with today's
registry again and lists the feeds not delivered."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from fupin.accounts.models import User
from fupin.audit.models import AuditEvent
from fupin.departments.baseline import seed_baseline_cadence
from fupin.departments.models import ComparisonCadence, ComparisonRun, Finding
from fupin.departments.services import (
    DueComparison,
    comparison_due,
    comparison_run,
    comparison_runs_due,
)
from fupin.imports.feed_services import feed_import
from fupin.imports.parsing import read_table
from fupin.registry import codes
from fupin.registry.models import Household, HouseholdStatus
from tests.support import COUNTY, Actors, Expectation, assert_scope_matrix, scope_of

from .conftest import register


@pytest.fixture(autouse=True)
def _cadence(db: None) -> None:
    seed_baseline_cadence(ComparisonCadence)


def _vehicle(user: User, household: Household, period: str) -> None:
    head = household.members.get(relation=codes.Relation.HEAD)
    frame = read_table(
        f"证件号码,车主姓名,号牌号码\n{head.id_number},{head.name},吉A12345\n".encode(), "f.csv"
    )
    outcome = feed_import(
        actor=user, scope=scope_of(user), kind="vehicle", period=period, frame=frame
    )
    assert outcome.result is not None


def test_the_nationwide_cadence_compares_last_month_from_the_4th_and_dispatches_bimonthly(
    db: None,
) -> None:
    assert comparison_due(region_code=COUNTY, today=date(2026, 11, 3)) is None
    assert comparison_due(region_code=COUNTY, today=date(2026, 11, 4)) == DueComparison(
        "2026-10", is_dispatch=False
    )
    assert comparison_due(region_code=COUNTY, today=date(2026, 12, 30)) == DueComparison(
        "2026-11", is_dispatch=True
    )
    assert comparison_due(region_code=COUNTY, today=date(2027, 1, 4)) == DueComparison(
        "2026-12", is_dispatch=False
    )


def test_a_regions_own_cadence_replaces_the_one_above(regions: None) -> None:
    ComparisonCadence.objects.create(region_code=COUNTY, due_day=10, every_months=2)
    ComparisonCadence.objects.create(region_code="220112", due_day=4, is_active=False)

    assert comparison_due(region_code=COUNTY, today=date(2026, 12, 9)) is None
    # 2026-10 is not on the two-month interval, 2026-11 is.
    assert comparison_due(region_code=COUNTY, today=date(2026, 11, 10)) is None
    assert comparison_due(region_code=COUNTY, today=date(2026, 12, 10)) == DueComparison(
        "2026-11", is_dispatch=True
    )
    assert comparison_due(region_code="220112", today=date(2026, 12, 10)) is None
    # A region without a row of its own follows the nationwide one.
    assert comparison_due(region_code="220183", today=date(2026, 12, 4)) is not None


def test_a_run_compares_the_month_with_todays_registry_once(
    actors: Actors, department_user: User
) -> None:
    # Given a vehicle delivered for an ordinary household: no exclusion check then
    household = register(actors, "220122101201001", status=HouseholdStatus.UNREGISTERED)
    _vehicle(department_user, household, "2026-10")
    assert Finding.objects.count() == 0
    # When the household has since become a 脱贫户 and the month's run comes
    Household.objects.filter(pk=household.pk).update(status=HouseholdStatus.EXITED)
    runs = comparison_runs_due(today=date(2026, 11, 4))

    # Then the vehicle is a 疑点 to verify, citing the delivered row, and the run is audited
    assert [(run.region_id, run.period) for run in runs] == [(COUNTY, "2026-10")]
    run = runs[0]
    assert (run.kinds_compared, run.rows_compared, run.findings_opened) == (["vehicle"], 1, 1)
    assert run.is_dispatch is False
    finding = Finding.objects.get()
    assert (finding.rule_code, finding.household_id) == ("vehicle.aided_owner", household.pk)
    assert "车辆 2026-10 第 2 行" in finding.detail
    event = AuditEvent.objects.get(action="departments.comparison_run")
    assert event.changes["findings_opened"] == 1
    # And the same month is not run twice, by the job or by hand
    assert comparison_runs_due(today=date(2026, 11, 20)) == []
    assert comparison_run(actor=None, region_code=COUNTY, period="2026-10") == run
    assert (ComparisonRun.objects.count(), Finding.objects.count()) == (1, 1)


def test_a_feed_delivered_before_but_not_this_month_is_listed_missing(
    actors: Actors, department_user: User, household: Household
) -> None:
    _vehicle(department_user, household, "2026-09")
    head = household.members.get(relation=codes.Relation.HEAD)
    civil = f"证件号码,姓名,救助类型,起始日期\n{head.id_number},{head.name},临时救助,2026-10-02\n"
    feed_import(
        actor=department_user,
        scope=scope_of(department_user),
        kind="civil_affairs",
        period="2026-10",
        frame=read_table(
            f"{civil}{head.id_number},{head.name},临时救助,2026-10-02\n".encode(), "f.csv"
        ),
    )

    run = comparison_run(actor=None, region_code=COUNTY, period="2026-10")

    assert (run.kinds_compared, run.kinds_missing) == (["civil_affairs"], ["vehicle"])


def test_the_daily_command_reports_each_run_in_chinese(
    actors: Actors, department_user: User, household: Household
) -> None:
    _vehicle(department_user, household, "2026-10")
    out = StringIO()

    call_command("run_comparisons", "--today", "2026-11-04", stdout=out)

    assert "农安县 2026-10：比对 1 行" in out.getvalue()
    assert "未按期报送：无" in out.getvalue()
    assert "共运行 1 次比对" in out.getvalue()


def test_the_feed_page_lists_the_runs_of_the_scope_only(
    actors: Actors, department_user: User, other_department_user: User, household: Household
) -> None:
    _vehicle(department_user, household, "2026-09")
    comparison_run(actor=None, region_code=COUNTY, period="2026-10", is_dispatch=True)
    seen = Expectation(
        200, shows=("每月 4 日前报送上月数据", "调度月", '<td class="text-danger">车辆</td>')
    )
    assert_scope_matrix(
        lambda client: client.get("/imports/feeds/"),
        {
            department_user: seen,
            actors.county_admin: seen,
            other_department_user: Expectation(200, hides=("调度月",)),
            actors.village_officer: Expectation(403),
        },
    )
