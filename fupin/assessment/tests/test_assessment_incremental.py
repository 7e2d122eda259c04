"""Assessment at scale (ADR 0016): a run writes only the outcomes that changed, explains the
unchanged ones exactly, and every write that changes a household's facts marks it for the
catch-up, which re-assesses it in a small batch."""

import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.urls import reverse

from fupin.assessment import selectors
from fupin.assessment.models import (
    AssessmentOutcome,
    AssessmentRun,
    CurrentOutcome,
    FactsSnapshot,
    RuleSetRecord,
)
from fupin.assessment.rules import definition, engine
from fupin.assessment.selectors import rulesets as ruleset_selectors
from fupin.assessment.services import (
    assessment_catch_up,
    assessment_run,
    facts_snapshot,
    simulation_prepare_job_run,
)
from fupin.assessment.services import runs as runs_services
from fupin.assessment.tests.rulesets import household_with_income
from fupin.assistance import services as assistance
from fupin.assistance.models import RiskRecord, RiskSource
from fupin.core.errors import ApplicationError
from fupin.imports.tests.support import csv_text, run_import
from fupin.jobs.models import Job
from fupin.registry import codes
from fupin.registry.models import (
    Household,
    HouseholdLevel,
    HouseholdStatusEvent,
    Member,
    StaleHousehold,
)
from fupin.registry.services import (
    household_conditions_record,
    household_status_record,
    household_update,
    household_year_record,
    member_add,
    member_remove,
)
from fupin.registry.tests import factories
from tests.support import COUNTY, VILLAGE, Actors, client_for, scope_of

YEAR = 2025


def _household(actors: Actors, number: str, wage: str) -> Household:
    """A family of three whose only income is `wage` a year."""
    return household_with_income(actors, number, VILLAGE, int(wage) // 3)


def _run(actors: Actors) -> AssessmentRun:
    return assessment_run(
        actor=actors.county_admin,
        scope=scope_of(actors.county_admin),
        region_code=COUNTY,
        year=YEAR,
    )


def _fresh_explanation(run: AssessmentRun, household: Household) -> dict[str, Any]:
    """What the run's rule set and parameters say about the household's facts read now."""
    params = run.parameters[COUNTY]
    facts = selectors.facts_for_households(
        [household.pk],
        region_code=COUNTY,
        year=YEAR,
        monitoring_line=Decimal(str(params["monitoring_line"])),
    )
    rule_set = definition.from_dict(run.rule_set.definition)
    return engine.explain(rule_set, facts, params)[0]


def test_a_second_run_writes_no_unchanged_outcome_and_still_explains_it_exactly(
    actors: Actors, baseline: RuleSetRecord
) -> None:
    # given two assessed households
    poor = _household(actors, "H001", "9000")
    comfortable = _household(actors, "H002", "90000")
    first = _run(actors)
    assert (first.households, first.outcomes_written) == (2, 2)
    decided_at = HouseholdLevel.objects.get(household=poor).assessed_at
    # when the region is assessed again with nothing changed
    second = _run(actors)
    # then no outcome is written, the levels are left alone, and the run explains the kept
    # outcome exactly as a fresh evaluation of the same facts does
    assert (second.households, second.outcomes_written) == (2, 0)
    assert AssessmentOutcome.objects.count() == 2
    assert HouseholdLevel.objects.get(household=poor).assessed_at == decided_at
    kept = selectors.household_latest_outcome(poor)
    assert kept is not None
    assert kept.run_id == first.pk
    confirming = selectors.outcome_confirming_run(kept, region_code=poor.village_id)
    assert confirming == second
    explained = selectors.outcome_explanation(kept, run=confirming)
    assert explained == _fresh_explanation(second, poor)
    assert "MON-INCOME-BELOW-LINE" in [rule["code"] for rule in explained["fired"]]
    # when one household's income changes, only its outcome and level are written
    household_year_record(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        household=poor,
        year=YEAR,
        amounts={"wage_income": Decimal("90000")},
    )
    third = _run(actors)
    assert third.outcomes_written == 1
    assert HouseholdLevel.objects.get(household=poor).is_monitoring_eligible is False
    newest = AssessmentOutcome.objects.get(run=third)
    assert newest.household_id == poor.pk
    assert CurrentOutcome.objects.get(household=poor).outcome_id == newest.pk
    assert CurrentOutcome.objects.get(household=comfortable).outcome.run_id == first.pk
    # and the past run's explanation is rebuilt exactly from what it stored
    assert selectors.outcome_explanation(kept) == explained


def test_facts_are_written_as_the_json_of_their_values() -> None:
    frame = pl.DataFrame(
        {
            "household_id": [1, 2, 3],
            "income": [0.1 + 0.2, 1e21, None],
            "members": [3, None, 0],
            "flag": [True, False, None],
            "label": ['say "x":1}', "因病\n", None],
            "risks": [["因病", 'a"b'], [], None],
            "nothing": [None, None, None],
        }
    )
    values = [runs_services._json_value(name, frame.schema[name]) for name in frame.columns]
    encoded = frame.select(pl.concat_str(values, separator=",")).to_series().to_list()
    assert [json.loads(f"[{text}]") for text in encoded] == [list(row) for row in frame.rows()]


def test_outcomes_keep_their_households_and_runs_without_database_constraints(
    actors: Actors, baseline: RuleSetRecord
) -> None:
    # given an assessed household (its outcome refers to it without a database constraint,
    # ADR 0025)
    household = _household(actors, "H001", "9000")
    run = _run(actors)
    outcome = AssessmentOutcome.objects.get(household=household)
    # then neither the household nor the run can be deleted while the outcome refers to
    # them, and the current outcome refers to the outcome the run wrote
    for protected in (household, run, outcome):
        with pytest.raises(ProtectedError) as refused:
            protected.delete()
        assert {type(obj) for obj in refused.value.protected_objects} & {
            AssessmentOutcome,
            CurrentOutcome,
        }
    assert CurrentOutcome.objects.get(household=household).outcome == outcome
    assert Household.objects.filter(pk=household.pk).exists()


def test_outcomes_store_their_facts_as_an_array_named_once_by_the_run(
    actors: Actors, baseline: RuleSetRecord
) -> None:
    household = _household(actors, "H001", "9000")
    run = _run(actors)
    outcome = AssessmentOutcome.objects.select_related("run").get(household=household)
    # The JSON text of an array, kept as written (no jsonb column to parse it into).
    assert outcome.facts is None
    assert len(json.loads(outcome.facts_text)) == len(run.fact_names)
    facts = selectors.outcome_facts(outcome)
    assert facts["per_capita_net_income"] == 3000.0
    assert facts["region_code"] == VILLAGE
    assert facts["risk_types"] == []
    assert "per_capita_after_rigid" not in facts  # derived: recomputed, not stored


def test_outcomes_stored_before_facts_were_text_explain_exactly_as_new_ones(
    actors: Actors, baseline: RuleSetRecord
) -> None:
    # given a run's outcome, and the same outcome as the two older formats stored it: a
    # jsonb array in the order of the run's fact names, and before that a jsonb object
    household = _household(actors, "H001", "9000")
    run = _run(actors)
    new = AssessmentOutcome.objects.select_related("run__rule_set").get(household=household)
    values = json.loads(new.facts_text)
    decision = {
        "run": run,
        "household": household,
        "monitoring_eligible": new.monitoring_eligible,
        "monitoring_category": new.monitoring_category,
        "risk_level": new.risk_level,
        "elimination_eligible": new.elimination_eligible,
        "exit_ok": new.exit_ok,
        "fired": new.fired,
    }
    as_array = AssessmentOutcome.objects.create(**decision, facts=values)
    as_object = AssessmentOutcome.objects.create(
        **decision, facts=dict(zip(run.fact_names, values, strict=True))
    )
    # then all three explain exactly as the run's rule set says of the facts read now
    expected = _fresh_explanation(run, household)
    assert "MON-INCOME-BELOW-LINE" in [rule["code"] for rule in expected["fired"]]
    for outcome in (new, as_array, as_object):
        stored = AssessmentOutcome.objects.select_related("run__rule_set").get(pk=outcome.pk)
        assert selectors.outcome_explanation(stored) == expected
    # and outcomes created one by one take ids after the run's (one id sequence)
    assert as_array.pk > new.pk


def test_a_household_given_a_current_outcome_meanwhile_points_at_the_run_s_outcome(
    actors: Actors, baseline: RuleSetRecord
) -> None:
    # given a run's outcomes, then a household the run compared as never assessed but
    # that another run (the catch-up) gave a current outcome meanwhile
    household = _household(actors, "H001", "9000")
    run = _run(actors)
    outcome = AssessmentOutcome.objects.get(run=run, household=household)
    frame = pl.DataFrame(
        {
            "id": [outcome.pk],
            "household_id": [household.pk],
            "facts_hash": [11],
            "decision_hash": [12],
        }
    )
    CurrentOutcome.objects.filter(household=household).update(facts_hash=1, decision_hash=2)
    never_assessed = pl.DataFrame(schema={"household_id": pl.Int64})
    # when the run points its households at its outcomes
    runs_services._current_outcomes_update(frame, before=never_assessed)
    # then the household's current outcome is the run's, with its fingerprints
    current = CurrentOutcome.objects.get(household=household)
    assert (current.outcome_id, current.facts_hash, current.decision_hash) == (outcome.pk, 11, 12)


def _update_header(actors: Actors, household: Household) -> None:
    data = factories.household(household.number, VILLAGE, is_whole_household_without_labor=True)
    household_update(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        household=household,
        expected_version=Household.objects.get(pk=household.pk).version,
        data=data,
    )


def _add_member(actors: Actors, household: Household) -> None:
    member_add(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        household=household,
        data=factories.member("张小红", codes.Relation.DAUGHTER, date(2015, 1, 2), male=False),
    )


def _remove_member(actors: Actors, household: Household) -> None:
    child = Member.objects.get(household=household, name="张小明")
    member_remove(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        member=child,
        expected_version=child.version,
        reason=codes.RemovalReason.values[0],
        removal_date=date(2025, 6, 1),
    )


def _record_income(actors: Actors, household: Household) -> None:
    household_year_record(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        household=household,
        year=YEAR,
        amounts={"wage_income": Decimal("60000")},
    )


def _record_conditions(actors: Actors, household: Household) -> None:
    household_conditions_record(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        household=household,
        year=YEAR,
        values={"is_housing_unsafe": True},
    )


def _record_status(actors: Actors, household: Household) -> None:
    household_status_record(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        household=household,
        kind=HouseholdStatusEvent.Kind.MONITORING_IDENTIFIED,
        occurred_on=date(2025, 3, 15),
        monitoring_category=codes.MonitoringCategory.MARGINAL,
        identified_month="202503",
        risk_types=[codes.RiskType.ILLNESS],
    )


def _add_risk(actors: Actors, household: Household) -> None:
    assistance.risk_add(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        household=household,
        risk_type=codes.RiskType.ACCIDENT,
        found_on=date(2025, 6, 1),
        source=RiskSource.VISIT,
    )


def _resolve_risk(actors: Actors, household: Household) -> None:
    _add_risk(actors, household)
    assessment_catch_up()
    assistance.risk_resolve(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        risk=RiskRecord.objects.get(household=household),
        resolved_on=date(2025, 7, 1),
        resolution="已报销医疗费用",
    )


def _add_measure(actors: Actors, household: Household) -> None:
    assistance.measure_add(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        household=household,
        year=YEAR,
        category_code="100A40",
        subtype="县内企业务工",
        responsible_unit="农安县人社局",
        started_on=date(2025, 4, 1),
    )


def _record_monthly_income(actors: Actors, household: Household) -> None:
    assistance.monthly_income_record(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        household=household,
        month=date(2025, 11, 1),
        amount=Decimal("2500"),
    )


def _record_visit(actors: Actors, household: Household) -> None:
    assistance.visit_record(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        household=household,
        client_token="visit-1",
        visited_on=date(2025, 11, 8),
        met_person="张建国",
        household_income=Decimal("3200"),
    )


WRITES: dict[str, Callable[[Actors, Household], None]] = {
    "household form": _update_header,
    "member added": _add_member,
    "member removed": _remove_member,
    "yearly income": _record_income,
    "living conditions": _record_conditions,
    "status event": _record_status,
    "risk recorded": _add_risk,
    "risk resolved": _resolve_risk,
    "measure": _add_measure,
    "monthly income": _record_monthly_income,
    "visit": _record_visit,
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_each_kind_of_write_marks_the_household_and_the_catch_up_reassesses_it(
    actors: Actors,
    baseline: RuleSetRecord,
    assistance_tables: None,
    write: Callable[[Actors, Household], None],
) -> None:
    # given an assessed household and another one of the same village
    household = _household(actors, "H001", "9000")
    neighbour = _household(actors, "H002", "9000")
    _run(actors)
    assert not selectors.household_is_stale(household.pk)
    # when a write changes what the assessment reads
    write(actors, household)
    # then the household is marked, and its neighbour is not
    assert selectors.household_is_stale(household.pk)
    assert not selectors.household_is_stale(neighbour.pk)
    # when the catch-up runs, it re-assesses exactly that household as a small run
    done = assessment_catch_up()
    assert (done.households, done.runs, done.failed) == (1, 1, 0)
    run = AssessmentRun.objects.order_by("-pk").first()
    assert run is not None
    assert (run.households, run.is_listed_households, run.year) == (1, True, YEAR)
    assert not selectors.household_is_stale(household.pk)
    # and its current outcome explains the facts as they are now
    current = selectors.household_latest_outcome(household)
    assert current is not None
    confirming = selectors.outcome_confirming_run(current, region_code=VILLAGE)
    assert (
        selectors.outcome_explanation(current, run=run if current.run_id == run.pk else confirming)[
            "fired"
        ]
        == _fresh_explanation(run, household)["fired"]
    )
    assert assessment_catch_up().households == 0


def test_a_write_during_the_reassessment_leaves_the_household_marked(
    actors: Actors, baseline: RuleSetRecord
) -> None:
    household = _household(actors, "H001", "9000")
    _run(actors)
    _record_income(actors, household)
    seen = selectors.stale_versions(region_code=COUNTY)
    # a second change lands after the catch-up read the mark but before it finished
    _record_conditions(actors, household)
    from fupin.registry.services import household_stale_resolve  # noqa: PLC0415

    with transaction.atomic():
        household_stale_resolve(seen=seen.iter_rows())
    assert selectors.household_is_stale(household.pk)
    mark = StaleHousehold.objects.get(household=household)
    assert (mark.version, mark.assessed_version) == (
        seen["mark_version"][0] + 1,
        seen["mark_version"][0],
    )


def test_a_large_import_marks_its_households_in_one_batch(
    actors: Actors, baseline: RuleSetRecord, tmp_path: Path
) -> None:
    # given thirty assessed households, all poor
    households = [_household(actors, f"H{index:03d}", "9000") for index in range(30)]
    _run(actors)
    runs_before = AssessmentRun.objects.count()
    # when one income ledger raises all their incomes (the import command's real path)
    path = tmp_path / "income.csv"
    rows = [{"户编号": household.number, "年度": str(YEAR), "工资性收入": "60000"}
            for household in households]  # fmt: skip
    path.write_text(csv_text(rows, ("户编号", "年度", "工资性收入")), encoding="utf-8-sig")
    _output, error = run_import("income", str(path))
    assert error is None, error
    # then every household is marked, and one catch-up re-assesses them in one run
    assert len(selectors.stale_households_pending(limit=100)) == 30
    done = assessment_catch_up()
    assert (done.households, done.runs) == (30, 1)
    assert AssessmentRun.objects.count() == runs_before + 1
    assert AssessmentRun.objects.order_by("-pk")[0].outcomes_written == 30
    assert not HouseholdLevel.objects.filter(is_monitoring_eligible=True).exists()
    assert selectors.stale_households_pending(limit=100) == []


def test_stale_households_say_so_on_the_list_and_the_outcome(
    actors: Actors, baseline: RuleSetRecord
) -> None:
    household = _household(actors, "H001", "9000")
    _run(actors)
    client = client_for(actors.village_officer)
    outcome_url = reverse("assessment:household-outcome", args=[household.pk])
    list_url = reverse("registry:household-list")
    assert "待更新" not in client.get(list_url).content.decode()
    assert "评估结果待更新" not in client.get(outcome_url).content.decode()
    _record_income(actors, household)
    assert 'data-testid="assessment-stale"' in client.get(list_url).content.decode()
    page = client.get(outcome_url).content.decode()
    assert "评估结果待更新" in page
    # the elimination form, which shows the assessment's guards, says so as well
    elimination_url = reverse("monitoring:elimination-propose", args=[household.pk])
    assert "评估结果待更新" in client.get(elimination_url).content.decode()
    assessment_catch_up()
    assert "评估结果待更新" not in client.get(outcome_url).content.decode()
    assert "评估结果待更新" not in client.get(elimination_url).content.decode()


def test_kept_facts_are_read_again_only_for_changed_households(
    actors: Actors, baseline: RuleSetRecord
) -> None:
    first = _household(actors, "H001", "9000")
    _household(actors, "H002", "9000")
    reads: list[int] = []

    def facts() -> pl.DataFrame:
        return facts_snapshot.region_facts(
            region_code=COUNTY, year=YEAR, monitoring_line=Decimal(7000), on_read=reads.append
        )

    assert facts().height == 2
    assert facts().height == 2
    assert reads == [2]  # the second came from the kept snapshot
    _record_income(actors, first)
    changed = facts()
    assert reads == [2, 1]
    income = changed.filter(pl.col("household_id") == first.pk)["per_capita_net_income"][0]
    assert income == 20000.0
    # a household registered since is read; a village's facts come from the county's
    newcomer = _household(actors, "H003", "3000")
    village = facts_snapshot.region_facts(
        region_code=VILLAGE, year=YEAR, monitoring_line=Decimal(7000), on_read=reads.append
    )
    assert sorted(village["household_id"].to_list()) == sorted(
        Household.objects.values_list("pk", flat=True)
    )
    assert reads[-1] == 1
    assert newcomer.pk in village["household_id"].to_list()
    assert FactsSnapshot.objects.count() == 1


def test_another_process_maps_the_kept_facts_from_this_machine_before_the_database(
    actors: Actors,
    baseline: RuleSetRecord,
    settings: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings.VAR_DIR = tmp_path
    _household(actors, "H001", "9000")
    _household(actors, "H002", "30000")
    reads: list[int] = []

    def facts() -> pl.DataFrame:
        return facts_snapshot.region_facts(
            region_code=COUNTY, year=YEAR, monitoring_line=Decimal(7000), on_read=reads.append
        )

    first = facts()
    snapshot = FactsSnapshot.objects.get()
    directory = tmp_path / facts_snapshot.LOCAL_DIRECTORY
    path = directory / f"{facts_snapshot._local_prefix(snapshot.pk)}{snapshot.token}.arrow"
    assert list(directory.iterdir()) == [path]
    # Another machine (no file): the database's copy is decoded, and the file made.
    facts_snapshot._DECODED.clear()
    path.unlink()
    assert facts().equals(first)
    assert list(directory.iterdir()) == [path]
    # Another process of this machine: the file answers even if the database's copy
    # cannot be decoded.
    facts_snapshot._DECODED.clear()
    FactsSnapshot.objects.filter(pk=snapshot.pk).update(data=b"not parquet")
    assert facts().equals(first)
    assert reads == [2]
    # A household read again is kept in this process; the frame is saved again (and its
    # file replaced) once more than SAVE_MINIMUM households were read since.
    monkeypatch.setattr(facts_snapshot, "SAVE_MINIMUM", 1)
    _record_income(actors, Household.objects.get(number="H001"))
    assert facts().filter(pl.col("per_capita_net_income") == 20000.0).height == 1
    assert reads == [2, 1]
    assert FactsSnapshot.objects.get().token == snapshot.token
    _record_income(actors, Household.objects.get(number="H002"))
    assert facts().filter(pl.col("per_capita_net_income") == 20000.0).height == 2
    assert reads == [2, 1, 1]
    saved = FactsSnapshot.objects.get()
    assert saved.token != snapshot.token
    assert list(directory.iterdir()) == [
        directory / f"{facts_snapshot._local_prefix(saved.pk)}{saved.token}.arrow"
    ]
    facts_snapshot._DECODED.clear()
    mapped = facts_snapshot._local_read(saved.pk, str(saved.token))
    assert mapped is not None
    assert facts().equals(mapped.drop(facts_snapshot.MARK_COLUMN))
    assert reads == [2, 1, 1]


def test_a_second_simulation_evaluates_only_the_side_that_changed(
    actors: Actors, baseline: RuleSetRecord, evaluated: list[int]
) -> None:
    poor = _household(actors, "H001", "24900")  # 8,300 per person
    _household(actors, "H002", "90000")
    scope = scope_of(actors.county_admin)

    def simulate(line: int) -> ruleset_selectors.Simulation:
        return ruleset_selectors.ruleset_simulate(
            scope=scope,
            before=baseline,
            after=baseline,
            region_code=COUNTY,
            year=YEAR,
            overrides={"monitoring_line": line},
        )

    assert simulate(8600).totals["entering_monitoring"] == 1
    assert len(evaluated) == 2
    # the same "before" over the same kept facts: only the new "after" is evaluated
    assert simulate(8000).totals["entering_monitoring"] == 0
    assert len(evaluated) == 3
    # a household's facts changed: both sides are evaluated again, with the new facts
    household_year_record(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        household=poor,
        year=YEAR,
        amounts={"wage_income": Decimal("24000")},  # 8,000 per person
    )
    assert simulate(8600).totals["entering_monitoring"] == 1
    assert len(evaluated) == 5
    assert simulate(8600).totals["monitoring_eligible_before"] == 0
    assert len(evaluated) == 5


def test_one_snapshot_per_region_year_day_and_line_in_the_schema(db: None) -> None:
    values = {
        "region_code": COUNTY,
        "year": YEAR,
        "as_of": date(2025, 12, 31),
        "monitoring_line": Decimal(7000),
        "data": b"",
    }
    FactsSnapshot.objects.create(**values)
    with pytest.raises(IntegrityError), transaction.atomic():
        FactsSnapshot.objects.create(**values)


def test_a_large_simulation_gathers_its_facts_in_a_job_then_answers_in_the_page(
    actors: Actors, baseline: RuleSetRecord, monkeypatch: pytest.MonkeyPatch
) -> None:
    _household(actors, "H001", "24900")  # 8,300 per person
    _household(actors, "H002", "90000")
    monkeypatch.setattr(ruleset_selectors, "SIMULATION_HOUSEHOLD_LIMIT", 1)
    scope = scope_of(actors.county_admin)

    def simulate() -> ruleset_selectors.Simulation:
        return ruleset_selectors.ruleset_simulate(
            scope=scope,
            before=baseline,
            after=baseline,
            region_code=COUNTY,
            year=YEAR,
            overrides={"monitoring_line": 8600},
        )

    with pytest.raises(ApplicationError) as refused:
        simulate()
    assert refused.value.code == "needs_job"
    client = client_for(actors.county_admin)
    url = reverse("assessment:ruleset-simulate", args=[baseline.pk])
    query = f"region={COUNTY}&year={YEAR}&before={baseline.pk}&p_monitoring_line=8600"
    page = client.get(f"{url}?{query}").content.decode()
    assert 'data-testid="simulation-prepare"' in page
    response = client.post(
        reverse("assessment:ruleset-simulate-prepare", args=[baseline.pk]), {"query": query}
    )
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:job-detail", args=[job.pk])
    simulation_prepare_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.result["next_url"] == f"{url}?{query}"
    result = simulate()
    assert result.totals["households"] == 2
    assert result.totals["entering_monitoring"] == 1


def test_assess_changed_command_reassesses_the_marked_households_once(
    actors: Actors, baseline: RuleSetRecord
) -> None:
    household = _household(actors, "H001", "9000")
    _run(actors)
    _record_income(actors, household)
    out = StringIO()
    call_command("assess_changed", stdout=out)
    assert out.getvalue().strip() == "重新评估 1 户（1 批），0 户稍后重试。"
    assert not selectors.household_is_stale(household.pk)
