from collections.abc import Mapping
from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _parameter_labels() -> Mapping[str, Any]:
    """The shipped rule set's parameters and the reference series, by their labels."""
    from fupin.assessment.rules.definition import default_rule_set  # noqa: PLC0415
    from fupin.assessment.selectors import REFERENCE_PARAMETERS  # noqa: PLC0415

    labels = {name: spec.label_or(name) for name, spec in default_rule_set().parameters.items()}
    return {**labels, **REFERENCE_PARAMETERS}


class AssessmentConfig(AppConfig):
    name = "fupin.assessment"
    label = "assessment"
    verbose_name = _("监测评估")

    def ready(self) -> None:
        # The audit trail names a policy parameter by its label, not its code.
        from fupin.audit.presentation import value_labels_register  # noqa: PLC0415

        value_labels_register("assessment.policy_parameter_set", "name", _parameter_labels)
