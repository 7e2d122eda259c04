"""Rectification reads, all scoped: problem lists with the deadline of their next open
task, task rows, the periodic progress report per level, complaints with the complainant
shown only where allowed, campaigns and their live progress by township and village."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.core.errors import NotFoundError
from fupin.core.masking import mask_phone
from fupin.core.region_codes import RegionLevel, level_of
from fupin.core.scope import CODE_LENGTHS, RegionScope
from fupin.rectification import workflow
from fupin.rectification.models import (
    Campaign,
    Complaint,
    ComplaintState,
    Problem,
    ProblemState,
    Question,
    Questionnaire,
    RectificationTask,
    TaskProgress,
    TaskState,
    VisitState,
    VisitTask,
)
from fupin.rectification.services.common import setting_for
from fupin.registry import codes
from fupin.registry.models import Household, Member, Region

_PROBLEM_NOT_FOUND = _("问题不存在或不在您的管辖范围内。")


def _today() -> date:
    return timezone.localdate()


def _warning_days(scope: RegionScope) -> int:
    return setting_for(scope.prefix).warning_days


@dataclass(frozen=True)
class ProblemFilters:
    state: str = ""
    source: str = ""
    category: str = ""
    region_code: str = ""
    is_overdue: bool = False
    search: str = ""


def problem_list(*, scope: RegionScope, filters: ProblemFilters | None = None) -> QuerySet[Problem]:
    """Problems in scope, each with its task counts and the time limit of its earliest open
    task (`next_due_on`), newest first."""
    filters = filters or ProblemFilters()
    problems = scope.filter(Problem.objects.all(), region_field="region__code")
    if filters.region_code:
        problems = problems.filter(region__code__startswith=filters.region_code)
    if filters.state:
        problems = problems.filter(state=filters.state)
    if filters.source:
        problems = problems.filter(source=filters.source)
    if filters.category:
        problems = problems.filter(category=filters.category)
    if filters.search:
        problems = problems.filter(
            Q(title__icontains=filters.search) | Q(description__icontains=filters.search)
        )
    if filters.is_overdue:
        late = RectificationTask.objects.filter(
            problem=OuterRef("pk"), due_on__lt=_today()
        ).exclude(state=TaskState.CLOSED)
        problems = problems.filter(Exists(late))
    return (
        problems.select_related("region")
        .annotate(
            task_total=Count("tasks", distinct=True),
            task_closed=Count("tasks", filter=Q(tasks__state=TaskState.CLOSED), distinct=True),
            next_due_on=Min("tasks__due_on", filter=~Q(tasks__state=TaskState.CLOSED)),
        )
        .order_by("-found_on", "-id")
    )


@dataclass(frozen=True)
class ProblemRow:
    problem: Problem
    deadline: workflow.Deadline | None


def problem_rows(scope: RegionScope, problems: Iterable[Problem]) -> list[ProblemRow]:
    """Problems from `problem_list` with the deadline state of their next open task."""
    today = _today()
    warning = _warning_days(scope)
    rows = []
    for problem in problems:
        due = getattr(problem, "next_due_on", None)
        deadline = (
            workflow.deadline_of(due, today=today, warning_days=warning)
            if due is not None and not problem.is_closed
            else None
        )
        rows.append(ProblemRow(problem=problem, deadline=deadline))
    return rows


def problem_get(*, scope: RegionScope, problem_id: int) -> Problem:
    problem = (
        Problem.objects.select_related("region", "visit__campaign").filter(pk=problem_id).first()
    )
    if problem is None:
        raise NotFoundError(_PROBLEM_NOT_FOUND)
    scope.require_visible(problem.region_id, _PROBLEM_NOT_FOUND)
    return problem


@dataclass(frozen=True)
class TaskRow:
    task: RectificationTask
    deadline: workflow.Deadline | None
    reports: list[TaskProgress] = field(default_factory=list)


def task_rows(*, scope: RegionScope, problem_id: int) -> list[TaskRow]:
    """A problem's tasks with their deadline states and progress reports."""
    problem = problem_get(scope=scope, problem_id=problem_id)
    today = _today()
    warning = _warning_days(scope)
    tasks = (
        RectificationTask.objects.filter(problem=problem)
        .select_related("reviewed_by")
        .prefetch_related("progress_reports")
        .order_by("due_on", "id")
    )
    return [
        TaskRow(
            task=task,
            deadline=None
            if task.is_closed
            else workflow.deadline_of(task.due_on, today=today, warning_days=warning),
            reports=list(task.progress_reports.all()),
        )
        for task in tasks
    ]


def task_get(*, scope: RegionScope, task_id: int) -> RectificationTask:
    task = RectificationTask.objects.select_related("problem").filter(pk=task_id).first()
    if task is None:
        raise NotFoundError(_("整改任务不存在或不在您的管辖范围内。"))
    scope.require_visible(task.problem.region_id, _("整改任务不存在或不在您的管辖范围内。"))
    return task


def problem_households(problem: Problem) -> list[Household]:
    return list(problem.households.select_related("village").order_by("number"))


def household_in_scope(*, scope: RegionScope, number: str) -> Household:
    """A household in scope by 户编号; NotFoundError otherwise."""
    household = scope.filter(
        Household.objects.select_related("village"), region_field="village__code"
    ).filter(number=number.strip())
    found = household.first()
    if found is None:
        raise NotFoundError(
            _("户编号 %(number)s 不存在或不在您的管辖范围内。") % {"number": number}
        )
    return found


@dataclass(frozen=True)
class LedgerRow:
    """One line of the 整改台账: a task with its problem (a problem without tasks yet gets
    one line of its own)."""

    problem: Problem
    task: RectificationTask | None
    latest_progress: str


def ledger_rows(*, scope: RegionScope, filters: ProblemFilters | None = None) -> list[LedgerRow]:
    problems = list(problem_list(scope=scope, filters=filters))
    tasks_by_problem: dict[int, list[RectificationTask]] = defaultdict(list)
    latest = TaskProgress.objects.filter(task=OuterRef("pk")).order_by("-reported_on", "-id")
    tasks = (
        RectificationTask.objects.filter(problem__in=[problem.pk for problem in problems])
        .annotate(latest_progress=Subquery(latest.values("content")[:1]))
        .order_by("due_on", "id")
    )
    for annotated in tasks:
        tasks_by_problem[annotated.problem_id].append(annotated)
    rows = []
    for problem in problems:
        own = tasks_by_problem.get(problem.pk, [])
        if not own:
            rows.append(LedgerRow(problem=problem, task=None, latest_progress=""))
        for task in own:
            rows.append(
                LedgerRow(
                    problem=problem,
                    task=task,
                    latest_progress=getattr(task, "latest_progress", None) or "",
                )
            )
    return rows


@dataclass(frozen=True)
class ReportRow:
    """One region's line of the periodic progress report."""

    code: str
    name: str
    problems: int = 0
    problems_new: int = 0
    problems_closed: int = 0
    tasks: int = 0
    tasks_closed: int = 0
    tasks_closed_in_period: int = 0
    tasks_overdue: int = 0
    reports_in_period: int = 0

    @property
    def closure_rate(self) -> str:
        return f"{self.tasks_closed * 100 / self.tasks:.0f}%" if self.tasks else "—"


@dataclass(frozen=True)
class ProgressReport:
    starts_on: date
    ends_on: date
    rows: list[ReportRow]
    total: ReportRow


def _child_length(prefix: str) -> int:
    if not prefix:
        return CODE_LENGTHS[0]
    level = level_of(prefix)
    if level == RegionLevel.VILLAGE:
        return CODE_LENGTHS[-1]
    return CODE_LENGTHS[level]


def report_period(scope: RegionScope, ends_on: date | None) -> tuple[date, date]:
    """The period ending on `ends_on` (today by default), as long as the configured cycle
    (weekly unless a province sets otherwise)."""
    ends_on = ends_on or _today()
    days = setting_for(scope.prefix).report_period_days
    return ends_on - timedelta(days=days - 1), ends_on


def progress_report(*, scope: RegionScope, ends_on: date | None = None) -> ProgressReport:
    """The periodic progress report of the scope's level: one line per region directly
    below it (a village's report has its own line), with the period's new problems, closed
    tasks and progress reports, and the open tasks overdue at the period's end."""
    starts_on, ends_on = report_period(scope, ends_on)
    length = _child_length(scope.prefix)
    counters: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    problems = scope.filter(Problem.objects.all(), region_field="region__code").filter(
        found_on__lte=ends_on
    )
    for region_id, state, found_on, closed_on in problems.values_list(
        "region_id", "state", "found_on", "closed_on"
    ):
        line = counters[region_id[:length]]
        line["problems"] += 1
        line["problems_new"] += int(found_on >= starts_on)
        line["problems_closed"] += int(
            state == ProblemState.CLOSED and closed_on is not None and closed_on <= ends_on
        )
    tasks = RectificationTask.objects.filter(problem__in=problems)
    for region_id, state, due_on, closed_on in tasks.values_list(
        "problem__region_id", "state", "due_on", "closed_on"
    ):
        line = counters[region_id[:length]]
        closed = state == TaskState.CLOSED and closed_on is not None and closed_on <= ends_on
        line["tasks"] += 1
        line["tasks_closed"] += int(closed)
        line["tasks_closed_in_period"] += int(
            closed and closed_on is not None and closed_on >= starts_on
        )
        line["tasks_overdue"] += int(not closed and due_on < ends_on)
    reports = TaskProgress.objects.filter(
        task__in=tasks, reported_on__range=(starts_on, ends_on)
    ).values_list("task__problem__region_id", flat=True)
    for region_id in reports:
        counters[region_id[:length]]["reports_in_period"] += 1
    names = dict(Region.objects.filter(code__in=list(counters)).values_list("code", "name"))
    rows = [
        ReportRow(code=code, name=names.get(code, code), **dict(values))
        for code, values in sorted(counters.items())
    ]
    total_values: dict[str, int] = defaultdict(int)
    for values in counters.values():
        for key, value in values.items():
            total_values[key] += value
    total = ReportRow(code=scope.prefix, name=_("合计"), **dict(total_values))
    return ProgressReport(starts_on=starts_on, ends_on=ends_on, rows=rows, total=total)


# Complaints


@dataclass(frozen=True)
class ComplaintFilters:
    state: str = ""
    channel: str = ""
    is_overdue: bool = False
    search: str = ""


def _complaints_in_scope(scope: RegionScope) -> QuerySet[Complaint]:
    """Complaints whose handling region lies in the scope: the handling level and those
    above it. The place complained about and the levels below it never see them."""
    return scope.filter(Complaint.objects.all(), region_field="handling_region__code")


def complaint_list(
    *, scope: RegionScope, filters: ComplaintFilters | None = None
) -> QuerySet[Complaint]:
    filters = filters or ComplaintFilters()
    complaints = _complaints_in_scope(scope)
    if filters.state:
        complaints = complaints.filter(state=filters.state)
    if filters.channel:
        complaints = complaints.filter(channel=filters.channel)
    if filters.is_overdue:
        complaints = complaints.filter(due_on__lt=_today()).exclude(state=ComplaintState.CLOSED)
    if filters.search:
        complaints = complaints.filter(
            Q(receipt_number__icontains=filters.search) | Q(content__icontains=filters.search)
        )
    return complaints.select_related("subject_region", "handling_region").order_by(
        "-received_on", "-id"
    )


@dataclass(frozen=True)
class ComplaintView:
    """A complaint as one user may see it: the complainant only where allowed."""

    complaint: Complaint
    deadline: workflow.Deadline | None
    shows_complainant: bool
    complainant_name: str
    complainant_phone: str
    can_handle: bool


def complaint_view(scope: RegionScope, complaint: Complaint) -> ComplaintView:
    shows = workflow.may_see_complainant(scope, complaint.handling_region_id)
    if complaint.is_anonymous:
        name = str(_("匿名"))
    elif shows:
        name = complaint.complainant_name
    else:
        name = str(_("（不予显示）"))
    if shows:
        # The handling level calls back: the number is shown in full to it alone.
        phone = complaint.complainant_phone
    else:
        phone = mask_phone(complaint.complainant_phone) if complaint.complainant_phone else ""
    return ComplaintView(
        complaint=complaint,
        deadline=None
        if complaint.is_closed
        else workflow.deadline_of(
            complaint.due_on, today=_today(), warning_days=_warning_days(scope)
        ),
        shows_complainant=shows,
        complainant_name=name,
        complainant_phone=phone if shows else str(_("（不予显示）")),
        can_handle=workflow.handles_complaint(scope, complaint.handling_region_id),
    )


def complaint_views(scope: RegionScope, complaints: Iterable[Complaint]) -> list[ComplaintView]:
    return [complaint_view(scope, complaint) for complaint in complaints]


def complaint_get(*, scope: RegionScope, complaint_id: int) -> Complaint:
    complaint = (
        _complaints_in_scope(scope)
        .select_related("subject_region", "handling_region", "problem", "clue")
        .filter(pk=complaint_id)
        .first()
    )
    if complaint is None:
        raise NotFoundError(_("举报不存在或不在您的管辖范围内。"))
    return complaint


@dataclass(frozen=True)
class ComplaintReceipt:
    """What the public receipt page shows: the state and dates, never names."""

    receipt_number: str
    state_label: str
    received_on: date
    due_on: date
    reply: str
    is_closed: bool


def complaint_receipt(*, receipt_number: str, phone_tail: str) -> ComplaintReceipt:
    """A complaint's progress by receipt number and the last four digits of the phone it
    left; NotFoundError when either does not match (the two look alike)."""
    complaint = Complaint.objects.filter(receipt_number=receipt_number.strip().upper()).first()
    if (
        complaint is None
        or len(phone_tail) != 4
        or not complaint.complainant_phone.endswith(phone_tail)
    ):
        raise NotFoundError(_("受理编号或电话号码后四位不正确。"))
    return ComplaintReceipt(
        receipt_number=complaint.receipt_number,
        state_label=str(complaint.get_state_display()),
        received_on=complaint.received_on,
        due_on=complaint.due_on,
        reply=complaint.reply
        if complaint.state in {ComplaintState.REPLIED, ComplaintState.CLOSED}
        else "",
        is_closed=complaint.is_closed,
    )


def region_name(code: str) -> str:
    return Region.objects.filter(code=code).values_list("name", flat=True).first() or ""


def region_get(*, code: str) -> Region | None:
    """A region by code with its parent (for the public form's heading; not scoped)."""
    return Region.objects.filter(code=code).select_related("parent").first()


# Campaigns


def campaign_list(*, scope: RegionScope) -> QuerySet[Campaign]:
    """Campaigns that reach the scope: opened by its region, an ancestor, or inside it."""
    return (
        scope.filter_applies_or_inside(Campaign.objects.all(), region_field="region__code")
        .select_related("region", "questionnaire")
        .order_by("-starts_on", "-id")
    )


def campaign_get(*, scope: RegionScope, campaign_id: int) -> Campaign:
    campaign = campaign_list(scope=scope).filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFoundError(_("排查活动不存在或不在您的管辖范围内。"))
    return campaign


@dataclass(frozen=True)
class ProgressLine:
    code: str
    name: str
    total: int
    done: int
    problems: int

    @property
    def pending(self) -> int:
        return self.total - self.done

    @property
    def percent(self) -> int:
        return round(self.done * 100 / self.total) if self.total else 0


@dataclass(frozen=True)
class CampaignProgress:
    total: ProgressLine
    townships: list[ProgressLine]
    villages: list[ProgressLine]


def campaign_progress(*, scope: RegionScope, campaign: Campaign) -> CampaignProgress:
    """Visits done / not done and problems found, by village and township, counted live in
    one grouped query over the visits in scope."""
    visits = scope.filter(VisitTask.objects.filter(campaign=campaign), region_field="village__code")
    grouped = (
        visits.values("village_id")
        .annotate(
            total=Count("id"),
            done=Count("id", filter=Q(state=VisitState.DONE)),
            problem_count=Sum("problems_found"),
        )
        .order_by("village_id")
    )
    village_counts = [
        (row["village_id"], row["total"], row["done"], row["problem_count"] or 0) for row in grouped
    ]
    town_length = CODE_LENGTHS[3]
    towns: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for code, total, done, problems in village_counts:
        line = towns[code[:town_length]]
        line[0] += total
        line[1] += done
        line[2] += problems
    names = dict(
        Region.objects.filter(
            code__in=[code for code, *_rest in village_counts] + list(towns)
        ).values_list("code", "name")
    )
    villages = [
        ProgressLine(code, names.get(code, code), total, done, problems)
        for code, total, done, problems in village_counts
    ]
    townships = [
        ProgressLine(code, names.get(code, code), *values) for code, values in sorted(towns.items())
    ]
    total = ProgressLine(
        scope.prefix,
        str(_("合计")),
        sum(line.total for line in townships),
        sum(line.done for line in townships),
        sum(line.problems for line in townships),
    )
    return CampaignProgress(total=total, townships=townships, villages=villages)


def campaign_totals(
    *, scope: RegionScope, campaigns: Sequence[Campaign]
) -> dict[int, ProgressLine]:
    """Each campaign's visits in scope (total, done, problems) in one grouped query."""
    visits = scope.filter(
        VisitTask.objects.filter(campaign__in=[campaign.pk for campaign in campaigns]),
        region_field="village__code",
    )
    grouped = visits.values("campaign_id").annotate(
        total=Count("id"),
        done=Count("id", filter=Q(state=VisitState.DONE)),
        problem_count=Sum("problems_found"),
    )
    found = {
        row["campaign_id"]: ProgressLine(
            "", "", row["total"], row["done"], row["problem_count"] or 0
        )
        for row in grouped.order_by()
    }
    return {
        campaign.pk: found.get(campaign.pk, ProgressLine("", "", 0, 0, 0)) for campaign in campaigns
    }


def visit_list(
    *, scope: RegionScope, campaign: Campaign, state: str = "", village_code: str = ""
) -> QuerySet[VisitTask]:
    """A campaign's visits in scope with the household's number and head's name."""
    head = Member.objects.filter(
        household=OuterRef("household_id"), relation=codes.Relation.HEAD, is_active=True
    ).values("name")[:1]
    visits = scope.filter(VisitTask.objects.filter(campaign=campaign), region_field="village__code")
    if state:
        visits = visits.filter(state=state)
    if village_code:
        visits = visits.filter(village__code__startswith=village_code)
    return (
        visits.select_related("household", "village")
        .annotate(head_name=Subquery(head))
        .order_by("state", "village_id", "household__number")
    )


def visit_get(*, scope: RegionScope, visit_id: int) -> VisitTask:
    visit = (
        VisitTask.objects.select_related("campaign__questionnaire", "household", "village")
        .filter(pk=visit_id)
        .first()
    )
    if visit is None:
        raise NotFoundError(_("走访任务不存在或不在您的管辖范围内。"))
    scope.require_visible(visit.village_id, _("走访任务不存在或不在您的管辖范围内。"))
    return visit


def questions_of(questionnaire: Questionnaire) -> list[Question]:
    return list(questionnaire.questions.order_by("position"))


def questionnaire_choices() -> list[tuple[int, str]]:
    return [(row.pk, row.name) for row in Questionnaire.objects.order_by("code")]


def region_choices(*, scope: RegionScope, levels: Sequence[int]) -> list[tuple[str, str]]:
    """The regions of the given levels in scope (with the scope's own), for a select."""
    regions = scope.filter(Region.objects.filter(level__in=levels), region_field="code")
    return [(region.code, region.name) for region in regions.order_by("code")[:2000]]
