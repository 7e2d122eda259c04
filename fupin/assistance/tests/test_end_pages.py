"""Ending a pairing (from the household or the cadre's page) and a work-team stay: the end
day and reason are kept as history, audited, refused with a Chinese message when wrong,
and only offices of the region may do it."""

from datetime import date

from django.urls import reverse

from fupin.accounts.models import User
from fupin.assistance import services
from fupin.assistance.models import Cadre, CadreAssignment, TeamPost, WorkTeamMember
from fupin.audit.models import AuditEvent
from fupin.registry.models import Household
from tests.support import VILLAGE, Actors, Expectation, assert_scope_matrix, client_for, scope_of


def _end_url(assignment: CadreAssignment, back: str = "") -> str:
    url = reverse("assistance:assignment-end", args=[assignment.pk])
    return f"{url}?back={back}" if back else url


def test_household_section_links_to_ending_the_current_pairing(
    actors: Actors, cadre_user: User, assigned: Household
) -> None:
    assignment = CadreAssignment.objects.get()
    section = reverse("assistance:household-section", args=[assigned.pk])
    link = _end_url(assignment)
    assert_scope_matrix(
        lambda client: client.get(section),
        {
            actors.county_admin: Expectation(200, shows=(link, "结束结对")),
            cadre_user: Expectation(200, hides=(link,)),
            actors.township_reviewer: Expectation(200, hides=(link,)),
        },
    )


def test_ending_a_pairing_from_the_household_keeps_it_as_history(
    actors: Actors, assigned: Household
) -> None:
    # given the county on the end page of the current pairing
    assignment = CadreAssignment.objects.get()
    client = client_for(actors.county_admin)
    page = client.get(_end_url(assignment)).content.decode()
    assert "王志强" in page
    assert assigned.number in page
    # when it ends the pairing before it began, nothing changes
    refused = client.post(
        _end_url(assignment), {"ended_on": "2025-03-01", "reason": "工作调动"}
    ).content.decode()
    assert "结束日期不能早于开始日期" in refused
    assignment.refresh_from_db()
    assert assignment.ended_on is None
    assert not AuditEvent.objects.filter(action="assistance.cadre_assignment_end").exists()
    # and without a reason, nothing changes either
    missing = client.post(_end_url(assignment), {"ended_on": "2025-10-31", "reason": " "})
    assert missing.status_code == 200
    assignment.refresh_from_db()
    assert assignment.ended_on is None
    # when it ends it properly
    response = client.post(_end_url(assignment), {"ended_on": "2025-10-31", "reason": "工作调动"})
    # then the household page shows it under 此前 and awaits a new cadre
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("registry:household-detail", args=[assigned.pk]) + "#assistance"
    )
    ended = CadreAssignment.objects.get(pk=assignment.pk)
    assert (ended.ended_on, ended.end_reason) == (date(2025, 10, 31), "工作调动")
    event = AuditEvent.objects.get(action="assistance.cadre_assignment_end")
    assert event.changes == {"ended_on": "2025-10-31", "end_reason": "工作调动"}
    section = client.get(reverse("assistance:household-section", args=[assigned.pk]))
    body = section.content.decode()
    assert "尚未落实帮扶责任人" in body
    assert "王志强（2025-03-20 — 2025-10-31，工作调动）" in body
    # and an ended pairing cannot be ended again
    again = client.post(_end_url(assignment), {"ended_on": "2025-11-01", "reason": "再次"})
    assert "该结对已经结束" in again.content.decode()


def test_ending_a_pairing_from_the_cadre_page_returns_there(
    actors: Actors, cadre: Cadre, assigned: Household
) -> None:
    assignment = CadreAssignment.objects.get()
    client = client_for(actors.county_admin)
    cadre_page = reverse("assistance:cadre-detail", args=[cadre.pk])
    assert _end_url(assignment, "cadre") in client.get(cadre_page).content.decode()
    response = client.post(
        reverse("assistance:assignment-end", args=[assignment.pk]),
        {"ended_on": "2025-11-10", "reason": "风险已消除", "back": "cadre"},
    )
    assert (response.status_code, response["Location"]) == (302, cadre_page)
    body = client.get(cadre_page).content.decode()
    assert "现结对 0 户" in body
    assert "2025-03-20 — 2025-11-10" in body
    assert "风险已消除" in body


def test_the_end_page_is_for_offices_of_the_region(
    actors: Actors, cadre_user: User, assigned: Household
) -> None:
    url = _end_url(CadreAssignment.objects.get())
    assert_scope_matrix(
        lambda client: client.get(url),
        {
            actors.village_officer: Expectation(200, shows=("结束结对帮扶",)),
            cadre_user: Expectation(403),
            actors.township_reviewer: Expectation(403),
            actors.other_county_admin: Expectation(404, hides=("王志强",)),
            None: Expectation(302),
        },
    )
    assert_scope_matrix(
        lambda client: client.post(url, {"ended_on": "2025-10-31", "reason": "越权"}),
        {
            cadre_user: Expectation(403),
            actors.township_reviewer: Expectation(403),
            actors.other_county_admin: Expectation(404),
        },
    )
    assert CadreAssignment.objects.get().ended_on is None


def test_cadre_page_shows_current_households_and_history_in_scope_only(
    actors: Actors, cadre: Cadre, assigned: Household
) -> None:
    url = reverse("assistance:cadre-detail", args=[cadre.pk])
    assert_scope_matrix(
        lambda client: client.get(url),
        {
            actors.county_admin: Expectation(
                200, shows=("王志强", assigned.number, "137****1234"), hides=("13700001234",)
            ),
            actors.township_reviewer: Expectation(403),
            actors.other_county_admin: Expectation(404, hides=(assigned.number,)),
            None: Expectation(302),
        },
    )
    list_page = client_for(actors.county_admin).get(reverse("assistance:cadre-list"))
    assert url in list_page.content.decode()


def _team_member(actors: Actors) -> WorkTeamMember:
    return services.work_team_member_add(
        actor=actors.county_admin,
        scope=scope_of(actors.county_admin),
        village_code=VILLAGE,
        name="赵晓东",
        unit="吉林省财政厅",
        post=TeamPost.FIRST_SECRETARY,
        phone="13500001111",
        started_on=date(2024, 6, 1),
    )


def test_ending_a_work_team_stay_keeps_the_member_on_the_roster(actors: Actors) -> None:
    member = _team_member(actors)
    url = reverse("assistance:work-team-member-end", args=[member.pk])
    roster = reverse("assistance:work-team") + f"?village={VILLAGE}"
    client = client_for(actors.village_officer)
    assert url in client.get(roster).content.decode()
    refused = client.post(url, {"ended_on": "2024-05-01"})
    assert "结束日期不能早于开始日期" in refused.content.decode()
    member.refresh_from_db()
    assert member.ended_on is None
    response = client.post(url, {"ended_on": "2025-10-31"})
    assert (response.status_code, response["Location"]) == (302, roster)
    member.refresh_from_db()
    assert member.ended_on == date(2025, 10, 31)
    assert AuditEvent.objects.filter(action="assistance.work_team_member_end").count() == 1
    body = client.get(roster).content.decode()
    assert "2025-10-31" in body
    assert url not in body
    again = client.post(url, {"ended_on": "2025-11-01"})
    assert "该成员已经离任" in again.content.decode()
    member.refresh_from_db()
    assert member.ended_on == date(2025, 10, 31)


def test_the_work_team_end_page_is_for_offices_of_the_region(
    actors: Actors, cadre_user: User
) -> None:
    member = _team_member(actors)
    url = reverse("assistance:work-team-member-end", args=[member.pk])
    assert_scope_matrix(
        lambda client: client.get(url),
        {
            actors.county_admin: Expectation(200, shows=("赵晓东", "驻村工作队成员离任")),
            cadre_user: Expectation(403),
            actors.township_reviewer: Expectation(403),
            actors.other_village_officer: Expectation(404, hides=("赵晓东",)),
            actors.other_county_admin: Expectation(404, hides=("赵晓东",)),
            None: Expectation(302),
        },
    )
    client_for(actors.other_county_admin).post(url, {"ended_on": "2025-10-31"})
    member.refresh_from_db()
    assert member.ended_on is None
