"""Assessment writes, split by sub-domain: runs (with policy parameters) and rule sets."""

from fupin.assessment.services.rulesets import (
    RuleEdit,
    RuleSetInvalidError,
    ruleset_clone,
    ruleset_publish,
    ruleset_retire,
    ruleset_update,
)
from fupin.assessment.services.runs import (
    DEFAULT_RULE_SET,
    OUTCOME_BATCH,
    assessment_evaluate,
    assessment_run,
    assessment_run_job_run,
    assessment_run_start,
    policy_parameter_set,
)

__all__ = [
    "DEFAULT_RULE_SET",
    "OUTCOME_BATCH",
    "RuleEdit",
    "RuleSetInvalidError",
    "assessment_evaluate",
    "assessment_run",
    "assessment_run_job_run",
    "assessment_run_start",
    "policy_parameter_set",
    "ruleset_clone",
    "ruleset_publish",
    "ruleset_retire",
    "ruleset_update",
]
