"""A province's and a city's figures come from the counties' totals rows (ADR 0028): they
equal the counts over the registry, the sums of the village rows, and follow each change."""

from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest

from fupin.core.scope import Capability, RegionScope
from fupin.registry.codes import HouseholdType, MonitoringCategory
from fupin.registry.models import Household, HouseholdStatusEvent, Region
from fupin.registry.selectors import HouseholdFilters, household_counts, household_list
from fupin.registry.services import household_status_record
from fupin.registry.synthetic import household_bulk_generate
from fupin.reports.models import HouseholdTally
from fupin.reports.selectors import dashboard_for
from fupin.reports.selectors.modules import module_figures
from fupin.reports.selectors.standard import ReportKind, report_build
from fupin.reports.tallies import COUNTY_TOTALS, tally_catch_up, tally_rebuild
from fupin.reports.tests.conftest import _shipped_regions, county_scope
from fupin.reports.tests.test_tallies import TODAY, _linked_figures, _listed
from tests.support import make_user

SECOND_COUNTY = "220122"  # 长春市农安县: another city than the generated county's


def province_scope() -> RegionScope:
    return RegionScope(
        role="province_admin",
        role_label="省级管理员",
        prefix="22",
        root_prefix="22",
        region_name="吉林省",
        capabilities=frozenset({Capability.EDIT_REGISTRY}),
    )


@pytest.fixture
def two_cities(generated_county: str) -> list[str]:
    """The generated county and a second one in another city of the province."""
    known = set(Region.objects.values_list("code", flat=True))
    Region.objects.bulk_create(
        Region(code=code, name=name, level=level, parent_id=parent, table_year=2023)
        for code, name, level, parent in _shipped_regions(SECOND_COUNTY)
        if code not in known
    )
    household_bulk_generate(county_code=SECOND_COUNTY, households=150, seed=5)
    return [generated_county, SECOND_COUNTY]


def _village_sums(model: Any) -> dict[tuple[Any, ...], list[Any]]:
    grouped, summed = COUNTY_TOTALS[model]
    sums: dict[tuple[Any, ...], list[Any]] = defaultdict(lambda: [0] * len(summed))
    for row in model.objects.filter(is_county_total=False).values(
        "village_code", *grouped, *summed
    ):
        key = (row["village_code"][:6], *(row[column] for column in grouped))
        for index, column in enumerate(summed):
            sums[key][index] += row[column] or 0
    return dict(sums)


def _totals(model: Any) -> dict[tuple[Any, ...], list[Any]]:
    grouped, summed = COUNTY_TOTALS[model]
    return {
        (row["village_code"], *(row[column] for column in grouped)): [
            row[column] for column in summed
        ]
        for row in model.objects.filter(is_county_total=True).values(
            "village_code", *grouped, *summed
        )
    }


def _assert_totals_are_village_sums() -> None:
    for model in COUNTY_TOTALS:
        village_sums = _village_sums(model)
        assert village_sums, model
        assert _totals(model) == village_sums, model


def test_every_county_totals_row_is_the_sum_of_its_villages_rows(two_cities: list[str]) -> None:
    # when
    tally_rebuild()
    # then
    _assert_totals_are_village_sums()
    assert {key[0] for key in _totals(HouseholdTally)} == set(two_cities)


def test_a_change_in_one_village_sums_its_county_again(two_cities: list[str]) -> None:
    # given
    tally_rebuild()
    household = Household.objects.filter(
        village__code__startswith=SECOND_COUNTY, household_type=HouseholdType.EXITED
    ).first()
    assert household is not None
    before = dashboard_for(scope=province_scope(), today=TODAY)
    # when
    household_status_record(
        actor=make_user("county-clerk", None, None),
        scope=county_scope(SECOND_COUNTY),
        household=household,
        kind=HouseholdStatusEvent.Kind.MONITORING_IDENTIFIED,
        occurred_on=TODAY,
        monitoring_category=MonitoringCategory.MARGINAL,
        identified_month="202512",
        risk_types=["1"],
    )
    result = tally_catch_up()
    # then
    after = dashboard_for(scope=province_scope(), today=TODAY)
    assert result.regions == (household.village_id,)
    monitored = {figure.key: figure.value for figure in after.types}["type-monitored"]
    assert monitored == {figure.key: figure.value for figure in before.types}["type-monitored"] + 1
    assert monitored == Household.objects.filter(household_type=HouseholdType.MONITORED).count()
    _assert_totals_are_village_sums()


@pytest.mark.parametrize("region_code", ["22", "2204", "2201"])
def test_province_and_city_figures_equal_the_filtered_household_lists(
    two_cities: list[str], region_code: str
) -> None:
    # given
    tally_rebuild()
    # when
    dashboard = dashboard_for(scope=province_scope(), region_code=region_code, today=TODAY)
    # then
    figures = _linked_figures(dashboard)
    assert len(figures) > 10
    assert all(figure.value == _listed(figure, "22") for figure in figures)
    listed = household_list(
        scope=province_scope(), filters=HouseholdFilters(region_code=region_code)
    )
    counts = household_counts(listed)
    assert (dashboard.households, dashboard.people) == (counts["households"], counts["people"])
    assert dashboard.households > 0
    for row in dashboard.children:
        in_child = household_list(
            scope=province_scope(), filters=HouseholdFilters(region_code=row.code)
        )
        assert row.households == in_child.count()
        assert row.monitored == in_child.filter(household_type=HouseholdType.MONITORED).count()


def test_the_provinces_figures_are_the_sums_of_its_counties(two_cities: list[str]) -> None:
    # given
    tally_rebuild()
    user = make_user("province-viewer", None, None)
    # when
    province = dashboard_for(scope=province_scope(), today=TODAY)
    counties = [
        dashboard_for(scope=county_scope(county), region_code=county, today=TODAY)
        for county in two_cities
    ]
    # then
    assert province.households == sum(county.households for county in counties) == 750
    assert province.people == sum(county.people for county in counties)
    for index, figure in enumerate(province.colours):
        assert figure.value == sum(county.colours[index].value for county in counties)
    for index, figure in enumerate(province.income):
        assert figure.value == sum(county.income[index].value for county in counties)
    assert province.income_year == 2025
    modules = module_figures(scope=province_scope(), user=user, region_code="", today=TODAY)
    assert modules.monitored == Household.objects.filter(status="monitored").count() > 0


@pytest.mark.parametrize("kind", list(ReportKind))
def test_each_province_report_adds_up_its_counties_reports(
    two_cities: list[str], kind: ReportKind
) -> None:
    # given
    tally_rebuild()
    # when
    province = report_build(scope=province_scope(), kind=kind, region_code="22", year=2025)
    counties = [
        report_build(scope=county_scope(county), kind=kind, region_code=county, year=2025)
        for county in two_cities
    ]
    # then
    by_city: dict[str, list[int | Decimal]] = {}
    for county, report in zip(two_cities, counties, strict=True):
        by_city[county[:4]] = report.totals
    assert {row.code: row.values for row in province.rows if any(row.values)} == by_city
    assert province.totals == [
        sum(values) for values in zip(*(report.totals for report in counties), strict=True)
    ]
    assert any(province.totals)
