"""Monitoring writes: risk clues from the four channels, the identification and
elimination state machine, public notices and the daily deadline check.

Every service is keyword-only and atomic, takes the actor (None for the public form and
the command line) and their scope, checks that the actor's role owns the step and that the
case lies in their region before changing anything, and writes its audit event in the same
transaction. Refusals raise ApplicationError (or its PermissionDeniedError / NotFoundError
subclasses) with a Chinese message and leave the database as it was.

Split by sub-domain (ADR 0006): `clues` (with `department_clues`, the comparison runs'
warnings in bulk), `steps`, `publicity`, `announcements`, `elimination`, `deadlines`
(with the calendar import), `registration` (登记为农户), `duplicates` (merging the open
cases an old database holds twice for a household) and `common`, the checks and records
they share.
"""

from fupin.monitoring.services.announcements import (
    announcement_issuer,
    announcement_publish,
    case_announce,
)
from fupin.monitoring.services.clues import (
    REVEALABLE_CLUE_FIELDS,
    ClueBatch,
    clue_from_department,
    clue_register,
    clue_reveal_contact,
    clue_self_apply,
    clues_from_assessment,
)
from fupin.monitoring.services.common import (
    MAX_ATTACHMENT_BYTES,
    MAX_RISK_TYPES,
    StepFile,
    UploadedFile,
    approval_record,
    is_held_by,
)
from fupin.monitoring.services.deadlines import (
    CalendarImportResult,
    calendar_import,
    deadlines_check,
)
from fupin.monitoring.services.department_clues import (
    DepartmentClues,
    DepartmentWarning,
    clues_from_department_bulk,
)
from fupin.monitoring.services.duplicates import case_duplicates_merge
from fupin.monitoring.services.elimination import (
    elimination_propose,
    eliminations_from_assessment,
)
from fupin.monitoring.services.publicity import (
    NOTICE_FIELDS,
    case_publicity_close,
    case_publicity_start,
    notice_content,
    objection_record,
    objection_resolve,
)
from fupin.monitoring.services.registration import case_household_register
from fupin.monitoring.services.steps import (
    attachment_download_record,
    attachment_hold,
    attachments_held_cleanup,
    case_comparison_record,
    case_county_review,
    case_reject,
    case_return,
    case_review_record,
    case_township_review,
    case_visit_record,
)

__all__ = [
    "MAX_ATTACHMENT_BYTES",
    "MAX_RISK_TYPES",
    "NOTICE_FIELDS",
    "REVEALABLE_CLUE_FIELDS",
    "CalendarImportResult",
    "ClueBatch",
    "DepartmentClues",
    "DepartmentWarning",
    "StepFile",
    "UploadedFile",
    "announcement_issuer",
    "announcement_publish",
    "approval_record",
    "attachment_download_record",
    "attachment_hold",
    "attachments_held_cleanup",
    "calendar_import",
    "case_announce",
    "case_comparison_record",
    "case_county_review",
    "case_duplicates_merge",
    "case_household_register",
    "case_publicity_close",
    "case_publicity_start",
    "case_reject",
    "case_return",
    "case_review_record",
    "case_township_review",
    "case_visit_record",
    "clue_from_department",
    "clue_register",
    "clue_reveal_contact",
    "clue_self_apply",
    "clues_from_assessment",
    "clues_from_department_bulk",
    "deadlines_check",
    "elimination_propose",
    "eliminations_from_assessment",
    "is_held_by",
    "notice_content",
    "objection_record",
    "objection_resolve",
]
