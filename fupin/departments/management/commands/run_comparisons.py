"""`fupin run_comparisons [--today YYYY-MM-DD]`: run daily; each region that receives
department feeds compares its month once its cadence makes it due (by default the 4th,
every month), and the feeds it did not receive on time are recorded."""

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from fupin.departments.models import FeedKind
from fupin.departments.services import comparison_runs_due


class Command(BaseCommand):
    help = _("按各地的比对周期运行到期的部门数据比对（每天运行）。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", default="", help=_("按这一天判断是否到期（默认今天）"))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = datetime.date.fromisoformat(options["today"]) if options["today"] else None
        except ValueError:
            raise CommandError(_("日期应写作“年-月-日”，例如 2026-12-04。")) from None
        runs = comparison_runs_due(today=today)
        for run in runs:
            missing = "、".join(str(FeedKind(kind).label) for kind in run.kinds_missing)
            self.stdout.write(
                _(
                    "%(region)s %(period)s：比对 %(rows)d 行，新增线索 %(clues)d 条、"
                    "并入 %(merged)d 条，新增疑点 %(findings)d 条；未按期报送：%(missing)s。"
                )
                % {
                    "region": run.region.name,
                    "period": run.period,
                    "rows": run.rows_compared,
                    "clues": run.clues_opened,
                    "merged": run.clues_merged,
                    "findings": run.findings_opened,
                    "missing": missing or _("无"),
                }
            )
        self.stdout.write(_("共运行 %(count)d 次比对。") % {"count": len(runs)})
