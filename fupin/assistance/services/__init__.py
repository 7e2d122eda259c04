"""Writes of assistance, re-exported (ADR 0006)."""

from fupin.assistance.services.cadres import (
    cadre_assign,
    cadre_assignment_end,
    cadre_create,
    work_team_member_add,
    work_team_member_end,
)
from fupin.assistance.services.plans import (
    measure_add,
    measure_status_set,
    monthly_income_record,
    plan_draft,
    risk_add,
    risk_resolve,
)
from fupin.assistance.services.visits import PhotoUpload, visit_photo_view, visit_record

__all__ = [
    "PhotoUpload",
    "cadre_assign",
    "cadre_assignment_end",
    "cadre_create",
    "measure_add",
    "measure_status_set",
    "monthly_income_record",
    "plan_draft",
    "risk_add",
    "risk_resolve",
    "visit_photo_view",
    "visit_record",
    "work_team_member_add",
    "work_team_member_end",
]
