"""The statistical profile of a generated county (DOMAIN §12): household sizes and ages,
causes, health, labour, schooling, housing, income anchors and the shares of each path
through the status events. Pure data and a weighted draw; no database."""

import datetime
import random
from bisect import bisect
from collections.abc import Sequence
from itertools import accumulate
from typing import Final, Generic, TypeVar

from fupin.registry import codes

T = TypeVar("T")

FIRST_YEAR: Final = 2016
LAST_YEAR: Final = 2025
YEARS: Final = tuple(range(FIRST_YEAR, LAST_YEAR + 1))
CONDITIONS_YEAR: Final = LAST_YEAR
# Ages, school grades and the latest events are as of the end of the latest data year.
REFERENCE_DATE: Final = datetime.date(LAST_YEAR, 12, 31)


class Weighted(Generic[T]):
    """Draw values with fixed relative weights (cumulative weights, one random() a draw)."""

    def __init__(self, weighted: Sequence[tuple[T, float]]) -> None:
        self.values = [value for value, _weight in weighted]
        self._cumulative = list(accumulate(weight for _value, weight in weighted))
        self._total = self._cumulative[-1]

    def draw(self, rng: random.Random) -> T:
        return self.values[bisect(self._cumulative, rng.random() * self._total)]


Cause = codes.PovertyCause
PRIMARY_CAUSES: Final = Weighted(
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
OTHER_CAUSES: Final = Weighted(
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
OTHER_CAUSE_COUNT: Final = Weighted([(0, 30), (1, 40), (2, 30)])
FUNDS_WITH_SKILLS_SHARE: Final = 0.6

# 1/2/3/4/5/6+ persons; monitored households are smaller (about 2.4 persons).
SIZES: Final = Weighted([(1, 14), (2, 24), (3, 19), (4, 20), (5, 13), (6, 10)])
MONITORED_SIZES: Final = Weighted([(1, 25), (2, 32), (3, 20), (4, 13), (5, 6), (6, 4)])
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
REGISTRATION_YEARS: Final = Weighted([(2014, 80), (2015, 12), (2016, 8)])
EXIT_YEARS: Final = Weighted([(2016, 15), (2017, 20), (2018, 25), (2019, 25), (2020, 15)])
IDENTIFICATION_YEARS: Final = Weighted([(2021, 25), (2022, 25), (2023, 20), (2024, 17), (2025, 13)])
ELIMINATION_METHODS: Final = Weighted(
    [(codes.EliminationMethod.ASSISTED, 75), (codes.EliminationMethod.NATURAL, 25)]
)
Risk = codes.RiskType
RISK_TYPES: Final = Weighted(
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
SUDDEN_RISK_TYPES: Final = Weighted(
    [(Risk.ILLNESS, 60), (Risk.ACCIDENT, 25), (Risk.NATURAL_DISASTER, 15)]
)
RISK_COUNT: Final = Weighted([(1, 50), (2, 35), (3, 15)])

POVERTY_ATTRIBUTES_WITHOUT_LABOR: Final = Weighted(
    [
        (codes.PovertyAttribute.ORDINARY, 10),
        (codes.PovertyAttribute.DIBAO, 35),
        (codes.PovertyAttribute.TEKUN, 55),
    ]
)
POVERTY_ATTRIBUTES_WITH_LABOR: Final = Weighted(
    [
        (codes.PovertyAttribute.ORDINARY, 77),
        (codes.PovertyAttribute.DIBAO, 20),
        (codes.PovertyAttribute.TEKUN, 3),
    ]
)
IDENTIFICATION_STANDARDS: Final = Weighted(
    [
        (codes.IdentificationStandard.NATIONAL, 92),
        (codes.IdentificationStandard.PROVINCIAL, 6),
        (codes.IdentificationStandard.MUNICIPAL, 2),
    ]
)
ETHNICITIES: Final = Weighted(
    [
        (codes.Ethnicity.HAN, 94),
        (codes.Ethnicity.MANCHU, 3),
        (codes.Ethnicity.HUI, 1.5),
        (codes.Ethnicity.MONGOL, 1),
        (codes.Ethnicity.KOREAN, 0.5),
    ]
)
MIGRANT_PLACES: Final = Weighted(
    [
        (codes.MigrantWork.IN_TOWNSHIP, 20),
        (codes.MigrantWork.IN_COUNTY, 25),
        (codes.MigrantWork.IN_PROVINCE, 30),
        (codes.MigrantWork.OUT_OF_PROVINCE, 25),
    ]
)
MIGRANT_SHARE: Final = 0.45

Health = codes.Health


def _health(healthy: float, chronic: float, serious: float, disabled: float) -> Weighted[str]:
    return Weighted(
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
LABOR_ELDERLY: Final = Weighted([(Labor.LOST, 55), (Labor.NONE, 45)])
LABOR_YOUNG_OLD: Final = Weighted(
    [(Labor.ORDINARY, 25), (Labor.WEAK, 45), (Labor.LOST, 15), (Labor.NONE, 15)]
)
LABOR_ILL: Final = Weighted([(Labor.ORDINARY, 10), (Labor.WEAK, 35), (Labor.LOST, 55)])
LABOR_CHRONIC: Final = Weighted([(Labor.ORDINARY, 55), (Labor.WEAK, 40), (Labor.LOST, 5)])
LABOR_HEALTHY: Final = Weighted([(Labor.ORDINARY, 86), (Labor.SKILLED, 12), (Labor.WEAK, 2)])
WORKING_SKILLS: Final = frozenset({Labor.ORDINARY, Labor.SKILLED})
NO_LABOR_SKILLS: Final = frozenset({Labor.NONE, Labor.LOST})

Education = codes.Education


def _education(
    illiterate: float, primary: float, junior: float, senior: float, college: float
) -> Weighted[str]:
    return Weighted(
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

HOUSING_GRADES: Final = Weighted(
    [
        (codes.HousingGrade.A, 70),
        (codes.HousingGrade.B, 26),
        (codes.HousingGrade.C, 3),
        (codes.HousingGrade.D, 1),
    ]
)
UNSAFE_GRADES: Final = frozenset({codes.HousingGrade.C, codes.HousingGrade.D})
Structure = codes.HousingStructure
HOUSING_STRUCTURES: Final = Weighted(
    [
        (Structure.BRICK_CONCRETE, 45),
        (Structure.BRICK_WOOD, 35),
        (Structure.REINFORCED_CONCRETE, 12),
        (Structure.STONE_CAVE, 3),
        (Structure.EARTH, 3),
        (Structure.OTHER, 2),
    ]
)
ROAD_TYPES: Final = Weighted(
    [(codes.RoadType.PAVED, 85), (codes.RoadType.GRAVEL, 12), (codes.RoadType.DIRT, 3)]
)
Fuel = codes.Fuel
FUELS: Final = Weighted(
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

SURNAMES: Final = Weighted(
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
