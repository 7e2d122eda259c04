from django.db.models import QuerySet
from django.utils.translation import gettext as _

from fupin.core.errors import NotFoundError
from fupin.core.scope import RegionScope
from fupin.jobs.models import Job


def job_list(
    *, scope: RegionScope, kind: str = "", status: str = "", region_code: str = ""
) -> QuerySet[Job]:
    """Jobs whose region lies in the scope, newest first; narrowed to a kind, a status and
    the jobs working on a region inside `region_code` when given."""
    jobs = scope.filter(Job.objects.select_related("created_by"), region_field="region_code")
    if kind:
        jobs = jobs.filter(kind=kind)
    if status:
        jobs = jobs.filter(status=status)
    if region_code:
        jobs = jobs.filter(region_code__startswith=region_code)
    return jobs


def job_get(*, scope: RegionScope, job_id: int) -> Job:
    """One job in scope; NotFoundError when missing or out of scope (indistinguishable)."""
    job = job_list(scope=scope).filter(pk=job_id).first()
    if job is None:
        raise NotFoundError(_("任务不存在或不在您的管辖范围内。"))
    return job
