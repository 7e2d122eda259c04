"""Rectification pages: scope matrices, the complainant hidden from the wrong roles and
regions, the ledger and report downloads, the public form, the questionnaire, and pinned
query counts on the lists."""

from io import BytesIO

import polars as pl
import pytest
from django.test import Client
from django.urls import reverse

from fupin.audit.models import AuditEvent
from fupin.rectification.models import Complaint, Problem, VisitState, VisitTask
from fupin.rectification.tests.conftest import GOOD_ANSWERS, place_households
from fupin.rectification.tests.samples import Sample, sample_rectification
from fupin.registry import codes
from tests.support import VILLAGE, Actors, Expectation, assert_scope_matrix, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def sample(actors: Actors) -> Sample:
    (household,) = place_households(VILLAGE, 1, household_type=codes.HouseholdType.EXITED)
    return sample_rectification(actors, household)


def test_problem_list_and_detail_are_scoped(actors: Actors, sample: Sample) -> None:
    title = sample.problem.title
    inside = Expectation(200, shows=(title,))
    outside = Expectation(200, hides=(title,))
    assert_scope_matrix(
        lambda client: client.get(reverse("rectification:problem-list")),
        {
            actors.village_officer: inside,
            actors.township_reviewer: inside,
            actors.county_admin: inside,
            actors.auditor: inside,
            actors.other_village_officer: outside,
            actors.other_county_admin: outside,
            actors.no_role: Expectation(403),
            None: Expectation(302),
        },
    )
    assert_scope_matrix(
        lambda client: client.get(
            reverse("rectification:problem-detail", args=[sample.problem.pk])
        ),
        {
            actors.village_officer: Expectation(200, shows=(title, "伏龙泉镇人民政府")),
            actors.other_village_officer: Expectation(404, hides=(title,)),
            actors.other_county_admin: Expectation(404, hides=(title,)),
            None: Expectation(302),
        },
    )


def test_complainant_is_hidden_from_the_wrong_roles_and_regions(
    actors: Actors, sample: Sample
) -> None:
    url = reverse("rectification:complaint-detail", args=[sample.complaint.pk])
    identity = ("王举报", "13612345678")
    assert_scope_matrix(
        lambda client: client.get(url),
        {
            # the handling township and the county above it see who called
            actors.township_reviewer: Expectation(200, shows=identity),
            actors.county_admin: Expectation(200, shows=identity),
            # an auditor and the province see the complaint, not the complainant
            actors.auditor: Expectation(200, shows=("光伏收益",), hides=identity),
            actors.province_admin: Expectation(200, shows=("光伏收益",), hides=identity),
            # the village complained about, other villages and counties see nothing
            actors.village_officer: Expectation(404, hides=(*identity, "光伏收益")),
            actors.other_village_officer: Expectation(404, hides=identity),
            actors.other_county_admin: Expectation(404, hides=identity),
            actors.no_role: Expectation(403, hides=identity),
            None: Expectation(302),
        },
    )
    number = sample.complaint.receipt_number
    assert_scope_matrix(
        lambda client: client.get(reverse("rectification:complaint-list")),
        {
            actors.township_reviewer: Expectation(200, shows=(number,)),
            actors.village_officer: Expectation(200, hides=(number,)),
            actors.other_county_admin: Expectation(200, hides=(number,)),
        },
    )


def test_township_handles_a_complaint_through_the_pages(actors: Actors, sample: Sample) -> None:
    client = client_for(actors.township_reviewer)
    step = reverse("rectification:complaint-step", args=[sample.complaint.pk])
    assert client.post(step).status_code == 302
    # a village officer posting the next step changes nothing
    assert client_for(actors.village_officer).post(step, {"findings": "x"}).status_code == 403
    client.post(step, {"findings": "属实", "is_substantiated": "yes"})
    response = client.post(
        reverse("rectification:complaint-to-problem", args=[sample.complaint.pk]),
        {"title": "光伏收益未公示"},
    )
    problem = Problem.objects.get(title="光伏收益未公示")
    assert response["Location"] == reverse("rectification:problem-detail", args=[problem.pk])
    sample.complaint.refresh_from_db()
    assert (sample.complaint.state, sample.complaint.problem) == ("investigated", problem)


def test_ledger_export_is_an_audited_workbook_of_the_scope(actors: Actors, sample: Sample) -> None:
    response = client_for(actors.county_admin).get(reverse("rectification:ledger-export"))
    assert response.status_code == 200
    frame = pl.read_excel(BytesIO(response.content), engine="calamine")
    assert frame["问题"].to_list() == [sample.problem.title]
    assert frame["牵头单位"].to_list() == ["伏龙泉镇人民政府"]
    assert AuditEvent.objects.filter(action="rectification.ledger_export").count() == 1
    other = client_for(actors.other_county_admin).get(reverse("rectification:ledger-export"))
    assert pl.read_excel(BytesIO(other.content), engine="calamine").height == 0


def test_progress_report_counts_the_week(actors: Actors, sample: Sample) -> None:
    response = client_for(actors.county_admin).get(reverse("rectification:progress-report"))
    assert response.status_code == 200
    report = response.context["report"]
    assert [(row.name, row.problems, row.tasks, row.problems_new) for row in report.rows] == [
        ("伏龙泉镇", 1, 1, 1)
    ]
    download = client_for(actors.county_admin).get(
        reverse("rectification:progress-report") + "?format=xlsx"
    )
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")


def test_cadre_answers_the_questionnaire_and_problems_follow(
    actors: Actors, sample: Sample
) -> None:
    url = reverse("rectification:visit-detail", args=[sample.visit.pk])
    assert client_for(actors.other_village_officer).get(url).status_code == 404
    client = client_for(actors.village_officer)
    bad = client.post(url, {**GOOD_ANSWERS, "water_unsafe": ""})
    assert bad.status_code == 400
    assert "请回答：是否饮水出现安全问题" in bad.content.decode()
    client.post(url, {**GOOD_ANSWERS, "water_unsafe": "yes"})
    visit = VisitTask.objects.get(pk=sample.visit.pk)
    assert (visit.state, visit.problems_found) == (VisitState.DONE, 1)
    assert Problem.objects.filter(visit=visit).get().title == "饮水出现安全问题"
    page = client.get(url).content.decode()
    assert "饮水出现安全问题" in page


def test_public_complaint_form_and_receipt(actors: Actors, client: Client) -> None:
    response = client.post(
        reverse("rectification:complaint-public") + f"?region={VILLAGE}",
        {
            "region_code": VILLAGE,
            "category": "projects",
            "content": "道路项目偷工减料",
            "phone": "13700001234",
            "is_anonymous": "on",
        },
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert (complaint.channel, complaint.complainant_name, complaint.handling_region_id) == (
        "online",
        "",
        "220122101",
    )
    done = client.get(reverse("rectification:complaint-public-done"))
    assert complaint.receipt_number in done.content.decode()
    lookup = client.get(
        reverse("rectification:complaint-receipt"),
        {"number": complaint.receipt_number, "phone_tail": "1234"},
    )
    assert "待签收" in lookup.content.decode()
    wrong = client.get(
        reverse("rectification:complaint-receipt"),
        {"number": complaint.receipt_number, "phone_tail": "0000"},
    )
    assert wrong.status_code == 404
    empty = client.post(reverse("rectification:complaint-public"), {"region_code": VILLAGE})
    assert empty.status_code == 400
    assert Complaint.objects.count() == 1


def test_campaign_progress_partial_for_htmx(actors: Actors, sample: Sample) -> None:
    response = client_for(actors.county_admin).get(
        reverse("rectification:campaign-detail", args=[sample.campaign.pk]),
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert 'data-testid="township-progress"' in body
    assert "<html" not in body


def test_list_queries_are_pinned(
    actors: Actors, sample: Sample, django_assert_num_queries: object
) -> None:
    client = client_for(actors.county_admin)
    for name in ("problem-list", "complaint-list", "campaign-list"):
        client.get(reverse(f"rectification:{name}"))
    # session, user, assignments and the page's own reads; the idle timer was renewed by the
    # first pages, less than a minute ago, so the session is not written (ADR 0027)
    with django_assert_num_queries(6):  # type: ignore[operator]
        client.get(reverse("rectification:problem-list"))
    with django_assert_num_queries(6):  # type: ignore[operator]
        client.get(reverse("rectification:complaint-list"))
    with django_assert_num_queries(5):  # type: ignore[operator]
        client.get(reverse("rectification:campaign-list"))
