"""The holiday calendar page: the years that have a schedule, one year's days, and the
upload that enters a year's 放假安排 (system administrators)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.core.decorators import forbidden, scoped_view
from fupin.core.errors import ApplicationError
from fupin.core.forms import add_service_error
from fupin.core.http import ScopedRequest, redirect_after_post
from fupin.core.scope import Capability
from fupin.monitoring import forms, selectors, services
from fupin.monitoring.calendar_files import CalendarFileError, Problem, read_calendar_file

# The years a link may ask for; anything else shows the default year.
_YEARS = range(2000, 2101)


def _shown_year(raw: str | None, known: list[int]) -> int:
    if raw and raw.isdigit() and int(raw) in _YEARS:
        return int(raw)
    today = timezone.localdate()
    return today.year if today.year in known or not known else max(known)


@scoped_view()
def calendar_page(request: ScopedRequest) -> HttpResponse:
    """放假安排: readable by every role (deadlines depend on it), entered by those who may."""
    can_manage = request.scope.can(Capability.MANAGE_CALENDAR)
    form = forms.CalendarUploadForm(request.POST or None, request.FILES or None)
    problems: list[Problem] = []
    if request.method == "POST":
        if not can_manage:
            return forbidden(request, _("您的角色无权录入放假安排。"))
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                entries = read_calendar_file(upload.read(), upload.name or "")
                result = services.calendar_import(
                    actor=request.user,
                    scope=request.scope,
                    entries=entries,
                    source=form.cleaned_data["source"],
                )
            except CalendarFileError as error:
                problems = [problem for problem in error.problems if problem.row]
                form.add_error(
                    None, error.message if not problems else _("文件有误，未做任何修改。")
                )
            except ApplicationError as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request,
                    _("已录入 %(years)s 年的放假安排，重新计算了 %(count)d 个期限。")
                    % {
                        "years": "、".join(str(year) for year in result.years),
                        "count": result.recomputed_deadlines,
                    },
                )
                url = f"{reverse('monitoring:calendar')}?year={result.years[0]}"
                return redirect_after_post(request, url)
    years = selectors.calendar_years()
    known = [year.year for year in years]
    shown = _shown_year(request.GET.get("year"), known)
    today = timezone.localdate()
    return render(
        request,
        "monitoring/calendar.html",
        {
            "years": years,
            "shown_year": shown,
            "days": selectors.calendar_days(year=shown),
            "missing_years": [y for y in (today.year, today.year + 1) if y not in known],
            "form": form,
            "problems": problems,
            "can_manage": can_manage,
            "breadcrumbs": [
                (_("监测工作"), reverse("monitoring:case-list")),
                (_("放假安排"), None),
            ],
        },
        status=400 if form.errors else 200,
    )
