"""`Household.active_member_count` equals a live count of active members after every kind of
registry write that adds, removes or moves members, and the lists read it (issue #17)."""

import dataclasses
import datetime
import importlib
from types import SimpleNamespace

import polars as pl
import pytest
from django.db import connection
from django.db.models import Count, F, Q

from fupin.core.scope import RegionScope
from fupin.imports.tests.support import FEMALE, MALE, SON, household_rows, id_number, member_row
from fupin.imports.validation import validate_members
from fupin.registry import codes
from fupin.registry.models import MEMBER_NAMES_SEPARATOR, Household, Member
from fupin.registry.selectors import HouseholdFilters, household_counts, household_list
from fupin.registry.services import (
    household_register,
    member_add,
    member_bulk_upsert,
    member_move,
    member_remove,
    member_update,
)
from fupin.registry.services.member_counts import active_members_refresh
from fupin.registry.tests import factories
from tests.support import OTHER_VILLAGE, VILLAGE, Actors, scope_of

pytestmark = pytest.mark.django_db

fill_counts = importlib.import_module(
    "fupin.registry.migrations.0008_household_active_member_count"
).fill_counts
fill_names = importlib.import_module(
    "fupin.registry.migrations.0009_household_active_member_names"
).fill_names


def _stored_and_live() -> dict[str, tuple[int, int]]:
    """{户编号: (stored count, live count)} for every household; also checks that the
    stored names are those of the active members."""
    live = Count("members", filter=Q(members__is_active=True))
    names: dict[str, list[str]] = {}
    for number, name in Member.objects.filter(is_active=True).values_list(
        "household__number", "name"
    ):
        names.setdefault(number, []).append(name)
    stored_names = {
        number: sorted(joined.split(MEMBER_NAMES_SEPARATOR)) if joined else []
        for number, joined in Household.objects.values_list("number", "active_member_names")
    }
    assert stored_names == {number: sorted(names.get(number, [])) for number in stored_names}
    return {
        number: (stored, counted)
        for number, stored, counted in Household.objects.annotate(live=live).values_list(
            "number", "active_member_count", "live"
        )
    }


def _assert_counts_current() -> dict[str, int]:
    both = _stored_and_live()
    assert {number: pair[0] for number, pair in both.items()} == {
        number: pair[1] for number, pair in both.items()
    }
    return {number: pair[0] for number, pair in both.items()}


def _register(actors: Actors, number: str, village: str = VILLAGE) -> Household:
    officer = actors.village_officer if village == VILLAGE else actors.other_village_officer
    return household_register(
        actor=officer,
        scope=scope_of(officer),
        data=factories.household(number, village),
        members=factories.family(),
    )


def test_member_services_keep_the_count(actors: Actors) -> None:
    officer = actors.village_officer
    scope = scope_of(officer)
    source = _register(actors, "H001")
    target = _register(actors, "H002")
    assert source.active_member_count == 3
    assert _assert_counts_current() == {"H001": 3, "H002": 3}

    member_add(
        actor=officer,
        scope=scope,
        household=source,
        data=factories.member("张小红", codes.Relation.DAUGHTER, datetime.date(2014, 6, 1)),
    )
    assert _assert_counts_current() == {"H001": 4, "H002": 3}

    daughter = source.members.get(name="张小红")
    member_update(
        actor=officer,
        scope=scope,
        member=daughter,
        expected_version=daughter.version,
        data=dataclasses.replace(
            factories.member("张晓红", codes.Relation.DAUGHTER, datetime.date(2014, 6, 1)),
            id_number=daughter.id_number,
        ),
    )
    assert _assert_counts_current() == {"H001": 4, "H002": 3}
    assert "张晓红" in Household.objects.get(number="H001").active_member_names
    daughter.refresh_from_db()
    member_move(
        actor=officer,
        scope=scope,
        member=daughter,
        expected_version=daughter.version,
        target_household=target,
        relation=codes.Relation.GRANDDAUGHTER,
        reason=codes.RemovalReason.MIGRATION,
        moved_on=datetime.date(2025, 5, 1),
    )
    assert _assert_counts_current() == {"H001": 3, "H002": 4}

    # Removing everyone, the head last (the household is then cancelled), ends at zero.
    for member in source.members.filter(is_active=True).order_by("-relation"):
        member_remove(
            actor=officer,
            scope=scope,
            member=member,
            expected_version=member.version,
            reason=codes.RemovalReason.DEATH,
            removal_date=datetime.date(2025, 6, 1),
        )
        assert _stored_and_live()["H001"][0] == _stored_and_live()["H001"][1]
    assert _assert_counts_current() == {"H001": 0, "H002": 4}


def _valid(rows: list[dict[str, str]]) -> pl.DataFrame:
    for row in rows:
        row["行政区划代码"] = VILLAGE
        row.setdefault("主要致贫原因", "因病")
    result = validate_members(
        pl.DataFrame(rows), scope_prefix="", existing_people={}, today=datetime.date(2025, 6, 1)
    )
    assert result.ok, result.errors
    return result.valid


def _import(actors: Actors, rows: list[dict[str, str]]) -> None:
    scope = RegionScope(
        role="system", role_label="", prefix="220122", root_prefix="220122", region_name=""
    )
    member_bulk_upsert(actor=actors.county_admin, scope=scope, rows=_valid(rows))


def test_imports_keep_the_count(actors: Actors) -> None:
    registered = _register(actors, "H900")
    # A new household of three, and one existing household gaining a member.
    daughter = id_number(birth="20120303", sequence="022")
    _import(actors, household_rows())
    assert _assert_counts_current() == {"H001": 3, "H900": 3}

    _import(
        actors,
        [
            *household_rows(),
            member_row(姓名="张妞", 证件号码=daughter, 性别="女", 与户主关系="之女"),
        ],
    )
    assert _assert_counts_current() == {"H001": 4, "H900": 3}

    # A corrected row does not count twice; a renamed member is listed by the new name.
    _import(
        actors,
        [
            *household_rows()[:2],
            member_row(姓名="张晓", 证件号码=SON, 与户主关系="之子", 民族="满族"),
        ],
    )
    assert _assert_counts_current() == {"H001": 4, "H900": 3}
    assert "张晓" in Household.objects.get(number="H001").active_member_names

    registered.refresh_from_db()
    assert registered.active_member_count == 3
    assert {MALE, FEMALE, SON} <= set(Member.objects.values_list("id_number", flat=True))


def test_the_migration_fills_every_household_from_its_members(actors: Actors) -> None:
    _register(actors, "H001")
    _register(actors, "H002", OTHER_VILLAGE)
    Household.objects.create(
        number="H003", village_id=VILLAGE, primary_cause=codes.PovertyCause.ILLNESS
    )
    # As the migrations find them: the columns just added, at their defaults.
    Household.objects.update(active_member_count=0, active_member_names="")
    Member.objects.filter(household__number="H002", relation=codes.Relation.SON).update(
        is_active=False, removal_reason=codes.RemovalReason.DEATH
    )

    # Only the editor's connection is used; a real editor cannot open inside the test's
    # transaction on SQLite.
    fill_counts(None, SimpleNamespace(connection=connection))
    fill_names(None, SimpleNamespace(connection=connection))

    assert _assert_counts_current() == {"H001": 3, "H002": 2, "H003": 0}


def test_a_recount_repairs_any_household_it_is_given(actors: Actors) -> None:
    household = _register(actors, "H001")
    Household.objects.filter(pk=household.pk).update(active_member_count=0)
    active_members_refresh([household.pk, household.pk])
    assert _assert_counts_current() == {"H001": 3}


def test_the_list_and_its_totals_read_the_stored_count(actors: Actors) -> None:
    _register(actors, "H001")
    _register(actors, "H002", OTHER_VILLAGE)
    # A stored count that differs from the members shows the list does not count them.
    Household.objects.filter(number="H002").update(active_member_count=F("active_member_count") + 5)
    households = household_list(scope=scope_of(actors.county_admin), filters=HouseholdFilters())
    listed = households.values_list("number", "member_count")  # type: ignore[misc]
    assert dict(listed) == {"H001": 3, "H002": 8}
    assert household_counts(households)["people"] == 11
