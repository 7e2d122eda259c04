import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from fupin.assessment.services.catch_up import CATCH_UP_BATCH, assessment_catch_up


class Command(BaseCommand):
    help = (
        "重新评估事实已变化的农户（每批最多 5000 户）。"
        "加 --follow 则每秒检查一次，随任务进程常驻运行。"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--follow", action="store_true", help="常驻运行，每隔几秒检查一次")
        parser.add_argument("--interval", type=float, default=1.0, help="检查间隔（秒）")
        parser.add_argument("--batch", type=int, default=CATCH_UP_BATCH, help="每批户数")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            close_old_connections()
            done = assessment_catch_up(limit=options["batch"])
            if done.households or done.failed or not options["follow"]:
                self.stdout.write(
                    f"重新评估 {done.households} 户（{done.runs} 批），{done.failed} 户稍后重试。"
                )
            if not options["follow"]:
                return
            # A full batch means more are waiting: take the next one at once.
            if done.households + done.failed < options["batch"]:
                time.sleep(options["interval"])
