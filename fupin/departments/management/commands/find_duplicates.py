"""`fupin find_duplicates --region CODE`: propose duplicate-person candidates for review
(same name, birth date and village; ID numbers one digit off or with two digits swapped;
for a city, a province or the country also the same person in two counties)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from fupin.departments.services import duplicate_candidates_find


class Command(BaseCommand):
    help = _("查找疑似重复登记的人员，提交县级审查。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", default="", help=_("只查此区划代码之内（默认全国）"))

    def handle(self, *args: Any, **options: Any) -> None:
        result = duplicate_candidates_find(actor=None, scope=None, region_code=options["region"])
        self.stdout.write(_("新提出疑似重复 %(count)d 对。") % {"count": result.proposed})
