"""Households and rule-set drafts shared by the rule-set tests."""

from decimal import Decimal

from fupin.assessment.models import RuleSetRecord
from fupin.assessment.rules import definition
from fupin.assessment.services import rulesets as ruleset_services
from fupin.registry.models import Household
from fupin.registry.services import household_register, household_year_record
from fupin.registry.tests import factories
from tests.support import (
    Actors,
    scope_of,
)

YEAR = 2025
INVALID_CONDITION = "per_capita_net_income < param.monitoring_lin"


def household_with_income(actors: Actors, number: str, village: str, per_capita: int) -> Household:
    """A family of three whose only income is wages of 3 × `per_capita`."""
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
    return household


def clone(actors: Actors, record: RuleSetRecord) -> RuleSetRecord:
    return ruleset_services.ruleset_clone(
        actor=actors.county_admin, scope=scope_of(actors.county_admin), rule_set=record
    )


def set_line(actors: Actors, draft: RuleSetRecord, line: int) -> RuleSetRecord:
    return ruleset_services.ruleset_update(
        actor=actors.county_admin,
        scope=scope_of(actors.county_admin),
        rule_set=draft,
        parameter_defaults={"monitoring_line": line},
    )


def definition_of(record: RuleSetRecord) -> definition.RuleSet:
    record.refresh_from_db()
    return definition.from_dict(record.definition)
