"""公告 as offices issue them: one per village or township, listing every household the
county approved in the period, signed by the approving body, worded apart from 公示."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from fupin.audit.models import AuditEvent
from fupin.core.errors import ApplicationError, PermissionDeniedError
from fupin.monitoring import selectors, services
from fupin.monitoring.models import CaseKind, CaseState, MonitoringCase, Notice
from fupin.monitoring.notice_data import notices_fill_region_and_rows, notices_fold_single_rows
from fupin.monitoring.tests.samples import cadre_case
from fupin.registry import codes
from fupin.registry.models import Household, HouseholdStatus
from fupin.registry.services import household_register
from fupin.registry.tests import factories
from fupin.registry.tests.factories import member
from tests.support import (
    COUNTY,
    OTHER_VILLAGE,
    TOWN,
    VILLAGE,
    Actors,
    client_for,
    nothing_changes,
    scope_of,
)
from tests.visible_text import ascii_identifiers


def _household(actors: Actors, number: str, village: str, head: str) -> Household:
    return household_register(
        actor=actors.county_admin,
        scope=scope_of(actors.county_admin),
        data=factories.household(number, village, group_name="二组"),
        members=[
            member(head, codes.Relation.HEAD, date(1968, 2, 3)),
            member("刘桂芝", codes.Relation.SPOUSE, date(1970, 6, 7), male=False),
        ],
    )


def _approved_case(actors: Actors, household: Household, clock: Any) -> MonitoringCase:
    """A cadre's clue for the household, carried by the three levels to 待公告."""
    return cadre_case(
        actors,
        household,
        until=CaseState.ANNOUNCEMENT,
        after_publicity_start=lambda notice: clock.move_to(notice.ends_on + timedelta(days=1)),
    )


@pytest.fixture
def three_approved(actors: Actors, clock: Any) -> list[MonitoringCase]:
    """Two households of 东榛柴村 and one of 兴隆村 (both 伏龙泉镇), approved by the county."""
    return [
        _approved_case(actors, _household(actors, number, village, head), clock)
        for number, village, head in (
            ("220122101201011", VILLAGE, "王德福"),
            ("220122101201012", VILLAGE, "赵玉山"),
            ("220122101202013", OTHER_VILLAGE, "孙长林"),
        )
    ]


def test_one_announcement_lists_every_household_of_the_township(
    actors: Actors, three_approved: list[MonitoringCase]
) -> None:
    county = scope_of(actors.county_admin)
    # when the county issues the township's 公告
    notice = services.announcement_publish(
        actor=actors.county_admin,
        scope=county,
        region_code=TOWN,
        case_kind=CaseKind.IDENTIFICATION,
    )
    # then one notice lists the three households, in village and 户编号 order
    assert Notice.objects.filter(kind=Notice.Kind.ANNOUNCEMENT).count() == 1
    assert notice.title == "农安县伏龙泉镇防止返贫监测对象公告"
    assert notice.issuer == "农安县人民政府"
    assert notice.region_id == TOWN
    assert notice.case_id is None
    assert [row["household_head"] for row in selectors.notice_rows(notice)] == [
        "王德福",
        "赵玉山",
        "孙长林",
    ]
    assert selectors.notice_rows(notice)[0] == {
        "village": "伏龙泉镇东榛柴村委会",
        "group": "二组",
        "household_head": "王德福",
        "household_size": "2",
        "monitoring_category": "边缘易致贫户",
        "elimination_method": "",
    }
    assert set(notice.cases.all()) == set(three_approved)
    # and each household is marked, each case closed, each with its audit event
    for case in three_approved:
        case.refresh_from_db()
        assert case.state == CaseState.COMPLETED
        assert case.household is not None
        assert case.household.status == HouseholdStatus.MONITORED
    announced = AuditEvent.objects.filter(action="monitoring.case_announce")
    assert sorted(int(event.subject_id) for event in announced) == sorted(
        case.pk for case in three_approved
    )


def test_the_period_leaves_out_cases_approved_outside_it(
    actors: Actors, three_approved: list[MonitoringCase]
) -> None:
    county = scope_of(actors.county_admin)
    candidates = selectors.announcement_candidates(
        scope=county, region_code=TOWN, case_kind=CaseKind.IDENTIFICATION
    )
    # the three were approved on three days, a week apart (their publicities ran in turn)
    days = sorted(timezone.localdate(case.approved_at) for case in candidates)  # type: ignore[attr-defined]
    assert len(set(days)) == 3
    # a period that ended the day before the first approval lists nobody
    with nothing_changes(*three_approved), pytest.raises(ApplicationError) as refused:
        services.announcement_publish(
            actor=actors.county_admin,
            scope=county,
            region_code=TOWN,
            case_kind=CaseKind.IDENTIFICATION,
            approved_to=days[0] - timedelta(days=1),
        )
    assert refused.value.message == "所选范围和审定日期内没有待公告的事项。"
    # the period of the last two lists those two, signed as the office writes its name
    notice = services.announcement_publish(
        actor=actors.county_admin,
        scope=county,
        region_code=TOWN,
        case_kind=CaseKind.IDENTIFICATION,
        approved_from=days[1],
        approved_to=days[2],
        issuer="农安县农业农村局",
    )
    assert set(notice.cases.all()) == set(three_approved[1:])
    assert notice.issuer == "农安县农业农村局"
    three_approved[0].refresh_from_db()
    assert three_approved[0].state == CaseState.ANNOUNCEMENT


def test_a_village_announcement_leaves_the_other_village_waiting(
    actors: Actors, three_approved: list[MonitoringCase]
) -> None:
    # the announcement from a case's page is its village's
    notice = services.case_announce(
        actor=actors.county_admin, scope=scope_of(actors.county_admin), case=three_approved[0]
    )
    assert notice.title == "伏龙泉镇东榛柴村委会防止返贫监测对象公告"
    assert set(notice.cases.all()) == set(three_approved[:2])
    three_approved[2].refresh_from_db()
    assert three_approved[2].state == CaseState.ANNOUNCEMENT


def test_refusals_change_nothing(actors: Actors, three_approved: list[MonitoringCase]) -> None:
    county = scope_of(actors.county_admin)
    arguments: dict[str, Any] = {"region_code": TOWN, "case_kind": CaseKind.IDENTIFICATION}
    # the village and the township do not issue the county's 公告
    for user in (actors.village_officer, actors.township_reviewer):
        with nothing_changes(*three_approved), pytest.raises(PermissionDeniedError):
            services.announcement_publish(actor=user, scope=scope_of(user), **arguments)
    # a county's 公告 is issued per village or township, inside its own region
    for region_code, message in (
        (COUNTY, "请逐级选择到乡镇或村：公告按村或乡镇发布。"),
        ("220112100", "所选区划不在您的管辖范围内。"),
    ):
        with nothing_changes(*three_approved), pytest.raises(ApplicationError) as refused:
            services.announcement_publish(
                actor=actors.county_admin,
                scope=county,
                region_code=region_code,
                case_kind=CaseKind.IDENTIFICATION,
            )
        assert refused.value.message == message
    other_county = scope_of(actors.other_county_admin)
    with nothing_changes(*three_approved), pytest.raises(ApplicationError):
        services.announcement_publish(
            actor=actors.other_county_admin, scope=other_county, **arguments
        )
    # no elimination waits: nothing to announce
    with nothing_changes(*three_approved), pytest.raises(ApplicationError):
        services.announcement_publish(
            actor=actors.county_admin,
            scope=county,
            region_code=TOWN,
            case_kind=CaseKind.ELIMINATION,
        )


def test_public_announcement_is_worded_and_signed_as_a_decision(
    actors: Actors, three_approved: list[MonitoringCase]
) -> None:
    notice = services.announcement_publish(
        actor=actors.county_admin,
        scope=scope_of(actors.county_admin),
        region_code=TOWN,
        case_kind=CaseKind.IDENTIFICATION,
    )
    body = client_for(None).get(reverse("monitoring:notice-public", args=[notice.token]))
    text = body.content.decode()
    assert body.status_code == 200
    assert "以下 3 户纳入防止返贫监测对象，特此公告。" in text
    assert "公告张贴时间" in text
    assert "扫码查看本公告" in text
    # a decision, not a proposal open to objection
    for proposal in ("现予公示", "公示时间", "如有异议", "扫码查看本公示"):
        assert proposal not in text
    assert "农安县人民政府" in text.split('data-testid="notice-issuer"')[1]
    assert text.count('data-testid="notice-row"') == 3
    assert ascii_identifiers(text) == []
    for case in three_approved:
        assert case.household is not None
        for person in case.household.members.all():
            assert person.id_number not in text
        assert case.household.phone not in text


def test_publicity_is_worded_as_a_proposal_signed_by_the_village(
    actors: Actors, household: Household, clock: Any
) -> None:
    case = _approved_case(actors, household, clock)
    publicity = case.listed_in_notices.get(kind=Notice.Kind.PUBLICITY)
    clock.move_to(publicity.starts_on)
    text = client_for(None).get(reverse("monitoring:notice-public", args=[publicity.token]))
    body = text.content.decode()
    assert publicity.issuer == "东榛柴村委会"
    assert "拟将以下 1 户纳入防止返贫监测对象，现予公示。" in body
    assert "扫码查看本公示" in body
    assert "特此公告" not in body


def test_county_lists_then_issues_the_announcement_on_its_page(
    actors: Actors, three_approved: list[MonitoringCase]
) -> None:
    client = client_for(actors.county_admin)
    url = reverse("monitoring:announcements")
    chosen = {"region_code": TOWN, "case_kind": CaseKind.IDENTIFICATION}
    listed = client.get(url, chosen).content.decode()
    assert listed.count("data-label=") >= 3
    for case in three_approved:
        assert f"#{case.pk}</a>" in listed
    assert "发布公告（3 户）" in listed
    assert ascii_identifiers(listed, data_words=frozenset({"county_admin"})) == []
    response = client.post(url, {**chosen, "issuer": ""})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "农安县伏龙泉镇防止返贫监测对象公告" in page
    assert "3 户" in page


def test_village_may_read_but_not_issue_announcements(
    actors: Actors, three_approved: list[MonitoringCase]
) -> None:
    client = client_for(actors.village_officer)
    url = reverse("monitoring:announcements")
    assert 'data-testid="announcement-compose"' not in client.get(url).content.decode()
    with nothing_changes(*three_approved):
        response = client.post(url, {"region_code": VILLAGE, "case_kind": "identification"})
    assert response.status_code == 403


def test_bad_choices_are_named_on_the_form(
    actors: Actors, three_approved: list[MonitoringCase]
) -> None:
    client = client_for(actors.county_admin)
    with nothing_changes(*three_approved):
        response = client.post(
            reverse("monitoring:announcements"),
            {"region_code": COUNTY, "case_kind": "identification"},
        )
    assert response.status_code == 400
    assert "请逐级选择到乡镇或村：公告按村或乡镇发布。" in response.content.decode()


def test_notices_from_before_keep_their_household_as_a_row(
    actors: Actors, household: Household, clock: Any
) -> None:
    # given a notice stored the way one-household notices were (content a single row)
    case = _approved_case(actors, household, clock)
    old = case.listed_in_notices.get()
    row = selectors.notice_rows(old)[0]
    Notice.objects.filter(pk=old.pk).update(region_id=OTHER_VILLAGE, content=row)
    old.cases.clear()
    # when the data migration runs (twice: it is idempotent)
    assert notices_fill_region_and_rows(Notice) == 1
    assert notices_fill_region_and_rows(Notice) == 0
    # then it lists its household like any notice
    old.refresh_from_db()
    assert old.region_id == VILLAGE
    assert old.content == {"case_kind": CaseKind.IDENTIFICATION, "rows": [row]}
    assert list(old.cases.all()) == [case]
    # and the way back gives it its single row again
    assert notices_fold_single_rows(Notice) == 1
    old.refresh_from_db()
    assert old.content == row


def test_case_page_says_the_village_announcement_lists_its_neighbours(
    actors: Actors, three_approved: list[MonitoringCase]
) -> None:
    body = (
        client_for(actors.county_admin)
        .get(reverse("monitoring:case-detail", args=[three_approved[0].pk]))
        .content.decode()
    )
    assert "东榛柴村委会待公告的 2 户将列在同一份公告中。" in body
    assert f"region_code={TOWN}&case_kind=identification" in body


def test_announcement_page_reads_a_fixed_number_of_queries(
    actors: Actors, three_approved: list[MonitoringCase]
) -> None:
    client = client_for(actors.county_admin)
    url = reverse("monitoring:announcements")

    def queries(params: dict[str, str]) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, params).status_code == 200
        return len(captured)

    client.get(url)  # warm the session and the content types
    # listing two households of a village costs what listing three of the township does
    village = queries({"region_code": VILLAGE, "case_kind": CaseKind.IDENTIFICATION})
    town = queries({"region_code": TOWN, "case_kind": CaseKind.IDENTIFICATION})
    assert village == town
    # and the issued list costs the same for one 公告 as for two
    county = scope_of(actors.county_admin)
    services.case_announce(actor=actors.county_admin, scope=county, case=three_approved[2])
    one = queries({})
    services.case_announce(actor=actors.county_admin, scope=county, case=three_approved[0])
    assert queries({}) == one
