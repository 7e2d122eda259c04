"""Finance API shapes: loans, the 到期预警台账, projects and spending progress. Borrowers
appear by name only: no ID numbers, phones or bank accounts."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Schema


class LoanOut(Schema):
    id: int
    contract_number: str
    borrower_name: str
    village_code: str
    village_name: str
    bank: str
    amount: Decimal
    repaid_principal: Decimal
    outstanding: Decimal
    issued_on: date
    due_on: date
    annual_rate: Decimal
    purpose: str
    is_household_use: bool
    status: str
    status_label: str
    renewal_kind: str
    previous_id: int | None


class RepaymentOut(Schema):
    paid_on: date
    principal: Decimal
    interest: Decimal


class SubsidyLineOut(Schema):
    year: int
    interest: Decimal
    percent: Decimal
    subsidy: Decimal
    note: str


class FindingOut(Schema):
    code: str
    passed: bool
    explanation: str


class LoanDetailOut(LoanOut):
    history: list[str]
    repayments: list[RepaymentOut]
    subsidy: list[SubsidyLineOut]
    subsidy_total: Decimal
    eligibility: list[FindingOut]


class RepaymentIn(Schema):
    paid_on: date
    principal: Decimal = Decimal(0)
    interest: Decimal = Decimal(0)


class DueLoanOut(Schema):
    loan: LoanOut
    days_left: int
    band: int | None
    is_overdue: bool


class LoanWarningsOut(Schema):
    as_of: date
    days: int
    bands: list[int]
    overdue_count: int
    due_counts: dict[str, int]
    loans: list[DueLoanOut]


class ProjectOut(Schema):
    id: int
    name: str
    year: int
    category: str
    category_label: str
    village_code: str
    village_name: str
    location: str
    department: str
    budget: Decimal
    starts_on: date
    ends_on: date
    state: str
    state_label: str


class DecisionOut(Schema):
    step: str
    step_label: str
    decision: str
    decision_label: str
    opinion: str
    decided_at: datetime


class ProgressReportOut(Schema):
    month: date
    percent: int
    note: str


class ProjectDetailOut(ProjectOut):
    content: str
    subsidy_standard: str
    benefit_mechanism: str
    performance_target: str
    decisions: list[DecisionOut]
    progress: list[ProgressReportOut]
    released: Decimal
    notice_url: str


class ProgressRowOut(Schema):
    name: str
    released: Decimal
    arrived: Decimal
    spent: Decimal
    percent: Decimal
    project_id: int | None
    is_behind: bool


class SpendingProgressOut(Schema):
    year: int
    as_of: date
    allocated: Decimal
    total: ProgressRowOut
    by_source: list[ProgressRowOut]
    by_county: list[ProgressRowOut]
    by_project: list[ProgressRowOut]
    warnings: list[str]


class AllocationOut(Schema):
    id: int
    county_code: str
    county_name: str
    year: int
    source: str
    source_label: str
    document_number: str
    amount: Decimal
    allocated_on: date
