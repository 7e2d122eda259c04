"""`fupin check_quality [--region CODE]`: run the data-quality (疑点) rules over the
registry and open a 疑点 for each new finding (run nightly; reruns open nothing twice).
It also starts the check after each save (`services.follow`) when it is not running, so
installing the nightly job is all it takes."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from fupin.departments.services import findings_check, quality_follow_start


class Command(BaseCommand):
    help = _("按数据质量规则检查在册数据，新发现的问题生成疑点（每晚运行）。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", default="", help=_("只检查此区划代码之内（默认全国）"))

    def handle(self, *args: Any, **options: Any) -> None:
        result = findings_check(actor=None, scope=None, region_code=options["region"])
        self.stdout.write(
            _("已运行 %(rules)d 条规则，新增疑点 %(count)d 条。")
            % {"rules": result.rules, "count": result.findings_opened}
        )
        if quality_follow_start():
            self.stdout.write(_("已启动保存后的疑点复查（由后台任务进程每隔几秒运行）。"))
