"""The case page says what is done and when, and asks before a decision that cannot be
taken back."""

from datetime import timedelta
from typing import Any

from django.urls import reverse

from fupin.monitoring import selectors, services, steps
from fupin.monitoring.models import CaseState
from fupin.monitoring.tests.conftest import TODAY, advance, register_household, self_apply
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


def test_case_list_shows_returned_cases_first(
    household: Household, actors: Actors, clock: Any
) -> None:
    # given an older case the township returned and a newer one
    returned = self_apply(household)
    advance(returned, actors, CaseState.TOWNSHIP, clock)
    services.case_return(
        actor=actors.township_reviewer,
        scope=scope_of(actors.township_reviewer),
        case=returned,
        opinion="评议记录缺签名",
    )
    newer = self_apply(register_household(actors, "220122101201002"))
    # then the returned one leads both the list and the selector
    ordered = list(
        selectors.case_list(scope=scope_of(actors.county_admin), filters=selectors.CaseFilters())
    )
    assert [case.pk for case in ordered] == [returned.pk, newer.pk]
    body = client_for(actors.county_admin).get(reverse("monitoring:case-list")).content.decode()
    assert body.index(f'data-testid="case-{returned.pk}"') < body.index(
        f'data-testid="case-{newer.pk}"'
    )


def test_todo_puts_the_step_due_first_at_the_top(
    household: Household, actors: Actors, clock: Any
) -> None:
    # given a case waiting for review (due in 15 days) and, a week later, a new
    # application whose visit is due in two working days
    review = self_apply(household)
    advance(review, actors, CaseState.REVIEW, clock)
    clock.move_to(TODAY + timedelta(days=7))
    visit = self_apply(register_household(actors, "220122101201002"))
    assert visit.visit_due_on is not None
    assert visit.visit_due_on < review.due_on
    # then the visit comes first although the review case was opened earlier
    rows = list(selectors.case_todo(scope=scope_of(actors.village_officer)))
    assert [case.pk for case in rows] == [visit.pk, review.pk]
    body = client_for(actors.village_officer).get(reverse("monitoring:todo")).content.decode()
    assert body.index(f'data-testid="case-{visit.pk}"') < body.index(
        f'data-testid="case-{review.pk}"'
    )
    # with the full 户编号 of each household
    assert "220122101201002" in body
    assert household.number in body


def test_case_file_prints_the_whole_case_with_numbers_masked(
    household: Household, actors: Actors, clock: Any
) -> None:
    case = self_apply(household)
    advance(case, actors, CaseState.TOWNSHIP, clock)
    url = reverse("monitoring:case-file", args=[case.pk])
    response = client_for(actors.county_admin).get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert "防止返贫监测工作事项档案" in body
    steps_table = body.split('data-testid="case-file-steps"')[1].split("</table>")[0]
    assert steps_table.count("已完成") == 4
    assert "办理中" in steps_table
    assert "家中确有大病医疗支出，情况属实" in body
    clue = case.clues.get()
    assert clue.id_number not in body
    assert clue.phone not in body
    assert "138****1111" in body
    # outside the case's region the file does not exist
    other = client_for(actors.other_county_admin).get(url)
    assert other.status_code == 404
