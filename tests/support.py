"""Named actors, a small real region tree and the scope-matrix helper used across apps."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import Model
from django.test import Client

from fupin.accounts.models import RegionAssignment, Role, User
from fupin.accounts.scoping import scope_for
from fupin.core.scope import RegionScope
from fupin.registry.models import Region

PASSWORD = "Correct-Horse-Battery-9"

# A slice of the real 2023 table: 吉林省长春市 with two counties, two towns, three villages.
REGION_TREE: list[tuple[str, str, int, str | None]] = [
    ("22", "吉林省", 1, None),
    ("2201", "长春市", 2, "22"),
    ("220122", "农安县", 3, "2201"),
    ("220112", "双阳区", 3, "2201"),
    ("220122101", "伏龙泉镇", 4, "220122"),
    ("220122102", "哈拉海镇", 4, "220122"),
    ("220112100", "奢岭街道", 4, "220112"),
    ("220122101201", "东榛柴村委会", 5, "220122101"),
    ("220122101202", "兴隆村委会", 5, "220122101"),
    ("220112100201", "奢岭村委会", 5, "220112100"),
    ("11", "北京市", 1, None),
]

VILLAGE = "220122101201"
OTHER_VILLAGE = "220122101202"
TOWN = "220122101"
COUNTY = "220122"
OTHER_COUNTY = "220112"


def make_regions() -> None:
    Region.objects.bulk_create(
        [
            Region(code=code, name=name, level=level, parent_id=parent, table_year=2023)
            for code, name, level, parent in REGION_TREE
        ]
    )


def make_user(username: str, role: Role | None, region_code: str | None) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, full_name=username)
    if role is not None:
        RegionAssignment.objects.create(user=user, role=role, region_id=region_code)
    return user


@dataclass(frozen=True)
class Actors:
    village_officer: User
    other_village_officer: User
    township_reviewer: User
    county_admin: User
    other_county_admin: User
    province_admin: User
    auditor: User
    system_admin: User
    no_role: User


def make_actors() -> Actors:
    return Actors(
        village_officer=make_user("village_officer", Role.VILLAGE_OFFICER, VILLAGE),
        other_village_officer=make_user("other_village", Role.VILLAGE_OFFICER, OTHER_VILLAGE),
        township_reviewer=make_user("township", Role.TOWNSHIP_REVIEWER, TOWN),
        county_admin=make_user("county_admin", Role.COUNTY_ADMIN, COUNTY),
        other_county_admin=make_user("other_county_admin", Role.COUNTY_ADMIN, OTHER_COUNTY),
        province_admin=make_user("province_admin", Role.PROVINCE_ADMIN, "22"),
        auditor=make_user("auditor", Role.AUDITOR, COUNTY),
        system_admin=make_user("system_admin", Role.SYSTEM_ADMIN, None),
        no_role=make_user("no_role", None, None),
    )


def scope_of(user: User) -> RegionScope:
    """The scope of the user's active assignment (every named actor but `no_role` has one)."""
    scope = scope_for(user)
    assert scope is not None, f"{user.username} has no role"
    return scope


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@dataclass(frozen=True)
class Expectation:
    """What one actor should get: a status code, and texts that must (not) appear."""

    status: int
    shows: tuple[str, ...] = ()
    hides: tuple[str, ...] = ()


def assert_scope_matrix(
    request: Callable[[Client], object],
    expectations: dict[User | None, Expectation],
) -> None:
    """Call `request` as each actor (None = anonymous) and check status and content.

    Anonymous users are expected to be redirected to the login page (302) unless stated.
    """
    for user, expected in expectations.items():
        response = request(client_for(user))
        who = user.username if user is not None else "anonymous"
        status = getattr(response, "status_code", None)
        assert status == expected.status, f"{who}: status {status}, expected {expected.status}"
        body = getattr(response, "content", b"").decode()
        for text in expected.shows:
            assert text in body, f"{who}: expected to see {text!r}"
        for text in expected.hides:
            assert text not in body, f"{who}: must not see {text!r}"


def _database_state(objects: tuple[Model, ...]) -> dict[str, Any]:
    state: dict[str, Any] = {
        model._meta.label: model._default_manager.count() for model in apps.get_models()
    }
    for obj in objects:
        row = type(obj)._default_manager.filter(pk=obj.pk).values().first()
        state[f"{obj._meta.label}#{obj.pk}"] = row
    return state


@contextmanager
def nothing_changes(*objects: Model) -> Iterator[None]:
    """Assert that the block leaves the database as it found it: the same number of rows in
    every table (so no audit event either) and the same values in the given rows. Wrap a
    refusal in it: `with nothing_changes(case), pytest.raises(PermissionDeniedError): ...`."""
    before = _database_state(objects)
    yield
    after = _database_state(objects)
    changed = {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}
    assert not changed, f"changed: {sorted(changed)}"
