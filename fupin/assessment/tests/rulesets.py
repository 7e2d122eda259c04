"""Households and rule-set drafts shared by the rule-set tests."""

from decimal import Decimal

from fupin.assessment.models import RuleSetRecord
from fupin.assessment.rules import definition
from fupin.assessment.services import rulesets as ruleset_services
from fupin.registry.models import Household
from fupin.registry.services import (
    household_conditions_record,
    household_register,
    household_year_record,
)
from fupin.registry.tests import factories
from tests.support import (
    Actors,
    scope_of,
)

YEAR = 2025
INVALID_CONDITION = "per_capita_net_income < param.monitoring_lin"


def household_with_income(actors: Actors, number: str, village: str, per_capita: int) -> Household:
    """A family of three whose only income is wages of 3 × `per_capita` and whose water is
    unsafe: a 返贫致贫风险, so that income below the line makes it eligible."""
    scope = scope_of(actors.system_admin)
    household = household_register(
        actor=actors.system_admin,
        scope=scope,
        data=factories.household(number, village),
        members=factories.family(),
    )
    household_year_record(
        actor=actors.system_admin,
        scope=scope,
        household=household,
        year=YEAR,
        amounts={"wage_income": Decimal(per_capita * 3)},
    )
    household_conditions_record(
        actor=actors.system_admin,
        scope=scope,
        household=household,
        year=YEAR,
        values={"is_water_unsafe": True},
    )
    return household


def clone(actors: Actors, record: RuleSetRecord) -> RuleSetRecord:
    return ruleset_services.ruleset_clone(
        actor=actors.county_admin, scope=scope_of(actors.county_admin), rule_set=record
    )


# The line the tests' regions set (conftest.TEST_POLICY_LINES): a draft "raises the line"
# by monitoring households up to a margin above it.
TEST_LINE = 7000


def set_line(actors: Actors, draft: RuleSetRecord, line: int) -> RuleSetRecord:
    """A county draft that monitors households with income below `line`, i.e. the region's
    监测范围 plus a margin of its own (the 监测范围 itself is set per year, not in a draft)."""
    margin = line - TEST_LINE
    rule = definition_of(draft).rule("MON-INCOME-BELOW-LINE")
    condition = rule.condition.replace(
        "per_capita_net_income < param.monitoring_line",
        f"per_capita_net_income < param.monitoring_line + {margin}",
    )
    message = rule.message.replace(
        "低于监测范围 {param.monitoring_line} 元",
        f"低于本县监测标准 {{param.monitoring_line + {margin}}} 元",
    )
    return ruleset_services.ruleset_update(
        actor=actors.county_admin,
        scope=scope_of(actors.county_admin),
        rule_set=draft,
        rule_edits=[ruleset_services.RuleEdit(rule.code, condition, message)],
    )


def definition_of(record: RuleSetRecord) -> definition.RuleSet:
    record.refresh_from_db()
    return definition.from_dict(record.definition)
