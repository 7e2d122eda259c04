"""Departments push feed rows as JSON with their own API key (`X-Department-Key`); the
rows go through the same declaration, validation and comparison as an uploaded file."""

from typing import Any

import polars as pl
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status
from ninja.security import APIKeyHeader

from fupin.audit.services import audit_record
from fupin.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from fupin.departments import selectors
from fupin.departments.models import FeedChannel
from fupin.imports.feed_services import FeedOutcome, feed_for, feed_import

MAX_ROWS_PER_PUSH = 100_000


class DepartmentKey(APIKeyHeader):
    """A department account's API key; a revoked key, or an account no longer assigned to
    deliver data, is refused (401)."""

    param_name = "X-Department-Key"

    def authenticate(
        self, request: HttpRequest, key: str | None
    ) -> selectors.DepartmentCaller | None:
        if not key:
            return None
        return selectors.department_caller(key)


router = Router(tags=["departments"], auth=DepartmentKey())


class FeedPushIn(Schema):
    period: str
    rows: list[dict[str, Any]]


class FeedErrorOut(Schema):
    row: int
    column: str
    message: str


class FeedPushOut(Schema):
    kind: str
    period: str
    rows: int
    valid_rows: int
    invalid_rows: int
    errors: list[FeedErrorOut]
    result: dict[str, int] | None


class FeedBatchOut(Schema):
    id: int
    kind: str
    period: str
    region_code: str
    channel: str
    rows_received: int
    rows_new: int
    rows_matched: int
    clues_opened: int
    clues_merged: int
    findings_opened: int


def _caller(request: HttpRequest) -> selectors.DepartmentCaller:
    caller: selectors.DepartmentCaller = request.auth  # type: ignore[attr-defined]
    return caller


def _frame(kind: str, rows: list[dict[str, Any]]) -> pl.DataFrame:
    """The pushed rows as the text table a file would give; keys may be the template's
    headers, their aliases or the column names."""
    template = feed_for(kind).template
    header_of = {column.name: column.header for column in template.columns}
    keys = list(dict.fromkeys(key for row in rows for key in row))
    return pl.DataFrame(
        {
            header_of.get(key, key): [
                None if row.get(key) is None else str(row[key]) for row in rows
            ]
            for key in keys
        },
        schema={header_of.get(key, key): pl.String for key in keys},
    )


def _out(outcome: FeedOutcome) -> dict[str, Any]:
    return {
        "kind": outcome.kind,
        "period": outcome.period,
        "rows": outcome.summary.rows,
        "valid_rows": outcome.summary.valid_rows,
        "invalid_rows": outcome.summary.invalid_rows,
        "errors": [
            {"row": error.row_number, "column": error.field, "message": error.message}
            for error in outcome.errors
        ],
        "result": outcome.result.__dict__ if outcome.result is not None else None,
    }


@router.post("/feeds/{kind}/", response={200: FeedPushOut, 422: FeedPushOut})
def feed_push(request: HttpRequest, kind: str, payload: FeedPushIn) -> Status[dict[str, Any]]:
    """Push one period of a feed. Every row is checked as in an uploaded file (row numbers
    count the header as row 1); with any bad row nothing is stored (422)."""
    caller = _caller(request)
    if not payload.rows:
        raise HttpError(422, _("没有数据行。"))
    if len(payload.rows) > MAX_ROWS_PER_PUSH:
        raise HttpError(
            422, _("每次最多推送 %(count)d 行，请分批推送。") % {"count": MAX_ROWS_PER_PUSH}
        )
    try:
        frame = _frame(kind, payload.rows)
        outcome = feed_import(
            actor=caller.token.user,
            scope=caller.scope,
            kind=kind,
            period=payload.period,
            frame=frame,
            filename=f"api:{caller.token.key_prefix}",
            channel=FeedChannel.API,
        )
    except (NotFoundError, PermissionDeniedError):
        raise
    except ApplicationError as error:
        raise HttpError(422, error.message) from None
    if outcome.errors:
        with transaction.atomic():
            audit_record(
                actor=caller.token.user,
                action="imports.feed_push_refused",
                subject=caller.token,
                region_code=caller.scope.root_prefix,
                changes={"kind": kind, "period": outcome.period, "errors": outcome.error_count},
            )
        return Status(422, _out(outcome))
    return Status(200, _out(outcome))


@router.get("/feed-batches/", response=list[FeedBatchOut])
def feed_batches(request: HttpRequest) -> list[dict[str, Any]]:
    """The deliveries of the caller's region, newest first."""
    batches = selectors.feed_batch_list(scope=_caller(request).scope)[:200]
    return [
        {
            "id": batch.pk,
            "kind": batch.kind,
            "period": batch.period,
            "region_code": batch.region_id,
            "channel": batch.channel,
            "rows_received": batch.rows_received,
            "rows_new": batch.rows_new,
            "rows_matched": batch.rows_matched,
            "clues_opened": batch.clues_opened,
            "clues_merged": batch.clues_merged,
            "findings_opened": batch.findings_opened,
        }
        for batch in batches
    ]
