import pytest
from django.db import transaction
from django.urls import reverse

from fupin.audit.models import AppendOnlyError, AuditEvent
from fupin.audit.services import AuditOutsideTransactionError, audit_record
from tests.support import (
    COUNTY,
    OTHER_COUNTY,
    VILLAGE,
    Actors,
    Expectation,
    assert_scope_matrix,
    client_for,
)


def _record(action: str, region_code: str, actor: object = None) -> AuditEvent:
    with transaction.atomic():
        return audit_record(
            actor=actor,  # type: ignore[arg-type]
            action=action,
            subject_type="test.thing",
            subject_id="1",
            subject_label=f"{action}-label",
            region_code=region_code,
        )


def test_audit_record_refuses_to_run_outside_a_transaction(transactional_db: None) -> None:
    with pytest.raises(AuditOutsideTransactionError):
        audit_record(actor=None, action="test.outside", subject_type="x")
    assert not AuditEvent.objects.exists()


def test_audit_events_roll_back_with_the_change(db: None) -> None:
    def change_that_fails() -> None:
        with transaction.atomic():
            audit_record(actor=None, action="test.rolled_back", subject_type="x")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        change_that_fails()
    assert not AuditEvent.objects.exists()


def test_audit_events_cannot_be_changed_or_deleted(db: None) -> None:
    event = _record("test.kept", COUNTY)
    event.action = "test.changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get().action == "test.kept"


def test_audit_page_scope_matrix(actors: Actors) -> None:
    _record("test.in_county", VILLAGE)
    _record("test.other_county", OTHER_COUNTY)
    url = reverse("audit:event-list")
    assert_scope_matrix(
        lambda client: client.get(url),
        {
            None: Expectation(302),
            actors.village_officer: Expectation(403, hides=("test.in_county",)),
            actors.township_reviewer: Expectation(403),
            actors.auditor: Expectation(
                200, shows=("test.in_county",), hides=("test.other_county",)
            ),
            actors.county_admin: Expectation(
                200, shows=("test.in_county",), hides=("test.other_county",)
            ),
            actors.other_county_admin: Expectation(
                200, shows=("test.other_county",), hides=("test.in_county",)
            ),
            actors.system_admin: Expectation(200, shows=("test.in_county", "test.other_county")),
        },
    )


def test_audit_page_filters_by_actor_action_subject_and_date(actors: Actors) -> None:
    _record("test.alpha", COUNTY, actors.county_admin)
    _record("test.beta", COUNTY, actors.auditor)
    client = client_for(actors.auditor)
    url = reverse("audit:event-list")

    def rows(query: str) -> str:
        return client.get(f"{url}?{query}", headers={"HX-Request": "true"}).content.decode()

    assert "test.alpha" in rows("actor=county_admin")
    assert "test.beta" not in rows("actor=county_admin")
    assert "test.beta" in rows("action=test.beta")
    assert "test.alpha" not in rows("action=test.beta")
    assert "test.alpha" in rows("subject=alpha-label")
    assert "test.beta" not in rows("subject=alpha-label")
    assert "没有符合条件的审计记录" in rows("date_to=2000-01-01")
    assert "test.alpha" in rows("date_from=2000-01-01")


def test_audit_page_filters_by_the_region_chosen_in_the_picker(actors: Actors) -> None:
    _record("test.village", VILLAGE, actors.county_admin)
    _record("test.county", COUNTY, actors.county_admin)
    client = client_for(actors.auditor)
    url = reverse("audit:event-list")
    page = client.get(url).content.decode()
    assert 'data-testid="region-filter"' in page
    assert 'data-region-filter="region"' in page
    village = client.get(url, {"region": VILLAGE}, headers={"HX-Request": "true"})
    assert "test.village" in village.content.decode()
    assert "test.county" not in village.content.decode()
    town = client.get(url, {"region": "220122101"}, headers={"HX-Request": "true"})
    assert "test.village" in town.content.decode()
