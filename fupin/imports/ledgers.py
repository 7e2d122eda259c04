"""One place that knows, per ledger kind, what the registry must be asked before validation,
which service applies the valid rows and how the outcome is told to the user. The upload
pages, the job and the `fupin import` command all go through here."""

import dataclasses
from collections.abc import Callable
from typing import Any

import polars as pl
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils.translation import gettext as _

from fupin.core.scope import RegionScope
from fupin.imports.declarations import CONDITIONS, INCOME, MEMBERS, Template
from fupin.imports.validation import (
    ValidationResult,
    existing_people_for,
    household_heads_for,
    households_for,
    validate,
    villages_for,
)
from fupin.registry.services import (
    household_conditions_bulk_upsert,
    household_year_bulk_upsert,
    member_bulk_upsert,
)

Actor = AbstractBaseUser | AnonymousUser | None
Counts = dict[str, int]
_Apply = Callable[..., Any]

_SERVICES: dict[str, _Apply] = {
    MEMBERS.kind: member_bulk_upsert,
    INCOME.kind: household_year_bulk_upsert,
    CONDITIONS.kind: household_conditions_bulk_upsert,
}


def validate_table(
    frame: pl.DataFrame, template: Template, *, scope_prefix: str
) -> ValidationResult:
    """Ask the registry what the template's checks need, then validate every row."""
    if template.kind == MEMBERS.kind:
        return validate(
            frame,
            template,
            scope_prefix=scope_prefix,
            existing_people=existing_people_for,
            villages=villages_for,
            registered_heads=household_heads_for,
        )
    return validate(frame, template, scope_prefix=scope_prefix, households=households_for)


def apply_rows(
    template: Template, *, actor: Actor, scope: RegionScope, rows: pl.DataFrame
) -> Counts:
    """Apply valid rows with the template's registry service; all or nothing."""
    result = _SERVICES[template.kind](actor=actor, scope=scope, rows=rows)
    return {key: int(value) for key, value in dataclasses.asdict(result).items()}


def preview_counts(
    template: Template, *, actor: Actor, scope: RegionScope, rows: pl.DataFrame
) -> Counts:
    """Return what applying would create, update and leave unchanged, writing nothing.

    The real service runs in a transaction that is then rolled back, so the preview can
    never disagree with the apply.
    """
    with transaction.atomic():
        counts = apply_rows(template, actor=actor, scope=scope, rows=rows)
        transaction.set_rollback(True)
    return counts


def counts_message(template: Template, counts: Counts) -> str:
    if template.kind == MEMBERS.kind:
        return (
            _(
                "新建 %(households_created)d 户、更新 %(households_updated)d 户；"
                "新增成员 %(members_created)d 人、更新 %(members_updated)d 人、"
                "未变 %(unchanged)d 人。"
            )
            % counts
        )
    return _("新增 %(created)d 条、更新 %(updated)d 条、未变 %(unchanged)d 条。") % counts


def new_changed_unchanged(template: Template, counts: Counts) -> tuple[int, int, int]:
    """The preview's three numbers, in rows of the file."""
    if template.kind == MEMBERS.kind:
        return counts["members_created"], counts["members_updated"], counts["unchanged"]
    return counts["created"], counts["updated"], counts["unchanged"]
