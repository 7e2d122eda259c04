"""A region run decided as the region's previous one compares only the households marked
since their last assessment (ADR 0031); anything else that decides outcomes changing makes
it compare every household again."""

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from fupin.assessment import selectors
from fupin.assessment.models import AssessmentRun, CurrentOutcome, FactsSnapshot, RuleSetRecord
from fupin.assessment.selectors import rulesets as ruleset_selectors
from fupin.assessment.services import (
    assessment_catch_up,
    assessment_run,
    facts_snapshot,
    policy_parameter_set,
)
from fupin.assessment.services import runs as runs_services
from fupin.assessment.tests.test_assessment_incremental import (
    WRITES,
    YEAR,
    _fresh_explanation,
    _household,
    _run,
)
from fupin.audit.models import AuditEvent
from fupin.registry.models import Household, HouseholdLevel
from fupin.registry.services import household_year_record
from tests.support import COUNTY, VILLAGE, Actors, scope_of


def _compared(run: AssessmentRun) -> int:
    event = AuditEvent.objects.get(action="assessment.assessment_run", subject_id=str(run.pk))
    return int(event.changes["households_compared"])


def _three(actors: Actors) -> list[Household]:
    return [_household(actors, f"H00{index}", "9000") for index in range(1, 4)]


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_a_rerun_compares_only_the_household_each_kind_of_write_changed(
    actors: Actors,
    baseline: RuleSetRecord,
    assistance_tables: None,
    write: Callable[[Actors, Household], None],
) -> None:
    # given three assessed households of a county
    household, *others = _three(actors)
    first = _run(actors)
    assert _compared(first) == 3
    kept = {other.pk: CurrentOutcome.objects.get(household=other).outcome_id for other in others}
    # when a write changes one household's facts and the county is assessed again
    write(actors, household)
    second = _run(actors)
    # then only that household is compared (and written if its outcome changed), the run
    # still covers all three, and nothing is left pending
    assert (second.households, _compared(second)) == (3, 1)
    assert second.outcomes_written <= 1
    assert not selectors.household_is_stale(household.pk)
    current = selectors.household_latest_outcome(household)
    assert current is not None
    confirming = selectors.outcome_confirming_run(current, region_code=VILLAGE)
    explained = selectors.outcome_explanation(
        current, run=second if current.run_id == second.pk else confirming
    )
    assert explained["fired"] == _fresh_explanation(second, household)["fired"]
    for other in others:
        assert CurrentOutcome.objects.get(household=other).outcome_id == kept[other.pk]
    # and a third run with nothing changed compares nobody
    third = _run(actors)
    assert (_compared(third), third.outcomes_written) == (0, 0)


def test_a_changed_household_already_caught_up_is_not_compared_again(
    actors: Actors, baseline: RuleSetRecord
) -> None:
    household, *_others = _three(actors)
    _run(actors)
    WRITES["yearly income"](actors, household)
    # the catch-up re-assesses it with the same rule set and parameters
    assert assessment_catch_up().households == 1
    rerun = _run(actors)
    assert (_compared(rerun), rerun.outcomes_written) == (0, 0)


def test_a_parameter_change_compares_every_household(
    actors: Actors, baseline: RuleSetRecord
) -> None:
    households = _three(actors)
    _run(actors)
    policy_parameter_set(
        actor=actors.county_admin,
        scope=scope_of(actors.county_admin),
        name="monitoring_line",
        region_code=COUNTY,
        year=YEAR,
        value=Decimal("2000"),
    )
    rerun = _run(actors)
    assert (_compared(rerun), rerun.outcomes_written) == (3, 3)
    assert not Household.objects.filter(
        pk__in=[household.pk for household in households], level__is_monitoring_eligible=True
    ).exists()
    # decided alike again from then on
    assert _compared(_run(actors)) == 0


def test_a_rule_set_change_compares_every_household(
    actors: Actors, baseline: RuleSetRecord
) -> None:
    _three(actors)
    _run(actors)
    # a newer version of the same definition: nothing decides differently, yet a run by
    # another rule set compares everything
    RuleSetRecord.objects.create(
        code=baseline.code,
        version=baseline.version + 1,
        status=RuleSetRecord.Status.PUBLISHED,
        effective_from=baseline.effective_from,
        definition=baseline.definition,
    )
    assert _compared(_run(actors)) == 3
    assert _compared(_run(actors)) == 0
    # a definition edited in place (as a draft's is) compares everything too
    newest = RuleSetRecord.objects.get(version=baseline.version + 1)
    newest.definition = {**newest.definition, "title": "改过的标题"}
    newest.save(update_fields=["definition"])
    assert _compared(_run(actors)) == 3


def test_a_run_of_another_rule_set_over_one_household_compares_every_household(
    actors: Actors, baseline: RuleSetRecord
) -> None:
    household, *_others = _three(actors)
    _run(actors)
    other = RuleSetRecord.objects.create(
        code=baseline.code,
        version=baseline.version + 1,
        status=RuleSetRecord.Status.DRAFT,
        effective_from=baseline.effective_from,
        definition=baseline.definition,
    )
    # one household assessed with another rule set (its page's trial of a version)
    assessment_run(
        actor=actors.county_admin,
        scope=scope_of(actors.county_admin),
        region_code=COUNTY,
        year=YEAR,
        rule_set_version=other.version,
        household_ids=[household.pk],
    )
    assert _compared(_run(actors)) == 3


def test_kept_facts_made_again_compare_every_household(
    actors: Actors, baseline: RuleSetRecord
) -> None:
    _three(actors)
    _run(actors)
    # the safety net: snapshots deleted, read afresh (may hold households no mark names)
    FactsSnapshot.objects.all().delete()
    assert _compared(_run(actors)) == 3
    assert _compared(_run(actors)) == 0


def test_a_household_registered_since_is_compared(actors: Actors, baseline: RuleSetRecord) -> None:
    _three(actors)
    _run(actors)
    newcomer = _household(actors, "H009", "3000")
    rerun = _run(actors)
    assert (rerun.households, _compared(rerun), rerun.outcomes_written) == (4, 1, 1)
    assert HouseholdLevel.objects.get(household=newcomer).is_monitoring_eligible is True


@pytest.mark.parametrize(
    ("theirs", "agree"),
    [
        ({"220105": {"line": 1}}, True),  # a county without values of its own
        ({"220105": {"line": 2}}, False),
        ({"22": {"line": 1}, "220102": {"line": 3}}, True),  # the province and its county
        ({"22": {"line": 1}}, False),  # the county's own values missing
        ({"22": {"line": 1}, "220103": {"line": 3}}, False),  # values where ours have none
        ({"230199": {"line": 9}}, True),  # another province: none of our households
    ],
)
def test_parameters_agree_wherever_both_runs_apply_them(
    theirs: dict[str, Any], agree: bool
) -> None:
    ours = {"220102": {"line": 3}, "22": {"line": 1}}
    assert runs_services._parameters_agree(ours, theirs, region_code="22") is agree


def _forget_in_process() -> None:
    """What a fresh worker process has not: decoded frames and remembered evaluations
    (once this one's evaluations are on disk)."""
    facts_snapshot.results_written()
    facts_snapshot._DECODED.clear()
    facts_snapshot._WITHOUT_MARKS.clear()
    runs_services._EVALUATED.clear()


def test_another_process_finds_a_simulation_side_evaluated_by_this_one(
    actors: Actors,
    baseline: RuleSetRecord,
    settings: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    evaluated: list[int],
) -> None:
    settings.VAR_DIR = tmp_path
    poor = _household(actors, "H001", "24900")  # 8,300 per person
    _household(actors, "H002", "90000")
    scope = scope_of(actors.county_admin)

    def simulate(line: int) -> ruleset_selectors.Simulation:
        return ruleset_selectors.ruleset_simulate(
            scope=scope,
            before=baseline,
            after=baseline,
            region_code=VILLAGE,
            year=YEAR,
            overrides={"monitoring_line": line},
        )

    first = simulate(8600)
    assert (first.totals["entering_monitoring"], first.changes_total) == (1, 1)
    assert len(evaluated) == 2
    # the same question in another process: the same answer, nothing evaluated
    _forget_in_process()
    assert simulate(8600) == first
    assert len(evaluated) == 2
    # another question there: only its new side is evaluated
    _forget_in_process()
    assert simulate(8000).totals["entering_monitoring"] == 0
    assert len(evaluated) == 3
    # what is kept on disk: household ids and decisions, nothing personal
    facts_snapshot.results_written()
    directory = tmp_path / facts_snapshot.LOCAL_DIRECTORY
    facts_files = {
        facts_snapshot._local_path(pk, str(token))
        for pk, token in FactsSnapshot.objects.values_list("pk", "token")
    }
    saved = [path for path in directory.iterdir() if path not in facts_files]
    assert len(saved) == 3  # the line of 7,000, of 8,600 and of 8,000
    for path in saved:
        assert pl.read_ipc(path).columns == runs_services.SIMULATED_COLUMNS
    # a household's facts changed: both sides are evaluated again, with the new facts
    household_year_record(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        household=poor,
        year=YEAR,
        amounts={"wage_income": Decimal("24000")},  # 8,000 per person
    )
    _forget_in_process()
    changed = simulate(8600)
    assert (changed.totals["monitoring_eligible_before"], changed.changes_total) == (0, 1)
    assert len(evaluated) == 5
    _forget_in_process()
    assert simulate(8600) == changed
    assert len(evaluated) == 5
    # facts saved again under a new token take their evaluations' files with them
    monkeypatch.setattr(facts_snapshot, "SAVE_MINIMUM", 0)
    tokens_before = set(FactsSnapshot.objects.values_list("token", flat=True))
    household_year_record(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        household=poor,
        year=YEAR,
        amounts={"wage_income": Decimal("30000")},
    )
    simulate(8600)
    facts_snapshot.results_written()
    assert set(FactsSnapshot.objects.values_list("token", flat=True)) != tokens_before
    tokens = {str(token) for token in FactsSnapshot.objects.values_list("token", flat=True)}
    for path in directory.iterdir():
        assert any(token in path.name for token in tokens), path.name
