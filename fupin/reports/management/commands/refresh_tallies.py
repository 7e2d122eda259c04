from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from fupin.reports.tallies import tally_catch_up, tally_rebuild


class Command(BaseCommand):
    help = (
        "更新首页和统计报表所用的汇总数：按审计记录重新统计有变化的区划；"
        "--full 全部重新统计（建议每天零点后运行一次，帮扶措施覆盖按当天统计）。"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--full", action="store_true", help="全部重新统计")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["full"]:
            tally_rebuild()
            self.stdout.write(self.style.SUCCESS(_("汇总数已全部重新统计。")))
            return
        result = tally_catch_up()
        self.stdout.write(
            self.style.SUCCESS(
                _("汇总数已更新：重新统计了 %(count)s 个区划。") % {"count": len(result.regions)}
            )
        )
