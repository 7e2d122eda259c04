from datetime import timedelta

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.test import RequestFactory
from django.utils import timezone

from fupin.accounts.models import RegionAssignment, Role, User
from fupin.accounts.scoping import scope_for
from fupin.accounts.services import (
    LoginError,
    role_assign,
    role_revoke,
    user_change_password,
    user_create,
    user_login,
    user_unlock,
)
from fupin.audit.models import AuditEvent
from fupin.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from tests.support import COUNTY, PASSWORD, TOWN, VILLAGE, Actors, scope_of


def _login(username: str, password: str) -> User:
    return user_login(request=RequestFactory().post("/"), username=username, password=password)


def test_login_with_right_password_resets_failures_and_is_audited(actors: Actors) -> None:
    User.objects.filter(pk=actors.village_officer.pk).update(failed_login_count=3)
    user = _login("village_officer", PASSWORD)
    assert user.pk == actors.village_officer.pk
    user.refresh_from_db()
    assert user.failed_login_count == 0
    assert AuditEvent.objects.filter(action="accounts.user_login", actor=user).count() == 1


def test_wrong_password_is_refused_counted_and_audited(actors: Actors) -> None:
    with pytest.raises(LoginError, match="用户名或密码不正确"):
        _login("village_officer", "wrong")
    actors.village_officer.refresh_from_db()
    assert actors.village_officer.failed_login_count == 1
    assert AuditEvent.objects.filter(
        action="accounts.user_login_failed", subject_id=str(actors.village_officer.pk)
    ).exists()


def test_unknown_user_gets_the_same_message_as_a_wrong_password(actors: Actors) -> None:
    with pytest.raises(LoginError, match="用户名或密码不正确"):
        _login("nobody", "wrong")
    assert AuditEvent.objects.get(action="accounts.user_login_failed").subject_label == "nobody"


def test_repeated_failures_lock_the_account_until_the_lock_expires(
    actors: Actors, settings: object
) -> None:
    # given five failures (the default limit)
    for _ in range(4):
        with pytest.raises(LoginError, match="用户名或密码不正确"):
            _login("village_officer", "wrong")
    with pytest.raises(LoginError, match="账号已锁定") as locked:
        _login("village_officer", "wrong")
    assert locked.value.code == "locked"
    # then even the right password is refused while locked
    with pytest.raises(LoginError, match="账号已锁定"):
        _login("village_officer", PASSWORD)
    assert AuditEvent.objects.filter(action="accounts.user_lock").count() == 1
    # and after the lock-out period the right password works again
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert _login("village_officer", PASSWORD).pk == actors.village_officer.pk


def test_an_administrator_can_unlock_a_user_in_scope(actors: Actors) -> None:
    User.objects.filter(pk=actors.village_officer.pk).update(
        locked_until=timezone.now() + timedelta(minutes=10)
    )
    user_unlock(
        actor=actors.county_admin, scope=scope_of(actors.county_admin), user=actors.village_officer
    )
    assert _login("village_officer", PASSWORD).pk == actors.village_officer.pk
    assert AuditEvent.objects.filter(action="accounts.user_unlock").count() == 1


def test_an_administrator_cannot_unlock_a_user_of_another_county(actors: Actors) -> None:
    with pytest.raises(NotFoundError):
        user_unlock(
            actor=actors.other_county_admin,
            scope=scope_of(actors.other_county_admin),
            user=actors.village_officer,
        )


def test_user_create_makes_the_account_and_its_role_with_audit(actors: Actors) -> None:
    user = user_create(
        actor=actors.county_admin,
        scope=scope_of(actors.county_admin),
        username="li_si",
        password="A-strong-passphrase-1",
        full_name="李四",
        role=Role.TOWNSHIP_REVIEWER,
        region_code=TOWN,
    )
    assert user.check_password("A-strong-passphrase-1")
    assignment = RegionAssignment.objects.get(user=user)
    assert (assignment.role, assignment.region_id) == (Role.TOWNSHIP_REVIEWER, TOWN)
    actions = set(
        AuditEvent.objects.filter(subject_id=str(user.pk)).values_list("action", flat=True)
    )
    assert actions == {"accounts.user_create", "accounts.role_assign"}
    assert AuditEvent.objects.get(action="accounts.user_create").actor == actors.county_admin


@pytest.mark.parametrize(
    ("username", "password", "role", "region_code", "message"),
    [
        ("county_admin", "A-strong-passphrase-1", Role.VILLAGE_OFFICER, VILLAGE, "已被使用"),
        ("new_user", "123", Role.VILLAGE_OFFICER, VILLAGE, "密码"),
        ("new_user", "A-strong-passphrase-1", Role.VILLAGE_OFFICER, "220122101299", "不存在"),
        ("new_user", "A-strong-passphrase-1", Role.VILLAGE_OFFICER, "2201221", "格式不正确"),
        ("new_user", "A-strong-passphrase-1", Role.VILLAGE_OFFICER, TOWN, "不能分配在该级区划上"),
    ],
)
def test_user_create_refuses_bad_input_and_changes_nothing(
    actors: Actors, username: str, password: str, role: Role, region_code: str, message: str
) -> None:
    users_before = User.objects.count()
    events_before = AuditEvent.objects.count()
    with pytest.raises(ApplicationError, match=message):
        user_create(
            actor=actors.county_admin,
            scope=scope_of(actors.county_admin),
            username=username,
            password=password,
            full_name="某某",
            role=role,
            region_code=region_code,
        )
    assert User.objects.count() == users_before
    assert AuditEvent.objects.count() == events_before


@pytest.mark.parametrize(
    ("role", "region_code"),
    [
        (Role.VILLAGE_OFFICER, "220112100201"),  # a village of another county
        (Role.PROVINCE_ADMIN, "22"),  # above the administrator's own level
        (Role.SYSTEM_ADMIN, COUNTY),  # only system administrators make system administrators
    ],
)
def test_an_administrator_grants_roles_only_inside_their_subtree(
    actors: Actors, role: Role, region_code: str
) -> None:
    with pytest.raises(PermissionDeniedError):
        role_assign(
            actor=actors.county_admin,
            scope=scope_of(actors.county_admin),
            user=actors.no_role,
            role=role,
            region_code=region_code,
        )
    assert not RegionAssignment.objects.filter(user=actors.no_role).exists()


def test_roles_without_user_management_cannot_grant(actors: Actors) -> None:
    with pytest.raises(PermissionDeniedError):
        role_assign(
            actor=actors.township_reviewer,
            scope=scope_of(actors.township_reviewer),
            user=actors.no_role,
            role=Role.VILLAGE_OFFICER,
            region_code=VILLAGE,
        )


def test_role_revoke_deactivates_and_audits(actors: Actors) -> None:
    assignment = RegionAssignment.objects.get(user=actors.village_officer)
    role_revoke(
        actor=actors.county_admin, scope=scope_of(actors.county_admin), assignment_id=assignment.pk
    )
    assignment.refresh_from_db()
    assert assignment.is_active is False
    assert scope_for(actors.village_officer) is None
    assert AuditEvent.objects.filter(action="accounts.role_revoke").count() == 1


def test_role_revoke_out_of_scope_looks_like_not_found(actors: Actors) -> None:
    assignment = RegionAssignment.objects.get(user=actors.village_officer)
    with pytest.raises(NotFoundError):
        role_revoke(
            actor=actors.other_county_admin,
            scope=scope_of(actors.other_county_admin),
            assignment_id=assignment.pk,
        )
    assignment.refresh_from_db()
    assert assignment.is_active is True


def test_change_password_checks_the_old_one(actors: Actors) -> None:
    with pytest.raises(ApplicationError, match="原密码不正确"):
        user_change_password(
            actor=actors.auditor, old_password="x", new_password="New-passphrase-42"
        )
    user_change_password(
        actor=actors.auditor, old_password=PASSWORD, new_password="New-passphrase-42"
    )
    actors.auditor.refresh_from_db()
    assert actors.auditor.check_password("New-passphrase-42")
    assert AuditEvent.objects.filter(action="accounts.user_change_password").count() == 1


def test_a_region_is_required_for_every_role_but_system_administrator(actors: Actors) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        RegionAssignment.objects.create(user=actors.no_role, role=Role.COUNTY_ADMIN, region=None)
