from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from fupin.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "备份数据库（PostgreSQL 用 pg_dump 自定义格式，SQLite 用在线备份）"
        "和上传、导出的文件，写入一个备份文件。用 fupin restore 恢复。"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path, help="备份文件，例如 fupin-2026-06-30.tar")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_create(path=options["file"])
        except BackupError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            self.style.SUCCESS(
                _("已备份到 %(path)s：数据库（%(engine)s）和 %(files)s 个文件，共 %(size)s 字节。")
                % {
                    "path": result.path,
                    "engine": result.engine,
                    "files": result.files,
                    "size": f"{result.size:,}",
                }
            )
        )
