"""Demo monitoring cases: one in every state of the workflow, some returned and some
overdue, made with the real services as the demo users would (used by `setup_demo`)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from fupin.accounts.models import User
from fupin.accounts.scoping import scope_for
from fupin.core.errors import ApplicationError
from fupin.core.scope import RegionScope
from fupin.monitoring import selectors, services
from fupin.monitoring.models import CaseState, MonitoringCase, ReviewMeeting
from fupin.registry import codes
from fupin.registry.models import Household, HouseholdStatus

# (target state, days since the clue was found, returned by the township on the way).
# Cases found long ago and still open are overdue, as the daily check will record.
_PLAN: list[tuple[CaseState, int, bool]] = [
    (CaseState.VISIT, 0, False),
    (CaseState.VISIT, 20, False),
    (CaseState.COMPARISON, 3, False),
    (CaseState.REVIEW, 5, True),
    (CaseState.REVIEW, 18, False),
    (CaseState.PUBLICITY, 8, False),
    (CaseState.TOWNSHIP, 10, False),
    (CaseState.COUNTY, 12, False),
    (CaseState.ANNOUNCEMENT, 13, False),
    (CaseState.COMPLETED, 14, False),
    (CaseState.COMPLETED, 15, False),
    (CaseState.REJECTED, 9, False),
]
_RISKS = [
    codes.RiskType.ILLNESS,
    codes.RiskType.ACCIDENT,
    codes.RiskType.UNSTABLE_EMPLOYMENT,
    codes.RiskType.NATURAL_DISASTER,
]


@dataclass(frozen=True)
class _Actor:
    user: User
    scope: RegionScope


def _actor(username: str) -> _Actor:
    user = User.objects.get(username=username)
    scope = scope_for(user)
    assert scope is not None
    return _Actor(user, scope)


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
    village: _Actor,
    township: _Actor,
    county: _Actor,
) -> None:
    today = timezone.localdate()
    steps: dict[str, Callable[[], object]] = {
        CaseState.VISIT: lambda: services.case_visit_record(
            actor=village.user,
            scope=village.scope,
            case=case,
            visited_on=today,
            visitors="村两委、驻村工作队",
            findings="情况属实",
            has_consent=True,
        ),
        CaseState.COMPARISON: lambda: services.case_comparison_record(
            actor=village.user, scope=village.scope, case=case, findings="无车辆、商品房和工商登记"
        ),
        CaseState.REVIEW: lambda: services.case_review_record(
            actor=village.user,
            scope=village.scope,
            case=case,
            held_on=today,
            participants="村两委、驻村工作队、村民代表",
            result=ReviewMeeting.Result.AGREED,
            monitoring_category=codes.MonitoringCategory.MARGINAL,
        ),
        CaseState.TOWNSHIP: lambda: services.case_township_review(
            actor=township.user, scope=township.scope, case=case, opinion="同意"
        ),
        CaseState.COUNTY: lambda: services.case_county_review(
            actor=county.user, scope=county.scope, case=case, opinion="审定同意"
        ),
        CaseState.ANNOUNCEMENT: lambda: services.case_announce(
            actor=county.user, scope=county.scope, case=case
        ),
    }
    while True:
        case.refresh_from_db()
        # A case to be shown returned first goes up to the township and comes back.
        if case.state == target and not returned:
            return
        if target == CaseState.REJECTED and case.state == CaseState.TOWNSHIP:
            services.case_reject(
                actor=township.user,
                scope=township.scope,
                case=case,
                reason="经比对，家庭成员有财政供养人员",
            )
            continue
        if returned and case.state == CaseState.TOWNSHIP:
            returned = False
            services.case_return(
                actor=township.user,
                scope=township.scope,
                case=case,
                opinion="评议记录缺少村民代表签字，请补充",
            )
            continue
        if case.state == CaseState.PUBLICITY:
            _publicity(case, target, village)
            continue
        try:
            steps[case.state]()
        except ApplicationError:
            # A household the generator made ineligible for a step stays where it is.
            return


def _publicity(case: MonitoringCase, target: CaseState, village: _Actor) -> None:
    """A running publicity for the case that stops there; a finished one otherwise."""
    today = timezone.localdate()
    setting_days = selectors.workflow_setting_for(case.village_id).publicity_days
    if target == CaseState.PUBLICITY:
        services.case_publicity_start(actor=village.user, scope=village.scope, case=case)
        return
    services.case_publicity_start(
        actor=village.user,
        scope=village.scope,
        case=case,
        starts_on=today - timedelta(days=setting_days + 1),
    )
    services.case_publicity_close(actor=village.user, scope=village.scope, case=case)
