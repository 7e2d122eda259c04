"""Risk elimination (风险消除): proposals by village cadres and from assessment outcomes,
refused with the reasons of the assessment guards that fired."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.audit.services import audit_record
from fupin.core.errors import ApplicationError, PermissionDeniedError
from fupin.core.scope import Capability, RegionScope
from fupin.monitoring import selectors
from fupin.monitoring.models import (
    CaseKind,
    CaseState,
    Channel,
    MonitoringCase,
)
from fupin.monitoring.services.common import (
    _actor_id,
    case_opening_record,
    lock_household_status,
    one_open_case_per_household,
)
from fupin.registry import codes
from fupin.registry.models import Household, HouseholdStatus


def _elimination_checks(household: Household, method: str) -> None:
    """Refusals of an elimination proposal. The caller has locked the household (as
    `_intake` does for identification) so that two proposals at the same moment are
    taken one after the other, the second refused as a duplicate."""
    if household.status != HouseholdStatus.MONITORED:
        raise ApplicationError(
            _("只有监测对象才能提出风险消除（该户为“%(status)s”）。")
            % {"status": household.get_status_display()},
            code="not_monitored",
        )
    if method not in codes.EliminationMethod.values:
        raise ApplicationError(
            _("请选择风险消除方式。"), code="method_required", field="elimination_method"
        )
    if MonitoringCase.objects.filter(
        household=household, kind=CaseKind.ELIMINATION, state__in=selectors.OPEN_STATES
    ).exists():
        raise ApplicationError(_("该户已有办理中的风险消除事项。"), code="duplicate_case")
    guards = selectors.elimination_guards(household, method)
    if guards is None:
        raise ApplicationError(
            _("该户尚无监测评估结果，请先评估再提出风险消除。"), code="not_assessed"
        )
    if guards:
        reasons = "；".join(f"{guard.title}（{guard.message}）" for guard in guards)
        raise ApplicationError(
            _("不能提出风险消除：%(reasons)s") % {"reasons": reasons}, code="elimination_blocked"
        )


def _open_elimination(
    *,
    actor: AbstractBaseUser | None,
    household: Household,
    method: str,
    reason: str,
    channel: Channel,
) -> MonitoringCase:
    today = timezone.localdate()
    setting = selectors.workflow_setting_for(household.village_id)
    with one_open_case_per_household():
        case = MonitoringCase.objects.create(
            kind=CaseKind.ELIMINATION,
            state=CaseState.VISIT,
            village_id=household.village_id,
            household=household,
            applicant_name=selectors.household_head_name(household),
            channel=channel,
            elimination_method=method,
            opened_on=today,
            due_on=selectors.working_calendar().case_due_on(today, setting),
            created_by_id=_actor_id(actor),
        )
    case_opening_record(actor=actor, case=case, opinion=reason)
    return case


@transaction.atomic
def elimination_propose(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    household: Household,
    elimination_method: str,
    reason: str,
) -> MonitoringCase:
    """提出风险消除 for a monitored household, unless an assessment guard blocks it (its
    reasons are the message). Village or county staff. Audit action:
    "monitoring.elimination_propose"."""
    scope.require_visible(household.village_id, _("农户不存在或不在您的管辖范围内。"))
    if not scope.can(Capability.PROPOSE_ELIMINATION):
        raise PermissionDeniedError(_("风险消除由村级或县级人员提出。"))
    household.status = lock_household_status(household.pk)
    _elimination_checks(household, elimination_method)
    if not reason.strip():
        raise ApplicationError(_("请说明风险消除的理由。"), code="reason_required", field="reason")
    case = _open_elimination(
        actor=actor,
        household=household,
        method=elimination_method,
        reason=reason.strip(),
        channel=Channel.CADRE,
    )
    audit_record(
        actor=actor,
        action="monitoring.elimination_propose",
        subject=case,
        region_code=case.village_id,
        changes={"household": household.number, "elimination_method": elimination_method},
    )
    return case


@transaction.atomic
def eliminations_from_assessment(
    *, actor: AbstractBaseUser | None, scope: RegionScope | None, region_code: str, method: str
) -> int:
    """Propose elimination for every monitored household the latest assessment finds
    eligible and without an open elimination case. Audit action:
    "monitoring.eliminations_from_assessment"."""
    if scope is not None:
        scope.require_region(region_code)
        if not scope.can(Capability.GENERATE_WARNINGS):
            raise PermissionDeniedError(_("批量提出风险消除由县级人员办理。"))
    households = (
        Household.objects.filter(
            village__code__startswith=region_code,
            status=HouseholdStatus.MONITORED,
            level__is_elimination_eligible=True,
        )
        .exclude(
            monitoring_cases__kind=CaseKind.ELIMINATION,
            monitoring_cases__state__in=selectors.OPEN_STATES,
        )
        .order_by("id")
    )
    opened = 0
    for household in households:
        # Locked outside the try: a refusal to lock ends the whole batch, not one household.
        household.status = lock_household_status(household.pk)
        try:
            _elimination_checks(household, method)
        except ApplicationError:
            # The denormalized flag may predate a newer guard; the guard wins.
            continue
        _open_elimination(
            actor=actor,
            household=household,
            method=method,
            reason=_("监测评估：符合风险消除条件"),
            channel=Channel.SYSTEM,
        )
        opened += 1
    audit_record(
        actor=actor,
        action="monitoring.eliminations_from_assessment",
        subject_type="registry.region",
        subject_id=region_code,
        region_code=region_code,
        changes={"opened": opened},
    )
    return opened
