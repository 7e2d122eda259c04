"""Department feed pages: upload one period (validated, stored and compared at once; with
any bad row nothing is stored), template and error workbook downloads."""

from urllib.parse import quote

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fupin.core.decorators import scoped_view
from fupin.core.errors import ApplicationError, NotFoundError
from fupin.core.http import ScopedRequest
from fupin.core.scope import Capability
from fupin.departments.selectors import (
    comparison_cadence_for,
    comparison_run_list,
    feed_batch_list,
)
from fupin.imports import feed_services
from fupin.imports.feed_forms import FeedUploadForm, last_month
from fupin.imports.feeds import FEEDS
from fupin.imports.workbooks import XLSX_CONTENT_TYPE, template_workbook

RECENT_BATCHES = 20
RECENT_RUNS = 12


def _xlsx(filename: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@scoped_view(Capability.UPLOAD_FEEDS)
def upload(request: ScopedRequest) -> HttpResponse:
    outcome = None
    form = FeedUploadForm(
        request.POST or None, request.FILES or None, initial={"period": last_month()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            outcome = feed_services.feed_upload(
                actor=request.user,
                scope=request.scope,
                upload=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
                period=form.cleaned_data["period"],
            )
        except ApplicationError as error:
            form.add_error("period" if error.field == "period" else "file", error.message)
    return render(
        request,
        "imports/feed_upload.html",
        {
            "form": form,
            "outcome": outcome,
            "feeds": [ledger.template for ledger in FEEDS.values()],
            "batches": feed_batch_list(scope=request.scope)[:RECENT_BATCHES],
            "cadence": comparison_cadence_for(region_code=request.scope.prefix),
            "runs": comparison_run_list(scope=request.scope)[:RECENT_RUNS],
            "breadcrumbs": [(_("部门数据"), None)],
        },
    )


@scoped_view(Capability.UPLOAD_FEEDS)
def template(request: ScopedRequest) -> HttpResponse:
    try:
        ledger = feed_services.feed_for(request.GET.get("kind", ""))
    except NotFoundError as error:
        messages.error(request, error.message)
        return redirect("feeds:upload")
    title = ledger.template.title
    return _xlsx(_("%(title)s数据模板.xlsx") % {"title": title}, template_workbook(ledger.template))


@scoped_view(Capability.UPLOAD_FEEDS)
def errors(request: ScopedRequest) -> HttpResponse:
    try:
        filename, content = feed_services.feed_error_workbook(
            actor=request.user, scope=request.scope, errors_id=request.GET.get("id", "")
        )
    except NotFoundError as error:
        messages.error(request, error.message)
        return redirect("feeds:upload")
    return _xlsx(filename, content)
