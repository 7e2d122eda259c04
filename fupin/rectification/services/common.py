"""Checks and lookups the rectification services share."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils.translation import gettext as _

from fupin.core.errors import ApplicationError
from fupin.rectification.models import RectificationSetting
from fupin.registry.models import Region


def actor_id(actor: AbstractBaseUser | None) -> int | None:
    return int(actor.pk) if actor is not None and actor.pk is not None else None


def setting_for(region_code: str) -> RectificationSetting:
    """The time limits for a region: the most specific row whose code prefixes it (the
    model's defaults, which the seeding migration writes, when there is none)."""
    rows = [
        row for row in RectificationSetting.objects.all() if region_code.startswith(row.region_code)
    ]
    if not rows:
        return RectificationSetting()
    return max(rows, key=lambda row: len(row.region_code))


def region_get(code: str, *, field: str = "region_code") -> Region:
    region = Region.objects.filter(code=(code or "").strip()).first()
    if region is None:
        raise ApplicationError(_("请选择有效的区划。"), code="unknown_region", field=field)
    return region


def required_text(value: str, message: str, *, field: str, max_length: int = 0) -> str:
    cleaned = (value or "").strip()
    if not cleaned:
        raise ApplicationError(message, code=f"{field}_required", field=field)
    if max_length and len(cleaned) > max_length:
        raise ApplicationError(
            _("内容过长，最多 %(count)d 个字。") % {"count": max_length},
            code=f"{field}_too_long",
            field=field,
        )
    return cleaned
