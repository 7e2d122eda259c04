"""The interface is Chinese whatever the browser asks for; English only when a person
chooses it, remembered for a signed-in user across browsers."""

import pytest
from django.test import Client
from django.urls import reverse

from fupin.audit.models import AuditEvent
from fupin.audit.presentation import describe
from fupin.core.errors import ApplicationError
from fupin.preferences.models import UserPreference
from fupin.preferences.services import preference_set_language
from tests.support import COUNTY, Actors, client_for, nothing_changes

ENGLISH_BROWSER = {"accept-language": "en-US,en;q=0.9"}


def test_an_english_browser_gets_chinese_pages(actors: Actors) -> None:
    # given a signed-in user whose browser prefers English and who never chose a language
    client = client_for(actors.county_admin)
    # when they open the household list, then it speaks Chinese
    response = client.get(reverse("registry:household-list"), headers=ENGLISH_BROWSER)
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    assert "农户" in response.content.decode()
    assert "Households" not in response.content.decode()


def test_a_visitor_gets_chinese_and_may_choose_english_for_this_browser(regions: None) -> None:
    client = Client()
    assert client.get("/apply/", headers=ENGLISH_BROWSER)["Content-Language"] == "zh-hans"
    # when the visitor chooses English, it is kept in a cookie (no account to remember it)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/apply/"})
    assert response.status_code == 302
    assert response["Location"] == "/apply/"
    assert client.get("/apply/")["Content-Language"] == "en"
    assert UserPreference.objects.count() == 0


def test_a_signed_in_users_choice_follows_them_to_another_browser(actors: Actors) -> None:
    # given the county admin chooses English in one browser
    first = client_for(actors.county_admin)
    first.post(reverse("set_language"), {"language": "en", "next": "/households/"})
    assert first.get("/households/")["Content-Language"] == "en"
    # then a fresh session elsewhere is English too, and another user stays Chinese
    assert client_for(actors.county_admin).get("/households/")["Content-Language"] == "en"
    assert client_for(actors.village_officer).get("/households/")["Content-Language"] == "zh-hans"
    # and the choice is audited in the user's region, with the language by its name
    event = AuditEvent.objects.get(action="preferences.preference_set_language")
    assert event.region_code == COUNTY
    assert event.actor_id == actors.county_admin.pk
    row = describe(event)
    assert [(line.label, line.after) for line in row.changes] == [("界面语言", "英语")]
    assert row.action_label == "切换界面语言"


def test_switching_back_to_chinese_is_remembered(actors: Actors) -> None:
    client = client_for(actors.county_admin)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert client_for(actors.county_admin).get("/households/")["Content-Language"] == "zh-hans"
    assert AuditEvent.objects.filter(action="preferences.preference_set_language").count() == 2


def test_an_unknown_language_changes_nothing(actors: Actors) -> None:
    with nothing_changes(), pytest.raises(ApplicationError, match="不支持该界面语言"):
        preference_set_language(actor=actors.county_admin, language="fr", region_code=COUNTY)
    client = client_for(actors.county_admin)
    with nothing_changes():
        response = client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert response.status_code == 302
    assert client.get("/households/")["Content-Language"] == "zh-hans"


def test_the_next_address_must_be_this_site(actors: Actors) -> None:
    response = client_for(actors.county_admin).post(
        reverse("set_language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_setting_the_language_needs_post(actors: Actors) -> None:
    assert client_for(actors.county_admin).get(reverse("set_language")).status_code == 405
