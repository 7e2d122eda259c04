"""Edit forms follow the detail page's rule: personal data is shown masked, an unchanged
mask keeps the stored value, a new full value replaces it. Reading the form reveals nothing,
so it needs no audit event; the household list export carries no personal data at all."""

from typing import Any

import fastexcel
from django.urls import reverse

from fupin.accounts.scoping import scope_for
from fupin.audit.models import AuditEvent
from fupin.core.masking import mask_bank_account, mask_id_number, mask_phone
from fupin.registry import codes
from fupin.registry.models import Household, Member
from fupin.registry.services import household_register
from fupin.registry.tests import factories
from tests.support import VILLAGE, Actors, client_for

PHONE = "13912345678"
BANK_ACCOUNT = "6221881234567890123"


def _household(actors: Actors) -> Household:
    scope = scope_for(actors.village_officer)
    assert scope is not None
    return household_register(
        actor=actors.village_officer,
        scope=scope,
        data=factories.household("H001", VILLAGE, phone=PHONE, bank_account=BANK_ACCOUNT),
        members=factories.family(),
    )


def _member_form(member: Member, **changes: str) -> dict[str, Any]:
    form = {
        "name": member.name,
        "id_number": mask_id_number(member.id_number),
        "relation": member.relation,
        "ethnicity": member.ethnicity,
        "schooling": member.schooling,
        "health": member.health,
        "labor_skill": member.labor_skill,
        "migrant_work": member.migrant_work,
        "migrant_months": "0",
        "version": str(member.version),
    }
    form.update(changes)
    return form


def _household_form(household: Household, **changes: str) -> dict[str, Any]:
    form = {
        "number": household.number,
        "region_code": household.village_id,
        "primary_cause": household.primary_cause,
        "phone": mask_phone(PHONE),
        "bank_account": mask_bank_account(BANK_ACCOUNT),
        "version": str(household.version),
    }
    form.update(changes)
    return form


def test_member_edit_form_shows_the_id_number_masked(actors: Actors) -> None:
    head = _household(actors).members.get(relation=codes.Relation.HEAD)
    events = AuditEvent.objects.count()
    body = (
        client_for(actors.village_officer)
        .get(reverse("registry:member-edit", args=[head.pk]))
        .content.decode()
    )
    assert head.id_number not in body
    assert f'value="{mask_id_number(head.id_number)}"' in body
    assert AuditEvent.objects.count() == events


def test_member_edit_with_the_mask_unchanged_keeps_the_stored_number(actors: Actors) -> None:
    child = _household(actors).members.get(relation=codes.Relation.SON)
    stored = child.id_number
    response = client_for(actors.village_officer).post(
        reverse("registry:member-edit", args=[child.pk]), _member_form(child, name="张晓明")
    )
    assert response.status_code == 302
    child.refresh_from_db()
    assert (child.name, child.id_number) == ("张晓明", stored)
    # the audit trail records the change of name, and no change of ID number
    event = AuditEvent.objects.get(action="registry.member_update")
    assert event.changes["name"] == ["张小明", "张晓明"]
    assert "id_number" not in event.changes


def test_member_edit_with_a_new_number_replaces_it(actors: Actors) -> None:
    child = _household(actors).members.get(relation=codes.Relation.SON)
    new_number = factories.id_number(child.birth_date, male=True)
    response = client_for(actors.village_officer).post(
        reverse("registry:member-edit", args=[child.pk]),
        _member_form(child, id_number=new_number),
    )
    assert response.status_code == 302
    child.refresh_from_db()
    assert child.id_number == new_number


def test_member_edit_refuses_a_half_edited_mask_and_changes_nothing(actors: Actors) -> None:
    child = _household(actors).members.get(relation=codes.Relation.SON)
    stored = child.id_number
    half_edited = "110101" + mask_id_number(stored)[6:]
    response = client_for(actors.village_officer).post(
        reverse("registry:member-edit", args=[child.pk]),
        _member_form(child, id_number=half_edited, name="改名"),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "请填写完整的新号码" in body
    assert stored not in body
    child.refresh_from_db()
    assert (child.name, child.id_number) == ("张小明", stored)


def test_household_edit_form_shows_phone_and_bank_account_masked(actors: Actors) -> None:
    household = _household(actors)
    events = AuditEvent.objects.count()
    body = (
        client_for(actors.village_officer)
        .get(reverse("registry:household-edit", args=[household.pk]))
        .content.decode()
    )
    assert PHONE not in body
    assert BANK_ACCOUNT not in body
    assert f'value="{mask_phone(PHONE)}"' in body
    assert f'value="{mask_bank_account(BANK_ACCOUNT)}"' in body
    assert AuditEvent.objects.count() == events


def test_household_edit_with_masks_unchanged_keeps_phone_and_bank_account(
    actors: Actors,
) -> None:
    household = _household(actors)
    response = client_for(actors.village_officer).post(
        reverse("registry:household-edit", args=[household.pk]),
        _household_form(household, address="新地址"),
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert (household.address, household.phone, household.bank_account) == (
        "新地址",
        PHONE,
        BANK_ACCOUNT,
    )


def test_household_edit_with_a_new_phone_replaces_only_the_phone(actors: Actors) -> None:
    household = _household(actors)
    response = client_for(actors.village_officer).post(
        reverse("registry:household-edit", args=[household.pk]),
        _household_form(household, phone="13800001111"),
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert (household.phone, household.bank_account) == ("13800001111", BANK_ACCOUNT)


def test_household_list_export_holds_no_personal_data(actors: Actors) -> None:
    household = _household(actors)
    response = client_for(actors.county_admin).get(reverse("registry:household-export"))
    sheet = fastexcel.read_excel(response.content).load_sheet(0, dtypes="string").to_polars()
    cells = {value for column in sheet.iter_columns() for value in column.to_list()}
    personal = {PHONE, BANK_ACCOUNT, *household.members.values_list("id_number", flat=True)}
    assert household.number in cells
    assert cells.isdisjoint(personal)
