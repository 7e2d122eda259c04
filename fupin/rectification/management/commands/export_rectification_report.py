from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fupin.core.scope import RegionScope
from fupin.rectification import exports, selectors


class Command(BaseCommand):
    help = (
        "生成一个区划的整改进展报告（xlsx）：下一级每个区划一行，报告期按配置（默认每周）。"
        "可由定时任务每周运行。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", required=True, help="区划代码（省、市、县、乡、村）")
        parser.add_argument("--ends-on", default="", help="报告期截止日期 YYYY-MM-DD，默认今天")
        parser.add_argument("--output", required=True, help="xlsx 文件路径")

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["region"].strip()
        name = selectors.region_name(code)
        if not name:
            raise CommandError(f"区划代码 {code} 不存在。")
        try:
            ends_on = date.fromisoformat(options["ends_on"]) if options["ends_on"] else None
        except ValueError as error:
            raise CommandError("截止日期格式应为 YYYY-MM-DD。") from error
        # The command line is trusted like the database: it reports on the whole region.
        scope = RegionScope(role="", role_label="", prefix=code, root_prefix=code, region_name=name)
        report = selectors.progress_report(scope=scope, ends_on=ends_on)
        path = Path(options["output"])
        path.write_bytes(exports.report_workbook(report, region_name=name))
        self.stdout.write(
            f"{name}整改进展报告（{report.starts_on} 至 {report.ends_on}）："
            f"{len(report.rows)} 个区划，问题 {report.total.problems} 个，"
            f"超期未销号任务 {report.total.tasks_overdue} 个 → {path}"
        )
