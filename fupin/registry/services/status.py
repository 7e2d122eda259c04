"""Household status events (ADR 0004): the append-only log every status change is
written to, checked against the allowed transitions."""

import re
from datetime import date

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from fupin.audit.services import audit_record
from fupin.core.errors import ApplicationError
from fupin.core.scope import RegionScope
from fupin.registry import codes
from fupin.registry.models import (
    Household,
    HouseholdStatusEvent,
)
from fupin.registry.services.households import (
    MAX_RISK_TYPES,
    _check_codes,
    _locked_household,
    _require_edit,
)
from fupin.registry.services.stale import household_stale_mark
from fupin.registry.status import EventFacts, derive_status, transition_error


def _record_status(
    *,
    actor: AbstractBaseUser | None,
    household: Household,
    kind: str,
    occurred_on: date,
    year: int,
    monitoring_category: str = "",
    identified_month: str = "",
    risk_types: list[str] | None = None,
    elimination_method: str = "",
    removal_reason: str = "",
    note: str = "",
) -> HouseholdStatusEvent:
    locked = _locked_household(household.pk)
    problem = transition_error(locked.status, kind)
    if problem:
        raise ApplicationError(problem, code="transition")
    event = HouseholdStatusEvent.objects.create(
        household=locked,
        kind=kind,
        occurred_on=occurred_on,
        year=year,
        monitoring_category=monitoring_category,
        identified_month=identified_month,
        risk_types=risk_types or [],
        elimination_method=elimination_method,
        removal_reason=removal_reason,
        note=note,
        recorded_by_id=actor.pk if actor is not None and actor.is_authenticated else None,
    )
    derived = derive_status(
        EventFacts(e.kind, e.year, e.monitoring_category)
        for e in locked.status_events.order_by("occurred_on", "id")
    )
    Household.objects.filter(pk=locked.pk).update(
        status=derived.status,
        household_type=derived.household_type,
        monitoring_category=derived.monitoring_category,
        exit_year=derived.exit_year,
        version=F("version") + 1,
    )
    household_stale_mark(household_ids=[locked.pk])
    audit_record(
        actor=actor,
        action="registry.household_status_record",
        subject=locked,
        region_code=locked.village_id,
        changes={"kind": kind, "status": [locked.status, derived.status], "note": note},
    )
    return event


def _check_status_details(
    kind: str,
    *,
    monitoring_category: str,
    identified_month: str,
    risk_types: list[str],
    elimination_method: str,
    removal_reason: str,
) -> None:
    kinds = HouseholdStatusEvent.Kind
    if kind not in kinds.values:
        raise ApplicationError(_("未知的状态事件。"), code="unknown_kind")
    if kind == kinds.MONITORING_IDENTIFIED:
        _check_codes(
            monitoring_category, codes.MonitoringCategory, _("监测对象类别"), required=True
        )
        if not re.fullmatch(r"20\d\d(0[1-9]|1[0-2])", identified_month):
            raise ApplicationError(
                _("识别监测时间应为六位年月，例如 202403。"), code="identified_month"
            )
        if not 1 <= len(risk_types) <= MAX_RISK_TYPES:
            raise ApplicationError(_("请选择 1 至 5 项致贫/返贫风险。"), code="risk_type_count")
        for risk in risk_types:
            _check_codes(risk, codes.RiskType, _("风险类型"), required=True)
    if kind == kinds.RISK_ELIMINATED:
        _check_codes(elimination_method, codes.EliminationMethod, _("风险消除方式"), required=True)
    if kind == kinds.CANCELLED:
        _check_codes(removal_reason, codes.RemovalReason, _("注销原因"), required=True)


@transaction.atomic
def household_status_record(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    household: Household,
    kind: str,
    occurred_on: date,
    year: int | None = None,
    monitoring_category: str = "",
    identified_month: str = "",
    risk_types: list[str] | None = None,
    elimination_method: str = "",
    removal_reason: str = "",
    note: str = "",
) -> HouseholdStatusEvent:
    """Append a status event (识别, 脱贫, 纳入监测, 风险消除, 返贫, 注销) and update the
    derived status. Refuses events that may not follow the current status.

    Audit action: "registry.household_status_record".
    """
    _require_edit(scope, household.village_id)
    risk_types = risk_types or []
    _check_status_details(
        kind,
        monitoring_category=monitoring_category,
        identified_month=identified_month,
        risk_types=risk_types,
        elimination_method=elimination_method,
        removal_reason=removal_reason,
    )
    return _record_status(
        actor=actor,
        household=household,
        kind=kind,
        occurred_on=occurred_on,
        year=year or occurred_on.year,
        monitoring_category=monitoring_category,
        identified_month=identified_month,
        risk_types=risk_types,
        elimination_method=elimination_method,
        removal_reason=removal_reason,
        note=note,
    )
