"""Assessment pages, split by sub-domain: runs and parameters, and rule sets."""

from fupin.assessment.views.rulesets import (
    ruleset_clone,
    ruleset_detail,
    ruleset_list,
    ruleset_parameters,
    ruleset_publish,
    ruleset_retire,
    ruleset_rule_edit,
    ruleset_simulate,
    ruleset_simulate_prepare,
    ruleset_try,
    ruleset_validate,
)
from fupin.assessment.views.runs import (
    household_assess,
    household_outcome,
    parameter_list,
    run_list,
)

__all__ = [
    "household_assess",
    "household_outcome",
    "parameter_list",
    "ruleset_clone",
    "ruleset_detail",
    "ruleset_list",
    "ruleset_parameters",
    "ruleset_publish",
    "ruleset_retire",
    "ruleset_rule_edit",
    "ruleset_simulate",
    "ruleset_simulate_prepare",
    "ruleset_try",
    "ruleset_validate",
    "run_list",
]
