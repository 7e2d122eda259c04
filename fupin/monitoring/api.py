from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from fupin.core.api import api_scope
from fupin.monitoring import selectors
from fupin.monitoring.models import ApprovalRecord
from fupin.monitoring.schemas import ApprovalOut, CaseDetailOut, CaseOut, DeadlineOut

router = Router(tags=["monitoring"])
MAX_PAGE = 200


class CaseQuery(Schema):
    state: str = ""
    kind: str = ""
    channel: str = ""
    region_code: str = ""
    overdue: bool = False
    limit: int = 50
    offset: int = 0


def _case_out(row: selectors.CaseRow) -> dict[str, Any]:
    case = row.case
    deadline = row.deadline
    return {
        "id": case.pk,
        "kind": case.kind,
        "kind_label": case.get_kind_display(),
        "state": case.state,
        "state_label": case.get_state_display(),
        "channel": case.channel,
        "village_code": case.village_id,
        "village_name": case.village.name,
        "household_number": case.household.number if case.household else None,
        "applicant_name": case.applicant_name,
        "opened_on": case.opened_on,
        "is_returned": case.is_returned,
        "deadline": DeadlineOut(
            due_on=deadline.due_on,
            is_visit=deadline.is_visit,
            state=deadline.state.value,
            working_days_left=deadline.working_days_left,
            is_provisional=deadline.is_provisional,
        )
        if deadline
        else None,
    }


def _approval_out(record: ApprovalRecord) -> ApprovalOut:
    return ApprovalOut(
        step=record.step,
        step_label=record.get_step_display(),
        decision=record.decision,
        decision_label=record.get_decision_display(),
        opinion=record.opinion,
        actor=str(record.actor) if record.actor else "",
        decided_at=record.decided_at,
    )


@router.get("/monitoring/cases", response=list[CaseOut])
def case_list(request: HttpRequest, query: Query[CaseQuery]) -> list[CaseOut]:
    """Monitoring cases in the caller's region, newest first, with their deadline state."""
    filters = selectors.CaseFilters(
        state=query.state,
        kind=query.kind,
        channel=query.channel,
        region_code=query.region_code,
        is_overdue=query.overdue,
    )
    limit = max(1, min(query.limit, MAX_PAGE))
    offset = max(0, query.offset)
    cases = selectors.case_list(scope=api_scope(request), filters=filters)
    rows = selectors.with_deadlines(cases[offset : offset + limit])
    return [CaseOut(**_case_out(row)) for row in rows]


@router.get("/monitoring/todo", response=list[CaseOut])
def case_todo(request: HttpRequest) -> list[CaseOut]:
    """Cases waiting for a step the caller's role owns (returned ones first)."""
    rows = selectors.with_deadlines(selectors.case_todo(scope=api_scope(request))[:MAX_PAGE])
    return [CaseOut(**_case_out(row)) for row in rows]


@router.get("/monitoring/cases/{case_id}", response=CaseDetailOut)
def case_detail(request: HttpRequest, case_id: int) -> CaseDetailOut:
    """One case with its approvals (step, decision, who, opinion, when)."""
    case = selectors.case_get(scope=api_scope(request), case_id=case_id)
    (row,) = selectors.with_deadlines([case])
    return CaseDetailOut(
        **_case_out(row),
        risk_types=list(case.risk_types),
        monitoring_category=case.monitoring_category,
        elimination_method=case.elimination_method,
        approvals=[_approval_out(record) for record in selectors.case_approvals(case)],
    )
