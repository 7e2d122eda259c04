"""Who may do what with a household's assistance records: the one place that reads the
scope's assistance capabilities together with the cadre assignments."""

from enum import IntEnum

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from fupin.assistance.models import CadreAssignment
from fupin.core.errors import NotFoundError, PermissionDeniedError
from fupin.core.scope import Capability, RegionScope
from fupin.registry.models import Household


class Access(IntEnum):
    """Ordered: each level includes the ones below it."""

    NONE = 0
    READ = 1
    HELP = 2
    MANAGE = 3


def _is_assigned_cadre(user: AbstractBaseUser, household: Household) -> bool:
    return CadreAssignment.objects.filter(
        household=household, ended_on__isnull=True, cadre__user_id=user.pk
    ).exists()


def household_access(*, scope: RegionScope, user: AbstractBaseUser, household: Household) -> Access:
    """The access `user`, acting in `scope`, has to the household's assistance: offices
    manage their region; a responsible cadre helps only the households assigned to them
    now and sees no other; other roles of the region read."""
    if not scope.contains(household.village_id):
        return Access.NONE
    if scope.can(Capability.MANAGE_ASSISTANCE):
        return Access.MANAGE
    if scope.can(Capability.HELP_ASSIGNED_HOUSEHOLDS):
        return Access.HELP if _is_assigned_cadre(user, household) else Access.NONE
    return Access.READ


def require_access(
    *, scope: RegionScope, user: AbstractBaseUser, household: Household, needed: Access
) -> Access:
    """Raise NotFoundError when the household is not visible, PermissionDeniedError when it
    is but the access is below `needed`."""
    access = household_access(scope=scope, user=user, household=household)
    if access == Access.NONE:
        raise NotFoundError(_("农户不存在或不在您的管辖范围内。"))
    if access < needed:
        if needed == Access.MANAGE:
            raise PermissionDeniedError(_("结对帮扶和帮扶责任人由县、村两级办理。"))
        raise PermissionDeniedError(_("只有该户的帮扶责任人或县、村两级可以记录帮扶情况。"))
    return access


def sees_whole_region(scope: RegionScope) -> bool:
    """Whether the scope sees the assistance of every household of its region; a responsible
    cadre sees only the households assigned to them."""
    return scope.can(Capability.MANAGE_ASSISTANCE) or not scope.can(
        Capability.HELP_ASSIGNED_HOUSEHOLDS
    )


def visible_households(
    *, scope: RegionScope, user: AbstractBaseUser, households: QuerySet[Household]
) -> QuerySet[Household]:
    """`households` narrowed to those whose assistance the user may see."""
    households = scope.filter(households, region_field="village__code")
    if not sees_whole_region(scope):
        households = households.filter(
            pk__in=CadreAssignment.objects.filter(
                ended_on__isnull=True, cadre__user_id=user.pk
            ).values("household_id")
        )
    return households
