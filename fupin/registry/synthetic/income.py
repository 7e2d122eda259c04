"""A generated household's yearly income and its living conditions, consistent with its
members and its status history."""

import random
from dataclasses import dataclass

from fupin.registry import codes
from fupin.registry.synthetic.history import History
from fupin.registry.synthetic.profile import (
    CONDITIONS_YEAR,
    FUELS,
    HOUSING_GRADES,
    HOUSING_STRUCTURES,
    INCOME_ANCHORS,
    MONITORING_LINES,
    POVERTY_LINES,
    RIGID_EXPENDITURE_THRESHOLD_CENTS,
    ROAD_TYPES,
    UNSAFE_GRADES,
    WATER_UNSAFE_SHARE,
    WORKING_SKILLS,
    YEARS,
    Health,
)
from fupin.registry.synthetic.writer import ConditionRow, Value, YearRow


@dataclass(frozen=True)
class MemberFacts:
    """What the income and conditions of a household depend on."""

    labor: str
    health: str
    migrant: bool
    has_medical_insurance: bool
    dropout: bool


def year_rows(
    rng: random.Random,
    rows: list[YearRow],
    household_id: int,
    size: int,
    facts: list[MemberFacts],
    history: History,
    on_assistance: bool,
    stamp: Value,
) -> None:
    """Append one income row per year. Amounts are whole fen; the net income is a
    multiple of the size, so the per-capita figures divide exactly."""
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
        per_capita = _per_capita(rng, year, level, history)
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
        rows.append(
            {
                "household": household_id,
                "year": year,
                "member_count": size,
                "wage_income": _yuan(wage),
                "business_income": _yuan(business),
                "property_income": _yuan(property_income),
                "transfer_income": _yuan(transfer),
                "business_expense": _yuan(business - business_net),
                "insurance_claims": _yuan(claims),
                "compliant_out_of_pocket": _yuan(out_of_pocket),
                "recorded_at": stamp,
            }
        )


def _per_capita(  # noqa: PLR0911 - one return per phase of the household's history
    rng: random.Random, year: int, level: float, history: History
) -> float:
    """Per-capita net income in 元: around the yearly anchor, below the poverty line
    while poor, near the monitoring line in the year a household is identified."""
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


def conditions_row(
    rng: random.Random, household_id: int, facts: list[MemberFacts], stamp: Value
) -> ConditionRow:
    grade = HOUSING_GRADES.draw(rng)
    # The draws run in the order of the columns, as the seed's data depend on it.
    structure = HOUSING_STRUCTURES.draw(rng)
    area = f"{rng.randint(300, 1300) / 10:.1f}"
    road = ROAD_TYPES.draw(rng)
    toilet = rng.random() < 0.75
    fuel = FUELS.draw(rng)
    return {
        "household": household_id,
        "year": CONDITIONS_YEAR,
        "housing_grade": grade,
        "housing_structure": structure,
        "housing_area": area,
        "water_standard": codes.WaterStandard.STANDARD_2018,
        "has_electricity": True,
        "road_type": road,
        "has_sanitary_toilet": toilet,
        "main_fuel": fuel,
        # 两不愁 was met for every household by 2020 (DOMAIN §0): the generator draws no gap.
        "is_food_insecure": False,
        "is_clothing_insecure": False,
        "is_housing_unsafe": grade in UNSAFE_GRADES,
        "has_dropout_child": any(fact.dropout for fact in facts),
        "is_water_unsafe": rng.random() < WATER_UNSAFE_SHARE,
        "has_uninsured_member": not all(fact.has_medical_insurance for fact in facts),
        "recorded_at": stamp,
    }


def _yuan(fen: int) -> str:
    """Format whole fen as a decimal string with two places (exact, no float rounding)."""
    return f"{fen // 100}.{fen % 100:02d}"
