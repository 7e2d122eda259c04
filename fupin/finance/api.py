"""The finance REST endpoints: loans, the 到期预警台账, projects and spending progress,
scoped to the caller's region; one write, a loan's repayment, through the same service as
the page."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from fupin.core.api import api_scope
from fupin.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from fupin.finance import selectors, services
from fupin.finance.models import FundAllocation, Loan, LoanStatus, Project, ProjectState
from fupin.finance.schemas import (
    AllocationOut,
    DecisionOut,
    DueLoanOut,
    FindingOut,
    LoanDetailOut,
    LoanOut,
    LoanWarningsOut,
    ProgressReportOut,
    ProgressRowOut,
    ProjectDetailOut,
    ProjectOut,
    RepaymentIn,
    RepaymentOut,
    SpendingProgressOut,
    SubsidyLineOut,
)

router = Router(tags=["finance"])
MAX_PAGE = 200


class Page(Schema):
    limit: int = 50
    offset: int = 0


class LoanQuery(Page):
    status: str = ""
    q: str = ""


class ProjectQuery(Page):
    state: str = ""
    year: int | None = None


def _window(query: Page) -> slice:
    offset = max(0, query.offset)
    return slice(offset, offset + max(1, min(query.limit, MAX_PAGE)))


def _loan(loan: Loan) -> dict[str, Any]:
    return {
        "id": loan.pk,
        "contract_number": loan.contract_number,
        "borrower_name": loan.borrower.name,
        "village_code": loan.village_id,
        "village_name": loan.village.name,
        "bank": loan.bank,
        "amount": loan.amount,
        "repaid_principal": loan.repaid_principal,
        "outstanding": loan.outstanding,
        "issued_on": loan.issued_on,
        "due_on": loan.due_on,
        "annual_rate": loan.annual_rate,
        "purpose": loan.purpose,
        "is_household_use": loan.is_household_use,
        "status": loan.status,
        "status_label": loan.get_status_display(),
        "renewal_kind": loan.renewal_kind,
        "previous_id": loan.previous_id,
    }


@router.get("/finance/loans", response=list[LoanOut])
def loan_list(request: HttpRequest, query: Query[LoanQuery]) -> list[LoanOut]:
    """Loans in the caller's region, soonest due first; `status` and a search `q` (contract
    number, borrower or bank) filter them."""
    status = query.status if query.status in LoanStatus.values else ""
    loans = selectors.loan_list(scope=api_scope(request), status=status, query=query.q.strip())
    return [LoanOut(**_loan(loan)) for loan in loans[_window(query)]]


@router.get("/finance/loans/warnings", response=LoanWarningsOut)
def loan_warnings(
    request: HttpRequest, as_of: date | None = None, days: int = 90
) -> LoanWarningsOut:
    """The 到期预警台账: loans overdue on `as_of` (default today) or due within `days`."""
    if not 1 <= days <= 366:
        raise HttpError(400, _("预警天数应在 1 到 366 之间。"))
    report = selectors.loan_due_warnings(
        scope=api_scope(request), as_of=as_of or timezone.localdate(), days=days
    )
    return LoanWarningsOut(
        as_of=report.as_of,
        days=report.days,
        bands=report.bands,
        overdue_count=report.overdue_count,
        due_counts={str(band): report.due_count(band) for band in report.bands},
        loans=[
            DueLoanOut(
                loan=LoanOut(**_loan(due.loan)),
                days_left=due.days_left,
                band=due.band,
                is_overdue=due.is_overdue,
            )
            for due in report.loans
        ],
    )


@router.get("/finance/loans/{loan_id}", response=LoanDetailOut)
def loan_detail(request: HttpRequest, loan_id: int) -> LoanDetailOut:
    """One loan with its contract history (newest first), repayments, 贴息 per year to
    today and the eligibility rules explained."""
    detail = selectors.loan_detail(
        scope=api_scope(request), loan_id=loan_id, as_of=timezone.localdate()
    )
    return LoanDetailOut(
        **_loan(detail.loan),
        history=[loan.contract_number for loan in detail.history],
        repayments=[
            RepaymentOut(paid_on=r.paid_on, principal=r.principal, interest=r.interest)
            for r in detail.repayments
        ],
        subsidy=[
            SubsidyLineOut(
                year=line.year,
                interest=line.interest,
                percent=line.percent,
                subsidy=line.subsidy,
                note=line.note,
            )
            for line in detail.subsidy
        ],
        subsidy_total=detail.subsidy_total,
        eligibility=[
            FindingOut(code=f.code, passed=f.passed, explanation=f.explanation)
            for f in detail.eligibility
        ],
    )


@router.post("/finance/loans/{loan_id}/repayments", response={201: RepaymentOut})
def repayment_create(
    request: HttpRequest, loan_id: int, payload: RepaymentIn
) -> Status[RepaymentOut]:
    """Record a repayment of a loan (the county's duty); refusals answer 400 with the
    reason in Chinese, and nothing is saved."""
    scope = api_scope(request)
    loan = selectors.loan_get(scope=scope, loan_id=loan_id)
    try:
        repayment = services.repayment_record(
            actor=request.user,
            scope=scope,
            loan=loan,
            paid_on=payload.paid_on,
            principal=payload.principal,
            interest=payload.interest,
        )
    except (NotFoundError, PermissionDeniedError):
        raise
    except ApplicationError as error:
        raise HttpError(400, error.message) from error
    return Status(
        201,
        RepaymentOut(
            paid_on=repayment.paid_on, principal=repayment.principal, interest=repayment.interest
        ),
    )


def _project(project: Project) -> dict[str, Any]:
    return {
        "id": project.pk,
        "name": project.name,
        "year": project.year,
        "category": project.category,
        "category_label": project.get_category_display(),
        "village_code": project.village_id,
        "village_name": project.village.name,
        "location": project.location,
        "department": project.department,
        "budget": project.budget,
        "starts_on": project.starts_on,
        "ends_on": project.ends_on,
        "state": project.state,
        "state_label": project.get_state_display(),
    }


@router.get("/finance/projects", response=list[ProjectOut])
def project_list(request: HttpRequest, query: Query[ProjectQuery]) -> list[ProjectOut]:
    """Projects of the pool in the caller's region, newest year first."""
    state = query.state if query.state in ProjectState.values else ""
    projects = selectors.project_list(scope=api_scope(request), state=state, year=query.year)
    return [ProjectOut(**_project(project)) for project in projects[_window(query)]]


@router.get("/finance/projects/{project_id}", response=ProjectDetailOut)
def project_detail(request: HttpRequest, project_id: int) -> ProjectDetailOut:
    """One project with its decisions, monthly progress, released money and notice."""
    detail = selectors.project_detail(scope=api_scope(request), project_id=project_id)
    project = detail.project
    return ProjectDetailOut(
        **_project(project),
        content=project.content,
        subsidy_standard=project.subsidy_standard,
        benefit_mechanism=project.benefit_mechanism,
        performance_target=project.performance_target,
        decisions=[
            DecisionOut(
                step=d.step,
                step_label=d.step_label,
                decision=d.decision,
                decision_label=d.get_decision_display(),
                opinion=d.opinion,
                decided_at=d.decided_at,
            )
            for d in detail.decisions
        ],
        progress=[
            ProgressReportOut(month=p.month, percent=p.percent, note=p.note)
            for p in detail.progress
        ],
        released=sum((r.amount for r in detail.releases), Decimal(0)),
        notice_url=request.build_absolute_uri(
            reverse("finance:notice-public", args=[detail.notice.token])
        )
        if detail.notice
        else "",
    )


def _row(row: selectors.ProgressRow) -> ProgressRowOut:
    return ProgressRowOut(
        name=row.name,
        released=row.released,
        arrived=row.arrived,
        spent=row.spent,
        percent=row.percent,
        project_id=row.project_id,
        is_behind=row.is_behind,
    )


@router.get("/finance/funds/progress", response=SpendingProgressOut)
def spending_progress(request: HttpRequest, year: int | None = None) -> SpendingProgressOut:
    """支出进度 of a year (default this year) by source, county and project, with the
    milestone warnings."""
    today = timezone.localdate()
    progress = selectors.spending_progress(
        scope=api_scope(request), year=year or today.year, as_of=today
    )
    return SpendingProgressOut(
        year=progress.year,
        as_of=progress.as_of,
        allocated=progress.allocated,
        total=_row(progress.total),
        by_source=[_row(row) for row in progress.by_source],
        by_county=[_row(row) for row in progress.by_county],
        by_project=[_row(row) for row in progress.by_project],
        warnings=progress.warnings,
    )


def _allocation(allocation: FundAllocation) -> AllocationOut:
    return AllocationOut(
        id=allocation.pk,
        county_code=allocation.county_id,
        county_name=allocation.county.name,
        year=allocation.year,
        source=allocation.source,
        source_label=allocation.get_source_display(),
        document_number=allocation.document_number,
        amount=allocation.amount,
        allocated_on=allocation.allocated_on,
    )


@router.get("/finance/funds/allocations", response=list[AllocationOut])
def allocation_list(request: HttpRequest, year: int | None = None) -> list[AllocationOut]:
    """资金分配 of a year (default this year) to the counties in the caller's region."""
    allocations = selectors.allocation_list(
        scope=api_scope(request), year=year or timezone.localdate().year
    )
    return [_allocation(allocation) for allocation in allocations]
