"""Upload pages' services: stage a ledger file (validate, write nothing), then apply it as a
background Job. A staged upload is a file under VAR_DIR/imports named by a UUID, with a
JSON side file holding who uploaded it, in which scope, and the original file name."""

import datetime
import json
import time
import uuid
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.audit.services import audit_record
from fupin.core.errors import ApplicationError, NotFoundError
from fupin.core.scope import Capability, RegionScope
from fupin.imports.declarations import Template
from fupin.imports.exports import ledger_workbook
from fupin.imports.kinds import KINDS, TEMPLATES
from fupin.imports.ledgers import (
    apply_rows,
    counts_message,
    new_changed_unchanged,
    preview_counts,
)
from fupin.imports.parsing import DEFAULT_MAX_BYTES
from fupin.imports.streaming import StreamedValidation, validated_file
from fupin.imports.tasks import import_apply_task, ledger_export_task
from fupin.imports.validation import RowError, ValidationSummary
from fupin.imports.workbooks import error_workbook
from fupin.jobs import services as job_services
from fupin.jobs.models import Job
from fupin.registry.forms import household_filters
from fupin.registry.selectors import household_list

ERRORS_SHOWN = 20
UPLOAD_KEEP = datetime.timedelta(days=1)
EXPORT_KEEP = datetime.timedelta(days=7)
_ALLOWED_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".csv", ".txt"})


@dataclass(frozen=True)
class Staged:
    """A validated upload waiting for confirmation; nothing is in the registry yet."""

    id: str
    kind: str
    filename: str
    summary: ValidationSummary
    errors: list[RowError]
    error_count: int
    ignored_headers: tuple[str, ...]
    new_rows: int = 0
    changed_rows: int = 0
    unchanged_rows: int = 0
    apply_error: str = ""

    @property
    def title(self) -> str:
        return str(TEMPLATES[self.kind].title)

    @property
    def can_apply(self) -> bool:
        return self.error_count == 0 and self.summary.valid_rows > 0 and not self.apply_error


def template_for(kind: str) -> Template:
    """Return the import template of `kind`, or raise NotFoundError."""
    if kind not in TEMPLATES:
        raise NotFoundError(_("没有这种台账：%(kind)s。") % {"kind": kind})
    return TEMPLATES[kind]


def _folder() -> Path:
    folder = Path(settings.VAR_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _staged_meta(*, actor: AbstractBaseUser, scope: RegionScope, staged_id: str) -> dict[str, Any]:
    """Return the side file of the caller's own staged upload, or raise NotFoundError."""
    try:
        key = str(uuid.UUID(staged_id))
    except ValueError:
        raise NotFoundError(_("找不到这次上传，请重新上传文件。")) from None
    meta_path = _folder() / f"{key}.json"
    if not meta_path.exists():
        raise NotFoundError(_("找不到这次上传，请重新上传文件。"))
    meta: dict[str, Any] = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta.get("actor_id") != actor.pk or meta.get("scope_prefix") != scope.prefix:
        raise NotFoundError(_("找不到这次上传，请重新上传文件。"))
    return meta


def _validated(
    path: Path, filename: str, template: Template, *, scope_prefix: str
) -> AbstractContextManager[StreamedValidation]:
    return validated_file(path, filename, KINDS[template.kind], scope_prefix=scope_prefix)


def stale_files_remove(
    *, upload_keep: datetime.timedelta = UPLOAD_KEEP, export_keep: datetime.timedelta = EXPORT_KEEP
) -> int:
    """Delete uploads previewed but never confirmed (older than `upload_keep`) and export
    files older than `export_keep`; return how many files were removed. They hold personal
    data, so they must not pile up on disk."""
    now = time.time()
    removed = 0
    for folder, keep in ((_folder(), upload_keep), (_exports_folder(), export_keep)):
        for path in folder.iterdir():
            if path.is_file() and now - path.stat().st_mtime > keep.total_seconds():
                path.unlink(missing_ok=True)
                removed += 1
    return removed


def import_stage(
    *, actor: AbstractBaseUser, scope: RegionScope, upload: UploadedFile, kind: str = "members"
) -> Staged:
    """Save an uploaded ledger, validate it against the scope and report what applying it
    would create, update and leave unchanged.

    Nothing is written to the registry. Raises PermissionDeniedError, NotFoundError for an
    unknown kind, or ImportFileError when the file cannot be read as a table.
    """
    scope.require(Capability.EDIT_REGISTRY)
    template = template_for(kind)
    stale_files_remove()
    filename = Path(upload.name or "").name[:200]
    suffix = Path(filename).suffix.lower()
    if suffix not in _ALLOWED_SUFFIXES:
        raise ApplicationError(
            _("请上传 xlsx、xls 或 csv 文件。"), code="not_a_spreadsheet", field="file"
        )
    if (upload.size or 0) > DEFAULT_MAX_BYTES:
        raise ApplicationError(_("文件太大，请拆分后分批导入。"), code="too_large", field="file")
    key = str(uuid.uuid4())
    path = _folder() / f"{key}{suffix}"
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    counts = (0, 0, 0)
    apply_error = ""
    try:
        with _validated(path, filename, template, scope_prefix=scope.prefix) as streamed:
            result = streamed.result
            if not result.errors and result.summary.valid_rows:
                try:
                    counts = new_changed_unchanged(
                        template,
                        preview_counts(
                            template, actor=actor, scope=scope, rows=result.valid_chunks
                        ),
                    )
                except ApplicationError as error:
                    apply_error = error.message
    except ApplicationError:
        path.unlink(missing_ok=True)
        raise
    meta = {
        "kind": template.kind,
        "suffix": suffix,
        "filename": filename,
        "actor_id": actor.pk,
        "scope_prefix": scope.prefix,
    }
    (_folder() / f"{key}.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return Staged(
        id=key,
        kind=template.kind,
        filename=filename,
        summary=result.summary,
        errors=result.errors[:ERRORS_SHOWN],
        error_count=len(result.errors),
        ignored_headers=result.ignored_headers,
        new_rows=counts[0],
        changed_rows=counts[1],
        unchanged_rows=counts[2],
        apply_error=apply_error,
    )


@transaction.atomic
def import_error_workbook(
    *, actor: AbstractBaseUser, scope: RegionScope, staged_id: str
) -> tuple[str, bytes]:
    """Return (file name, xlsx bytes) of the rows with errors of the caller's own upload.

    Audit action: "imports.error_workbook_download" (the workbook holds personal data).
    Raises PermissionDeniedError or NotFoundError.
    """
    scope.require(Capability.EDIT_REGISTRY)
    meta = _staged_meta(actor=actor, scope=scope, staged_id=staged_id)
    path = _folder() / f"{uuid.UUID(staged_id)}{meta['suffix']}"
    template = template_for(meta["kind"])
    with _validated(path, meta["filename"], template, scope_prefix=scope.prefix) as streamed:
        result = streamed.result
        workbook = error_workbook(streamed.error_rows(), result.errors)
    audit_record(
        actor=actor,
        action="imports.error_workbook_download",
        subject_type="imports.upload",
        subject_id=str(uuid.UUID(staged_id)),
        subject_label=meta["filename"],
        region_code=scope.prefix,
        changes={"errors": len(result.errors)},
    )
    return f"{Path(meta['filename']).stem}-错误.xlsx", workbook


@transaction.atomic
def import_apply_start(*, actor: AbstractBaseUser, scope: RegionScope, staged_id: str) -> Job:
    """Queue the caller's staged upload to be applied; the worker runs import_apply_job_run.

    Audit action: "jobs.job_create" (the apply itself: the template's bulk service's).
    Raises PermissionDeniedError or NotFoundError.
    """
    scope.require(Capability.EDIT_REGISTRY)
    meta = _staged_meta(actor=actor, scope=scope, staged_id=staged_id)
    job = job_services.job_create(
        actor=actor,
        kind=Job.Kind.IMPORT_APPLY,
        region_code=scope.prefix,
        params={
            "staged_id": str(uuid.UUID(staged_id)),
            "kind": meta["kind"],
            "suffix": meta["suffix"],
            "filename": meta["filename"],
            "scope_prefix": scope.prefix,
            # The apply runs with the uploader's duties: some ledgers need more than
            # EDIT_REGISTRY (the cadre assignment ledger needs MANAGE_ASSISTANCE).
            "capabilities": sorted(str(capability) for capability in scope.capabilities),
        },
        message=_("等待后台处理"),
    )
    transaction.on_commit(lambda: import_apply_task.enqueue(job_id=job.pk))
    return job


def import_apply_job_run(*, job_id: int) -> None:
    """Re-read and re-validate the staged file, then apply it in the uploader's scope."""
    job = Job.objects.select_related("created_by").get(pk=job_id)
    if job.is_finished:
        return
    params = job.params
    prefix = params["scope_prefix"]
    path = _folder() / f"{uuid.UUID(params['staged_id'])}{params['suffix']}"
    template = template_for(params["kind"])
    job_services.job_start(job=job, total=100, message=_("读取文件"))
    scope = RegionScope(
        role="import",
        role_label="",
        prefix=prefix,
        root_prefix=prefix,
        region_name="",
        capabilities=frozenset(
            Capability(value)
            for value in params.get("capabilities", [Capability.EDIT_REGISTRY.value])
        ),
    )

    try:
        with _validated(path, params["filename"], template, scope_prefix=prefix) as streamed:
            result = streamed.result
            job_services.job_report_progress(job=job, done=30, message=_("校验数据"))
            if result.errors:
                raise ApplicationError(
                    _("有 %(count)d 行未通过校验，未写入任何数据。")
                    % {"count": result.summary.invalid_rows}
                )
            job_services.job_report_progress(job=job, done=60, message=_("写入台账"))
            # One transaction: progress saved inside it would only show once it is over.
            counts = apply_rows(
                template, actor=job.created_by, scope=scope, rows=result.valid_chunks
            )
    except FileNotFoundError:
        job_services.job_fail(job=job, message=_("找不到上传的文件，请重新上传。"))
        return
    except ApplicationError as error:
        job_services.job_fail(job=job, message=error.message)
        return
    except DatabaseError:
        job_services.job_fail(
            job=job,
            message=_("写入失败，未写入任何数据。请稍后重试；仍然失败请联系系统管理员。"),
        )
        raise
    job_services.job_succeed(
        job=job,
        message=_("已导入：%(counts)s") % {"counts": counts_message(template, counts)},
        result=counts,
    )
    path.unlink(missing_ok=True)
    path.with_suffix(".json").unlink(missing_ok=True)


# --- exports -------------------------------------------------------------------------------


def _exports_folder() -> Path:
    folder = Path(settings.VAR_DIR) / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _require_export(scope: RegionScope, template: Template) -> None:
    if KINDS[template.kind].personal_data:
        scope.require(Capability.VIEW_PERSONAL_DATA)


@transaction.atomic
def ledger_export_start(
    *, actor: AbstractBaseUser, scope: RegionScope, kind: str, query: dict[str, str]
) -> Job:
    """Queue an export of the households matching the list filter `query` in the format of
    the `kind` import template. Raises NotFoundError or PermissionDeniedError.

    Audit action: "jobs.job_create" (the export itself: "imports.ledger_export").
    """
    template = template_for(kind)
    _require_export(scope, template)
    job = job_services.job_create(
        actor=actor,
        kind=Job.Kind.LEDGER_EXPORT,
        region_code=scope.prefix,
        params={
            "kind": template.kind,
            "query": query,
            "scope_prefix": scope.prefix,
            "scope_root": scope.root_prefix,
            "role": scope.role,
        },
        message=_("等待后台处理"),
    )
    transaction.on_commit(lambda: ledger_export_task.enqueue(job_id=job.pk))
    return job


def _job_scope(params: dict[str, Any]) -> RegionScope:
    return RegionScope(
        role=params["role"],
        role_label="",
        prefix=params["scope_prefix"],
        root_prefix=params["scope_root"],
        region_name="",
    )


def ledger_export_job_run(*, job_id: int) -> None:
    """Write the export file batch by batch with progress; audit it when done."""
    job = Job.objects.select_related("created_by").get(pk=job_id)
    if job.is_finished:
        return
    params = job.params
    template = template_for(params["kind"])
    _form, filters = household_filters(params["query"])
    households = household_list(scope=_job_scope(params), filters=filters)
    total = households.count()
    job_services.job_start(job=job, total=max(total, 1), message=_("导出中"))
    path = _exports_folder() / f"{job.pk}.xlsx"

    def progress(done: int) -> None:
        job_services.job_report_progress(job=job, done=done, message=_("导出中"))

    try:
        result = ledger_workbook(template, households, path, progress=progress)
    except (DatabaseError, OSError):
        path.unlink(missing_ok=True)
        job_services.job_fail(
            job=job, message=_("导出失败，未生成文件。请稍后重试；仍然失败请联系系统管理员。")
        )
        raise
    filename = f"{template.title}-{timezone.localdate():%Y%m%d}.xlsx"
    with transaction.atomic():
        audit_record(
            actor=job.created_by,
            action="imports.ledger_export",
            subject_type="jobs.job",
            subject_id=str(job.pk),
            subject_label=filename,
            region_code=params["scope_prefix"],
            changes={"kind": template.kind, "rows": result.rows, "households": result.households},
            context={"filters": params["query"]},
        )
        job_services.job_succeed(
            job=job,
            message=_("已导出 %(households)d 户、%(rows)d 行。")
            % {"households": result.households, "rows": result.rows},
            result={
                "rows": result.rows,
                "households": result.households,
                "filename": filename,
                "download_url": reverse("imports:export-download", args=[job.pk]),
            },
        )


@transaction.atomic
def ledger_export_file(
    *, actor: AbstractBaseUser, scope: RegionScope, job_id: int
) -> tuple[str, Path]:
    """Return (file name, path) of the caller's own finished export; audited because the
    file may hold personal data. Audit action: "imports.ledger_export_download".

    The role the caller acts in now must still be allowed the ledger: a members ledger made
    in a registry role is not handed out to the same person acting as, say, an auditor.
    Raises NotFoundError or PermissionDeniedError."""
    job = Job.objects.filter(
        pk=job_id, kind=Job.Kind.LEDGER_EXPORT, created_by_id=actor.pk, status=Job.Status.SUCCEEDED
    ).first()
    path = _exports_folder() / f"{job_id}.xlsx"
    if job is None or not path.exists():
        raise NotFoundError(_("找不到这个导出文件，请重新导出。"))
    _require_export(scope, template_for(job.params["kind"]))
    audit_record(
        actor=actor,
        action="imports.ledger_export_download",
        subject_type="jobs.job",
        subject_id=str(job.pk),
        subject_label=job.result.get("filename", ""),
        region_code=job.region_code,
        changes={"rows": job.result.get("rows", 0)},
    )
    return job.result.get("filename", path.name), path
