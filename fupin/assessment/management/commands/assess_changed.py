import logging
import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections

from fupin.assessment.services.catch_up import CATCH_UP_BATCH, assessment_catch_up

logger = logging.getLogger(__name__)


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
            if options["follow"]:
                # A long-lived loop: drop a connection the database closed meanwhile.
                close_old_connections()
            try:
                done = assessment_catch_up(limit=options["batch"])
            except DatabaseError:
                if not options["follow"]:
                    raise
                # A restarted or unreachable database: try again after the interval, as
                # the job worker does, rather than leave the marks unprocessed.
                logger.exception("assessment catch-up failed")
                time.sleep(options["interval"])
                continue
            if done.households or done.failed or not options["follow"]:
                self.stdout.write(
                    f"重新评估 {done.households} 户（{done.runs} 批），{done.failed} 户稍后重试。"
                )
            if not options["follow"]:
                return
            # A full batch means more are waiting: take the next one at once.
            if done.households + done.failed < options["batch"]:
                time.sleep(options["interval"])
