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
    if subject is not None:
        subject_type = subject_type or subject._meta.label_lower
        subject_id = subject_id or str(subject.pk)
        subject_label = subject_label or str(subject)[:200]
    user = actor if actor is not None and actor.is_authenticated else None
    return AuditEvent.objects.create(
        actor_id=user.pk if user is not None else None,
        actor_username=user.get_username() if user is not None else "",
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        subject_label=subject_label,
        region_code=region_code,
        changes=_masked(changes or {}),
        context=_masked(context or {}),
    )
