"""Every named page with an object of each kind to show: the URL smoke test, the scan for
ASCII identifiers in visible text and the browser's phone-width check all walk this list,
so a page another module adds is covered the moment its URL is named."""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from fupin.assessment.models import RuleSetRecord
from fupin.assistance.tests.samples import sample_assistance
from fupin.departments.models import DepartmentToken, Finding
from fupin.finance.tests.samples import sample_finance
from fupin.jobs.models import Job
from fupin.monitoring.tests.samples import sample_case
from fupin.rectification.tests.samples import sample_rectification
from fupin.registry.services import household_register
from fupin.registry.tests import factories
from fupin.reports.models import ExitSurvey
from tests.support import VILLAGE, Actors, scope_of

# Ninja registers its endpoints as named URLs too; the API has its own tests.
SKIPPED_NAMESPACES = {"api"}


@dataclass(frozen=True)
class SmokePage:
    name: str
    url: str


def named_patterns(
    resolver: URLResolver | None = None, namespace: str = ""
) -> list[tuple[str, URLPattern]]:
    found: list[tuple[str, URLPattern]] = []
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            if entry.namespace in SKIPPED_NAMESPACES:
                continue
            found.extend(named_patterns(entry, inner))
        elif entry.name:
            found.append((f"{namespace}{entry.name}", entry))
    return found


def smoke_pages(actors: Actors, baseline: RuleSetRecord) -> list[SmokePage]:
    """Create one object of every kind a URL names and return every named URL filled in."""
    job = Job.objects.create(kind=Job.Kind.REGION_LOAD, region_code="22", params={})
    household = household_register(
        actor=actors.system_admin,
        scope=scope_of(actors.system_admin),
        data=factories.household("220122101201901", VILLAGE),
        members=factories.family(),
    )
    monitoring = sample_case(actors, household)
    rectification = sample_rectification(actors, household)
    # Measures and risks need the code tables the `assistance_tables` fixture seeds.
    assistance = sample_assistance(actors, household)
    values = {
        "user_id": actors.village_officer.pk,
        "job_id": job.pk,
        "code": "220122",
        "field": "phone",
        "rule_set_id": baseline.pk,
        "rule_code": "MON-INCOME-BELOW-LINE",
        "household_id": household.pk,
        "member_id": household.members.first().pk,  # type: ignore[union-attr]
        "case_id": monitoring.case.pk,
        "clue_id": monitoring.clue.pk,
        "attachment_id": monitoring.attachment.pk,
        "objection_id": monitoring.objection.pk,
        "token": monitoring.notice.token,
        **assistance,
        "problem_id": rectification.problem.pk,
        "task_id": rectification.task.pk,
        "complaint_id": rectification.complaint.pk,
        "campaign_id": rectification.campaign.pk,
        "visit_id": rectification.visit.pk,
        **sample_finance(actors, household),
        "candidate_id": 1,
        "finding_id": Finding.objects.create(
            rule_code="registry.head_missing",
            rule_label="户主缺失",
            subject_key=f"household:{household.pk}",
            household=household,
            village_id=VILLAGE,
            detail="没有在册的户主。",
        ).pk,
        "token_id": DepartmentToken.objects.create(
            user=actors.county_admin,
            label="县医保局数据推送",
            key_prefix="Kq3xW8pZ",
            key_digest="0" * 64,
        ).pk,
        "village_code": VILLAGE,
        "year": 2020,
        "survey_id": ExitSurvey.objects.create(
            county_code="220122",
            year=2020,
            households_per_stratum=1,
            seed=1,
            created_by=actors.system_admin,
        ).pk,
    }
    pages = [
        SmokePage(
            name,
            reverse(name, kwargs={key: values[key] for key in pattern.pattern.regex.groupindex}),
        )
        for name, pattern in named_patterns()
    ]
    # Pages that one URL shows in more than one shape.
    pages.append(
        SmokePage("reports:report (coverage)", f"{reverse('reports:report')}?kind=coverage")
    )
    return pages
