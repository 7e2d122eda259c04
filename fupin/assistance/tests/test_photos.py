"""Visit photos: thumbnails on the visit's photo page, a full-size view, served only to
those whose scope covers the household and who may see personal data, every view audited."""

from datetime import date

import pytest
from django.urls import reverse

from fupin.accounts.models import User
from fupin.assistance import services
from fupin.assistance.models import Visit, VisitPhoto
from fupin.assistance.tests.samples import TINY_PNG
from fupin.audit.models import AuditEvent
from fupin.registry.models import Household
from tests.support import Actors, Expectation, assert_scope_matrix, client_for, scope_of


@pytest.fixture
def visit(cadre_user: User, assigned: Household) -> Visit:
    visit, _created = services.visit_record(
        actor=cadre_user,
        scope=scope_of(cadre_user),
        household=assigned,
        client_token="photo-visit",
        visited_on=date(2025, 11, 8),
        met_person="李秀兰",
        photos=[
            services.PhotoUpload("门口.png", "image/png", TINY_PNG),
            services.PhotoUpload("屋内.png", "image/png", TINY_PNG + b"\x00"),
        ],
    )
    return visit


def _views() -> int:
    return AuditEvent.objects.filter(action="assistance.visit_photo_view").count()


def test_household_section_links_to_the_photos_for_those_who_may_see_them(
    actors: Actors, cadre_user: User, visit: Visit
) -> None:
    section = reverse("assistance:household-section", args=[visit.household_id])
    link = reverse("assistance:visit-photos", args=[visit.pk])
    assert_scope_matrix(
        lambda client: client.get(section),
        {
            cadre_user: Expectation(200, shows=(link, "照片 2 张")),
            actors.township_reviewer: Expectation(200, shows=(link,)),
            actors.auditor: Expectation(200, shows=("照片 2 张",), hides=(link,)),
        },
    )


def test_visit_page_shows_thumbnails_and_each_opens_full_size(
    cadre_user: User, visit: Visit
) -> None:
    client = client_for(cadre_user)
    first, second = VisitPhoto.objects.filter(visit=visit).order_by("id")
    page = client.get(reverse("assistance:visit-photos", args=[visit.pk])).content.decode()
    for photo in (first, second):
        assert reverse("assistance:visit-photo", args=[photo.pk]) in page
        assert reverse("assistance:visit-photo-image", args=[photo.pk]) in page
    full = client.get(reverse("assistance:visit-photo", args=[first.pk])).content.decode()
    assert "走访照片 1 / 2" in full
    assert reverse("assistance:visit-photo", args=[second.pk]) in full
    assert 'data-testid="photo-previous"' not in full
    # pages name the photos; no bytes were served, so nothing is recorded yet
    assert _views() == 0


def test_photo_bytes_are_served_uncached_and_every_view_is_audited(
    cadre_user: User, visit: Visit
) -> None:
    photo = VisitPhoto.objects.filter(visit=visit).order_by("id").first()
    assert photo is not None
    url = reverse("assistance:visit-photo-image", args=[photo.pk])
    client = client_for(cadre_user)
    for expected_views in (1, 2):
        response = client.get(url)
        assert response.status_code == 200
        assert response.content == TINY_PNG
        assert response["Content-Type"] == "image/png"
        assert response["Cache-Control"] == "private, no-store"
        assert _views() == expected_views
    event = AuditEvent.objects.filter(action="assistance.visit_photo_view").latest("id")
    assert (event.actor_id, event.region_code, event.changes) == (
        cadre_user.pk,
        visit.household.village_id,
        {"household": visit.household.number, "visited_on": "2025-11-08", "photo": "门口.png"},
    )


def test_photos_are_refused_outside_the_scope_and_without_the_right(
    actors: Actors, cadre_user: User, visit: Visit
) -> None:
    photo = VisitPhoto.objects.filter(visit=visit).order_by("id").first()
    assert photo is not None
    expectations = {
        actors.village_officer: 200,
        actors.township_reviewer: 200,
        actors.auditor: 403,
        actors.other_village_officer: 404,
        actors.other_county_admin: 404,
        actors.no_role: 403,
        None: 302,
    }
    for url in (
        reverse("assistance:visit-photos", args=[visit.pk]),
        reverse("assistance:visit-photo", args=[photo.pk]),
        reverse("assistance:visit-photo-image", args=[photo.pk]),
    ):
        for user, status in expectations.items():
            response = client_for(user).get(url)
            assert response.status_code == status, (url, user)
            if status != 200:
                assert TINY_PNG not in response.content
    # the refused never got the bytes: only the two allowed views of the image are recorded
    assert set(
        AuditEvent.objects.filter(action="assistance.visit_photo_view").values_list(
            "actor_id", flat=True
        )
    ) == {actors.village_officer.pk, actors.township_reviewer.pk}
    assert _views() == 2
