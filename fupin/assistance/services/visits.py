"""Visits (走访): recorded from a phone, retried safely on a poor connection."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.assistance.models import Cadre, Visit, VisitPhoto
from fupin.assistance.selectors import access as access_selectors
from fupin.assistance.selectors import records
from fupin.assistance.services import plans
from fupin.assistance.services.common import required_text
from fupin.audit.services import audit_record
from fupin.core.errors import ApplicationError
from fupin.core.scope import RegionScope
from fupin.registry.models import Household
from fupin.registry.services.stale import household_stale_mark

PHOTO_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})
MAX_PHOTOS = 6
# Phone cameras write 3–8 MB; the nginx sample allows 50 MB per request.
MAX_PHOTO_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class PhotoUpload:
    name: str
    content_type: str
    content: bytes


def _check_photos(photos: list[PhotoUpload]) -> None:
    if len(photos) > MAX_PHOTOS:
        raise ApplicationError(
            _("每次走访最多上传 %(count)s 张照片。") % {"count": MAX_PHOTOS}, field="photos"
        )
    for photo in photos:
        if photo.content_type not in PHOTO_TYPES:
            raise ApplicationError(
                _("“%(name)s”不是 JPG、PNG 或 WebP 图片。") % {"name": photo.name},
                code="photo_type",
                field="photos",
            )
        if len(photo.content) > MAX_PHOTO_BYTES:
            raise ApplicationError(
                _("照片“%(name)s”超过 8 MB。") % {"name": photo.name},
                code="photo_size",
                field="photos",
            )


def _check_position(latitude: Decimal | None, longitude: Decimal | None) -> None:
    if (latitude is None) != (longitude is None):
        raise ApplicationError(_("定位信息不完整。"), code="position", field="latitude")
    if latitude is None or longitude is None:
        return
    if not (abs(latitude) <= Decimal(90) and abs(longitude) <= Decimal(180)):
        raise ApplicationError(_("定位信息不正确。"), code="position", field="latitude")


@transaction.atomic
def visit_record(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    household: Household,
    client_token: str,
    visited_on: date,
    met_person: str,
    household_income: Decimal | None = None,
    employment_change: str = "",
    problems: str = "",
    measures_checked: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    photos: list[PhotoUpload] | None = None,
) -> tuple[Visit, bool]:
    """Record a visit; a given income becomes the household's income of that month.
    `client_token` comes from the phone's draft: a retry of a visit already saved returns
    it unchanged (second value False) instead of recording it twice. Audit action:
    "assistance.visit_record"."""
    access_selectors.require_access(
        scope=scope, user=actor, household=household, needed=access_selectors.Access.HELP
    )
    token = client_token.strip()[:64]
    if not token:
        raise ApplicationError(_("提交标识缺失，请刷新页面后重试。"), code="token")
    existing = Visit.objects.filter(client_token=token).first()
    if existing is not None:
        if existing.household_id != household.pk or existing.recorded_by_id != actor.pk:
            raise ApplicationError(_("提交标识冲突，请刷新页面后重试。"), code="token")
        return existing, False
    if visited_on > timezone.localdate():
        raise ApplicationError(_("走访日期不能晚于今天。"), code="future", field="visited_on")
    photos = photos or []
    _check_photos(photos)
    _check_position(latitude, longitude)
    visit = Visit.objects.create(
        household=household,
        cadre=Cadre.objects.filter(user_id=actor.pk).first(),
        visited_on=visited_on,
        met_person=required_text(met_person, field="met_person", label=_("见到的人")),
        household_income=household_income,
        employment_change=employment_change.strip(),
        problems=problems.strip(),
        measures_checked=measures_checked.strip(),
        latitude=latitude,
        longitude=longitude,
        client_token=token,
        recorded_by_id=actor.pk,
    )
    VisitPhoto.objects.bulk_create(
        VisitPhoto(
            visit=visit,
            name=photo.name[:200],
            content_type=photo.content_type,
            size=len(photo.content),
            content=photo.content,
        )
        for photo in photos
    )
    if household_income is not None:
        plans.record_month(
            household=household, month=visited_on, amount=household_income, visit=visit
        )
    household_stale_mark(household_ids=[household.pk])
    audit_record(
        actor=actor,
        action="assistance.visit_record",
        subject=visit,
        region_code=household.village_id,
        changes={
            "household": household.number,
            "visited_on": visited_on.isoformat(),
            "household_income": str(household_income) if household_income is not None else "",
            "photos": len(photos),
            "has_position": latitude is not None,
        },
    )
    return visit, True


@transaction.atomic
def visit_photo_view(*, actor: AbstractBaseUser, scope: RegionScope, photo_id: int) -> VisitPhoto:
    """Return a visit photo with its content for a user who may see it, recording that they
    saw it: the photos are personal data (people, homes, illness), so every time one is
    served is audited like a revealed ID number. Raises NotFoundError / PermissionDeniedError
    (see `selectors.visit_photo_get`). Audit action: "assistance.visit_photo_view"."""
    photo = records.visit_photo_get(scope=scope, user=actor, photo_id=photo_id, with_content=True)
    household = photo.visit.household
    audit_record(
        actor=actor,
        action="assistance.visit_photo_view",
        subject=photo,
        region_code=household.village_id,
        changes={
            "household": household.number,
            "visited_on": photo.visit.visited_on.isoformat(),
            "photo": photo.name,
        },
    )
    return photo
