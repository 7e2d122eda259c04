"""Assessment writes, split by sub-domain: runs (with policy parameters), the catch-up of
changed households, kept facts, simulations' jobs and rule sets."""

from fupin.assessment.services.catch_up import CATCH_UP_BATCH, CatchUp, assessment_catch_up
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
    assessment_facts_groups,
    assessment_facts_kept,
    assessment_run,
    assessment_run_job_run,
    assessment_run_start,
    policy_parameter_set,
)
from fupin.assessment.services.simulations import (
    simulation_prepare_job_run,
    simulation_prepare_start,
)

__all__ = [
    "CATCH_UP_BATCH",
    "DEFAULT_RULE_SET",
    "OUTCOME_BATCH",
    "CatchUp",
    "RuleEdit",
    "RuleSetInvalidError",
    "assessment_catch_up",
    "assessment_evaluate",
    "assessment_facts_groups",
    "assessment_facts_kept",
    "assessment_run",
    "assessment_run_job_run",
    "assessment_run_start",
    "policy_parameter_set",
    "ruleset_clone",
    "ruleset_publish",
    "ruleset_retire",
    "ruleset_update",
    "simulation_prepare_job_run",
    "simulation_prepare_start",
]
