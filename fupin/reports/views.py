from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.assistance.selectors import CoverageFigure
from fupin.core.decorators import scoped_view
from fupin.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from fupin.core.forms import add_service_error
from fupin.core.http import ScopedRequest
from fupin.core.scope import Capability
from fupin.finance import selectors as finance_selectors
from fupin.jobs.selectors import job_list
from fupin.monitoring.selectors import calendar_missing_year
from fupin.reports.exports import report_subtitle, report_title, report_xlsx
from fupin.reports.forms import (
    ExitOverviewForm,
    MultidimensionalForm,
    ReportForm,
    SurveyDrawForm,
    SurveyEntryForm,
    VillageExitForm,
    report_form,
)
from fupin.reports.models import ExitSurveyEntry
from fupin.reports.selectors import Dashboard, Figure, dashboard_for
from fupin.reports.selectors.exit import exit_overview, village_exit_get
from fupin.reports.selectors.exit_survey import (
    exit_survey_entries,
    exit_survey_list,
    exit_survey_result,
)
from fupin.reports.selectors.modules import coverage_label, coverage_list, module_figures
from fupin.reports.selectors.multidimensional import multidimensional_for
from fupin.reports.selectors.standard import Report, ReportKind, report_build
from fupin.reports.services import (
    exit_survey_draw,
    exit_survey_entry_record,
    village_exit_record,
)
from fupin.reports.tallies import PAGE_RECOUNT_LIMIT, tally_catch_up

RECENT_JOBS = 5
# The county's home page counts loans overdue or due within this many days.
LOAN_WARNING_DAYS = 30
COUNTY_CODE_LENGTH = 6
COVERAGE_PAGE_SIZE = 50


def _region_param(request: ScopedRequest) -> str:
    code = request.GET.get("region", "")
    return code if code.isdigit() and len(code) <= 12 else ""


@scoped_view()
def home(request: ScopedRequest) -> HttpResponse:
    """The dashboard of the official's region, or of a region below it (`?region=`)."""
    catch_up = tally_catch_up(recount_limit=PAGE_RECOUNT_LIMIT)
    dashboard = dashboard_for(scope=request.scope, region_code=_region_param(request))
    return render(
        request,
        "reports/home.html",
        {
            "dashboard": dashboard,
            "modules": module_figures(
                scope=request.scope,
                user=request.user,
                region_code=_region_param(request),
                today=dashboard.today,
            ),
            "is_pending": catch_up.is_pending,
            "chart_data": _chart_data(dashboard),
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


@scoped_view()
def coverage_page(request: ScopedRequest) -> HttpResponse:
    """The monitored households behind one 帮扶措施覆盖 figure of the dashboard."""
    try:
        figure = CoverageFigure(request.GET.get("figure", CoverageFigure.WITH_PLAN.value))
    except ValueError:
        raise NotFoundError(_("没有这项帮扶覆盖统计。")) from None
    region_code = _region_param(request)
    households = coverage_list(
        scope=request.scope,
        user=request.user,
        region_code=region_code,
        figure=figure,
        today=timezone.localdate(),
    )
    query = {"figure": figure.value, **({"region": region_code} if region_code else {})}
    return render(
        request,
        "reports/coverage.html",
        {
            "label": coverage_label(figure),
            "page_obj": Paginator(households, COVERAGE_PAGE_SIZE).get_page(request.GET.get("page")),
            "query_without_page": f"{urlencode(query)}&",
            "breadcrumbs": [
                (
                    _("监测看板"),
                    reverse("reports:home")
                    + (f"?{urlencode({'region': region_code})}" if region_code else ""),
                ),
                (coverage_label(figure), None),
            ],
        },
    )


def _figure_points(figures: list[Figure], list_url: str) -> list[dict[str, Any]]:
    return [
        {
            "name": figure.label,
            "value": figure.value,
            "colour": figure.colour,
            "url": f"{list_url}?{figure.query_string}" if figure.query is not None else None,
        }
        for figure in figures
    ]


def _chart_data(dashboard: Dashboard) -> dict[str, Any]:
    """What the page's charts draw; every clickable point carries the page it opens."""
    list_url = reverse("registry:household-list")
    home_url = reverse("reports:home")
    colours = dashboard.colours
    return {
        "categories": _figure_points(dashboard.categories, list_url),
        "colours": _figure_points(colours, list_url),
        "income": _figure_points(dashboard.income, list_url),
        "children": {
            "names": [row.name for row in dashboard.children],
            "urls": [f"{home_url}?{urlencode({'region': row.code})}" for row in dashboard.children],
            "series": [
                {
                    "name": colour.label,
                    "colour": colour.colour,
                    "data": [row.colours[index].value for row in dashboard.children],
                }
                for index, colour in enumerate(colours)
            ],
        },
    }


def _report(request: ScopedRequest) -> tuple[ReportForm, Report | None]:
    form, data = report_form(request.GET)
    if data is None:
        return form, None
    report = report_build(
        scope=request.scope,
        kind=ReportKind(data["kind"]),
        region_code=data["region"] or "",
        year=data["year"],
        as_of=data["as_of"],
    )
    return form, report


@scoped_view()
def report_page(request: ScopedRequest) -> HttpResponse:
    """A standard report as a printable page, with its xlsx download."""
    tally_catch_up(recount_limit=PAGE_RECOUNT_LIMIT)
    form, report = _report(request)
    return render(
        request,
        "reports/report.html",
        {
            "form": form,
            "report": report,
            "title": report_title(report) if report else "",
            "subtitle": report_subtitle(report, made_on=timezone.localdate()) if report else "",
            "query": request.GET.urlencode(),
        },
    )


@scoped_view()
def report_download(request: ScopedRequest) -> HttpResponse:
    form, report = _report(request)
    if report is None:
        return render(
            request,
            "reports/report.html",
            {"form": form, "report": None, "title": "", "subtitle": "", "query": ""},
            status=400,
        )
    made_on = timezone.localdate()
    content = report_xlsx(report, made_on=made_on)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    filename = f"{report.kind.value}-{report.region_code or 'all'}-{report.year}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@scoped_view()
def multidimensional(request: ScopedRequest) -> HttpResponse:
    """Alkire–Foster measures of a region (`?region=&year=&k=`)."""
    form = MultidimensionalForm(request.GET or {"year": timezone.localdate().year - 1})
    result = None
    error = ""
    if form.is_valid():
        try:
            result = multidimensional_for(
                scope=request.scope,
                region_code=form.cleaned_data["region"] or "",
                year=form.cleaned_data["year"],
                k=form.cleaned_data["k"],
            )
        except NotFoundError:
            raise
        except ApplicationError as failure:
            error = failure.message
    return render(
        request,
        "reports/multidimensional.html",
        {"form": form, "result": result, "error": error},
    )


@scoped_view()
def exit_overview_page(request: ScopedRequest) -> HttpResponse:
    """贫困发生率 and 出列 readiness by region for a year."""
    form = ExitOverviewForm(request.GET or {"year": timezone.localdate().year})
    overview = (
        exit_overview(
            scope=request.scope,
            region_code=form.cleaned_data["region"] or "",
            year=form.cleaned_data["year"],
        )
        if form.is_valid()
        else None
    )
    return render(
        request,
        "reports/exit_overview.html",
        {
            "form": form,
            "overview": overview,
            "can_record": request.scope.can(Capability.RECORD_EXIT_INDICATORS),
            "is_county": overview is not None
            and overview.region is not None
            and len(overview.region.code) == COUNTY_CODE_LENGTH,
            "surveys": exit_survey_list(scope=request.scope, year=overview.year)
            if overview
            else [],
            "draw_form": SurveyDrawForm(),
        },
    )


@scoped_view()
def village_exit_page(request: ScopedRequest, village_code: str, year: int) -> HttpResponse:
    """A village's 出列 indicators for a year; the form enters them."""
    detail = village_exit_get(scope=request.scope, village_code=village_code, year=year)
    can_record = request.scope.can(Capability.RECORD_EXIT_INDICATORS)
    initial = {"rural_population": detail.record.rural_population if detail.record else None}
    form = VillageExitForm(
        request.POST if request.method == "POST" else None, initial=initial, items=detail.items
    )
    if request.method == "POST" and form.is_valid():
        try:
            village_exit_record(
                actor=request.user,
                scope=request.scope,
                village_code=village_code,
                year=year,
                rural_population=form.cleaned_data["rural_population"],
                values=form.values(),
            )
        except (NotFoundError, PermissionDeniedError):
            raise
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("出列指标已保存。"))
            return redirect("reports:village-exit", village_code=village_code, year=year)
    return render(
        request,
        "reports/village_exit.html",
        {"detail": detail, "form": form, "can_record": can_record},
    )


@scoped_view()
def exit_survey_page(request: ScopedRequest, survey_id: int) -> HttpResponse:
    """A county exit survey: the rates so far and each sampled household's result form."""
    if request.method == "POST":
        form = SurveyEntryForm(request.POST)
        if form.is_valid():
            try:
                exit_survey_entry_record(
                    actor=request.user,
                    scope=request.scope,
                    entry_id=form.cleaned_data["entry"],
                    method=form.cleaned_data["method"],
                    is_wrong_exit=form.cleaned_data["is_wrong_exit"],
                    missed_people=form.cleaned_data["missed_people"] or 0,
                    approves=form.approves(),
                )
            except (NotFoundError, PermissionDeniedError):
                raise
            except ApplicationError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("调查结果已保存。"))
        else:
            messages.error(request, _("请选择调查方式并填写正确的漏评人数。"))
        return redirect("reports:exit-survey", survey_id=survey_id)
    try:
        result = exit_survey_result(scope=request.scope, survey_id=survey_id)
    except NotFoundError:
        raise
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("reports:exit-overview")
    return render(
        request,
        "reports/exit_survey.html",
        {
            "result": result,
            "entries": exit_survey_entries(result.survey),
            "methods": ExitSurveyEntry.Method.choices,
            "can_record": request.scope.can(Capability.RECORD_EXIT_INDICATORS),
        },
    )


@scoped_view(Capability.RECORD_EXIT_INDICATORS)
def exit_survey_start(request: ScopedRequest) -> HttpResponse:
    """Draw a county's exit sample (POST) and open it."""
    if request.method != "POST":
        return HttpResponse(status=405)
    form = SurveyDrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写年度、每层抽样户数和随机种子。"))
        return redirect("reports:exit-overview")
    try:
        survey = exit_survey_draw(
            actor=request.user,
            scope=request.scope,
            county_code=form.cleaned_data["county"],
            year=form.cleaned_data["year"],
            households_per_stratum=form.cleaned_data["households_per_stratum"],
            seed=form.cleaned_data["seed"],
        )
    except (NotFoundError, PermissionDeniedError):
        raise
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("reports:exit-overview")
    return redirect("reports:exit-survey", survey_id=survey.pk)
