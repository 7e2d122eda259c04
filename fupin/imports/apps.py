from collections.abc import Mapping
from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _ledger_titles() -> Mapping[str, Any]:
    from fupin.imports.kinds import TEMPLATES  # noqa: PLC0415 - not at start-up

    return {kind: template.title for kind, template in TEMPLATES.items()}


class ImportsConfig(AppConfig):
    name = "fupin.imports"
    label = "imports"
    verbose_name = _("批量导入")

    def ready(self) -> None:
        # The audit trail names an exported ledger by its title, not its code.
        from fupin.audit.presentation import value_labels_register  # noqa: PLC0415

        value_labels_register("imports.ledger_export", "kind", _ledger_titles, label=_("台账"))
