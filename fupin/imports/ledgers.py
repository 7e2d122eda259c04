"""The operations on a ledger, each driven by its kind's record (`kinds.KINDS`): validate
with the registry's lookups, apply, preview and tell the outcome. The upload pages, the job
and the `fupin import` command all go through here."""

import dataclasses
from collections.abc import Callable, Sequence

import polars as pl
from django.db import transaction

from fupin.core.scope import RegionScope
from fupin.imports.declarations import Template
from fupin.imports.kinds import KINDS, Actor
from fupin.imports.validation import ValidationResult, validate

Counts = dict[str, int]


def validate_table(
    frame: pl.DataFrame, template: Template, *, scope_prefix: str
) -> ValidationResult:
    """Ask the registry what the template's checks need, then validate every row."""
    ledger = KINDS[template.kind]
    return validate(frame, ledger, scope_prefix=scope_prefix, lookups=ledger.lookups)


def apply_rows(
    template: Template,
    *,
    actor: Actor,
    scope: RegionScope,
    rows: pl.DataFrame | Sequence[pl.LazyFrame],
    progress: Callable[[int, int], None] | None = None,
) -> Counts:
    """Apply valid rows (a frame, or `ValidationResult.valid_chunks`) with the template's
    registry service; all or nothing."""
    ledger = KINDS[template.kind]
    if ledger.chunked_apply is not None:
        result = ledger.chunked_apply(actor=actor, scope=scope, rows=rows, progress=progress)
    else:
        whole = rows if isinstance(rows, pl.DataFrame) else pl.concat(rows).collect()
        result = ledger.apply(actor=actor, scope=scope, rows=whole)
    return {key: int(value) for key, value in dataclasses.asdict(result).items()}


def preview_counts(
    template: Template,
    *,
    actor: Actor,
    scope: RegionScope,
    rows: pl.DataFrame | Sequence[pl.LazyFrame],
    progress: Callable[[int, int], None] | None = None,
) -> Counts:
    """Return what applying would create, update and leave unchanged, writing nothing.

    The real service runs in a transaction that is then rolled back, so the preview can
    never disagree with the apply.
    """
    with transaction.atomic():
        counts = apply_rows(template, actor=actor, scope=scope, rows=rows, progress=progress)
        transaction.set_rollback(True)
    return counts


def counts_message(template: Template, counts: Counts) -> str:
    return str(KINDS[template.kind].counts_message) % counts


def new_changed_unchanged(template: Template, counts: Counts) -> tuple[int, int, int]:
    """The preview's three numbers, in rows of the file."""
    created, updated, unchanged = KINDS[template.kind].preview_counts
    return counts[created], counts[updated], counts[unchanged]
