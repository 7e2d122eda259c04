from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from fupin.core.decorators import scoped_view
from fupin.core.http import ScopedRequest
from fupin.jobs import selectors
from fupin.jobs.forms import JobFilterForm

JOBS_PER_PAGE = 30


@scoped_view()
def job_list(request: ScopedRequest) -> HttpResponse:
    form = JobFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    jobs = selectors.job_list(
        scope=request.scope,
        kind=filters.get("kind", ""),
        status=filters.get("status", ""),
        region_code=filters.get("region_code", ""),
    )
    page = Paginator(jobs, JOBS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page_obj": page,
        "query_without_page": query.urlencode() + "&" if query else "",
        "breadcrumbs": [(_("后台任务"), None)],
    }
    template = "jobs/job_list.html#results" if request.htmx else "jobs/job_list.html"
    return render(request, template, context)


@scoped_view()
def job_detail(request: ScopedRequest, job_id: int) -> HttpResponse:
    job = selectors.job_get(scope=request.scope, job_id=job_id)
    if request.htmx:
        return render(request, "components/_job_progress.html", {"job": job})
    return render(
        request,
        "jobs/job_detail.html",
        {
            "job": job,
            "breadcrumbs": [(_("后台任务"), reverse("jobs:job-list")), (str(job), None)],
        },
    )
