"""The dashboard's 帮扶措施覆盖 and 数据质量指数: each figure equals a direct count over the
assistance and department records of the same region, its list shows the same number, and
no figure counts a household of another region."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse

from fupin.accounts.models import Role, User
from fupin.assistance.models import (
    AssistanceSetting,
    Cadre,
    CadreAssignment,
    CadreLevel,
    HelpPlan,
    Measure,
    MeasureCategory,
    MeasureStatus,
    Visit,
)
from fupin.assistance.selectors import visits_due
from fupin.assistance.services import visit_record
from fupin.audit.models import AuditEvent
from fupin.departments.models import Finding, FindingStatus
from fupin.registry import codes
from fupin.registry.models import Household, HouseholdStatus, HouseholdStatusEvent
from fupin.registry.services import household_register, household_status_record
from fupin.registry.tests import factories
from fupin.reports.models import CoverageTally, TallyCursor
from fupin.reports.tallies import tally_catch_up
from tests.support import (
    COUNTY,
    OTHER_COUNTY,
    OTHER_VILLAGE,
    TOWN,
    VILLAGE,
    Actors,
    client_for,
    make_user,
    scope_of,
)

TODAY = date(2025, 11, 10)
OTHER_COUNTY_VILLAGE = "220112100201"


@pytest.fixture(autouse=True)
def clock() -> Any:
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


def _monitored(actor: User, number: str, village: str, *, risk_level: str = "") -> Household:
    scope = scope_of(actor)
    household = household_register(
        actor=actor,
        scope=scope,
        data=factories.household(number, village),
        members=[factories.member("户主", codes.Relation.HEAD, date(1970, 5, 1))],
    )
    household_status_record(
        actor=actor,
        scope=scope,
        household=household,
        kind=HouseholdStatusEvent.Kind.MONITORING_IDENTIFIED,
        occurred_on=date(2025, 3, 15),
        monitoring_category=codes.MonitoringCategory.MARGINAL,
        identified_month="202503",
        risk_types=[codes.RiskType.ILLNESS],
    )
    factories.assessed_level([household.pk], risk_level=risk_level)
    return household


def _assign(cadre: Cadre, household: Household, started_on: date) -> None:
    CadreAssignment.objects.create(cadre=cadre, household=household, started_on=started_on)


def _plan(household: Household, year: int) -> HelpPlan:
    return HelpPlan.objects.create(household=household, year=year, drafted_on=date(year, 3, 1))


def _measure(
    plan: HelpPlan, *, development: bool, status: str, ended_on: date | None = None
) -> None:
    Measure.objects.create(
        plan=plan,
        household=plan.household,
        category=MeasureCategory.objects.order_by("pk")[0],
        subtype="产业帮扶",
        is_development=development,
        responsible_unit="农业农村局",
        started_on=date(plan.year, 4, 1),
        ended_on=ended_on,
        status=status,
    )


def _visit(household: Household, cadre: Cadre, visited_on: date, recorder: User) -> None:
    Visit.objects.create(
        household=household,
        cadre=cadre,
        visited_on=visited_on,
        met_person="户主",
        household_income=Decimal("0"),
        client_token=f"{household.pk}-{visited_on}",
        recorded_by=recorder,
    )


@pytest.fixture
def records(actors: Actors, assistance_tables: None) -> dict[str, Household]:
    """Five monitored households over two villages of one town and another county, each
    with a different mix of plan, measures, cadre and visits, and one household that is
    not monitored but has everything."""
    interval = int(AssistanceSetting.objects.get(region_code="").visit_days_by_level.get("", 30))
    officer, other_officer = actors.village_officer, actors.other_village_officer
    other_county_officer = make_user("shuangyang", Role.VILLAGE_OFFICER, OTHER_COUNTY_VILLAGE)
    cadre = Cadre.objects.create(
        name="王志强",
        unit="农业农村局",
        phone="13700001234",
        level=CadreLevel.COUNTY,
        region_id=COUNTY,
    )
    far_cadre = Cadre.objects.create(
        name="刘洋",
        unit="双阳区农业农村局",
        phone="13700005678",
        level=CadreLevel.COUNTY,
        region_id=OTHER_COUNTY,
    )
    covered = _monitored(officer, "220122101201001", VILLAGE)
    plan = _plan(covered, 2025)
    _measure(plan, development=True, status=MeasureStatus.IN_PLACE)
    _assign(cadre, covered, date(2025, 3, 20))
    _visit(covered, cadre, TODAY - timedelta(days=2), officer)

    unvisited = _monitored(officer, "220122101201002", VILLAGE)
    _plan(unvisited, 2024)
    _assign(cadre, unvisited, TODAY - timedelta(days=interval + 5))

    no_cadre = _monitored(other_officer, "220122101202001", OTHER_VILLAGE)
    plan = _plan(no_cadre, 2025)
    _measure(plan, development=True, status=MeasureStatus.PLANNED)
    _measure(plan, development=True, status=MeasureStatus.IN_PLACE, ended_on=date(2025, 10, 1))
    _measure(plan, development=False, status=MeasureStatus.IN_PLACE)

    cadre_ended = _monitored(other_officer, "220122101202002", OTHER_VILLAGE)
    CadreAssignment.objects.create(
        cadre=cadre, household=cadre_ended, started_on=date(2025, 3, 20), ended_on=date(2025, 6, 1)
    )

    far = _monitored(other_county_officer, "220112100201001", OTHER_COUNTY_VILLAGE)
    plan = _plan(far, 2025)
    _measure(plan, development=True, status=MeasureStatus.IN_PLACE)
    _assign(far_cadre, far, date(2025, 3, 20))

    plain = household_register(
        actor=officer,
        scope=scope_of(officer),
        data=factories.household("220122101201003", VILLAGE),
        members=[factories.member("户主", codes.Relation.HEAD, date(1960, 1, 1))],
    )
    plan = _plan(plain, 2025)
    _measure(plan, development=True, status=MeasureStatus.IN_PLACE)
    _assign(cadre, plain, date(2024, 1, 1))
    return {"covered": covered, "unvisited": unvisited, "no_cadre": no_cadre, "far": far}


def _direct_counts(region_code: str) -> dict[str, int]:
    """The same figures counted straight over the records, without the selectors."""
    monitored = Household.objects.filter(
        status=HouseholdStatus.MONITORED, village__code__startswith=region_code
    )
    ids = set(monitored.values_list("pk", flat=True))
    current = {
        row.household_id: row.started_on
        for row in CadreAssignment.objects.filter(ended_on__isnull=True, household_id__in=ids)
    }
    setting = AssistanceSetting.objects.get(region_code="")
    overdue = 0
    for household in monitored.filter(pk__in=current):
        visits = Visit.objects.filter(household=household).order_by("-visited_on")
        start = visits[0].visited_on if visits else current[household.pk]
        days = setting.visit_days_by_level.get(
            household.level.risk_level, setting.visit_days_by_level.get("", 30)
        )
        overdue += start + timedelta(days=int(days)) < TODAY
    development = {
        measure.household_id
        for measure in Measure.objects.filter(
            household_id__in=ids, is_development=True, status=MeasureStatus.IN_PLACE
        )
        if measure.started_on <= TODAY and (measure.ended_on is None or measure.ended_on >= TODAY)
    }
    return {
        "monitored": len(ids),
        "with_plan": HelpPlan.objects.filter(household_id__in=ids, year=TODAY.year).count(),
        "with_development": len(development),
        "with_cadre": len(current),
        "visit_overdue": overdue,
    }


def _shown(body: str, figure: str) -> int:
    marker = f'data-testid="coverage-{figure}">'
    start = body.index(marker) + len(marker)
    return int(body[start : body.index("<", start)].replace(",", ""))


@pytest.mark.parametrize(
    ("user_key", "region", "expected"),
    [
        # The expected figures are those of the fixture, counted by hand; the test also
        # checks them against a direct count over the records.
        ("county_admin", "", (4, 2, 1, 2, 1)),
        ("county_admin", TOWN, (4, 2, 1, 2, 1)),
        ("county_admin", OTHER_VILLAGE, (2, 1, 0, 0, 0)),
        ("township_reviewer", "", (4, 2, 1, 2, 1)),
        ("village_officer", "", (2, 1, 1, 2, 1)),
        ("other_county_admin", "", (1, 1, 1, 1, 1)),
        ("province_admin", "", (5, 3, 2, 3, 2)),
    ],
)
def test_coverage_figures_equal_a_direct_count_for_each_region_and_level(
    actors: Actors,
    records: dict[str, Household],
    user_key: str,
    region: str,
    expected: tuple[int, int, int, int, int],
) -> None:
    user: User = getattr(actors, user_key)
    region_code = region or scope_of(user).prefix
    direct = _direct_counts(region_code)
    assert tuple(direct.values()) == expected
    client = client_for(user)
    body = client.get(
        reverse("reports:home"), {"region": region} if region else {}
    ).content.decode()
    assert f"监测中 {expected[0]} 户" in body
    for figure, value in list(direct.items())[1:]:
        assert _shown(body, figure) == value, figure
        listed = client.get(
            reverse("reports:coverage"),
            {"figure": figure, **({"region": region} if region else {})},
        )
        assert listed.status_code == 200
        assert listed.context["page_obj"].paginator.count == value, figure
        shown = {household.pk for household in listed.context["page_obj"]}
        if not OTHER_COUNTY_VILLAGE.startswith(region_code):
            assert records["far"].pk not in shown, figure


def test_api_dashboard_gives_the_same_coverage_and_quality(
    actors: Actors, records: dict[str, Household]
) -> None:
    for user, region_code, expected in (
        (actors.county_admin, COUNTY, [2, 1, 2, 1]),
        (actors.other_county_admin, OTHER_COUNTY, [1, 1, 1, 1]),
    ):
        answer = client_for(user).get("/api/v1/dashboard").json()
        direct = _direct_counts(region_code)
        assert answer["assistance_monitored"] == direct["monitored"]
        assert [item["value"] for item in answer["coverage"]] == expected
        assert [item["figure"] for item in answer["coverage"]] == list(direct)[1:]
        assert [direct[item["figure"]] for item in answer["coverage"]] == expected
        assert answer["quality_index"] == 100.0


def test_coverage_never_counts_another_county(
    actors: Actors, records: dict[str, Household]
) -> None:
    client = client_for(actors.county_admin)
    for figure in ("with_plan", "with_development", "with_cadre", "visit_overdue"):
        listed = client.get(reverse("reports:coverage"), {"figure": figure})
        numbers = [household.number for household in listed.context["page_obj"]]
        assert all(number.startswith(COUNTY) for number in numbers), numbers
    outside = client.get(
        reverse("reports:coverage"), {"figure": "with_plan", "region": OTHER_COUNTY}
    )
    assert outside.status_code == 404
    assert "220112100201001" not in outside.content.decode()
    assert client.get(reverse("reports:coverage"), {"figure": "nonsense"}).status_code == 404
    # Without a figure the list opens on the first one, the households with a plan.
    first = client.get(reverse("reports:coverage"))
    assert first.context["page_obj"].paginator.count == _direct_counts(COUNTY)["with_plan"]
    assert (
        client_for(None).get(reverse("reports:coverage"), {"figure": "with_plan"}).status_code
        == 302
    )


def test_visit_overdue_agrees_with_the_cadres_to_do(
    actors: Actors, records: dict[str, Household]
) -> None:
    due = visits_due(
        scope=scope_of(actors.county_admin), user=actors.county_admin, today=TODAY, only_mine=False
    )
    overdue = {row.household.pk for row in due if row.state == "overdue"}
    listed = client_for(actors.county_admin).get(
        reverse("reports:coverage"), {"figure": "visit_overdue"}
    )
    assert (
        {household.pk for household in listed.context["page_obj"]}
        == overdue
        == {records["unvisited"].pk}
    )


def test_quality_index_counts_the_regions_open_findings(
    actors: Actors, records: dict[str, Household]
) -> None:
    def finding(household: Household, status: str, weight: float) -> None:
        Finding.objects.create(
            rule_code="R1",
            rule_label="规则",
            subject_key=f"{household.pk}-{status}-{weight}",
            household=household,
            village_id=household.village_id,
            detail="疑点",
            weight=weight,
            status=status,
        )

    finding(records["covered"], FindingStatus.VILLAGE, 1.0)
    finding(records["covered"], FindingStatus.TOWNSHIP, 0.5)
    finding(records["no_cadre"], FindingStatus.TOWNSHIP, 0.5)
    finding(records["unvisited"], FindingStatus.CLOSED, 1.0)
    finding(records["far"], FindingStatus.VILLAGE, 1.0)
    # The county has five households (one not monitored); two carry open 疑点, of weight
    # 1.0 and 0.5 (a household counts its heaviest): 100 × (1 − 1.5 / 5) = 70.0.
    households = Household.objects.filter(village__code__startswith=COUNTY).count()
    assert households == 5
    body = client_for(actors.county_admin).get(reverse("reports:home")).content.decode()
    assert 'data-testid="quality-index">70.0<' in body
    assert "2 户有未办结疑点 3 条" in body
    assert reverse("departments:quality") in body
    village = client_for(actors.county_admin).get(
        reverse("reports:home"), {"region": OTHER_VILLAGE}
    )
    # The other village: two households, one with an open 疑点 of weight 0.5: 75.0.
    assert 'data-testid="quality-index">75.0<' in village.content.decode()
    far = client_for(actors.other_county_admin).get(reverse("reports:home")).content.decode()
    assert 'data-testid="quality-index">0.0<' in far


def _child_cell(body: str, child: str, figure: str) -> int:
    row = body.index(f'data-testid="child-{child}"')
    marker = f'data-testid="child-coverage-{figure}">'
    start = body.index(marker, row) + len(marker)
    return int(body[start : body.index("<", start)].replace(",", ""))


@pytest.mark.parametrize(
    ("user_key", "children"),
    [
        ("county_admin", ("220122101", "220122102")),
        ("township_reviewer", (VILLAGE, OTHER_VILLAGE)),
    ],
)
def test_each_region_row_has_its_coverage_figures_equal_to_their_lists(
    actors: Actors, records: dict[str, Household], user_key: str, children: tuple[str, ...]
) -> None:
    client = client_for(getattr(actors, user_key))
    body = client.get(reverse("reports:home")).content.decode()
    assert body.count('data-testid="coverage-heading"') == 4
    for child in children:
        direct = _direct_counts(child)
        for figure, value in list(direct.items())[1:]:
            # the row's figure is the direct count and the count of the list it opens
            assert _child_cell(body, child, figure) == value, (child, figure)
            listed = client.get(reverse("reports:coverage"), {"figure": figure, "region": child})
            assert listed.context["page_obj"].paginator.count == value, (child, figure)
            assert f"?figure={figure}&region={child}" in body
    # the township's two villages differ, so the rows are not one figure repeated
    assert _direct_counts(VILLAGE) != _direct_counts(OTHER_VILLAGE)


def test_api_rows_carry_the_coverage_of_each_region(
    actors: Actors, records: dict[str, Household]
) -> None:
    answer = client_for(actors.township_reviewer).get("/api/v1/dashboard").json()
    assert answer["coverage_counted_on"] == TODAY.isoformat()
    for row in answer["children"]:
        direct = _direct_counts(row["code"])
        assert {item["figure"]: item["value"] for item in row["coverage"]} == {
            figure: value for figure, value in direct.items() if figure != "monitored"
        }


def test_visits_fall_overdue_as_days_pass_without_any_write(
    actors: Actors, records: dict[str, Household], clock: Any
) -> None:
    client = client_for(actors.county_admin)
    body = client.get(reverse("reports:home")).content.decode()
    assert _shown(body, "visit_overdue") == 1
    # given no write at all, 60 days later the visit of the covered household is overdue too
    clock.move_to(TODAY + timedelta(days=60))
    events_before = AuditEvent.objects.count()
    # (signed in again: the session of 60 days ago has expired)
    client = client_for(actors.county_admin)
    body = client.get(reverse("reports:home")).content.decode()
    # then the first page of the day recounts the coverage as of the new day
    assert _shown(body, "visit_overdue") == 2
    assert 'data-testid="coverage-counted-on"' not in body
    assert AuditEvent.objects.count() == events_before
    listed = client.get(reverse("reports:coverage"), {"figure": "visit_overdue"})
    assert listed.context["page_obj"].paginator.count == 2


def test_a_visit_recorded_through_the_service_is_counted_by_the_next_page(
    actors: Actors, records: dict[str, Household]
) -> None:
    client = client_for(actors.county_admin)
    assert _shown(client.get(reverse("reports:home")).content.decode(), "visit_overdue") == 1
    # when the village officer records the overdue household's visit
    visit_record(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        household=records["unvisited"],
        client_token="visit-today",
        visited_on=TODAY,
        met_person="户主",
    )
    # then the next page view recounts that village's coverage only
    assert tally_catch_up().regions == (VILLAGE,)
    body = client.get(reverse("reports:home")).content.decode()
    assert _shown(body, "visit_overdue") == 0
    assert _child_cell(body, TOWN, "visit_overdue") == 0


def test_a_new_day_too_big_for_a_page_is_left_to_the_job_and_the_page_says_so(
    actors: Actors, records: dict[str, Household], clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = client_for(actors.county_admin)
    client.get(reverse("reports:home"))
    # given a page may recount no monitored household itself
    monkeypatch.setattr("fupin.reports.views.PAGE_RECOUNT_LIMIT", 0)
    clock.move_to(TODAY + timedelta(days=60))
    client = client_for(actors.county_admin)
    body = client.get(reverse("reports:home")).content.decode()
    # then the page shows yesterday's figures, says so, and the job is queued
    assert _shown(body, "visit_overdue") == 1
    assert f"按 {TODAY.isoformat()} 统计" in body
    assert TallyCursor.objects.get().recount_requested_at is not None
    # when the job has run, the figures count the new day
    tally_catch_up()
    body = client.get(reverse("reports:home")).content.decode()
    assert _shown(body, "visit_overdue") == 2
    assert 'data-testid="coverage-counted-on"' not in body


def test_a_responsible_cadre_has_their_own_households_counted_live(
    actors: Actors, records: dict[str, Household]
) -> None:
    cadre_user = make_user("cadre_wang", Role.RESPONSIBLE_CADRE, VILLAGE)
    Cadre.objects.filter(name="王志强").update(user=cadre_user)
    body = client_for(cadre_user).get(reverse("reports:home")).content.decode()
    # covered and unvisited in the cadre's village; the plain household is not monitored
    assert "监测中 2 户" in body
    assert (_shown(body, "with_plan"), _shown(body, "with_cadre")) == (1, 2)
    # the report of region figures is the offices' (a cadre sees their own households only)
    report = client_for(cadre_user).get(reverse("reports:report"), {"kind": "coverage"})
    assert report.status_code == 403


def test_coverage_report_rows_equal_the_direct_counts_and_refuse_a_past_date(
    actors: Actors, records: dict[str, Household]
) -> None:
    client = client_for(actors.township_reviewer)
    response = client.get(reverse("reports:report"), {"kind": "coverage", "year": "2025"})
    report = response.context["report"]
    assert report.title == "帮扶措施覆盖统计表"
    for row in report.rows:
        assert row.values == list(_direct_counts(row.code).values()), row.code
    assert report.totals == list(_direct_counts(TOWN).values())
    # a past date cannot be rebuilt: the form says so and nothing is built
    refused = client.get(
        reverse("reports:report"),
        {"kind": "coverage", "year": "2025", "as_of": "2025-06-30"},
    )
    assert refused.context["report"] is None
    assert "帮扶措施覆盖统计表只有当前情况" in refused.content.decode()
    workbook = client.get(reverse("reports:report-xlsx"), {"kind": "coverage", "year": "2025"})
    assert workbook.status_code == 200
    assert workbook["Content-Disposition"].endswith('coverage-220122101-2025.xlsx"')


def test_one_coverage_row_per_village_is_a_database_constraint(db: None) -> None:
    CoverageTally.objects.create(
        village_code=VILLAGE,
        monitored=1,
        with_plan=0,
        with_development=0,
        with_cadre=0,
        visit_overdue=0,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        CoverageTally.objects.create(
            village_code=VILLAGE,
            monitored=2,
            with_plan=0,
            with_development=0,
            with_cadre=0,
            visit_overdue=0,
        )
