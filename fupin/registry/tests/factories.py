"""Plain data for registry tests: valid ID numbers, member/household inputs, levels."""

from collections.abc import Iterable
from datetime import date
from itertools import count

from django.utils import timezone

from fupin.registry import codes
from fupin.registry.idnumbers import check_character
from fupin.registry.models import Household, HouseholdLevel
from fupin.registry.services import HouseholdData, MemberData

_sequence = count(100)


def id_number(birth: date, *, male: bool, county: str = "220122") -> str:
    """A valid 18-character number, unique within the test run."""
    serial = next(_sequence) % 500 * 2 + (1 if male else 0)
    first17 = f"{county}{birth:%Y%m%d}{serial:03d}"
    return first17 + check_character(first17)


def member(
    name: str,
    relation: str,
    birth: date,
    *,
    male: bool = True,
    **extra: object,
) -> MemberData:
    return MemberData(
        name=name,
        id_number=id_number(birth, male=male),
        relation=relation,
        **extra,  # type: ignore[arg-type]
    )


def family() -> list[MemberData]:
    """A head, a spouse and a school child."""
    return [
        member("张建国", codes.Relation.HEAD, date(1970, 5, 1), male=True),
        member("李秀兰", codes.Relation.SPOUSE, date(1972, 8, 9), male=False),
        member(
            "张小明",
            codes.Relation.SON,
            date(2012, 3, 4),
            male=True,
            schooling=codes.Schooling.GRADE_7,
            labor_skill=codes.LaborSkill.NONE,
        ),
    ]


def household(number: str, village: str, **extra: object) -> HouseholdData:
    values: dict[str, object] = {
        "number": number,
        "village_code": village,
        "primary_cause": codes.PovertyCause.ILLNESS,
        "phone": "13912345678",
        "bank_account": "6221881234567890123",
    }
    values.update(extra)
    return HouseholdData(**values)  # type: ignore[arg-type]


def assessed_level(household_ids: Iterable[int], **values: object) -> None:
    """Give households an assessment level row (HouseholdLevel) with `values`, as a run
    would, replacing those values where the household has a row already."""
    ids = list(household_ids)
    # The row carries its household's village, as the writer keeps it (ADR 0029).
    villages = dict(Household.objects.filter(pk__in=ids).values_list("pk", "village_id"))
    rows = [
        HouseholdLevel(
            household_id=household_id,
            assessed_at=timezone.now(),
            village_code=villages.get(household_id, ""),
            **values,
        )
        for household_id in ids
    ]
    HouseholdLevel.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["household"],
        update_fields=[*values, "village_code"],
    )
