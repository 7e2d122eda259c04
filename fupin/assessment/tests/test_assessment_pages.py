"""Assessment run and policy parameter pages: scope matrix, forms, the job."""

from decimal import Decimal

from django.urls import reverse

from fupin.assessment.models import AssessmentRun, PolicyParameter, RuleSetRecord
from fupin.assessment.services import assessment_run_job_run
from fupin.jobs.models import Job
from tests.support import (
    COUNTY,
    Actors,
    Expectation,
    assert_scope_matrix,
    client_for,
    nothing_changes,
)


def test_run_page_scope_matrix_and_job(
    actors: Actors, baseline: RuleSetRecord, django_capture_on_commit_callbacks: object
) -> None:
    url = reverse("assessment:run-list")
    assert_scope_matrix(
        lambda client: client.get(url),
        {
            None: Expectation(302),
            actors.no_role: Expectation(403),
            actors.village_officer: Expectation(200, hides=('data-testid="run-assessment"',)),
            actors.county_admin: Expectation(200, shows=('data-testid="run-assessment"',)),
        },
    )
    officer = client_for(actors.village_officer)
    with nothing_changes():
        denied = officer.post(url, {"year": "2025"})
    assert denied.status_code == 403
    assert not Job.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = client_for(actors.county_admin).post(url, {"year": "2025"})
    job = Job.objects.get()
    assert response["Location"] == reverse("jobs:job-detail", args=[job.pk])
    assert (job.kind, job.region_code, job.params) == (
        "assessment_run",
        COUNTY,
        {"region_code": COUNTY, "year": 2025},
    )
    assessment_run_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.percent) == (Job.Status.SUCCEEDED, 100)
    run = AssessmentRun.objects.get()
    assert job.result == {"run_id": run.pk, "households": 0}
    assert "220122" in client_for(actors.auditor).get(url).content.decode()
    assert "220122" not in client_for(actors.other_county_admin).get(url).content.decode()


def test_parameter_page_sets_values_in_scope_only(actors: Actors) -> None:
    url = reverse("assessment:parameter-list")
    form = {"name": "monitoring_line", "region_code": COUNTY, "year": "2025", "value": "8600",
            "basis": "县乡村振兴局通知"}  # fmt: skip
    officer, other = client_for(actors.village_officer), client_for(actors.other_county_admin)
    with nothing_changes():
        assert officer.post(url, form).status_code == 403
        outside = other.post(url, form)
    assert outside.status_code == 400
    assert "不在您的管辖范围内" in outside.content.decode()
    assert not PolicyParameter.objects.exists()
    saved = client_for(actors.county_admin).post(url, form)
    assert saved.status_code == 302
    assert PolicyParameter.objects.get().effective_value == Decimal("8600")
    assert_scope_matrix(
        lambda client: client.get(url),
        {
            None: Expectation(302),
            actors.village_officer: Expectation(200, shows=("8600",), hides=("parameter-save",)),
            actors.other_county_admin: Expectation(200, hides=("8600",)),
            actors.county_admin: Expectation(200, shows=("8600", "parameter-save")),
        },
    )
