"""Assessment runs over the registry: persisted outcomes, denormalized levels, pages."""

import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from fupin.assessment.models import AssessmentOutcome, AssessmentRun, PolicyParameter, RuleSetRecord
from fupin.assessment.selectors import outcome_facts, rule_set_get
from fupin.assessment.services import assessment_run
from fupin.audit.models import AuditEvent
from fupin.core.errors import PermissionDeniedError
from fupin.registry.models import Household, HouseholdLevel
from fupin.registry.services import (
    household_conditions_record,
    household_register,
    household_year_record,
)
from fupin.registry.tests import factories
from tests.support import (
    COUNTY,
    OTHER_COUNTY,
    VILLAGE,
    Actors,
    Expectation,
    assert_scope_matrix,
    client_for,
    nothing_changes,
    scope_of,
)


def _household(actors: Actors, number: str, wage: str) -> Household:
    scope = scope_of(actors.village_officer)
    household = household_register(
        actor=actors.village_officer,
        scope=scope,
        data=factories.household(number, VILLAGE),
        members=factories.family(),
    )
    household_year_record(
        actor=actors.village_officer,
        scope=scope,
        household=household,
        year=2025,
        amounts={"wage_income": Decimal(wage)},
    )
    # unsafe water: a 返贫致贫风险, so that income below the line makes it eligible
    household_conditions_record(
        actor=actors.village_officer,
        scope=scope,
        household=household,
        year=2025,
        values={"is_water_unsafe": True},
    )
    return household


def test_a_region_run_appends_outcomes_and_denormalizes_levels(
    actors: Actors, baseline: RuleSetRecord
) -> None:
    poor = _household(actors, "H001", "9000")  # 3,000 per person
    comfortable = _household(actors, "H002", "90000")  # 30,000 per person
    PolicyParameter.objects.create(
        name="monitoring_line", region_code=COUNTY, year=2025, value=Decimal("8000")
    )
    scope = scope_of(actors.county_admin)
    first = assessment_run(actor=actors.county_admin, scope=scope, region_code=COUNTY, year=2025)
    assert first.households == 2
    assert first.parameters[COUNTY]["monitoring_line"] == 8000.0
    outcome = AssessmentOutcome.objects.get(run=first, household=poor)
    assert outcome.monitoring_eligible is True
    assert "MON-INCOME-BELOW-LINE" in outcome.fired
    assert outcome_facts(outcome)["per_capita_net_income"] == 3000.0
    assert (
        AssessmentOutcome.objects.get(run=first, household=comfortable).monitoring_eligible is False
    )
    level = HouseholdLevel.objects.get(household=poor)
    assert level.is_monitoring_eligible is True
    assert level.assessed_at is not None
    # the level row names the household's village, for the colour filter's index
    assert level.village_code == poor.village_id
    # a second run with a higher line appends an outcome for the household it changes;
    # history is kept
    PolicyParameter.objects.filter(name="monitoring_line").update(value=Decimal("40000"))
    assessment_run(actor=actors.county_admin, scope=scope, region_code=COUNTY, year=2025)
    assert AssessmentOutcome.objects.filter(household=comfortable).count() == 2
    assert AssessmentOutcome.objects.filter(household=poor).count() == 1
    assert AuditEvent.objects.filter(action="assessment.assessment_run").count() == 2


def test_a_county_line_applies_only_inside_that_county(
    actors: Actors, baseline: RuleSetRecord
) -> None:
    household = _household(actors, "H001", "24000")  # 8,000 per person
    PolicyParameter.objects.create(
        name="monitoring_line", region_code="22", year=2025, value=Decimal("7500")
    )
    scope = scope_of(actors.province_admin)
    run = assessment_run(actor=actors.province_admin, scope=scope, region_code="22", year=2025)
    assert AssessmentOutcome.objects.get(run=run, household=household).monitoring_eligible is False
    PolicyParameter.objects.create(
        name="monitoring_line", region_code=COUNTY, year=2025, value=Decimal("8600")
    )
    again = assessment_run(actor=actors.province_admin, scope=scope, region_code="22", year=2025)
    assert AssessmentOutcome.objects.get(run=again, household=household).monitoring_eligible is True
    assert again.parameters[COUNTY]["monitoring_line"] == 8600.0


def test_runs_are_scoped_and_need_the_right(actors: Actors, baseline: RuleSetRecord) -> None:
    _household(actors, "H001", "9000")
    with nothing_changes(), pytest.raises(PermissionDeniedError):
        assessment_run(
            actor=actors.other_county_admin,
            scope=scope_of(actors.other_county_admin),
            region_code=COUNTY,
            year=2025,
        )
    with nothing_changes(), pytest.raises(PermissionDeniedError):
        assessment_run(
            actor=actors.village_officer,
            scope=scope_of(actors.village_officer),
            region_code=VILLAGE,
            year=2025,
        )
    assert not AssessmentRun.objects.exists()
    assert OTHER_COUNTY != COUNTY


def test_household_page_shows_the_latest_outcome_with_reasons(
    actors: Actors, baseline: RuleSetRecord
) -> None:
    household = _household(actors, "H001", "9000")
    url = reverse("assessment:household-outcome", args=[household.pk])
    assert "尚未评估" in client_for(actors.village_officer).get(url).content.decode()
    response = client_for(actors.county_admin).post(
        reverse("assessment:household-assess", args=[household.pk])
    )
    assert response.status_code == 302
    assert_scope_matrix(
        lambda client: client.get(url),
        {
            None: Expectation(302),
            actors.village_officer: Expectation(200, shows=("MON-INCOME-BELOW-LINE", "人均纯收入")),
            # outside the scope the household is not found, not "not assessed yet"
            actors.other_village_officer: Expectation(404, hides=("尚未评估", "MON-")),
            actors.other_county_admin: Expectation(404, hides=("尚未评估", "MON-")),
        },
    )
    # the village officer may read but not run an assessment
    denied = client_for(actors.village_officer).post(
        reverse("assessment:household-assess", args=[household.pk])
    )
    assert denied.status_code == 403
    assert AssessmentRun.objects.count() == 1


def test_rules_evaluate_prints_one_outcome_per_line_without_the_database(tmp_path: Path) -> None:
    facts = tmp_path / "facts.jsonl"
    facts.write_text(
        "\n".join(
            json.dumps(record, ensure_ascii=False)
            for record in [
                {"household_id": 1, "region_code": VILLAGE, "year": 2025,
                 "household_type": "exited", "members": 3, "per_capita_net_income": 5000,
                 "risk_types": ["因病"]},
                {"household_id": 2, "region_code": VILLAGE, "year": 2025,
                 "household_type": "ordinary", "members": 2, "per_capita_net_income": 20000},
            ]
        ),
        encoding="utf-8",
    )  # fmt: skip
    out = StringIO()
    call_command(
        "rules", "evaluate", "--facts", str(facts), "--param", "monitoring_line=8600",
        "--param", "poverty_line=4000", stdout=out,
    )  # fmt: skip
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["household_id"] for line in lines] == [1, 2]
    assert lines[0]["monitoring"] == {"eligible": True, "category": "unstable_exited"}
    assert lines[0]["parameters"]["monitoring_line"] == 8600
    assert lines[0]["rule_set"] == "national-baseline@2"
    assert lines[1]["monitoring"]["eligible"] is False


def test_rules_evaluate_refuses_facts_without_a_monitoring_range(tmp_path: Path) -> None:
    facts = tmp_path / "facts.jsonl"
    record = {"household_id": 1, "region_code": VILLAGE, "year": 2019,
              "household_type": "exited", "members": 3, "per_capita_net_income": 5000}  # fmt: skip
    facts.write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(CommandError, match=f"2019 年、区划 {VILLAGE} 没有监测范围"):
        call_command("rules", "evaluate", "--facts", str(facts), "--param", "poverty_line=4000")


def test_assess_refuses_a_year_without_a_monitoring_range_naming_year_and_region(
    actors: Actors, baseline: RuleSetRecord
) -> None:
    _household(actors, "H001", "9000")
    PolicyParameter.objects.filter(name="monitoring_line", year=2025).delete()
    with nothing_changes(), pytest.raises(CommandError) as refused:
        call_command("assess", "--region", COUNTY, "--year", "2025", "--no-progress")
    assert str(refused.value).startswith("2025 年农安县（220122）没有设置监测范围，不能评估")
    assert not AssessmentRun.objects.exists()


def test_assess_command_runs_a_region(actors: Actors, baseline: RuleSetRecord) -> None:
    _household(actors, "H001", "9000")
    out = StringIO()
    call_command("assess", "--region", COUNTY, "--year", "2025", "--no-progress", stdout=out)
    assert "national-baseline@2，区划 220122，2025 年，1 户" in out.getvalue()


def test_the_most_specific_published_rule_set_applies(
    actors: Actors, baseline: RuleSetRecord
) -> None:
    county_version = RuleSetRecord.objects.create(
        code=baseline.code,
        version=3,
        status=RuleSetRecord.Status.PUBLISHED,
        region_code=COUNTY,
        effective_from=baseline.effective_from,
        definition={**baseline.definition, "version": 3, "region_code": COUNTY},
    )
    assert rule_set_get(code=baseline.code, region_code=VILLAGE) == county_version
    assert rule_set_get(code=baseline.code, region_code=OTHER_COUNTY) == baseline
    assert rule_set_get(code=baseline.code, region_code="22") == baseline


def test_rules_simulate_prints_counts_by_town(actors: Actors, baseline: RuleSetRecord) -> None:
    _household(actors, "H001", "24900")  # 8,300 per person
    out = StringIO()
    call_command(
        "rules", "simulate", "--region", COUNTY, "--year", "2025",
        "--param", "monitoring_line=8600", stdout=out,
    )  # fmt: skip
    header, row = out.getvalue().splitlines()[:2]
    columns = dict(zip(header.split(","), row.split(","), strict=True))
    assert columns["town"] == "220122101"
    assert columns["entering_monitoring"] == "1"
    assert columns["households"] == "1"
