"""Policy parameters and facts v1 built from the registry (database tests)."""

from datetime import date
from decimal import Decimal

import polars as pl
import pytest

from fupin.assessment.models import PolicyParameter
from fupin.assessment.selectors import facts_for_households, policy_parameters
from fupin.assessment.services import policy_parameter_set
from fupin.audit.models import AuditEvent
from fupin.core.errors import ApplicationError, PermissionDeniedError
from fupin.registry import codes
from fupin.registry.models import HouseholdStatusEvent
from fupin.registry.services import (
    household_conditions_record,
    household_register,
    household_status_record,
    household_year_record,
)
from fupin.registry.tests import factories
from tests.support import COUNTY, VILLAGE, Actors, nothing_changes, scope_of


def _set(region: str, year: int, value: str) -> None:
    PolicyParameter.objects.create(
        name="monitoring_line", region_code=region, year=year, value=Decimal(value)
    )


def test_the_most_specific_region_wins(db: None) -> None:
    _set("", 2025, "7000")
    _set("22", 2025, "8000")
    _set("220122", 2025, "8600")
    assert policy_parameters(region_code=VILLAGE, year=2025) == {"monitoring_line": Decimal("8600")}
    assert policy_parameters(region_code="220112", year=2025) == {
        "monitoring_line": Decimal("8000")
    }
    assert policy_parameters(region_code="11", year=2025) == {"monitoring_line": Decimal("7000")}
    assert policy_parameters(region_code=VILLAGE, year=2024) == {}


def test_a_derived_value_is_multiplier_times_base(actors: Actors) -> None:
    scope = scope_of(actors.county_admin)
    parameter = policy_parameter_set(
        actor=actors.county_admin,
        scope=scope,
        name="monitoring_line",
        region_code=COUNTY,
        year=2025,
        base_value=Decimal("815") * 12,
        multiplier=Decimal("2"),
        basis="2 × 农村低保标准 815 元/月 × 12",
    )
    assert parameter.effective_value == Decimal("19560")
    assert policy_parameters(region_code=VILLAGE, year=2025)["monitoring_line"] == Decimal("19560")
    event = AuditEvent.objects.get(action="assessment.policy_parameter_set")
    assert Decimal(event.changes["value"]) == Decimal("19560")


def test_parameter_set_checks_scope_right_and_shape(actors: Actors) -> None:
    county = scope_of(actors.county_admin)
    staff = scope_of(actors.village_officer)
    with nothing_changes(), pytest.raises(PermissionDeniedError):
        policy_parameter_set(
            actor=actors.county_admin, scope=county, name="monitoring_line", region_code="22",
            year=2025, value=Decimal(1),
        )  # fmt: skip
    with nothing_changes(), pytest.raises(PermissionDeniedError):
        policy_parameter_set(
            actor=actors.village_officer, scope=staff, name="monitoring_line",
            region_code=VILLAGE, year=2025, value=Decimal(1),
        )  # fmt: skip
    with nothing_changes(), pytest.raises(ApplicationError, match="二者选其一"):
        policy_parameter_set(
            actor=actors.county_admin, scope=county, name="monitoring_line", region_code=COUNTY,
            year=2025, value=Decimal(1), base_value=Decimal(2), multiplier=Decimal(2),
        )  # fmt: skip
    assert not PolicyParameter.objects.exists()


def test_facts_are_built_from_the_registry(actors: Actors) -> None:
    scope = scope_of(actors.village_officer)
    household = household_register(
        actor=actors.village_officer,
        scope=scope,
        data=factories.household("H001", VILLAGE, is_whole_household_without_labor=True),
        members=factories.family(),
    )
    for year, wage in [(2023, "9000"), (2024, "30000"), (2025, "27000")]:
        household_year_record(
            actor=actors.village_officer,
            scope=scope,
            household=household,
            year=year,
            amounts={"wage_income": Decimal(wage), "compliant_out_of_pocket": Decimal("1500")},
        )
    household_conditions_record(
        actor=actors.village_officer,
        scope=scope,
        household=household,
        year=2024,
        values={"is_water_unsafe": True},
    )
    household_status_record(
        actor=actors.village_officer,
        scope=scope,
        household=household,
        kind=HouseholdStatusEvent.Kind.MONITORING_IDENTIFIED,
        occurred_on=date(2024, 3, 5),
        monitoring_category=codes.MonitoringCategory.MARGINAL,
        identified_month="202403",
        risk_types=["1", "7"],
    )
    facts = facts_for_households(None, region_code=COUNTY, year=2025, monitoring_line=Decimal(8000))
    row = facts.row(0, named=True)
    assert row["household_id"] == household.pk
    assert row["region_code"] == VILLAGE
    assert (row["household_type"], row["monitoring_category"]) == ("monitored", "marginal")
    assert (row["members"], row["labor_members"]) == (3, 0)
    assert row["per_capita_net_income"] == 9000.0
    assert row["compliant_out_of_pocket"] == 1500.0
    # yearly totals at or above 8,000 per person are no recorded months (issue #11)
    assert row["months_income_above_line"] == 0
    assert (row["water_unsafe"], row["housing_unsafe"]) == (True, False)
    assert row["whole_household_no_labor"] is True
    assert row["identified_month"] == "2024-03"
    assert row["risk_types"] == ["因病", "因务工就业不稳"]
    assert (row["year"], row["as_of_month"], row["sudden_hardship"]) == (2025, "2025-12", False)


def test_identification_facts_take_the_latest_event_and_label_every_stored_risk_code(
    actors: Actors,
) -> None:
    # given households identified with risk codes as the registry stores them (strings),
    # as older rows may hold them (numbers, an unknown code) and without any
    scope = scope_of(actors.village_officer)
    stored: dict[str, tuple[str, list[object]]] = {
        "H001": ("202403", ["1", "7"]),
        "H002": ("202501", [3, "99"]),
        "H003": ("", []),
    }
    households = {}
    for number, (month, risks) in stored.items():
        household = household_register(
            actor=actors.village_officer,
            scope=scope,
            data=factories.household(number, VILLAGE),
            members=factories.family(),
        )
        household_status_record(
            actor=actors.village_officer,
            scope=scope,
            household=household,
            kind=HouseholdStatusEvent.Kind.MONITORING_IDENTIFIED,
            occurred_on=date(2024, 3, 5),
            monitoring_category=codes.MonitoringCategory.MARGINAL,
            identified_month="202403",
            risk_types=["1"],
        )
        HouseholdStatusEvent.objects.filter(
            household=household, kind=HouseholdStatusEvent.Kind.MONITORING_IDENTIFIED
        ).update(identified_month=month, risk_types=risks)
        households[number] = household.pk
    # and a later identification of H001 (after an elimination, say), which replaces its
    # first: stored as its own row, as the registry keeps every event
    later = HouseholdStatusEvent.objects.get(
        household_id=households["H001"], kind=HouseholdStatusEvent.Kind.MONITORING_IDENTIFIED
    )
    later.pk = None
    later._state.adding = True
    later.occurred_on = date(2025, 2, 1)
    later.identified_month = "202502"
    later.risk_types = ["4", "1"]
    later.save()
    # when the facts are read (by COPY on PostgreSQL, row by row on SQLite)
    facts = facts_for_households(None, region_code=COUNTY, year=2025, monitoring_line=Decimal(8000))
    by_number = {
        number: facts.filter(pl.col("household_id") == pk).row(0, named=True)
        for number, pk in households.items()
    }
    # then each household has its latest identification's month and risk labels
    assert by_number["H001"]["identified_month"] == "2025-02"
    assert by_number["H001"]["risk_types"] == ["因自然灾害", "因病"]
    assert by_number["H002"]["identified_month"] == "2025-01"
    assert by_number["H002"]["risk_types"] == ["因残", "其他"]
    assert by_number["H003"]["identified_month"] is None
    assert by_number["H003"]["risk_types"] == []
