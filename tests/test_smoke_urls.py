"""GET every named URL as a nationwide system administrator: nothing may fail."""

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from fupin.assessment.models import RuleSetRecord
from fupin.jobs.models import Job
from fupin.monitoring.tests.samples import sample_case
from fupin.registry.services import household_register
from fupin.registry.tests import factories
from fupin.reports.models import ExitSurvey
from tests.support import VILLAGE, Actors, client_for, scope_of

# Ninja registers its endpoints as named URLs too; the API has its own tests.
SKIPPED_NAMESPACES = {"api"}


def _named_patterns(resolver: URLResolver, namespace: str = "") -> list[tuple[str, URLPattern]]:
    found: list[tuple[str, URLPattern]] = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            if entry.namespace in SKIPPED_NAMESPACES:
                continue
            found.extend(_named_patterns(entry, inner))
        elif entry.name:
            found.append((f"{namespace}{entry.name}", entry))
    return found


def test_every_named_url_answers_without_error(actors: Actors, baseline: RuleSetRecord) -> None:
    job = Job.objects.create(kind=Job.Kind.REGION_LOAD, region_code="22", params={})
    household = household_register(
        actor=actors.system_admin,
        scope=scope_of(actors.system_admin),
        data=factories.household("H001", VILLAGE),
        members=factories.family(),
    )
    monitoring = sample_case(actors, household)
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
    client = client_for(actors.system_admin)
    names = _named_patterns(get_resolver())
    assert len(names) >= 15
    for name, pattern in names:
        kwargs = {key: values[key] for key in pattern.pattern.regex.groupindex}
        response = client.get(reverse(name, kwargs=kwargs))
        # POST-only endpoints answer 405 to GET; everything else renders or redirects
        assert response.status_code in {200, 302, 405}, f"{name}: {response.status_code}"
