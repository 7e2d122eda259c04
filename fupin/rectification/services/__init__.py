"""Rectification writes: problems and tasks with 销号, complaints, campaigns.

Every service is keyword-only and atomic, takes the actor and their scope, checks the
capability and the region before changing anything, and writes its audit event in the same
transaction. Refusals raise ApplicationError (or its PermissionDeniedError / NotFoundError
subclasses) with a Chinese message and leave the database as it was.
"""

from fupin.rectification.services.campaigns import (
    NO,
    YES,
    VisitResult,
    answer_label,
    campaign_finish,
    campaign_open,
    is_bad_answer,
    visit_record,
)
from fupin.rectification.services.common import setting_for
from fupin.rectification.services.complaints import (
    complaint_acknowledge,
    complaint_close,
    complaint_due_on,
    complaint_investigate,
    complaint_register,
    complaint_reply,
    complaint_submit_public,
    complaint_to_clue,
    complaint_to_problem,
)
from fupin.rectification.services.problems import (
    immediate_due_on,
    ledger_export_record,
    problem_register,
    task_add,
    task_progress_report,
    task_review_closure,
    task_submit_closure,
)

__all__ = [
    "NO",
    "YES",
    "VisitResult",
    "answer_label",
    "campaign_finish",
    "campaign_open",
    "complaint_acknowledge",
    "complaint_close",
    "complaint_due_on",
    "complaint_investigate",
    "complaint_register",
    "complaint_reply",
    "complaint_submit_public",
    "complaint_to_clue",
    "complaint_to_problem",
    "immediate_due_on",
    "is_bad_answer",
    "ledger_export_record",
    "problem_register",
    "setting_for",
    "task_add",
    "task_progress_report",
    "task_review_closure",
    "task_submit_closure",
    "visit_record",
]
