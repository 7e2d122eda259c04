"""Finance pages: loans and the 到期预警台账 (with its xlsx), the project pool with the
step form of its procedure and its yearly adjustment, spending progress, the public
notices, and the county's entry forms for loans, funds and assets."""

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar
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
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fupin.core.decorators import answers_errors, scoped_view
from fupin.core.errors import ApplicationError, PermissionDeniedError
from fupin.core.forms import add_service_error
from fupin.core.http import ScopedRequest, redirect_after_post
from fupin.core.scope import Capability
from fupin.core.spreadsheets import Workbook
from fupin.finance import forms, selectors, services, workflow
from fupin.finance.models import STEP_LABELS, Loan, LoanStatus, Project, ProjectState
from fupin.finance.qr import qr_svg

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PER_PAGE = 25
T = TypeVar("T")
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
            "can_manage": request.scope.can(Capability.MANAGE_LOANS),
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
            "can_manage": request.scope.can(Capability.MANAGE_LOANS),
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
            "can_manage_funds": request.scope.can(Capability.MANAGE_FUNDS),
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
            "can_manage": request.scope.can(Capability.MANAGE_FUNDS),
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
            "can_manage": request.scope.can(Capability.MANAGE_FUNDS),
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


# ---------------------------------------------------------------- entry forms


@dataclass(frozen=True)
class Duty:
    """Who does the work of an entry form, and what a role without it is told."""

    capability: Capability
    message: "StrOrPromise"


LOANS_DUTY = Duty(Capability.MANAGE_LOANS, gettext_lazy("小额信贷由县级登记和管理。"))
FUNDS_DUTY = Duty(Capability.MANAGE_FUNDS, gettext_lazy("资金和资产由县级登记。"))
POOL_DUTY = Duty(Capability.DECIDE_PROJECTS, gettext_lazy("项目库年度调整由县级办理。"))


def _form_page(
    request: ScopedRequest,
    form: Form,
    *,
    duty: Duty,
    save: Callable[[dict[str, Any]], T],
    then: Callable[[T], str],
    done: str,
    title: str,
    breadcrumbs: list[tuple[str, str | None]],
    intro: str = "",
    facts: list[tuple[str, object]] | None = None,
    template: str = "finance/entry_form.html",
) -> HttpResponse:
    """One entry form: post → service → message → the record's page, or the form again
    with the service's refusal beside the field it is about (nothing saved). A role
    without the duty (a link followed from elsewhere) is told who does this work and sent
    back to the page before, the breadcrumb above the form's."""
    back = breadcrumbs[-2][1] or reverse("finance:project-list")
    if not request.scope.can(duty.capability):
        messages.warning(request, duty.message)
        return redirect_after_post(request, back)
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, done)
            return redirect_after_post(request, then(saved))
    return render(
        request,
        template,
        {
            "form": form,
            "title": title,
            "intro": intro,
            "facts": facts or [],
            "cancel_url": back,
            "breadcrumbs": breadcrumbs,
        },
    )


def _loan_crumbs(*extra: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("小额信贷"), reverse("finance:loan-list")), *extra]


def _loan_url(loan: Loan) -> str:
    return reverse("finance:loan-detail", args=[loan.pk])


@scoped_view()
def loan_new(request: ScopedRequest) -> HttpResponse:
    """登记贷款: the borrower by ID number and name, the contract's terms checked against
    the region's microcredit rules."""

    def save(data: dict[str, Any]) -> Loan:
        borrower = selectors.loan_borrower_get(
            scope=request.scope, id_number=data["borrower_id_number"], name=data["borrower_name"]
        )
        return services.loan_register(
            actor=request.user,
            scope=request.scope,
            borrower=borrower,
            bank=data["bank"],
            contract_number=data["contract_number"],
            amount=data["amount"],
            issued_on=data["issued_on"],
            due_on=data["due_on"],
            annual_rate=data["annual_rate"],
            purpose=data["purpose"],
            is_household_use=data["is_household_use"],
        )

    return _form_page(
        request,
        forms.LoanForm(request.POST or None),
        duty=LOANS_DUTY,
        save=save,
        then=_loan_url,
        done=_("贷款已登记。"),
        title=_("登记贷款"),
        intro=_(
            "借款人须是在册人员；金额、期限、年龄和户类型按本地小额信贷政策检查，不符合的逐条说明。"
        ),
        breadcrumbs=_loan_crumbs((_("登记贷款"), None)),
    )


def _loan_form(
    request: ScopedRequest,
    loan_id: int,
    form: Callable[..., Form],
    service: Callable[..., object],
    *,
    done: str,
    title: str,
    intro: str = "",
    initial: Callable[[Loan], dict[str, Any] | None] = lambda _loan: None,
) -> HttpResponse:
    """An entry form about one loan in scope: `service(loan=…, **the form's data)`, then
    back to the loan (to the new contract after a 续贷 or 展期)."""
    loan = selectors.loan_get(scope=request.scope, loan_id=loan_id)
    return _form_page(
        request,
        form(request.POST or None, initial=initial(loan)),
        duty=LOANS_DUTY,
        save=lambda data: service(actor=request.user, scope=request.scope, loan=loan, **data),
        then=lambda saved: _loan_url(saved if isinstance(saved, Loan) else loan),
        done=done,
        title=title,
        intro=intro,
        facts=[
            (_("借款人"), loan.borrower.name),
            (_("合同编号"), loan.contract_number),
            (_("期限"), f"{loan.issued_on:%Y-%m-%d} — {loan.due_on:%Y-%m-%d}"),
            (_("贷款余额（元）"), loan.outstanding),
        ],
        breadcrumbs=_loan_crumbs((loan.contract_number, _loan_url(loan)), (title, None)),
    )


@scoped_view()
def loan_repayment(request: ScopedRequest, loan_id: int) -> HttpResponse:
    """登记还款 of a loan: principal and interest; the loan is settled when repaid."""
    return _loan_form(
        request,
        loan_id,
        forms.RepaymentForm,
        services.repayment_record,
        done=_("还款已登记。"),
        title=_("登记还款"),
    )


@scoped_view()
def loan_renewal(request: ScopedRequest, loan_id: int) -> HttpResponse:
    """续贷 or 展期: a new contract for the outstanding principal, linked to this one."""
    return _loan_form(
        request,
        loan_id,
        forms.RenewalForm,
        services.loan_renew,
        done=_("已办理续贷或展期，原合同保留在合同沿革中。"),
        title=_("续贷或展期"),
        intro=_("按原合同的贷款余额签订新合同；原合同及其还款记录保留，状态改为“已续贷或展期”。"),
    )


@scoped_view()
def loan_default(request: ScopedRequest, loan_id: int) -> HttpResponse:
    """认定违约: overdue, interest unpaid or money misused; the policy may stop 贴息."""
    return _loan_form(
        request,
        loan_id,
        forms.DefaultForm,
        services.loan_default_record,
        done=_("已认定违约。"),
        title=_("认定违约"),
        intro=_(
            "逾期未还、欠息或改变贷款用途的，认定违约；本地政策规定违约停止贴息的，自违约日起不再贴息。"
        ),
    )


def _enterprise_use_initial(loan: Loan) -> dict[str, Any] | None:
    current = getattr(loan, "enterprise_use", None)
    if current is None:
        return None
    return {name: getattr(current, name) for name in forms.EnterpriseUseForm.base_fields}


def _enterprise_use_record(**values: Any) -> object:
    terms = {name: values.pop(name) for name in forms.EnterpriseUseForm.base_fields}
    return services.enterprise_use_record(**values, terms=services.EnterpriseUseTerms(**terms))


@scoped_view()
def enterprise_use_edit(request: ScopedRequest, loan_id: int) -> HttpResponse:
    """登记户贷企用 of a legacy loan (or correct it)."""
    return _loan_form(
        request,
        loan_id,
        forms.EnterpriseUseForm,
        _enterprise_use_record,
        done=_("户贷企用情况已登记。"),
        title=_("登记户贷企用"),
        intro=_(
            "2017年12月起发放的小额信贷不得户贷企用；此前的存量贷款经借款人同意后登记使用企业、金额和分红。"
        ),
        initial=_enterprise_use_initial,
    )


def _project_url(project: Project) -> str:
    return reverse("finance:project-detail", args=[project.pk])


@scoped_view()
def allocation_new(request: ScopedRequest) -> HttpResponse:
    """资金分配 to the user's county, by source and year."""
    return _form_page(
        request,
        forms.AllocationForm(request.POST or None, initial={"year": timezone.localdate().year}),
        duty=FUNDS_DUTY,
        save=lambda data: services.fund_allocate(
            actor=request.user, scope=request.scope, county_code=request.scope.prefix, **data
        ),
        then=lambda allocation: reverse("finance:fund-progress") + f"?year={allocation.year}",
        done=_("资金分配已登记。"),
        title=_("登记资金分配"),
        breadcrumbs=_crumbs(
            (_("支出进度"), reverse("finance:fund-progress")), (_("登记资金分配"), None)
        ),
    )


def _project_form(
    request: ScopedRequest,
    project_id: int,
    form: Callable[[Project], Form],
    save: Callable[[Project, dict[str, Any]], T],
    *,
    then: Callable[[T], str] | None = None,
    done: str,
    title: str,
    intro: str = "",
) -> HttpResponse:
    """A county entry form about one project of the pool in scope: its money or assets."""
    project = selectors.project_get(scope=request.scope, project_id=project_id)
    return _form_page(
        request,
        form(project),
        duty=FUNDS_DUTY,
        save=lambda data: save(project, data),
        then=then or (lambda _saved: _project_url(project)),
        done=done,
        title=title,
        intro=intro,
        facts=[(_("项目"), project.name), (_("概算投资（元）"), project.budget)],
        breadcrumbs=_crumbs((project.name, _project_url(project)), (title, None)),
    )


@scoped_view()
def project_release(request: ScopedRequest, project_id: int) -> HttpResponse:
    """下达 part of an allocation of the county to a project of the pool."""
    return _project_form(
        request,
        project_id,
        lambda project: forms.ReleaseForm(
            request.POST or None,
            allocations=selectors.allocations_for_project(scope=request.scope, project=project),
        ),
        lambda project, data: services.fund_release(
            actor=request.user, scope=request.scope, project=project, **data
        ),
        done=_("资金已下达。"),
        title=_("下达资金"),
    )


@scoped_view()
def project_fund_entry(request: ScopedRequest, project_id: int) -> HttpResponse:
    """到账 or 支出 of money released to a project."""
    return _project_form(
        request,
        project_id,
        lambda project: forms.FundEntryForm(
            request.POST or None,
            releases=selectors.project_releases(scope=request.scope, project=project),
        ),
        lambda _project, data: services.fund_entry_record(
            actor=request.user, scope=request.scope, **data
        ),
        done=_("已登记。"),
        title=_("登记到账或支出"),
        intro=_("到账累计不超过下达金额，支出累计不超过到账金额。"),
    )


@scoped_view()
def asset_new(request: ScopedRequest, project_id: int) -> HttpResponse:
    """登记 an asset an accepted project formed."""
    return _project_form(
        request,
        project_id,
        lambda project: forms.AssetForm(
            request.POST or None,
            income_rules=selectors.income_rules_for(project.village_id),
            initial={"name": project.name},
        ),
        lambda project, data: services.asset_register(
            actor=request.user, scope=request.scope, project=project, **data
        ),
        then=lambda asset: reverse("finance:asset-detail", args=[asset.pk]),
        done=_("资产已登记。"),
        title=_("登记项目资产"),
        intro=_("项目验收后登记其形成的资产，确权日期不早于验收日期（谁主管、谁负责）。"),
    )


def _asset_form(
    request: ScopedRequest,
    asset_id: int,
    form: Callable[..., Form],
    service: Callable[..., object],
    *,
    done: str,
    title: str,
) -> HttpResponse:
    """A county entry form about one asset in scope: `service(asset=…, **the form's data)`."""
    asset = selectors.asset_detail(scope=request.scope, asset_id=asset_id).asset
    url = reverse("finance:asset-detail", args=[asset.pk])
    return _form_page(
        request,
        form(request.POST or None),
        duty=FUNDS_DUTY,
        save=lambda data: service(actor=request.user, scope=request.scope, asset=asset, **data),
        then=lambda _saved: url,
        done=done,
        title=title,
        facts=[
            (_("所有权人"), asset.owner),
            (_("管护主体"), asset.custodian),
            (_("资产原值（元）"), asset.value),
        ],
        breadcrumbs=_crumbs(
            (_("项目资产"), reverse("finance:asset-ledger")), (asset.name, url), (title, None)
        ),
    )


@scoped_view()
def asset_transfer(request: ScopedRequest, asset_id: int) -> HttpResponse:
    """移交 an asset to a new owner and custodian."""
    return _asset_form(
        request,
        asset_id,
        forms.AssetTransferForm,
        services.asset_transfer,
        done=_("资产已移交。"),
        title=_("资产移交"),
    )


@scoped_view()
def asset_disposal(request: ScopedRequest, asset_id: int) -> HttpResponse:
    """处置 an asset; a village's proceeds return to its collective."""
    return _asset_form(
        request,
        asset_id,
        forms.AssetDisposalForm,
        services.asset_dispose,
        done=_("资产已处置。"),
        title=_("资产处置"),
    )


@scoped_view()
def asset_distribution(request: ScopedRequest, asset_id: int) -> HttpResponse:
    """收益分配 of one period's income, share by share: the shares add up to the income
    and 公益岗位 wages reach the asset's rule (光伏: ≥ 80 %); a worker's ID number links the
    wage to the household."""
    detail = selectors.asset_detail(scope=request.scope, asset_id=asset_id)
    asset = detail.asset
    url = reverse("finance:asset-detail", args=[asset.pk])
    title = _("收益分配")

    def save(data: dict[str, Any]) -> object:
        shares = []
        for number, row in enumerate(data["shares"], start=1):
            household = None
            if row["id_number"]:
                try:
                    household = selectors.share_worker_household(
                        scope=request.scope, id_number=row["id_number"], recipient=row["recipient"]
                    )
                except ApplicationError as error:
                    raise ApplicationError(
                        _("第 %(number)s 笔：%(message)s")
                        % {"number": number, "message": error.message},
                        code=error.code,
                    ) from error
            shares.append(
                services.Share(row["kind"], row["recipient"].strip(), row["amount"], household)
            )
        return services.asset_income_distribute(
            actor=request.user,
            scope=request.scope,
            asset=asset,
            income=data["income"],
            distributed_on=data["distributed_on"],
            period=data["period"].strip(),
            shares=shares,
        )

    rule = asset.income_rule
    return _form_page(
        request,
        forms.DistributionForm(request.POST or None),
        duty=FUNDS_DUTY,
        save=save,
        then=lambda _saved: url,
        done=_("收益分配已登记。"),
        title=title,
        intro=_("各笔分配合计须等于本次收益，公益岗位工资不得少于收益分配规则规定的比例。"),
        facts=[
            (_("所有权人"), asset.owner),
            (
                _("收益分配规则"),
                _("%(name)s：公益岗位工资不少于 %(percent)s%%")
                % {"name": rule.name, "percent": format(rule.min_post_percent.normalize(), "f")}
                if rule is not None
                else _("无"),
            ),
            (_("累计收益分配（元）"), detail.income_distributed),
        ],
        breadcrumbs=_crumbs(
            (_("项目资产"), reverse("finance:asset-ledger")), (asset.name, url), (title, None)
        ),
        template="finance/distribution_form.html",
    )


@scoped_view()
def enterprise_use_list(request: ScopedRequest) -> HttpResponse:
    """户贷企用台账: legacy loans used by enterprises, those without consent first."""
    page = Paginator(selectors.enterprise_use_list(scope=request.scope), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "finance/enterprise_use_list.html",
        {
            "page_obj": page,
            "breadcrumbs": _loan_crumbs((_("户贷企用台账"), None)),
        },
    )


# ---------------------------------------------------------------- yearly pool adjustment


@scoped_view()
def pool_adjustment_list(request: ScopedRequest) -> HttpResponse:
    """年度调整 of the pool: the ones waiting for approval (with the form to decide them)
    and the history."""
    page = Paginator(selectors.pool_adjustment_list(scope=request.scope), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "finance/pool_adjustment_list.html",
        {
            "page_obj": page,
            "can_decide": request.scope.can(Capability.DECIDE_PROJECTS),
            "decision_form": forms.DecisionForm(),
            "breadcrumbs": _crumbs((_("年度调整"), None)),
        },
    )


@scoped_view()
def pool_adjustment_new(request: ScopedRequest) -> HttpResponse:
    """Propose one 年度调整: a project in, out or replaced by another."""
    back = reverse("finance:pool-adjustment-list")
    return _form_page(
        request,
        forms.PoolAdjustmentForm(
            request.POST or None,
            projects=selectors.pool_candidates(scope=request.scope),
            initial={"year": timezone.localdate().year},
        ),
        duty=POOL_DUTY,
        save=lambda data: services.pool_adjustment_propose(
            actor=request.user, scope=request.scope, **data
        ),
        then=lambda _adjustment: back,
        done=_("调整已提出，等待另一名县级人员审批。"),
        title=_("提出年度调整"),
        intro=_(
            "调入：已审定的其他年度项目或已调出的项目进入本年度项目库；调出：未下达资金的本年度项目移出项目库；替换：调出一个、调入另一个。批准后生效，调整记录长期保留。"
        ),
        breadcrumbs=_crumbs((_("年度调整"), back), (_("提出年度调整"), None)),
    )


@require_POST
@scoped_view()
def pool_adjustment_decide(request: ScopedRequest, adjustment_id: int) -> HttpResponse:
    """Approve or reject a proposed adjustment (not one's own)."""
    adjustment = selectors.pool_adjustment_get(scope=request.scope, adjustment_id=adjustment_id)
    form = forms.DecisionForm(request.POST)
    back = reverse("finance:pool-adjustment-list")
    if not form.is_valid():
        messages.error(request, _("请选择审批结论。"))
        return redirect_after_post(request, back)
    try:
        services.pool_adjustment_decide(
            actor=request.user,
            scope=request.scope,
            adjustment=adjustment,
            approve=form.cleaned_data["approve"],
            opinion=form.cleaned_data["opinion"],
        )
    except PermissionDeniedError:
        raise
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已审批。"))
    return redirect_after_post(request, back)
