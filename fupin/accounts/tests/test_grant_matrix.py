"""The whole grant matrix: every role as granter × every role granted × own or other account.

The expected table is written out by hand from the rule (a role may be handed out only when
its capabilities are a subset of the granter's and it sits at or below the granter's level,
never on the granter's own account), so a change to `ROLE_RULES` that widens who may grant
what fails here until the table is deliberately updated.
"""

from functools import partial
from typing import Any

import pytest
from django.urls import reverse

from fupin.accounts.models import RegionAssignment, Role, User
from fupin.accounts.scoping import ROLE_RULES, grantable_roles, scope_for
from fupin.accounts.services import role_assign, role_revoke, user_create
from fupin.audit.models import AuditEvent
from fupin.core.errors import NotFoundError, PermissionDeniedError
from fupin.core.region_codes import RegionLevel
from tests.support import COUNTY, TOWN, VILLAGE, client_for, make_regions, make_user

# One region per level along one path of the test tree; None is nationwide.
REGION_AT: dict[RegionLevel, str] = {
    RegionLevel.PROVINCE: "22",
    RegionLevel.CITY: "2201",
    RegionLevel.COUNTY: COUNTY,
    RegionLevel.TOWN: TOWN,
    RegionLevel.VILLAGE: VILLAGE,
}
GRANTER_REGION: dict[Role, str | None] = {
    Role.PROVINCE_ADMIN: "22",
    Role.CITY_ADMIN: "2201",
    Role.COUNTY_ADMIN: COUNTY,
    Role.COUNTY_STAFF: COUNTY,
    Role.TOWNSHIP_REVIEWER: TOWN,
    Role.VILLAGE_OFFICER: VILLAGE,
    Role.VILLAGE_TEAM: VILLAGE,
    Role.RESPONSIBLE_CADRE: VILLAGE,
    Role.DEPARTMENT_USER: COUNTY,
    Role.AUDITOR: COUNTY,
    Role.SYSTEM_ADMIN: None,
}

_PROVINCE_GRANTS = {
    Role.PROVINCE_ADMIN,
    Role.CITY_ADMIN,
    Role.RESPONSIBLE_CADRE,
    Role.DEPARTMENT_USER,
    Role.AUDITOR,
}
ALLOWED: dict[Role, set[Role]] = {
    # Policy and audit rights, no registry or personal data: nothing that edits households.
    Role.PROVINCE_ADMIN: _PROVINCE_GRANTS,
    Role.CITY_ADMIN: _PROVINCE_GRANTS - {Role.PROVINCE_ADMIN},
    Role.COUNTY_ADMIN: {
        Role.COUNTY_ADMIN,
        Role.COUNTY_STAFF,
        Role.TOWNSHIP_REVIEWER,
        Role.VILLAGE_OFFICER,
        Role.VILLAGE_TEAM,
        Role.RESPONSIBLE_CADRE,
        Role.DEPARTMENT_USER,
        Role.AUDITOR,
    },
    Role.SYSTEM_ADMIN: set(Role),
}

MATRIX = [
    pytest.param(granter, target, own, id=f"{granter.value}-{target.value}-{own}")
    for granter in Role
    for target in Role
    for own in ("own", "other")
]


def _target_region(granter_region: str | None, target: Role) -> str | None:
    """Where the target role is granted: its first level at or below the granter's, on the
    granter's path (else its own first level, which the grant must then refuse)."""
    levels = sorted(ROLE_RULES[target].levels)
    if granter_region is None:
        return None if ROLE_RULES[target].may_be_nationwide else REGION_AT[levels[0]]
    own_level = min(level for level, code in REGION_AT.items() if code == granter_region)
    below = [level for level in levels if level >= own_level]
    return REGION_AT[below[0] if below else levels[0]]


def _database_state() -> tuple[list[tuple[Any, ...]], int]:
    assignments = list(
        RegionAssignment.objects.order_by("id").values_list(
            "user_id", "role", "region_id", "is_active"
        )
    )
    return assignments, AuditEvent.objects.count()


@pytest.fixture
def tree(db: None) -> None:
    make_regions()


@pytest.mark.parametrize(("granter_role", "target_role", "own"), MATRIX)
def test_role_assign_follows_the_grant_matrix(
    tree: None, granter_role: Role, target_role: Role, own: str
) -> None:
    # given a granter acting in their role, and the account that is to get a role
    granter = make_user("granter", granter_role, GRANTER_REGION[granter_role])
    target = granter if own == "own" else make_user("target", None, None)
    scope = scope_for(granter)
    assert scope is not None
    region = _target_region(GRANTER_REGION[granter_role], target_role)
    allowed = own == "other" and target_role in ALLOWED.get(granter_role, set())
    before = _database_state()
    # when the granter hands out the role
    if allowed:
        assignment = role_assign(
            actor=granter, scope=scope, user=target, role=target_role, region_code=region or ""
        )
        # then the target has it, audited
        assert (assignment.user_id, assignment.role, assignment.region_id) == (
            target.pk,
            target_role.value,
            region,
        )
        assert AuditEvent.objects.filter(action="accounts.role_assign").count() == 1
    else:
        with pytest.raises(PermissionDeniedError):
            role_assign(
                actor=granter, scope=scope, user=target, role=target_role, region_code=region or ""
            )
        # then nothing changed
        assert _database_state() == before


@pytest.mark.parametrize(("granter_role", "target_role", "own"), MATRIX)
def test_role_revoke_follows_the_grant_matrix(
    tree: None, granter_role: Role, target_role: Role, own: str
) -> None:
    # given an account holding the target role where the granter would grant it
    granter = make_user("granter", granter_role, GRANTER_REGION[granter_role])
    target = granter if own == "own" else make_user("target", None, None)
    region = _target_region(GRANTER_REGION[granter_role], target_role)
    held, _created = RegionAssignment.objects.get_or_create(
        user=target, role=target_role, region_id=region
    )
    scope = scope_for(granter)
    assert scope is not None
    allowed = own == "other" and target_role in ALLOWED.get(granter_role, set())
    before = _database_state()
    # when the granter revokes it
    if allowed:
        role_revoke(actor=granter, scope=scope, assignment_id=held.pk)
        held.refresh_from_db()
        assert held.is_active is False
        assert AuditEvent.objects.filter(action="accounts.role_revoke").count() == 1
    else:
        # out of the subtree it is "not found", inside it "not allowed": both refuse
        with pytest.raises((PermissionDeniedError, NotFoundError)):
            role_revoke(actor=granter, scope=scope, assignment_id=held.pk)
        assert _database_state() == before


@pytest.mark.parametrize("granter_role", list(Role))
def test_grantable_roles_offers_exactly_the_matrix(db: None, granter_role: Role) -> None:
    make_regions()
    granter = make_user("granter", granter_role, GRANTER_REGION[granter_role])
    scope = scope_for(granter)
    assert scope is not None
    assert set(grantable_roles(scope)) == ALLOWED.get(granter_role, set())


def test_a_city_administrator_cannot_make_themselves_county_administrator(tree: None) -> None:
    # given the reviewer's finding: a city administrator posting a county role for themselves
    city_admin = make_user("city_admin", Role.CITY_ADMIN, "2201")
    client = client_for(city_admin)
    response = client.post(
        reverse("accounts:user-detail", args=[city_admin.pk]),
        {"action": "assign", "role": Role.COUNTY_ADMIN, "region_code": COUNTY},
        follow=True,
    )
    # then the role is not offered, the grant is refused and nothing changed
    assert response.status_code == 400
    assert list(
        RegionAssignment.objects.filter(user=city_admin).values_list("role", flat=True)
    ) == [Role.CITY_ADMIN.value]
    assert not AuditEvent.objects.filter(action="accounts.role_assign").exists()


def test_own_account_page_offers_no_role_changes(tree: None) -> None:
    county_admin = make_user("county_admin", Role.COUNTY_ADMIN, COUNTY)
    body = (
        client_for(county_admin)
        .get(reverse("accounts:user-detail", args=[county_admin.pk]))
        .content.decode()
    )
    assert 'data-testid="own-account-note"' in body
    assert 'value="revoke"' not in body
    assert 'value="assign"' not in body


def test_user_page_offers_only_grantable_roles(tree: None) -> None:
    city_admin = make_user("city_admin", Role.CITY_ADMIN, "2201")
    other = make_user("other", Role.AUDITOR, COUNTY)
    body = (
        client_for(city_admin)
        .get(reverse("accounts:user-detail", args=[other.pk]))
        .content.decode()
    )
    offered = {role for role in Role if f'value="{role.value}"' in body}
    assert offered == ALLOWED[Role.CITY_ADMIN]


@pytest.mark.parametrize(
    ("granter_role", "target_role"),
    [pytest.param(g, t, id=f"{g.value}-{t.value}") for g in Role for t in Role],
)
def test_user_create_follows_the_grant_matrix(
    tree: None, granter_role: Role, target_role: Role
) -> None:
    # a new account is the other way to hand out a role (and then sign in with it)
    granter = make_user("granter", granter_role, GRANTER_REGION[granter_role])
    scope = scope_for(granter)
    assert scope is not None
    region = _target_region(GRANTER_REGION[granter_role], target_role)
    before = _database_state()
    users = User.objects.count()
    create = partial(
        user_create,
        actor=granter,
        scope=scope,
        username="new_account",
        password="A-strong-passphrase-1",
        full_name="新账号",
        role=target_role,
        region_code=region or "",
    )
    if target_role in ALLOWED.get(granter_role, set()):
        created = create()
        assert list(created.assignments.values_list("role", "region_id")) == [
            (target_role.value, region)
        ]
    else:
        with pytest.raises(PermissionDeniedError):
            create()
        assert _database_state() == before
        assert User.objects.count() == users
