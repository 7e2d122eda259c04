"""Reads of assistance, re-exported (ADR 0006)."""

from fupin.assistance.selectors.access import (
    Access,
    household_access,
    require_access,
    visible_households,
)
from fupin.assistance.selectors.cadres import (
    CadreMissing,
    CadreRow,
    VisitDue,
    account_for_cadre,
    cadre_get,
    cadre_list,
    cadre_of_user,
    cadre_rows,
    current_household_count,
    households_without_cadre,
    my_households,
    visits_due,
    work_team,
)
from fupin.assistance.selectors.coverage import (
    CoverageFigure,
    coverage_counts,
    coverage_households,
)
from fupin.assistance.selectors.facts import (
    development_measures_in_place,
    monthly_income_rows,
    risk_rows,
)
from fupin.assistance.selectors.plans import (
    INDUSTRY_CATEGORY,
    HouseholdAssistance,
    PlanGaps,
    household_assistance,
    industry_measures_of_year,
    measure_categories,
    plan_gaps,
)
from fupin.assistance.selectors.rules import setting_for, visit_interval_days

__all__ = [
    "INDUSTRY_CATEGORY",
    "Access",
    "CadreMissing",
    "CadreRow",
    "CoverageFigure",
    "HouseholdAssistance",
    "PlanGaps",
    "VisitDue",
    "account_for_cadre",
    "cadre_get",
    "cadre_list",
    "cadre_of_user",
    "cadre_rows",
    "coverage_counts",
    "coverage_households",
    "current_household_count",
    "development_measures_in_place",
    "household_access",
    "household_assistance",
    "households_without_cadre",
    "industry_measures_of_year",
    "measure_categories",
    "monthly_income_rows",
    "my_households",
    "plan_gaps",
    "require_access",
    "risk_rows",
    "setting_for",
    "visible_households",
    "visit_interval_days",
    "visits_due",
    "work_team",
]
