from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from fupin.core.decorators import scoped_view
from fupin.core.http import ScopedRequest
from fupin.core.scope import Capability
from fupin.finance import selectors as finance_selectors
from fupin.jobs.selectors import job_list
from fupin.monitoring.selectors import calendar_missing_year
from fupin.reports.selectors import home_stats

RECENT_JOBS = 5
# The county's home page counts loans overdue or due within this many days.
LOAN_WARNING_DAYS = 30


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
            "loan_warnings": finance_selectors.loan_due_warnings(
                scope=request.scope, as_of=timezone.localdate(), days=LOAN_WARNING_DAYS
            )
            if request.scope.can(Capability.MANAGE_LOANS)
            else None,
            "project_todo": finance_selectors.project_todo(scope=request.scope).count(),
        },
    )
