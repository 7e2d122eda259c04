"""`fupin feed import KIND FILE --region CODE [--period YYYY-MM] [--json] [--errors-to F]`:
validate a department feed and, when every row passes, store it for the region and period
and compare it with the registry (DOMAIN §10.1). The period defaults to last month; the
same period delivered again creates nothing. Exit codes: 0 done, 2 rows refused, 1 other
failures."""

import datetime
import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.core.errors import ApplicationError
from fupin.core.scope import Capability, RegionScope
from fupin.departments.models import FeedChannel
from fupin.imports.feed_services import FeedOutcome, feed_import
from fupin.imports.feeds import FEED_KINDS
from fupin.imports.parsing import read_table
from fupin.imports.workbooks import error_workbook

EXIT_VALIDATION_ERRORS = 2
EXIT_FAILURE = 1
ERRORS_SHOWN = 50


def _last_month() -> str:
    first = timezone.localdate().replace(day=1)
    return f"{first - datetime.timedelta(days=1):%Y-%m}"


class Command(BaseCommand):
    help = _("部门数据：校验并比对一期部门数据文件（有任何错误行时不写入）。")

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        feed = actions.add_parser("import", help=_("导入一期部门数据并与在册人员比对"))
        feed.add_argument("kind", choices=FEED_KINDS, help=_("数据类别"))
        feed.add_argument("file", type=Path, help=_("xlsx、xls 或 csv 文件"))
        feed.add_argument("--region", required=True, help=_("报送区划代码（县级及以上）"))
        feed.add_argument("--period", default="", help=_("数据期别 YYYY-MM（默认上月）"))
        feed.add_argument("--json", action="store_true", help=_("以 JSON 输出结果"))
        feed.add_argument("--errors-to", type=Path, help=_("把错误工作簿写到此文件"))

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        region: str = options["region"]
        scope = RegionScope.for_command(region, capabilities=frozenset({Capability.UPLOAD_FEEDS}))
        try:
            frame = read_table(path, path.name, max_bytes=sys.maxsize)
            outcome = feed_import(
                actor=None,
                scope=scope,
                kind=options["kind"],
                period=options["period"] or _last_month(),
                frame=frame,
                filename=path.name,
                channel=FeedChannel.COMMAND,
            )
        except FileNotFoundError:
            raise CommandError(
                _("找不到文件 %(path)s。") % {"path": path}, returncode=EXIT_FAILURE
            ) from None
        except ApplicationError as error:
            raise CommandError(error.message, returncode=EXIT_FAILURE) from None
        if options["errors_to"] and outcome.errors:
            options["errors_to"].write_bytes(error_workbook(frame, outcome.errors))
        if options["json"]:
            self.stdout.write(json.dumps(_as_json(outcome), ensure_ascii=False))
        else:
            self._write_summary(outcome)
        if outcome.errors:
            raise CommandError(
                _("有 %(count)d 行未通过校验，未写入任何数据。")
                % {"count": outcome.summary.invalid_rows},
                returncode=EXIT_VALIDATION_ERRORS,
            )

    def _write_summary(self, outcome: FeedOutcome) -> None:
        summary = outcome.summary
        self.stdout.write(
            _("%(title)s %(period)s：共 %(rows)d 行，通过 %(valid)d 行，有错误 %(invalid)d 行。")
            % {
                "title": outcome.title,
                "period": outcome.period,
                "rows": summary.rows,
                "valid": summary.valid_rows,
                "invalid": summary.invalid_rows,
            }
        )
        for error in outcome.errors[:ERRORS_SHOWN]:
            self.stdout.write(
                _("第 %(row)d 行 %(field)s：%(message)s")
                % {"row": error.row_number, "field": error.field, "message": error.message}
            )
        if outcome.result is not None:
            self.stdout.write(outcome.message)


def _as_json(outcome: FeedOutcome) -> dict[str, Any]:
    return {
        "kind": outcome.kind,
        "period": outcome.period,
        "rows": outcome.summary.rows,
        "valid_rows": outcome.summary.valid_rows,
        "invalid_rows": outcome.summary.invalid_rows,
        "errors": [
            {"row": error.row_number, "column": error.field, "message": error.message}
            for error in outcome.errors
        ],
        "result": outcome.result.__dict__ if outcome.result is not None else None,
    }
