from argparse import ArgumentParser
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils.translation import gettext as _

from fupin.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "把 fupin backup 写的备份恢复到一个新建的空数据库（默认是 FUPIN_DATABASE_URL 指向的），"
        "并恢复上传、导出的文件。目标数据库不是空的时拒绝恢复。"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path, help="备份文件")
        parser.add_argument(
            "--database-url",
            help="恢复到这个数据库（例如 postgresql://fupin@db:5432/fupin_restored），"
            "默认是 FUPIN_DATABASE_URL",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["database_url"]:
            database: dict[str, Any] = dict(dj_database_url.parse(options["database_url"]))
        else:
            database = dict(connections["default"].settings_dict)
        try:
            result = backup_restore(path=options["file"], database=database)
        except BackupError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            self.style.SUCCESS(
                _("已恢复到数据库 %(database)s（%(engine)s），并恢复 %(files)s 个文件。")
                % {"database": result.database, "engine": result.engine, "files": result.files}
            )
        )
