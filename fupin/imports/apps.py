from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "fupin.imports"
    label = "imports"
    verbose_name = _("批量导入")

    def ready(self) -> None:
        # The audit trail names an exported ledger by its title, not its code.
        from fupin.audit.presentation import value_labels_register  # noqa: PLC0415
        from fupin.imports.kinds import TEMPLATES  # noqa: PLC0415

        titles = {kind: template.title for kind, template in TEMPLATES.items()}
        value_labels_register("imports.ledger_export", "kind", titles, label=_("台账"))
