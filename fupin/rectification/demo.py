"""Demo rectification work made with the real services as the demo users would: problems
in every state (one overdue, one 立行立改), complaints at every step, a finished and a
running campaign (used by `setup_demo`; does nothing when the county already has problems)."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from fupin.accounts.models import User
from fupin.accounts.scoping import scope_for
from fupin.core.scope import RegionScope
from fupin.rectification import services
from fupin.rectification.models import (
    CampaignKind,
    ComplaintCategory,
    ComplaintChannel,
    Problem,
    ProblemCategory,
    ProblemSource,
    Question,
    Questionnaire,
    Satisfaction,
    VisitTask,
)
from fupin.rectification.questionnaires import MOPAI_2023_CODE, seed_questionnaires
from fupin.registry import codes


@dataclass(frozen=True)
class _Actor:
    user: User
    scope: RegionScope


def _actor(username: str) -> _Actor:
    user = User.objects.get(username=username)
    scope = scope_for(user)
    assert scope is not None
    return _Actor(user, scope)


_GOOD = {
    "housing_unsafe": "no",
    "school_dropout": "no",
    "water_unsafe": "no",
    "medical_uninsured": "no",
    "main_risk": "无明显风险",
    "measures_in_place": "yes",
    "other_notes": "",
}
# Every seventh visit finds something, as 回头看 rounds usually do.
_FINDINGS = [{"water_unsafe": "yes"}, {"main_risk": "因病"}, {"measures_in_place": "no"}]


def demo_rectification_create(
    *, county_code: str, village_code: str, village_user: str, township_user: str, county_user: str
) -> int:
    """Create the demo problems, complaints and campaigns; returns the problems made."""
    if Problem.objects.filter(region__code__startswith=county_code).exists():
        return 0
    village, township, county = (
        _actor(village_user),
        _actor(township_user),
        _actor(county_user),
    )
    today = timezone.localdate()
    _problems(village, township, county, village_code=village_code, today=today)
    _complaints(township, county, village_code=village_code)
    _campaigns(village, county, county_code=county_code, village_code=village_code, today=today)
    return Problem.objects.filter(region__code__startswith=county_code).count()


def _problem(
    county: _Actor, *, village_code: str, title: str, found_on: date, **extra: object
) -> Problem:
    values: dict[str, object] = {
        "source": ProblemSource.INSPECTION,
        "category": ProblemCategory.FUNDS,
        "description": title + "。",
    }
    values.update(extra)
    return services.problem_register(
        actor=county.user,
        scope=county.scope,
        region_code=village_code,
        title=title,
        found_on=found_on,
        **values,  # type: ignore[arg-type]
    )


def _task(actor: _Actor, problem: Problem, measures: str, due_on: date | None) -> int:
    return services.task_add(
        actor=actor.user,
        scope=actor.scope,
        problem_id=problem.pk,
        lead_unit="伏龙泉镇人民政府",
        owner_unit="东榛柴村委会",
        measures=measures,
        expected_effect="问题整改到位",
        due_on=due_on,
    ).pk


def _problems(
    village: _Actor, township: _Actor, county: _Actor, *, village_code: str, today: date
) -> None:
    _problem(
        county,
        village_code=village_code,
        title="部分脱贫户帮扶措施与需求不匹配",
        found_on=today - timedelta(days=2),
        source=ProblemSource.ASSESSMENT,
        category=ProblemCategory.MONITORING,
    )
    overdue = _problem(
        county,
        village_code=village_code,
        title="到户产业补助资金滞留村账户",
        found_on=today - timedelta(days=40),
        source=ProblemSource.AUDIT,
    )
    late = _task(village, overdue, "将补助资金拨付到户", today - timedelta(days=5))
    _task(village, overdue, "公示资金拨付结果", today + timedelta(days=2))
    services.task_progress_report(
        actor=village.user, scope=village.scope, task_id=late, content="已拨付 5 户，余 2 户"
    )
    waiting = _problem(
        county,
        village_code=village_code,
        title="村务公开栏未更新帮扶政策",
        found_on=today - timedelta(days=1),
        source=ProblemSource.UNANNOUNCED_VISIT,
        category=ProblemCategory.POLICY,
        is_immediate=True,
    )
    quick = _task(village, waiting, "当天更新公开栏", None)
    services.task_submit_closure(
        actor=village.user,
        scope=village.scope,
        task_id=quick,
        outcome="公开栏已更新",
        evidence="更新后公开栏照片 2 张",
    )
    closed = _problem(
        county,
        village_code=village_code,
        title="一户饮水安全问题未解决",
        found_on=today - timedelta(days=20),
        source=ProblemSource.DATA_COMPARISON,
        category=ProblemCategory.THREE_GUARANTEES,
    )
    done = _task(village, closed, "接通自来水入户", today - timedelta(days=3))
    services.task_submit_closure(
        actor=village.user,
        scope=village.scope,
        task_id=done,
        outcome="已接通自来水",
        evidence="水质检测报告、入户照片",
    )
    services.task_review_closure(
        actor=township.user, scope=township.scope, task_id=done, approve=True, opinion="同意销号"
    )


def _complaints(township: _Actor, county: _Actor, *, village_code: str) -> None:
    contents = [
        ("村里修路项目质量差，刚修好就开裂。", ComplaintCategory.PROJECTS),
        ("低保评定不公开，有人优亲厚友。", ComplaintCategory.POLICY),
        ("光伏收益分配没有公示，部分脱贫户没拿到。", ComplaintCategory.FUNDS),
    ]
    made = [
        services.complaint_register(
            actor=county.user,
            scope=county.scope,
            channel=ComplaintChannel.HOTLINE_12317,
            category=category,
            region_code=village_code,
            content=content,
            name="王举报" if index else "",
            phone=f"1361234567{index}",
            is_anonymous=index == 0,
        )
        for index, (content, category) in enumerate(contents)
    ]
    services.complaint_acknowledge(
        actor=township.user, scope=township.scope, complaint_id=made[1].pk
    )
    closed = made[2]
    services.complaint_acknowledge(
        actor=township.user, scope=township.scope, complaint_id=closed.pk
    )
    services.complaint_investigate(
        actor=township.user,
        scope=township.scope,
        complaint_id=closed.pk,
        findings="核实属实：2024 年光伏收益 3 户未发放。",
        is_substantiated=True,
    )
    services.complaint_to_problem(
        actor=township.user,
        scope=township.scope,
        complaint_id=closed.pk,
        title="光伏收益未按时分配",
    )
    services.complaint_reply(
        actor=township.user,
        scope=township.scope,
        complaint_id=closed.pk,
        reply="已责成村委会十日内补发并公示。",
    )
    services.complaint_close(
        actor=township.user,
        scope=township.scope,
        complaint_id=closed.pk,
        satisfaction=Satisfaction.SATISFIED,
    )


def _campaigns(
    village: _Actor, county: _Actor, *, county_code: str, village_code: str, today: date
) -> None:
    # The migration seeds it; a database built without migrations (tests) gets it here.
    seed_questionnaires(Questionnaire, Question)
    questionnaire = Questionnaire.objects.get(code=MOPAI_2023_CODE)
    finished = services.campaign_open(
        actor=county.user,
        scope=county.scope,
        name="防返贫监测集中排查（上半年）",
        kind=CampaignKind.SCREENING,
        region_code=county_code,
        region_codes=[village_code],
        household_types=[],
        questionnaire_id=questionnaire.pk,
        due_on=today,
    )
    running = services.campaign_open(
        actor=county.user,
        scope=county.scope,
        name="脱贫户、监测户回头看",
        kind=CampaignKind.REVIEW,
        region_code=county_code,
        region_codes=[],
        household_types=[codes.HouseholdType.EXITED, codes.HouseholdType.MONITORED],
        questionnaire_id=questionnaire.pk,
        due_on=today + timedelta(days=30),
    )
    for campaign, share in ((finished, None), (running, 3)):
        visits = list(
            VisitTask.objects.filter(campaign=campaign, village_id=village_code).order_by("id")
        )
        chosen = visits if share is None else visits[: len(visits) // share]
        for position, visit in enumerate(chosen):
            answers = dict(_GOOD)
            if position % 7 == 3:
                answers.update(_FINDINGS[position % len(_FINDINGS)])
            services.visit_record(
                actor=village.user, scope=village.scope, visit_id=visit.pk, answers=answers
            )
    services.campaign_finish(actor=county.user, scope=county.scope, campaign_id=finished.pk)
