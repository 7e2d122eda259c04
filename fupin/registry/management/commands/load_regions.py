from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from fupin.core.errors import ApplicationError
from fupin.core.progress import TerminalProgress
from fupin.registry.services import region_bulk_load


class Command(BaseCommand):
    help = "加载国家统计局 2023 年统计用区划代码（五级）。可重复运行，只写入有变化的区划。"

    def add_arguments(self, parser: ArgumentParser) -> None:
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--province", help="两位省级代码，例如 22（吉林省）")
        target.add_argument("--all", action="store_true", help="加载全国（约 66.5 万条）")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(self, *args: Any, **options: Any) -> None:
        progress = TerminalProgress(unit="条", disable=options["no_progress"])
        try:
            result = region_bulk_load(
                actor=None,
                scope=None,
                province_code=None if options["all"] else options["province"],
                on_progress=progress,
            )
        except ApplicationError as error:
            raise CommandError(error.message) from error
        finally:
            progress.close()
        self.stdout.write(
            self.style.SUCCESS(
                f"区划代码加载完成：共 {result.total} 条，新增 {result.inserted}，"
                f"更新 {result.updated}，未变 {result.unchanged}，用时 {result.seconds} 秒。"
            )
        )
