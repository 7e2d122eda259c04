"""The synthetic county's assistance: every household ever monitored gets what the county
would have recorded, the values the services derive hold, the same seed gives the same
rows, and a run is refused, replaced or deleted as asked."""

import datetime
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from fupin.accounts.models import User
from fupin.assistance.models import (
    Cadre,
    CadreAssignment,
    HelpPlan,
    Measure,
    MeasureStatus,
    MonthlyIncome,
    RiskRecord,
    Visit,
    WorkTeamMember,
)
from fupin.assistance.selectors import coverage_counts, plan_gaps, setting_for
from fupin.assistance.selectors.facts import development_measures_in_place
from fupin.assistance.selectors.plans import WORKING_SKILLS
from fupin.assistance.synthetic import (
    AssistanceGenerationResult,
    assistance_bulk_delete,
    assistance_bulk_generate,
)
from fupin.audit.models import AuditEvent
from fupin.core.errors import ApplicationError
from fupin.core.scope import Capability, RegionScope
from fupin.registry.models import Household, HouseholdStatus, HouseholdStatusEvent, Member
from fupin.registry.synthetic import household_bulk_generate
from fupin.registry.tests.test_synthetic import COUNTY, _load_county

AS_OF = datetime.date(2026, 11, 10)
NATIONWIDE = RegionScope(
    role="system_admin",
    role_label="",
    prefix="",
    root_prefix="",
    region_name="",
    capabilities=frozenset({Capability.MANAGE_ASSISTANCE}),
)


@pytest.fixture
def county(assistance_tables: None) -> str:
    _load_county(COUNTY)
    household_bulk_generate(county_code=COUNTY, households=1500, seed=7)
    return COUNTY


@pytest.fixture
def generated(county: str) -> AssistanceGenerationResult:
    return assistance_bulk_generate(county_code=county, seed=7, as_of=AS_OF, batch_households=40)


def _monitored() -> list[Household]:
    return list(Household.objects.filter(status=HouseholdStatus.MONITORED).order_by("number"))


def test_every_monitored_household_gets_a_cadre_a_plan_without_gaps_and_visits(
    generated: AssistanceGenerationResult,
) -> None:
    monitored = _monitored()
    assert len(monitored) >= 20
    current = {
        row.household_id: row
        for row in CadreAssignment.objects.filter(ended_on__isnull=True).select_related("cadre")
    }
    waiting = [household for household in monitored if household.pk not in current]
    # a few wait for a cadre, as in a real county
    assert len(waiting) <= max(2, len(monitored) // 20)
    development = dict(development_measures_in_place([h.pk for h in monitored], as_of=AS_OF))
    households_able_to_work = 0
    for household in monitored:
        plan = HelpPlan.objects.get(household=household, year=AS_OF.year)
        measures = list(Measure.objects.filter(plan=plan))
        members = list(Member.objects.filter(household=household, is_active=True))
        open_risks = list(RiskRecord.objects.filter(household=household, resolved_on__isnull=True))
        gaps = plan_gaps(
            setting=setting_for(household.village_id),
            measures=measures,
            open_risks=open_risks,
            members=members,
        )
        assert gaps.is_complete, household.number
        assert open_risks, household.number
        able = [member for member in members if member.labor_skill in WORKING_SKILLS]
        # the national floor: a household able to work has a 开发式 measure in place
        if able:
            households_able_to_work += 1
            assert development.get(household.pk, 0) >= 1, household.number
        assert all(measure.status == MeasureStatus.IN_PLACE for measure in measures)
        assert all(m.is_development == m.category.is_development for m in measures)
        if household.pk in current:
            assignment = current[household.pk]
            assert assignment.cadre.region_id == household.village_id
            assert Visit.objects.filter(household=household).exists(), household.number
    assert households_able_to_work >= 5


def test_eliminated_households_keep_their_history(generated: AssistanceGenerationResult) -> None:
    eliminated = HouseholdStatusEvent.objects.filter(
        kind=HouseholdStatusEvent.Kind.RISK_ELIMINATED
    ).exclude(household__status__in=[HouseholdStatus.MONITORED, HouseholdStatus.CANCELLED])
    assert eliminated.exists()
    for event in eliminated.select_related("household"):
        household = event.household
        assignments = list(CadreAssignment.objects.filter(household=household))
        assert assignments, household.number
        assert all(row.ended_on is not None for row in assignments)
        assert max(row.ended_on for row in assignments if row.ended_on) == event.occurred_on
        assert not RiskRecord.objects.filter(household=household, resolved_on__isnull=True)
        assert not Measure.objects.filter(household=household, status=MeasureStatus.IN_PLACE)
        visits = Visit.objects.filter(household=household)
        assert all(visit.visited_on <= event.occurred_on for visit in visits)


def test_visits_give_monthly_income_and_some_are_overdue(
    generated: AssistanceGenerationResult,
) -> None:
    incomes = MonthlyIncome.objects.all()
    assert incomes.count() == Visit.objects.exclude(household_income=None).count() > 0
    assert not incomes.filter(visit=None).exists()
    for income in incomes.select_related("visit")[:200]:
        assert income.visit is not None
        assert income.month == income.visit.visited_on.replace(day=1)
        assert income.amount == income.visit.household_income
    # visits name the cadre paired with the household that day
    for visit in Visit.objects.select_related("cadre")[:200]:
        assert CadreAssignment.objects.filter(
            household_id=visit.household_id, cadre=visit.cadre, started_on__lte=visit.visited_on
        ).exists()
    recorder = User.objects.get(username="synthetic_data")
    assert (recorder.is_active, recorder.has_usable_password()) == (False, False)
    counts = coverage_counts(scope=NATIONWIDE, user=recorder, today=AS_OF)
    assert counts["monitored"] == counts["with_plan"] == len(_monitored())
    assert (
        counts["with_cadre"]
        == CadreAssignment.objects.filter(
            ended_on__isnull=True, household__status=HouseholdStatus.MONITORED
        ).count()
    )
    # about one in seven monitored households is overdue
    assert 1 <= counts["visit_overdue"] <= counts["with_cadre"] // 3


def test_cadres_work_teams_and_the_audit_trail(generated: AssistanceGenerationResult) -> None:
    per_cadre = Counter(
        CadreAssignment.objects.filter(ended_on__isnull=True).values_list("cadre_id", flat=True)
    )
    assert max(per_cadre.values()) <= setting_for(COUNTY).max_households_per_cadre
    assert generated.cadres == Cadre.objects.count()
    assert CadreAssignment.objects.exclude(ended_on=None).exclude(end_reason="").exists()
    villages = set(CadreAssignment.objects.values_list("household__village_id", flat=True))
    teams = WorkTeamMember.objects.filter(village_id__in=villages)
    assert teams.filter(ended_on=None).count() == 2 * len(villages)
    assert teams.exclude(ended_on=None).count() == 2 * len(villages)
    batches = -(-generated.households // 40)
    assert AuditEvent.objects.filter(action="assistance.assistance_bulk_generate").count() == (
        batches
    )


def _snapshot() -> tuple[object, ...]:
    return (
        tuple(
            CadreAssignment.objects.order_by("household__number", "started_on").values_list(
                "household__number", "cadre__name", "started_on", "ended_on"
            )
        ),
        tuple(
            Measure.objects.order_by("household__number", "plan__year", "category_id").values_list(
                "household__number", "plan__year", "category_id", "status"
            )
        ),
        tuple(
            Visit.objects.order_by("household__number", "visited_on").values_list(
                "household__number", "visited_on", "household_income"
            )
        ),
    )


def test_the_same_seed_gives_the_same_rows_and_a_rerun_needs_replace(
    county: str,
) -> None:
    assistance_bulk_generate(county_code=county, seed=7, as_of=AS_OF, batch_households=25)
    first = _snapshot()
    with pytest.raises(ApplicationError, match="已有帮扶数据"):
        assistance_bulk_generate(county_code=county, seed=7, as_of=AS_OF)
    assert _snapshot() == first
    assistance_bulk_generate(county_code=county, seed=7, as_of=AS_OF, replace=True)
    assert _snapshot() == first
    assert AuditEvent.objects.filter(action="assistance.assistance_bulk_delete").count() == 1
    # the second run records under the same inactive account, created once
    assert AuditEvent.objects.filter(action="accounts.service_account_create").count() == 1
    assert set(Visit.objects.values_list("recorded_by__username", flat=True)) == {"synthetic_data"}


def test_delete_lets_the_county_be_generated_again(generated: AssistanceGenerationResult) -> None:
    kept = WorkTeamMember.objects.count()
    deleted = assistance_bulk_delete(county_code=COUNTY)
    assert deleted["visits"] == generated.visits
    assert deleted["cadres"] == generated.cadres
    for model in (CadreAssignment, HelpPlan, Measure, RiskRecord, Visit, MonthlyIncome, Cadre):
        assert not model.objects.exists(), model.__name__
    # rosters belong to the villages and stay; a new run does not add them twice
    assert WorkTeamMember.objects.count() == kept
    household_bulk_generate(county_code=COUNTY, households=300, seed=8, replace=True)
    assistance_bulk_generate(county_code=COUNTY, seed=8, as_of=AS_OF)
    assert WorkTeamMember.objects.count() >= kept


def test_command_reports_and_refuses_a_county_without_generated_households(county: str) -> None:
    out = StringIO()
    call_command(
        "generate_assistance",
        "--county",
        county,
        "--as-of",
        "2026-11-10",
        "--no-progress",
        stdout=out,
    )
    assert "模拟帮扶数据生成完成：县 220421 共 1500 户" in out.getvalue()
    with pytest.raises(CommandError, match="没有生成的模拟农户"):
        call_command("generate_assistance", "--county", "220422", "--no-progress")
    with pytest.raises(CommandError, match="日期"):
        call_command("generate_assistance", "--county", county, "--as-of", "11/10")
    call_command("generate_assistance", "--county", county, "--delete", stdout=out)
    assert not Visit.objects.exists()
