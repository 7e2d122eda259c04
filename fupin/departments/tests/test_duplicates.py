"""The duplicate-person review queue: what is proposed, confirmed (merged) and dismissed."""

import re
from datetime import date

import pytest

from fupin.accounts.models import Role
from fupin.audit.models import AuditEvent
from fupin.core.errors import NotFoundError, PermissionDeniedError
from fupin.departments.models import DuplicateCandidate, DuplicateStatus
from fupin.departments.services import (
    duplicate_candidates_find,
    duplicate_confirm,
    duplicate_dismiss,
)
from fupin.registry import codes
from fupin.registry.idnumbers import check_character
from fupin.registry.models import Household, Member
from fupin.registry.services import MemberData, household_register
from fupin.registry.tests import factories
from tests.support import (
    COUNTY,
    OTHER_COUNTY,
    VILLAGE,
    Actors,
    client_for,
    make_user,
    nothing_changes,
    scope_of,
)


def _valid(first17: str) -> str:
    return first17 + check_character(first17)


def _single(
    actors: Actors, number: str, name: str, id_number: str, born: date, village: str = VILLAGE
) -> Member:
    user = (
        actors.village_officer
        if village == VILLAGE
        else make_user(f"officer{number}", Role.VILLAGE_OFFICER, village)
    )
    household = household_register(
        actor=user,
        scope=scope_of(user),
        data=factories.household(number, village),
        members=[MemberData(name=name, id_number=id_number, relation=codes.Relation.HEAD)],
    )
    return household.members.get(relation=codes.Relation.HEAD)


def _find(region: str = COUNTY) -> int:
    return duplicate_candidates_find(actor=None, scope=None, region_code=region).proposed


def test_one_digit_off_and_swapped_digits_are_proposed_once(actors: Actors) -> None:
    first = _single(actors, "D1", "张三", _valid("22012219800101123"), date(1980, 1, 1))
    typo = _single(actors, "D2", "张叁", _valid("22012219800101124"), date(1980, 1, 1))
    swapped = _single(actors, "D3", "李四", _valid("22012219750203456"), date(1975, 2, 3))
    swapped_twin = _single(actors, "D4", "李斯", _valid("22012219750203465"), date(1975, 2, 3))

    assert _find() == 2
    assert _find() == 0

    found = set(DuplicateCandidate.objects.values_list("kept_id", "other_id", "reason"))
    assert found == {
        (first.pk, typo.pk, "one_digit"),
        (swapped.pk, swapped_twin.pk, "transposed"),
    }


def test_same_name_birth_and_village_is_proposed(actors: Actors) -> None:
    one = _single(actors, "E1", "王 五", _valid("22012219900505111"), date(1990, 5, 5))
    two = _single(actors, "E2", "王五", _valid("22012219900505999"), date(1990, 5, 5))
    assert _find() == 1
    assert DuplicateCandidate.objects.get().reason == "name_birth_village"
    assert (
        DuplicateCandidate.objects.get().kept_id,
        DuplicateCandidate.objects.get().other_id,
    ) == (one.pk, two.pk)


def test_people_in_two_counties_are_looked_for_from_the_city_up(actors: Actors) -> None:
    _single(actors, "F1", "赵六", _valid("22012219851111222"), date(1985, 11, 11))
    _single(
        actors,
        "F2",
        "赵六",
        _valid("22011219851111888"),
        date(1985, 11, 11),
        village="220112100201",
    )
    assert _find(COUNTY) == 0
    assert _find(OTHER_COUNTY) == 0
    assert _find("2201") == 1
    assert DuplicateCandidate.objects.get().reason == "across_counties"


def test_confirming_ends_the_later_record_and_dismissing_is_remembered(actors: Actors) -> None:
    kept = _single(actors, "G1", "张三", _valid("22012219800101123"), date(1980, 1, 1))
    other = _single(actors, "G2", "张三", _valid("22012219800101124"), date(1980, 1, 1))
    _single(actors, "G3", "孙七", _valid("22012219700707777"), date(1970, 7, 7))
    _single(actors, "G4", "孙七", _valid("22012219700707778"), date(1970, 7, 7))
    _find()
    merge, keep_apart = DuplicateCandidate.objects.order_by("id")
    county = scope_of(actors.county_admin)

    duplicate_confirm(actor=actors.county_admin, scope=county, candidate_id=merge.pk)
    duplicate_dismiss(
        actor=actors.county_admin, scope=county, candidate_id=keep_apart.pk, note="两人"
    )

    other.refresh_from_db()
    assert (other.is_active, other.removal_reason) == (False, codes.RemovalReason.OTHER)
    assert "G1" in other.removal_note
    kept.refresh_from_db()
    assert kept.is_active
    assert set(DuplicateCandidate.objects.values_list("status", flat=True)) == {
        DuplicateStatus.CONFIRMED,
        DuplicateStatus.DISMISSED,
    }
    assert AuditEvent.objects.filter(action="registry.member_remove").count() == 1
    assert _find() == 0


@pytest.mark.parametrize(
    ("who", "error"),
    [("other_county_admin", NotFoundError), ("township_reviewer", PermissionDeniedError)],
)
def test_only_a_registry_keeper_of_the_region_decides(
    actors: Actors, who: str, error: type[Exception]
) -> None:
    _single(actors, "H1", "张三", _valid("22012219800101123"), date(1980, 1, 1))
    _single(actors, "H2", "张三", _valid("22012219800101124"), date(1980, 1, 1))
    _find()
    candidate = DuplicateCandidate.objects.get()
    user = getattr(actors, who)
    with nothing_changes(candidate), pytest.raises(error):
        duplicate_confirm(actor=user, scope=scope_of(user), candidate_id=candidate.pk)


def test_the_queue_page_shows_the_region_s_pairs_and_confirms(actors: Actors) -> None:
    _single(actors, "J1", "张三", _valid("22012219800101123"), date(1980, 1, 1))
    other = _single(actors, "J2", "张三", _valid("22012219800101124"), date(1980, 1, 1))
    _find()
    candidate = DuplicateCandidate.objects.get()
    page = client_for(actors.county_admin).get("/quality/duplicates/").content.decode()
    assert candidate.get_reason_display() in page
    # As a word: a short 户编号 like "J2" may occur inside the page's random CSRF token.
    number = re.compile(rf"(?<![0-9A-Za-z]){re.escape(other.household.number)}(?![0-9A-Za-z])")
    assert number.search(page)
    hidden = client_for(actors.other_county_admin).get("/quality/duplicates/").content.decode()
    assert not number.search(hidden)

    client_for(actors.county_admin).post(
        f"/quality/duplicates/{candidate.pk}/", {"decision": "confirm"}
    )

    assert Member.objects.get(pk=other.pk).is_active is False
    assert Household.objects.filter(number="J2").exists()
