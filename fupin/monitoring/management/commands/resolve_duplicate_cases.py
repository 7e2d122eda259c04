"""`fupin resolve_duplicate_cases [--merge] [--region CODE]`: list the households with two
or more open monitoring cases of one kind and, with --merge, merge each later case into
the earliest (audited). Monitoring migration 0008 names this command when it finds such
households."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from fupin.core.scope import RegionScope
from fupin.monitoring.models import CaseKind
from fupin.monitoring.selectors import case_duplicate_list
from fupin.monitoring.services import case_duplicates_merge


class Command(BaseCommand):
    help = _(
        "列出有两件或多件办理中的同类监测工作事项的农户；加 --merge 时保留每户最早的事项，"
        "把较晚事项的线索并入该事项，并以驳回办结较晚的事项（记入审计日志）。"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--merge", action="store_true", help=_("把较晚的事项并入每户最早的同类事项")
        )
        parser.add_argument("--region", default="", help=_("只处理此区划代码之内的事项"))

    def handle(self, *args: Any, **options: Any) -> None:
        region: str = options["region"]
        scope = RegionScope.for_command(region)
        households = case_duplicate_list(scope=scope)
        for duplicate in households:
            kept, *later = duplicate.cases
            self.stdout.write(
                _("户编号 %(number)s（%(kind)s）：保留事项 #%(kept)s；较晚：%(later)s")
                % {
                    "number": duplicate.household.number,
                    "kind": CaseKind(duplicate.kind).label,
                    "kept": kept.pk,
                    "later": "、".join(f"#{case.pk}" for case in later),
                }
            )
        if not options["merge"]:
            self.stdout.write(
                _("共 %(count)d 户有重复的办理中事项。") % {"count": len(households)}
                if households
                else _("没有重复的办理中事项。")
            )
            return
        merged = case_duplicates_merge(actor=None, scope=scope)
        self.stdout.write(_("已把 %(count)d 件重复事项并入最早的事项。") % {"count": merged})
