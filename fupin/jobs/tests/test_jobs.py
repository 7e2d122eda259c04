import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from fupin.jobs import services
from fupin.jobs.models import Job
from tests.support import COUNTY, OTHER_COUNTY, Actors, Expectation, assert_scope_matrix, client_for


def _job(region_code: str) -> Job:
    return Job.objects.create(kind=Job.Kind.REGION_LOAD, region_code=region_code, params={})


def test_progress_moves_through_the_lifecycle(db: None) -> None:
    job = _job(COUNTY)
    services.job_start(job=job, total=200, message="开始")
    services.job_report_progress(job=job, done=50, message="处理中")
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.percent) == (Job.Status.RUNNING, 50, 200, 25)
    services.job_report_progress(job=job, done=999, message="超出")
    assert job.done == 200
    services.job_succeed(job=job, message="完成", result={"rows": 200})
    job.refresh_from_db()
    assert (job.status, job.percent, job.result, job.is_finished) == (
        Job.Status.SUCCEEDED,
        100,
        {"rows": 200},
        True,
    )
    assert job.finished_at is not None


def test_a_failed_job_keeps_its_message(db: None) -> None:
    job = _job(COUNTY)
    services.job_start(job=job, total=10, message="开始")
    services.job_fail(job=job, message="文件损坏" * 200)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert len(job.message) == 500


def test_done_cannot_exceed_total_in_the_database(db: None) -> None:
    job = _job(COUNTY)
    with pytest.raises(IntegrityError), transaction.atomic():
        Job.objects.filter(pk=job.pk).update(total=5, done=6)


def test_job_detail_scope_matrix(actors: Actors) -> None:
    job = _job(COUNTY)
    url = reverse("jobs:job-detail", args=[job.pk])
    assert_scope_matrix(
        lambda client: client.get(url),
        {
            None: Expectation(302),
            actors.no_role: Expectation(403),
            actors.village_officer: Expectation(404, hides=("加载区划代码 #",)),
            actors.other_county_admin: Expectation(404, hides=("加载区划代码 #",)),
            actors.county_admin: Expectation(
                200, shows=("加载区划代码 #", 'data-testid="job-progress"')
            ),
            actors.province_admin: Expectation(200),
        },
    )


def test_job_list_shows_only_jobs_in_scope(actors: Actors) -> None:
    mine = _job(COUNTY)
    other = _job(OTHER_COUNTY)
    body = client_for(actors.county_admin).get(reverse("jobs:job-list")).content.decode()
    assert reverse("jobs:job-detail", args=[mine.pk]) in body
    assert reverse("jobs:job-detail", args=[other.pk]) not in body


def test_progress_fragment_polls_until_finished(actors: Actors) -> None:
    job = _job(COUNTY)
    services.job_start(job=job, total=4, message="处理中")
    services.job_report_progress(job=job, done=1, message="处理中")
    client = client_for(actors.county_admin)
    url = reverse("jobs:job-detail", args=[job.pk])
    running = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in running
    assert 'hx-trigger="every 1s"' in running
    assert "25%" in running
    services.job_succeed(job=job, message="完成", result={})
    finished = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in finished
    assert "100%" in finished


def test_job_api_is_scoped(actors: Actors) -> None:
    job = _job(COUNTY)
    assert (
        client_for(actors.county_admin).get(f"/api/v1/jobs/{job.pk}").json()["status"] == "pending"
    )
    assert client_for(actors.other_county_admin).get(f"/api/v1/jobs/{job.pk}").status_code == 404


def test_job_list_filters_by_region_chosen_in_the_picker_and_status(actors: Actors) -> None:
    county_wide = _job(COUNTY)
    in_town = _job("220122101")
    done = _job("220122101201")
    Job.objects.filter(pk=done.pk).update(status=Job.Status.SUCCEEDED)
    client = client_for(actors.province_admin)
    url = reverse("jobs:job-list")
    page = client.get(url).content.decode()
    assert 'data-testid="region-filter"' in page
    town = client.get(url, {"region_code": "220122101"}).content.decode()
    assert reverse("jobs:job-detail", args=[in_town.pk]) in town
    assert reverse("jobs:job-detail", args=[done.pk]) in town
    assert reverse("jobs:job-detail", args=[county_wide.pk]) not in town
    succeeded = client.get(
        url, {"region_code": "220122101", "status": Job.Status.SUCCEEDED}
    ).content.decode()
    assert reverse("jobs:job-detail", args=[done.pk]) in succeeded
    assert reverse("jobs:job-detail", args=[in_town.pk]) not in succeeded
    # an htmx request gets the results alone
    fragment = client.get(url, {"region_code": "220122101"}, headers={"HX-Request": "true"})
    assert 'data-testid="job-table"' in fragment.content.decode()
    assert "<html" not in fragment.content.decode()


def test_home_page_names_its_jobs_for_what_they_are(actors: Actors) -> None:
    job = _job(COUNTY)
    body = client_for(actors.county_admin).get(reverse("reports:home")).content.decode()
    heading = body.split('data-testid="recent-jobs"')[1].split("</h2>")[0]
    assert "最近的后台任务（导入、导出、评估等）" in heading
    assert reverse("jobs:job-list") in heading
    assert reverse("jobs:job-detail", args=[job.pk]) in body
    assert "进行中的任务" not in body
