from typing import Any

from django.core.management.base import BaseCommand

from fupin.monitoring.services import attachments_held_cleanup, deadlines_check


class Command(BaseCommand):
    help = (
        "记录已超过入户核实或办结期限的监测工作事项，并清理超过一天未提交的暂存附件"
        "（每日运行一次；重复运行不会重复记录）。"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        recorded = deadlines_check()
        self.stdout.write(f"新记录超期事项 {recorded} 条。")
        removed = attachments_held_cleanup()
        self.stdout.write(f"清理暂存附件 {removed} 个。")
