"""Exit indicators: 贫困发生率 from the status history and the village exit records."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from fupin.accounts.models import User
from fupin.audit.models import AuditEvent
from fupin.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from fupin.registry.models import Household, HouseholdStatusEvent
from fupin.registry.services import household_register, household_status_record
from fupin.registry.tests import factories
from fupin.reports.demo import demo_reports_prepare
from fupin.reports.models import MultidimensionalSetting, VillageExitIndicatorSet, VillageExitRecord
from fupin.reports.seeds import seed_indicator_settings
from fupin.reports.selectors.exit import exit_overview, poverty_rate, village_exit_get
from fupin.reports.services import village_exit_record
from tests.support import (
    COUNTY,
    OTHER_VILLAGE,
    TOWN,
    VILLAGE,
    Actors,
    Expectation,
    assert_scope_matrix,
    client_for,
    scope_of,
)

Kind = HouseholdStatusEvent.Kind
ALL_MET = {
    code: {"met": True, "evidence": "县交通局验收单"}
    for code in (
        "hardened_road",
        "bus",
        "water",
        "electricity",
        "broadcast",
        "culture_center",
        "clinic",
        "broadband",
        "industry",
        "collective_income",
    )
}


@pytest.fixture
def poor_village(actors: Actors) -> list[Household]:
    """Three households of three people registered poor in 2016; one exits in 2019 and
    one in 2020."""
    seed_indicator_settings(MultidimensionalSetting, VillageExitIndicatorSet)
    scope = scope_of(actors.county_admin)
    households = []
    for index, exit_year in enumerate((2019, 2020, None)):
        household = household_register(
            actor=actors.county_admin,
            scope=scope,
            data=factories.household(f"P{index}", VILLAGE),
            members=factories.family(),
        )
        events = [(Kind.REGISTERED_POOR, date(2016, 5, 1))]
        if exit_year:
            events.append((Kind.EXITED, date(exit_year, 11, 1)))
        for kind, day in events:
            household_status_record(
                actor=actors.county_admin,
                scope=scope,
                household=household,
                kind=kind,
                occurred_on=day,
            )
        households.append(household)
    return households


def test_poverty_rate_is_the_poor_over_the_rural_population() -> None:
    assert poverty_rate(6, 300) == Decimal("2.00")
    assert poverty_rate(1, 3) == Decimal("33.33")
    assert poverty_rate(5, 0) is None


def test_the_rate_counts_the_poor_at_the_end_of_the_year(
    actors: Actors, poor_village: list[Household]
) -> None:
    scope = scope_of(actors.county_admin)
    village_exit_record(
        actor=actors.county_admin,
        scope=scope,
        village_code=VILLAGE,
        year=2019,
        rural_population=300,
        values=ALL_MET,
    )
    # two households of three people were still poor on 31 December 2019
    detail = village_exit_get(scope=scope, village_code=VILLAGE, year=2019)
    assert (detail.poor, detail.rate) == (6, Decimal("2.00"))
    # 2 % is the threshold, and the rate must lie below it
    assert not detail.is_qualified
    village_exit_record(
        actor=actors.county_admin,
        scope=scope,
        village_code=VILLAGE,
        year=2019,
        rural_population=400,
        values=ALL_MET,
    )
    detail = village_exit_get(scope=scope, village_code=VILLAGE, year=2019)
    assert (detail.rate, detail.is_qualified) == (Decimal("1.50"), True)
    assert VillageExitRecord.objects.count() == 1
    assert AuditEvent.objects.filter(action="reports.village_exit_record").count() == 2


def test_a_missing_indicator_keeps_the_village_from_exiting(
    actors: Actors, poor_village: list[Household]
) -> None:
    scope = scope_of(actors.county_admin)
    values = {**ALL_MET, "clinic": {"met": False, "evidence": ""}}
    village_exit_record(
        actor=actors.county_admin,
        scope=scope,
        village_code=VILLAGE,
        year=2020,
        rural_population=400,
        values=values,
    )
    detail = village_exit_get(scope=scope, village_code=VILLAGE, year=2020)
    assert detail.poor == 3
    assert not detail.is_qualified


def test_the_overview_adds_up_villages_towns_and_the_county(
    actors: Actors, poor_village: list[Household]
) -> None:
    scope = scope_of(actors.county_admin)
    village_exit_record(
        actor=actors.county_admin,
        scope=scope,
        village_code=VILLAGE,
        year=2019,
        rural_population=400,
        values=ALL_MET,
    )
    village_exit_record(
        actor=actors.county_admin,
        scope=scope,
        village_code=OTHER_VILLAGE,
        year=2019,
        rural_population=200,
        values={},
    )
    county = exit_overview(scope=scope, region_code=COUNTY, year=2019)
    town = next(row for row in county.rows if row.code == TOWN)
    assert (town.villages, town.recorded, town.population, town.poor) == (2, 2, 600, 6)
    assert town.rate == Decimal("1.00")
    assert town.qualified == 1
    assert county.total.rate == Decimal("1.00")
    villages = exit_overview(scope=scope, region_code=TOWN, year=2019)
    assert [(row.code, row.poor, row.rate) for row in villages.rows] == [
        (VILLAGE, 6, Decimal("1.50")),
        (OTHER_VILLAGE, 0, Decimal("0.00")),
    ]


@pytest.mark.parametrize(
    ("year", "population", "values", "message"),
    [
        (2024, 400, {}, "没有适用于该村的出列指标体系"),
        (2019, 400, {"swimming_pool": {"met": True}}, "指标体系中没有这些指标"),
        (2019, 5, {}, "不少于建档立卡贫困人口（6 人）"),
    ],
)
def test_bad_exit_data_is_refused_and_changes_nothing(
    actors: Actors,
    poor_village: list[Household],
    year: int,
    population: int,
    values: dict[str, dict[str, bool]],
    message: str,
) -> None:
    with pytest.raises(ApplicationError, match=message):
        village_exit_record(
            actor=actors.county_admin,
            scope=scope_of(actors.county_admin),
            village_code=VILLAGE,
            year=year,
            rural_population=population,
            values=values,
        )
    assert not VillageExitRecord.objects.exists()
    assert not AuditEvent.objects.filter(action="reports.village_exit_record").exists()


def test_only_township_and_county_enter_exit_data_inside_their_region(
    actors: Actors, poor_village: list[Household]
) -> None:
    def enter(user: User) -> None:
        village_exit_record(
            actor=user,
            scope=scope_of(user),
            village_code=VILLAGE,
            year=2019,
            rural_population=400,
            values={},
        )

    with pytest.raises(PermissionDeniedError):
        enter(actors.village_officer)
    with pytest.raises(NotFoundError):
        enter(actors.other_county_admin)
    enter(actors.township_reviewer)
    assert VillageExitRecord.objects.get().recorded_by == actors.township_reviewer


def test_exit_pages_scope_matrix_and_the_form(
    actors: Actors, poor_village: list[Household]
) -> None:
    overview = reverse("reports:exit-overview")
    assert_scope_matrix(
        lambda client: client.get(overview, {"year": "2019"}),
        {
            None: Expectation(302),
            actors.no_role: Expectation(403),
            actors.county_admin: Expectation(200, shows=("伏龙泉镇", "哈拉海镇"), hides=("奢岭",)),
            actors.other_county_admin: Expectation(200, shows=("奢岭",), hides=("伏龙泉镇",)),
        },
    )
    page = reverse("reports:village-exit", args=[VILLAGE, 2019])
    assert client_for(actors.other_county_admin).get(page).status_code == 404
    officer = client_for(actors.village_officer)
    assert 'data-testid="exit-form"' not in officer.get(page).content.decode()
    assert officer.post(page, {"rural_population": "400"}).status_code == 403
    assert not VillageExitRecord.objects.exists()
    county = client_for(actors.county_admin)
    form = {"rural_population": "400", **{f"met_{code}": "on" for code in ALL_MET}}
    response = county.post(page, form)
    assert response.status_code == 302
    body = county.get(page).content.decode()
    assert "贫困发生率 1.50%" in body
    assert "各项指标均已达到" in body
    bad = county.post(page, {"rural_population": "5"}).content.decode()
    assert "不少于建档立卡贫困人口" in bad
    assert VillageExitRecord.objects.get().rural_population == 400


def test_demo_exit_data_is_entered_once(actors: Actors, poor_village: list[Household]) -> None:
    assert demo_reports_prepare(town_code=TOWN) == 1
    assert demo_reports_prepare(town_code=TOWN) == 0
    record = VillageExitRecord.objects.get()
    assert (record.village_code, record.year) == (VILLAGE, 2020)
    assert record.rural_population == 36
