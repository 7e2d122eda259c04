import datetime
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.assistance.synthetic import assistance_bulk_delete, assistance_bulk_generate
from fupin.core.errors import ApplicationError
from fupin.core.progress import TerminalProgress


def _day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(
            _("日期“%(value)s”不正确，请写成 2026-12-31。") % {"value": value}
        ) from error


class Command(BaseCommand):
    help = (
        "为 generate_county 生成的模拟县补上帮扶数据：帮扶责任人与结对、驻村工作队、"
        "逐年帮扶计划和措施、风险记录、一年的走访和月度收入。同一随机种子、县数据和日期生成完全相同的数据。"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--county", required=True, help="六位县级区划代码，例如 220421")
        parser.add_argument("--seed", type=int, default=7, help="随机种子（默认 7）")
        parser.add_argument(
            "--as-of", type=_day, default=None, help="数据截至日期（默认今天），例如 2026-12-31"
        )
        parser.add_argument(
            "--replace", action="store_true", help="先删除该县模拟农户以前生成的帮扶数据再生成"
        )
        parser.add_argument(
            "--delete",
            action="store_true",
            help="只删除该县模拟农户的帮扶数据（generate_county --replace 之前需要）",
        )
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(self, *args: Any, **options: Any) -> None:
        county = options["county"]
        if options["delete"]:
            deleted = assistance_bulk_delete(county_code=county)
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "已删除县 %(county)s 模拟农户的帮扶数据："
                        "%(visits)s 条走访，%(plans)s 份计划。"
                    )
                    % {"county": county, "visits": deleted["visits"], "plans": deleted["plans"]}
                )
            )
            return
        progress = TerminalProgress(unit="户", disable=options["no_progress"])
        try:
            result = assistance_bulk_generate(
                county_code=county,
                seed=options["seed"],
                as_of=options["as_of"] or timezone.localdate(),
                replace=options["replace"],
                on_progress=progress,
            )
        except ApplicationError as error:
            raise CommandError(error.message) from error
        finally:
            progress.close()
        rate = result.county_households / result.seconds if result.seconds else 0.0
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "模拟帮扶数据生成完成：县 %(county)s 共 %(county_households)s 户，"
                    "其中 %(households)s 户有帮扶记录；"
                    "帮扶责任人 %(cadres)s 名，结对 %(assignments)s 条，"
                    "驻村工作队成员 %(team)s 名，帮扶计划 %(plans)s 份，措施 %(measures)s 项，"
                    "风险 %(risks)s 条，走访 %(visits)s 次；用时 %(seconds)s 秒，%(rate)s 户/秒。"
                )
                % {
                    "county": result.county_code,
                    "county_households": result.county_households,
                    "households": result.households,
                    "cadres": result.cadres,
                    "assignments": result.assignments,
                    "team": result.work_team_members,
                    "plans": result.plans,
                    "measures": result.measures,
                    "risks": result.risks,
                    "visits": result.visits,
                    "seconds": f"{result.seconds:.2f}",
                    "rate": f"{rate:,.0f}",
                }
            )
        )
