"""`fupin cleanup_imports`: delete unconfirmed uploads and old export files (run daily)."""

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from fupin.imports.services import stale_files_remove


class Command(BaseCommand):
    help = _("删除超过 1 天未确认的上传文件和超过 7 天的导出文件（其中含个人信息）。")

    def handle(self, *args: Any, **options: Any) -> None:
        removed = stale_files_remove()
        self.stdout.write(_("已删除 %(count)d 个过期文件。") % {"count": removed})
