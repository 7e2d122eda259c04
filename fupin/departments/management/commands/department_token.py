"""`fupin department_token issue USERNAME --label TEXT` prints a new API key for a
department account (shown once); `fupin department_token revoke ID` revokes one."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from fupin.core.errors import ApplicationError
from fupin.departments.services import department_token_issue, department_token_revoke


class Command(BaseCommand):
    help = _("签发或吊销部门账号的数据推送接口密钥。")

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        issue = actions.add_parser("issue", help=_("签发密钥"))
        issue.add_argument("username", help=_("部门账号"))
        issue.add_argument("--label", required=True, help=_("用途"))
        revoke = actions.add_parser("revoke", help=_("吊销密钥"))
        revoke.add_argument("token_id", type=int, help=_("密钥编号"))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "issue":
                token, key = department_token_issue(
                    actor=None, scope=None, username=options["username"], label=options["label"]
                )
                self.stdout.write(
                    _("已签发密钥 %(id)d（只显示这一次，请妥善保管）：") % {"id": token.pk}
                )
                self.stdout.write(key)
            else:
                department_token_revoke(actor=None, scope=None, token_id=options["token_id"])
                self.stdout.write(_("已吊销密钥 %(id)d。") % {"id": options["token_id"]})
        except ApplicationError as error:
            raise CommandError(error.message) from None
