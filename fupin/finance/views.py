"""Finance pages: loans and the 到期预警台账 (with its xlsx), the project pool with the
step form of its procedure, spending progress, and the public notices."""

import io
from datetime import date
from urllib.parse import quote

from django.contrib import messages
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fupin.core.decorators import answers_errors, scoped_view
from fupin.core.errors import ApplicationError, PermissionDeniedError
from fupin.core.forms import add_service_error
from fupin.core.http import ScopedRequest, redirect_after_post
from fupin.core.scope import Capability
from fupin.core.spreadsheets import Workbook
from fupin.finance import forms, selectors, services, workflow
from fupin.finance.models import STEP_LABELS, LoanStatus, ProjectState
from fupin.finance.qr import qr_svg

PER_PAGE = 25
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _crumbs(*extra: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("项目库"), reverse("finance:project-list")), *extra]


# ---------------------------------------------------------------- loans


@scoped_view()
def loan_list(request: ScopedRequest) -> HttpResponse:
    """Loans in scope, soonest due first, filtered by status and searched."""
    status = request.GET.get("status", "")
    status = status if status in LoanStatus.values else ""
    query = request.GET.get("q", "").strip()
    page = Paginator(
        selectors.loan_list(scope=request.scope, status=status, query=query), PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "finance/loan_list.html",
        {
            "page_obj": page,
            "status": status,
            "query": query,
            "statuses": LoanStatus.choices,
            "breadcrumbs": [(_("小额信贷"), None)],
        },
    )


@scoped_view()
def loan_detail(request: ScopedRequest, loan_id: int) -> HttpResponse:
    """A loan with its contract history, repayments, 贴息 per year and eligibility."""
    detail = selectors.loan_detail(scope=request.scope, loan_id=loan_id, as_of=timezone.localdate())
    return render(
        request,
        "finance/loan_detail.html",
        {
            "detail": detail,
            "loan": detail.loan,
            "is_overdue": detail.loan.status == LoanStatus.ACTIVE
            and detail.loan.due_on < timezone.localdate(),
            "breadcrumbs": [
                (_("小额信贷"), reverse("finance:loan-list")),
                (detail.loan.contract_number, None),
            ],
        },
    )


def _warning_params(request: ScopedRequest) -> tuple[forms.WarningFilterForm, date, int]:
    form = forms.WarningFilterForm(request.GET or None)
    as_of, days = timezone.localdate(), 90
    if form.is_valid():
        as_of = form.cleaned_data["as_of"] or as_of
        days = form.cleaned_data["days"] or days
    return form, as_of, days


@scoped_view()
def loan_warnings(request: ScopedRequest) -> HttpResponse:
    """到期预警台账: overdue and due within 30/60/90 days, by township, village and bank."""
    form, as_of, days = _warning_params(request)
    report = selectors.loan_due_warnings(scope=request.scope, as_of=as_of, days=days)
    return render(
        request,
        "finance/loan_warnings.html",
        {
            "form": form,
            "report": report,
            "band_counts": [(band, report.due_count(band)) for band in report.bands],
            "export_query": request.GET.urlencode(),
            "breadcrumbs": [
                (_("小额信贷"), reverse("finance:loan-list")),
                (_("到期预警台账"), None),
            ],
        },
    )


@scoped_view()
def loan_warnings_export(request: ScopedRequest) -> HttpResponse:
    """The 到期预警台账 as xlsx (borrowers' names, no ID numbers; audited)."""
    _form, as_of, days = _warning_params(request)
    report = selectors.loan_due_warnings(scope=request.scope, as_of=as_of, days=days)
    buffer = io.BytesIO()
    book = Workbook(buffer)
    sheet = book.add_sheet(_("到期预警台账"))
    header = book.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1})
    headers = [
        _("乡镇"),
        _("村"),
        _("借款人"),
        _("贷款银行"),
        _("合同编号"),
        _("放款日期"),
        _("到期日期"),
        _("贷款余额（元）"),
        _("剩余天数"),
        _("预警"),
    ]
    for column, text in enumerate(headers):
        sheet.text(0, column, text, header)
    sheet.set_column(0, len(headers) - 1, 16)
    for row, due in enumerate(report.loans, start=1):
        loan = due.loan
        town = loan.village.parent.name if loan.village.parent else ""
        band = (
            _("逾期 %(days)s 天") % {"days": -due.days_left}
            if due.is_overdue
            else _("%(band)s 天内到期") % {"band": due.band}
        )
        sheet.row(
            row,
            0,
            [
                town,
                loan.village.name,
                loan.borrower.name,
                loan.bank,
                loan.contract_number,
                loan.issued_on.isoformat(),
                loan.due_on.isoformat(),
                loan.outstanding,
                due.days_left,
                band,
            ],
        )
    book.close()
    services.loan_warnings_export_record(
        actor=request.user, scope=request.scope, as_of=as_of, days=days, rows=len(report.loans)
    )
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    filename = _("到期预警台账-%(date)s.xlsx") % {"date": as_of.isoformat()}
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


# ---------------------------------------------------------------- projects


@scoped_view()
def project_list(request: ScopedRequest) -> HttpResponse:
    """The project pool in scope, with what waits for the user's step first."""
    state = request.GET.get("state", "")
    state = state if state in ProjectState.values else ""
    page = Paginator(selectors.project_list(scope=request.scope, state=state), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "finance/project_list.html",
        {
            "page_obj": page,
            "state": state,
            "states": ProjectState.choices,
            "todo": list(selectors.project_todo(scope=request.scope)[:50]),
            "can_propose": request.scope.can(Capability.PROPOSE_PROJECTS),
            "breadcrumbs": [(_("项目库"), None)],
        },
    )


def _project_data(village_code: str, data: dict[str, object]) -> services.ProjectData:
    return services.ProjectData(village_code=village_code, **data)  # type: ignore[arg-type]


@scoped_view()
def project_new(request: ScopedRequest) -> HttpResponse:
    """申报 by the village: the project record and its 四议两公开 record."""
    if not request.scope.can(Capability.PROPOSE_PROJECTS):
        # A link followed from elsewhere: say where projects are proposed.
        messages.warning(request, _("项目由村级申报，您的角色不能申报项目。"))
        return redirect_after_post(request, reverse("finance:project-list"))
    form = forms.ProjectForm(request.POST or None, initial={"year": timezone.localdate().year + 1})
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_propose(
                actor=request.user,
                scope=request.scope,
                data=_project_data(request.scope.prefix, form.cleaned_data),
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("项目已申报，等待乡镇审核。"))
            return redirect_after_post(
                request, reverse("finance:project-detail", args=[project.pk])
            )
    return render(
        request,
        "finance/project_form.html",
        {"form": form, "breadcrumbs": _crumbs((_("申报项目"), None))},
    )


def _step_form(state: str, data: object = None) -> Form | None:
    if state in (ProjectState.TOWNSHIP, ProjectState.DECISION):
        return forms.DecisionForm(data)  # type: ignore[arg-type]
    if state == ProjectState.ASSESSMENT:
        return forms.AssessmentForm(data)  # type: ignore[arg-type]
    return None


@scoped_view()
def project_detail(request: ScopedRequest, project_id: int) -> HttpResponse:
    """A project with its record, decisions, progress, funds, notice and the step form."""
    detail = selectors.project_detail(scope=request.scope, project_id=project_id)
    return _render_project(request, detail, step_form=None)


def _owned(request: ScopedRequest, project_id: int) -> selectors.ProjectDetail:
    """The project, refused as forbidden when its waiting step is not the user's."""
    detail = selectors.project_detail(scope=request.scope, project_id=project_id)
    if not detail.can_act:
        raise PermissionDeniedError(_("您的角色不办理此环节。"))
    return detail


def _render_project(
    request: ScopedRequest,
    detail: selectors.ProjectDetail,
    *,
    step_form: Form | None,
    progress_form: Form | None = None,
    acceptance_form: Form | None = None,
    status: int = 200,
) -> HttpResponse:
    project = detail.project
    state = project.state
    if detail.can_act and step_form is None:
        step_form = _step_form(state)
    in_pool = detail.can_act and state == ProjectState.APPROVED
    return render(
        request,
        "finance/project_detail.html",
        {
            "detail": detail,
            "project": project,
            "step_form": step_form if state in workflow.STEPS and detail.can_act else None,
            "step_title": STEP_LABELS.get(ProjectState(state), ""),
            "progress_form": progress_form or (forms.ProgressForm() if in_pool else None),
            "acceptance_form": acceptance_form or (forms.AcceptanceForm() if in_pool else None),
            "is_returned": state == ProjectState.RETURNED,
            "notice_url": reverse("finance:notice-public", args=[detail.notice.token])
            if detail.notice
            else "",
            "breadcrumbs": _crumbs((project.name, None)),
        },
        status=status,
    )


@require_POST
@scoped_view()
def project_step(request: ScopedRequest, project_id: int) -> HttpResponse:
    """Perform the project's waiting step (审核, 论证 or 审定) with the posted decision."""
    detail = _owned(request, project_id)
    project = detail.project
    form = _step_form(project.state, request.POST)
    if form is None or not form.is_valid():
        return _render_project(request, detail, step_form=form, status=400)
    data = form.cleaned_data
    try:
        if project.state == ProjectState.TOWNSHIP:
            services.project_review(
                actor=request.user,
                scope=request.scope,
                project=project,
                approve=data["approve"],
                opinion=data["opinion"],
            )
        elif project.state == ProjectState.ASSESSMENT:
            services.project_assess(
                actor=request.user,
                scope=request.scope,
                project=project,
                approve=data["approve"],
                opinion=data["opinion"],
                feasibility=data["feasibility"],
                fund_plan=data["fund_plan"],
            )
        else:
            services.project_decide(
                actor=request.user,
                scope=request.scope,
                project=project,
                approve=data["approve"],
                opinion=data["opinion"],
            )
    except ApplicationError as error:
        add_service_error(form, error)
        return _render_project(request, detail, step_form=form, status=400)
    messages.success(request, _("已办理。"))
    return redirect_after_post(request, reverse("finance:project-detail", args=[project.pk]))


@require_POST
@scoped_view()
def project_progress(request: ScopedRequest, project_id: int) -> HttpResponse:
    """Record a 项目月报."""
    detail = _owned(request, project_id)
    form = forms.ProgressForm(request.POST)
    if form.is_valid():
        try:
            services.project_progress_report(
                actor=request.user, scope=request.scope, project=detail.project, **form.cleaned_data
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("月报已保存。"))
            return redirect_after_post(
                request, reverse("finance:project-detail", args=[detail.project.pk])
            )
    return _render_project(request, detail, step_form=None, progress_form=form, status=400)


@require_POST
@scoped_view()
def project_acceptance(request: ScopedRequest, project_id: int) -> HttpResponse:
    """Record the 验收 of a finished project."""
    detail = _owned(request, project_id)
    form = forms.AcceptanceForm(request.POST)
    if form.is_valid():
        try:
            services.project_accept(
                actor=request.user, scope=request.scope, project=detail.project, **form.cleaned_data
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已验收。"))
            return redirect_after_post(
                request, reverse("finance:project-detail", args=[detail.project.pk])
            )
    return _render_project(request, detail, step_form=None, acceptance_form=form, status=400)


# ---------------------------------------------------------------- funds


@scoped_view()
def fund_progress(request: ScopedRequest) -> HttpResponse:
    """支出进度 of the year by source, county and project, against the milestones."""
    form = forms.YearForm(request.GET or None)
    today = timezone.localdate()
    year = (form.cleaned_data["year"] if form.is_valid() else None) or today.year
    progress = selectors.spending_progress(scope=request.scope, year=year, as_of=today)
    return render(
        request,
        "finance/fund_progress.html",
        {
            "form": form,
            "progress": progress,
            "allocations": list(selectors.allocation_list(scope=request.scope, year=year)),
            "breadcrumbs": _crumbs((_("支出进度"), None)),
        },
    )


# ---------------------------------------------------------------- notices


@answers_errors
def notice_public(request: HttpRequest, notice_token: str) -> HttpResponse:
    """A finance notice at its public address, printable on A4 with a QR code to itself."""
    notice = selectors.notice_public_get(token=notice_token)
    url = request.build_absolute_uri(reverse("finance:notice-public", args=[notice.token]))
    today = timezone.localdate()
    # jsonb keeps no key order: the columns' order is the notice kind's allow-list.
    names = [name for name, _label in services.NOTICE_COLUMNS[notice.kind]]
    rows = [[row.get(name, "") for name in names] for row in notice.rows]
    return render(
        request,
        "finance/public_notice.html",
        {
            "notice": notice,
            "rows": rows,
            # One project reads better as label and value than as nine narrow columns.
            "fields": list(zip(notice.columns, rows[0], strict=True)) if len(rows) == 1 else [],
            "is_running": notice.starts_on <= today <= notice.ends_on,
            "notice_url": url,
            # segno writes the SVG itself from the URL; nothing user-typed goes in unescaped.
            "qr_svg": mark_safe(qr_svg(url)),  # noqa: S308
        },
    )


# ---------------------------------------------------------------- assets


@scoped_view()
def asset_ledger(request: ScopedRequest) -> HttpResponse:
    """资产总账 (totals by category and owner level) and the 明细台账 of assets."""
    page = Paginator(selectors.asset_list(scope=request.scope), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "finance/asset_ledger.html",
        {
            "ledger": selectors.asset_ledger(scope=request.scope),
            "page_obj": page,
            "breadcrumbs": _crumbs((_("项目资产"), None)),
        },
    )


@scoped_view()
def asset_detail(request: ScopedRequest, asset_id: int) -> HttpResponse:
    """An asset with its events and each distribution's shares."""
    detail = selectors.asset_detail(scope=request.scope, asset_id=asset_id)
    return render(
        request,
        "finance/asset_detail.html",
        {
            "detail": detail,
            "asset": detail.asset,
            "breadcrumbs": _crumbs(
                (_("项目资产"), reverse("finance:asset-ledger")), (detail.asset.name, None)
            ),
        },
    )


@scoped_view()
def subsidy_list(request: ScopedRequest) -> HttpResponse:
    """到户产业奖补 applications in scope with their amounts and states."""
    applications = selectors.subsidy_list(scope=request.scope)
    page = Paginator(applications, PER_PAGE).get_page(request.GET.get("page"))
    heads = selectors.household_head_names([a.household_id for a in page.object_list])
    return render(
        request,
        "finance/subsidy_list.html",
        {
            "page_obj": page,
            "rows": [(a, heads.get(a.household_id, "")) for a in page.object_list],
            "breadcrumbs": _crumbs((_("到户产业奖补"), None)),
        },
    )
