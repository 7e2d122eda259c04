"""One assistance record of every kind a URL names, made with the real services; the URL
smoke test, the visible-text scan and the phone-width walk use them."""

from datetime import date

from fupin.assistance import services
from fupin.assistance.models import CadreLevel, TeamPost
from fupin.registry.models import Household
from tests.support import VILLAGE, Actors, scope_of

# A 1×1 PNG: a real image, so the photo pages show one.
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
    "0000000c49444154789c63f8ffff3f0005fe02fe0def46b80000000049454e44ae426082"
)


def sample_assistance(actors: Actors, household: Household) -> dict[str, int]:
    """A measure, a risk, a cadre paired with the household, a work-team member and a
    visit with a photo; returns the URL parameters naming them."""
    actor = actors.system_admin
    scope = scope_of(actor)
    measure = services.measure_add(
        actor=actor,
        scope=scope,
        household=household,
        year=2025,
        category_code="100A40",
        subtype="县内企业务工",
        responsible_unit="县人社局",
        started_on=date(2025, 4, 1),
    )
    risk = services.risk_add(
        actor=actor,
        scope=scope,
        household=household,
        risk_type="1",
        found_on=date(2025, 4, 1),
        source="visit",
    )
    cadre = services.cadre_create(
        actor=actor,
        scope=scope,
        name="王志强",
        unit="农安县农业农村局",
        post="科员",
        phone="13700001234",
        level=CadreLevel.COUNTY,
        region_code=VILLAGE[:6],
    )
    [assignment] = services.cadre_assign(
        actor=actor, scope=scope, cadre=cadre, households=[household], started_on=date(2025, 4, 1)
    )
    team_member = services.work_team_member_add(
        actor=actor,
        scope=scope,
        village_code=VILLAGE,
        name="赵晓东",
        unit="吉林省财政厅",
        post=TeamPost.FIRST_SECRETARY,
        phone="13500001111",
        started_on=date(2025, 5, 1),
    )
    visit, _created = services.visit_record(
        actor=actor,
        scope=scope,
        household=household,
        client_token="smoke-visit",
        visited_on=date(2025, 4, 2),
        met_person="户主",
        photos=[services.PhotoUpload("门口.png", "image/png", TINY_PNG)],
    )
    return {
        "measure_id": measure.pk,
        "risk_id": risk.pk,
        "cadre_id": cadre.pk,
        "assignment_id": assignment.pk,
        "team_member_id": team_member.pk,
        "assistance_visit_id": visit.pk,
        "photo_id": visit.photos.get().pk,
    }
