"""Writes of the departments app: feeds (store and compare), 疑点 and API keys."""

from fupin.departments.services.cadence import (
    DueComparison,
    comparison_due,
    comparison_run,
    comparison_runs_due,
)
from fupin.departments.services.duplicates import (
    DuplicateSearch,
    duplicate_candidates_find,
    duplicate_confirm,
    duplicate_dismiss,
)
from fupin.departments.services.feeds import (
    FeedApplyResult,
    feed_period_compare,
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
from fupin.departments.services.follow import (
    FollowResult,
    quality_follow_catch_up,
    quality_follow_run,
    quality_follow_start,
)
from fupin.departments.services.tokens import (
    department_token_issue,
    department_token_revoke,
    key_digest,
)

__all__ = [
    "CheckResult",
    "DueComparison",
    "DuplicateSearch",
    "FeedApplyResult",
    "FollowResult",
    "comparison_due",
    "comparison_run",
    "comparison_runs_due",
    "department_token_issue",
    "department_token_revoke",
    "duplicate_candidates_find",
    "duplicate_confirm",
    "duplicate_dismiss",
    "feed_period_compare",
    "feed_rows_apply",
    "finding_answer",
    "finding_review",
    "findings_check",
    "key_digest",
    "period_check",
    "quality_follow_catch_up",
    "quality_follow_run",
    "quality_follow_start",
    "registered_people",
]
