"""Golden cases through the real path: registry and assistance records written by their
services → the facts selector → the shipped baseline, for 2020, 2023 and 2025 with each
year's own parameters. One case (at least) per rule and per guard; every decision and every
fired rule is compared exactly."""

import json
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from fupin.assessment.models import PolicyParameter
from fupin.assessment.rules.definition import (
    DecisionKind,
    default_rule_set,
    format_value,
)
from fupin.assessment.rules.engine import explain
from fupin.assessment.rules.facts import DERIVED_FACTS, category_label
from fupin.assessment.services import assessment_evaluate
from fupin.assistance import services as assistance
from fupin.assistance.models import MeasureStatus, RiskRecord, RiskSource
from fupin.registry import codes
from fupin.registry.models import Household, HouseholdStatusEvent
from fupin.registry.services import (
    household_conditions_record,
    household_register,
    household_status_record,
    household_year_record,
)
from fupin.registry.tests import factories
from tests.support import COUNTY, VILLAGE, Actors, scope_of

RULE_SET = default_rule_set()
Kind = HouseholdStatusEvent.Kind
# Each year's values, as regions set them: 2020's verified nationwide 监测范围 (≈ 1.5 × the
# line) and 扶贫标准, a province's 2023 value and a county's 2025 value (test values).
PARAMETERS = [
    ("monitoring_line", "", 2020, 6000),
    ("poverty_line", "", 2020, 4000),
    ("monitoring_line", "22", 2023, 7000),
    ("poverty_line", "", 2023, 4000),
    ("monitoring_line", COUNTY, 2025, 7500),
    ("poverty_line", "", 2025, 4000),
]
VERIFIED = {"food_insecure": False}  # a conditions record with every check passed


@pytest.fixture(autouse=True)
def _parameters(assistance_tables: None) -> None:
    PolicyParameter.objects.bulk_create(
        PolicyParameter(name=name, region_code=region, year=year, value=Decimal(value))
        for name, region, year, value in PARAMETERS
    )


@dataclass(frozen=True)
class Records:
    """What the registry and assistance records say, written through their services."""

    incomes: dict[int, int] = field(default_factory=dict)  # year → per-capita wages
    rigid: dict[int, int] = field(default_factory=dict)  # year → 合规自付支出 of the household
    conditions: dict[str, bool] | None = None  # the year's 两不愁三保障 and 饮水 problems
    exited: bool = False
    poor: bool = False
    identified: tuple[str, str, list[str]] | None = None  # category, YYYYMM, risk codes
    risks: list[str] = field(default_factory=list)  # open risk records (not via identification)
    resolve_risks: bool = False
    able_to_work: bool = False
    measure: bool = False
    safety_net: bool = False
    months_above: list[date] = field(default_factory=list)
    unknown_identification_month: bool = False


def _write(actors: Actors, year: int, spec: Records) -> Household:  # noqa: PLR0912 - one branch per kind of record
    admin, officer = actors.system_admin, actors.village_officer
    members = factories.family()
    if spec.able_to_work:
        members[0] = factories.member(
            "张建国", codes.Relation.HEAD, date(1970, 5, 1), labor_skill=codes.LaborSkill.ORDINARY
        )
    household = household_register(
        actor=admin,
        scope=scope_of(admin),
        data=factories.household(
            f"G{Household.objects.count() + 1:03d}",
            VILLAGE,
            is_whole_household_without_labor=spec.safety_net,
        ),
        members=members,
    )

    def status(kind: str, on: date, **details: Any) -> None:
        household_status_record(
            actor=admin, scope=scope_of(admin), household=household, kind=kind, occurred_on=on,
            **details,
        )  # fmt: skip

    if spec.exited or spec.poor:
        status(Kind.REGISTERED_POOR, date(2016, 5, 1))
    if spec.exited:
        status(Kind.EXITED, date(2018, 11, 20))
    if spec.identified:
        category, month, risk_types = spec.identified
        on = date(int(month[:4]), int(month[4:]), 10)
        if spec.unknown_identification_month:
            # An imported pre-2021 record without 识别监测时间: written as the import does.
            HouseholdStatusEvent.objects.create(
                household=household, kind=Kind.MONITORING_IDENTIFIED, occurred_on=on,
                year=on.year, monitoring_category=category, risk_types=risk_types,
            )  # fmt: skip
            Household.objects.filter(pk=household.pk).update(
                status="monitored", household_type="monitored", monitoring_category=category
            )
        else:
            status(
                Kind.MONITORING_IDENTIFIED, on, monitoring_category=category,
                identified_month=month, risk_types=risk_types,
            )  # fmt: skip
    household.refresh_from_db()
    for income_year, per_capita in spec.incomes.items():
        household_year_record(
            actor=admin, scope=scope_of(admin), household=household, year=income_year,
            amounts={
                "wage_income": Decimal(per_capita * 3),
                "compliant_out_of_pocket": Decimal(spec.rigid.get(income_year, 0)),
            },
        )  # fmt: skip
    if spec.conditions is not None:
        problems = {
            "food_insecure": "is_food_insecure",
            "housing_unsafe": "is_housing_unsafe",
            "dropout_child": "has_dropout_child",
            "water_unsafe": "is_water_unsafe",
            "member_uninsured": "has_uninsured_member",
        }
        household_conditions_record(
            actor=admin, scope=scope_of(admin), household=household, year=year,
            values={problems[name]: value for name, value in spec.conditions.items()},
        )  # fmt: skip
    help_scope = scope_of(officer)
    for risk in spec.risks:
        assistance.risk_add(
            actor=officer, scope=help_scope, household=household, risk_type=risk,
            found_on=date(year, 2, 1), source=RiskSource.VISIT,
        )  # fmt: skip
    if spec.resolve_risks:
        assistance.plan_draft(actor=officer, scope=help_scope, household=household, year=year)
        for record in RiskRecord.objects.filter(household=household):
            assistance.risk_resolve(
                actor=officer, scope=help_scope, risk=record, resolved_on=date(year, 12, 1),
                resolution="大病保险报销后自付可承受",
            )  # fmt: skip
    if spec.measure:
        assistance.measure_add(
            actor=officer, scope=help_scope, household=household, year=year,
            member=household.members.get(relation=codes.Relation.HEAD), category_code="100A40",
            subtype="县内企业务工", responsible_unit="农安县人社局",
            started_on=date(year, 4, 1), status=MeasureStatus.IN_PLACE,
        )  # fmt: skip
    for recorded in spec.months_above:
        assistance.monthly_income_record(
            actor=officer, scope=help_scope, household=household, month=recorded,
            amount=Decimal(3000),
        )  # fmt: skip
    return household


@dataclass(frozen=True)
class Expected:
    fired: list[str]
    eligible: bool = False
    category: str | None = None
    level: str | None = None
    elimination: bool = False
    exit_ok: bool = True


def _months(year: int, first: int, last: int) -> list[date]:
    return [date(year, month, 1) for month in range(first, last + 1)]


IDENTIFIED_MARCH = ("marginal", "202503", ["1"])
EXITED_IDENTIFIED = ("unstable_exited", "202503", ["1"])
# (name, year, household, expected)
CASES: list[tuple[str, int, Records, Expected]] = [
    # --- eligibility: income (after 合规自付) below the range AND a risk (DOMAIN §5.1)
    (
        "exited_low_income_with_risk_red_by_income",
        2025,
        Records(incomes={2024: 6000, 2025: 5000}, conditions=VERIFIED, exited=True, risks=["1"]),
        Expected(
            ["MON-INCOME-BELOW-LINE", "CAT-UNSTABLE-EXITED", "RISK-RED-INCOME"],
            eligible=True,
            category="unstable_exited",
            level="red",
        ),
    ),
    (
        "ordinary_expenditure_pushes_below_with_water_problem_marginal",
        2023,
        Records(
            incomes={2022: 8000, 2023: 8000}, rigid={2023: 6000}, conditions={"water_unsafe": True}
        ),
        Expected(
            ["MON-INCOME-AFTER-RIGID-BELOW-LINE", "CAT-MARGINAL"],
            eligible=True,
            category="marginal",
        ),
    ),
    (
        "low_income_without_any_risk_is_not_eligible",
        2025,
        Records(incomes={2024: 6000, 2025: 6000}, conditions=VERIFIED),
        Expected([]),
    ),
    (
        "poor_household_is_never_marginal",
        2020,
        Records(incomes={2019: 3500, 2020: 3000}, conditions=VERIFIED, poor=True, risks=["1"]),
        Expected(["EXIT-INCOME-NOT-ABOVE-LINE"], exit_ok=False),
    ),
    # --- 突发严重困难: large expenditure or sharp drop SO THAT after-expenditure income < range
    (
        "large_medical_bill_above_threshold_and_last_years_income_sudden_hardship",
        2025,
        Records(incomes={2024: 12000, 2025: 12000}, rigid={2025: 25000}, conditions=VERIFIED),
        Expected(
            [
                "MON-SUDDEN-RIGID-ABOVE-THRESHOLD",
                "MON-SUDDEN-RIGID-ABOVE-PREVIOUS-INCOME",
                "CAT-SUDDEN-HARDSHIP",
            ],
            eligible=True,
            category="sudden_hardship",
        ),
    ),
    (
        "expenditure_above_half_of_last_years_income_sudden_hardship",
        2023,
        Records(incomes={2022: 8000, 2023: 9000}, rigid={2023: 15000}, conditions=VERIFIED),
        Expected(
            ["MON-SUDDEN-RIGID-ABOVE-PREVIOUS-INCOME", "CAT-SUDDEN-HARDSHIP"],
            eligible=True,
            category="sudden_hardship",
        ),
    ),
    (
        "exited_income_fell_sharply_sudden_hardship_blue",
        2023,
        Records(incomes={2022: 15000, 2023: 6000}, conditions=VERIFIED, exited=True),
        Expected(
            ["MON-SUDDEN-INCOME-DROP", "CAT-SUDDEN-HARDSHIP", "RISK-BLUE"],
            eligible=True,
            category="sudden_hardship",
            level="blue",
        ),
    ),
    # --- a problem alone at an income above the range: a task for a department
    (
        "large_medical_bill_with_high_income_left_is_a_department_warning",
        2025,
        Records(incomes={2024: 30000, 2025: 30000}, rigid={2025: 25000}, conditions=VERIFIED),
        Expected(["FLAG-REFER-RIGID-EXPENDITURE"]),
    ),
    (
        "unsafe_house_at_high_income_goes_to_housing_department",
        2025,
        Records(incomes={2024: 20000, 2025: 20000}, conditions={"housing_unsafe": True}),
        Expected(["FLAG-REFER-HOUSING"]),
    ),
    (
        "dropout_water_and_insurance_at_high_income_go_to_their_departments",
        2023,
        Records(
            incomes={2022: 20000, 2023: 20000},
            conditions={"dropout_child": True, "water_unsafe": True, "member_uninsured": True},
        ),
        Expected(["FLAG-REFER-EDUCATION", "FLAG-REFER-WATER", "FLAG-REFER-INSURANCE"]),
    ),
    # --- colours for every 脱贫户 and 监测户: one level, decided by one rule
    (
        "monitored_exited_with_four_problems_red_keeps_its_category",
        2025,
        Records(
            incomes={2024: 8000, 2025: 7000},
            conditions={"housing_unsafe": True, "water_unsafe": True},
            exited=True,
            identified=EXITED_IDENTIFIED,
        ),
        Expected(
            [
                "MON-INCOME-BELOW-LINE",
                "CAT-KEEP-UNSTABLE-EXITED",
                "RISK-RED-PROBLEMS",
                "ELIM-INCOME-NOT-STABLE",
                "ELIM-INCOME-BELOW-LINE",
                "ELIM-CONDITIONS-PROBLEM",
                "ELIM-RISK-UNRESOLVED",
                "EXIT-CONDITIONS-PROBLEM",
            ],
            eligible=True,
            category="unstable_exited",
            level="red",
            exit_ok=False,
        ),
    ),
    (
        "exited_with_a_risk_and_an_unsafe_house_orange",
        2023,
        Records(
            incomes={2022: 9000, 2023: 9000},
            conditions={"housing_unsafe": True},
            exited=True,
            risks=["1"],
        ),
        Expected(
            ["FLAG-REFER-HOUSING", "RISK-ORANGE", "EXIT-CONDITIONS-PROBLEM"],
            level="orange",
            exit_ok=False,
        ),
    ),
    (
        "stable_exited_household_blue",
        2020,
        Records(incomes={2019: 8000, 2020: 9000}, conditions=VERIFIED, exited=True),
        Expected(["RISK-BLUE"], level="blue"),
    ),
    # --- risk elimination and its guards (DOMAIN §5.8)
    (
        "monitored_ready_for_elimination",
        2025,
        Records(
            incomes={2024: 9000, 2025: 12000},
            conditions=VERIFIED,
            identified=IDENTIFIED_MARCH,
            resolve_risks=True,
            able_to_work=True,
            measure=True,
            months_above=_months(2025, 4, 12),
        ),
        Expected(["RISK-BLUE", "ELIM-CANDIDATE"], level="blue", elimination=True),
    ),
    (
        "identified_last_month_only_natural_elimination_open",
        2025,
        Records(
            incomes={2024: 9000, 2025: 12000},
            conditions=VERIFIED,
            identified=("marginal", "202511", ["1"]),
            resolve_risks=True,
            months_above=_months(2025, 1, 12),
        ),
        # Twelve recorded months above the line, but only one after the identification.
        Expected(
            ["RISK-BLUE", "ELIM-INCOME-NOT-STABLE", "ELIM-TOO-SOON-AFTER-IDENTIFICATION"],
            level="blue",
        ),
    ),
    (
        "unknown_identification_month_blocks_assisted_elimination_only",
        2020,
        Records(
            incomes={2019: 9000, 2020: 9000},
            conditions=VERIFIED,
            identified=("marginal", "202003", ["1"]),
            unknown_identification_month=True,
            resolve_risks=True,
            months_above=_months(2020, 1, 12),
        ),
        Expected(
            ["RISK-BLUE", "ELIM-CANDIDATE", "ELIM-IDENTIFICATION-MONTH-UNKNOWN"],
            level="blue",
            elimination=True,
        ),
    ),
    (
        "monitored_without_income_unverified_on_safety_net",
        2025,
        Records(
            identified=("sudden_hardship", "202503", ["1"]), safety_net=True, able_to_work=True
        ),
        Expected(
            [
                "RISK-BLUE",
                "ELIM-INCOME-NOT-STABLE",
                "ELIM-INCOME-UNKNOWN",
                "ELIM-CONDITIONS-UNVERIFIED",
                "ELIM-RISK-UNRESOLVED",
                "ELIM-NO-LABOR-SAFETY-NET",
                "ELIM-DEVELOPMENT-MEASURES-MISSING",
            ],
            level="blue",
        ),
    ),
    (
        "monitored_sudden_hardship_with_expenditure_still_eligible",
        2025,
        Records(
            incomes={2024: 12000, 2025: 12000},
            rigid={2025: 25000},
            conditions=VERIFIED,
            identified=("sudden_hardship", "202503", ["1"]),
            resolve_risks=True,
            months_above=_months(2025, 4, 12),
        ),
        Expected(
            [
                "MON-SUDDEN-RIGID-ABOVE-THRESHOLD",
                "MON-SUDDEN-RIGID-ABOVE-PREVIOUS-INCOME",
                "CAT-KEEP-SUDDEN-HARDSHIP",
                "RISK-BLUE",
                "ELIM-CANDIDATE",
                "ELIM-RIGID-EXPENDITURE",
                "ELIM-RIGID-ABOVE-THRESHOLD",
            ],
            eligible=True,
            category="sudden_hardship",
            level="blue",
        ),
    ),
    (
        "monitored_marginal_still_below_keeps_its_category",
        2023,
        Records(
            incomes={2022: 6500, 2023: 6500},
            conditions=VERIFIED,
            identified=("marginal", "202303", ["7"]),
        ),
        Expected(
            [
                "MON-INCOME-BELOW-LINE",
                "CAT-KEEP-MARGINAL",
                "RISK-ORANGE",
                "ELIM-INCOME-NOT-STABLE",
                "ELIM-INCOME-BELOW-LINE",
                "ELIM-RISK-UNRESOLVED",
            ],
            eligible=True,
            category="marginal",
            level="orange",
        ),
    ),
    # --- exit check (DOMAIN §6): stably above the line, 两不愁三保障 checked
    (
        "exit_needs_last_year_above_the_line_and_both_worries_met",
        2020,
        Records(incomes={2019: 3500, 2020: 4500}, conditions={"food_insecure": True}, poor=True),
        Expected(["EXIT-INCOME-NOT-STABLE", "EXIT-CONDITIONS-PROBLEM"], exit_ok=False),
    ),
    (
        "exit_without_last_years_income_is_not_yet_stable",
        2023,
        Records(incomes={2023: 5000}, conditions=VERIFIED, poor=True),
        Expected(["EXIT-PREVIOUS-INCOME-UNKNOWN"], exit_ok=False),
    ),
    (
        "exit_without_income_or_checks_is_refused",
        2023,
        Records(poor=True),
        Expected(["EXIT-INCOME-UNKNOWN", "EXIT-CONDITIONS-UNVERIFIED"], exit_ok=False),
    ),
]


def _evaluate(
    household: Household, year: int
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The outcome, its explanation, the facts (as a facts file holds them) and the
    parameters of the one region group."""
    facts, results, used = assessment_evaluate(
        rule_set=RULE_SET, region_code=household.village_id, year=year,
        household_ids=[household.pk],
    )  # fmt: skip
    (params,) = used.values()
    explained = explain(RULE_SET, facts, params)[0]
    record = facts.drop(list(DERIVED_FACTS)).row(0, named=True)
    return results.row(0, named=True), explained, record, params


COLOUR_WORDS = {"red": "红色", "orange": "橙色", "blue": "蓝色"}
NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _assert_message_reads_true(
    rule: dict[str, Any], outcome: dict[str, Any], explained: dict[str, Any], year: int
) -> None:
    """A fired rule's message: plain Chinese with every placeholder filled, no English word
    or raw code, only numbers that are the household's values, the parameters or the
    template's own, and words that agree with what was decided."""
    template = RULE_SET.rule(rule["code"]).message
    message = rule["message"]
    assert not re.search(r"[A-Za-z{}]", message), message
    shown = {
        number
        for value in rule["values"].values()
        for number in NUMBER.findall(format_value(value))
    }
    literal = set(NUMBER.findall(re.sub(r"\{[^{}]*\}", "", template)))
    assert set(NUMBER.findall(message)) <= shown | literal, (message, shown)
    kind = rule["kind"]
    if kind == "risk_level":
        assert COLOUR_WORDS[outcome["risk_level"]] in message
        strategy = explained["parameters"][f"strategy_{outcome['risk_level']}"]
        assert strategy in message
    if kind == "monitoring_category":
        assert category_label(outcome["monitoring_category"], year) in message
    if kind == "elimination_block":
        assert rule["code"] in outcome["elimination_blocked_by"]
    if kind == "exit_block":
        assert rule["code"] in outcome["exit_blocked_by"]


@pytest.mark.parametrize(
    ("year", "spec", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_golden_case_through_the_registry(
    actors: Actors, tmp_path: Path, year: int, spec: Records, expected: Expected
) -> None:
    household = _write(actors, year, spec)
    outcome, explained, facts, params = _evaluate(household, year)
    assert outcome["fired"] == expected.fired
    assert (
        outcome["monitoring_eligible"],
        outcome["monitoring_category"],
        outcome["risk_level"],
        outcome["elimination_eligible"],
        outcome["exit_ok"],
    ) == (
        expected.eligible,
        expected.category,
        expected.level,
        expected.elimination,
        expected.exit_ok,
    )
    assert [rule["code"] for rule in explained["fired"]] == expected.fired
    for rule in explained["fired"]:
        _assert_message_reads_true(rule, outcome, explained, year)
    # `fupin rules evaluate` decides the same on the facts as a file, with the same values.
    path = tmp_path / "facts.jsonl"
    path.write_text(json.dumps(facts, ensure_ascii=False) + "\n", encoding="utf-8")
    output = StringIO()
    call_command(
        "rules", "evaluate", "--facts", str(path),
        *(f"--param={name}={params[name]}" for name in ("monitoring_line", "poverty_line")),
        stdout=output,
    )  # fmt: skip
    from_file = json.loads(output.getvalue())
    assert [rule["code"] for rule in from_file["fired"]] == expected.fired
    assert (from_file["risk_level"], from_file["monitoring"]) == (
        explained["risk_level"],
        explained["monitoring"],
    )
    assert (from_file["elimination"], from_file["exit"]) == (
        explained["elimination"],
        explained["exit"],
    )


def test_golden_cases_cover_every_rule_and_three_years() -> None:
    fired = {code for _name, _year, _spec, expected in CASES for code in expected.fired}
    assert sorted({rule.code for rule in RULE_SET.rules} - fired) == []
    assert {year for _name, year, _spec, _expected in CASES} == {2020, 2023, 2025}
    guards = [
        rule.code for rule in RULE_SET.rules if rule.decides.kind is DecisionKind.ELIMINATION_BLOCK
    ]
    assert guards
