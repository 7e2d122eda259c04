"""排查 / 回头看 campaigns: one visit task per household in scope, answers entered on a
phone, and the problems bad answers imply."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import Value
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.audit.services import audit_record
from fupin.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from fupin.core.scope import Capability, RegionScope
from fupin.rectification.models import (
    AnswerType,
    Campaign,
    CampaignKind,
    CampaignState,
    ProblemCategory,
    ProblemSource,
    Question,
    Questionnaire,
    VisitState,
    VisitTask,
)
from fupin.rectification.services.common import actor_id, region_get, required_text
from fupin.rectification.services.problems import problem_create_record
from fupin.registry import codes
from fupin.registry.models import Household, HouseholdStatus

YES = "yes"
NO = "no"


@transaction.atomic
def campaign_open(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    name: str,
    kind: str,
    region_code: str,
    region_codes: Sequence[str],
    household_types: Sequence[str],
    questionnaire_id: int,
    due_on: date,
) -> Campaign:
    """Open a campaign and give every household in scope (the listed regions inside the
    campaign's region, or all of it; the listed household types, or all) one visit task.

    The tasks are written by one INSERT … SELECT, so a county of 100,000 households costs
    one statement. Audit action: "rectification.campaign_open".
    """
    scope.require(Capability.MANAGE_CAMPAIGNS)
    name = required_text(name, _("请填写活动名称。"), field="name", max_length=100)
    if kind not in CampaignKind.values:
        raise ApplicationError(_("请选择活动类型。"), code="kind", field="kind")
    region = region_get(region_code)
    scope.require_region(region.code)
    chosen_regions = sorted({code.strip() for code in region_codes if code.strip()})
    for code in chosen_regions:
        if not code.startswith(region.code):
            raise ApplicationError(
                _("排查范围 %(code)s 不在组织地区内。") % {"code": code},
                code="region_outside",
                field="region_codes",
            )
        region_get(code, field="region_codes")
    types = sorted(set(household_types))
    if any(value not in codes.HouseholdType.values for value in types):
        raise ApplicationError(
            _("请选择有效的农户类型。"), code="household_type", field="household_types"
        )
    questionnaire = Questionnaire.objects.filter(pk=questionnaire_id).first()
    if questionnaire is None or not questionnaire.questions.exists():
        raise ApplicationError(
            _("请选择有问题的问卷。"), code="questionnaire", field="questionnaire"
        )
    today = timezone.localdate()
    if due_on < today:
        raise ApplicationError(_("完成时限不能早于今天。"), code="due_past", field="due_on")
    campaign = Campaign.objects.create(
        name=name,
        kind=kind,
        region=region,
        region_codes=chosen_regions,
        household_types=types,
        questionnaire=questionnaire,
        starts_on=today,
        due_on=due_on,
        created_by_id=actor_id(actor),
    )
    campaign.task_count = _create_visits(campaign, chosen_regions or [region.code], types)
    campaign.save(update_fields=["task_count"])
    audit_record(
        actor=actor,
        action="rectification.campaign_open",
        subject=campaign,
        region_code=region.code,
        changes={
            "name": name,
            "region_codes": chosen_regions,
            "household_types": types,
            "visits": campaign.task_count,
        },
    )
    return campaign


def _create_visits(campaign: Campaign, region_codes: list[str], types: list[str]) -> int:
    households = Household.objects.exclude(status=HouseholdStatus.CANCELLED)
    if types:
        households = households.filter(household_type__in=types)
    inserted = 0
    for code in region_codes:
        if len(code) == 12:
            in_region = households.filter(village__code=code)
        else:
            in_region = households.filter(village__code__range=(code, code.ljust(12, "9")))
        rows = in_region.annotate(campaign_key=Value(campaign.pk)).values_list(
            "campaign_key", "id", "village_id"
        )
        select_sql, params = rows.query.sql_with_params()
        table = VisitTask._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (campaign_id, household_id, village_id) {select_sql}",
                params,
            )
            inserted += cursor.rowcount
    return inserted


@transaction.atomic
def campaign_finish(*, actor: AbstractBaseUser, scope: RegionScope, campaign_id: int) -> Campaign:
    """End a campaign; visits not done stay on record as not done.
    Audit action: "rectification.campaign_finish"."""
    scope.require(Capability.MANAGE_CAMPAIGNS)
    campaign = Campaign.objects.select_for_update().filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFoundError(_("排查活动不存在或不在您的管辖范围内。"))
    scope.require_visible(campaign.region_id, _("排查活动不存在或不在您的管辖范围内。"))
    if not campaign.is_running:
        raise ApplicationError(_("该活动已结束。"), code="finished")
    campaign.state = CampaignState.FINISHED
    campaign.finished_on = timezone.localdate()
    campaign.save(update_fields=["state", "finished_on"])
    pending = VisitTask.objects.filter(campaign=campaign, state=VisitState.PENDING).count()
    audit_record(
        actor=actor,
        action="rectification.campaign_finish",
        subject=campaign,
        region_code=campaign.region_id,
        changes={"pending": pending},
    )
    return campaign


def answer_label(question: Question, value: str) -> str:
    if question.answer_type == AnswerType.YES_NO and value:
        return str(_("是")) if value == YES else str(_("否"))
    return value


def is_bad_answer(question: Question, value: str) -> bool:
    """Whether an answer (as stored) raises the question's problem."""
    if value == "":
        return False
    if question.answer_type in {AnswerType.YES_NO, AnswerType.CHOICE}:
        return value in question.bad_answers
    if question.answer_type == AnswerType.NUMBER:
        number = Decimal(value)
        return (question.bad_below is not None and number < question.bad_below) or (
            question.bad_above is not None and number > question.bad_above
        )
    return False


def _clean_answer(question: Question, raw: str) -> str:
    value = (raw or "").strip()
    if not value:
        if question.is_required:
            raise ApplicationError(
                _("请回答：%(question)s") % {"question": question.text},
                code="answer_required",
                field=question.code,
            )
        return ""
    if question.answer_type == AnswerType.YES_NO and value not in {YES, NO}:
        raise ApplicationError(
            _("“%(question)s”只能回答是或否。") % {"question": question.text},
            code="answer_invalid",
            field=question.code,
        )
    if question.answer_type == AnswerType.CHOICE and value not in question.choices:
        raise ApplicationError(
            _("“%(question)s”请从选项中选择。") % {"question": question.text},
            code="answer_invalid",
            field=question.code,
        )
    if question.answer_type == AnswerType.NUMBER:
        try:
            number = Decimal(value)
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite() or number < 0:
            raise ApplicationError(
                _("“%(question)s”请填写不小于 0 的数字。") % {"question": question.text},
                code="answer_invalid",
                field=question.code,
            )
        value = str(number)
    if len(value) > 500:
        raise ApplicationError(
            _("“%(question)s”的回答过长。") % {"question": question.text},
            code="answer_too_long",
            field=question.code,
        )
    return value


@dataclass(frozen=True)
class VisitResult:
    visit: VisitTask
    problem_numbers: list[str]


@transaction.atomic
def visit_record(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    visit_id: int,
    answers: Mapping[str, str],
) -> VisitResult:
    """Record one household's answers; each bad answer raises the problem its question
    names (自查, in the household's village, linked to the household), exactly once.

    Audit action: "rectification.visit_record". Raises PermissionDeniedError for a role that
    does not visit households, ApplicationError for a missing or invalid answer, a visit
    already recorded or a finished campaign.
    """
    if not scope.can(Capability.VISIT_HOUSEHOLDS):
        raise PermissionDeniedError(_("走访问卷由村级干部和帮扶责任人填写。"))
    visit = (
        VisitTask.objects.select_for_update()
        .select_related("campaign", "household")
        .filter(pk=visit_id)
        .first()
    )
    if visit is None:
        raise NotFoundError(_("走访任务不存在或不在您的管辖范围内。"))
    scope.require_visible(visit.village_id, _("走访任务不存在或不在您的管辖范围内。"))
    if not visit.campaign.is_running:
        raise ApplicationError(_("该排查活动已结束。"), code="finished")
    if visit.is_done:
        raise ApplicationError(_("该户已走访，问卷已提交。"), code="already_done")
    questions = list(visit.campaign.questionnaire.questions.order_by("position"))
    cleaned = {
        question.code: _clean_answer(question, answers.get(question.code, ""))
        for question in questions
    }
    today = timezone.localdate()
    problem_numbers = []
    for question in questions:
        value = cleaned[question.code]
        if not is_bad_answer(question, value):
            continue
        problem = problem_create_record(
            actor=actor,
            source=ProblemSource.SELF_CHECK,
            region_code=visit.village_id,
            category=question.problem_category or ProblemCategory.OTHER,
            title=question.problem_title or question.text,
            description=_("%(campaign)s走访：%(question)s 回答“%(answer)s”。")
            % {
                "campaign": visit.campaign.name,
                "question": question.text,
                "answer": answer_label(question, value),
            },
            evidence=_("户编号 %(number)s 走访问卷") % {"number": visit.household.number},
            found_on=today,
            households=[visit.household],
            visit_id=visit.pk,
            question_code=question.code,
        )
        problem_numbers.append(problem.number)
    visit.answers = cleaned
    visit.state = VisitState.DONE
    visit.visited_on = today
    visit.visited_by_id = actor_id(actor)
    visit.problems_found = len(problem_numbers)
    visit.save(update_fields=["answers", "state", "visited_on", "visited_by", "problems_found"])
    audit_record(
        actor=actor,
        action="rectification.visit_record",
        subject=visit,
        region_code=visit.village_id,
        changes={"household": visit.household.number, "problems": problem_numbers},
    )
    return VisitResult(visit=visit, problem_numbers=problem_numbers)
