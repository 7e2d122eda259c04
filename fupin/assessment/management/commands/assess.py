from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from fupin.assessment.services import DEFAULT_RULE_SET, assessment_run
from fupin.core.errors import ApplicationError
from fupin.core.progress import TerminalProgress


def parse_rule_set(value: str) -> tuple[str, int | None]:
    """`CODE@VERSION` or `CODE` (the newest published version)."""
    code, _, version = value.partition("@")
    if version and not version.isdigit():
        raise CommandError(f"规则集应写作 代码@版本，例如 {DEFAULT_RULE_SET}@1。")
    return code, int(version) if version else None


class Command(BaseCommand):
    help = (
        "对一个区划内的全部农户运行监测评估，追加保存每户结果。"
        "例如：fupin assess --region 220122 --year 2025"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--region", required=True, help="区划代码（2–12 位）")
        parser.add_argument("--year", required=True, type=int, help="评估年度")
        parser.add_argument("--rule-set", default=DEFAULT_RULE_SET, help="规则集 代码@版本")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(self, *args: Any, **options: Any) -> None:
        code, version = parse_rule_set(options["rule_set"])
        progress = TerminalProgress(unit="户", disable=options["no_progress"])
        try:
            run = assessment_run(
                actor=None,
                scope=None,
                region_code=options["region"],
                year=options["year"],
                rule_set_code=code,
                rule_set_version=version,
                on_progress=progress,
            )
        except ApplicationError as error:
            raise CommandError(error.message) from error
        finally:
            progress.close()
        self.stdout.write(
            self.style.SUCCESS(
                f"评估完成：{run.rule_set}，区划 {run.region_code}，{run.year} 年，"
                f"{run.households} 户，用时 {run.seconds} 秒。"
            )
        )
