import getpass
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from fupin.accounts.models import Role
from fupin.accounts.services import user_create
from fupin.core.errors import ApplicationError


class Command(BaseCommand):
    help = (
        "创建用户并分配角色和区划。"
        "例如：fupin createuser zhangsan --role county_admin --region 220122"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username", help="用户名")
        parser.add_argument(
            "--role",
            required=True,
            choices=[role.value for role in Role],
            help="角色：" + "，".join(f"{role.value}={role.label}" for role in Role),
        )
        parser.add_argument("--region", default="", help="区划代码（全国系统管理员可不填）")
        parser.add_argument("--name", default="", help="姓名")
        parser.add_argument("--password", help="初始密码（不填则交互输入）")

    def handle(self, *args: Any, **options: Any) -> None:
        password = options["password"]
        if not password:
            password = getpass.getpass("密码：")
            if password != getpass.getpass("再次输入密码："):
                raise CommandError("两次输入的密码不一致。")
        try:
            user = user_create(
                actor=None,
                scope=None,
                username=options["username"],
                password=password,
                full_name=options["name"],
                role=Role(options["role"]),
                region_code=options["region"],
            )
        except ApplicationError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            self.style.SUCCESS(f"已创建用户 {user.username}（{Role(options['role']).label}）。")
        )
