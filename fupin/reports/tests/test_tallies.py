"""Every dashboard figure equals a count over the registry with the same filter (ADR 0013)."""

from datetime import date
from urllib.parse import parse_qs

import pytest
from django.db import transaction

from fupin.audit.models import AuditEvent
from fupin.audit.services import audit_record
from fupin.core.errors import NotFoundError
from fupin.registry.codes import HouseholdType, MonitoringCategory
from fupin.registry.forms import household_filters
from fupin.registry.models import Household, HouseholdStatusEvent, Region
from fupin.registry.selectors import HouseholdFilters, household_counts, household_list
from fupin.registry.services import household_status_record
from fupin.registry.tests import factories
from fupin.reports.models import HouseholdTally, TallyCursor
from fupin.reports.selectors import Dashboard, Figure, dashboard_for
from fupin.reports.tallies import tally_catch_up, tally_rebuild
from fupin.reports.tests.conftest import county_scope
from tests.support import make_user

TODAY = date(2025, 12, 20)


def _listed(figure: Figure, scope_prefix: str) -> int:
    assert figure.query is not None
    query = {key: values[0] for key, values in parse_qs(figure.query_string).items()}
    form, filters = household_filters(query)
    assert form.is_valid(), form.errors
    return household_list(scope=county_scope(scope_prefix), filters=filters).count()


def _linked_figures(dashboard: Dashboard) -> list[Figure]:
    figures = [*dashboard.types, *dashboard.categories, *dashboard.colours, *dashboard.income]
    figures += [cell for _category, cells in dashboard.matrix for cell in cells]
    for row in dashboard.children:
        figures += row.colours
        if row.below_line is not None:
            figures.append(row.below_line)
    return [figure for figure in figures if figure.query is not None]


def _regions_to_check(county: str) -> list[str]:
    town = Region.objects.filter(parent_id=county).order_by("code").first()
    assert town is not None
    busiest_village = (
        Household.objects.filter(village__code__startswith=town.code)
        .values_list("village_id", flat=True)
        .order_by("village_id")
        .first()
    )
    assert busiest_village is not None
    return [county, town.code, busiest_village]


def test_every_linked_figure_equals_the_filtered_household_list(generated_county: str) -> None:
    # given a generated county with colours and two monitoring lines, tallied
    tally_catch_up()
    for code in _regions_to_check(generated_county):
        # when the dashboard of the county, a township and a village is read
        dashboard = dashboard_for(scope=county_scope(), region_code=code, today=TODAY)
        figures = _linked_figures(dashboard)
        # then each figure is the number of households its list shows
        assert len(figures) > 10
        assert all(figure.value == _listed(figure, generated_county) for figure in figures)
        listed = household_list(scope=county_scope(), filters=HouseholdFilters(region_code=code))
        counts = household_counts(listed)
        assert (dashboard.households, dashboard.people) == (counts["households"], counts["people"])


def test_figures_are_not_all_zero_so_the_comparison_means_something(
    generated_county: str,
) -> None:
    tally_catch_up()
    dashboard = dashboard_for(scope=county_scope(), today=TODAY)
    monitored = Household.objects.filter(household_type=HouseholdType.MONITORED).count()
    assert monitored > 0
    assert sum(figure.value for figure in dashboard.categories) == monitored
    assert sum(figure.value for figure in dashboard.colours) == monitored
    assert {figure.value > 0 for figure in dashboard.income} == {True}
    assert dashboard.totals is not None
    assert dashboard.totals.households == dashboard.households == 600


def test_income_bands_use_the_countys_own_line_over_the_nationwide_one(
    generated_county: str,
) -> None:
    tally_catch_up()
    dashboard = dashboard_for(scope=county_scope(), today=TODAY)
    assert dashboard.income_year == 2025
    below = next(figure for figure in dashboard.income if figure.key == "income-below")
    assert below.query is not None
    assert below.query["income_below"] == "8000"


def test_event_figures_count_this_month_and_this_year(generated_county: str) -> None:
    tally_catch_up()
    dashboard = dashboard_for(scope=county_scope(), today=TODAY)
    events = HouseholdStatusEvent.objects.filter(occurred_on__year=TODAY.year)
    expected = {
        "identified-year": events.filter(kind="monitoring_identified").count(),
        "identified-month": events.filter(
            kind="monitoring_identified", occurred_on__month=TODAY.month
        ).count(),
        "eliminated-year": events.filter(kind="risk_eliminated").count(),
        "eliminated-month": events.filter(
            kind="risk_eliminated", occurred_on__month=TODAY.month
        ).count(),
    }
    assert {figure.key: figure.value for figure in dashboard.events} == expected
    assert expected["identified-year"] > 0


def test_a_change_is_counted_at_the_next_catch_up_and_only_its_village_is_recounted(
    generated_county: str,
) -> None:
    tally_catch_up()
    household = Household.objects.filter(household_type=HouseholdType.EXITED).first()
    assert household is not None
    # The other villages' rows stay; the county's totals rows are summed again (ADR 0028).
    other_rows = set(
        HouseholdTally.objects.filter(is_county_total=False)
        .exclude(village_code=household.village_id)
        .values_list("pk")
    )
    actor = make_user("county-clerk", None, None)
    household_status_record(
        actor=actor,
        scope=county_scope(),
        household=household,
        kind=HouseholdStatusEvent.Kind.MONITORING_IDENTIFIED,
        occurred_on=TODAY,
        monitoring_category=MonitoringCategory.MARGINAL,
        identified_month="202512",
        risk_types=["1"],
    )
    before = dashboard_for(scope=county_scope(), today=TODAY)
    result = tally_catch_up()
    after = dashboard_for(scope=county_scope(), today=TODAY)
    assert result.regions == (household.village_id,)
    assert next(f.value for f in after.types if f.key == "type-monitored") == (
        next(f.value for f in before.types if f.key == "type-monitored") + 1
    )
    assert after.events[0].value == before.events[0].value + 1
    assert (
        set(
            HouseholdTally.objects.filter(is_county_total=False)
            .exclude(village_code=household.village_id)
            .values_list("pk")
        )
        == other_rows
    )


def test_a_large_change_is_left_to_the_job_and_the_page_says_so(generated_county: str) -> None:
    # given tallies up to date
    tally_rebuild()
    cursor = TallyCursor.objects.get()
    # when a bulk writer colours the whole county red, with one audit event naming the
    # county (as the assessment's bulk update does; its staging table would hold the
    # fixture's rows too inside a test's never-committed transaction)
    with transaction.atomic():
        factories.assessed_level(Household.objects.values_list("pk", flat=True), risk_level="red")
        audit_record(
            actor=None,
            action="registry.household_assessment_bulk_update",
            subject_type="registry.household",
            subject_label="600",
            region_code=generated_county,
            changes={"households": 600},
        )
    # then a page that may recount only 100 households leaves it to the job
    pending = tally_catch_up(recount_limit=100)
    assert pending.is_pending
    assert TallyCursor.objects.get().last_event_id == cursor.last_event_id
    # and the job counts it
    done = tally_catch_up()
    assert not done.is_pending
    dashboard = dashboard_for(scope=county_scope(), today=TODAY)
    red = next(figure for figure in dashboard.colours if figure.colour == "red")
    assert red.value == Household.objects.filter(household_type=HouseholdType.MONITORED).count()


def test_a_region_outside_the_scope_is_not_found(generated_county: str) -> None:
    tally_catch_up()
    with pytest.raises(NotFoundError):
        dashboard_for(scope=county_scope(), region_code="220122")
    town = Region.objects.filter(parent_id=generated_county).order_by("code").first()
    assert town is not None
    with pytest.raises(NotFoundError):
        dashboard_for(scope=county_scope(town.code), region_code=generated_county)


def test_sign_ins_and_reveals_recount_nothing(generated_county: str) -> None:
    tally_catch_up()
    with transaction.atomic():
        for action in ("accounts.user_login", "registry.member_reveal_id_number"):
            audit_record(
                actor=None,
                action=action,
                subject_type="accounts.user",
                region_code=generated_county,
            )
    result = tally_catch_up()
    assert result.regions == ()
    assert (
        result.last_event_id == AuditEvent.objects.order_by("-id").values_list("id", flat=True)[0]
    )
