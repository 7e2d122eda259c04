import pytest

from fupin.accounts.models import RegionAssignment, Role
from fupin.accounts.scoping import grantable_roles, role_allows_level, scope_for
from fupin.core.region_codes import RegionLevel
from fupin.core.scope import Capability
from fupin.registry.models import Region
from tests.support import COUNTY, OTHER_VILLAGE, TOWN, VILLAGE, Actors


def test_a_village_officer_sees_only_their_village(actors: Actors) -> None:
    scope = scope_for(actors.village_officer)
    assert scope is not None
    visible = scope.filter(Region.objects.all(), region_field="code")
    assert list(visible.values_list("code", flat=True)) == [VILLAGE]
    assert scope.contains(VILLAGE)
    assert not scope.contains(OTHER_VILLAGE)
    assert not scope.contains(TOWN)


def test_a_county_administrator_sees_the_county_subtree(actors: Actors) -> None:
    scope = scope_for(actors.county_admin)
    assert scope is not None
    visible = set(
        scope.filter(Region.objects.all(), region_field="code").values_list("code", flat=True)
    )
    assert visible == {COUNTY, TOWN, "220122102", VILLAGE, OTHER_VILLAGE}
    assert scope.can(Capability.MANAGE_USERS)
    assert scope.can(Capability.VIEW_AUDIT)
    assert not scope.can(Capability.LOAD_REGIONS)


def test_a_nationwide_system_administrator_sees_everything(actors: Actors) -> None:
    scope = scope_for(actors.system_admin)
    assert scope is not None
    assert scope.prefix == ""
    assert scope.filter(Region.objects.all(), region_field="code").count() == Region.objects.count()


def test_drill_down_narrows_but_never_widens(actors: Actors) -> None:
    narrowed = scope_for(actors.county_admin, focus_code=TOWN)
    assert narrowed is not None
    assert (narrowed.prefix, narrowed.root_prefix) == (TOWN, COUNTY)
    assert not narrowed.contains("220122102")
    widened = scope_for(actors.village_officer, focus_code="22")
    assert widened is not None
    assert widened.prefix == VILLAGE


def test_a_user_without_assignment_has_no_scope(actors: Actors) -> None:
    assert scope_for(actors.no_role) is None


def test_inactive_assignments_give_no_scope(actors: Actors) -> None:
    RegionAssignment.objects.filter(user=actors.village_officer).update(is_active=False)
    assert scope_for(actors.village_officer) is None


def test_a_user_with_two_roles_acts_in_the_chosen_one(actors: Actors) -> None:
    second = RegionAssignment.objects.create(
        user=actors.village_officer, role=Role.VILLAGE_TEAM, region_id=OTHER_VILLAGE
    )
    default = scope_for(actors.village_officer)
    chosen = scope_for(actors.village_officer, assignment_id=second.pk)
    assert default is not None
    assert default.prefix == VILLAGE
    assert chosen is not None
    assert chosen.prefix == OTHER_VILLAGE


def test_administrators_are_offered_only_roles_they_may_grant(actors: Actors) -> None:
    county = scope_for(actors.county_admin)
    assert county is not None
    offered = set(grantable_roles(county))
    assert Role.VILLAGE_OFFICER in offered
    assert Role.COUNTY_ADMIN in offered
    assert offered.isdisjoint({Role.PROVINCE_ADMIN, Role.CITY_ADMIN, Role.SYSTEM_ADMIN})
    system = scope_for(actors.system_admin)
    assert system is not None
    assert set(grantable_roles(system)) == set(Role)


@pytest.mark.parametrize(
    ("role", "level", "allowed"),
    [
        (Role.VILLAGE_OFFICER, RegionLevel.VILLAGE, True),
        (Role.VILLAGE_OFFICER, RegionLevel.TOWN, False),
        (Role.TOWNSHIP_REVIEWER, RegionLevel.TOWN, True),
        (Role.COUNTY_ADMIN, RegionLevel.COUNTY, True),
        (Role.COUNTY_ADMIN, RegionLevel.PROVINCE, False),
        (Role.PROVINCE_ADMIN, RegionLevel.PROVINCE, True),
        (Role.SYSTEM_ADMIN, None, True),
        (Role.COUNTY_ADMIN, None, False),
        (Role.AUDITOR, RegionLevel.TOWN, True),
    ],
)
def test_roles_sit_at_their_levels(role: Role, level: RegionLevel | None, allowed: bool) -> None:
    assert role_allows_level(role, level) is allowed
