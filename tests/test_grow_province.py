"""`benchmarks/grow_province.py`: a county copied in SQL is a valid county of its own."""

import random
from collections import Counter

import pytest
from django.db import connection
from django.db.models import Count, Sum

from benchmarks.grow_province import grow_county, grow_province, id_number_sql, village_pairs
from fupin.audit.models import AuditEvent
from fupin.registry import region_data
from fupin.registry.idnumbers import check_character, parse_id_number
from fupin.registry.models import (
    Household,
    HouseholdConditions,
    HouseholdStatusEvent,
    HouseholdYear,
    Member,
    Region,
)
from fupin.registry.synthetic import household_bulk_generate
from fupin.reports.models import HouseholdTally
from fupin.reports.tallies import tally_rebuild

pytestmark = pytest.mark.django_db(transaction=False)

SOURCE = "220421"  # 东丰县: 229 村委会
TARGET = "220402"  # 龙山区: 30 村委会, so several source villages share one
PROVINCE_SOURCE = "220422"  # 东辽县


def _load_counties(*counties: str) -> None:
    rows = {}
    for level_file in region_data.LEVEL_FILES:
        frame = region_data.read_level(level_file, province_code="22")
        for code, name, level, parent in frame.iter_rows():
            if any(county.startswith(code) or code.startswith(county) for county in counties):
                rows[code] = (name, level, parent)
    Region.objects.bulk_create(
        Region(code=code, name=name, level=level, parent_id=parent, table_year=2023)
        for code, (name, level, parent) in sorted(rows.items(), key=lambda item: len(item[0]))
    )


@pytest.fixture
def source(db: None) -> str:
    _load_counties(SOURCE, TARGET, PROVINCE_SOURCE)
    household_bulk_generate(county_code=SOURCE, households=300, seed=7)
    return SOURCE


def _in(county: str) -> dict[str, str]:
    return {"village__code__startswith": county}


def test_a_copied_county_has_the_same_households_in_its_own_villages(source: str) -> None:
    # when
    grown = grow_county(target=TARGET, source=source, progress=lambda _message: None)
    # then
    assert (grown.households, grown.members) == (
        300,
        Member.objects.filter(household__village__code__startswith=source).count(),
    )
    copies = Household.objects.filter(**_in(TARGET))
    originals = Household.objects.filter(**_in(source))
    assert copies.count() == 300
    villages = set(
        Region.objects.filter(code__startswith=TARGET, level=5).values_list("code", flat=True)
    )
    assert set(copies.values_list("village_id", flat=True)) <= villages
    for household in copies:
        assert household.number.startswith(f"SYN{household.village_id}")
        assert len(household.number) == 20
        village = Region.objects.get(code=household.village_id)
        assert household.address.startswith(
            village.name.removesuffix("村民委员会").removesuffix("村委会")
        )
    assert Counter(copies.values_list("household_type", "status", "level__risk_level")) == Counter(
        originals.values_list("household_type", "status", "level__risk_level")
    )
    for model in (HouseholdYear, HouseholdConditions, HouseholdStatusEvent, Member):
        assert model.objects.filter(household__village__code__startswith=TARGET).count() == (
            model.objects.filter(household__village__code__startswith=source).count()
        ), model
    assert sorted(copies.values_list("active_member_count", flat=True)) == sorted(
        copies.annotate(n=Count("members")).values_list("n", flat=True)
    )
    income = ("wage_income", "transfer_income")
    assert HouseholdYear.objects.filter(household__village__code__startswith=TARGET).aggregate(
        *(Sum(field) for field in income)
    ) == HouseholdYear.objects.filter(household__village__code__startswith=source).aggregate(
        *(Sum(field) for field in income)
    )


def test_copied_members_get_valid_id_numbers_of_the_new_county(source: str) -> None:
    # when
    grow_county(target=TARGET, source=source, progress=lambda _message: None)
    # then
    copies = list(
        Member.objects.filter(household__village__code__startswith=TARGET).values_list(
            "id_number", "birth_date", "is_active"
        )
    )
    originals = set(
        Member.objects.filter(household__village__code__startswith=source).values_list(
            "id_number", flat=True
        )
    )
    assert len({number for number, _birth, _active in copies}) == len(copies) == len(originals)
    for number, birth_date, _active in copies:
        info = parse_id_number(number)
        assert number.startswith(TARGET)
        assert info.birth_date == birth_date
    assert {number[6:17] for number, _birth, _active in copies} == {
        number[6:17] for number in originals
    }


def test_the_sql_check_character_is_gb_11643s() -> None:
    # given
    rng = random.Random(3)  # noqa: S311 - test data, not secrets
    numbers = [f"{rng.randrange(10**17):017d}" + "0" for _ in range(300)]
    # when
    with connection.cursor() as cursor:
        moved = []
        for number in numbers:
            cursor.execute(
                f"SELECT {id_number_sql('given.number', TARGET)} FROM (SELECT %s AS number) given",  # noqa: S608
                [number],
            )
            moved.append(cursor.fetchone()[0])
    # then
    for number, result in zip(numbers, moved, strict=True):
        first17 = TARGET + number[6:17]
        assert result == first17 + check_character(first17)


def test_villages_are_spread_evenly_in_code_order() -> None:
    # given
    source = [(f"s{index}", "") for index in range(10)]
    target = [(f"t{index}", "") for index in range(3)]
    # when
    pairs = village_pairs(source, target)
    # then
    assert [pair[2] for pair in pairs] == ["t0"] * 4 + ["t1"] * 3 + ["t2"] * 3
    assert [pair[2] for pair in village_pairs(target, source)] == ["s0", "s3", "s6"]


def test_each_copy_is_audited_and_tallied_like_a_generated_county(source: str) -> None:
    # when
    grow_county(target=TARGET, source=source, progress=lambda _message: None)
    tally_rebuild()
    # then
    event = AuditEvent.objects.filter(region_code=TARGET).get()
    assert event.action == "registry.household_bulk_generate"
    assert event.changes["households"] == 300
    people = Member.objects.filter(
        household__village__code__startswith=TARGET, is_active=True
    ).count()
    for is_county_total in (False, True):
        tallied = HouseholdTally.objects.filter(
            village_code__startswith=TARGET, is_county_total=is_county_total
        ).aggregate(households=Sum("households"), people=Sum("people"))
        assert tallied == {"households": 300, "people": people}


def test_the_province_fills_only_the_empty_counties_round_the_sources(source: str) -> None:
    # given
    household_bulk_generate(county_code=PROVINCE_SOURCE, households=50, seed=8)
    counties = [SOURCE, PROVINCE_SOURCE, TARGET]
    # when
    first = grow_province(counties=counties, progress=lambda _message: None)
    second = grow_province(counties=counties, progress=lambda _message: None)
    # then
    assert [(grown.county, grown.source, grown.households) for grown in first] == [
        (TARGET, SOURCE, 300)
    ]
    assert second == []
    assert Household.objects.filter(**_in(TARGET)).count() == 300
