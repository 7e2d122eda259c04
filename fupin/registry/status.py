"""Derive a household's current status from its append-only status events, and say which
events may follow which. Pure functions over plain values, so the rules are easy to test."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from fupin.registry.codes import HouseholdType
from fupin.registry.models import HouseholdStatus, HouseholdStatusEvent

Kind = HouseholdStatusEvent.Kind


@dataclass(frozen=True)
class DerivedStatus:
    status: HouseholdStatus
    household_type: HouseholdType
    monitoring_category: str
    exit_year: int | None


# Which statuses each event may follow (DOMAIN §4.6: 贫困户 → 脱贫户 → 监测对象 → 风险消除 →
# 监测对象 again; 返贫 for 脱贫户; 注销 ends the record).
ALLOWED_AFTER: dict[str, frozenset[HouseholdStatus]] = {
    Kind.REGISTERED_POOR: frozenset({HouseholdStatus.UNREGISTERED}),
    Kind.EXITED: frozenset({HouseholdStatus.POOR, HouseholdStatus.RETURNED}),
    Kind.MONITORING_IDENTIFIED: frozenset(
        {
            HouseholdStatus.UNREGISTERED,
            HouseholdStatus.EXITED,
            HouseholdStatus.RISK_ELIMINATED,
        }
    ),
    Kind.RISK_ELIMINATED: frozenset({HouseholdStatus.MONITORED}),
    Kind.RETURNED_TO_POVERTY: frozenset(
        {HouseholdStatus.EXITED, HouseholdStatus.MONITORED, HouseholdStatus.RISK_ELIMINATED}
    ),
    Kind.CANCELLED: frozenset(set(HouseholdStatus) - {HouseholdStatus.CANCELLED}),
}


@dataclass(frozen=True)
class EventFacts:
    kind: str
    year: int
    monitoring_category: str = ""


def derive_status(events: Iterable[EventFacts]) -> DerivedStatus:
    """Fold events (oldest first) into the current status, type and category."""
    status = HouseholdStatus.UNREGISTERED
    category = ""
    exit_year: int | None = None
    ever_exited = False
    for event in events:
        if event.kind == Kind.REGISTERED_POOR:
            status = HouseholdStatus.POOR
        elif event.kind == Kind.EXITED:
            status, ever_exited, exit_year = HouseholdStatus.EXITED, True, event.year
        elif event.kind == Kind.MONITORING_IDENTIFIED:
            status, category = HouseholdStatus.MONITORED, event.monitoring_category
        elif event.kind == Kind.RISK_ELIMINATED:
            status = HouseholdStatus.RISK_ELIMINATED
        elif event.kind == Kind.RETURNED_TO_POVERTY:
            status, category = HouseholdStatus.RETURNED, ""
        elif event.kind == Kind.CANCELLED:
            status = HouseholdStatus.CANCELLED
    return DerivedStatus(
        status=status,
        household_type=_type_for(status, ever_exited=ever_exited),
        monitoring_category=category if status == HouseholdStatus.MONITORED else "",
        exit_year=exit_year,
    )


def _type_for(status: HouseholdStatus, *, ever_exited: bool) -> HouseholdType:
    if status == HouseholdStatus.MONITORED:
        return HouseholdType.MONITORED
    if status in {HouseholdStatus.POOR, HouseholdStatus.RETURNED}:
        return HouseholdType.POOR
    if ever_exited:
        return HouseholdType.EXITED
    return HouseholdType.ORDINARY


def transition_error(current: str, kind: str) -> str | None:
    """A Chinese explanation when `kind` may not follow `current`, else None."""
    status = HouseholdStatus(current)
    if status in ALLOWED_AFTER[kind]:
        return None
    return _("当前状态为“%(status)s”，不能登记“%(event)s”。") % {
        "status": status.label,
        "event": Kind(kind).label,
    }
