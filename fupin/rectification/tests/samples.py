"""One of each rectification object, made with the real services, for page tests."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from fupin.rectification import services
from fupin.rectification.models import (
    Campaign,
    CampaignKind,
    Complaint,
    ComplaintCategory,
    ComplaintChannel,
    Problem,
    ProblemCategory,
    ProblemSource,
    Question,
    Questionnaire,
    RectificationTask,
    VisitTask,
)
from fupin.rectification.questionnaires import MOPAI_2023_CODE, seed_questionnaires
from fupin.registry.models import Household
from tests.support import COUNTY, VILLAGE, Actors, scope_of


@dataclass(frozen=True)
class Sample:
    problem: Problem
    task: RectificationTask
    complaint: Complaint
    campaign: Campaign
    visit: VisitTask


def sample_rectification(actors: Actors, household: Household) -> Sample:
    """A village problem with one task, a 12317 complaint about the village and a county
    campaign with the household's visit."""
    county = scope_of(actors.county_admin)
    today = timezone.localdate()
    problem = services.problem_register(
        actor=actors.county_admin,
        scope=county,
        source=ProblemSource.INSPECTION,
        region_code=VILLAGE,
        category=ProblemCategory.FUNDS,
        title="产业补助资金滞留",
        description="督查发现补助资金滞留村账户。",
        households=[household],
    )
    task = services.task_add(
        actor=actors.county_admin,
        scope=county,
        problem_id=problem.pk,
        lead_unit="伏龙泉镇人民政府",
        owner_unit="东榛柴村委会",
        measures="拨付到户",
        expected_effect="全部到账",
        due_on=today + timedelta(days=10),
    )
    complaint = services.complaint_register(
        actor=actors.county_admin,
        scope=county,
        channel=ComplaintChannel.HOTLINE_12317,
        category=ComplaintCategory.FUNDS,
        region_code=VILLAGE,
        content="光伏收益没有公示。",
        name="王举报",
        phone="13612345678",
    )
    seed_questionnaires(Questionnaire, Question)
    campaign = services.campaign_open(
        actor=actors.county_admin,
        scope=county,
        name="集中排查",
        kind=CampaignKind.SCREENING,
        region_code=COUNTY,
        region_codes=[],
        household_types=[],
        questionnaire_id=Questionnaire.objects.get(code=MOPAI_2023_CODE).pk,
        due_on=today + timedelta(days=30),
    )
    visit = VisitTask.objects.get(campaign=campaign, household=household)
    return Sample(problem=problem, task=task, complaint=complaint, campaign=campaign, visit=visit)
