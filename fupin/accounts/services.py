import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.accounts.models import RegionAssignment, Role, User
from fupin.accounts.scoping import grant_check, role_allows_level
from fupin.accounts.selectors import region_name, user_in_scope
from fupin.audit.services import audit_record
from fupin.core.errors import ApplicationError, NotFoundError
from fupin.core.region_codes import InvalidRegionCodeError, RegionLevel, level_of
from fupin.core.scope import Capability, RegionScope


class LoginError(ApplicationError):
    """Sign-in refused: wrong credentials or a locked account."""


class LoginOutcome(enum.Enum):
    OK = "ok"
    INVALID = "invalid"
    LOCKED = "locked"


@dataclass(frozen=True)
class _LoginDecision:
    outcome: LoginOutcome
    user: User | None
    minutes_left: int = 0


def _client_context(request: HttpRequest | None) -> dict[str, str]:
    if request is None:
        return {}
    return {
        "ip": request.META.get("REMOTE_ADDR", ""),
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:200],
    }


def _home_region_code(user: User) -> str:
    """Region of a user's first active role, so their sign-ins are audited in that region."""
    region_code = (
        RegionAssignment.objects.filter(user=user, is_active=True, region__isnull=False)
        .order_by("id")
        .values_list("region_id", flat=True)
        .first()
    )
    return region_code or ""


def user_login(*, request: HttpRequest, username: str, password: str) -> User:
    """Check credentials with lock-out after repeated failures.

    Audit actions: "accounts.user_login", "accounts.user_login_failed", "accounts.user_lock".
    Raises LoginError (wrong credentials, or locked with the minutes left). The failure
    counter is committed even though the login is refused.
    """
    decision = _decide_login(request=request, username=username, password=password)
    if decision.outcome is LoginOutcome.LOCKED:
        raise LoginError(
            _("登录失败次数过多，账号已锁定，请 %(minutes)s 分钟后再试或联系管理员解锁。")
            % {"minutes": decision.minutes_left},
            code="locked",
        )
    if decision.outcome is LoginOutcome.INVALID or decision.user is None:
        raise LoginError(_("用户名或密码不正确。"), code="invalid")
    return decision.user


@transaction.atomic
def _decide_login(*, request: HttpRequest, username: str, password: str) -> _LoginDecision:
    context = _client_context(request)
    now = timezone.now()
    user = User.objects.select_for_update().filter(username=username).first()
    if user is not None and user.locked_until is not None and user.locked_until > now:
        minutes_left = int((user.locked_until - now).total_seconds() // 60) + 1
        audit_record(
            actor=None,
            action="accounts.user_login_failed",
            subject=user,
            region_code=_home_region_code(user),
            changes={"reason": "locked"},
            context=context,
        )
        return _LoginDecision(LoginOutcome.LOCKED, user, minutes_left)
    authenticated = authenticate(request, username=username, password=password)
    if not isinstance(authenticated, User):
        _record_failed_login(user=user, username=username, now=now, context=context)
        if user is not None and user.locked_until is not None and user.locked_until > now:
            return _LoginDecision(LoginOutcome.LOCKED, user, settings.LOGIN_LOCKOUT_MINUTES)
        return _LoginDecision(LoginOutcome.INVALID, None)
    authenticated.failed_login_count = 0
    authenticated.locked_until = None
    authenticated.last_login = now
    authenticated.save(update_fields=["failed_login_count", "locked_until", "last_login"])
    audit_record(
        actor=authenticated,
        action="accounts.user_login",
        subject=authenticated,
        region_code=_home_region_code(authenticated),
        context=context,
    )
    return _LoginDecision(LoginOutcome.OK, authenticated)


def _record_failed_login(
    *, user: User | None, username: str, now: datetime, context: dict[str, str]
) -> None:
    if user is None:
        audit_record(
            actor=None,
            action="accounts.user_login_failed",
            subject_type="accounts.user",
            subject_label=username[:200],
            changes={"reason": "unknown_user"},
            context=context,
        )
        return
    user.failed_login_count += 1
    changes: dict[str, object] = {"reason": "wrong_password", "failures": user.failed_login_count}
    if user.failed_login_count >= settings.LOGIN_MAX_FAILURES:
        user.locked_until = now + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
        user.failed_login_count = 0
        audit_record(
            actor=None,
            action="accounts.user_lock",
            subject=user,
            region_code=_home_region_code(user),
            changes={"locked_until": user.locked_until.isoformat()},
            context=context,
        )
    user.save(update_fields=["failed_login_count", "locked_until"])
    audit_record(
        actor=None,
        action="accounts.user_login_failed",
        subject=user,
        region_code=_home_region_code(user),
        changes=changes,
        context=context,
    )


@transaction.atomic
def user_logout_record(*, actor: User, request: HttpRequest) -> None:
    """Audit a sign-out ("accounts.user_logout"); the view ends the session."""
    audit_record(
        actor=actor,
        action="accounts.user_logout",
        subject=actor,
        region_code=_home_region_code(actor),
        context=_client_context(request),
    )


@transaction.atomic
def user_change_password(*, actor: User, old_password: str, new_password: str) -> None:
    """Change one's own password. Audit action: "accounts.user_change_password".

    Raises ApplicationError when the old password is wrong or the new one is too weak.
    """
    if not actor.check_password(old_password):
        raise ApplicationError(_("原密码不正确。"), code="wrong_password")
    _validate_password(new_password, actor)
    actor.set_password(new_password)
    actor.save(update_fields=["password"])
    audit_record(
        actor=actor,
        action="accounts.user_change_password",
        subject=actor,
        region_code=_home_region_code(actor),
    )


def _validate_password(password: str, user: User | None) -> None:
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ApplicationError(" ".join(error.messages), code="weak_password") from error


def _resolve_region(region_code: str | None) -> tuple[str, RegionLevel | None]:
    if not region_code:
        return "", None
    try:
        level = level_of(region_code)
    except InvalidRegionCodeError as error:
        raise ApplicationError(
            _("区划代码“%(code)s”格式不正确，应为 2、4、6、9 或 12 位数字。")
            % {"code": region_code},
            code="invalid_region_code",
        ) from error
    if region_name(region_code) is None:
        raise ApplicationError(
            _("区划代码“%(code)s”不存在，请先加载该地区的区划代码。") % {"code": region_code},
            code="unknown_region",
        )
    return region_code, level


def _create_assignment(*, user: User, role: Role, region_code: str) -> RegionAssignment:
    code, level = _resolve_region(region_code)
    if not role_allows_level(role, level):
        raise ApplicationError(
            _("角色“%(role)s”不能分配在该级区划上。") % {"role": role.label},
            code="role_level_mismatch",
        )
    try:
        with transaction.atomic():
            return RegionAssignment.objects.create(user=user, role=role, region_id=code or None)
    except IntegrityError as error:
        raise ApplicationError(_("该用户已有此角色分配。"), code="duplicate_assignment") from error


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    scope: RegionScope | None,
    username: str,
    password: str,
    full_name: str,
    role: Role,
    region_code: str,
) -> User:
    """Create an account with its first role assignment.

    `actor`/`scope` None means the command line. Audit actions: "accounts.user_create",
    "accounts.role_assign". Raises ApplicationError (duplicate username, weak password,
    bad region, role not allowed at that level) or PermissionDeniedError (see
    `scoping.grant_check`: a role beyond the actor's own, a region outside their subtree).
    """
    grant_check(
        scope,
        actor_id=actor.pk if actor is not None else None,
        user_id=None,
        role=role,
        region_code=region_code,
    )
    username = username.strip()
    if not username:
        raise ApplicationError(_("请填写用户名。"), code="username_required")
    if User.objects.filter(username=username).exists():
        raise ApplicationError(
            _("用户名“%(name)s”已被使用。") % {"name": username}, code="duplicate_username"
        )
    user = User(username=username, full_name=full_name.strip())
    _validate_password(password, user)
    user.set_password(password)
    user.save()
    assignment = _create_assignment(user=user, role=role, region_code=region_code)
    audit_record(
        actor=actor,
        action="accounts.user_create",
        subject=user,
        region_code=assignment.region_code,
        changes={"username": username, "full_name": user.full_name},
    )
    _audit_assignment(actor=actor, assignment=assignment, action="accounts.role_assign")
    return user


def _audit_assignment(*, actor: User | None, assignment: RegionAssignment, action: str) -> None:
    audit_record(
        actor=actor,
        action=action,
        subject=assignment.user,
        region_code=assignment.region_code,
        changes={
            "role": assignment.role,
            "region": assignment.region_code,
            "assignment": assignment.pk,
        },
    )


@transaction.atomic
def role_assign(
    *, actor: User | None, scope: RegionScope | None, user: User, role: Role, region_code: str
) -> RegionAssignment:
    """Give a user one more role in a region. Audit action: "accounts.role_assign".

    Raises PermissionDeniedError (see `scoping.grant_check`: own account, a role beyond the
    actor's own, a region outside their subtree) or ApplicationError (bad region or level).
    """
    grant_check(
        scope,
        actor_id=actor.pk if actor is not None else None,
        user_id=user.pk,
        role=role,
        region_code=region_code,
    )
    assignment = _create_assignment(user=user, role=role, region_code=region_code)
    _audit_assignment(actor=actor, assignment=assignment, action="accounts.role_assign")
    return assignment


@transaction.atomic
def role_revoke(*, actor: User, scope: RegionScope, assignment_id: int) -> RegionAssignment:
    """Deactivate a role assignment in scope. Audit action: "accounts.role_revoke".

    Raises NotFoundError (unknown or outside the scope) or PermissionDeniedError (the
    actor's own account, or a role they could not have granted)."""
    assignment = (
        RegionAssignment.objects.select_for_update(of=("self",))
        .select_related("user", "region")
        .filter(pk=assignment_id, is_active=True)
        .first()
    )
    if assignment is None or not scope.contains_root(assignment.region_code):
        raise NotFoundError(_("角色分配不存在或不在您的管辖范围内。"))
    grant_check(
        scope,
        actor_id=actor.pk,
        user_id=assignment.user_id,
        role=Role(assignment.role),
        region_code=assignment.region_code,
    )
    assignment.is_active = False
    assignment.save(update_fields=["is_active"])
    _audit_assignment(actor=actor, assignment=assignment, action="accounts.role_revoke")
    return assignment


@transaction.atomic
def user_unlock(*, actor: User, scope: RegionScope, user: User) -> None:
    """Clear a lock-out. Audit action: "accounts.user_unlock"."""
    scope.require(Capability.MANAGE_USERS)
    if not user_in_scope(scope=scope, user=user):
        raise NotFoundError(_("用户不存在或不在您的管辖范围内。"))
    user.failed_login_count = 0
    user.locked_until = None
    user.save(update_fields=["failed_login_count", "locked_until"])
    audit_record(
        actor=actor,
        action="accounts.user_unlock",
        subject=user,
        region_code=_home_region_code(user),
    )


@transaction.atomic
def service_account_get_or_create(*, username: str, full_name: str) -> User:
    """Return the account that bulk writers (the synthetic generators) record their rows
    under, creating it once: inactive, without a usable password or any role, so it can
    never sign in or see anything. Audit action: "accounts.service_account_create"."""
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user
    user = User(username=username, full_name=full_name, is_active=False)
    user.set_unusable_password()
    user.save()
    audit_record(
        actor=None,
        action="accounts.service_account_create",
        subject=user,
        region_code="",
        changes={"username": username, "full_name": full_name},
    )
    return user
