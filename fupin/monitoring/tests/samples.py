"""A case with a document, a running publicity and an objection, made with the real
services; the URL smoke test uses it for the monitoring pages' parameters."""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from fupin.monitoring import services, steps
from fupin.monitoring.models import (
    Attachment,
    CaseState,
    MonitoringCase,
    Notice,
    Objection,
    RiskClue,
)
from fupin.registry import codes
from fupin.registry.models import Household
from tests.support import VILLAGE, Actors, scope_of


@dataclass(frozen=True)
class SampleCase:
    case: MonitoringCase
    clue: RiskClue
    attachment: Attachment
    notice: Notice
    objection: Objection


def sample_case(actors: Actors, household: Household) -> SampleCase:
    scope = scope_of(actors.village_officer)
    officer = actors.village_officer
    today = timezone.localdate()
    clue = services.clue_self_apply(
        name="张建国",
        id_number=household.members.get(relation=codes.Relation.HEAD).id_number,
        phone="13800001111",
        village_code=VILLAGE,
        risk_types=[codes.RiskType.ILLNESS],
        description="医疗费用高",
        has_consent=True,
    )
    assert clue.case is not None
    case = clue.case
    consent = SimpleUploadedFile("承诺授权书.txt", b"signed", content_type="text/plain")
    village = steps.Performer(officer, scope)
    visit = {**steps.routine_data(today)[CaseState.VISIT], "attachment": consent}
    steps.walk_case(
        case, until=CaseState.PUBLICITY, performers=[village], data={CaseState.VISIT: visit}
    )
    notice = steps.step_run(actor=officer, scope=scope, case=case, data={})
    objection = services.objection_record(
        actor=officer, scope=scope, notice=notice, received_on=today, content="有疑问"
    )
    attachment = Attachment.objects.get(name="承诺授权书.txt")
    return SampleCase(
        case=case, clue=clue, attachment=attachment, notice=notice, objection=objection
    )


def cadre_case(
    actors: Actors,
    household: Household,
    *,
    until: CaseState,
    after_publicity_start: Callable[[Notice], None],
) -> MonitoringCase:
    """A cadre's clue for the household, carried by its village's officer, the township
    and the county with the real services until the case waits for `until`;
    `after_publicity_start` lets the publicity's days pass."""
    officer = (
        actors.village_officer if household.village_id == VILLAGE else actors.other_village_officer
    )
    clue = services.clue_register(
        actor=officer,
        scope=scope_of(officer),
        household=household,
        risk_types=[codes.RiskType.ILLNESS],
        description="医疗支出大",
        received_on=timezone.localdate(),
    )
    assert clue.case is not None
    users = [officer, actors.township_reviewer, actors.county_admin]
    steps.walk_case(
        clue.case,
        until=until,
        performers=[steps.Performer(user, scope_of(user)) for user in users],
        after_publicity_start=after_publicity_start,
    )
    clue.case.refresh_from_db()
    return clue.case
