from django.db.models import QuerySet
from django.utils.translation import gettext as _

from fupin.core.errors import NotFoundError
from fupin.core.scope import RegionScope
from fupin.jobs.models import Job


def job_list(*, scope: RegionScope) -> QuerySet[Job]:
    """Jobs whose region lies in the scope, newest first."""
    return scope.filter(Job.objects.select_related("created_by"), region_field="region_code")


def job_get(*, scope: RegionScope, job_id: int) -> Job:
    """One job in scope; NotFoundError when missing or out of scope (indistinguishable)."""
    job = job_list(scope=scope).filter(pk=job_id).first()
    if job is None:
        raise NotFoundError(_("任务不存在或不在您的管辖范围内。"))
    return job
