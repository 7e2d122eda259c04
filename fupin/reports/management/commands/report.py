import json
from argparse import ArgumentParser
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.core.errors import ApplicationError
from fupin.reports.exports import report_title, report_xlsx
from fupin.reports.selectors.standard import ReportKind, report_as_dict, report_build
from fupin.reports.tallies import NATIONWIDE, tally_catch_up


class Command(BaseCommand):
    help = (
        "生成标准统计报表：monitored（监测对象分类）、risk-types（风险类型）、"
        "elimination（风险消除）、income（收入构成）、coverage（帮扶措施覆盖），"
        "按下一级区划分行并有合计行。"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("kind", choices=[kind.value for kind in ReportKind])
        parser.add_argument("--region", required=True, help="区划代码，例如 220122")
        parser.add_argument("--year", required=True, type=int, help="年度")
        parser.add_argument("--as-of", help="截止日期 YYYY-MM-DD：按状态变更历史还原")
        output = parser.add_mutually_exclusive_group(required=True)
        output.add_argument("--out", help="写入的 xlsx 文件")
        output.add_argument("--json", action="store_true", help="以 JSON 输出到标准输出")

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = _parse_date(options["as_of"]) if options["as_of"] else None
        tally_catch_up()
        try:
            report = report_build(
                scope=NATIONWIDE,
                kind=ReportKind(options["kind"]),
                region_code=options["region"],
                year=options["year"],
                as_of=as_of,
            )
        except ApplicationError as error:
            raise CommandError(error.message) from error
        if options["json"]:
            self.stdout.write(json.dumps(report_as_dict(report), ensure_ascii=False, indent=2))
            return
        path = Path(options["out"])
        path.write_bytes(report_xlsx(report, made_on=timezone.localdate()))
        self.stdout.write(
            self.style.SUCCESS(
                _("已写入 %(path)s：%(title)s") % {"path": path, "title": report_title(report)}
            )
        )


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(_("截止日期应写作 YYYY-MM-DD，例如 2025-06-30。")) from error
