"""Ledger import pages: template download, upload with preview, apply as a Job."""

from urllib.parse import quote

from django.contrib import messages
from django.http import FileResponse, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fupin.core.decorators import scoped_view
from fupin.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from fupin.core.http import ScopedRequest
from fupin.core.scope import Capability
from fupin.imports import services
from fupin.imports.declarations import MEMBERS
from fupin.imports.forms import UploadForm
from fupin.imports.kinds import TEMPLATES
from fupin.imports.workbooks import template_workbook
from fupin.registry import selectors as household_selectors
from fupin.registry.forms import household_filters

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(filename: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _breadcrumbs() -> list[tuple[str, str | None]]:
    return [(_("批量导入"), None)]


@scoped_view(Capability.EDIT_REGISTRY)
def upload(request: ScopedRequest) -> HttpResponse:
    staged = None
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            staged = services.import_stage(
                actor=request.user,
                scope=request.scope,
                upload=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
            )
        except ApplicationError as error:
            form.add_error("file", error.message)
    return render(
        request,
        "imports/upload.html",
        {
            "form": form,
            "staged": staged,
            "templates": TEMPLATES.values(),
            "breadcrumbs": _breadcrumbs(),
        },
    )


@scoped_view(Capability.EDIT_REGISTRY)
def template(request: ScopedRequest) -> HttpResponse:
    """The blank template of `?kind=` (members by default)."""
    try:
        chosen = services.template_for(request.GET.get("kind", MEMBERS.kind))
    except NotFoundError as error:
        messages.error(request, error.message)
        return redirect("imports:upload")
    return _xlsx(_("%(title)s模板.xlsx") % {"title": chosen.title}, template_workbook(chosen))


@scoped_view(Capability.EDIT_REGISTRY)
def errors(request: ScopedRequest) -> HttpResponse:
    """The error workbook of the user's own upload (`?staged=<id>`); audited."""
    try:
        filename, content = services.import_error_workbook(
            actor=request.user, scope=request.scope, staged_id=request.GET.get("staged", "")
        )
    except NotFoundError as error:
        messages.error(request, error.message)
        return redirect("imports:upload")
    return _xlsx(filename, content)


@require_POST
@scoped_view(Capability.EDIT_REGISTRY)
def apply(request: ScopedRequest) -> HttpResponse:
    """Queue the user's own staged upload (POST `staged`) and show the job's progress."""
    try:
        job = services.import_apply_start(
            actor=request.user, scope=request.scope, staged_id=request.POST.get("staged", "")
        )
    except NotFoundError as error:
        messages.error(request, error.message)
        return redirect("imports:upload")
    return redirect(reverse("jobs:job-detail", args=[job.pk]))


@scoped_view()
def export(request: ScopedRequest) -> HttpResponse:
    """GET: choose which ledger to export for the household list's filter (the query
    string). POST (`kind`, `query`): queue the export and show its progress."""
    if request.method != "POST":
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            "imports/export.html",
            {
                "templates": TEMPLATES.values(),
                "query": query.urlencode(),
                "filters": household_filters(query)[0].describe(
                    region_names=household_selectors.region_names(
                        scope=request.scope, codes=[query.get("region_code", "")]
                    )
                ),
                "breadcrumbs": [
                    (_("农户"), reverse("registry:household-list")),
                    (_("导出台账"), None),
                ],
            },
        )
    query = QueryDict(request.POST.get("query", ""))
    try:
        job = services.ledger_export_start(
            actor=request.user,
            scope=request.scope,
            kind=request.POST.get("kind", ""),
            query={key: query.get(key, "") for key in query if key != "page"},
        )
    except (NotFoundError, PermissionDeniedError) as error:
        messages.error(request, error.message)
        return redirect("registry:household-list")
    return redirect(reverse("jobs:job-detail", args=[job.pk]))


@scoped_view()
def export_download(request: ScopedRequest, job_id: int) -> HttpResponseBase:
    """The user's own finished export file; audited."""
    try:
        filename, path = services.ledger_export_file(
            actor=request.user, scope=request.scope, job_id=job_id
        )
    except (NotFoundError, PermissionDeniedError) as error:
        messages.error(request, error.message)
        return redirect("registry:household-list")
    return FileResponse(path.open("rb"), as_attachment=True, filename=filename, content_type=XLSX)
