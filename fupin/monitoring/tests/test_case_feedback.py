"""The case page says what is done and when, and asks before a decision that cannot be
taken back."""

from datetime import timedelta
from typing import Any

from django.urls import reverse

from fupin.monitoring import steps
from fupin.monitoring.models import CaseState
from fupin.monitoring.tests.conftest import TODAY, advance, self_apply
from fupin.registry.models import Household
from tests.support import Actors, client_for, scope_of


def test_passed_steps_are_marked_with_their_day(
    household: Household, actors: Actors, clock: Any
) -> None:
    case = self_apply(household)
    advance(case, actors, CaseState.REVIEW, clock)
    body = (
        client_for(actors.village_officer)
        .get(reverse("monitoring:case-detail", args=[case.pk]))
        .content.decode()
    )
    steps = body.split('data-testid="case-steps"')[1].split("</ol>")[0]
    items = steps.split('data-testid="case-step"')[1:]
    day = TODAY.strftime("%m-%d")
    # 入户核实 and 信息比对 done today, 民主评议 under way, the rest ahead
    assert [f"已完成 {day}" in item for item in items] == [True, True] + [False] * 5
    assert (
        "active" in steps.split('data-testid="case-step"')[2].split("<li")[-1]
        or "active" in items[1]
    )


def test_approving_and_returning_ask_first(
    household: Household, actors: Actors, clock: Any
) -> None:
    case = self_apply(household)
    advance(case, actors, CaseState.TOWNSHIP, clock)
    body = (
        client_for(actors.township_reviewer)
        .get(reverse("monitoring:case-detail", args=[case.pk]))
        .content.decode()
    )
    step_form = body.split('data-testid="step-form"')[0].rsplit("<form", 1)[1]
    assert "data-confirm=" in step_form
    assert "不能撤回" in step_form
    decide_form = body.split('data-testid="decide-form"')[0].rsplit("<form", 1)[1]
    assert "data-confirm=" in decide_form
    assert "js/confirm_submit.js" in body


def test_village_steps_are_sent_without_a_question(household: Household, actors: Actors) -> None:
    case = self_apply(household)
    body = (
        client_for(actors.village_officer)
        .get(reverse("monitoring:case-detail", args=[case.pk]))
        .content.decode()
    )
    step_form = body.split('data-testid="step-form"')[0].rsplit("<form", 1)[1]
    assert "data-confirm=" not in step_form


def test_closing_the_publicity_waits_with_its_end_date(
    household: Household, actors: Actors, clock: Any
) -> None:
    case = self_apply(household)
    advance(case, actors, CaseState.PUBLICITY, clock)
    client = client_for(actors.village_officer)
    url = reverse("monitoring:case-detail", args=[case.pk])
    notice = steps.step_run(
        actor=actors.village_officer, scope=scope_of(actors.village_officer), case=case, data={}
    )
    body = client.get(url).content.decode()
    button = body.split('data-testid="step-submit"')[0].rsplit("<button", 1)[1]
    assert "disabled" in button
    assert f"公示期至 {notice.ends_on.isoformat()} 结束，期满后才能提交乡镇审核。" in body
    # once its days are over the button is there to press
    clock.move_to(notice.ends_on + timedelta(days=1))
    after = client_for(actors.village_officer).get(url).content.decode()
    assert "disabled" not in after.split('data-testid="step-submit"')[0].rsplit("<button", 1)[1]
    assert 'data-testid="step-wait-reason"' not in after
