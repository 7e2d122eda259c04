from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from fupin.core.errors import NotFoundError
from fupin.core.region_codes import InvalidRegionCodeError, ancestors_of, level_of
from fupin.core.scope import RegionScope
from fupin.registry.models import Region

REGION_SEARCH_LIMIT = 50


def region_list(*, scope: RegionScope) -> QuerySet[Region]:
    """Regions inside the scope (the scope's own region included)."""
    return scope.filter(Region.objects.all(), region_field="code")


def region_get(*, scope: RegionScope, code: str) -> Region:
    """One region in scope; NotFoundError when unknown or outside the scope."""
    region = region_list(scope=scope).filter(code=code).first()
    if region is None:
        raise NotFoundError(_("区划不存在或不在您的管辖范围内。"))
    return region


def region_children(*, scope: RegionScope, parent_code: str | None) -> QuerySet[Region]:
    """Direct children of a region in scope; None lists the scope's top regions."""
    regions = region_list(scope=scope)
    if parent_code is None:
        if not scope.prefix:
            return regions.filter(level=Region.Level.PROVINCE)
        return regions.filter(code=scope.prefix)
    return regions.filter(parent_id=parent_code)


def region_search(*, scope: RegionScope, query: str) -> list[Region]:
    """Regions in scope whose name contains the query (or whose code starts with it)."""
    query = query.strip()
    if not query:
        return []
    regions = region_list(scope=scope).select_related("parent__parent")
    if query.isdigit():
        regions = regions.filter(code__startswith=query)
    else:
        regions = regions.filter(name__contains=query)
    return list(regions.order_by("level", "code")[:REGION_SEARCH_LIMIT])


def region_path(*, scope: RegionScope, code: str) -> list[Region]:
    """The chain from the scope's root region down to `code`, for breadcrumbs and pickers."""
    try:
        codes = [*ancestors_of(code), code]
    except InvalidRegionCodeError:
        return []
    visible = [c for c in codes if c.startswith(scope.root_prefix)]
    by_code = {region.code: region for region in Region.objects.filter(code__in=visible)}
    return [by_code[c] for c in visible if c in by_code]


def region_counts_by_level(*, scope: RegionScope) -> dict[int, int]:
    """How many regions of each level lie in the scope, below its own region."""
    rows = (
        region_list(scope=scope)
        .exclude(code=scope.prefix)
        .values("level")
        .annotate(count=Count("code"))
        .order_by("level")
    )
    return {row["level"]: row["count"] for row in rows}


def is_valid_code(code: str) -> bool:
    try:
        level_of(code)
    except InvalidRegionCodeError:
        return False
    return True
