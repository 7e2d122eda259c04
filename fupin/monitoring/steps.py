"""The case steps as data, next to the state machine of `workflow.py`: for each step, the
form a page shows, the service that performs it and how the form's data becomes the
service's arguments. The case page, the demo and the tests all do a step through
`step_run`, and `walk_case` carries a case forward the way the three levels would."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile as DjangoUpload
from django.forms import Form
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fupin.core.errors import ApplicationError
from fupin.core.scope import RegionScope
from fupin.monitoring import forms, selectors, services, workflow
from fupin.monitoring.models import Attachment, CaseState, MonitoringCase, Notice, ReviewMeeting
from fupin.registry import codes

# 村内公示 is two actions in one state: starting the notice, and closing it after its days.
PUBLICITY_START = "publicity_start"
PUBLICITY_CLOSE = "publicity_close"

StepData = Mapping[str, Any]

APPROVE_LABEL = gettext_lazy("通过，提交下一环节")


@dataclass(frozen=True)
class CaseStep:
    form: Callable[[MonitoringCase, Any, Any], Form]
    service: Callable[..., Any]
    # The service's arguments besides actor, scope and case, from a form's cleaned data.
    arguments: Callable[[StepData, RegionScope], dict[str, Any]]
    # The step form's heading and button (the state's label and APPROVE_LABEL when None).
    title: str | Promise | None = None
    submit_label: str | Promise | None = None


@dataclass(frozen=True)
class Performer:
    """Who does a step: a user with the scope of the assignment they act in."""

    user: AbstractBaseUser
    scope: RegionScope


def upload(file: DjangoUpload | Attachment | None) -> services.StepFile | None:
    """A form's file as a step takes it; a kept upload (`services.attachment_hold`) as is."""
    if file is None or isinstance(file, Attachment):
        return file
    file.seek(0)
    return services.UploadedFile(
        name=file.name or "file",
        content_type=file.content_type or "application/octet-stream",
        content=file.read(),
    )


def _files(data: StepData) -> list[services.StepFile]:
    file = upload(data.get("attachment"))
    return [file] if file is not None else []


def _visit_arguments(data: StepData, scope: RegionScope) -> dict[str, Any]:
    household = None
    if data.get("household_number"):
        household = selectors.household_in_scope(scope=scope, number=data["household_number"])
    return {
        "visited_on": data["visited_on"],
        "visitors": data["visitors"],
        "findings": data["findings"],
        "has_consent": data["has_consent"],
        "household": household,
        "risk_types": data.get("risk_types"),
        "files": _files(data),
    }


def _review_arguments(data: StepData, scope: RegionScope) -> dict[str, Any]:
    return {
        "held_on": data["held_on"],
        "participants": data["participants"],
        "result": data["result"],
        "monitoring_category": data.get("monitoring_category") or "",
        "opinion": data.get("opinion") or "",
        "minutes": upload(data.get("minutes")),
    }


STEPS: dict[str, CaseStep] = {
    CaseState.VISIT: CaseStep(
        form=lambda case, data, files: forms.VisitForm(
            data,
            files,
            needs_household=case.household_id is None,
            initial={"risk_types": case.risk_types},
        ),
        service=services.case_visit_record,
        arguments=_visit_arguments,
    ),
    CaseState.COMPARISON: CaseStep(
        form=lambda case, data, files: forms.ComparisonForm(data, files),
        service=services.case_comparison_record,
        arguments=lambda data, scope: {"findings": data["findings"], "files": _files(data)},
    ),
    CaseState.REVIEW: CaseStep(
        form=lambda case, data, files: forms.ReviewForm(
            data, files, kind=case.kind, initial={"monitoring_category": case.monitoring_category}
        ),
        service=services.case_review_record,
        arguments=_review_arguments,
    ),
    PUBLICITY_START: CaseStep(
        form=lambda case, data, files: forms.PublicityStartForm(
            data, initial={"days": selectors.workflow_setting_for(case.village_id).publicity_days}
        ),
        service=services.case_publicity_start,
        title=gettext_lazy("发布村内公示"),
        submit_label=gettext_lazy("发布公示"),
        arguments=lambda data, scope: {
            name: data[name] for name in ("starts_on", "days") if name in data
        },
    ),
    PUBLICITY_CLOSE: CaseStep(
        form=lambda case, data, files: forms.OpinionForm(data, files),
        service=services.case_publicity_close,
        title=gettext_lazy("公示期满，提交乡镇审核"),
        arguments=lambda data, scope: {"opinion": data.get("opinion") or ""},
    ),
    CaseState.TOWNSHIP: CaseStep(
        form=lambda case, data, files: forms.OpinionForm(data, files),
        service=services.case_township_review,
        arguments=lambda data, scope: {"opinion": data["opinion"], "files": _files(data)},
    ),
    CaseState.COUNTY: CaseStep(
        form=lambda case, data, files: forms.CountyForm(data, files),
        service=services.case_county_review,
        arguments=lambda data, scope: {
            "opinion": data["opinion"],
            "monitoring_category": data.get("monitoring_category") or "",
            "files": _files(data),
        },
    ),
    CaseState.ANNOUNCEMENT: CaseStep(
        form=lambda case, data, files: forms.OpinionForm(data, files),
        service=services.case_announce,
        title=gettext_lazy("发布本村公告"),
        submit_label=gettext_lazy("发布本村公告并标注"),
        arguments=lambda data, scope: {"opinion": data.get("opinion") or ""},
    ),
}


def current_step(case: MonitoringCase) -> str | None:
    """The key in `STEPS` of what the case waits for (None once it is closed)."""
    if case.state == CaseState.PUBLICITY:
        return PUBLICITY_CLOSE if selectors.publicity_running(case) else PUBLICITY_START
    return case.state if case.state in STEPS else None


def step_form(case: MonitoringCase, data: Any = None, files: Any = None) -> Form | None:
    """The form for the case's current step (None once the case is closed)."""
    key = current_step(case)
    return STEPS[key].form(case, data, files) if key is not None else None


def step_titles(case: MonitoringCase) -> tuple[str | Promise, str | Promise]:
    """The heading and button label of the case's step form."""
    key = current_step(case)
    if key is None:
        return case.get_state_display(), ""
    step = STEPS[key]
    return step.title or case.get_state_display(), step.submit_label or APPROVE_LABEL


def step_run(
    *, actor: AbstractBaseUser, scope: RegionScope, case: MonitoringCase, data: StepData
) -> Any:
    """Do the case's current step with `data` (a step form's cleaned data); returns what
    the step's service returns."""
    key = current_step(case)
    if key is None:
        raise ApplicationError(_("该事项已结束，没有可办理的环节。"), code="case_closed")
    step = STEPS[key]
    return step.service(actor=actor, scope=scope, case=case, **step.arguments(data, scope))


def routine_data(today: date) -> dict[str, StepData]:
    """What an uneventful case records at each step, for the demo and the tests."""
    return {
        CaseState.VISIT: {
            "visited_on": today,
            "visitors": "王书记、驻村工作队",
            "findings": "家中确有大病医疗支出，情况属实",
            "has_consent": True,
        },
        CaseState.COMPARISON: {"findings": "无车辆、商品房和工商登记"},
        CaseState.REVIEW: {
            "held_on": today,
            "participants": "村两委、驻村工作队、村民代表 12 人",
            "result": ReviewMeeting.Result.AGREED,
            "monitoring_category": codes.MonitoringCategory.MARGINAL,
        },
        PUBLICITY_START: {},
        PUBLICITY_CLOSE: {},
        CaseState.TOWNSHIP: {"opinion": "同意"},
        CaseState.COUNTY: {"opinion": "审定同意"},
        CaseState.ANNOUNCEMENT: {},
    }


def routine_category(case: MonitoringCase) -> str:
    """The category an uneventful review proposes: 脱贫不稳定户 for a 脱贫户, 边缘易致贫户
    for an 一般农户 (or an application without a registered household yet)."""
    household = case.household
    exited = household is not None and (
        household.household_type == codes.HouseholdType.EXITED or household.exit_year is not None
    )
    return codes.MonitoringCategory.UNSTABLE_EXITED if exited else codes.MonitoringCategory.MARGINAL


def walk_case(
    case: MonitoringCase,
    *,
    until: CaseState,
    performers: Sequence[Performer],
    data: Mapping[str, StepData] | None = None,
    after_publicity_start: Callable[[Notice], None] | None = None,
) -> None:
    """Carry a case with the real services until it waits for `until` (or is closed).

    Each step is done by the first performer whose role owns it; `data` replaces the
    routine data of the steps it names. `after_publicity_start` lets the caller let the
    publicity's days pass (tests move the clock) before it is closed.
    """
    steps_data = {**routine_data(timezone.localdate()), **(data or {})}
    while True:
        case.refresh_from_db()
        key = current_step(case)
        if case.state == until or key is None:
            return
        performer = next(p for p in performers if workflow.owns(p.scope, case.state))
        step_data = steps_data[key]
        if key == CaseState.REVIEW and key not in (data or {}):
            # The routine meeting proposes the category the household's type allows (the
            # household may have been linked only at the visit).
            step_data = {**step_data, "monitoring_category": routine_category(case)}
        result = step_run(actor=performer.user, scope=performer.scope, case=case, data=step_data)
        if key == PUBLICITY_START and after_publicity_start is not None:
            after_publicity_start(result)
