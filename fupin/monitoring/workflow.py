"""The monitoring state machine as data: the steps of each case kind, who owns each step,
and where a returned case goes. Services enforce it; pages and the to-do list read it."""

from fupin.core.scope import Capability, RegionScope
from fupin.monitoring.models import CaseKind, CaseState, Step

# DOMAIN §5.5 canonical order; elimination has no 信息比对 (DOMAIN §5.8 procedure).
STEPS: dict[str, tuple[CaseState, ...]] = {
    CaseKind.IDENTIFICATION: (
        CaseState.VISIT,
        CaseState.COMPARISON,
        CaseState.REVIEW,
        CaseState.PUBLICITY,
        CaseState.TOWNSHIP,
        CaseState.COUNTY,
        CaseState.ANNOUNCEMENT,
    ),
    CaseKind.ELIMINATION: (
        CaseState.VISIT,
        CaseState.REVIEW,
        CaseState.PUBLICITY,
        CaseState.TOWNSHIP,
        CaseState.COUNTY,
        CaseState.ANNOUNCEMENT,
    ),
}

# The capability that owns each step; which roles hold it is accounts.scoping's business.
# 公示 is held once, in the village only (秦安, DOMAIN §5.6); township and county decide.
OWNERS: dict[CaseState, Capability] = {
    CaseState.VISIT: Capability.HANDLE_VILLAGE_STEPS,
    CaseState.COMPARISON: Capability.HANDLE_VILLAGE_STEPS,
    CaseState.REVIEW: Capability.HANDLE_VILLAGE_STEPS,
    CaseState.PUBLICITY: Capability.HANDLE_VILLAGE_STEPS,
    CaseState.TOWNSHIP: Capability.HANDLE_TOWNSHIP_STEPS,
    CaseState.COUNTY: Capability.HANDLE_COUNTY_STEPS,
    CaseState.ANNOUNCEMENT: Capability.HANDLE_COUNTY_STEPS,
}

# The approval-record step of each waiting state.
STEP_OF: dict[CaseState, Step] = {
    CaseState.VISIT: Step.VISIT,
    CaseState.COMPARISON: Step.COMPARISON,
    CaseState.REVIEW: Step.REVIEW,
    CaseState.PUBLICITY: Step.PUBLICITY,
    CaseState.TOWNSHIP: Step.TOWNSHIP,
    CaseState.COUNTY: Step.COUNTY,
    CaseState.ANNOUNCEMENT: Step.ANNOUNCEMENT,
}

# Decisions that take a case out of the deciding office's hands (approval, announcement):
# the page asks for a confirmation first, so a stray tap on a phone cannot send one.
CONFIRMED_STATES: frozenset[CaseState] = frozenset(
    {CaseState.TOWNSHIP, CaseState.COUNTY, CaseState.ANNOUNCEMENT}
)

# Where 退回修改 sends a case. Township and county send it back to the village's 民主评议:
# the facts the village vouched for are what changes, and a changed case is publicized again.
RETURN_TO: dict[CaseState, CaseState] = {
    CaseState.COMPARISON: CaseState.VISIT,
    CaseState.REVIEW: CaseState.COMPARISON,
    CaseState.PUBLICITY: CaseState.REVIEW,
    CaseState.TOWNSHIP: CaseState.REVIEW,
    CaseState.COUNTY: CaseState.TOWNSHIP,
    CaseState.ANNOUNCEMENT: CaseState.COUNTY,
}


def next_state(kind: str, state: CaseState) -> CaseState:
    """The state after `state` is approved; COMPLETED after the last step."""
    steps = STEPS[kind]
    position = steps.index(state)
    return steps[position + 1] if position + 1 < len(steps) else CaseState.COMPLETED


def return_target(kind: str, state: CaseState) -> CaseState | None:
    """Where a return from `state` goes (None at the first step), skipping steps the kind
    does not have."""
    target = RETURN_TO.get(state)
    while target is not None and target not in STEPS[kind]:
        target = RETURN_TO.get(target)
    return target


def owns(scope: RegionScope, state: str) -> bool:
    owner = OWNERS.get(CaseState(state))
    return owner is not None and scope.can(owner)


def states_owned_by(scope: RegionScope) -> list[CaseState]:
    return [state for state, owner in OWNERS.items() if scope.can(owner)]
