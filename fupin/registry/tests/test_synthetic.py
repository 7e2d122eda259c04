import datetime
import re
from collections import Counter, defaultdict
from decimal import Decimal
from functools import lru_cache
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import GeneratedField, Model, Sum

from fupin.audit.models import AuditEvent
from fupin.core.errors import ApplicationError
from fupin.registry import codes, region_data
from fupin.registry.idnumbers import parse_id_number
from fupin.registry.models import (
    Household,
    HouseholdConditions,
    HouseholdLevel,
    HouseholdStatusEvent,
    HouseholdYear,
    Member,
    Region,
)
from fupin.registry.status import EventFacts, derive_status
from fupin.registry.synthetic import GenerationResult, household_bulk_generate
from fupin.registry.synthetic.generator import CountyGenerator, Village
from fupin.registry.synthetic.writer import (
    CONDITION_FIELDS,
    EVENT_FIELDS,
    HOUSEHOLD_FIELDS,
    MEMBER_FIELDS,
    YEAR_FIELDS,
)
from fupin.registry.tests import factories
from tests.support import nothing_changes

pytestmark = pytest.mark.django_db(transaction=False)

COUNTY = "220421"  # 吉林省辽源市东丰县: 229 村委会
URBAN_DISTRICT = "110101"  # 北京市东城区: 社区 only
AMOUNTS = (
    "wage_income",
    "business_income",
    "property_income",
    "transfer_income",
    "business_expense",
    "insurance_claims",
    "compliant_out_of_pocket",
)
SEX_FROM_ID = {"male": codes.Sex.MALE, "female": codes.Sex.FEMALE}
Labor = codes.LaborSkill


@lru_cache(maxsize=4)
def _shipped_regions(county: str) -> tuple[tuple[str, str, int, str | None], ...]:
    """The county, its ancestors and its towns and villages from the shipped table."""
    rows = []
    for level_file in region_data.LEVEL_FILES:
        frame = region_data.read_level(level_file, province_code=county[:2])
        for code, name, level, parent in frame.iter_rows():
            if county.startswith(code) or code.startswith(county):
                rows.append((code, name, level, parent))
    return tuple(rows)


def _load_county(county: str) -> None:
    # A few hundred rows instead of a whole province keeps each test fast.
    Region.objects.bulk_create(
        Region(code=code, name=name, level=level, parent_id=parent, table_year=2023)
        for code, name, level, parent in _shipped_regions(county)
    )


@pytest.fixture
def county(db: None) -> str:
    _load_county(COUNTY)
    return COUNTY


@pytest.fixture
def generated(county: str) -> GenerationResult:
    return household_bulk_generate(county_code=county, households=400, seed=7, batch_households=150)


def _snapshot() -> tuple[tuple[tuple[str, str, str], ...], dict[str, Decimal]]:
    heads = tuple(
        Member.objects.filter(relation=codes.Relation.HEAD)
        .order_by("household__number")
        .values_list("household__number", "name", "id_number")
    )
    sums = HouseholdYear.objects.aggregate(**{name: Sum(name) for name in AMOUNTS})
    return heads, sums


def _ages() -> list[int]:
    return [2025 - birth.year for birth in Member.objects.values_list("birth_date", flat=True)]


# ---------------------------------------------------------------- determinism


def test_the_same_seed_gives_the_same_county_whatever_the_batch_size(county: str) -> None:
    # given
    household_bulk_generate(county_code=county, households=300, seed=7, batch_households=120)
    first = _snapshot()
    # when
    household_bulk_generate(county_code=county, households=300, seed=7, replace=True)
    # then
    assert _snapshot() == first
    assert len(first[0]) == 300
    assert all(total > 0 for name, total in first[1].items() if name.endswith("_income"))


def test_another_seed_gives_other_households(county: str) -> None:
    # given
    household_bulk_generate(county_code=county, households=300, seed=7)
    first = _snapshot()
    # when
    household_bulk_generate(county_code=county, households=300, seed=8, replace=True)
    # then
    second = _snapshot()
    assert second[0] != first[0]
    assert second[1] != first[1]


# ---------------------------------------------------------------- households and members


def test_every_household_has_exactly_one_active_head(generated: GenerationResult) -> None:
    heads = Counter(
        Member.objects.filter(is_active=True, relation=codes.Relation.HEAD).values_list(
            "household_id", flat=True
        )
    )
    assert sorted(heads) == sorted(Household.objects.values_list("id", flat=True))
    assert set(heads.values()) == {1}
    assert generated.households == Household.objects.count() == 400
    assert generated.members == Member.objects.count()


def test_every_household_stores_its_count_of_active_members(generated: GenerationResult) -> None:
    live = Counter(Member.objects.filter(is_active=True).values_list("household_id", flat=True))
    stored = dict(Household.objects.values_list("id", "active_member_count"))
    assert stored == {pk: live[pk] for pk in stored}
    assert sum(stored.values()) > 400


def test_id_numbers_are_valid_unique_and_agree_with_sex_and_birth_date(
    generated: GenerationResult,
) -> None:
    members = list(Member.objects.values_list("id_number", "sex", "birth_date"))
    assert len({number for number, _sex, _birth in members}) == len(members) == generated.members
    for number, sex, birth_date in members:
        info = parse_id_number(number)
        assert info.number == number
        assert info.address_code == COUNTY
        assert info.birth_date == birth_date
        assert SEX_FROM_ID[info.sex] == sex


def test_a_birth_date_whose_sequences_are_used_up_moves_to_the_next_day_of_its_year() -> None:
    # given a generator (no database needed) and the last day of a year
    generator = CountyGenerator(
        seed=1,
        county_code=COUNTY,
        county_name="东丰县",
        villages=[Village(code="220421001201", address_name="永青村")],
        households=1,
    )
    new_years_eve = datetime.date(1960, 12, 31)
    # when 501 men are born that day
    numbers = [generator._id_number(new_years_eve.toordinal(), True) for _man in range(501)]
    # then 500 take the odd sequences 001 … 999, and the next one moves to 1 January 1960
    assert [number[14:17] for _birth, number in numbers[:500]] == [
        f"{sequence:03d}" for sequence in range(1, 1000, 2)
    ]
    assert {birth for birth, _number in numbers[:500]} == {new_years_eve}
    assert numbers[500] == (datetime.date(1960, 1, 1), numbers[500][1])
    assert numbers[500][1][6:17] == "19600101001"
    assert all(parse_id_number(number).sex == "male" for _birth, number in numbers)


def test_households_are_placed_only_in_the_countys_village_committees(
    generated: GenerationResult,
) -> None:
    committees = set(
        Region.objects.filter(level=Region.Level.VILLAGE, code__startswith=COUNTY)
        .filter(code__regex=r"^[0-9]{9}[23][0-9]{2}$")
        .values_list("code", flat=True)
    )
    assert len(committees) == 229
    placed = Counter(Household.objects.values_list("village_id", flat=True))
    assert set(placed) <= committees
    # 400 households over 229 villages: spread out, not piled into a few
    assert len(placed) > 150
    assert max(placed.values()) <= 4
    for number, village in Household.objects.values_list("number", "village_id"):
        assert re.fullmatch(rf"SYN{village}[0-9]{{5}}", number)
    running = sorted(
        int(number[-5:]) for number in Household.objects.values_list("number", flat=True)
    )
    assert running.count(1) == len(placed)


def test_household_sizes_and_ages_follow_the_statistical_profile(county: str) -> None:
    # when
    household_bulk_generate(county_code=county, households=500, seed=7)
    # then
    sizes = Counter(Counter(Member.objects.values_list("household_id", flat=True)).values())
    assert sum(sizes.values()) == 500
    assert 0.08 <= sizes[1] / 500 <= 0.20
    assert 0.15 <= sizes[2] / 500 <= 0.32
    assert set(sizes) <= {1, 2, 3, 4, 5, 6, 7}
    assert 2.7 <= sum(size * count for size, count in sizes.items()) / 500 <= 3.6
    ages = _ages()
    assert 0.20 <= sum(age >= 60 for age in ages) / len(ages) <= 0.35
    assert 0.14 <= sum(age <= 15 for age in ages) / len(ages) <= 0.28
    causes = Counter(Household.objects.values_list("primary_cause", flat=True))
    assert causes.most_common(1)[0][0] == codes.PovertyCause.ILLNESS


def test_member_fields_are_codes_and_consistent_with_age(generated: GenerationResult) -> None:
    for member in Member.objects.all():
        age = 2025 - member.birth_date.year
        assert member.relation in codes.Relation.values
        assert member.education in codes.Education.values
        assert member.schooling in codes.Schooling.values
        assert member.health in codes.Health.values
        assert member.labor_skill in codes.LaborSkill.values
        assert member.migrant_work in codes.MigrantWork.values
        assert member.ethnicity in codes.Ethnicity.values
        assert 2 <= len(member.name) <= 3
        assert member.is_active
        if age < 16 or member.schooling != codes.Schooling.NOT_IN_SCHOOL:
            assert member.labor_skill == Labor.NONE
        if age >= 75:
            assert member.labor_skill in {Labor.LOST, Labor.NONE}
        if 6 <= age <= 11:
            assert member.schooling in {codes.Schooling.PRIMARY, codes.Schooling.NOT_IN_SCHOOL}
        if age < 3:
            assert member.education == codes.Education.PRESCHOOL
        if member.migrant_work == codes.MigrantWork.NONE:
            assert member.migrant_months == 0
        else:
            assert 16 <= age < 60
            assert member.labor_skill in {Labor.ORDINARY, Labor.SKILLED}
            assert 3 <= member.migrant_months <= 12
    heads = Member.objects.filter(relation=codes.Relation.HEAD)
    children = Member.objects.filter(relation__in=[codes.Relation.SON, codes.Relation.DAUGHTER])
    head_birth = dict(heads.values_list("household_id", "birth_date"))
    for household_id, birth_date in children.values_list("household_id", "birth_date"):
        assert 20 <= birth_date.year - head_birth[household_id].year <= 40


def test_household_headers_are_consistent_with_their_members(
    generated: GenerationResult,
) -> None:
    members: defaultdict[int, list[Member]] = defaultdict(list)
    for member in Member.objects.all():
        members[member.household_id].append(member)
    conditions = {record.household_id: record for record in HouseholdConditions.objects.all()}
    assert set(conditions) == set(members)
    for household in Household.objects.all():
        people = members[household.pk]
        others = [cause for cause in (household.other_cause_1, household.other_cause_2) if cause]
        assert household.primary_cause not in others
        assert len(set(others)) == len(others)
        assert household.group_name.endswith("组")
        assert household.address.endswith(household.group_name)
        assert re.fullmatch(r"1[358][0-9]{9}", household.phone)
        assert household.bank_account == "" or re.fullmatch(r"62[0-9]{17}", household.bank_account)
        if household.is_whole_household_without_labor:
            assert len(people) <= 3
            assert all(person.labor_skill in {Labor.NONE, Labor.LOST} for person in people)
        dibao = household.poverty_attribute == codes.PovertyAttribute.DIBAO
        tekun = household.poverty_attribute == codes.PovertyAttribute.TEKUN
        assert all(person.receives_dibao == dibao for person in people)
        assert all(person.receives_destitute_support == tekun for person in people)
        record = conditions[household.pk]
        assert record.year == 2025
        assert record.water_standard == codes.WaterStandard.STANDARD_2018
        assert record.is_housing_unsafe == (record.housing_grade in {"C", "D"})
        assert record.has_uninsured_member == any(
            not person.has_resident_medical_insurance for person in people
        )
        if record.has_dropout_child:
            assert any(
                6 <= 2025 - person.birth_date.year <= 15
                and person.schooling == codes.Schooling.NOT_IN_SCHOOL
                for person in people
            )


# ---------------------------------------------------------------- status and income


def test_denormalized_status_equals_what_the_events_imply(generated: GenerationResult) -> None:
    events: defaultdict[int, list[HouseholdStatusEvent]] = defaultdict(list)
    for event in HouseholdStatusEvent.objects.order_by("household_id", "occurred_on", "id"):
        events[event.household_id].append(event)
    kinds: Counter[tuple[str, ...]] = Counter()
    for household in Household.objects.all():
        history = events[household.pk]
        derived = derive_status(
            EventFacts(event.kind, event.year, event.monitoring_category) for event in history
        )
        assert (
            household.status,
            household.household_type,
            household.monitoring_category,
            household.exit_year,
        ) == (
            derived.status,
            derived.household_type,
            derived.monitoring_category,
            derived.exit_year,
        )
        dates = [event.occurred_on for event in history]
        assert dates == sorted(dates)
        assert len(set(dates)) == len(dates)
        assert dates[-1] <= datetime.date(2025, 12, 31)
        for event in history:
            assert event.year == event.occurred_on.year
            if event.kind == HouseholdStatusEvent.Kind.MONITORING_IDENTIFIED:
                assert event.identified_month == event.occurred_on.strftime("%Y%m")
                assert 1 <= len(event.risk_types) <= 3
                assert set(event.risk_types) <= set(codes.RiskType.values)
            if event.kind == HouseholdStatusEvent.Kind.REGISTERED_POOR:
                assert 2014 <= event.year <= 2016
            if event.kind == HouseholdStatusEvent.Kind.EXITED:
                assert 2016 <= event.year <= 2020
        kinds[tuple(event.kind for event in history)] += 1
    assert kinds[("registered_poor", "exited")] > 300


def test_every_household_has_income_rows_for_2016_to_2025(generated: GenerationResult) -> None:
    sizes = Counter(Member.objects.values_list("household_id", flat=True))
    years: defaultdict[int, list[int]] = defaultdict(list)
    for record in HouseholdYear.objects.all():
        years[record.household_id].append(record.year)
        assert record.member_count == sizes[record.household_id]
        amounts = [getattr(record, name) for name in AMOUNTS]
        assert all(amount >= 0 and amount == amount.quantize(Decimal("0.01")) for amount in amounts)
        assert record.business_expense < record.business_income or record.business_income == 0
        # The database computes these three (generated columns).
        assert record.net_income == (
            record.wage_income
            + record.business_income
            + record.property_income
            + record.transfer_income
            - record.business_expense
        )
        assert record.per_capita_net_income == record.net_income / record.member_count
        assert record.per_capita_after_rigid == (
            (record.net_income - record.compliant_out_of_pocket) / record.member_count
        )
    assert len(years) == 400
    assert all(sorted(found) == list(range(2016, 2026)) for found in years.values())


def test_monitored_households_are_poorer_in_the_year_they_were_identified(county: str) -> None:
    # given
    household_bulk_generate(county_code=county, households=1500, seed=3)
    # then
    identified = HouseholdStatusEvent.objects.filter(
        kind=HouseholdStatusEvent.Kind.MONITORING_IDENTIFIED
    ).exclude(monitoring_category=codes.MonitoringCategory.SUDDEN_HARDSHIP)
    assert identified.count() > 30
    for event in identified:
        record = HouseholdYear.objects.get(household_id=event.household_id, year=event.year)
        assert record.per_capita_net_income <= Decimal("8000")
    exited = Household.objects.filter(household_type=codes.HouseholdType.EXITED)
    incomes = HouseholdYear.objects.filter(household__in=exited, year=2025)
    mean = sum(record.per_capita_net_income for record in incomes) / incomes.count()
    assert Decimal("15000") <= mean <= Decimal("23000")


# ---------------------------------------------------------------- batches, audit, replace


def test_each_batch_writes_one_audit_event_and_reports_progress(county: str) -> None:
    # given
    reports: list[tuple[int, int]] = []

    def report(*, done: int, total: int, message: str) -> None:
        reports.append((done, total))

    # when
    result = household_bulk_generate(
        county_code=county, households=400, seed=7, batch_households=150, on_progress=report
    )
    # then
    events = AuditEvent.objects.filter(action="registry.household_bulk_generate")
    assert events.count() == 3
    assert sorted(event.changes["households"] for event in events) == [100, 150, 150]
    assert sum(event.changes["members"] for event in events) == result.members
    assert {event.region_code for event in events} == {COUNTY}
    assert reports == [(0, 400), (150, 400), (300, 400), (400, 400)]


def test_replace_deletes_only_generated_data_and_skips_taken_id_numbers(county: str) -> None:
    # given a generated county, and a real household that now holds the first head's number
    household_bulk_generate(county_code=county, households=300, seed=7)
    first_head = Member.objects.get(
        household__number="SYN22042100120100001", relation=codes.Relation.HEAD
    )
    real = Household.objects.create(
        number="220421001201001", village_id="220421001201", primary_cause="01"
    )
    Member.objects.filter(pk=first_head.pk).update(household=real)
    # and assessed levels, of the generated households and the real one
    factories.assessed_level(Household.objects.values_list("pk", flat=True), risk_level="red")
    # when
    result = household_bulk_generate(county_code=county, households=300, seed=7, replace=True)
    # then the generated households' levels went with them (no reference check would stop
    # a level row from outliving its household)
    assert list(HouseholdLevel.objects.values_list("household_id", flat=True)) == [real.pk]
    # then the real household and its member are untouched
    assert Member.objects.get(pk=first_head.pk).household_id == real.pk
    # and the regenerated head was given the next free number for the same birth date
    new_head = Member.objects.get(
        household__number="SYN22042100120100001", relation=codes.Relation.HEAD
    )
    assert new_head.name == first_head.name
    assert new_head.birth_date == first_head.birth_date
    assert new_head.id_number != first_head.id_number
    assert new_head.id_number[:14] == first_head.id_number[:14]
    assert Household.objects.count() == 301
    assert Member.objects.count() == result.members + 1
    assert HouseholdYear.objects.count() == 3000
    replaced = AuditEvent.objects.get(action="registry.household_bulk_generate_replace")
    # the moved head was no longer in a generated household
    assert replaced.changes == {"households": 300, "members": result.members - 1}


def test_a_second_run_without_replace_is_refused(generated: GenerationResult) -> None:
    with (
        nothing_changes(),
        pytest.raises(ApplicationError, match="已有 400 户生成的模拟农户") as refused,
    ):
        household_bulk_generate(county_code=COUNTY, households=10, seed=7)
    assert refused.value.code == "already_generated"
    assert Household.objects.count() == 400


@pytest.mark.parametrize("code", ["999999", "220400", "22042", "2204211", "22042a", "２２０４２１"])
def test_an_unknown_county_is_refused(db: None, code: str) -> None:
    with (
        nothing_changes(),
        pytest.raises(ApplicationError, match=f"县级区划代码 {code} 不存在") as refused,
    ):
        household_bulk_generate(county_code=code, households=10, seed=7)
    assert refused.value.code == "unknown_county"
    assert not Region.objects.exists()


def test_a_development_zone_is_refused_because_it_has_no_id_address_code(db: None) -> None:
    with nothing_changes(), pytest.raises(ApplicationError, match="统计用单位") as refused:
        household_bulk_generate(county_code="220173", households=10, seed=7)
    assert refused.value.code == "statistics_only_county"


def test_a_county_without_village_committees_is_refused(db: None) -> None:
    # given
    _load_county(URBAN_DISTRICT)
    # when
    with (
        nothing_changes(),
        pytest.raises(ApplicationError, match="东城区（110101）没有村委会") as refused,
    ):
        household_bulk_generate(county_code=URBAN_DISTRICT, households=10, seed=7)
    # then
    assert refused.value.code == "no_villages"


@pytest.mark.parametrize("households", [0, -5])
def test_fewer_than_one_household_is_refused(county: str, households: int) -> None:
    with nothing_changes(), pytest.raises(ApplicationError, match="生成户数至少为 1"):
        household_bulk_generate(county_code=county, households=households, seed=7)
    assert not Household.objects.exists()


def test_the_province_is_loaded_first_when_the_county_is_missing(db: None) -> None:
    # when
    result = household_bulk_generate(county_code=COUNTY, households=20, seed=7)
    # then
    assert result.households == Household.objects.count() == 20
    assert Region.objects.get(code=COUNTY).name == "东丰县"
    assert Region.objects.filter(code__startswith="22", level=Region.Level.COUNTY).count() == 69
    assert AuditEvent.objects.filter(action="registry.region_bulk_load").exists()


def test_the_written_columns_cover_every_stored_field() -> None:
    written: dict[type[Model], tuple[str, ...]] = {
        Household: HOUSEHOLD_FIELDS,
        Member: MEMBER_FIELDS,
        HouseholdYear: YEAR_FIELDS,
        HouseholdConditions: CONDITION_FIELDS,
        HouseholdStatusEvent: EVENT_FIELDS,
    }
    for model, fields in written.items():
        stored = {
            field.name
            for field in model._meta.concrete_fields
            if not isinstance(field, GeneratedField)
        }
        # Only households get their ids up front; the others take the database's.
        expected = stored if model is Household else stored - {"id"}
        assert set(fields) == expected, model.__name__
        assert len(fields) == len(set(fields)), model.__name__


# ---------------------------------------------------------------- command


def test_the_command_prints_households_per_second(county: str) -> None:
    out = StringIO()
    call_command(
        "generate_county", "--county", county, "--households", "50", "--no-progress", stdout=out
    )
    assert re.search(r"县 220421，50 户，[0-9]+ 人，用时 [0-9.]+ 秒，[0-9,]+ 户/秒", out.getvalue())
    assert Household.objects.count() == 50


def test_the_command_refuses_a_second_run_and_replaces_on_request(county: str) -> None:
    call_command("generate_county", "--county", county, "--households", "30", "--no-progress")
    with pytest.raises(CommandError, match="--replace"):
        call_command("generate_county", "--county", county, "--households", "30", "--no-progress")
    call_command(
        "generate_county",
        "--county",
        county,
        "--households",
        "40",
        "--replace",
        "--no-progress",
        stdout=StringIO(),
    )
    assert Household.objects.count() == 40
