from django.http import HttpResponse
from django.shortcuts import render

from fupin.core.decorators import scoped_view
from fupin.core.http import ScopedRequest
from fupin.jobs.selectors import job_list
from fupin.reports.selectors import home_stats

RECENT_JOBS = 5


@scoped_view()
def home(request: ScopedRequest) -> HttpResponse:
    return render(
        request,
        "reports/home.html",
        {
            "stats": home_stats(scope=request.scope),
            "recent_jobs": job_list(scope=request.scope)[:RECENT_JOBS],
        },
    )
