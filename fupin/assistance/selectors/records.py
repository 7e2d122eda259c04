"""Reads of single assistance records for the pages that act on them: an assignment, a
work-team member, a cadre with the households they help and helped, a visit's photos."""

from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils.translation import gettext as _

from fupin.assistance.models import Cadre, CadreAssignment, Visit, VisitPhoto, WorkTeamMember
from fupin.assistance.selectors import access as access_selectors
from fupin.assistance.selectors.cadres import cadre_get
from fupin.core.errors import NotFoundError, PermissionDeniedError
from fupin.core.scope import Capability, RegionScope


def assignment_get(*, scope: RegionScope, assignment_id: int) -> CadreAssignment:
    """An assignment whose household lies in the scope (NotFoundError otherwise)."""
    assignment = scope.filter(
        CadreAssignment.objects.select_related("cadre", "household"),
        region_field="household__village__code",
    ).filter(pk=assignment_id)
    found = assignment.first()
    if found is None:
        raise NotFoundError(_("结对记录不存在或不在您的管辖范围内。"))
    return found


def work_team_member_get(*, scope: RegionScope, member_id: int) -> WorkTeamMember:
    """A work-team member of a village in the scope (NotFoundError otherwise)."""
    member = (
        scope.filter(WorkTeamMember.objects.select_related("village"), region_field="village__code")
        .filter(pk=member_id)
        .first()
    )
    if member is None:
        raise NotFoundError(_("工作队成员不存在或不在您的管辖范围内。"))
    return member


@dataclass(frozen=True)
class CadreDetail:
    cadre: Cadre
    current: list[CadreAssignment]
    past: list[CadreAssignment]


def cadre_detail(*, scope: RegionScope, cadre_id: int) -> CadreDetail:
    """A cadre of the scope with the households they help now (by 户编号) and those they
    helped before (latest end first)."""
    cadre = cadre_get(scope=scope, cadre_id=cadre_id)
    if cadre is None:
        raise NotFoundError(_("帮扶责任人不存在或不在您的管辖范围内。"))
    assignments = list(
        CadreAssignment.objects.filter(cadre=cadre).select_related(
            "household", "household__village"
        )
    )
    return CadreDetail(
        cadre=cadre,
        current=sorted(
            (row for row in assignments if row.ended_on is None),
            key=lambda row: row.household.number,
        ),
        past=sorted(
            (row for row in assignments if row.ended_on is not None),
            key=lambda row: (row.ended_on, row.pk),
            reverse=True,
        ),
    )


def _require_photo_access(*, scope: RegionScope, user: AbstractBaseUser, visit: Visit) -> None:
    """Visit photos show people and their homes, often an illness or a disability: personal
    data. The household's helpers (its cadre, the offices) and the roles that may see
    personal data see them; other readers see only how many there are."""
    access = access_selectors.require_access(
        scope=scope, user=user, household=visit.household, needed=access_selectors.Access.READ
    )
    if access < access_selectors.Access.HELP and not scope.can(Capability.VIEW_PERSONAL_DATA):
        raise PermissionDeniedError(
            _("走访照片含个人信息，仅该户的帮扶责任人和有权查看个人信息的人员可以查看。")
        )


def may_see_photos(*, scope: RegionScope, user: AbstractBaseUser, access: int) -> bool:
    """Whether a user with `access` to a household sees its visit photos (see
    `_require_photo_access`)."""
    return access >= access_selectors.Access.HELP or (
        access >= access_selectors.Access.READ and scope.can(Capability.VIEW_PERSONAL_DATA)
    )


@dataclass(frozen=True)
class VisitPhotos:
    visit: Visit
    photos: list[VisitPhoto]


def visit_photos(*, scope: RegionScope, user: AbstractBaseUser, visit_id: int) -> VisitPhotos:
    """A visit and its photos (without their content), for a user who may see them."""
    visit = (
        Visit.objects.select_related("household", "household__village", "cadre")
        .filter(pk=visit_id)
        .first()
    )
    if visit is None or not scope.contains(visit.household.village_id):
        raise NotFoundError(_("走访记录不存在或不在您的管辖范围内。"))
    _require_photo_access(scope=scope, user=user, visit=visit)
    photos = list(visit.photos.defer("content").order_by("id"))
    return VisitPhotos(visit=visit, photos=photos)


def visit_photo_get(
    *, scope: RegionScope, user: AbstractBaseUser, photo_id: int, with_content: bool = False
) -> VisitPhoto:
    """One photo with its visit and household, for a user who may see it; its bytes are
    read only `with_content` (they run to megabytes)."""
    photos = VisitPhoto.objects.select_related("visit", "visit__household")
    if not with_content:
        photos = photos.defer("content")
    photo = photos.filter(pk=photo_id).first()
    if photo is None or not scope.contains(photo.visit.household.village_id):
        raise NotFoundError(_("照片不存在或不在您的管辖范围内。"))
    _require_photo_access(scope=scope, user=user, visit=photo.visit)
    return photo
