"""Department feeds through the import machinery: read and validate a feed with its
declaration (`feeds.FEEDS`), then hand the valid rows to the departments app, which
stores and compares them. A file with any bad row is refused whole, with its errors and a
downloadable error workbook. The upload page, `fupin feed import` and the API push all
come through `feed_import`."""

import json
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from fupin.audit.services import audit_record
from fupin.core.errors import ApplicationError, NotFoundError
from fupin.core.scope import Capability, RegionScope
from fupin.departments.models import FeedChannel
from fupin.departments.services import FeedApplyResult, feed_rows_apply, period_check
from fupin.imports.feeds import FEEDS
from fupin.imports.kinds import Actor, LedgerKind
from fupin.imports.parsing import DEFAULT_MAX_BYTES, read_table
from fupin.imports.validation import RowError, ValidationSummary, validate
from fupin.imports.workbooks import error_workbook

ERRORS_SHOWN = 20
_ALLOWED_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".csv", ".txt"})


@dataclass(frozen=True)
class FeedOutcome:
    """What became of one delivery: applied (`result`) or refused with its errors."""

    kind: str
    period: str
    filename: str
    summary: ValidationSummary
    errors: list[RowError]
    error_count: int
    ignored_headers: tuple[str, ...] = ()
    result: FeedApplyResult | None = None
    errors_id: str = ""
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return str(FEEDS[self.kind].template.title)

    @property
    def message(self) -> str:
        if self.result is None:
            return ""
        return str(FEEDS[self.kind].counts_message) % self.result.__dict__


def feed_for(kind: str) -> LedgerKind:
    """The declaration of feed `kind`, or NotFoundError."""
    if kind not in FEEDS:
        raise NotFoundError(_("没有这种部门数据：%(kind)s。") % {"kind": kind})
    return FEEDS[kind]


def _folder() -> Path:
    folder = Path(settings.VAR_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def feed_import(
    *,
    actor: Actor,
    scope: RegionScope,
    kind: str,
    period: str,
    frame: pl.DataFrame,
    filename: str = "",
    channel: str = FeedChannel.COMMAND,
    phases: dict[str, float] | None = None,
) -> FeedOutcome:
    """Validate a parsed feed and, when every row passes, store and compare it for the
    scope's region; with any error nothing is written. `phases` (if given) receives the
    seconds of each phase (validation, then `feed_rows_apply`'s).

    Raises PermissionDeniedError, NotFoundError or ApplicationError (period, region).
    """
    scope.require(Capability.UPLOAD_FEEDS)
    ledger = feed_for(kind)
    period = period_check(period)
    started = time.perf_counter()
    checked = validate(frame, ledger, scope_prefix=scope.prefix, lookups=ledger.lookups)
    if phases is not None:
        phases["validate"] = time.perf_counter() - started
    outcome = FeedOutcome(
        kind=kind,
        period=period,
        filename=filename,
        summary=checked.summary,
        errors=checked.errors,
        error_count=len(checked.errors),
        ignored_headers=checked.ignored_headers,
    )
    if checked.errors:
        return outcome
    if checked.summary.valid_rows == 0:
        raise ApplicationError(_("文件中没有数据行。"), code="empty")
    result = feed_rows_apply(
        actor=actor,
        scope=scope,
        rows=checked.valid,
        kind=kind,
        period=period,
        channel=channel,
        filename=filename,
        phases=phases,
    )
    return FeedOutcome(
        kind=kind,
        period=period,
        filename=filename,
        summary=checked.summary,
        errors=[],
        error_count=0,
        ignored_headers=checked.ignored_headers,
        result=result,
    )


def feed_upload(
    *, actor: AbstractBaseUser, scope: RegionScope, upload: UploadedFile, kind: str, period: str
) -> FeedOutcome:
    """The upload page's door: read the file, then `feed_import`. When rows are refused,
    their error workbook is kept for the uploader to download (`feed_error_workbook`)."""
    scope.require(Capability.UPLOAD_FEEDS)
    feed_for(kind)
    filename = Path(upload.name or "").name[:200]
    if Path(filename).suffix.lower() not in _ALLOWED_SUFFIXES:
        raise ApplicationError(
            _("请上传 xlsx、xls 或 csv 文件。"), code="not_a_spreadsheet", field="file"
        )
    if (upload.size or 0) > DEFAULT_MAX_BYTES:
        raise ApplicationError(_("文件太大，请拆分后分批导入。"), code="too_large", field="file")
    content = b"".join(upload.chunks())
    frame = read_table(content, filename)
    outcome = feed_import(
        actor=actor,
        scope=scope,
        kind=kind,
        period=period,
        frame=frame,
        filename=filename,
        channel=FeedChannel.UPLOAD,
    )
    if not outcome.errors:
        return outcome
    key = str(uuid.uuid4())
    (_folder() / f"{key}-errors.xlsx").write_bytes(error_workbook(frame, outcome.errors))
    meta = {"actor_id": actor.pk, "scope_prefix": scope.prefix, "filename": filename}
    (_folder() / f"{key}-errors.json").write_text(json.dumps(meta, ensure_ascii=False))
    return FeedOutcome(
        kind=outcome.kind,
        period=outcome.period,
        filename=filename,
        summary=outcome.summary,
        errors=outcome.errors[:ERRORS_SHOWN],
        error_count=outcome.error_count,
        ignored_headers=outcome.ignored_headers,
        errors_id=key,
    )


@transaction.atomic
def feed_error_workbook(
    *, actor: AbstractBaseUser, scope: RegionScope, errors_id: str
) -> tuple[str, bytes]:
    """Return (file name, xlsx bytes) of the refused rows of the caller's own upload.

    Audit action: "imports.feed_error_workbook_download" (the rows hold personal data).
    Raises PermissionDeniedError or NotFoundError.
    """
    scope.require(Capability.UPLOAD_FEEDS)
    missing = NotFoundError(_("找不到这次上传的错误工作簿，请重新上传。"))
    try:
        key = str(uuid.UUID(errors_id))
    except ValueError:
        raise missing from None
    meta_path = _folder() / f"{key}-errors.json"
    if not meta_path.exists():
        raise missing
    meta: dict[str, Any] = json.loads(meta_path.read_text())
    if meta.get("actor_id") != actor.pk or meta.get("scope_prefix") != scope.prefix:
        raise missing
    audit_record(
        actor=actor,
        action="imports.feed_error_workbook_download",
        subject_type="imports.upload",
        subject_id=key,
        subject_label=meta["filename"],
        region_code=scope.prefix,
    )
    name = f"{Path(meta['filename']).stem}-错误.xlsx"
    return name, (_folder() / f"{key}-errors.xlsx").read_bytes()
