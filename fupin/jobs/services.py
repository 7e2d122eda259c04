"""Job lifecycle. Progress writes happen outside the job's own data transactions, so the
page that polls a job sees them while the work goes on."""

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from fupin.audit.services import audit_record
from fupin.jobs.models import Job


@transaction.atomic
def job_create(
    *,
    actor: AbstractBaseUser | None,
    kind: Job.Kind,
    region_code: str,
    params: dict[str, Any],
    message: str = "",
) -> Job:
    """Create a pending job; the caller enqueues its task with transaction.on_commit.

    Audit action: "jobs.job_create".
    """
    job = Job.objects.create(
        kind=kind,
        region_code=region_code,
        params=params,
        message=message,
        created_by_id=actor.pk if actor is not None and actor.is_authenticated else None,
    )
    audit_record(
        actor=actor,
        action="jobs.job_create",
        subject=job,
        region_code=region_code,
        changes={"kind": kind.value, "params": params},
    )
    return job


def job_start(*, job: Job, total: int, message: str) -> None:
    """Mark a job running with the amount of work it will report against."""
    job.status = Job.Status.RUNNING
    job.total = total
    job.done = 0
    job.message = message
    job.started_at = timezone.now()
    job.save(update_fields=["status", "total", "done", "message", "started_at"])


def job_report_progress(*, job: Job, done: int, message: str) -> None:
    """Record how much of the job is done (never more than its total)."""
    job.done = min(done, job.total)
    job.message = message
    job.save(update_fields=["done", "message"])


def job_succeed(*, job: Job, message: str, result: dict[str, Any]) -> None:
    job.status = Job.Status.SUCCEEDED
    job.done = job.total
    job.message = message
    job.result = result
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "done", "message", "result", "finished_at"])


def job_fail(*, job: Job, message: str) -> None:
    job.status = Job.Status.FAILED
    job.message = message[:500]
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "message", "finished_at"])
