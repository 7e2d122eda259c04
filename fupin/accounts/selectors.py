from typing import cast

from django.db.models import Model, Prefetch, QuerySet
from django.utils.translation import gettext as _

from fupin.accounts.models import RegionAssignment, User
from fupin.core.errors import NotFoundError
from fupin.core.scope import RegionScope


def user_list(*, scope: RegionScope, query: str = "") -> QuerySet[User]:
    """Users holding an active role inside the scope, with their assignments prefetched."""
    in_scope = scope.filter(
        RegionAssignment.objects.filter(is_active=True), region_field="region__code"
    )
    if not scope.prefix:
        in_scope = RegionAssignment.objects.filter(is_active=True)
    users = User.objects.filter(pk__in=in_scope.values("user_id"))
    if query.strip():
        users = users.filter(username__icontains=query.strip()) | users.filter(
            full_name__icontains=query.strip()
        )
    return users.prefetch_related(
        Prefetch(
            "assignments",
            queryset=RegionAssignment.objects.filter(is_active=True).select_related("region"),
            to_attr="active_assignments",
        )
    ).order_by("username")


def user_in_scope(*, scope: RegionScope, user: User) -> bool:
    return user_list(scope=scope).filter(pk=user.pk).exists()


def user_get(*, scope: RegionScope, user_id: int) -> User:
    """One user in scope; NotFoundError when unknown or outside the scope."""
    user = user_list(scope=scope).filter(pk=user_id).first()
    if user is None:
        raise NotFoundError(_("用户不存在或不在您的管辖范围内。"))
    return user


def region_name(code: str) -> str | None:
    """Name of a region code, or None when the code is not loaded."""
    # Region belongs to a higher layer (registry); reach it through the relation.
    region_model = cast("type[Model]", RegionAssignment.region.field.related_model)
    name = region_model._default_manager.filter(pk=code).values_list("name", flat=True).first()
    return None if name is None else str(name)
