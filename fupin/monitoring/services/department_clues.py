"""Department warnings in bulk (部门筛查预警): a comparison run turns the matches of a
feed into many clues at once.

The clues are those `clue_from_department` makes one by one for the same warnings in the
same order: merged into the household's open identification clue, or opening a case with
its deadline, its first approval and the head's name, each with the same audit events;
a household that is monitored or cancelled takes none. They are written with a fixed
number of queries whatever their count (a province's month can bring hundreds).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.audit.services import AuditEntry, audit_record_many
from fupin.core.errors import ApplicationError
from fupin.monitoring import selectors
from fupin.monitoring.models import (
    ApprovalRecord,
    CaseKind,
    CaseState,
    Channel,
    ClueStatus,
    Decision,
    MonitoringCase,
    RiskClue,
    Step,
)
from fupin.monitoring.services.clues import _receipt_numbers
from fupin.monitoring.services.common import (
    _actor_id,
    _check_risk_types,
    deadlock_explained,
    one_open_case_per_household,
)
from fupin.registry import codes
from fupin.registry.models import Household, HouseholdStatus, Member

# The statuses `_intake` refuses a new identification clue for.
_NO_CLUE_STATUSES = frozenset({HouseholdStatus.MONITORED, HouseholdStatus.CANCELLED})


@dataclass(frozen=True)
class DepartmentWarning:
    """One household a department's data warns about, as `clue_from_department` takes it."""

    household_id: int
    risk_types: Sequence[str]
    description: str


@dataclass(frozen=True)
class DepartmentClues:
    """The clue made of each warning, in the warnings' order; None where the household
    takes no clue (monitored, cancelled or gone)."""

    clues: list[RiskClue | None]

    @property
    def opened(self) -> int:
        return sum(1 for clue in self.clues if clue is not None and clue.merged_into_id is None)

    @property
    def merged(self) -> int:
        return sum(1 for clue in self.clues if clue is not None and clue.merged_into_id)


@transaction.atomic
def clues_from_department_bulk(
    *,
    actor: AbstractBaseUser | None,
    department: str,
    warnings: Sequence[DepartmentWarning],
    received_on: date | None = None,
) -> DepartmentClues:
    """Many department warnings at once, with `clue_from_department`'s result for each.

    Raises ApplicationError for a missing department or bad risk types, before anything
    is written. Audit actions: "monitoring.clue_from_department" for every clue, and
    "monitoring.clue_merge" before it for a merged one.
    """
    source = department.strip()
    if not source:
        raise ApplicationError(_("请注明预警部门。"), code="department_required")
    chosen = [_check_risk_types(warning.risk_types, required=False) for warning in warnings]
    if not warnings:
        return DepartmentClues([])
    plan = _Plan(
        source=source,
        received_on=received_on or timezone.localdate(),
        created_by=_actor_id(actor),
        households=_locked_households({warning.household_id for warning in warnings}),
    )
    made = [
        plan.clue(warning, risk_types) for warning, risk_types in zip(warnings, chosen, strict=True)
    ]
    clues = [clue for clue in made if clue is not None]
    with one_open_case_per_household():
        plan.write(clues)
    audit_record_many(actor=actor, entries=plan.audit_entries(clues))
    return DepartmentClues(made)


def _locked_households(household_ids: set[int]) -> dict[int, Household]:
    """The warned households that take a clue, locked until the transaction ends, in one
    statement: as `_intake` locks one household before it looks for its open clue, so a
    single clue registered at the same moment waits for this call or this call for it.

    Locked in id order, the order every writer takes, so two calls over overlapping
    households wait for each other instead of deadlocking. The status filter is in the
    locking statement: PostgreSQL checks it again on the row it waited for, so a household
    made monitored meanwhile is neither locked nor warned.
    """
    households = (
        Household.objects.filter(pk__in=household_ids)
        .exclude(status__in=_NO_CLUE_STATUSES)
        .only("id", "number", "status", "village_id")
        .order_by("id")
        .select_for_update()
    )
    with deadlock_explained():
        return {household.pk: household for household in households}


class _Plan:
    """The clues of one call, built in memory against what the database holds (open
    clues, heads' names, time limits, read once), then written together."""

    def __init__(
        self,
        *,
        source: str,
        received_on: date,
        created_by: int | None,
        households: dict[int, Household],
    ) -> None:
        self.source = source
        self.received_on = received_on
        self.created_by = created_by
        self.households = households
        eligible = [
            household.pk
            for household in households.values()
            if household.status not in _NO_CLUE_STATUSES
        ]
        self.open_clues = _open_clues(eligible)
        self.heads = _head_names([pk for pk in eligible if pk not in self.open_clues])
        self.settings = selectors.workflow_settings()
        self.calendar = selectors.working_calendar()
        self.due_on: dict[str, date] = {}
        self.cases: list[MonitoringCase] = []
        # What each merged clue merges into; one merged into a clue of this call gets its
        # `merged_into` once both are written.
        self.merged_into: dict[int, RiskClue] = {}
        self.merged_late: list[tuple[RiskClue, RiskClue]] = []
        self.household_numbers: dict[int, str] = {}

    def clue(self, warning: DepartmentWarning, risk_types: list[str]) -> RiskClue | None:
        household = self.households.get(warning.household_id)
        if household is None or household.status in _NO_CLUE_STATUSES:
            return None
        clue = RiskClue(
            channel=Channel.DEPARTMENT,
            village_id=household.village_id,
            household=household,
            risk_types=list(risk_types),
            description=warning.description.strip(),
            source=self.source,
            received_on=self.received_on,
            created_by_id=self.created_by,
        )
        self.household_numbers[id(clue)] = household.number
        duplicate = self.open_clues.get(household.pk)
        if duplicate is None:
            clue.case = self._case(household, risk_types)
            self.open_clues[household.pk] = clue
            return clue
        clue.status = ClueStatus.MERGED
        clue.case = duplicate.case
        self.merged_into[id(clue)] = duplicate
        if duplicate._state.adding:
            self.merged_late.append((clue, duplicate))
        else:
            clue.merged_into = duplicate
        return clue

    def _case(self, household: Household, risk_types: list[str]) -> MonitoringCase:
        village = household.village_id
        if village not in self.due_on:
            setting = selectors.most_specific_setting(self.settings, village)
            self.due_on[village] = self.calendar.case_due_on(self.received_on, setting)
        case = MonitoringCase(
            kind=CaseKind.IDENTIFICATION,
            state=CaseState.VISIT,
            village_id=village,
            household=household,
            applicant_name=self.heads.get(household.pk, ""),
            channel=Channel.DEPARTMENT,
            risk_types=list(risk_types),
            opened_on=self.received_on,
            due_on=self.due_on[village],
            created_by_id=self.created_by,
        )
        self.cases.append(case)
        return case

    def write(self, clues: list[RiskClue]) -> None:
        """The cases, the clues with their receipt numbers, and each case's first
        approval (the clue that opened it)."""
        MonitoringCase.objects.bulk_create(self.cases)
        for clue, number in zip(clues, _receipt_numbers(self.received_on, len(clues)), strict=True):
            clue.receipt_number = number
        RiskClue.objects.bulk_create(clues)
        for clue, duplicate in self.merged_late:
            clue.merged_into = duplicate
        RiskClue.objects.bulk_update([clue for clue, _ in self.merged_late], ["merged_into"])
        ApprovalRecord.objects.bulk_create(
            ApprovalRecord(
                subject_type=selectors.CASE_SUBJECT,
                subject_id=str(clue.case_id),
                step=Step.CLUE,
                decision=Decision.APPROVE,
                opinion=clue.description,
                actor_id=self.created_by,
            )
            for clue in clues
            if clue.merged_into_id is None
        )

    def audit_entries(self, clues: list[RiskClue]) -> list[AuditEntry]:
        entries: list[AuditEntry] = []
        for clue in clues:
            if clue.merged_into_id is not None:
                entries.append(
                    AuditEntry(
                        action="monitoring.clue_merge",
                        subject=clue,
                        region_code=clue.village_id,
                        changes={
                            "channel": Channel.DEPARTMENT,
                            "merged_into": self.merged_into[id(clue)].receipt_number,
                        },
                    )
                )
            entries.append(
                AuditEntry(
                    action="monitoring.clue_from_department",
                    subject=clue,
                    region_code=clue.village_id,
                    changes={
                        "department": self.source,
                        "household": self.household_numbers[id(clue)],
                    },
                )
            )
        return entries


def _open_clues(household_ids: list[int]) -> dict[int, RiskClue]:
    """The open identification clue each household's new clue merges into (its first),
    as `_open_clue_for` finds it for one household."""
    found: dict[int, RiskClue] = {}
    clues = (
        RiskClue.objects.filter(
            status=ClueStatus.OPEN,
            merged_into__isnull=True,
            case__kind=CaseKind.IDENTIFICATION,
            case__state__in=selectors.OPEN_STATES,
            household_id__in=household_ids,
        )
        .select_related("case")
        .order_by("household_id", "id")
    )
    for clue in clues:
        if clue.household_id is not None:
            found.setdefault(clue.household_id, clue)
    return found


def _head_names(household_ids: list[int]) -> dict[int, str]:
    """Each household's head as `selectors.household_head_name` names them."""
    names: dict[int, str] = {}
    heads = (
        Member.objects.filter(
            household_id__in=household_ids, relation=codes.Relation.HEAD, is_active=True
        )
        # Member's ordering, which `.first()` follows.
        .order_by("household_id", "relation", "birth_date")
        .values_list("household_id", "name")
    )
    for household_id, name in heads:
        names.setdefault(household_id, name)
    return names
