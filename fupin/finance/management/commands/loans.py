"""`fupin loans warnings --as-of YYYY-MM-DD --days 30 [--region CODE] [--json]`: the
到期预警台账; `fupin loans import FILE [--dry-run] [--region CODE] [--json]`: the loan
ledger, all or nothing (the `fupin import loans` command under its own name)."""

import json
from datetime import date
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.core.scope import RegionScope
from fupin.finance import selectors


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(_("日期格式应为 YYYY-MM-DD：%(text)s") % {"text": text}) from None


class Command(BaseCommand):
    help = _("小额信贷：到期预警台账（warnings）和贷款台账导入（import）。")

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        warnings = commands.add_parser("warnings", help=_("到期预警台账"))
        warnings.add_argument("--as-of", default="", help=_("基准日期，默认今天"))
        warnings.add_argument("--days", type=int, default=30, help=_("预警天数，默认 30"))
        warnings.add_argument("--region", default="", help=_("区划代码（默认全国）"))
        warnings.add_argument("--json", action="store_true", help=_("以 JSON 输出"))
        ledger = commands.add_parser("import", help=_("导入贷款台账"))
        ledger.add_argument("file", help=_("xlsx、xls 或 csv 文件"))
        ledger.add_argument("--dry-run", action="store_true", help=_("只校验，不写入"))
        ledger.add_argument("--region", default="", help=_("只接受此区划代码之内的行"))
        ledger.add_argument("--json", action="store_true", help=_("以 JSON 输出结果"))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["command"] == "import":
            flags = [flag for flag in ("dry_run", "json") if options[flag]]
            call_command(
                "import",
                "loans",
                options["file"],
                *(f"--{flag.replace('_', '-')}" for flag in flags),
                "--region",
                options["region"],
                "--no-progress",
                stdout=self.stdout,
                stderr=self.stderr,
            )
            return
        self._warnings(options)

    def _warnings(self, options: dict[str, Any]) -> None:
        as_of = _day(options["as_of"]) if options["as_of"] else timezone.localdate()
        if options["days"] < 1:
            raise CommandError(_("预警天数必须大于 0。"))
        region = options["region"]
        # The command line is trusted like the database: a scope of the region given.
        scope = RegionScope.for_command(region)
        report = selectors.loan_due_warnings(scope=scope, as_of=as_of, days=options["days"])
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "as_of": str(as_of),
                        "days": report.days,
                        "overdue": report.overdue_count,
                        "due": {str(band): report.due_count(band) for band in report.bands},
                        "loans": [
                            {
                                "contract_number": row.loan.contract_number,
                                "borrower": row.loan.borrower.name,
                                "village": row.loan.village.name,
                                "bank": row.loan.bank,
                                "due_on": str(row.loan.due_on),
                                "days_left": row.days_left,
                                "band": row.band,
                                "outstanding": str(row.loan.outstanding),
                                "status": row.loan.status,
                            }
                            for row in report.loans
                        ],
                    },
                    ensure_ascii=False,
                )
            )
            return
        self.stdout.write(
            _("%(as_of)s 起 %(days)s 天内：逾期 %(overdue)s 笔")
            % {"as_of": as_of, "days": report.days, "overdue": report.overdue_count}
        )
        for band in report.bands:
            self.stdout.write(
                _("  %(band)s 天内到期 %(count)s 笔")
                % {"band": band, "count": report.due_count(band)}
            )
        for row in report.loans:
            self.stdout.write(
                f"{row.loan.contract_number}\t{row.loan.village.name}\t{row.loan.bank}\t"
                f"{row.loan.due_on}\t{row.days_left}\t{row.loan.outstanding}"
            )
