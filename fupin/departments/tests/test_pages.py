"""The 疑点 pages, the quality ranking and the feed upload page, for every kind of user."""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fupin.accounts.models import User
from fupin.audit.models import AuditEvent
from fupin.departments.models import FeedRow, Finding, FindingStatus
from fupin.departments.services import findings_check
from fupin.monitoring.models import RiskClue
from fupin.registry import codes
from fupin.registry.models import Household, Member
from tests.support import Actors, Expectation, assert_scope_matrix, client_for


def _finding(household: Household) -> Finding:
    Member.objects.filter(household=household, relation=codes.Relation.HEAD).update(
        birth_date=date(1970, 5, 2)
    )
    findings_check(actor=None, scope=None, region_code="220122")
    return Finding.objects.get()


def test_findings_are_seen_inside_the_scope_only(actors: Actors, household: Household) -> None:
    finding = _finding(household)
    url = f"/quality/findings/{finding.pk}/"
    seen = Expectation(200, shows=("出生日期与证件号码不符", household.number))
    assert_scope_matrix(
        lambda client: client.get(url),
        {
            actors.village_officer: seen,
            actors.township_reviewer: seen,
            actors.county_admin: seen,
            actors.other_village_officer: Expectation(404, hides=(household.number,)),
            actors.other_county_admin: Expectation(404, hides=(household.number,)),
            actors.no_role: Expectation(403),
            None: Expectation(302),
        },
    )
    assert_scope_matrix(
        lambda client: client.get("/quality/findings/"),
        {
            actors.village_officer: Expectation(200, shows=(household.number,)),
            actors.other_county_admin: Expectation(200, hides=(household.number,)),
            None: Expectation(302),
        },
    )


def test_the_village_answers_and_the_township_closes_through_the_pages(
    actors: Actors, household: Household
) -> None:
    finding = _finding(household)
    village = client_for(actors.village_officer)
    page = village.get(f"/quality/findings/{finding.pk}/")
    assert 'data-testid="answer-form"' in page.content.decode()

    answered = village.post(
        f"/quality/findings/{finding.pk}/answer/",
        {"verdict": "false", "evidence": "核对户口簿，出生日期无误"},
    )
    assert answered.status_code == 302
    township = client_for(actors.township_reviewer)
    assert (
        'data-testid="review-form"'
        in township.get(f"/quality/findings/{finding.pk}/").content.decode()
    )
    township.post(f"/quality/findings/{finding.pk}/review/", {"decision": "approve", "note": ""})

    finding.refresh_from_db()
    assert finding.status == FindingStatus.CLOSED
    ranking = client_for(actors.county_admin).get("/quality/").content.decode()
    assert "100.0%" in ranking


def test_a_refused_answer_is_shown_on_the_form(actors: Actors, household: Household) -> None:
    finding = _finding(household)
    response = client_for(actors.village_officer).post(
        f"/quality/findings/{finding.pk}/answer/", {"verdict": "false", "evidence": ""}
    )
    assert response.status_code == 200
    assert "核实不属实时请写明依据" in response.content.decode()
    finding.refresh_from_db()
    assert finding.status == FindingStatus.VILLAGE


def test_the_township_cannot_answer_for_the_village(actors: Actors, household: Household) -> None:
    finding = _finding(household)
    response = client_for(actors.township_reviewer).post(
        f"/quality/findings/{finding.pk}/answer/", {"verdict": "true", "evidence": ""}
    )
    assert response.status_code == 403


def _upload(client: Client, content: str, kind: str = "civil_affairs") -> str:
    upload = SimpleUploadedFile("民政10月.csv", content.encode(), content_type="text/csv")
    response = client.post("/imports/feeds/", {"kind": kind, "period": "2026-10", "file": upload})
    assert response.status_code == 200
    return response.content.decode()


def test_a_department_user_uploads_a_feed(
    actors: Actors, department_user: User, other_department_user: User, household: Household
) -> None:
    head = household.members.get(relation=codes.Relation.HEAD)
    body = _upload(
        client_for(department_user),
        f"证件号码,姓名,救助类型,起始日期\n{head.id_number},{head.name},低保,2026-10-08\n",
    )
    assert "新增线索 1 条" in body
    assert RiskClue.objects.get().household_id == household.pk
    assert_scope_matrix(
        lambda client: client.get("/imports/feeds/"),
        {
            department_user: Expectation(200, shows=("民政 2026-10",)),
            other_department_user: Expectation(200, hides=("民政 2026-10",)),
        },
    )


def test_a_bad_upload_shows_errors_and_offers_the_error_workbook(
    actors: Actors, department_user: User, household: Household
) -> None:
    client = client_for(department_user)
    body = _upload(client, "证件号码,姓名,救助类型,起始日期\n123,张三,低保,2026-10-08\n")
    assert "<td>2</td>" in body
    assert "<td>证件号码</td>" in body
    assert 'data-testid="feed-refused"' in body
    assert FeedRow.objects.count() == 0
    errors_id = body.split("/imports/feeds/errors/?id=")[1].split('"')[0]

    workbook = client.get(f"/imports/feeds/errors/?id={errors_id}")
    stranger = client_for(actors.county_admin).get(f"/imports/feeds/errors/?id={errors_id}")

    assert workbook.status_code == 200
    assert workbook.content.startswith(b"PK")
    assert stranger.status_code == 302
    assert AuditEvent.objects.filter(action="imports.feed_error_workbook_download").count() == 1


def test_the_feed_page_is_for_departments_and_county_staff(
    actors: Actors, department_user: User, other_department_user: User
) -> None:
    assert_scope_matrix(
        lambda client: client.get("/imports/feeds/"),
        {
            department_user: Expectation(200, shows=("报送部门数据",)),
            actors.county_admin: Expectation(200),
            actors.village_officer: Expectation(403),
            actors.township_reviewer: Expectation(403),
            actors.auditor: Expectation(403),
            None: Expectation(302),
        },
    )
    template = client_for(department_user).get("/imports/feeds/template/?kind=medical")
    assert template.status_code == 200
    assert template.content.startswith(b"PK")


def test_the_finding_list_costs_the_same_queries_for_more_findings(
    actors: Actors, household: Household
) -> None:
    _finding(household)
    client = client_for(actors.county_admin)
    client.get("/quality/findings/")
    with CaptureQueriesContext(connection) as one:
        client.get("/quality/findings/")
    Member.objects.filter(household=household, relation=codes.Relation.SON).update(
        schooling=codes.Schooling.NOT_IN_SCHOOL
    )
    findings_check(actor=None, scope=None, region_code="220122")
    assert Finding.objects.count() == 2
    with CaptureQueriesContext(connection) as two:
        client.get("/quality/findings/")
    assert len(two.captured_queries) == len(one.captured_queries)
