from django.http import HttpRequest
from ninja import Router
from ninja.errors import HttpError

from fupin.core.api import api_scope
from fupin.core.errors import NotFoundError
from fupin.jobs import selectors
from fupin.jobs.schemas import JobOut

router = Router(tags=["jobs"])


@router.get("/jobs/{job_id}", response=JobOut)
def job_detail(request: HttpRequest, job_id: int) -> JobOut:
    """A job's status and progress, for clients that poll."""
    try:
        job = selectors.job_get(scope=api_scope(request), job_id=job_id)
    except NotFoundError as error:
        raise HttpError(404, error.message) from error
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
