"""Problem pages: the list with overdue badges, the ledger download, registration, the
detail with its tasks (五定, progress, 销号) and the periodic progress report."""

from datetime import date
from urllib.parse import quote

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fupin.core.decorators import scoped_view
from fupin.core.errors import ApplicationError
from fupin.core.forms import add_service_error
from fupin.core.http import ScopedRequest, redirect_after_post
from fupin.core.scope import Capability
from fupin.rectification import exports, forms, selectors, services, workflow
from fupin.registry.models import Household

PROBLEMS_PER_PAGE = 25
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _filters(request: ScopedRequest) -> tuple[forms.ProblemFilterForm, selectors.ProblemFilters]:
    form = forms.ProblemFilterForm(request.GET)
    if not form.is_valid():
        return form, selectors.ProblemFilters()
    data = form.cleaned_data
    return form, selectors.ProblemFilters(
        state=data["state"],
        source=data["source"],
        category=data["category"],
        is_overdue=bool(data["overdue"]),
        search=(data["q"] or "").strip(),
    )


@scoped_view()
def problem_list(request: ScopedRequest) -> HttpResponse:
    """Problems in scope, with the deadline of each one's next open task."""
    form, filters = _filters(request)
    page = Paginator(
        selectors.problem_list(scope=request.scope, filters=filters), PROBLEMS_PER_PAGE
    )
    page_obj = page.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page_obj": page_obj,
        "rows": selectors.problem_rows(request.scope, page_obj.object_list),
        "total": page.count,
        "query_without_page": query.urlencode() + "&" if query else "",
        "query": query.urlencode(),
        "can_register": request.scope.can(Capability.RECTIFY),
        "breadcrumbs": [(_("问题整改"), None)],
    }
    if request.htmx:
        return render(request, "rectification/problem_list.html#results", context)
    return render(request, "rectification/problem_list.html", context)


@scoped_view()
def ledger_export(request: ScopedRequest) -> HttpResponse:
    """The 整改台账 of the list's filters as xlsx (audited)."""
    _form, filters = _filters(request)
    rows = selectors.ledger_rows(scope=request.scope, filters=filters)
    services.ledger_export_record(actor=request.user, scope=request.scope, rows=len(rows))
    return _xlsx(exports.ledger_workbook(rows), _("整改台账.xlsx"))


@scoped_view()
def problem_create(request: ScopedRequest) -> HttpResponse:
    form = forms.ProblemForm(request.POST or None, initial={"region_code": request.scope.prefix})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            households: list[Household] = [
                selectors.household_in_scope(scope=request.scope, number=number)
                for number in form.household_number_list()
            ]
            problem = services.problem_register(
                actor=request.user,
                scope=request.scope,
                source=data["source"],
                region_code=data["region_code"],
                category=data["category"],
                title=data["title"],
                description=data["description"],
                evidence=data["evidence"],
                found_on=data["found_on"],
                is_immediate=data["is_immediate"],
                households=households,
                linked_projects=data["linked_projects"],
                linked_cadres=data["linked_cadres"],
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已登记问题 %(number)s。") % {"number": problem.number})
            return redirect_after_post(
                request, reverse("rectification:problem-detail", args=[problem.pk])
            )
    return render(
        request,
        "rectification/problem_form.html",
        {
            "form": form,
            "region_picker": True,
            "can_register": request.scope.can(Capability.RECTIFY),
            "breadcrumbs": [
                (_("问题整改"), reverse("rectification:problem-list")),
                (_("登记问题"), None),
            ],
        },
        status=400 if request.method == "POST" else 200,
    )


@scoped_view()
def problem_detail(request: ScopedRequest, problem_id: int) -> HttpResponse:
    problem = selectors.problem_get(scope=request.scope, problem_id=problem_id)
    rows = selectors.task_rows(scope=request.scope, problem_id=problem_id)
    can_rectify = request.scope.can(Capability.RECTIFY) and not problem.is_closed
    return render(
        request,
        "rectification/problem_detail.html",
        {
            "problem": problem,
            "rows": rows,
            "households": selectors.problem_households(problem),
            "can_rectify": can_rectify,
            "can_review": workflow.may_review_closure(request.scope, problem.region_id),
            "task_form": forms.TaskForm(),
            "progress_form": forms.ProgressForm(),
            "closure_form": forms.ClosureForm(),
            "review_form": forms.ReviewForm(),
            "breadcrumbs": [
                (_("问题整改"), reverse("rectification:problem-list")),
                (problem.number, None),
            ],
        },
    )


def _back(request: ScopedRequest, problem_id: int) -> HttpResponse:
    return redirect_after_post(request, reverse("rectification:problem-detail", args=[problem_id]))


@require_POST
@scoped_view(Capability.RECTIFY)
def task_add(request: ScopedRequest, problem_id: int) -> HttpResponse:
    form = forms.TaskForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写牵头单位、责任单位、整改措施和整改时限。"))
        return _back(request, problem_id)
    data = form.cleaned_data
    try:
        services.task_add(
            actor=request.user,
            scope=request.scope,
            problem_id=problem_id,
            lead_unit=data["lead_unit"],
            owner_unit=data["owner_unit"],
            measures=data["measures"],
            expected_effect=data["expected_effect"],
            due_on=data["due_on"],
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已添加整改任务。"))
    return _back(request, problem_id)


@require_POST
@scoped_view(Capability.RECTIFY)
def task_progress(request: ScopedRequest, task_id: int) -> HttpResponse:
    task = selectors.task_get(scope=request.scope, task_id=task_id)
    try:
        services.task_progress_report(
            actor=request.user,
            scope=request.scope,
            task_id=task_id,
            content=request.POST.get("content", ""),
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已报告整改进展。"))
    return _back(request, task.problem_id)


@require_POST
@scoped_view(Capability.RECTIFY)
def task_submit(request: ScopedRequest, task_id: int) -> HttpResponse:
    task = selectors.task_get(scope=request.scope, task_id=task_id)
    try:
        services.task_submit_closure(
            actor=request.user,
            scope=request.scope,
            task_id=task_id,
            outcome=request.POST.get("outcome", ""),
            evidence=request.POST.get("evidence", ""),
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已申请销号，等待上一级审核。"))
    return _back(request, task.problem_id)


@require_POST
@scoped_view(Capability.REVIEW_RECTIFICATION)
def task_review(request: ScopedRequest, task_id: int) -> HttpResponse:
    task = selectors.task_get(scope=request.scope, task_id=task_id)
    approve = request.POST.get("decision", "approve") == "approve"
    try:
        services.task_review_closure(
            actor=request.user,
            scope=request.scope,
            task_id=task_id,
            approve=approve,
            opinion=request.POST.get("opinion", ""),
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已销号。") if approve else _("已退回补充整改。"))
    return _back(request, task.problem_id)


@scoped_view()
def progress_report(request: ScopedRequest) -> HttpResponse:
    """The periodic progress report of the user's level, on screen or as xlsx."""
    try:
        ends_on = date.fromisoformat(request.GET.get("ends_on", ""))
    except ValueError:
        ends_on = None
    report = selectors.progress_report(scope=request.scope, ends_on=ends_on)
    if request.GET.get("format") == "xlsx":
        return _xlsx(
            exports.report_workbook(report, region_name=request.scope.region_name),
            _("整改进展报告-%(date)s.xlsx") % {"date": report.ends_on.isoformat()},
        )
    return render(
        request,
        "rectification/progress_report.html",
        {
            "report": report,
            "breadcrumbs": [
                (_("问题整改"), reverse("rectification:problem-list")),
                (_("整改进展报告"), None),
            ],
        },
    )
