"""Monitoring reads: settings, case lists and the to-do list, case detail with its
timeline, public notices and the applicant's receipt. Every user-facing read is scoped."""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    DateTimeField,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.assessment.selectors import household_latest_outcome, outcome_explanation
from fupin.core.errors import NotFoundError
from fupin.core.region_codes import RegionLevel
from fupin.core.scope import RegionScope
from fupin.monitoring import workflow
from fupin.monitoring.deadlines import Deadline, WorkingCalendar, current_deadline
from fupin.monitoring.models import (
    CLOSED_STATES,
    ApprovalRecord,
    Attachment,
    CalendarDay,
    CaseState,
    Decision,
    IdentityCheck,
    MonitoringCase,
    Notice,
    Objection,
    ReviewMeeting,
    RiskClue,
    Step,
    WorkflowSetting,
)
from fupin.registry import codes
from fupin.registry.models import Household, Member, Region

OPEN_STATES = [state for state in CaseState if state not in CLOSED_STATES]
CASE_SUBJECT = "monitoring.monitoringcase"


def _most_specific(rows: list[WorkflowSetting], region_code: str) -> WorkflowSetting:
    matching = [row for row in rows if region_code.startswith(row.region_code)]
    return max(matching, key=lambda row: len(row.region_code), default=WorkflowSetting())


def workflow_setting_for(region_code: str) -> WorkflowSetting:
    """The time limits for a region: the most specific row whose code prefixes it. Without
    any row (a database built without migrations) the model's defaults apply, which are the
    values the seeding migration writes."""
    return _most_specific(list(WorkflowSetting.objects.all()), region_code)


def workflow_settings() -> list[WorkflowSetting]:
    return list(WorkflowSetting.objects.all())


def most_specific_setting(rows: list[WorkflowSetting], region_code: str) -> WorkflowSetting:
    """`workflow_setting_for` over rows already read, for loops over many cases."""
    return _most_specific(rows, region_code)


# Spaces and the middle dots of minority names are written many ways; they do not make
# another name.
_NAME_IGNORED = re.compile(r"[\s·•・‧.]")


def person_name_key(name: str) -> str:
    """A person's name as applications are compared with the registry."""
    return _NAME_IGNORED.sub("", unicodedata.normalize("NFKC", name)).casefold()


@dataclass(frozen=True)
class IdentityMatch:
    check: IdentityCheck
    member: Member | None


def self_application_identity(*, id_number: str, name: str, village_code: str) -> IdentityMatch:
    """Compare a farmer's own application with the active member holding its ID number:
    the name must match too, and the member's household lie in the village's county.
    Not scoped: the applicant is anonymous and is told nothing about the result."""
    member = (
        Member.objects.filter(id_number=id_number, is_active=True)
        .select_related("household__village")
        .first()
    )
    if member is None:
        return IdentityMatch(IdentityCheck.UNREGISTERED, None)
    same_name = person_name_key(member.name) == person_name_key(name)
    same_county = member.household.village_id[:6] == village_code[:6]
    if same_name and same_county:
        check = IdentityCheck.MATCHED
    elif same_county:
        check = IdentityCheck.NAME_MISMATCH
    elif same_name:
        check = IdentityCheck.OTHER_COUNTY
    else:
        check = IdentityCheck.NAME_AND_COUNTY
    return IdentityMatch(check, member)


def household_head_name(household: Household) -> str:
    head = (
        Member.objects.filter(household=household, relation=codes.Relation.HEAD, is_active=True)
        .values_list("name", flat=True)
        .first()
    )
    return head or ""


@dataclass(frozen=True)
class CaseFilters:
    state: str = ""
    kind: str = ""
    channel: str = ""
    region_code: str = ""
    is_overdue: bool = False
    search: str = ""


def _overdue(today: date) -> Q:
    return Q(state__in=OPEN_STATES) & (
        Q(state=CaseState.VISIT, visit_due_on__lt=today) | Q(due_on__lt=today)
    )


def case_list(
    *, scope: RegionScope, filters: CaseFilters, today: date | None = None
) -> QuerySet[MonitoringCase]:
    """Cases in scope matching the filters, returned ones first (someone must correct
    them), then newest first, with village and household."""
    today = today or timezone.localdate()
    cases = scope.filter(MonitoringCase.objects.all(), region_field="village__code")
    if filters.state:
        cases = cases.filter(state=filters.state)
    if filters.kind:
        cases = cases.filter(kind=filters.kind)
    if filters.channel:
        cases = cases.filter(channel=filters.channel)
    if filters.region_code:
        cases = cases.filter(village__code__startswith=filters.region_code)
    if filters.is_overdue:
        cases = cases.filter(_overdue(today))
    if filters.search:
        cases = cases.filter(
            Q(household__number__icontains=filters.search)
            | Q(applicant_name__icontains=filters.search)
            | Q(clues__receipt_number__iexact=filters.search)
        ).distinct()
    return cases.select_related("village", "household").order_by(
        "-is_returned", "-opened_on", "-id"
    )


def _current_due_on() -> Case:
    """The day the case's current step is due: the visit's own limit while it waits for
    the visit, else the case's."""
    return Case(
        When(state=CaseState.VISIT, visit_due_on__isnull=False, then=F("visit_due_on")),
        default=F("due_on"),
        output_field=DateField(),
    )


def case_todo(*, scope: RegionScope) -> QuerySet[MonitoringCase]:
    """Cases waiting for a step the user's role owns, inside their region; returned ones
    first, then by the day the current step is due (an overdue visit before a case due
    next week)."""
    states = workflow.states_owned_by(scope)
    return (
        scope.filter(MonitoringCase.objects.all(), region_field="village__code")
        .filter(state__in=states)
        .select_related("village", "household")
        .annotate(current_due_on=_current_due_on())
        .order_by("-is_returned", "current_due_on", "id")
    )


@dataclass(frozen=True)
class CaseRow:
    """A case with its current deadline, for lists and the to-do page."""

    case: MonitoringCase
    deadline: Deadline | None


def with_deadlines(
    cases: Any, *, today: date | None = None, setting: WorkflowSetting | None = None
) -> list[CaseRow]:
    """Attach each case's deadline state (approaching orange, overdue red, provisional)."""
    today = today or timezone.localdate()
    all_settings = list(WorkflowSetting.objects.all()) if setting is None else []
    calendar = working_calendar()
    rows = []
    for case in cases:
        row_setting = setting or _most_specific(all_settings, case.village_id)
        rows.append(
            CaseRow(
                case=case,
                deadline=current_deadline(
                    case,
                    today=today,
                    warning_working_days=row_setting.warning_working_days,
                    calendar=calendar,
                    case_days_are_working_days=row_setting.case_days_are_working_days,
                ),
            )
        )
    return rows


# ---------------------------------------------------------------- holiday calendar


def working_calendar() -> WorkingCalendar:
    """The holiday table as it is now (one query; the table holds some 35 rows a year)."""
    return WorkingCalendar.from_days(CalendarDay.objects.values_list("day", "kind"))


@dataclass(frozen=True)
class CalendarYear:
    """One year of the holiday table, for the administrator page."""

    year: int
    holidays: int
    workdays: int
    sources: list[str]


def calendar_years() -> list[CalendarYear]:
    """The years that have a schedule, newest first (the table is national: no scope)."""
    by_year: dict[int, CalendarYear] = {}
    for day, kind, source in CalendarDay.objects.values_list("day", "kind", "source"):
        year = by_year.setdefault(day.year, CalendarYear(day.year, 0, 0, []))
        is_holiday = kind == CalendarDay.Kind.HOLIDAY
        by_year[day.year] = CalendarYear(
            year.year,
            year.holidays + is_holiday,
            year.workdays + (not is_holiday),
            year.sources if source in year.sources else [*year.sources, source],
        )
    return sorted(by_year.values(), key=lambda item: item.year, reverse=True)


def calendar_days(*, year: int) -> list[CalendarDay]:
    return list(CalendarDay.objects.filter(day__year=year).order_by("day"))


# From this day of the year on, next year's schedule is due (the State Council publishes
# it in late October or November).
CALENDAR_WARNING_FROM = (11, 1)


def calendar_missing_year(*, today: date | None = None) -> int | None:
    """Next year, when its schedule is due and not entered yet; else None."""
    today = today or timezone.localdate()
    if (today.month, today.day) < CALENDAR_WARNING_FROM:
        return None
    next_year = today.year + 1
    if CalendarDay.objects.filter(day__year=next_year).exists():
        return None
    return next_year


def case_get(*, scope: RegionScope, case_id: int) -> MonitoringCase:
    """One case in scope; NotFoundError otherwise (outside looks like missing)."""
    case = (
        scope.filter(MonitoringCase.objects.all(), region_field="village__code")
        .select_related("village__parent__parent", "household")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise NotFoundError(_("事项不存在或不在您的管辖范围内。"))
    return case


def case_applicant_clue(case: MonitoringCase) -> RiskClue | None:
    """The first clue of a case that names a person: what 登记为农户 starts from."""
    return case.clues.exclude(applicant_name="").order_by("id").first()


def household_open_cases(*, scope: RegionScope, household_id: int) -> list[MonitoringCase]:
    """A household's cases still under way, oldest first; NotFoundError for a household
    outside the scope (its page answers the same)."""
    household = household_in_scope(scope=scope, household_id=household_id)
    return list(
        MonitoringCase.objects.filter(household=household, state__in=OPEN_STATES).order_by(
            "opened_on", "id"
        )
    )


def objection_get(*, scope: RegionScope, objection_id: int) -> Objection:
    """An objection to a case in scope; NotFoundError otherwise."""
    objection = Objection.objects.select_related("notice").filter(pk=objection_id).first()
    if objection is None or objection.notice.case_id is None:
        raise NotFoundError(_("事项不存在或不在您的管辖范围内。"))
    case_get(scope=scope, case_id=objection.notice.case_id)
    return objection


def clue_get(*, scope: RegionScope, clue_id: int) -> RiskClue:
    """A risk clue in scope; NotFoundError otherwise."""
    clue = (
        scope.filter(RiskClue.objects.all(), region_field="village__code")
        .filter(pk=clue_id)
        .first()
    )
    if clue is None:
        raise NotFoundError(_("风险线索不存在或不在您的管辖范围内。"))
    return clue


def publicity_open(case: MonitoringCase) -> Notice | None:
    """The case's village notice while it is up and not yet closed, else None."""
    return case.notices.filter(kind=Notice.Kind.PUBLICITY, closed_on__isnull=True).first()


def publicity_wait_reason(notice: Notice, *, today: date) -> str:
    """Why a village publicity cannot be closed yet ("" when its days are over): the page
    shows it beside the disabled button, the service refuses with it."""
    if today <= notice.ends_on:
        return _("公示期至 %(date)s 结束，期满后才能提交乡镇审核。") % {
            "date": notice.ends_on.isoformat()
        }
    return ""


def publicity_running(case: MonitoringCase) -> bool:
    """Whether the case's village notice is up and not yet closed."""
    return case.notices.filter(kind=Notice.Kind.PUBLICITY, closed_on__isnull=True).exists()


def case_approvals(case: MonitoringCase) -> list[ApprovalRecord]:
    return list(
        ApprovalRecord.objects.filter(subject_type=CASE_SUBJECT, subject_id=str(case.pk))
        .select_related("actor")
        .prefetch_related("attachments")
        .order_by("decided_at", "id")
    )


@dataclass(frozen=True)
class CaseDetail:
    case: MonitoringCase
    clues: list[RiskClue]
    approvals: list[ApprovalRecord]
    visits: list[Any]
    meetings: list[Any]
    notices: list[Notice]
    deadline_events: list[Any]
    documents: list[Attachment]


def case_detail(*, scope: RegionScope, case_id: int) -> CaseDetail:
    """A case with its clues, approvals, visits, meetings, notices (with objections),
    deadline events and every attached document."""
    case = case_get(scope=scope, case_id=case_id)
    approvals = case_approvals(case)
    meetings = list(case.review_meetings.select_related("minutes", "recorded_by"))
    documents = [attachment for record in approvals for attachment in record.attachments.all()]
    documents += [meeting.minutes for meeting in meetings if meeting.minutes is not None]
    return CaseDetail(
        case=case,
        clues=list(
            case.clues.select_related("registered_member__household__village").order_by(
                "received_on", "id"
            )
        ),
        approvals=approvals,
        visits=list(case.visits.select_related("recorded_by")),
        meetings=meetings,
        # Its own 公示 and the 公告 that list it among others.
        notices=list(
            case.listed_in_notices.prefetch_related("objections").order_by("starts_on", "id")
        ),
        deadline_events=list(case.deadline_events.order_by("recorded_on", "id")),
        documents=sorted({doc.pk: doc for doc in documents}.values(), key=lambda doc: doc.pk),
    )


def attachment_get(*, scope: RegionScope, attachment_id: int) -> tuple[Attachment, MonitoringCase]:
    """An attachment of a case in scope (through its approval or its meeting minutes)."""
    attachment = Attachment.objects.filter(pk=attachment_id).first()
    if attachment is not None:
        case_ids = [
            int(subject_id)
            for subject_id in attachment.approvals.filter(subject_type=CASE_SUBJECT).values_list(
                "subject_id", flat=True
            )
        ]
        case_ids += list(
            MonitoringCase.objects.filter(review_meetings__minutes=attachment).values_list(
                "pk", flat=True
            )
        )
        case = (
            scope.filter(MonitoringCase.objects.all(), region_field="village__code")
            .filter(pk__in=case_ids)
            .first()
        )
        if case is not None:
            return attachment, case
    raise NotFoundError(_("附件不存在或不在您的管辖范围内。"))


def _county_approvals(
    approved_from: date | None = None, approved_to: date | None = None
) -> QuerySet[ApprovalRecord]:
    """The 县级审定 approvals of the outer case, within the days given (either open)."""
    approvals = ApprovalRecord.objects.filter(
        subject_type=CASE_SUBJECT,
        subject_id=Cast(OuterRef("pk"), output_field=CharField()),
        step=Step.COUNTY,
        decision=Decision.APPROVE,
    )
    if approved_from is not None:
        approvals = approvals.filter(decided_at__date__gte=approved_from)
    if approved_to is not None:
        approvals = approvals.filter(decided_at__date__lte=approved_to)
    return approvals


def announcement_candidates(
    *,
    scope: RegionScope,
    region_code: str,
    case_kind: str,
    approved_from: date | None = None,
    approved_to: date | None = None,
) -> list[MonitoringCase]:
    """The cases of `case_kind` in a village or township inside the scope that wait for
    their 公告 and whose 县级审定 fell between the two days (either open), in the order a
    notice lists them (village, then 户编号); each carries `approved_at`, its last 县级审定."""
    if not scope.contains(region_code):
        return []
    last_county_approval = (
        _county_approvals().values("subject_id").annotate(last=Max("decided_at")).values("last")
    )
    cases = (
        scope.filter(MonitoringCase.objects.all(), region_field="village__code")
        .filter(
            state=CaseState.ANNOUNCEMENT,
            kind=case_kind,
            village__code__startswith=region_code,
        )
        .filter(Exists(_county_approvals(approved_from, approved_to)))
        .annotate(approved_at=Subquery(last_county_approval[:1], output_field=DateTimeField()))
        .select_related("village__parent__parent", "household")
        .order_by("village__code", "household__number", "id")
    )
    return list(cases)


def announcement_list(*, scope: RegionScope, region_code: str = "") -> QuerySet[Notice]:
    """The 公告 issued for villages and townships inside the scope or above it (or inside
    `region_code`), newest first."""
    # A village sees the 公告 of its township too: its households may be listed there.
    notices = scope.filter_applies_or_inside(
        Notice.objects.filter(kind=Notice.Kind.ANNOUNCEMENT), region_field="region__code"
    )
    if region_code:
        notices = notices.filter(region__code__startswith=region_code)
    return (
        notices.select_related("region__parent")
        .annotate(households=Count("cases"))
        .order_by("-starts_on", "-id")
    )


def notice_rows(notice: Notice) -> list[dict[str, str]]:
    """The households a notice lists, one allow-listed row each."""
    rows: list[dict[str, str]] = notice.content.get("rows", [])
    return rows


def held_attachments(*, actor: Any, ids: dict[str, int]) -> dict[str, Attachment]:
    """The uploads kept for `actor` by form field (`ids` maps field to attachment), leaving
    out any that a step has used since or that another user sent."""
    found = {
        attachment.pk: attachment
        for attachment in Attachment.objects.filter(
            pk__in=list(ids.values()), uploaded_by_id=actor.pk, approvals__isnull=True
        ).exclude(pk__in=ReviewMeeting.objects.filter(minutes__isnull=False).values("minutes"))
    }
    return {field: found[pk] for field, pk in ids.items() if pk in found}


def notice_public_get(*, token: str) -> Notice:
    """A published notice by its public token (no login)."""
    notice = Notice.objects.filter(token=token).first()
    if notice is None:
        raise NotFoundError(_("公示公告不存在。"))
    return notice


@dataclass(frozen=True)
class ReceiptStep:
    """One step of the applicant's progress: passed (with the day), under way, or ahead."""

    label: str
    is_done: bool
    is_current: bool
    done_on: date | None


@dataclass(frozen=True)
class Receipt:
    """What an applicant may see about their own application (no personal data)."""

    receipt_number: str
    received_on: date
    channel_label: str
    state: str
    state_label: str
    steps: list["ReceiptStep"]
    rejection_reason: str
    closed_on: date | None

    @property
    def is_rejected(self) -> bool:
        return self.state == CaseState.REJECTED

    @property
    def is_completed(self) -> bool:
        return self.state == CaseState.COMPLETED


def receipt_lookup(*, receipt_number: str, id_tail: str) -> Receipt:
    """The progress of an application by receipt number, confirmed by the last four
    characters of the applicant's ID number, so a guessed number alone reveals nothing."""
    clue = (
        RiskClue.objects.filter(receipt_number=receipt_number.strip().upper())
        .select_related("case")
        .first()
    )
    if clue is None or not id_tail or not clue.id_number.endswith(id_tail.strip().upper()):
        raise NotFoundError(_("未找到该受理编号，或身份证号后四位不符。"))
    case = clue.case
    if case is None:
        raise NotFoundError(_("未找到该受理编号，或身份证号后四位不符。"))
    steps = workflow.STEPS[case.kind]
    state = CaseState(case.state)
    # An application that joined a case opened before it shows the first step until that
    # case ends: the case's progress would tell the applicant about the household.
    if clue.merged_into_id is not None and case.is_open:
        state = steps[0]
    # The day each step was last decided, shown beside the steps already passed.
    finished = {
        step: timezone.localdate(decided_at)
        for step, decided_at in ApprovalRecord.objects.filter(
            subject_type=CASE_SUBJECT, subject_id=str(case.pk)
        )
        .order_by("decided_at", "id")
        .values_list("step", "decided_at")
    }
    if state in steps:
        reached = steps.index(state)
    else:
        reached = len(steps) if state == CaseState.COMPLETED else 0
    return Receipt(
        receipt_number=clue.receipt_number,
        received_on=clue.received_on,
        channel_label=clue.get_channel_display(),
        state=state,
        state_label=str(state.label),
        steps=[
            ReceiptStep(
                label=str(workflow.STEP_OF[step].label),
                is_done=index < reached,
                is_current=index == reached and case.is_open,
                done_on=finished.get(workflow.STEP_OF[step].value) if index < reached else None,
            )
            for index, step in enumerate(steps)
        ],
        rejection_reason=case.rejection_reason,
        closed_on=case.closed_on,
    )


@dataclass(frozen=True)
class Guard:
    code: str
    title: str
    message: str
    # The 风险消除方式 the guard blocks; "" when it blocks both.
    method: str = ""

    @property
    def method_label(self) -> str:
        return str(codes.EliminationMethod(self.method).label) if self.method else ""


def elimination_guards(household: Household, method: str = "") -> list[Guard] | None:
    """The assessment guards that block eliminating the household's risk (by `method`, or
    by either when it is empty), from its latest outcome explained with that run's rule
    set and parameters; None without an outcome."""
    outcome = household_latest_outcome(household)
    if outcome is None:
        return None
    explained = outcome_explanation(outcome)
    blocked = set(explained["elimination"]["blocked_by"] or [])
    guards = [
        Guard(
            code=rule["code"],
            title=rule["title"],
            message=rule["message"],
            method=rule.get("value") or "",
        )
        for rule in explained["fired"]
        if rule["code"] in blocked
    ]
    return [guard for guard in guards if not method or guard.method in {"", method}]


def village_get(*, code: str) -> Region | None:
    """A region by code with its parent, for the public form's heading (not scoped: the
    form is public and names only the village and its town)."""
    return Region.objects.filter(code=code).select_related("parent").first()


def household_in_scope(
    *, scope: RegionScope, household_id: int | None = None, number: str = ""
) -> Household:
    """A household in scope by id or 户编号; NotFoundError otherwise."""
    households = scope.filter(Household.objects.all(), region_field="village__code")
    found = (
        (
            households.filter(pk=household_id)
            if household_id is not None
            else households.filter(number=number.strip())
        )
        .select_related("village")
        .first()
    )
    if found is None:
        raise NotFoundError(_("农户不存在或不在您的管辖范围内。"))
    return found


def village_in_scope(*, scope: RegionScope, code: str) -> Region | None:
    """A village inside the scope, with its town, or None."""
    if not scope.contains(code):
        return None
    return (
        Region.objects.filter(code=code, level=RegionLevel.VILLAGE).select_related("parent").first()
    )


@dataclass(frozen=True)
class DuplicateCases:
    """A household with more than one open case of one kind; `cases` oldest first (the
    one `fupin resolve_duplicate_cases --merge` keeps, then the later ones)."""

    household: Household
    kind: str
    cases: list[MonitoringCase]


def case_duplicate_list(*, scope: RegionScope) -> list[DuplicateCases]:
    """Households in the scope with two or more open cases of the same kind.

    Only a database from before monitoring migration 0008 can hold them: since then the
    index `monitoring_case_one_open_per_household_kind` refuses a second one.
    """
    open_cases = scope.filter(
        MonitoringCase.objects.filter(household__isnull=False, state__in=OPEN_STATES),
        region_field="village_id",
    )
    pairs = set(
        open_cases.order_by()
        .values("household_id", "kind")
        .annotate(cases=Count("id"))
        .filter(cases__gt=1)
        .values_list("household_id", "kind")
    )
    found: dict[tuple[Household, str], list[MonitoringCase]] = {}
    for case in (
        open_cases.filter(household_id__in={household for household, _kind in pairs})
        .select_related("household")
        .order_by("household__number", "kind", "opened_on", "id")
    ):
        if case.household is not None and (case.household_id, case.kind) in pairs:
            found.setdefault((case.household, case.kind), []).append(case)
    return [
        DuplicateCases(household=household, kind=kind, cases=cases)
        for (household, kind), cases in found.items()
    ]
