from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fupin.accounts.models import User
from fupin.core.decorators import scoped_view
from fupin.core.errors import ApplicationError
from fupin.core.http import ScopedRequest
from fupin.core.scope import Capability, RegionScope
from fupin.registry import region_data, selectors, services
from fupin.registry.models import Region

# A town has at most a few hundred villages; the limit only guards odd data.
REGION_CHILDREN_LIMIT = 1000


def _picker_context(scope: RegionScope, code: str) -> dict[str, object]:
    """Selects for the cascading picker: one per level from the scope's root down to the
    chosen region, plus one listing the chosen region's children."""
    path = selectors.region_path(scope=scope, code=code) if code else []
    path = [region for region in path if scope.contains(region.code)]
    chosen = path[-1] if path else None
    levels = []
    parents: list[str | None] = [None, *[region.code for region in path]]
    for index, parent_code in enumerate(parents):
        options = list(selectors.region_children(scope=scope, parent_code=parent_code))
        if not options:
            break
        selected = path[index].code if index < len(path) else ""
        levels.append({"options": options, "selected": selected})
    return {"picker_levels": levels, "picker_chosen": chosen}


@scoped_view()
def region_browse(request: ScopedRequest) -> HttpResponse:
    code = request.GET.get("code", "").strip()
    if not code or not request.scope.contains(code):
        code = request.scope.prefix
    context = _picker_context(request.scope, code)
    chosen = context["picker_chosen"]
    parent_code = chosen.code if isinstance(chosen, Region) else None
    children = selectors.region_children(scope=request.scope, parent_code=parent_code)
    context.update(
        {
            "code": code,
            "children": children[:REGION_CHILDREN_LIMIT],
            "picker_url": reverse("registry:region-browse"),
            "picker_target": "#region-picker",
            "picker_field": "code",
            "picker_push": True,
            "breadcrumbs": [(_("行政区划"), None)],
        }
    )
    if request.htmx:
        # The picker is swapped in place; the children table follows out of band.
        context["swap_oob"] = "true"
        return render(request, "registry/region_browse_update.html", context)
    return render(request, "registry/region_browse.html", context)


@scoped_view()
def region_picker(request: ScopedRequest) -> HttpResponse:
    code = request.GET.get("code", "").strip()
    if code and not request.scope.contains(code):
        code = ""
    field = request.GET.get("field", "region_code")
    context = _picker_context(request.scope, code)
    context.update(
        {
            "picker_url": f"{reverse('registry:region-picker')}?field={field}",
            "picker_target": "#region-picker",
            "picker_field": field,
        }
    )
    return render(request, "registry/_region_picker.html", context)


# Region codes and names are the State's published table: the public application form
# lets anyone choose their village from all of them, and sees nothing else.
PUBLIC_REGIONS = RegionScope(role="", role_label="", prefix="", root_prefix="", region_name="")


def region_picker_public(request: HttpRequest) -> HttpResponse:
    """The cascading picker without login, for the farmer's application form."""
    field = request.GET.get("field", "village_code")
    if not field.isidentifier():
        field = "village_code"
    context = _picker_context(PUBLIC_REGIONS, request.GET.get("code", "").strip())
    context.update(
        {
            "picker_url": f"{reverse('registry:region-picker-public')}?field={field}",
            "picker_target": "#region-picker",
            "picker_field": field,
        }
    )
    return render(request, "registry/_region_picker.html", context)


@scoped_view()
def region_search(request: ScopedRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    results = selectors.region_search(scope=request.scope, query=query)
    return render(
        request,
        "registry/_region_search_results.html",
        {"results": results, "query": query, "limit": selectors.REGION_SEARCH_LIMIT},
    )


@scoped_view(Capability.LOAD_REGIONS)
def region_load(request: ScopedRequest) -> HttpResponse:
    provinces = region_data.read_level(region_data.LEVEL_FILES[0], province_code=None).rows()
    return render(
        request,
        "registry/region_load.html",
        {
            "provinces": provinces,
            "breadcrumbs": [
                (_("行政区划"), reverse("registry:region-browse")),
                (_("加载区划代码"), None),
            ],
        },
    )


@require_POST
@scoped_view(Capability.LOAD_REGIONS)
def region_load_start(request: ScopedRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    province_code = request.POST.get("province", "").strip() or None
    try:
        job = services.region_load_start(
            actor=request.user, scope=request.scope, province_code=province_code
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("registry:region-load")
    return redirect("jobs:job-detail", job_id=job.pk)
