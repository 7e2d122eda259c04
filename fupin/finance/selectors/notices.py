"""Public notice reads: the minimum days in force, the public page and the list in scope."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from fupin.core.errors import NotFoundError
from fupin.core.scope import RegionScope, region_path_codes
from fupin.finance.defaults import NOTICE_MIN_DAYS
from fupin.finance.models import NoticeSetting, PublicNotice


def notice_min_days(region_code: str, kind: str) -> int:
    """The most specific region's minimum for a notice kind (≥ 10 days nationwide)."""
    rows = NoticeSetting.objects.filter(region_code__in=region_path_codes(region_code), kind=kind)
    best = max(rows, key=lambda row: len(row.region_code), default=None)
    return best.min_days if best is not None else NOTICE_MIN_DAYS


def notice_public_get(*, token: str) -> PublicNotice:
    """A notice by its public token; anyone may read it."""
    notice = PublicNotice.objects.select_related("region").filter(token=token).first()
    if notice is None:
        raise NotFoundError(_("未找到该公告。"))
    return notice


def notice_list(*, scope: RegionScope) -> QuerySet[PublicNotice]:
    return scope.filter(PublicNotice.objects.all(), region_field="region__code").select_related(
        "region"
    )
