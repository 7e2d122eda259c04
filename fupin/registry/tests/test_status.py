import pytest

from fupin.registry.codes import HouseholdType
from fupin.registry.models import HouseholdStatus, HouseholdStatusEvent
from fupin.registry.status import EventFacts, derive_status, transition_error

Kind = HouseholdStatusEvent.Kind


def test_no_events_is_an_ordinary_unregistered_household() -> None:
    derived = derive_status([])
    assert (derived.status, derived.household_type, derived.exit_year) == (
        HouseholdStatus.UNREGISTERED,
        HouseholdType.ORDINARY,
        None,
    )


def test_a_marginal_household_is_monitored_then_ordinary_again() -> None:
    events = [EventFacts(Kind.MONITORING_IDENTIFIED, 2022, "marginal")]
    assert derive_status(events).household_type == HouseholdType.MONITORED
    events.append(EventFacts(Kind.RISK_ELIMINATED, 2023))
    derived = derive_status(events)
    assert (derived.status, derived.household_type, derived.monitoring_category) == (
        HouseholdStatus.RISK_ELIMINATED,
        HouseholdType.ORDINARY,
        "",
    )


def test_an_exited_household_that_returns_to_poverty_is_poor_again() -> None:
    derived = derive_status(
        [
            EventFacts(Kind.REGISTERED_POOR, 2015),
            EventFacts(Kind.EXITED, 2018),
            EventFacts(Kind.RETURNED_TO_POVERTY, 2021),
        ]
    )
    assert (derived.status, derived.household_type, derived.exit_year) == (
        HouseholdStatus.RETURNED,
        HouseholdType.POOR,
        2018,
    )


@pytest.mark.parametrize(
    ("current", "kind", "allowed"),
    [
        (HouseholdStatus.UNREGISTERED, Kind.REGISTERED_POOR, True),
        (HouseholdStatus.POOR, Kind.EXITED, True),
        (HouseholdStatus.UNREGISTERED, Kind.EXITED, False),
        (HouseholdStatus.EXITED, Kind.MONITORING_IDENTIFIED, True),
        (HouseholdStatus.MONITORED, Kind.MONITORING_IDENTIFIED, False),
        (HouseholdStatus.MONITORED, Kind.RISK_ELIMINATED, True),
        (HouseholdStatus.RISK_ELIMINATED, Kind.MONITORING_IDENTIFIED, True),
        (HouseholdStatus.CANCELLED, Kind.CANCELLED, False),
        (HouseholdStatus.POOR, Kind.CANCELLED, True),
    ],
)
def test_transitions(current: HouseholdStatus, kind: str, allowed: bool) -> None:
    assert (transition_error(current, kind) is None) is allowed
