from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from fupin.core.errors import ApplicationError
from fupin.core.progress import TerminalProgress
from fupin.registry.synthetic import household_bulk_generate


class Command(BaseCommand):
    help = (
        "为一个县生成模拟的建档立卡户和监测户（成员、状态变更、2016—2025 年收支、生产生活条件），"
        "用于演示和压力测试。同一随机种子和参数生成完全相同的数据。"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--county", required=True, help="六位县级区划代码，例如 220421")
        parser.add_argument("--households", required=True, type=int, help="生成的户数")
        parser.add_argument("--seed", type=int, default=7, help="随机种子（默认 7）")
        parser.add_argument(
            "--replace", action="store_true", help="先删除该县以前生成的模拟农户再生成"
        )
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(self, *args: Any, **options: Any) -> None:
        progress = TerminalProgress(unit="户", disable=options["no_progress"])
        try:
            result = household_bulk_generate(
                county_code=options["county"],
                households=options["households"],
                seed=options["seed"],
                replace=options["replace"],
                on_progress=progress,
            )
        except ApplicationError as error:
            raise CommandError(error.message) from error
        finally:
            progress.close()
        rate = result.households / result.seconds if result.seconds else 0.0
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "模拟农户生成完成：县 %(county)s，%(households)s 户，%(members)s 人，"
                    "用时 %(seconds)s 秒，%(rate)s 户/秒。"
                )
                % {
                    "county": result.county_code,
                    "households": result.households,
                    "members": result.members,
                    "seconds": f"{result.seconds:.2f}",
                    "rate": f"{rate:,.0f}",
                }
            )
        )
