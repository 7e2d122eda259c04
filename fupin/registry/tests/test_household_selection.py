"""The household list's selection: export the ticked households, print their 一户一档,
and the region filter chosen with the cascading picker."""

from io import BytesIO

import polars as pl
from django.urls import reverse

from fupin.audit.models import AuditEvent
from fupin.registry.models import Household
from fupin.registry.services import household_register
from fupin.registry.tests import factories
from tests.support import OTHER_VILLAGE, TOWN, VILLAGE, Actors, client_for, scope_of


def _household(actors: Actors, number: str, village: str = VILLAGE) -> Household:
    officer = actors.village_officer if village == VILLAGE else actors.other_village_officer
    return household_register(
        actor=officer,
        scope=scope_of(officer),
        data=factories.household(number, village),
        members=factories.family(),
    )


def test_export_selected_writes_only_the_ticked_households(actors: Actors) -> None:
    first, _second, third = (_household(actors, number) for number in ("H001", "H002", "H003"))
    response = client_for(actors.village_officer).get(
        reverse("registry:household-export"),
        {"selected": "1", "household": [str(first.pk), str(third.pk)]},
    )
    sheet = pl.read_excel(BytesIO(response.content), engine="calamine")
    assert sheet["户编号"].to_list() == ["H001", "H003"]
    event = AuditEvent.objects.get(action="registry.household_export")
    assert event.changes == {"rows": 2, "filters": {"选中农户": "2 户"}}


def test_export_selected_leaves_out_households_outside_the_scope(actors: Actors) -> None:
    own = _household(actors, "H001")
    other = _household(actors, "H900", OTHER_VILLAGE)
    response = client_for(actors.village_officer).get(
        reverse("registry:household-export"),
        {"selected": "1", "household": [str(own.pk), str(other.pk)]},
    )
    sheet = pl.read_excel(BytesIO(response.content), engine="calamine")
    assert sheet["户编号"].to_list() == ["H001"]


def test_export_selected_without_a_tick_exports_nothing(actors: Actors) -> None:
    _household(actors, "H001")
    response = client_for(actors.village_officer).get(
        reverse("registry:household-export"), {"selected": "1"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:household-list")
    assert not AuditEvent.objects.filter(action="registry.household_export").exists()


def test_print_selected_shows_one_masked_card_per_household(actors: Actors) -> None:
    first, second = _household(actors, "H001"), _household(actors, "H002")
    other = _household(actors, "H900", OTHER_VILLAGE)
    body = (
        client_for(actors.village_officer)
        .get(reverse("registry:household-cards"), {"household": [first.pk, second.pk, other.pk]})
        .content.decode()
    )
    assert body.count('data-testid="household-card"') == 2
    assert "H001" in body
    assert "H002" in body
    assert "H900" not in body
    for household in (first, second):
        for member in household.members.all():
            assert member.id_number not in body
        assert household.bank_account not in body


def test_household_list_has_the_selection_actions_for_every_role(actors: Actors) -> None:
    _household(actors, "H001")
    body = client_for(actors.auditor).get(reverse("registry:household-list")).content.decode()
    assert 'data-testid="export-selected"' in body
    assert 'data-testid="print-selected"' in body
    assert 'data-testid="assign-selected"' not in body
    assert 'name="household"' in body


def test_household_list_region_filter_is_the_picker(actors: Actors) -> None:
    _household(actors, "H001")
    _household(actors, "H900", OTHER_VILLAGE)
    client = client_for(actors.township_reviewer)
    body = client.get(reverse("registry:household-list")).content.decode()
    assert 'data-testid="region-filter"' in body
    assert reverse("registry:region-picker") + "?field=region_code&code=" in body
    assert 'data-region-filter="region_code"' in body
    # the picker's choice filters the list by prefix
    narrowed = client.get(reverse("registry:household-list"), {"region_code": OTHER_VILLAGE})
    text = narrowed.content.decode()
    assert "H900" in text
    assert "H001" not in text
    whole_town = client.get(reverse("registry:household-list"), {"region_code": TOWN})
    assert "H001" in whole_town.content.decode()
