"""Writes of the departments app: feeds (store and compare), 疑点 and API keys."""

from fupin.departments.services.duplicates import (
    DuplicateSearch,
    duplicate_candidates_find,
    duplicate_confirm,
    duplicate_dismiss,
)
from fupin.departments.services.feeds import (
    FeedApplyResult,
    feed_rows_apply,
    period_check,
    registered_people,
)
from fupin.departments.services.findings import (
    CheckResult,
    finding_answer,
    finding_review,
    findings_check,
)
from fupin.departments.services.tokens import (
    department_token_issue,
    department_token_revoke,
    key_digest,
)

__all__ = [
    "CheckResult",
    "DuplicateSearch",
    "FeedApplyResult",
    "department_token_issue",
    "department_token_revoke",
    "duplicate_candidates_find",
    "duplicate_confirm",
    "duplicate_dismiss",
    "feed_rows_apply",
    "finding_answer",
    "finding_review",
    "findings_check",
    "key_digest",
    "period_check",
    "registered_people",
]
