"""Generate a synthetic county of registered households (DOMAIN §12) and write it in bulk.

The generator fills one county's real 村委会 (village codes whose digits 10–12 are 200–399)
with 建档立卡 and 防返贫监测 households: members with valid ID numbers, a status history,
yearly income for 2016–2025 and the 2025 living conditions. It is for demonstrations and
load tests; every value is drawn from the code tables and the statistical profile.

户编号 scheme: ``SYN`` + the 12-digit village code + a 5-digit running number within the
village, e.g. ``SYN22042110020100001`` (20 characters). ``SYN`` marks generated households,
so ``SYN`` + the county code is the prefix that finds (and, with ``replace``, deletes) a
county's generated data and nothing else.

ID numbers: the county code as address code, the member's birth date, a sequence that is
unique per (birth date, sex) within the run (odd for men, even for women) and the check
character. Numbers already held by other members are skipped, so the active-ID constraint
holds; the data depend only on the seed and the arguments unless such numbers exist.

Determinism: one ``random.Random(seed)`` draws everything in a fixed order, household after
household, so the same seed and arguments give the same 户编号, names, ID numbers and amounts
whatever the batch size. Ages and dates are relative to 2025-12-31, not to today.

Writing: rows are plain tuples written with COPY on PostgreSQL and batched ``executemany``
on SQLite, one transaction and one audit event per batch of households. Household ids are
reserved before the rows are built (PostgreSQL: ``nextval`` of the id sequence; SQLite:
above both ``max(id)`` and ``sqlite_sequence`` while the batch's write lock is held), so
members, years and events can name their household without reading anything back.
"""

import calendar
import datetime
import json
import random
import time
from bisect import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Final, Generic, TypeVar

from django.db import IntegrityError, connection, transaction
from django.db.models import Field, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.audit.services import audit_record
from fupin.core.errors import ApplicationError
from fupin.core.progress import ProgressCallback, no_progress
from fupin.core.region_codes import RegionLevel
from fupin.registry import codes, region_data
from fupin.registry.idnumbers import check_character, is_known_county_code
from fupin.registry.models import (
    Household,
    HouseholdConditions,
    HouseholdStatusEvent,
    HouseholdYear,
    Member,
    Region,
)
from fupin.registry.services.regions import region_bulk_load
from fupin.registry.status import EventFacts, derive_status

GENERATOR_PREFIX: Final = "SYN"
DEFAULT_BATCH_HOUSEHOLDS: Final = 5000
# The running number has five digits.
MAX_HOUSEHOLDS_PER_VILLAGE: Final = 99_999
FIRST_YEAR: Final = 2016
LAST_YEAR: Final = 2025
YEARS: Final = tuple(range(FIRST_YEAR, LAST_YEAR + 1))
CONDITIONS_YEAR: Final = LAST_YEAR
# Ages, school grades and the latest events are as of the end of the latest data year.
REFERENCE_DATE: Final = datetime.date(LAST_YEAR, 12, 31)

Kind = HouseholdStatusEvent.Kind
T = TypeVar("T")
# What the rows hold: text, numbers, flags, NULL and (PostgreSQL) the timestamps.
Value = str | int | bool | datetime.datetime | None
Row = tuple[Value, ...]
# A status event before it has a household: kind, date, category, month, risks, method.
_Event = tuple[str, datetime.date, str, str, list[str], str]

# ---------------------------------------------------------------- columns written

HOUSEHOLD_FIELDS: Final = (
    "id",
    "number",
    "village",
    "group_name",
    "address",
    "phone",
    "bank_name",
    "bank_account",
    "identification_standard",
    "poverty_attribute",
    "primary_cause",
    "other_cause_1",
    "other_cause_2",
    "is_whole_household_without_labor",
    "is_relocated",
    "resettlement_site",
    "is_military_family",
    "is_family_planning",
    "is_only_child_family",
    "is_two_daughter_family",
    "planned_exit_year",
    "status",
    "household_type",
    "monitoring_category",
    "exit_year",
    "risk_level",
    "is_monitoring_eligible",
    "is_elimination_eligible",
    "assessed_at",
    "version",
    "created_at",
    "updated_at",
)
MEMBER_FIELDS: Final = (
    "household",
    "name",
    "id_number",
    "id_needs_review",
    "sex",
    "birth_date",
    "relation",
    "ethnicity",
    "education",
    "schooling",
    "health",
    "labor_skill",
    "migrant_work",
    "migrant_months",
    "has_resident_medical_insurance",
    "has_serious_illness_insurance",
    "has_resident_pension_insurance",
    "receives_dibao",
    "receives_destitute_support",
    "is_active",
    "removal_reason",
    "removal_date",
    "removal_note",
    "version",
    "created_at",
    "updated_at",
    "political_status",
    "dropout_reason",
    "has_employee_medical_insurance",
    "has_commercial_medical_insurance",
    "receives_medical_assistance",
    "has_employee_pension_insurance",
    "is_active_military",
    "is_relocated_person",
    "public_welfare_post_months",
)
# The database computes net_income and the per-capita figures (generated columns).
YEAR_FIELDS: Final = (
    "household",
    "year",
    "member_count",
    "wage_income",
    "business_income",
    "property_income",
    "transfer_income",
    "business_expense",
    "insurance_claims",
    "compliant_out_of_pocket",
    "recorded_at",
)
CONDITION_FIELDS: Final = (
    "household",
    "year",
    "housing_grade",
    "housing_structure",
    "housing_area",
    "water_standard",
    "has_electricity",
    "road_type",
    "has_sanitary_toilet",
    "main_fuel",
    "is_housing_unsafe",
    "has_dropout_child",
    "is_water_unsafe",
    "has_uninsured_member",
    "recorded_at",
)
EVENT_FIELDS: Final = (
    "household",
    "kind",
    "occurred_on",
    "year",
    "monitoring_category",
    "identified_month",
    "risk_types",
    "elimination_method",
    "removal_reason",
    "note",
    "recorded_by",
    "recorded_at",
)

# ---------------------------------------------------------------- statistical profile


class _Weighted(Generic[T]):
    """Draw values with fixed relative weights (cumulative weights, one random() a draw)."""

    def __init__(self, weighted: Sequence[tuple[T, float]]) -> None:
        self.values = [value for value, _weight in weighted]
        self._cumulative = list(accumulate(weight for _value, weight in weighted))
        self._total = self._cumulative[-1]

    def draw(self, rng: random.Random) -> T:
        return self.values[bisect(self._cumulative, rng.random() * self._total)]


Cause = codes.PovertyCause
PRIMARY_CAUSES: Final = _Weighted(
    [
        (Cause.ILLNESS, 42),
        (Cause.LACK_OF_SKILLS, 12),
        (Cause.LACK_OF_FUNDS, 11),
        (Cause.LACK_OF_LABOR, 10),
        (Cause.DISABILITY, 8),
        (Cause.SCHOOLING, 6),
        (Cause.DISASTER, 3),
        (Cause.LACK_OF_MOTIVATION, 3),
        (Cause.POOR_TRANSPORT, 2),
        (Cause.LACK_OF_LAND, 1),
        (Cause.LACK_OF_WATER, 1),
        (Cause.MARRIAGE, 0.5),
        (Cause.OTHER, 0.5),
    ]
)
# Secondary causes follow the Yunnan 2018 multi-select shares (DOMAIN §12).
OTHER_CAUSES: Final = _Weighted(
    [
        (Cause.LACK_OF_SKILLS, 61),
        (Cause.ILLNESS, 25),
        (Cause.DISABILITY, 13),
        (Cause.POOR_TRANSPORT, 33),
        (Cause.LACK_OF_FUNDS, 26),
        (Cause.LACK_OF_MOTIVATION, 24),
        (Cause.SCHOOLING, 18),
        (Cause.LACK_OF_LABOR, 14),
        (Cause.DISASTER, 5),
        (Cause.LACK_OF_LAND, 3),
        (Cause.LACK_OF_WATER, 2),
    ]
)
OTHER_CAUSE_COUNT: Final = _Weighted([(0, 30), (1, 40), (2, 30)])
FUNDS_WITH_SKILLS_SHARE: Final = 0.6

# 1/2/3/4/5/6+ persons; monitored households are smaller (about 2.4 persons).
SIZES: Final = _Weighted([(1, 14), (2, 24), (3, 19), (4, 20), (5, 13), (6, 10)])
MONITORED_SIZES: Final = _Weighted([(1, 25), (2, 32), (3, 20), (4, 13), (5, 6), (6, 4)])
SEVEN_PERSON_SHARE: Final = 0.3
# The head's age is drawn from a triangular (low, high, mode): young parents with school
# children or older heads, by household size (5 stands for 5 and more). Tuned so that about
# 27 % of people are 60 or older and about 20 % are 15 or younger.
YOUNG_HEAD_AGES: Final = (26.0, 50.0, 36.0)
OLD_HEAD_AGES: Final = {
    1: (35.0, 92.0, 77.0),
    2: (30.0, 90.0, 70.0),
    3: (46.0, 86.0, 62.0),
    4: (46.0, 84.0, 60.0),
    5: (46.0, 84.0, 62.0),
}
YOUNG_HEAD_SHARES: Final = {1: 0.0, 2: 0.0, 3: 0.5, 4: 0.55, 5: 0.3}
# How often a household of this size with a head of 50 or older has three generations
# (often grandparents with the grandchildren of a son working away).
THREE_GENERATION_SHARES: Final = {1: 0.0, 2: 0.1, 3: 0.5, 4: 0.7, 5: 0.85, 6: 0.9, 7: 0.95}
# Of those, grandparents living with grandchildren only (the parents left the household).
SKIPPED_GENERATION_SHARE: Final = 0.25

# Shares of households taking each path through the status events.
MARGINAL_SHARE: Final = 0.04
ORDINARY_SUDDEN_SHARE: Final = 0.002
UNSTABLE_EXITED_SHARE: Final = 0.026
EXITED_SUDDEN_SHARE: Final = 0.004
ELIMINATION_SHARE: Final = 0.65
REGISTRATION_YEARS: Final = _Weighted([(2014, 80), (2015, 12), (2016, 8)])
EXIT_YEARS: Final = _Weighted([(2016, 15), (2017, 20), (2018, 25), (2019, 25), (2020, 15)])
IDENTIFICATION_YEARS: Final = _Weighted(
    [(2021, 25), (2022, 25), (2023, 20), (2024, 17), (2025, 13)]
)
ELIMINATION_METHODS: Final = _Weighted(
    [(codes.EliminationMethod.ASSISTED, 75), (codes.EliminationMethod.NATURAL, 25)]
)
Risk = codes.RiskType
RISK_TYPES: Final = _Weighted(
    [
        (Risk.ILLNESS, 35),
        (Risk.UNSTABLE_EMPLOYMENT, 12),
        (Risk.DISABILITY, 12),
        (Risk.SCHOOLING, 10),
        (Risk.NATURAL_DISASTER, 8),
        (Risk.ACCIDENT, 8),
        (Risk.LACK_OF_LABOR, 8),
        (Risk.FAILED_INDUSTRY, 5),
        (Risk.OTHER, 2),
    ]
)
SUDDEN_RISK_TYPES: Final = _Weighted(
    [(Risk.ILLNESS, 60), (Risk.ACCIDENT, 25), (Risk.NATURAL_DISASTER, 15)]
)
RISK_COUNT: Final = _Weighted([(1, 50), (2, 35), (3, 15)])

POVERTY_ATTRIBUTES_WITHOUT_LABOR: Final = _Weighted(
    [
        (codes.PovertyAttribute.ORDINARY, 10),
        (codes.PovertyAttribute.DIBAO, 35),
        (codes.PovertyAttribute.TEKUN, 55),
    ]
)
POVERTY_ATTRIBUTES_WITH_LABOR: Final = _Weighted(
    [
        (codes.PovertyAttribute.ORDINARY, 77),
        (codes.PovertyAttribute.DIBAO, 20),
        (codes.PovertyAttribute.TEKUN, 3),
    ]
)
IDENTIFICATION_STANDARDS: Final = _Weighted(
    [
        (codes.IdentificationStandard.NATIONAL, 92),
        (codes.IdentificationStandard.PROVINCIAL, 6),
        (codes.IdentificationStandard.MUNICIPAL, 2),
    ]
)
ETHNICITIES: Final = _Weighted(
    [
        (codes.Ethnicity.HAN, 94),
        (codes.Ethnicity.MANCHU, 3),
        (codes.Ethnicity.HUI, 1.5),
        (codes.Ethnicity.MONGOL, 1),
        (codes.Ethnicity.KOREAN, 0.5),
    ]
)
MIGRANT_PLACES: Final = _Weighted(
    [
        (codes.MigrantWork.IN_TOWNSHIP, 20),
        (codes.MigrantWork.IN_COUNTY, 25),
        (codes.MigrantWork.IN_PROVINCE, 30),
        (codes.MigrantWork.OUT_OF_PROVINCE, 25),
    ]
)
MIGRANT_SHARE: Final = 0.45

Health = codes.Health


def _health(healthy: float, chronic: float, serious: float, disabled: float) -> _Weighted[str]:
    return _Weighted(
        [
            (Health.HEALTHY, healthy),
            (Health.CHRONIC, chronic),
            (Health.SERIOUS_ILLNESS, serious),
            (Health.DISABLED, disabled),
        ]
    )


# By age band (upper bound, exclusive), so that the elderly are more often chronically ill;
# over the generated age mix this gives about 健康 68, 慢性病 20, 大病 5, 残疾 7 %.
HEALTH_BY_AGE: Final = (
    (16, _health(94, 1, 1, 4)),
    (45, _health(82, 9, 4, 5)),
    (60, _health(60, 26, 6, 8)),
    (200, _health(38, 44, 8, 10)),
)
Labor = codes.LaborSkill
LABOR_ELDERLY: Final = _Weighted([(Labor.LOST, 55), (Labor.NONE, 45)])
LABOR_YOUNG_OLD: Final = _Weighted(
    [(Labor.ORDINARY, 25), (Labor.WEAK, 45), (Labor.LOST, 15), (Labor.NONE, 15)]
)
LABOR_ILL: Final = _Weighted([(Labor.ORDINARY, 10), (Labor.WEAK, 35), (Labor.LOST, 55)])
LABOR_CHRONIC: Final = _Weighted([(Labor.ORDINARY, 55), (Labor.WEAK, 40), (Labor.LOST, 5)])
LABOR_HEALTHY: Final = _Weighted([(Labor.ORDINARY, 86), (Labor.SKILLED, 12), (Labor.WEAK, 2)])
WORKING_SKILLS: Final = frozenset({Labor.ORDINARY, Labor.SKILLED})
NO_LABOR_SKILLS: Final = frozenset({Labor.NONE, Labor.LOST})

Education = codes.Education


def _education(
    illiterate: float, primary: float, junior: float, senior: float, college: float
) -> _Weighted[str]:
    return _Weighted(
        [
            (Education.ILLITERATE, illiterate),
            (Education.PRIMARY, primary),
            (Education.JUNIOR, junior),
            (Education.SENIOR, senior),
            (Education.COLLEGE, college),
        ]
    )


# Highest schooling of adults who left school, by birth cohort (last birth year).
EDUCATION_BY_COHORT: Final = (
    (1950, _education(45, 45, 10, 0, 0)),
    (1965, _education(20, 50, 27, 3, 0)),
    (1980, _education(5, 35, 50, 9, 1)),
    (1995, _education(0, 15, 60, 17, 8)),
    (9999, _education(0, 3, 62, 30, 5)),
)

School = codes.Schooling
JUNIOR_GRADES: Final = (School.GRADE_7, School.GRADE_8, School.GRADE_9)
SENIOR_GRADES: Final = (School.SENIOR_1, School.SENIOR_2, School.SENIOR_3)
VOCATIONAL_GRADES: Final = (School.VOCATIONAL_1, School.VOCATIONAL_2, School.VOCATIONAL_3)
HIGHER_VOCATIONAL_GRADES: Final = (
    School.HIGHER_VOCATIONAL_1,
    School.HIGHER_VOCATIONAL_2,
    School.HIGHER_VOCATIONAL_3,
)
DROPOUT_SHARE: Final = 0.003
UNINSURED_SHARE: Final = 0.012

HOUSING_GRADES: Final = _Weighted(
    [
        (codes.HousingGrade.A, 70),
        (codes.HousingGrade.B, 26),
        (codes.HousingGrade.C, 3),
        (codes.HousingGrade.D, 1),
    ]
)
UNSAFE_GRADES: Final = frozenset({codes.HousingGrade.C, codes.HousingGrade.D})
Structure = codes.HousingStructure
HOUSING_STRUCTURES: Final = _Weighted(
    [
        (Structure.BRICK_CONCRETE, 45),
        (Structure.BRICK_WOOD, 35),
        (Structure.REINFORCED_CONCRETE, 12),
        (Structure.STONE_CAVE, 3),
        (Structure.EARTH, 3),
        (Structure.OTHER, 2),
    ]
)
ROAD_TYPES: Final = _Weighted(
    [(codes.RoadType.PAVED, 85), (codes.RoadType.GRAVEL, 12), (codes.RoadType.DIRT, 3)]
)
Fuel = codes.Fuel
FUELS: Final = _Weighted(
    [
        (Fuel.FIREWOOD, 45),
        (Fuel.COAL, 20),
        (Fuel.BOTTLED_GAS, 15),
        (Fuel.ELECTRICITY, 15),
        (Fuel.BIOGAS, 2),
        (Fuel.OTHER, 3),
    ]
)
WATER_UNSAFE_SHARE: Final = 0.02
RELOCATED_SHARE: Final = 0.05
MILITARY_FAMILY_SHARE: Final = 0.01
BANKS: Final = (("农村信用社", "6231"), ("邮储银行", "6217"))
PHONE_PREFIXES: Final = ("13", "15", "18")

# 建档立卡/脱贫人口 per-capita net income (元, DOMAIN §12); 2016–2019 are interpolated
# geometrically between 2015 (3,416) and 2020 (10,740).
INCOME_ANCHORS: Final = {
    2016: 4296,
    2017: 5402,
    2018: 6793,
    2019: 8542,
    2020: 10740,
    2021: 12550,
    2022: 14342,
    2023: 16396,
    2024: 17500,
    2025: 18500,
}
# The national poverty line (2,300 元 at 2010 prices) in current prices, for years a
# household was still poor.
POVERTY_LINES: Final = {
    2014: 2800,
    2015: 2855,
    2016: 3146,
    2017: 3335,
    2018: 3535,
    2019: 3747,
    2020: 4000,
}
# Illustrative monitoring lines (监测范围); real ones are configuration per region and year.
MONITORING_LINES: Final = {2020: 6000, 2021: 6000, 2022: 6600, 2023: 7000, 2024: 7300, 2025: 7500}
RIGID_EXPENDITURE_THRESHOLD_CENTS: Final = 20_000 * 100

SURNAMES: Final = _Weighted(
    [
        ("王", 7.1), ("李", 7.0), ("张", 6.7), ("刘", 5.4), ("陈", 4.5), ("杨", 3.1),
        ("赵", 2.3), ("黄", 2.2), ("周", 2.1), ("吴", 2.0), ("徐", 1.7), ("孙", 1.5),
        ("胡", 1.3), ("朱", 1.3), ("高", 1.2), ("林", 1.2), ("何", 1.2), ("郭", 1.2),
        ("马", 1.1), ("罗", 0.9), ("梁", 0.9), ("宋", 0.8), ("郑", 0.8), ("谢", 0.7),
        ("韩", 0.7), ("唐", 0.7), ("冯", 0.7), ("于", 0.6), ("董", 0.6), ("程", 0.6),
        ("曹", 0.6), ("袁", 0.5), ("邓", 0.5), ("许", 0.5), ("傅", 0.5), ("沈", 0.5),
        ("曾", 0.5), ("彭", 0.5), ("吕", 0.5), ("苏", 0.5), ("卢", 0.5), ("蒋", 0.5),
        ("蔡", 0.5), ("贾", 0.4), ("丁", 0.4), ("魏", 0.4), ("薛", 0.4), ("叶", 0.4),
        ("姜", 0.4), ("崔", 0.4),
    ]
)  # fmt: skip
MALE_GIVEN: Final = (
    "伟强军明建国华平志刚勇杰涛斌海波成林东春文辉宇鹏飞俊"
    "峰磊超亮德福贵山宝龙财喜江永庆祥胜利忠义发生金长友全兴"
)
FEMALE_GIVEN: Final = (
    "秀英兰芳丽敏静燕玲霞娟红梅艳华萍琴云莉婷雪洁慧颖凤桂珍玉淑荣翠珠春花香丹娜月琳"
)
TWO_CHARACTER_GIVEN_SHARE: Final = 0.65
GROUP_NUMERALS: Final = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二")

Relation = codes.Relation
SEX_MALE: Final = str(codes.Sex.MALE)
SEX_FEMALE: Final = str(codes.Sex.FEMALE)
# Sequence numbers per (birth date, sex): men 001, 003 … 999; women 002, 004 … 998.
SEQUENCES_PER_DATE: Final = {True: 500, False: 499}


# ---------------------------------------------------------------- public API


@dataclass(frozen=True)
class GenerationResult:
    county_code: str
    households: int
    members: int
    seconds: float


def household_bulk_generate(
    *,
    county_code: str,
    households: int,
    seed: int,
    replace: bool = False,
    on_progress: ProgressCallback = no_progress,
    batch_households: int = DEFAULT_BATCH_HOUSEHOLDS,
) -> GenerationResult:
    """Generate `households` synthetic households in the county's 村委会 and write them.

    Loads the county's province first when its regions are missing. Deterministic for a seed
    (see the module docstring). Each batch of `batch_households` commits with one audit
    event ("registry.household_bulk_generate"); `replace` first deletes the county's
    previously generated households (户编号 starting with ``SYN`` + county code) and all
    their rows in one transaction ("registry.household_bulk_generate_replace"). A failed
    batch leaves the earlier batches in place; run again with `replace`.

    Raises ApplicationError for a code that is not a county of the shipped table (or is a
    statistics-only unit such as a development zone, which has no ID address code), a
    county without 村委会, fewer than one household, or a county that already has
    generated households when `replace` is False.
    """
    started = time.perf_counter()
    county_name = _county_name(county_code)
    if households < 1:
        raise ApplicationError(
            _("生成户数至少为 1，现在是 %(count)s。") % {"count": households},
            code="households",
        )
    if batch_households < 1:
        raise ApplicationError(
            _("每批户数至少为 1，现在是 %(count)s。") % {"count": batch_households},
            code="batch_households",
        )
    _ensure_regions(county_code)
    villages = _village_committees(county_code)
    if not villages:
        raise ApplicationError(
            _("%(name)s（%(code)s）没有村委会，无法生成农户。")
            % {"name": county_name, "code": county_code},
            code="no_villages",
        )
    existing = Household.objects.filter(number__startswith=generated_prefix(county_code)).count()
    if existing and not replace:
        raise ApplicationError(
            _(
                "%(name)s（%(code)s）已有 %(count)s 户生成的模拟农户。"
                "如需重新生成，请选择替换（命令行加 --replace），将先删除这些模拟农户。"
            )
            % {"name": county_name, "code": county_code, "count": existing},
            code="already_generated",
        )
    generator = _CountyGenerator(
        seed=seed,
        county_code=county_code,
        county_name=county_name,
        villages=villages,
        households=households,
    )
    if existing:
        on_progress(done=0, total=households, message=_("正在删除原有模拟农户"))
        _delete_generated(county_code)
    generator.exclude_id_numbers(_taken_id_numbers(county_code))
    on_progress(done=0, total=households, message=_("开始生成农户"))
    done = members = 0
    while done < households:
        count = min(batch_households, households - done)
        members += _generate_batch(generator, county_code=county_code, count=count)
        done += count
        on_progress(
            done=done,
            total=households,
            message=_("已生成 %(done)s / %(total)s 户") % {"done": done, "total": households},
        )
    return GenerationResult(
        county_code=county_code,
        households=households,
        members=members,
        seconds=round(time.perf_counter() - started, 2),
    )


def generated_prefix(county_code: str) -> str:
    """Return the 户编号 prefix of the county's generated households."""
    return f"{GENERATOR_PREFIX}{county_code}"


# ---------------------------------------------------------------- checks and regions


def _county_name(county_code: str) -> str:
    """Return the county's name from the shipped table or raise ApplicationError."""
    unknown = ApplicationError(
        _("县级区划代码 %(code)s 不存在，请填写六位县级代码，例如 220421（东丰县）。")
        % {"code": county_code},
        code="unknown_county",
    )
    if len(county_code) != 6 or not county_code.isascii() or not county_code.isdigit():
        raise unknown
    counties = region_data.read_level(region_data.LEVEL_FILES[2], province_code=county_code[:2])
    names = dict(zip(counties["code"].to_list(), counties["name"].to_list(), strict=True))
    if county_code not in names:
        raise unknown
    if not is_known_county_code(county_code):
        raise ApplicationError(
            _(
                "%(name)s（%(code)s）是开发区等统计用单位，没有身份证地址码，"
                "无法生成有效的身份证号码。请选择一个县、县级市或区。"
            )
            % {"name": names[county_code], "code": county_code},
            code="statistics_only_county",
        )
    return str(names[county_code])


def _ensure_regions(county_code: str) -> None:
    """Load the province's region codes when the county or its villages are missing."""
    villages = Region.objects.filter(level=RegionLevel.VILLAGE, code__startswith=county_code)
    if not villages.exists():
        region_bulk_load(actor=None, scope=None, province_code=county_code[:2])


@dataclass(frozen=True)
class _Village:
    code: str
    # The name as it appears in an address: 东榛柴村委会 → 东榛柴村.
    address_name: str
    groups: int = 0


def _village_committees(county_code: str) -> list[_Village]:
    """Return the county's 村委会 (digits 10–12 in 200–399) in code order."""
    rows = Region.objects.filter(
        level=RegionLevel.VILLAGE, code__startswith=county_code
    ).values_list("code", "name")
    villages = []
    for code, name in sorted(rows):
        if "200" <= code[9:12] <= "399":
            address_name = name.removesuffix("村民委员会").removesuffix("村委会")
            if not address_name.endswith("村"):
                address_name += "村"
            villages.append(_Village(code=code, address_name=address_name))
    return villages


def _taken_id_numbers(county_code: str) -> set[str]:
    """Return the ID numbers with the county's address code that other members hold."""
    return set(
        Member.objects.filter(id_number__startswith=county_code).values_list("id_number", flat=True)
    )


# ---------------------------------------------------------------- writing


def _generate_batch(generator: "_CountyGenerator", *, county_code: str, count: int) -> int:
    """Generate and write `count` households in one transaction; return the member count."""
    with transaction.atomic():
        household_ids = _reserve_household_ids(count)
        batch = generator.next_batch(household_ids, now=timezone.now())
        _insert_rows(Household, HOUSEHOLD_FIELDS, batch.households)
        _insert_rows(Member, MEMBER_FIELDS, batch.members)
        _insert_rows(HouseholdYear, YEAR_FIELDS, batch.years)
        _insert_rows(HouseholdConditions, CONDITION_FIELDS, batch.conditions)
        _insert_rows(HouseholdStatusEvent, EVENT_FIELDS, batch.events)
        audit_record(
            actor=None,
            action="registry.household_bulk_generate",
            subject_type="registry.household",
            subject_id=f"{batch.first_number}…{batch.last_number}",
            subject_label=_("模拟农户批量生成"),
            region_code=county_code,
            changes={"households": count, "members": len(batch.members)},
        )
    return len(batch.members)


def _reserve_household_ids(count: int) -> list[int]:
    """Return `count` unused household ids; must run inside the batch's transaction."""
    quote = connection.ops.quote_name
    table = Household._meta.db_table
    pk = Household._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [quote(table), pk, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: the transaction holds the write lock (IMMEDIATE), so nobody can take these
        # ids before we insert them; AUTOINCREMENT's high-water mark keeps deleted ids unused.
        cursor.execute(f"SELECT coalesce(max({quote(pk)}), 0) FROM {quote(table)}")  # noqa: S608
        highest = cursor.fetchone()[0]
        cursor.execute("SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = %s", [table])
        highest = max(highest, cursor.fetchone()[0])
    return list(range(highest + 1, highest + 1 + count))


def _insert_rows(model: type[Model], fields: Sequence[str], rows: Sequence[Row]) -> None:
    """Insert plain rows: COPY on PostgreSQL, one executemany on SQLite."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(_column(model, name)) for name in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * len(fields))
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",  # noqa: S608
            rows,
        )


def _column(model: type[Model], name: str) -> str:
    model_field = model._meta.get_field(name)
    if not isinstance(model_field, Field):
        raise TypeError(f"{model.__name__}.{name} is not a concrete field")
    return model_field.column


def _delete_generated(county_code: str) -> None:
    """Delete the county's generated households and everything recorded for them."""
    quote = connection.ops.quote_name
    households = quote(Household._meta.db_table)
    number = quote("number")
    pattern = generated_prefix(county_code) + "%"
    selected = f"SELECT {quote('id')} FROM {households} WHERE {number} LIKE %s"  # noqa: S608
    deleted: dict[str, int] = {}
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            # Raw deletes: the ORM would load every household to look for protected rows.
            for model in (HouseholdStatusEvent, HouseholdConditions, HouseholdYear, Member):
                cursor.execute(
                    f"DELETE FROM {quote(model._meta.db_table)} "  # noqa: S608
                    f"WHERE {quote('household_id')} IN ({selected})",
                    [pattern],
                )
                deleted[model._meta.model_name or ""] = cursor.rowcount
            cursor.execute(f"DELETE FROM {households} WHERE {number} LIKE %s", [pattern])  # noqa: S608
            deleted["household"] = cursor.rowcount
            audit_record(
                actor=None,
                action="registry.household_bulk_generate_replace",
                subject_type="registry.household",
                subject_id=generated_prefix(county_code),
                subject_label=_("删除原有模拟农户"),
                region_code=county_code,
                changes={"households": deleted["household"], "members": deleted["member"]},
            )
    except IntegrityError as error:
        raise ApplicationError(
            _("原有模拟农户已被其他记录引用，无法替换：%(error)s") % {"error": error},
            code="generated_in_use",
        ) from error


# ---------------------------------------------------------------- generation


@dataclass
class _Batch:
    households: list[Row] = field(default_factory=list)
    members: list[Row] = field(default_factory=list)
    years: list[Row] = field(default_factory=list)
    conditions: list[Row] = field(default_factory=list)
    events: list[Row] = field(default_factory=list)
    first_number: str = ""
    last_number: str = ""


@dataclass(frozen=True)
class _Person:
    relation: str
    male: bool
    age: int
    surname: str


@dataclass(frozen=True)
class _MemberFacts:
    """What the income and conditions of a household depend on."""

    labor: str
    health: str
    migrant: bool
    has_medical_insurance: bool
    dropout: bool


@dataclass(frozen=True)
class _History:
    """A household's path through the status events, as the incomes need it."""

    events: list[_Event]
    registration_year: int | None
    exit_year: int | None
    category: str
    identified_year: int | None
    eliminated_year: int | None


class _CountyGenerator:
    """Draw households for a county, slot after slot, from one seeded random generator."""

    def __init__(
        self,
        *,
        seed: int,
        county_code: str,
        county_name: str,
        villages: list[_Village],
        households: int,
    ) -> None:
        # Reproducible synthetic data, not secrets: a seeded Mersenne Twister is the point.
        self._rng = random.Random(seed)  # noqa: S311
        self._county_code = county_code
        self._county_name = county_name
        self._slots = self._plan_slots(villages, households)
        self._next_slot = 0
        self._taken: set[str] = set()
        self._used_sequences: dict[tuple[int, bool], int] = {}

    def exclude_id_numbers(self, taken: set[str]) -> None:
        """Never hand out these ID numbers (other members hold them)."""
        self._taken = taken

    def _plan_slots(self, villages: list[_Village], households: int) -> list[tuple[_Village, int]]:
        """Spread the households over the villages: (village, running number) per household."""
        rng = self._rng
        weights = [rng.uniform(0.5, 1.5) for _village in villages]
        total = sum(weights)
        shares = [households * weight / total for weight in weights]
        counts = [int(share) for share in shares]
        # Largest remainders get the households left over by rounding down.
        by_remainder = sorted(range(len(villages)), key=lambda i: counts[i] - shares[i])
        for index in by_remainder[: households - sum(counts)]:
            counts[index] += 1
        if max(counts) > MAX_HOUSEHOLDS_PER_VILLAGE:
            raise ApplicationError(
                _("户数过多：每个村最多生成 %(limit)s 户。")
                % {"limit": MAX_HOUSEHOLDS_PER_VILLAGE},
                code="households",
            )
        slots: list[tuple[_Village, int]] = []
        for village, count in zip(villages, counts, strict=True):
            with_groups = _Village(village.code, village.address_name, rng.randint(4, 12))
            slots.extend((with_groups, number) for number in range(1, count + 1))
        return slots

    def next_batch(self, household_ids: Sequence[int], *, now: datetime.datetime) -> _Batch:
        """Draw the next len(household_ids) households as rows ready for insertion."""
        stamp = connection.ops.adapt_datetimefield_value(now)
        batch = _Batch()
        for household_id in household_ids:
            village, running_number = self._slots[self._next_slot]
            self._next_slot += 1
            number = f"{GENERATOR_PREFIX}{village.code}{running_number:05d}"
            self._household(batch, household_id, number, village, stamp)
            batch.first_number = batch.first_number or number
            batch.last_number = number
        return batch

    # ------------------------------------------------------------ one household

    def _household(
        self, batch: _Batch, household_id: int, number: str, village: _Village, stamp: Value
    ) -> None:
        rng = self._rng
        history = self._history()
        monitored = history.identified_year is not None
        size = (MONITORED_SIZES if monitored else SIZES).draw(rng)
        if size == 6 and rng.random() < SEVEN_PERSON_SHARE:
            size = 7
        people = self._composition(size)
        ethnicity = ETHNICITIES.draw(rng)
        facts = []
        member_rows = []
        for person in people:
            row, member_facts = self._member(household_id, person, ethnicity, stamp)
            member_rows.append(row)
            facts.append(member_facts)
        without_labor = all(fact.labor in NO_LABOR_SKILLS for fact in facts)
        attribute = ""
        if history.registration_year is not None:
            attributes = (
                POVERTY_ATTRIBUTES_WITHOUT_LABOR if without_labor else POVERTY_ATTRIBUTES_WITH_LABOR
            )
            attribute = attributes.draw(rng)
            if attribute == codes.PovertyAttribute.TEKUN and any(
                fact.labor in WORKING_SKILLS for fact in facts
            ):
                # 特困供养 is for people who cannot work and have no one obliged to support them.
                attribute = codes.PovertyAttribute.DIBAO
        dibao = attribute == codes.PovertyAttribute.DIBAO
        tekun = attribute == codes.PovertyAttribute.TEKUN
        for row in member_rows:
            batch.members.append(
                (
                    *row,
                    dibao,
                    tekun,
                    True,
                    "",
                    None,
                    "",
                    1,
                    stamp,
                    stamp,
                    codes.PoliticalStatus.MASSES,
                    "",
                    False,
                    False,
                    dibao or tekun,
                    False,
                    False,
                    False,
                    0,
                )
            )
        batch.households.append(
            self._header(
                household_id=household_id,
                number=number,
                village=village,
                history=history,
                attribute=attribute,
                # 整户无劳动能力兜底保障: nobody can work and the household is small.
                whole_without_labor=without_labor and size <= 3,
                stamp=stamp,
            )
        )
        if batch.households[-1][HOUSEHOLD_FIELDS.index("is_relocated")]:
            relocated_at = MEMBER_FIELDS.index("is_relocated_person")
            batch.members[-len(people) :] = [
                (*member[:relocated_at], True, *member[relocated_at + 1 :])
                for member in batch.members[-len(people) :]
            ]
        for kind, occurred_on, category, month, risks, method in history.events:
            batch.events.append(
                (
                    household_id,
                    kind,
                    occurred_on.isoformat(),
                    occurred_on.year,
                    category,
                    month,
                    json.dumps(risks),
                    method,
                    "",
                    "",
                    None,
                    stamp,
                )
            )
        self._years(batch, household_id, size, facts, history, dibao or tekun, stamp)
        batch.conditions.append(self._conditions(household_id, facts, stamp))

    def _header(
        self,
        *,
        household_id: int,
        number: str,
        village: _Village,
        history: _History,
        attribute: str,
        whole_without_labor: bool,
        stamp: Value,
    ) -> Row:
        rng = self._rng
        primary = PRIMARY_CAUSES.draw(rng)
        others: list[str] = []
        wanted = OTHER_CAUSE_COUNT.draw(rng)
        while len(others) < wanted:
            chosen = (primary, *others)
            if (
                Cause.LACK_OF_SKILLS in chosen
                and Cause.LACK_OF_FUNDS not in chosen
                and rng.random() < FUNDS_WITH_SKILLS_SHARE
            ):
                cause: str = Cause.LACK_OF_FUNDS
            else:
                cause = OTHER_CAUSES.draw(rng)
            if cause not in chosen:
                others.append(cause)
        others += ["", ""]
        group = GROUP_NUMERALS[rng.randrange(village.groups)] + "组"
        phone = f"{PHONE_PREFIXES[rng.randrange(3)]}{rng.randrange(10**9):09d}"
        bank_name = bank_account = ""
        if rng.random() < 0.92:
            bank_name, bank_prefix = BANKS[0] if rng.random() < 0.7 else BANKS[1]
            bank_account = f"{bank_prefix}{rng.randrange(10**15):015d}"
        relocated = rng.random() < RELOCATED_SHARE
        derived = derive_status(
            EventFacts(kind, occurred_on.year, category)
            for kind, occurred_on, category, _month, _risks, _method in history.events
        )
        poor = history.registration_year is not None
        return (
            household_id,
            number,
            village.code,
            group,
            f"{village.address_name}{group}",
            phone,
            bank_name,
            bank_account,
            IDENTIFICATION_STANDARDS.draw(rng) if poor else "",
            attribute,
            primary,
            others[0],
            others[1],
            whole_without_labor,
            relocated,
            f"{self._county_name}集中安置区" if relocated else "",
            rng.random() < MILITARY_FAMILY_SHARE,
            False,
            False,
            False,
            derived.exit_year,
            derived.status,
            derived.household_type,
            derived.monitoring_category,
            derived.exit_year,
            "",
            None,
            None,
            None,
            1,
            stamp,
            stamp,
        )

    def _composition(self, size: int) -> list[_Person]:
        """Draw relations, sexes and ages: a head, often a spouse, children or three
        generations, now and then a parent of the head."""
        rng = self._rng
        young = rng.random() < YOUNG_HEAD_SHARES[min(size, 5)]
        head_age = int(rng.triangular(*(YOUNG_HEAD_AGES if young else OLD_HEAD_AGES[min(size, 5)])))
        head_male = rng.random() < (0.6 if size == 1 else 0.86)
        surname = SURNAMES.draw(rng)
        people = [_Person(Relation.HEAD, head_male, head_age, surname)]
        remaining = size - 1
        spouse_chance = 0.55 if size == 2 else 0.9
        if remaining and head_age >= 25 and rng.random() < spouse_chance:
            gap = rng.randint(0, 5)
            spouse_age = max(20, head_age - gap if head_male else head_age + gap)
            people.append(_Person(Relation.SPOUSE, not head_male, spouse_age, SURNAMES.draw(rng)))
            remaining -= 1
        if remaining and head_age <= 62 and rng.random() < (0.1 if size <= 3 else 0.2):
            father = rng.random() < 0.35
            parent_age = min(head_age + rng.randint(22, 34), 96)
            parent_surname = surname if father else SURNAMES.draw(rng)
            relation = Relation.FATHER if father else Relation.MOTHER
            people.append(_Person(relation, father, parent_age, parent_surname))
            remaining -= 1
        if remaining and head_age >= 50 and rng.random() < THREE_GENERATION_SHARES[size]:
            self._three_generations(people, head_age, surname, remaining)
            return people
        for _child in range(remaining):
            male = rng.random() < 0.52
            child_age = head_age - rng.randint(20, min(32, head_age))
            relation = Relation.SON if male else Relation.DAUGHTER
            people.append(_Person(relation, male, child_age, surname))
        return people

    def _three_generations(
        self, people: list[_Person], head_age: int, surname: str, remaining: int
    ) -> None:
        """Fill `remaining` with grandchildren and, unless the generation between lives
        elsewhere, their parent (the head's child) and usually that parent's spouse."""
        rng = self._rng
        son = rng.random() < 0.8
        child_age = max(22, head_age - rng.randint(22, 32))
        parent_age = child_age
        in_law_surname = SURNAMES.draw(rng)
        skipped = remaining == 1 or rng.random() < SKIPPED_GENERATION_SHARE
        if not skipped:
            relation = Relation.SON if son else Relation.DAUGHTER
            people.append(_Person(relation, son, child_age, surname))
            remaining -= 1
        if not skipped and remaining >= 2 and rng.random() < 0.85:
            in_law_age = max(20, child_age + rng.randint(-3, 3))
            parent_age = min(child_age, in_law_age)
            if son:
                people.append(_Person(Relation.DAUGHTER_IN_LAW, False, in_law_age, in_law_surname))
            else:
                people.append(_Person(Relation.SON_IN_LAW, True, in_law_age, in_law_surname))
            remaining -= 1
        # Grandchildren take their father's surname.
        grandchild_surname = surname if son else in_law_surname
        for _grandchild in range(remaining):
            male = rng.random() < 0.52
            age = max(0, parent_age - rng.randint(20, 32))
            if son:
                relation = Relation.GRANDSON if male else Relation.GRANDDAUGHTER
            else:
                relation = Relation.DAUGHTERS_SON if male else Relation.DAUGHTERS_DAUGHTER
            people.append(_Person(relation, male, age, grandchild_surname))

    def _member(
        self, household_id: int, person: _Person, ethnicity: str, stamp: Value
    ) -> tuple[Row, _MemberFacts]:
        """Return the member's row up to the insurance flags, and the facts the household
        needs; the caller appends the 低保/特困 flags and the bookkeeping columns."""
        rng = self._rng
        age = person.age
        given = MALE_GIVEN if person.male else FEMALE_GIVEN
        first = given[rng.randrange(len(given))]
        second = ""
        if rng.random() < TWO_CHARACTER_GIVEN_SHARE:
            second = given[rng.randrange(len(given))]
            # 国国, 兰兰: doubled characters are nicknames, not registered names.
            second = "" if second == first else second
        name = person.surname + first + second
        birth_year = REFERENCE_DATE.year - age
        first_day = datetime.date(birth_year, 1, 1).toordinal()
        days = 366 if calendar.isleap(birth_year) else 365
        birth, id_number = self._id_number(first_day + rng.randrange(days), person.male)
        dropout = 6 <= age <= 15 and rng.random() < DROPOUT_SHARE
        education, schooling = self._schooling(age, birth.year, dropout=dropout)
        health = next(weights for limit, weights in HEALTH_BY_AGE if age < limit).draw(rng)
        student = schooling != School.NOT_IN_SCHOOL
        labor = self._labor(age, health, student=student)
        migrant = ""
        months = 0
        if labor in WORKING_SKILLS and age < 60 and rng.random() < MIGRANT_SHARE:
            migrant = MIGRANT_PLACES.draw(rng)
            months = rng.randint(3, 12)
        medical = rng.random() >= UNINSURED_SHARE
        pension = age >= 16 and not student and rng.random() < 0.9
        row = (
            household_id,
            name,
            id_number,
            False,
            SEX_MALE if person.male else SEX_FEMALE,
            birth.isoformat(),
            person.relation,
            ethnicity,
            education,
            schooling,
            health,
            labor,
            migrant or codes.MigrantWork.NONE,
            months,
            medical,
            medical,
            pension,
        )
        facts = _MemberFacts(
            labor=labor,
            health=health,
            migrant=bool(migrant),
            has_medical_insurance=medical,
            dropout=dropout,
        )
        return row, facts

    def _id_number(self, birth_ordinal: int, male: bool) -> tuple[datetime.date, str]:
        """Return the birth date and a number unique in the run and the database.

        When a date's sequences are used up the birth moves to the next day of the same
        year, so the age (as of 31 December) stays the same.
        """
        while True:
            birth = datetime.date.fromordinal(birth_ordinal)
            key = (birth_ordinal, male)
            used = self._used_sequences.get(key, 0)
            while used < SEQUENCES_PER_DATE[male]:
                sequence = 2 * used + (1 if male else 2)
                used += 1
                first17 = (
                    f"{self._county_code}{birth.year:04d}{birth.month:02d}{birth.day:02d}"
                    f"{sequence:03d}"
                )
                number = first17 + check_character(first17)
                if number not in self._taken:
                    self._used_sequences[key] = used
                    return birth, number
            self._used_sequences[key] = used
            following = birth + datetime.timedelta(days=1)
            if following.year != birth.year:
                following = datetime.date(birth.year, 1, 1)
            birth_ordinal = following.toordinal()

    def _schooling(  # noqa: PLR0911 - one return per age band reads best
        self, age: int, birth_year: int, *, dropout: bool
    ) -> tuple[str, str]:
        """Return 文化程度 and 在校生状况 consistent with the age."""
        rng = self._rng
        if dropout:
            education = Education.PRIMARY if age >= 8 else Education.PRESCHOOL
            return education, School.NOT_IN_SCHOOL
        if age < 6:
            in_preschool = age >= 3 and rng.random() < 0.85
            return Education.PRESCHOOL, School.PRESCHOOL if in_preschool else School.NOT_IN_SCHOOL
        if age <= 11:
            return Education.PRIMARY, School.PRIMARY
        if age <= 14:
            return Education.JUNIOR, JUNIOR_GRADES[age - 12]
        if age <= 17:
            draw = rng.random()
            if draw < 0.65:
                return Education.SENIOR, SENIOR_GRADES[age - 15]
            if draw < 0.85:
                return Education.SENIOR, VOCATIONAL_GRADES[age - 15]
            return Education.JUNIOR, School.NOT_IN_SCHOOL
        if age <= 20:
            draw = rng.random()
            if draw < 0.12:
                return Education.SENIOR, HIGHER_VOCATIONAL_GRADES[age - 18]
            if draw < 0.27:
                return Education.COLLEGE, School.COLLEGE
        elif age <= 22 and rng.random() < 0.15:
            return Education.COLLEGE, School.COLLEGE
        cohort = next(weights for limit, weights in EDUCATION_BY_COHORT if birth_year <= limit)
        return cohort.draw(rng), School.NOT_IN_SCHOOL

    def _labor(self, age: int, health: str, *, student: bool) -> str:
        """Return 劳动技能: children and students have none, the very old none or lost."""
        rng = self._rng
        if age < 16 or student:
            return Labor.NONE
        if age >= 75:
            return LABOR_ELDERLY.draw(rng)
        if age >= 65:
            return LABOR_YOUNG_OLD.draw(rng)
        if health in {Health.SERIOUS_ILLNESS, Health.DISABLED}:
            return LABOR_ILL.draw(rng)
        if health == Health.CHRONIC:
            return LABOR_CHRONIC.draw(rng)
        return LABOR_HEALTHY.draw(rng)

    # ------------------------------------------------------------ status history

    def _history(self) -> _History:
        """Draw the status events (oldest first) and the years the incomes depend on."""
        rng = self._rng
        events: list[_Event] = []
        draw = rng.random()
        registration_year = exit_year = None
        if draw < MARGINAL_SHARE + ORDINARY_SUDDEN_SHARE:
            sudden = draw < ORDINARY_SUDDEN_SHARE
            category = (
                codes.MonitoringCategory.SUDDEN_HARDSHIP
                if sudden
                else codes.MonitoringCategory.MARGINAL
            )
        else:
            registration_year = REGISTRATION_YEARS.draw(rng)
            registered_on = self._day_between(
                datetime.date(registration_year, 4, 1), datetime.date(registration_year, 10, 31)
            )
            events.append((Kind.REGISTERED_POOR, registered_on, "", "", [], ""))
            exit_year = max(registration_year, EXIT_YEARS.draw(rng))
            exited_on = self._day_between(
                datetime.date(exit_year, 11, 1), datetime.date(exit_year, 12, 31)
            )
            events.append((Kind.EXITED, exited_on, "", "", [], ""))
            draw = rng.random()
            if draw < UNSTABLE_EXITED_SHARE:
                category = codes.MonitoringCategory.UNSTABLE_EXITED
            elif draw < UNSTABLE_EXITED_SHARE + EXITED_SUDDEN_SHARE:
                category = codes.MonitoringCategory.SUDDEN_HARDSHIP
            else:
                return _History(events, registration_year, exit_year, "", None, None)
        identified_year, eliminated_year = self._monitoring_events(events, category)
        return _History(
            events, registration_year, exit_year, category, identified_year, eliminated_year
        )

    def _monitoring_events(self, events: list[_Event], category: str) -> tuple[int, int | None]:
        """Append 纳入监测 and, for most, a later 风险消除; return both years."""
        rng = self._rng
        year = IDENTIFICATION_YEARS.draw(rng)
        month = rng.randint(1, 12)
        identified_on = datetime.date(year, month, rng.randint(1, 28))
        first_risks = (
            SUDDEN_RISK_TYPES
            if category == codes.MonitoringCategory.SUDDEN_HARDSHIP
            else RISK_TYPES
        )
        risks = [str(first_risks.draw(rng))]
        for _extra in range(RISK_COUNT.draw(rng) - 1):
            risk = str(RISK_TYPES.draw(rng))
            if risk not in risks:
                risks.append(risk)
        events.append(
            (Kind.MONITORING_IDENTIFIED, identified_on, category, f"{year}{month:02d}", risks, "")
        )
        # Risk is eliminated after at least six months of stable income (assisted or not).
        month_index = year * 12 + month - 1 + rng.randint(6, 18)
        if month_index > REFERENCE_DATE.year * 12 + 11 or rng.random() >= ELIMINATION_SHARE:
            return year, None
        eliminated_on = datetime.date(month_index // 12, month_index % 12 + 1, rng.randint(1, 28))
        method = ELIMINATION_METHODS.draw(rng)
        events.append((Kind.RISK_ELIMINATED, eliminated_on, "", "", [], method))
        return year, eliminated_on.year

    def _day_between(self, first: datetime.date, last: datetime.date) -> datetime.date:
        offset = self._rng.randint(0, (last - first).days)
        return first + datetime.timedelta(days=offset)

    # ------------------------------------------------------------ income and conditions

    def _years(
        self,
        batch: _Batch,
        household_id: int,
        size: int,
        facts: list[_MemberFacts],
        history: _History,
        on_assistance: bool,
        stamp: Value,
    ) -> None:
        """Append one income row per year. Amounts are whole fen; the net income is a
        multiple of the size, so the per-capita figures divide exactly."""
        rng = self._rng
        workers = sum(1 for fact in facts if fact.labor in WORKING_SKILLS)
        migrants = sum(1 for fact in facts if fact.migrant)
        if workers:
            wage_share = min(0.75, 0.25 + 0.12 * migrants + rng.uniform(-0.08, 0.08))
            business_share = rng.uniform(0.15, 0.35)
        else:
            wage_share = rng.uniform(0.0, 0.1)
            business_share = rng.uniform(0.05, 0.2)
        property_share = rng.uniform(0.01, 0.05)
        # Transfers (pensions, subsidies) are always part of the income, and 低保/特困
        # payments a large part; scaling the other shares down keeps the transfer positive.
        earned = wage_share + business_share + property_share
        ceiling = 0.6 if on_assistance else 0.92
        if earned > ceiling:
            wage_share *= ceiling / earned
            business_share *= ceiling / earned
            property_share *= ceiling / earned
        cost_ratio = rng.uniform(0.3, 0.45)
        level = rng.lognormvariate(0.0, 0.3)
        sick = sum(1 for fact in facts if fact.health in {Health.CHRONIC, Health.SERIOUS_ILLNESS})
        yearly_out_of_pocket = sick * rng.uniform(300, 3000)
        for year in YEARS:
            per_capita = self._per_capita(year, level, history)
            net = round(per_capita * 100) * size
            wage = int(net * wage_share)
            business_net = int(net * business_share)
            property_income = int(net * property_share)
            transfer = net - wage - business_net - property_income
            business = round(business_net / (1 - cost_ratio))
            out_of_pocket = round(yearly_out_of_pocket * rng.uniform(0.6, 1.4) * 100)
            claims = 0
            if (
                year == history.identified_year
                and history.category == codes.MonitoringCategory.SUDDEN_HARDSHIP
            ):
                # 突发严重困难: large rigid spending, so the income after it falls below the line.
                out_of_pocket = max(
                    RIGID_EXPENDITURE_THRESHOLD_CENTS + rng.randrange(3_000_000),
                    net - round(MONITORING_LINES[year] * rng.uniform(0.3, 0.9) * 100) * size,
                )
                claims = round(out_of_pocket * rng.uniform(0.1, 0.4))
            out_of_pocket -= out_of_pocket % size
            batch.years.append(
                (
                    household_id,
                    year,
                    size,
                    _yuan(wage),
                    _yuan(business),
                    _yuan(property_income),
                    _yuan(transfer),
                    _yuan(business - business_net),
                    _yuan(claims),
                    _yuan(out_of_pocket),
                    stamp,
                )
            )

    def _per_capita(  # noqa: PLR0911 - one return per phase of the household's history
        self, year: int, level: float, history: _History
    ) -> float:
        """Per-capita net income in 元: around the yearly anchor, below the poverty line
        while poor, near the monitoring line in the year a household is identified."""
        rng = self._rng
        anchor = INCOME_ANCHORS[year] * level * rng.uniform(0.92, 1.08)
        if history.exit_year is not None and year < history.exit_year:
            return POVERTY_LINES[year] * rng.uniform(0.7, 0.98)
        if history.exit_year == year:
            return max(anchor, POVERTY_LINES[year] * rng.uniform(1.1, 1.5))
        identified = history.identified_year
        if identified is None or year < identified - 1:
            return anchor
        line = MONITORING_LINES[year]
        if year < identified:
            return min(anchor, line * rng.uniform(1.1, 1.6))
        if year == identified:
            if history.category == codes.MonitoringCategory.SUDDEN_HARDSHIP:
                return anchor
            return line * rng.uniform(0.8, 1.05)
        if history.eliminated_year is not None and year >= history.eliminated_year:
            return min(anchor, line * rng.uniform(1.2, 1.8))
        return line * rng.uniform(0.9, 1.2)

    def _conditions(self, household_id: int, facts: list[_MemberFacts], stamp: Value) -> Row:
        rng = self._rng
        grade = HOUSING_GRADES.draw(rng)
        return (
            household_id,
            CONDITIONS_YEAR,
            grade,
            HOUSING_STRUCTURES.draw(rng),
            f"{rng.randint(300, 1300) / 10:.1f}",
            codes.WaterStandard.STANDARD_2018,
            True,
            ROAD_TYPES.draw(rng),
            rng.random() < 0.75,
            FUELS.draw(rng),
            grade in UNSAFE_GRADES,
            any(fact.dropout for fact in facts),
            rng.random() < WATER_UNSAFE_SHARE,
            not all(fact.has_medical_insurance for fact in facts),
            stamp,
        )


def _yuan(fen: int) -> str:
    """Format whole fen as a decimal string with two places (exact, no float rounding)."""
    return f"{fen // 100}.{fen % 100:02d}"
