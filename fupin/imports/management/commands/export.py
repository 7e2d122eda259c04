"""`fupin export KIND FILE [--region CODE]`: write a ledger (members, income or conditions)
in its import template's format, so that `fupin import KIND FILE` reads it back unchanged."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from fupin.audit.services import audit_record
from fupin.core.progress import TerminalProgress
from fupin.core.scope import RegionScope
from fupin.imports.exports import ledger_workbook
from fupin.imports.kinds import TEMPLATES
from fupin.registry.selectors import HouseholdFilters, household_list


class Command(BaseCommand):
    help = _("按导入模板的格式导出台账（成员、收支或生产生活条件），可直接再导入。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(TEMPLATES), help=_("台账种类"))
        parser.add_argument("file", type=Path, help=_("要写入的 xlsx 文件"))
        parser.add_argument(
            "--region", default="", help=_("只导出此区划代码之内的农户（默认全国）")
        )
        parser.add_argument("--no-progress", action="store_true", help=_("不显示进度条"))

    def handle(self, *args: Any, **options: Any) -> None:
        template = TEMPLATES[options["kind"]]
        region: str = options["region"]
        scope = RegionScope.for_command(region)
        households = household_list(scope=scope, filters=HouseholdFilters())
        total = households.count()
        bar = TerminalProgress(unit=_("户"), disable=options["no_progress"])
        try:
            result = ledger_workbook(
                template,
                households,
                options["file"],
                progress=lambda done: bar(done=done, total=total, message=_("导出中")),
            )
        finally:
            bar.close()
        with transaction.atomic():
            audit_record(
                actor=None,
                action="imports.ledger_export",
                subject_type="imports.file",
                subject_label=options["file"].name,
                region_code=region,
                changes={
                    "kind": template.kind,
                    "rows": result.rows,
                    "households": result.households,
                },
                context={"filters": {"region": region}, "channel": "command"},
            )
        self.stdout.write(
            _("已导出 %(households)d 户、%(rows)d 行到 %(path)s。")
            % {"households": result.households, "rows": result.rows, "path": options["file"]}
        )
