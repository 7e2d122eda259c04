"""The project pool's procedure as data (DOMAIN §9, Anhui 2024 and 富锦): the village
申报 after its 村民代表大会 (四议两公开), the township 审核, the county 论证 (可行性, 概算,
资金来源, 联农带农机制, 绩效目标) and 审定 with a 公告. Services enforce it; pages read it."""

from fupin.core.scope import Capability, RegionScope
from fupin.finance.models import ProjectState

# The waiting states in order; approving the last one puts the project in the pool.
STEPS: tuple[ProjectState, ...] = (
    ProjectState.TOWNSHIP,
    ProjectState.ASSESSMENT,
    ProjectState.DECISION,
)

# Who acts on a project in each state: 村申报、乡审核、县审定 (富锦). A returned project
# goes back to the village that proposed it, which changes and submits it again.
OWNERS: dict[ProjectState, Capability] = {
    ProjectState.RETURNED: Capability.PROPOSE_PROJECTS,
    ProjectState.TOWNSHIP: Capability.REVIEW_PROJECTS,
    ProjectState.ASSESSMENT: Capability.DECIDE_PROJECTS,
    ProjectState.DECISION: Capability.DECIDE_PROJECTS,
    # In the pool: the county records progress and 验收.
    ProjectState.APPROVED: Capability.DECIDE_PROJECTS,
}


def next_state(state: ProjectState) -> ProjectState:
    """The state after `state` is approved; APPROVED after the last step."""
    position = STEPS.index(state)
    return STEPS[position + 1] if position + 1 < len(STEPS) else ProjectState.APPROVED


def owns(scope: RegionScope, state: str) -> bool:
    owner = OWNERS.get(ProjectState(state))
    return owner is not None and scope.can(owner)


def states_owned_by(scope: RegionScope) -> list[ProjectState]:
    return [state for state, owner in OWNERS.items() if scope.can(owner)]
