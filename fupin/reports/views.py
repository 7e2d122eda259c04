from django.http import HttpResponse
from django.shortcuts import render

from fupin.core.decorators import scoped_view
from fupin.core.http import ScopedRequest
from fupin.core.scope import Capability
from fupin.jobs.selectors import job_list
from fupin.monitoring.selectors import calendar_missing_year
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
            "missing_calendar_year": calendar_missing_year()
            if request.scope.can(Capability.WATCH_CALENDAR)
            else None,
            "can_manage_calendar": request.scope.can(Capability.MANAGE_CALENDAR),
        },
    )
