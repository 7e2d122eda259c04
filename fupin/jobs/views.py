from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from fupin.core.decorators import scoped_view
from fupin.core.http import ScopedRequest
from fupin.jobs import selectors

JOBS_PER_PAGE = 30


@scoped_view()
def job_list(request: ScopedRequest) -> HttpResponse:
    page = Paginator(selectors.job_list(scope=request.scope), JOBS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "jobs/job_list.html",
        {"page_obj": page, "breadcrumbs": [(_("后台任务"), None)]},
    )


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
