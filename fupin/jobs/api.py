from django.http import HttpRequest
from ninja import Router

from fupin.core.api import api_scope
from fupin.jobs import selectors
from fupin.jobs.schemas import JobOut

router = Router(tags=["jobs"])


@router.get("/jobs/{job_id}", response=JobOut)
def job_detail(request: HttpRequest, job_id: int) -> JobOut:
    """A job's status and progress, for clients that poll."""
    job = selectors.job_get(scope=api_scope(request), job_id=job_id)
    return JobOut(
        id=job.pk,
        kind=job.kind,
        status=job.status,
        total=job.total,
        done=job.done,
        percent=job.percent,
        message=job.message,
        created_at=job.created_at,
        finished_at=job.finished_at,
    )
