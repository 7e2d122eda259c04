from datetime import date, datetime

from ninja import Schema


class DeadlineOut(Schema):
    due_on: date
    is_visit: bool
    state: str
    working_days_left: int
    # Counted through a year whose holiday schedule is not entered yet: it may still move.
    is_provisional: bool


class CaseOut(Schema):
    """A case as lists show it; no ID numbers or phones."""

    id: int
    kind: str
    kind_label: str
    state: str
    state_label: str
    channel: str
    village_code: str
    village_name: str
    household_number: str | None
    applicant_name: str
    opened_on: date
    is_returned: bool
    deadline: DeadlineOut | None


class ApprovalOut(Schema):
    step: str
    step_label: str
    decision: str
    decision_label: str
    opinion: str
    actor: str
    decided_at: datetime


class CaseDetailOut(CaseOut):
    risk_types: list[str]
    monitoring_category: str
    elimination_method: str
    approvals: list[ApprovalOut]
