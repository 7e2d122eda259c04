from typing import Any

from django.core.management.base import BaseCommand

from fupin.monitoring.services import deadlines_check


class Command(BaseCommand):
    help = "记录已超过入户核实或办结期限的监测工作事项（每日运行一次；重复运行不会重复记录）。"

    def handle(self, *args: Any, **options: Any) -> None:
        recorded = deadlines_check()
        self.stdout.write(f"新记录超期事项 {recorded} 条。")
