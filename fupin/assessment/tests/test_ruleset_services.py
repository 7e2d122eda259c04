"""Rule-set services: drafts, validation, publication and retirement."""

import pytest
from django.utils import timezone

from fupin.assessment.models import AssessmentOutcome, RuleSetRecord
from fupin.assessment.rules import definition
from fupin.assessment.selectors import rule_set_get
from fupin.assessment.services import RuleEdit, RuleSetInvalidError, assessment_run
from fupin.assessment.services import rulesets as ruleset_services
from fupin.assessment.tests.rulesets import (
    INVALID_CONDITION,
    YEAR,
    clone,
    definition_of,
    set_line,
)
from fupin.audit.models import AuditEvent
from fupin.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from fupin.registry.models import Household
from tests.support import (
    COUNTY,
    Actors,
    nothing_changes,
    scope_of,
)

# ------------------------------------------------------------------------------ services


def test_clone_numbers_the_draft_after_the_highest_version_in_the_actors_county(
    actors: Actors, baseline: RuleSetRecord
) -> None:
    # given the published baseline, nationwide
    # when a county administrator clones it twice
    first = clone(actors, baseline)
    second = clone(actors, baseline)
    # then the drafts are versions 3 and 4 of the same code, for the county
    assert (first.code, first.version, first.status) == ("national-baseline", 3, "draft")
    assert (second.version, second.region_code) == (4, COUNTY)
    assert first.region_code == COUNTY
    assert first.effective_from == timezone.localdate()
    assert first.created_by == actors.county_admin
    stored = definition_of(first)
    assert (stored.version, stored.status, stored.region_code) == (3, "draft", COUNTY)
    assert stored.rules == definition.from_dict(baseline.definition).rules
    event = AuditEvent.objects.get(action="assessment.ruleset_clone", subject_id=str(first.pk))
    assert event.region_code == COUNTY
    assert event.changes == {"from": "national-baseline@2", "to": "national-baseline@3"}
    # and the baseline itself is untouched
    baseline.refresh_from_db()
    assert baseline.status == RuleSetRecord.Status.PUBLISHED


def test_a_system_administrators_clone_stays_nationwide(
    actors: Actors, baseline: RuleSetRecord
) -> None:
    draft = ruleset_services.ruleset_clone(
        actor=actors.system_admin, scope=scope_of(actors.system_admin), rule_set=baseline
    )
    assert (draft.version, draft.region_code) == (3, "")


def test_clone_needs_the_right_and_a_visible_source(
    actors: Actors, baseline: RuleSetRecord
) -> None:
    draft = clone(actors, baseline)
    with nothing_changes(), pytest.raises(PermissionDeniedError):
        ruleset_services.ruleset_clone(
            actor=actors.village_officer, scope=scope_of(actors.village_officer), rule_set=baseline
        )
    with nothing_changes(), pytest.raises(NotFoundError):
        ruleset_services.ruleset_clone(
            actor=actors.other_county_admin,
            scope=scope_of(actors.other_county_admin),
            rule_set=draft,
        )
    assert RuleSetRecord.objects.count() == 2


def test_update_changes_a_parameter_and_a_rule_of_a_draft_and_audits(
    actors: Actors, baseline: RuleSetRecord
) -> None:
    draft = clone(actors, baseline)
    # when a threshold and one rule's message change (and another value is resent unchanged)
    ruleset_services.ruleset_update(
        actor=actors.county_admin,
        scope=scope_of(actors.county_admin),
        rule_set=draft,
        parameter_defaults={"rigid_expenditure_threshold": 30000, "red_problem_count": 3},
        rule_edits=[
            RuleEdit(
                "MON-INCOME-BELOW-LINE",
                definition_of(draft).rule("MON-INCOME-BELOW-LINE").condition,
                "人均纯收入 {per_capita_net_income} 元低于本县监测范围 {param.monitoring_line} 元",
            )
        ],
    )
    # then the stored definition has them and the event lists exactly what changed
    stored = definition_of(draft)
    assert stored.parameters["rigid_expenditure_threshold"].default == 30000
    assert "本县监测范围" in stored.rule("MON-INCOME-BELOW-LINE").message
    event = AuditEvent.objects.get(action="assessment.ruleset_update")
    assert event.region_code == COUNTY
    assert event.changes["parameters"] == {"rigid_expenditure_threshold": [20000, 30000]}
    assert list(event.changes["rules"]["MON-INCOME-BELOW-LINE"]) == ["message"]
    assert event.changes["problems"] == 0
    # and saving the same values again records nothing
    ruleset_services.ruleset_update(
        actor=actors.county_admin,
        scope=scope_of(actors.county_admin),
        rule_set=draft,
        parameter_defaults={"rigid_expenditure_threshold": 30000},
    )
    assert AuditEvent.objects.filter(action="assessment.ruleset_update").count() == 1


def test_an_edit_of_a_published_rule_set_is_refused_by_the_service(
    actors: Actors, baseline: RuleSetRecord
) -> None:
    # the system administrator's scope covers the nationwide baseline; it is still refused
    before = dict(baseline.definition)
    with nothing_changes(), pytest.raises(ApplicationError) as refused:
        ruleset_services.ruleset_update(
            actor=actors.system_admin,
            scope=scope_of(actors.system_admin),
            rule_set=baseline,
            parameter_defaults={"rigid_expenditure_threshold": 9000},
        )
    assert refused.value.code == "immutable"
    assert "不能修改" in refused.value.message
    baseline.refresh_from_db()
    assert baseline.definition == before
    assert not AuditEvent.objects.filter(action="assessment.ruleset_update").exists()


@pytest.mark.parametrize(
    ("parameters", "rules", "code"),
    [
        ({"no_such_line": 1}, [], "unknown_parameter"),
        ({"rigid_expenditure_threshold": -1}, [], "negative"),
        ({"rigid_expenditure_threshold": "很高"}, [], "parameter"),
        # 监测范围 is set per region and year, never as a rule set's default
        ({"monitoring_line": 8600}, [], "set_per_year"),
        ({}, [RuleEdit("NO-SUCH-RULE", "true", "提示")], "unknown_rule"),
    ],
)
def test_update_refuses_unknown_names_and_wrong_values(
    actors: Actors,
    baseline: RuleSetRecord,
    parameters: dict[str, object],
    rules: list[RuleEdit],
    code: str,
) -> None:
    draft = clone(actors, baseline)
    with nothing_changes(), pytest.raises(ApplicationError) as refused:
        ruleset_services.ruleset_update(
            actor=actors.county_admin,
            scope=scope_of(actors.county_admin),
            rule_set=draft,
            parameter_defaults=parameters,  # type: ignore[arg-type]
            rule_edits=rules,
        )
    assert refused.value.code == code
    assert definition_of(draft).parameters["rigid_expenditure_threshold"].default == 20000
    assert definition_of(draft).parameters["monitoring_line"].default is None


def test_publish_refuses_a_draft_with_an_invalid_condition_and_lists_the_problem(
    actors: Actors, baseline: RuleSetRecord
) -> None:
    draft = clone(actors, baseline)
    # a draft may hold a mistake while it is being edited …
    ruleset_services.ruleset_update(
        actor=actors.county_admin,
        scope=scope_of(actors.county_admin),
        rule_set=draft,
        rule_edits=[RuleEdit("MON-INCOME-BELOW-LINE", INVALID_CONDITION, "收入低于监测范围")],
    )
    assert AuditEvent.objects.get(action="assessment.ruleset_update").changes["problems"] == 1
    # … but it is not published
    with pytest.raises(RuleSetInvalidError) as refused:
        ruleset_services.ruleset_publish(
            actor=actors.county_admin, scope=scope_of(actors.county_admin), rule_set=draft
        )
    [problem] = refused.value.problems
    assert problem.rule_code == "MON-INCOME-BELOW-LINE"
    assert "未知的参数" in problem.message_zh
    assert problem.position == INVALID_CONDITION.index("param.")
    assert "MON-INCOME-BELOW-LINE" in refused.value.message
    draft.refresh_from_db()
    assert (draft.status, draft.published_at) == ("draft", None)
    assert not AuditEvent.objects.filter(action="assessment.ruleset_publish").exists()


def test_publish_makes_the_draft_the_newest_published_version_and_immutable(
    actors: Actors, baseline: RuleSetRecord, households: dict[str, Household]
) -> None:
    draft = set_line(actors, clone(actors, baseline), 8600)
    ruleset_services.ruleset_publish(
        actor=actors.county_admin, scope=scope_of(actors.county_admin), rule_set=draft
    )
    draft.refresh_from_db()
    assert draft.status == RuleSetRecord.Status.PUBLISHED
    assert draft.published_at is not None
    assert definition_of(draft).status is definition.RuleSetStatus.PUBLISHED
    event = AuditEvent.objects.get(action="assessment.ruleset_publish")
    assert (event.region_code, event.changes) == (COUNTY, {"status": ["draft", "published"]})
    # a run now uses version 3 and its line
    assert rule_set_get(code="national-baseline", region_code=draft.region_code) == draft
    assert rule_set_get(code="national-baseline", region_code="11") != draft
    run = assessment_run(
        actor=actors.county_admin,
        scope=scope_of(actors.county_admin),
        region_code=COUNTY,
        year=YEAR,
    )
    assert str(run.rule_set) == "national-baseline@3"
    outcome = AssessmentOutcome.objects.get(run=run, household=households["near"])
    assert outcome.monitoring_eligible is True
    assert outcome.monitoring_category == "marginal"
    # and neither an edit nor a second publication is accepted
    with nothing_changes(), pytest.raises(ApplicationError) as refused:
        set_line(actors, draft, 9000)
    assert refused.value.code == "immutable"
    with nothing_changes(), pytest.raises(ApplicationError) as again:
        ruleset_services.ruleset_publish(
            actor=actors.county_admin, scope=scope_of(actors.county_admin), rule_set=draft
        )
    assert again.value.code == "not_draft"


def test_out_of_scope_drafts_and_the_nationwide_baseline_are_refused(
    actors: Actors, baseline: RuleSetRecord
) -> None:
    draft = clone(actors, baseline)
    other = scope_of(actors.other_county_admin)
    for service in (ruleset_services.ruleset_publish, ruleset_services.ruleset_retire):
        with nothing_changes(), pytest.raises(PermissionDeniedError):
            service(actor=actors.other_county_admin, scope=other, rule_set=draft)
    with nothing_changes(), pytest.raises(PermissionDeniedError):
        ruleset_services.ruleset_update(
            actor=actors.other_county_admin,
            scope=other,
            rule_set=draft,
            parameter_defaults={"rigid_expenditure_threshold": 1},
        )
    # the county may not edit or retire the nationwide baseline, only clone it
    with nothing_changes(), pytest.raises(PermissionDeniedError) as refused:
        ruleset_services.ruleset_retire(
            actor=actors.county_admin, scope=scope_of(actors.county_admin), rule_set=baseline
        )
    assert "复制" in refused.value.message
    # nor may a role without the right touch its own county's draft
    with nothing_changes(), pytest.raises(PermissionDeniedError):
        ruleset_services.ruleset_publish(
            actor=actors.village_officer, scope=scope_of(actors.village_officer), rule_set=draft
        )
    assert definition_of(draft).parameters["rigid_expenditure_threshold"].default == 20000
    assert RuleSetRecord.objects.filter(status="draft").count() == 1


def test_retire_closes_a_published_version_but_not_the_last_one(
    actors: Actors, baseline: RuleSetRecord
) -> None:
    admin = scope_of(actors.system_admin)
    draft = ruleset_services.ruleset_clone(
        actor=actors.system_admin, scope=admin, rule_set=baseline
    )
    with nothing_changes(), pytest.raises(ApplicationError) as not_published:
        ruleset_services.ruleset_retire(actor=actors.system_admin, scope=admin, rule_set=draft)
    assert not_published.value.code == "not_published"
    with nothing_changes(), pytest.raises(ApplicationError) as last:
        ruleset_services.ruleset_retire(actor=actors.system_admin, scope=admin, rule_set=baseline)
    assert last.value.code == "last_published"
    ruleset_services.ruleset_publish(actor=actors.system_admin, scope=admin, rule_set=draft)
    ruleset_services.ruleset_retire(actor=actors.system_admin, scope=admin, rule_set=baseline)
    baseline.refresh_from_db()
    assert baseline.status == RuleSetRecord.Status.RETIRED
    assert baseline.effective_to == timezone.localdate()
    assert definition_of(baseline).status is definition.RuleSetStatus.RETIRED
    event = AuditEvent.objects.get(action="assessment.ruleset_retire")
    assert event.changes["status"] == ["published", "retired"]
    with nothing_changes(), pytest.raises(ApplicationError):
        ruleset_services.ruleset_update(
            actor=actors.system_admin,
            scope=admin,
            rule_set=baseline,
            parameter_defaults={"rigid_expenditure_threshold": 1},
        )
