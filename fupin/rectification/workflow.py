"""The rectification and complaint workflows as data: the steps of a complaint and the duty
that owns each, who may review a task's 销号, where a complaint is handled, and how close a
deadline is. Services enforce these tables; pages read them."""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from fupin.core.region_codes import RegionLevel, level_of, parent_of
from fupin.core.scope import Capability, RegionScope
from fupin.rectification.models import ComplaintState

# 受理 → 签收 → 调查核实 → 答复 → 回访 (满意度) → 办结. The handling level does every step
# after the intake; the county that registered the call follows it in its list.
COMPLAINT_STEPS: tuple[ComplaintState, ...] = (
    ComplaintState.RECEIVED,
    ComplaintState.ACKNOWLEDGED,
    ComplaintState.INVESTIGATED,
    ComplaintState.REPLIED,
    ComplaintState.CLOSED,
)
COMPLAINT_OWNER = Capability.HANDLE_COMPLAINTS

# 分级受理、属地管理 (DOMAIN §9): a complaint is handled by the level directly above the place
# it is about, so that nobody investigates themselves — a village's by its township, a
# township's by its county, a county's by its city. A province is complained about to the
# province itself (the national hotline forwards what concerns the province as a whole).
_HANDLED_ABOVE = {
    RegionLevel.VILLAGE,
    RegionLevel.TOWN,
    RegionLevel.COUNTY,
    RegionLevel.CITY,
}


def handling_region_code(subject_code: str) -> str:
    """The region whose offices handle a complaint about `subject_code`."""
    if level_of(subject_code) in _HANDLED_ABOVE:
        parent = parent_of(subject_code)
        if parent is not None:
            return parent
    return subject_code


def next_complaint_state(state: ComplaintState) -> ComplaintState:
    position = COMPLAINT_STEPS.index(state)
    return COMPLAINT_STEPS[min(position + 1, len(COMPLAINT_STEPS) - 1)]


def handles_complaint(scope: RegionScope, handling_code: str) -> bool:
    """Whether the scope's own post is the handling level of a complaint (or above it): the
    user's assignment region is the handling region or one of its ancestors."""
    return scope.can(COMPLAINT_OWNER) and handling_code.startswith(scope.root_prefix)


def may_see_complainant(scope: RegionScope, handling_code: str) -> bool:
    """The complainant is shown to the handling level and those above it that hold the right,
    never to the place complained about or below it, nor to other regions."""
    return scope.can(Capability.VIEW_COMPLAINANT) and handling_code.startswith(scope.root_prefix)


def may_review_closure(scope: RegionScope, problem_region_code: str) -> bool:
    """销号 is decided by the level above the problem's region: a reviewer whose assignment
    region strictly contains it. A village problem is closed by its township (or higher), a
    township's by its county; nobody closes their own level's tasks."""
    root = scope.root_prefix
    return (
        scope.can(Capability.REVIEW_RECTIFICATION)
        and problem_region_code.startswith(root)
        and len(root) < len(problem_region_code)
    )


class DeadlineState(StrEnum):
    ON_TIME = "on_time"
    APPROACHING = "approaching"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class Deadline:
    """How close an open task or complaint is to its time limit (orange / red in lists)."""

    due_on: date
    state: DeadlineState
    days_left: int

    @property
    def is_overdue(self) -> bool:
        return self.state == DeadlineState.OVERDUE

    @property
    def is_approaching(self) -> bool:
        return self.state == DeadlineState.APPROACHING


def deadline_of(due_on: date, *, today: date, warning_days: int) -> Deadline:
    left = (due_on - today).days
    if left < 0:
        state = DeadlineState.OVERDUE
    elif left <= warning_days:
        state = DeadlineState.APPROACHING
    else:
        state = DeadlineState.ON_TIME
    return Deadline(due_on=due_on, state=state, days_left=left)
