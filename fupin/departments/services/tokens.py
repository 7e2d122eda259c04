"""API keys of department accounts: issued by an administrator of the account's region,
revocable, only their digest stored."""

import hashlib
import secrets

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.accounts.models import User
from fupin.accounts.scoping import scope_for
from fupin.audit.services import audit_record
from fupin.core.errors import ApplicationError, NotFoundError
from fupin.core.scope import Capability, RegionScope
from fupin.departments.models import DepartmentToken

KEY_PREFIX_LENGTH = 8


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def department_token_issue(
    *, actor: AbstractBaseUser | None, scope: RegionScope | None, username: str, label: str
) -> tuple[DepartmentToken, str]:
    """Issue an API key to a department account in the scope; return it with the key,
    which is shown this once. `scope` None means the command line.

    Raises PermissionDeniedError, NotFoundError or ApplicationError. Audit action:
    "departments.department_token_issue".
    """
    if scope is not None:
        scope.require(Capability.MANAGE_USERS)
    user = User.objects.filter(username=username, is_active=True).first()
    user_scope = scope_for(user) if user is not None else None
    if (
        user is None
        or user_scope is None
        or (scope and not scope.contains_root(user_scope.root_prefix))
    ):
        raise NotFoundError(_("账号不存在或不在您的管辖范围内。"))
    if not user_scope.can(Capability.UPLOAD_FEEDS):
        raise ApplicationError(_("只能给报送部门数据的账号签发接口密钥。"), code="not_a_department")
    if not label.strip():
        raise ApplicationError(_("请写明密钥的用途。"), code="label", field="label")
    key = secrets.token_urlsafe(32)
    token = DepartmentToken.objects.create(
        user=user,
        label=label.strip()[:100],
        key_prefix=key[:KEY_PREFIX_LENGTH],
        key_digest=key_digest(key),
        issued_by_id=actor.pk if actor is not None else None,
    )
    audit_record(
        actor=actor,
        action="departments.department_token_issue",
        subject=token,
        region_code=user_scope.root_prefix,
        changes={"user": user.username, "label": token.label},
    )
    return token, key


@transaction.atomic
def department_token_revoke(
    *, actor: AbstractBaseUser | None, scope: RegionScope | None, token_id: int
) -> DepartmentToken:
    """Revoke a key at once; pushes with it are refused from now on.

    Raises NotFoundError or PermissionDeniedError. Audit action:
    "departments.department_token_revoke".
    """
    if scope is not None:
        scope.require(Capability.MANAGE_USERS)
    token = DepartmentToken.objects.select_for_update().filter(pk=token_id).first()
    user_scope = scope_for(token.user) if token is not None else None
    if (
        token is None
        or token.revoked_at is not None
        or (
            scope is not None
            and (user_scope is None or not scope.contains_root(user_scope.root_prefix))
        )
    ):
        raise NotFoundError(_("密钥不存在、已吊销或不在您的管辖范围内。"))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        action="departments.department_token_revoke",
        subject=token,
        region_code=user_scope.root_prefix if user_scope else "",
        changes={"user": token.user.username, "label": token.label},
    )
    return token
