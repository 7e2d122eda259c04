"""`fupin resolve_duplicate_members [--end-extra] [--region CODE]`: list the people active
in two or more households and, with --end-extra, end all but the oldest membership of each
(audited). Registry migration 0006 names this command when it finds such people."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.core.masking import mask_id_number
from fupin.core.scope import RegionScope
from fupin.registry.selectors import member_duplicate_list
from fupin.registry.services.duplicates import member_duplicates_end


class Command(BaseCommand):
    help = _(
        "列出同时在两户或多户在册的人；加 --end-extra 时保留每人最早的成员记录，"
        "结束其余的（记入审计日志）。"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--end-extra", action="store_true", help=_("结束每人除最早一条以外的成员记录")
        )
        parser.add_argument("--region", default="", help=_("只处理此区划代码之内的农户"))

    def handle(self, *args: Any, **options: Any) -> None:
        region: str = options["region"]
        scope = RegionScope.for_command(region)
        people = member_duplicate_list(scope=scope)
        for person in people:
            kept, *extra = person.memberships
            self.stdout.write(
                _("%(id)s：保留户编号 %(kept)s（%(name)s）；多余：%(extra)s")
                % {
                    "id": mask_id_number(person.id_number),
                    "kept": kept.household.number,
                    "name": kept.name,
                    "extra": "、".join(member.household.number for member in extra),
                }
            )
        if not options["end_extra"]:
            self.stdout.write(
                _("共 %(count)d 人同时在多户在册。") % {"count": len(people)}
                if people
                else _("没有同时在多户在册的人。")
            )
            return
        ended = member_duplicates_end(actor=None, scope=scope, removal_date=timezone.localdate())
        self.stdout.write(_("已结束 %(count)d 条多余的成员记录。") % {"count": ended})
