"""Monitoring pages: scope matrix, step forms, the public application, receipt and
notices (free of sensitive fields, with a QR code that encodes their own address)."""

import re
from datetime import timedelta
from typing import Any

import pytest
import segno
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from fupin.audit.models import AuditEvent
from fupin.monitoring import public_views, services
from fupin.monitoring.models import CaseState, MonitoringCase, Notice
from fupin.monitoring.qr import qr_svg
from fupin.monitoring.tests.conftest import advance, register_household, self_apply
from fupin.monitoring.tests.samples import sample_case
from fupin.monitoring.tests.test_elimination import assessed
from fupin.registry import codes
from fupin.registry.models import Household, Member
from fupin.registry.tests import factories
from tests.support import (
    VILLAGE,
    Actors,
    Expectation,
    assert_scope_matrix,
    client_for,
    nothing_changes,
    scope_of,
)


@pytest.fixture(autouse=True)
def _empty_cache(db: None) -> None:
    cache.clear()


def test_case_detail_scope_matrix(actors: Actors, household: Household) -> None:
    case = self_apply(household)
    url = reverse("monitoring:case-detail", args=[case.pk])
    assert_scope_matrix(
        lambda client: client.get(url),
        {
            actors.village_officer: Expectation(200, shows=("step-form", "待入户核实")),
            actors.township_reviewer: Expectation(200, hides=("step-form",)),
            actors.county_admin: Expectation(200, hides=("step-form",)),
            actors.other_village_officer: Expectation(404, hides=("张建国",)),
            actors.other_county_admin: Expectation(404),
            actors.no_role: Expectation(403),
            None: Expectation(302),
        },
    )


def test_todo_lists_each_users_waiting_cases(actors: Actors, household: Household) -> None:
    case = self_apply(household)
    todo = reverse("monitoring:todo")
    marker = f"case-{case.pk}"
    assert_scope_matrix(
        lambda client: client.get(todo),
        {
            actors.village_officer: Expectation(200, shows=(marker, "deadline-")),
            actors.township_reviewer: Expectation(200, hides=(marker,)),
            actors.other_village_officer: Expectation(200, hides=(marker,)),
            None: Expectation(302),
        },
    )


def test_case_list_filters_and_overdue_badges(
    actors: Actors, household: Household, clock: Any
) -> None:
    case = self_apply(household)
    client = client_for(actors.county_admin)
    url = reverse("monitoring:case-list")
    assert f"case-{case.pk}" in client.get(url, {"state": CaseState.VISIT}).content.decode()
    assert f"case-{case.pk}" not in client.get(url, {"overdue": "on"}).content.decode()
    assert f"case-{case.pk}" not in client.get(url, {"channel": "cadre"}).content.decode()
    clock.shift(86400 * 3)
    client = client_for(actors.county_admin)  # the session idled out over three days
    body = client.get(url, {"overdue": "on"}, headers={"HX-Request": "true"}).content.decode()
    assert f"case-{case.pk}" in body
    assert "deadline-overdue" in body


def test_visit_form_moves_the_case_on(actors: Actors, household: Household) -> None:
    case = self_apply(household)
    response = client_for(actors.village_officer).post(
        reverse("monitoring:case-step", args=[case.pk]),
        {
            "visited_on": "2025-11-10",
            "visitors": "王书记",
            "findings": "属实",
            "risk_types": [codes.RiskType.ILLNESS, codes.RiskType.ACCIDENT],
            "has_consent": "on",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.COMPARISON
    assert case.risk_types == [codes.RiskType.ILLNESS, codes.RiskType.ACCIDENT]


def test_a_step_posted_by_the_wrong_level_changes_nothing(
    actors: Actors, household: Household
) -> None:
    case = self_apply(household)
    township = client_for(actors.township_reviewer)
    with nothing_changes(case):
        response = township.post(
            reverse("monitoring:case-step", args=[case.pk]),
            {"visited_on": "2025-11-10", "visitors": "甲", "findings": "乙", "has_consent": "on"},
        )
    assert response.status_code == 403
    assert "不由乡镇审核人员办理" in response.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.VISIT
    assert not case.visits.exists()


def test_reject_needs_a_reason(actors: Actors, household: Household) -> None:
    case = self_apply(household)
    client = client_for(actors.village_officer)
    url = reverse("monitoring:case-decide", args=[case.pk])
    with nothing_changes(case):
        assert client.post(url, {"decision": "reject", "opinion": ""}).status_code == 400
    assert client.post(url, {"decision": "reject", "opinion": "非本村户籍"}).status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.REJECTED


def test_household_page_offers_clue_registration(actors: Actors, household: Household) -> None:
    body = (
        client_for(actors.village_officer)
        .get(reverse("registry:household-detail", args=[household.pk]))
        .content.decode()
    )
    assert reverse("monitoring:clue-create", args=[household.pk]) in body
    response = client_for(actors.village_officer).post(
        reverse("monitoring:clue-create", args=[household.pk]),
        {"risk_types": [codes.RiskType.DISABILITY], "description": "户主致残"},
    )
    assert response.status_code == 302
    assert MonitoringCase.objects.get().household == household


def test_public_application_gives_a_receipt_to_check_progress(
    regions: None, client: Client
) -> None:
    form = client.get(reverse("monitoring:apply"), {"village": VILLAGE})
    assert form.status_code == 200
    assert "东榛柴村委会" in form.content.decode()
    response = client.post(
        reverse("monitoring:apply") + f"?village={VILLAGE}",
        {
            "name": "刘桂芝",
            "id_number": "11010519491231002X",
            "phone": "13800001111",
            "village_code": VILLAGE,
            "risk_types": [codes.RiskType.ACCIDENT],
            "description": "家中失火",
            "has_consent": "on",
        },
    )
    assert response.status_code == 302
    done = client.get(reverse("monitoring:apply-done")).content.decode()
    receipt = re.search(r"SQ\d{8}[A-Z0-9]{6}", done)
    assert receipt is not None
    progress = client.get(
        reverse("monitoring:receipt"), {"number": receipt.group(), "id_tail": "002X"}
    )
    assert progress.status_code == 200
    assert "待入户核实" in progress.content.decode()
    wrong = client.get(
        reverse("monitoring:receipt"), {"number": receipt.group(), "id_tail": "1234"}
    )
    assert wrong.status_code == 404
    assert "待入户核实" not in wrong.content.decode()


def test_public_application_is_rate_limited(regions: None, client: Client) -> None:
    url = reverse("monitoring:apply")
    statuses = [
        client.post(url, {"name": "甲", "village_code": VILLAGE}).status_code
        for _attempt in range(public_views.APPLICATIONS_PER_HOUR + 1)
    ]
    assert statuses[:-1] == [400] * public_views.APPLICATIONS_PER_HOUR
    assert statuses[-1] == 429


def test_the_application_limit_counts_the_client_behind_a_trusted_proxy(
    regions: None, client: Client
) -> None:
    url = reverse("monitoring:apply")

    def post(client_address: str) -> int:
        return client.post(
            url,
            {"name": "甲", "village_code": VILLAGE},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=client_address,
        ).status_code

    with override_settings(TRUSTED_PROXY_HEADER="X-Forwarded-For"):
        for _attempt in range(public_views.APPLICATIONS_PER_HOUR):
            assert post("198.51.100.1") == 400
        assert post("198.51.100.1") == 429
        # another farmer behind the same proxy is not held back
        assert post("198.51.100.2") == 400
    # without the setting the header is ignored: everyone is the proxy, which is fresh
    with override_settings(TRUSTED_PROXY_HEADER=None):
        assert post("198.51.100.1") == 400
        for _attempt in range(public_views.APPLICATIONS_PER_HOUR):
            post(f"198.51.100.{_attempt + 10}")
        assert post("198.51.100.99") == 429


def test_wrong_receipt_guesses_are_refused_after_the_limit(
    household: Household, client: Client
) -> None:
    clue = self_apply(household).clues.get()
    tail = clue.id_number[-4:]
    url = reverse("monitoring:receipt")
    guesses = [f"{guess:04d}" for guess in range(10_000) if f"{guess:04d}" != tail][:500]
    statuses = [
        client.get(url, {"number": clue.receipt_number, "id_tail": g}).status_code for g in guesses
    ]
    allowed = public_views.RECEIPT_NUMBER_LIMIT.limit
    assert statuses[:allowed] == [404] * allowed
    assert set(statuses[allowed:]) == {429}
    # the right answer after the limit is refused too, so guessing it is worth nothing
    right = client.get(url, {"number": clue.receipt_number, "id_tail": tail})
    assert right.status_code == 429
    assert "待入户核实" not in right.content.decode()
    assert "次数过多" in right.content.decode()


def test_receipt_guesses_are_limited_per_number_and_per_address(
    household: Household, client: Client
) -> None:
    clue = self_apply(household).clues.get()
    tail = clue.id_number[-4:]
    wrong = "0000" if tail != "0000" else "1111"
    url = reverse("monitoring:receipt")
    # one number guessed from many addresses
    for attempt in range(public_views.RECEIPT_NUMBER_LIMIT.limit):
        response = client.get(
            url, {"number": clue.receipt_number, "id_tail": wrong}, REMOTE_ADDR=f"10.1.0.{attempt}"
        )
        assert response.status_code == 404
    refused = client.get(
        url, {"number": clue.receipt_number, "id_tail": tail}, REMOTE_ADDR="10.2.0.1"
    )
    assert refused.status_code == 429
    # many numbers guessed from one address
    for attempt in range(public_views.RECEIPT_ADDRESS_LIMIT.limit):
        response = client.get(
            url, {"number": f"SQ20251110GUESS{attempt}", "id_tail": wrong}, REMOTE_ADDR="10.3.0.1"
        )
        assert response.status_code == 404
    other_number = client.get(
        url, {"number": "SQ20251110ANOTHR", "id_tail": wrong}, REMOTE_ADDR="10.3.0.1"
    )
    assert other_number.status_code == 429


def _all_notices(actors: Actors, clock: Any, baseline: Any) -> list[Notice]:
    """Both kinds of notice for both kinds of case."""
    household = Household.objects.get()
    case = self_apply(household)
    advance(case, actors, CaseState.COMPLETED, clock)
    household.refresh_from_db()
    assessed(household, baseline, identified_month="2024-01", as_of_month="2026-06")
    elimination = services.elimination_propose(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        household=household,
        elimination_method=codes.EliminationMethod.ASSISTED,
        reason="收入稳定",
    )
    advance(elimination, actors, CaseState.COMPLETED, clock)
    return list(Notice.objects.order_by("id"))


def test_every_kind_of_notice_shows_no_sensitive_fields_and_links_to_itself(
    actors: Actors, household: Household, clock: Any, baseline: Any
) -> None:
    Member.objects.filter(household=household, relation=codes.Relation.SPOUSE).update(
        health=codes.Health.SERIOUS_ILLNESS
    )
    notices = _all_notices(actors, clock, baseline)
    assert {(n.content["case_kind"], n.kind) for n in notices} == {
        ("identification", "publicity"),
        ("identification", "announcement"),
        ("elimination", "publicity"),
        ("elimination", "announcement"),
    }
    household.refresh_from_db()
    secrets = [member.id_number for member in household.members.all()]
    secrets += [member.id_number[-8:] for member in household.members.all()]
    secrets += [household.phone, household.bank_account, "13800001111"]
    secrets += [str(label) for label in codes.Health.labels if str(label) != "健康"]
    secrets += ["因病", "因残", "医疗"]
    anonymous = Client()
    for notice in notices:
        clock.move_to(notice.starts_on)
        response = anonymous.get(reverse("monitoring:notice-public", args=[notice.token]))
        body = response.content.decode()
        assert response.status_code == 200
        assert "张建国" in body
        for secret in secrets:
            assert secret not in body, f"{notice.kind}/{notice.content['case_kind']} shows {secret}"
        url = f"http://testserver{reverse('monitoring:notice-public', args=[notice.token])}"
        assert qr_svg(url) in body
        assert segno.make(url, error="m", micro=False).designator  # a valid QR symbol


def test_list_and_todo_query_counts_do_not_grow_with_cases(
    actors: Actors, household: Household, django_assert_num_queries: Any
) -> None:
    self_apply(household)
    for number in ("220122101201002", "220122101201003", "220122101201004"):
        services.clue_register(
            actor=actors.village_officer,
            scope=scope_of(actors.village_officer),
            household=register_household(actors, number),
            risk_types=[codes.RiskType.ACCIDENT],
            description="意外受伤",
        )
    client = client_for(actors.county_admin)
    client.get(reverse("monitoring:case-list"))  # warm the session and the content types
    # One of them reads the holiday calendar, once for the whole page; the session is not
    # written again within the minute (ADR 0027).
    with django_assert_num_queries(7):
        assert client.get(reverse("monitoring:case-list")).status_code == 200
    officer = client_for(actors.village_officer)
    officer.get(reverse("monitoring:todo"))
    # Two more read assistance: households waiting for a cadre and visits coming due.
    with django_assert_num_queries(8):
        assert officer.get(reverse("monitoring:todo")).status_code == 200


def test_village_officer_prints_the_self_application_qr_code(actors: Actors, regions: None) -> None:
    response = client_for(actors.village_officer).get(reverse("monitoring:apply-poster"))
    body = response.content.decode()
    url = f"http://testserver{reverse('monitoring:apply')}?village={VILLAGE}"
    assert f'data-url="{url}"' in body
    assert qr_svg(url) in body
    outside = client_for(actors.other_village_officer).get(
        reverse("monitoring:apply-poster"), {"village": VILLAGE}
    )
    assert "data-url" not in outside.content.decode()


def test_documents_download_only_inside_the_scope_and_are_audited(
    actors: Actors, household: Household
) -> None:
    sample = sample_case(actors, household)
    url = reverse("monitoring:attachment-download", args=[sample.attachment.pk])
    assert_scope_matrix(
        lambda client: client.get(url),
        {
            actors.village_officer: Expectation(200, shows=("signed",)),
            actors.township_reviewer: Expectation(200),
            actors.other_village_officer: Expectation(404, hides=("signed",)),
            actors.other_county_admin: Expectation(404, hides=("signed",)),
            None: Expectation(302),
        },
    )
    assert AuditEvent.objects.filter(action="monitoring.attachment_download").count() == 2


def test_objections_are_recorded_and_resolved_on_the_case_page(
    actors: Actors, household: Household
) -> None:
    sample = sample_case(actors, household)
    client = client_for(actors.village_officer)
    detail = client.get(reverse("monitoring:case-detail", args=[sample.case.pk])).content
    assert "publicity-card" in detail.decode()
    response = client.post(
        reverse("monitoring:objection-add", args=[sample.case.pk]),
        {"received_on": "2025-11-10", "content": "该户有经营性货车"},
    )
    assert response.status_code == 302
    for objection in sample.notice.objections.all():
        client.post(
            reverse("monitoring:objection-resolve", args=[objection.pk]),
            {"resolution": "经核实不属实"},
        )
    assert not sample.notice.objections.filter(resolved_on__isnull=True).exists()
    # another village's officer can neither record nor resolve
    other = client_for(actors.other_village_officer)
    assert (
        other.post(
            reverse("monitoring:objection-add", args=[sample.case.pk]),
            {"received_on": "2025-11-10", "content": "x"},
        ).status_code
        == 404
    )
    assert sample.notice.objections.count() == 2


def test_clue_and_elimination_forms_are_for_village_and_county_staff(
    actors: Actors, household: Household, baseline: Any
) -> None:
    clue_url = reverse("monitoring:clue-create", args=[household.pk])
    elimination_url = reverse("monitoring:elimination-propose", args=[household.pk])
    assert client_for(actors.other_village_officer).get(clue_url).status_code == 404
    assert client_for(actors.other_county_admin).get(elimination_url).status_code == 404
    township = client_for(actors.township_reviewer)
    with nothing_changes(household):
        refused = township.post(
            clue_url, {"risk_types": [codes.RiskType.ILLNESS], "description": "x"}
        )
    assert refused.status_code == 400
    assert "村级信息员或驻村工作队" in refused.content.decode()
    assert not MonitoringCase.objects.exists()


def test_elimination_page_shows_the_guards_that_block_it(
    actors: Actors, household: Household, baseline: Any, clock: Any
) -> None:
    case = self_apply(household)
    advance(case, actors, CaseState.COMPLETED, clock)
    household.refresh_from_db()
    assessed(household, baseline, whole_household_no_labor=True)
    client = client_for(actors.village_officer)
    url = reverse("monitoring:elimination-propose", args=[household.pk])
    page = client.get(url).content.decode()
    assert "elimination-guards" in page
    assert "整户无劳动能力兜底保障户" in page
    with nothing_changes(household):
        response = client.post(url, {"elimination_method": "assisted", "reason": "收入稳定"})
    assert response.status_code == 400
    assert MonitoringCase.objects.filter(kind="elimination").count() == 0


def test_a_notice_shows_names_only_during_its_period(
    actors: Actors, household: Household, clock: Any
) -> None:
    sample = sample_case(actors, household)
    url = reverse("monitoring:notice-public", args=[sample.notice.token])
    assert "张建国" in Client().get(url).content.decode()
    clock.move_to(sample.notice.ends_on + timedelta(days=1))
    body = Client().get(url).content.decode()
    assert "notice-closed" in body
    assert "张建国" not in body


def test_county_staff_generate_system_warnings_from_the_case_list(
    actors: Actors, household: Household
) -> None:
    factories.assessed_level([household.pk], is_monitoring_eligible=True)
    url = reverse("monitoring:warnings-generate")
    client_for(actors.village_officer).post(url)
    assert not MonitoringCase.objects.exists()
    response = client_for(actors.county_admin).post(url)
    assert response.status_code == 302
    case = MonitoringCase.objects.get()
    assert (case.household, case.channel) == (household, "system")


def test_applicant_contact_is_masked_and_revealed_with_an_audit_event(
    actors: Actors, household: Household
) -> None:
    sample = sample_case(actors, household)
    page = client_for(actors.village_officer).get(
        reverse("monitoring:case-detail", args=[sample.case.pk])
    )
    body = page.content.decode()
    assert "138****1111" in body
    assert "13800001111" not in body
    assert sample.clue.id_number not in body
    url = reverse("monitoring:clue-reveal", args=[sample.clue.pk, "phone"])
    assert_scope_matrix(
        lambda client: client.post(url),
        {
            actors.village_officer: Expectation(200, shows=("13800001111",)),
            actors.other_village_officer: Expectation(404, hides=("13800001111",)),
            actors.auditor: Expectation(403, hides=("13800001111",)),
            None: Expectation(302),
        },
    )
    assert AuditEvent.objects.filter(action="monitoring.clue_reveal_contact").count() == 1
    officer = client_for(actors.village_officer)
    with nothing_changes(sample.clue):
        refused = officer.post(
            reverse("monitoring:clue-reveal", args=[sample.clue.pk, "description"])
        )
    assert refused.status_code == 400
    assert AuditEvent.objects.filter(action="monitoring.clue_reveal_contact").count() == 1
