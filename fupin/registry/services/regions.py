import time
from dataclasses import asdict, dataclass

import polars as pl
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from fupin.audit.services import audit_record
from fupin.core.errors import ApplicationError
from fupin.core.progress import ProgressCallback, no_progress
from fupin.core.scope import Capability, RegionScope
from fupin.jobs import services as job_services
from fupin.jobs.models import Job
from fupin.registry import region_data
from fupin.registry.models import Region
from fupin.registry.region_loader import UpsertCounts, upsert_regions
from fupin.registry.tasks import region_load_task

# Rows per transaction when loading regions: large enough for set-based speed, small enough
# that progress moves and a failure loses little (the load is idempotent; rerun it).
REGION_LOAD_BATCH_ROWS = 50_000


@dataclass
class RegionLoadResult:
    province_code: str | None
    total: int
    inserted: int
    updated: int
    unchanged: int
    seconds: float


def _check_province(province_code: str | None) -> None:
    if province_code is not None and province_code not in region_data.province_codes():
        raise ApplicationError(
            _("省级区划代码 %(code)s 不存在，请填写两位省级代码，例如 22（吉林省）。")
            % {"code": province_code},
            code="unknown_province",
        )


def region_bulk_load(
    *,
    actor: AbstractBaseUser | None,
    scope: RegionScope | None,
    province_code: str | None,
    on_progress: ProgressCallback = no_progress,
    batch_rows: int = REGION_LOAD_BATCH_ROWS,
) -> RegionLoadResult:
    """Load the shipped 统计用区划代码 for one province or (province_code None) the country.

    Idempotent: codes are upserted and unchanged rows are not written. Each batch commits
    with its own audit event ("registry.region_bulk_load"). `scope` None means the command
    line (a system operator); otherwise the scope must allow loading regions.
    Raises ApplicationError for an unknown province, PermissionDeniedError without the right.
    """
    if scope is not None:
        scope.require(Capability.LOAD_REGIONS)
    _check_province(province_code)
    started = time.perf_counter()
    frames = [
        region_data.read_level(level_file, province_code=province_code)
        for level_file in region_data.LEVEL_FILES
    ]
    total = sum(frame.height for frame in frames)
    counts = UpsertCounts()
    done = 0
    on_progress(done=0, total=total, message=_("开始加载区划代码"))
    for frame in frames:
        level_label = _level_label(int(frame["level"][0])) if frame.height else ""
        for offset in range(0, frame.height, batch_rows):
            batch = frame.slice(offset, batch_rows)
            counts.add(_upsert_batch(actor=actor, batch=batch, province_code=province_code))
            done += batch.height
            on_progress(
                done=done,
                total=total,
                message=_("正在加载%(level)s区划") % {"level": level_label},
            )
    return RegionLoadResult(
        province_code=province_code,
        total=total,
        inserted=counts.inserted,
        updated=counts.updated,
        unchanged=total - counts.inserted - counts.updated,
        seconds=round(time.perf_counter() - started, 2),
    )


@transaction.atomic
def _upsert_batch(
    *, actor: AbstractBaseUser | None, batch: pl.DataFrame, province_code: str | None
) -> UpsertCounts:
    counts = upsert_regions(batch, table_year=region_data.TABLE_YEAR)
    audit_record(
        actor=actor,
        action="registry.region_bulk_load",
        subject_type="registry.region",
        subject_id=f"{batch['code'][0]}…{batch['code'][-1]}",
        subject_label=_("区划代码批量加载"),
        region_code=province_code or "",
        changes={"rows": batch.height, "inserted": counts.inserted, "updated": counts.updated},
    )
    return counts


def _level_label(level: int) -> str:
    return str(Region.Level(level).label)


@transaction.atomic
def region_load_start(
    *, actor: AbstractBaseUser, scope: RegionScope, province_code: str | None
) -> Job:
    """Queue a region load as a Job with progress; the worker runs region_load_job_run.

    Audit action: "jobs.job_create". Raises PermissionDeniedError or ApplicationError.
    """
    scope.require(Capability.LOAD_REGIONS)
    _check_province(province_code)
    job = job_services.job_create(
        actor=actor,
        kind=Job.Kind.REGION_LOAD,
        region_code=province_code or "",
        params={"province_code": province_code},
        message=_("等待后台处理"),
    )
    transaction.on_commit(lambda: region_load_task.enqueue(job_id=job.pk))
    return job


def region_load_job_run(*, job_id: int) -> None:
    """Run a queued region-load job, reporting progress on the Job row."""
    job = Job.objects.select_related("created_by").get(pk=job_id)
    if job.is_finished:
        return
    job_services.job_start(job=job, total=0, message=_("读取区划数据"))

    def report(*, done: int, total: int, message: str) -> None:
        if job.total != total:
            job.total = total
            job.save(update_fields=["total"])
        job_services.job_report_progress(job=job, done=done, message=message)

    try:
        result = region_bulk_load(
            actor=job.created_by,
            scope=None,
            province_code=job.params.get("province_code"),
            on_progress=report,
        )
    except Exception as error:
        job_services.job_fail(job=job, message=_("加载失败：%(error)s") % {"error": error})
        raise
    job_services.job_succeed(
        job=job,
        message=_("完成：新增 %(inserted)s，更新 %(updated)s，未变 %(unchanged)s") % asdict(result),
        result=asdict(result),
    )
