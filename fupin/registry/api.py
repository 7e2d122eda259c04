from django.http import HttpRequest
from ninja import Router

from fupin.core.api import api_scope
from fupin.registry import selectors
from fupin.registry.models import Region
from fupin.registry.schemas import RegionOut

router = Router(tags=["regions"])


def _out(region: Region) -> RegionOut:
    return RegionOut(
        code=region.code,
        name=region.name,
        level=region.level,
        parent_code=region.parent_id,
        table_year=region.table_year,
    )


@router.get("/regions/{code}/children", response=list[RegionOut])
def region_children(request: HttpRequest, code: str) -> list[RegionOut]:
    """Direct children of a region inside the caller's scope."""
    scope = api_scope(request)
    selectors.region_get(scope=scope, code=code)
    return [_out(region) for region in selectors.region_children(scope=scope, parent_code=code)]


@router.get("/regions/search", response=list[RegionOut])
def region_search(request: HttpRequest, q: str) -> list[RegionOut]:
    """Regions in scope whose name contains `q` (or whose code starts with it)."""
    return [_out(region) for region in selectors.region_search(scope=api_scope(request), query=q)]
