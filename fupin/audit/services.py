from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import connection, models

from fupin.audit.models import AuditEvent


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

    `action` is "<app>.<service>". Raises AuditOutsideTransactionError when called outside
    `transaction.atomic`, so an audited change and its event commit or roll back together.
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
        changes=changes or {},
        context=context or {},
    )
