"""A case with a document, a running publicity and an objection, made with the real
services; the URL smoke test uses it for the monitoring pages' parameters."""

from dataclasses import dataclass

from django.utils import timezone

from fupin.accounts.scoping import scope_for
from fupin.monitoring import services
from fupin.monitoring.models import (
    Attachment,
    MonitoringCase,
    Notice,
    Objection,
    ReviewMeeting,
    RiskClue,
)
from fupin.registry import codes
from fupin.registry.models import Household
from tests.support import VILLAGE, Actors


@dataclass(frozen=True)
class SampleCase:
    case: MonitoringCase
    clue: RiskClue
    attachment: Attachment
    notice: Notice
    objection: Objection


def sample_case(actors: Actors, household: Household) -> SampleCase:
    scope = scope_for(actors.village_officer)
    assert scope is not None
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
    services.case_visit_record(
        actor=officer,
        scope=scope,
        case=case,
        visited_on=today,
        visitors="王书记",
        findings="属实",
        has_consent=True,
        files=[services.UploadedFile("承诺授权书.txt", "text/plain", b"signed")],
    )
    services.case_comparison_record(actor=officer, scope=scope, case=case, findings="无异常")
    services.case_review_record(
        actor=officer,
        scope=scope,
        case=case,
        held_on=today,
        participants="村民代表",
        result=ReviewMeeting.Result.AGREED,
        monitoring_category=codes.MonitoringCategory.MARGINAL,
    )
    notice = services.case_publicity_start(actor=officer, scope=scope, case=case)
    objection = services.objection_record(
        actor=officer, scope=scope, notice=notice, received_on=today, content="有疑问"
    )
    attachment = Attachment.objects.get(name="承诺授权书.txt")
    return SampleCase(
        case=case, clue=clue, attachment=attachment, notice=notice, objection=objection
    )
