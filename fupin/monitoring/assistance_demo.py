"""The demo's assistance and the households it helps out of risk: after assistance's own
demo data, a few monitored households of the demo town have their risks resolved and six
months of income recorded, are assessed again, and go through the whole 风险消除 workflow
as 帮扶消除 (used by `setup_demo`)."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from fupin.accounts.models import Role, User
from fupin.accounts.scoping import scope_for
from fupin.accounts.services import user_create
from fupin.assessment.models import AssessmentOutcome
from fupin.assessment.selectors import outcome_facts
from fupin.assessment.services import assessment_run
from fupin.assistance import services as assistance
from fupin.assistance.demo import demo_assistance_create
from fupin.assistance.models import RiskRecord
from fupin.monitoring import services, steps
from fupin.monitoring.models import CaseKind, CaseState, MonitoringCase
from fupin.registry import codes
from fupin.registry.models import Household, HouseholdStatus

# The guards assistance can lift; a household blocked by nothing else is helped out.
ASSISTANCE_GUARDS = {
    "ELIM-INCOME-NOT-STABLE",
    "ELIM-RISK-UNRESOLVED",
    "ELIM-DEVELOPMENT-MEASURES-MISSING",
}
ELIMINATED_HOUSEHOLDS = 2


def _performer(username: str) -> steps.Performer:
    user = User.objects.get(username=username)
    scope = scope_for(user)
    assert scope is not None
    return steps.Performer(user, scope)


def _candidates(town_code: str) -> list[Household]:
    """Monitored households of the town whose latest assessment is blocked only by what
    assistance lifts, all in one village (its officer carries the village steps)."""
    found: dict[str, list[Household]] = {}
    households = Household.objects.filter(
        village__code__startswith=town_code, status=HouseholdStatus.MONITORED
    ).order_by("number")
    for household in households:
        outcome = (
            AssessmentOutcome.objects.filter(household=household)
            .select_related("run")
            .order_by("-run_id")
            .first()
        )
        # An outcome from before the household was monitored says nothing of elimination.
        if outcome is None or outcome_facts(outcome).get("household_type") != "monitored":
            continue
        blocks = {code for code in outcome.fired if code.startswith("ELIM-")} - {"ELIM-CANDIDATE"}
        if blocks <= ASSISTANCE_GUARDS:
            found.setdefault(household.village_id, []).append(household)
    best = max(found.values(), key=len, default=[])
    return best[:ELIMINATED_HOUSEHOLDS]


def _help_out(county: steps.Performer, household: Household, year: int) -> None:
    """Resolve the household's risks and record the year's last six months above the line,
    as the cadre's visits did."""
    end_of_year = date(year, 12, 15)
    for risk in RiskRecord.objects.filter(household=household, resolved_on__isnull=True):
        assistance.risk_resolve(
            actor=county.user,
            scope=county.scope,
            risk=risk,
            resolved_on=max(end_of_year, risk.found_on),
            resolution="帮扶措施落实后收入稳定，医疗和就业问题已解决",
            evidence="走访记录、收入台账",
        )
    members = household.members.filter(is_active=True).count()
    # 12,000 元 per member and year: well above any monitoring line the demo uses.
    amount = Decimal(1000 * max(members, 1))
    for month in range(7, 13):
        assistance.monthly_income_record(
            actor=county.user,
            scope=county.scope,
            household=household,
            month=date(year, month, 1),
            amount=amount,
        )


def demo_assistance(
    *,
    county_code: str,
    town_code: str,
    year: int,
    county_user: str,
    township_user: str,
    cadre_user: str,
    password: str,
) -> str:
    """Create the demo assistance and carry a few households through 风险消除 (once);
    returns what was done, for the console."""
    today = timezone.localdate()
    created = demo_assistance_create(
        county_code=county_code, county_user=county_user, cadre_user=cadre_user, today=today
    )
    lines = []
    if created is not None:
        lines.append(
            f"已生成帮扶数据：帮扶责任人 {created.cadres} 名，结对 {created.households} 户，"
            f"措施 {created.measures} 项，走访 {created.visits} 次。"
        )
    done = MonitoringCase.objects.filter(
        village__code__startswith=town_code,
        kind=CaseKind.ELIMINATION,
        state=CaseState.COMPLETED,
        elimination_method=codes.EliminationMethod.ASSISTED,
    )
    if done.exists():
        return "\n".join(lines)
    households = _candidates(town_code)
    if not households:
        return "\n".join(lines)
    village_code = households[0].village_id
    username = f"demo_village_{village_code[-3:]}"
    if not User.objects.filter(username=username).exists():
        user_create(
            actor=None,
            scope=None,
            username=username,
            password=password,
            full_name="村级信息员",
            role=Role.VILLAGE_OFFICER,
            region_code=village_code,
        )
    county = _performer(county_user)
    performers = [_performer(username), _performer(township_user), county]
    for household in households:
        _help_out(county, household, year)
    assessment_run(
        actor=None,
        scope=None,
        region_code=village_code,
        year=year,
        household_ids=[household.pk for household in households],
    )
    publicity = {steps.PUBLICITY_START: {"starts_on": today - timedelta(days=10)}}
    eliminated = 0
    for household in households:
        household.refresh_from_db()
        case = services.elimination_propose(
            actor=county.user,
            scope=county.scope,
            household=household,
            elimination_method=codes.EliminationMethod.ASSISTED,
            reason="帮扶措施落实，风险已消除，收入连续 6 个月稳定超过监测范围",
        )
        steps.walk_case(case, until=CaseState.COMPLETED, performers=performers, data=publicity)
        eliminated += 1
    lines.append(
        f"已通过风险消除流程办结帮扶消除 {eliminated} 户（村级账号 {username}，密码同上）。"
    )
    return "\n".join(lines)
