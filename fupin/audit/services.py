from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import connection, models

from fupin.audit.models import AuditEvent
from fupin.core.masking import mask_personal


def _masked(value: Any, *, key: str = "") -> Any:
    """`value` with every personal field (by key, at any depth) masked. A change is stored
    as [before, after], so a list under a personal key masks each element."""
    if isinstance(value, dict):
        return {name: _masked(item, key=str(name)) for name, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_masked(item, key=key) for item in value]
    if isinstance(value, str):
        return mask_personal(key, value)
    return value


class AuditOutsideTransactionError(RuntimeError):
    """audit_record() must run inside the service's transaction, or the trail could lie."""


def audit_record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    subject: models.Model | None = None,
    subject_type: str = "",
    subject_id: str = "",
    subject_label: str = "",
    region_code: str = "",
    changes: dict[str, Any] | None = None,
    context: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event inside the caller's transaction.

    `action` is "<app>.<service>". Personal fields in `changes` and `context` (ID numbers,
    phones, bank accounts: `core.masking.PERSONAL_FIELD_MASKS`) are stored masked: the
    trail says that a number changed, and seeing the number is itself an audited reveal.
    Raises AuditOutsideTransactionError when called outside `transaction.atomic`, so an
    audited change and its event commit or roll back together.
    """
    if not connection.in_atomic_block:
        raise AuditOutsideTransactionError(action)
    event = _event(
        actor,
        AuditEntry(
            action=action,
            subject=subject,
            subject_type=subject_type,
            subject_id=subject_id,
            subject_label=subject_label,
            region_code=region_code,
            changes=changes,
            context=context,
        ),
    )
    event.save(force_insert=True)
    return event


@dataclass(frozen=True)
class AuditEntry:
    """One event of `audit_record_many`, with `audit_record`'s arguments."""

    action: str
    subject: models.Model | None = None
    subject_type: str = ""
    subject_id: str = ""
    subject_label: str = ""
    region_code: str = ""
    changes: dict[str, Any] | None = None
    context: dict[str, Any] | None = None


def audit_record_many(
    *, actor: AbstractBaseUser | AnonymousUser | None, entries: Sequence[AuditEntry]
) -> list[AuditEvent]:
    """Append the events of a service that changes many objects at once, each its own
    event as `audit_record` writes it, in one INSERT inside the caller's transaction.

    Raises AuditOutsideTransactionError when called outside `transaction.atomic`.
    """
    if not connection.in_atomic_block:
        raise AuditOutsideTransactionError(entries[0].action if entries else "")
    return AuditEvent.objects.bulk_create([_event(actor, entry) for entry in entries])


def _event(actor: AbstractBaseUser | AnonymousUser | None, entry: AuditEntry) -> AuditEvent:
    subject_type, subject_id, subject_label = (
        entry.subject_type,
        entry.subject_id,
        entry.subject_label,
    )
    if entry.subject is not None:
        subject_type = subject_type or entry.subject._meta.label_lower
        subject_id = subject_id or str(entry.subject.pk)
        subject_label = subject_label or str(entry.subject)[:200]
    user = actor if actor is not None and actor.is_authenticated else None
    return AuditEvent(
        actor_id=user.pk if user is not None else None,
        actor_username=user.get_username() if user is not None else "",
        action=entry.action,
        subject_type=subject_type,
        subject_id=subject_id,
        subject_label=subject_label,
        region_code=entry.region_code,
        changes=_masked(entry.changes or {}),
        context=_masked(entry.context or {}),
    )
