"""Department warnings in bulk make exactly the clues, cases, approvals and audit events
that `clue_from_department` makes one warning at a time, with a fixed number of queries."""

import re
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from fupin.audit.models import AuditEvent
from fupin.core.errors import ApplicationError
from fupin.monitoring import services
from fupin.monitoring.models import ApprovalRecord, MonitoringCase, RiskClue
from fupin.monitoring.services import DepartmentWarning, clues_from_department_bulk
from fupin.monitoring.tests.conftest import register_household
from fupin.registry import codes
from fupin.registry.models import Household, HouseholdStatus
from tests.support import Actors, make_user, nothing_changes, scope_of

DEPARTMENT = "医保"
RECEIPT = re.compile(r"SQ20251110[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{6}")


@pytest.fixture
def households(actors: Actors) -> dict[str, Household]:
    """Households in each situation a warning meets: plain, with an open clue of another
    channel (the warning merges into it), monitored and cancelled (no clue)."""
    made = {
        name: register_household(actors, f"2201221012010{index:02d}")
        for index, name in enumerate(
            ("plain", "other", "applied", "monitored", "cancelled", "twice"), start=1
        )
    }
    services.clue_register(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        household=made["applied"],
        risk_types=[codes.RiskType.ILLNESS],
        description="走访发现",
    )
    for name, status in (
        ("monitored", HouseholdStatus.MONITORED),
        ("cancelled", HouseholdStatus.CANCELLED),
    ):
        Household.objects.filter(pk=made[name].pk).update(status=status)
        made[name].refresh_from_db()
    return made


def _warnings(households: dict[str, Household]) -> list[DepartmentWarning]:
    """Every situation, and one household warned twice in one call (the second warning
    merges into the clue the first one opens)."""
    order = ("plain", "applied", "monitored", "twice", "cancelled", "other", "twice")
    return [
        DepartmentWarning(
            household_id=households[name].pk,
            risk_types=[codes.RiskType.ILLNESS] if index % 2 else [],
            description=f" 医保 2025-10 第 {index + 2} 行：本年累计 2100{index} ",
        )
        for index, name in enumerate(order)
    ]


def _one_by_one(actor: Any, warnings: list[DepartmentWarning]) -> list[RiskClue | None]:
    made: list[RiskClue | None] = []
    for warning in warnings:
        try:
            made.append(
                services.clue_from_department(
                    actor=actor,
                    department=DEPARTMENT,
                    household=Household.objects.select_related("village").get(
                        pk=warning.household_id
                    ),
                    risk_types=warning.risk_types,
                    description=warning.description,
                )
            )
        except ApplicationError:
            made.append(None)
    return made


def _outcome(made: list[RiskClue | None], first_clue: int, first_event: int) -> dict[str, Any]:
    """What a call left, with ids and receipt numbers replaced by the position of the
    clue (or "before" for one that existed before the call), so two calls compare."""
    clues = list(RiskClue.objects.filter(pk__gt=first_clue).order_by("id"))
    position = {clue.pk: index for index, clue in enumerate(clues)}
    receipts = {clue.receipt_number: index for index, clue in enumerate(clues)}
    for clue in clues:
        assert RECEIPT.fullmatch(clue.receipt_number)

    def clue_of(pk: int | None) -> object:
        return None if pk is None else position.get(pk, "before")

    cases = {case.pk: case for case in MonitoringCase.objects.filter(clues__in=clues).distinct()}
    return {
        "made": [None if clue is None else position[clue.pk] for clue in made],
        "clues": [
            (
                clue.channel,
                clue.status,
                clue.village_id,
                clue.household_id,
                clue.risk_types,
                clue.description,
                clue.source,
                clue.received_on,
                clue.created_by_id,
                clue_of(clue.merged_into_id),
                clue.applicant_name,
                clue.id_number,
                clue.phone,
                clue.has_consent,
                clue.identity_check,
                clue.registered_member_id,
                _case(cases[clue.case_id]) if clue.case_id in cases else None,
            )
            for clue in clues
        ],
        "approvals": sorted(
            (record.step, record.decision, record.opinion, record.actor_id, record.actor_role)
            for record in ApprovalRecord.objects.filter(
                subject_id__in=[str(pk) for pk in cases], subject_type="monitoring.monitoringcase"
            )
        ),
        "audit": [
            (
                event.action,
                event.actor_id,
                event.subject_type,
                clue_of(int(event.subject_id)),
                receipts.get(event.subject_label, event.subject_label),
                event.region_code,
                {
                    key: receipts.get(value, value) if key == "merged_into" else value
                    for key, value in event.changes.items()
                },
            )
            for event in AuditEvent.objects.filter(pk__gt=first_event).order_by("id")
        ],
    }


def _case(case: MonitoringCase) -> tuple[object, ...]:
    return (
        case.kind,
        case.state,
        case.village_id,
        case.household_id,
        case.applicant_name,
        case.channel,
        case.risk_types,
        case.opened_on,
        case.visit_due_on,
        case.due_on,
        case.created_by_id,
        # The case's clues by their situation, not their ids.
        sorted((clue.household_id, clue.status) for clue in case.clues.all()),
    )


def _last_ids() -> tuple[int, int]:
    last_clue = RiskClue.objects.order_by("-id").values_list("id", flat=True).first()
    last_event = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    return last_clue or 0, last_event or 0


@pytest.mark.parametrize("by_user", [False, True], ids=["command", "user"])
def test_bulk_warnings_leave_what_one_by_one_warnings_leave(
    actors: Actors, households: dict[str, Household], by_user: bool
) -> None:
    # given the same warnings, and the same database before each way of making clues
    actor = make_user("county_yibao", None, "220122") if by_user else None
    warnings = _warnings(households)
    first_clue, first_event = _last_ids()
    with transaction.atomic():
        one_by_one = _outcome(_one_by_one(actor, warnings), first_clue, first_event)
        transaction.set_rollback(True)
    assert RiskClue.objects.filter(pk__gt=first_clue).count() == 0

    # when they are made in bulk
    made = clues_from_department_bulk(actor=actor, department=DEPARTMENT, warnings=warnings)

    # then everything is as the one-by-one way left it, merges and refusals included
    in_bulk = _outcome(made.clues, first_clue, first_event)
    assert in_bulk == one_by_one
    assert in_bulk["made"] == [0, 1, None, 2, None, 3, 4]
    assert (made.opened, made.merged) == (3, 2)
    actions = [event[0] for event in in_bulk["audit"]]
    assert actions.count("monitoring.clue_merge") == 2
    assert actions.count("monitoring.clue_from_department") == 5


def test_bulk_warnings_take_the_same_queries_whatever_their_number(actors: Actors) -> None:
    few = [register_household(actors, f"22012210120101{index}") for index in range(2)]
    many = [register_household(actors, f"2201221012011{index:02d}") for index in range(20)]

    def queries(households: list[Household]) -> int:
        with CaptureQueriesContext(connection) as captured:
            clues_from_department_bulk(
                actor=None,
                department=DEPARTMENT,
                warnings=[
                    DepartmentWarning(household_id=household.pk, risk_types=[], description="")
                    for household in households
                ],
            )
        return len(captured)

    assert queries(few) == queries(many)
    assert MonitoringCase.objects.count() == 22


@pytest.mark.parametrize(
    ("department", "risk_types", "message"),
    [(" ", [], "预警部门"), (DEPARTMENT, ["no_such_risk"], "风险类型")],
)
def test_bad_warnings_change_nothing(
    households: dict[str, Household], department: str, risk_types: list[str], message: str
) -> None:
    warnings = [
        DepartmentWarning(household_id=households["plain"].pk, risk_types=[], description=""),
        DepartmentWarning(
            household_id=households["other"].pk, risk_types=risk_types, description=""
        ),
    ]
    with nothing_changes(), pytest.raises(ApplicationError, match=message):
        clues_from_department_bulk(actor=None, department=department, warnings=warnings)
