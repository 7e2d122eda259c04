"""A file sent with a step form that is refused is kept: the form shown again says
"已上传" and the file joins the step when the form is sent again."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from fupin.accounts.models import Role
from fupin.audit.models import AuditEvent
from fupin.core.errors import ApplicationError
from fupin.monitoring import services, steps
from fupin.monitoring.models import ApprovalRecord, Attachment, CaseState, Step
from fupin.monitoring.tests.conftest import advance, self_apply
from fupin.registry.models import Household
from tests.support import VILLAGE, Actors, client_for, make_user, nothing_changes, scope_of


def _comparison_case(household: Household, actors: Actors, clock: Any) -> Any:
    case = self_apply(household)
    advance(case, actors, CaseState.COMPARISON, clock)
    return case


def _scan() -> SimpleUploadedFile:
    return SimpleUploadedFile("比对结果.pdf", b"%PDF-1.4 scan", content_type="application/pdf")


def test_refused_form_keeps_the_file_and_uses_it_next_time(
    household: Household, actors: Actors, clock: Any
) -> None:
    case = _comparison_case(household, actors, clock)
    client = client_for(actors.village_officer)
    url = reverse("monitoring:case-step", args=[case.pk])
    # when the officer sends the file but forgets the findings
    refused = client.post(url, {"findings": "", "attachment": _scan()})
    # then the form comes back saying the file is already uploaded
    assert refused.status_code == 400
    body = refused.content.decode()
    assert 'data-testid="held-attachment"' in body
    assert "已上传：比对结果.pdf" in body
    held = Attachment.objects.get(name="比对结果.pdf")
    assert AuditEvent.objects.filter(action="monitoring.attachment_hold").count() == 1
    # when the form is sent again without choosing the file again
    done = client.post(url, {"findings": "无车辆、商品房"})
    # then the step is done with the kept file attached, stored once
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.REVIEW
    record = ApprovalRecord.objects.get(subject_id=str(case.pk), step=Step.COMPARISON)
    assert list(record.attachments.all()) == [held]
    assert Attachment.objects.filter(name="比对结果.pdf").count() == 1


def test_a_removed_file_is_not_attached(household: Household, actors: Actors, clock: Any) -> None:
    case = _comparison_case(household, actors, clock)
    client = client_for(actors.village_officer)
    url = reverse("monitoring:case-step", args=[case.pk])
    client.post(url, {"findings": "", "attachment": _scan()})
    done = client.post(url, {"findings": "无车辆", "discard_attachment": "1"})
    assert done.status_code == 302
    record = ApprovalRecord.objects.get(subject_id=str(case.pk), step=Step.COMPARISON)
    assert list(record.attachments.all()) == []


def test_a_kept_file_serves_only_the_user_who_sent_it(
    household: Household, actors: Actors, clock: Any
) -> None:
    case = _comparison_case(household, actors, clock)
    client_for(actors.village_officer).post(
        reverse("monitoring:case-step", args=[case.pk]), {"findings": "", "attachment": _scan()}
    )
    held = Attachment.objects.get(name="比对结果.pdf")
    # a colleague of the same village cannot attach the officer's kept file
    colleague = make_user("colleague", Role.VILLAGE_OFFICER, VILLAGE)
    with nothing_changes(case), pytest.raises(ApplicationError) as refused:
        steps.step_run(
            actor=colleague,
            scope=scope_of(colleague),
            case=case,
            data={"findings": "无车辆", "attachment": held},
        )
    assert refused.value.message == "附件“比对结果.pdf”已失效，请重新上传。"
    # the officer can, once
    steps.step_run(
        actor=actors.village_officer,
        scope=scope_of(actors.village_officer),
        case=case,
        data={"findings": "无车辆", "attachment": held},
    )
    assert not services.is_held_by(held, actors.village_officer)


def test_kept_files_nobody_used_are_removed_after_a_day(
    household: Household, actors: Actors, clock: Any
) -> None:
    case = _comparison_case(household, actors, clock)
    client_for(actors.village_officer).post(
        reverse("monitoring:case-step", args=[case.pk]), {"findings": "", "attachment": _scan()}
    )
    assert services.attachments_held_cleanup() == 0
    used = Attachment.objects.exclude(name="比对结果.pdf").count()
    clock.move_to(timezone.now() + timedelta(hours=25))
    assert services.attachments_held_cleanup() == 1
    assert not Attachment.objects.filter(name="比对结果.pdf").exists()
    # documents of steps stay
    assert Attachment.objects.count() == used
