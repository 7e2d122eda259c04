from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from fupin.audit.models import AuditEvent
from fupin.core.scope import RegionScope


@dataclass(frozen=True)
class AuditFilters:
    actor: str = ""
    action: str = ""
    subject: str = ""
    date_from: date | None = None
    date_to: date | None = None
    region: str = ""


def audit_event_list(*, scope: RegionScope, filters: AuditFilters) -> QuerySet[AuditEvent]:
    """Audit events of the scope's regions, newest first, narrowed by the filters."""
    events = scope.filter(AuditEvent.objects.select_related("actor"), region_field="region_code")
    if filters.actor:
        events = events.filter(actor_username__icontains=filters.actor)
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.subject:
        events = events.filter(subject_label__icontains=filters.subject) | events.filter(
            subject_id=filters.subject
        )
    if filters.region:
        events = events.filter(region_code__startswith=filters.region)
    if filters.date_from:
        events = events.filter(occurred_at__date__gte=filters.date_from)
    if filters.date_to:
        events = events.filter(occurred_at__date__lte=filters.date_to)
    return events.order_by("-occurred_at", "-id")


def audit_action_choices(*, scope: RegionScope) -> list[str]:
    """The distinct actions that occur in the scope, for the filter's drop-down."""
    events = scope.filter(AuditEvent.objects.all(), region_field="region_code")
    return list(events.order_by("action").values_list("action", flat=True).distinct())
