"""Demo monitoring cases: one in every state of the workflow, some returned and some
overdue, made with the real services as the demo users would (used by `setup_demo`)."""

from datetime import timedelta

from django.utils import timezone

from fupin.accounts.models import User
from fupin.accounts.scoping import scope_for
from fupin.core.errors import ApplicationError
from fupin.monitoring import selectors, services, steps
from fupin.monitoring.models import CaseState, MonitoringCase
from fupin.registry import codes
from fupin.registry.models import Household, HouseholdStatus

# (target state, days since the clue was found, returned by the township on the way).
# Cases found long ago and still open are overdue, as the daily check will record. The
# case left waiting for its 公告 comes last: a completed case's 公告 lists every case of
# its village waiting for one, and would take it along.
_PLAN: list[tuple[CaseState, int, bool]] = [
    (CaseState.VISIT, 0, False),
    (CaseState.VISIT, 20, False),
    (CaseState.COMPARISON, 3, False),
    (CaseState.REVIEW, 5, True),
    (CaseState.REVIEW, 18, False),
    (CaseState.PUBLICITY, 8, False),
    (CaseState.TOWNSHIP, 10, False),
    (CaseState.COUNTY, 12, False),
    (CaseState.COMPLETED, 14, False),
    (CaseState.COMPLETED, 15, False),
    (CaseState.REJECTED, 9, False),
    (CaseState.ANNOUNCEMENT, 13, False),
]
_RISKS = [
    codes.RiskType.ILLNESS,
    codes.RiskType.ACCIDENT,
    codes.RiskType.UNSTABLE_EMPLOYMENT,
    codes.RiskType.NATURAL_DISASTER,
]


def _actor(username: str) -> steps.Performer:
    user = User.objects.get(username=username)
    scope = scope_for(user)
    assert scope is not None
    return steps.Performer(user, scope)


def demo_cases_create(
    *, village_code: str, village_user: str, township_user: str, county_user: str
) -> int:
    """Create the demo cases in one village; returns how many were opened."""
    village, township, county = (
        _actor(village_user),
        _actor(township_user),
        _actor(county_user),
    )
    candidates = list(
        Household.objects.filter(
            village_id=village_code,
            status__in=[HouseholdStatus.UNREGISTERED, HouseholdStatus.EXITED],
        ).order_by("number")[: len(_PLAN)]
    )
    today = timezone.localdate()
    opened = 0
    for (target, age, returned), household, risk in zip(
        _PLAN, candidates, _RISKS * len(_PLAN), strict=False
    ):
        clue = services.clue_register(
            actor=village.user,
            scope=village.scope,
            household=household,
            risk_types=[risk],
            description="走访中发现家庭收入明显下降",
            received_on=today - timedelta(days=age),
        )
        assert clue.case is not None
        _walk(clue.case, target, returned, village, township, county)
        opened += 1
    # Monitored households the assessment finds ready for 风险消除 get an elimination case.
    opened += services.eliminations_from_assessment(
        actor=county.user,
        scope=county.scope,
        region_code=village_code,
        method=codes.EliminationMethod.ASSISTED,
    )
    return opened


def _walk(
    case: MonitoringCase,
    target: CaseState,
    returned: bool,
    village: steps.Performer,
    township: steps.Performer,
    county: steps.Performer,
) -> None:
    performers = [village, township, county]
    today = timezone.localdate()
    setting_days = selectors.workflow_setting_for(case.village_id).publicity_days
    # A publicity on the way to a later step started long enough ago to be closed today.
    data = {
        steps.PUBLICITY_START: {"starts_on": today - timedelta(days=setting_days + 1)},
    }
    try:
        # A case to be shown returned or rejected goes up to the township first.
        if returned or target == CaseState.REJECTED:
            steps.walk_case(case, until=CaseState.TOWNSHIP, performers=performers, data=data)
        if target == CaseState.REJECTED:
            services.case_reject(
                actor=township.user,
                scope=township.scope,
                case=case,
                reason="经比对，家庭成员有财政供养人员",
            )
            return
        if returned:
            services.case_return(
                actor=township.user,
                scope=township.scope,
                case=case,
                opinion="评议记录缺少村民代表签字，请补充",
            )
        steps.walk_case(case, until=target, performers=performers, data=data)
    except ApplicationError:
        # A household the generator made ineligible for a step stays where it is.
        return
