from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fupin.core.errors import ApplicationError
from fupin.monitoring import selectors
from fupin.monitoring.calendar_files import CalendarFileError, read_calendar_file
from fupin.monitoring.services import calendar_import


class Command(BaseCommand):
    help = (
        "放假调休安排：import 录入一年或几年的安排（xlsx/csv，列为 日期、类型、名称），"
        "并重新计算受影响的期限；show 列出已有安排的年度。"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        assert isinstance(parser, CommandParser)
        actions = parser.add_subparsers(dest="action", required=True)
        entry = actions.add_parser(
            "import", help="录入文件中各年度的放假安排（替换这些年度原有的）"
        )
        entry.add_argument("file", help="xlsx 或 csv 文件")
        entry.add_argument(
            "--source", required=True, help="依据，如 国务院办公厅关于2027年部分节假日安排的通知"
        )
        actions.add_parser("show", help="列出已有安排的年度")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "show":
            for year in selectors.calendar_years():
                self.stdout.write(
                    f"{year.year}：法定节假日 {year.holidays} 天，调休上班日 {year.workdays} 天"
                )
            return
        path = Path(options["file"])
        try:
            entries = read_calendar_file(path.read_bytes(), path.name)
            result = calendar_import(
                actor=None, scope=None, entries=entries, source=options["source"]
            )
        except OSError as error:
            raise CommandError(f"无法读取文件：{error.strerror}") from None
        except CalendarFileError as error:
            for problem in error.problems:
                self.stderr.write(str(problem))
            raise CommandError("放假安排文件有误，未做任何修改。") from None
        except ApplicationError as error:
            raise CommandError(error.message) from None
        years = "、".join(str(year) for year in result.years)
        self.stdout.write(
            f"已录入 {years} 年的放假安排：工作日变化 {result.changed_days} 天，"
            f"重新计算期限 {result.recomputed_deadlines} 个。"
        )
