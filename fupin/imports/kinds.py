"""Each ledger kind described once: its template, the checks its rows go through, what those
checks ask the registry, the service that applies the valid rows, where its export reads
from and how the outcome is told to the user.

Validation, the apply, the preview, the export and the upload pages and commands all read
these records, so a new ledger (the department feeds to come) is one more `LedgerKind` in
`KINDS` and its `Template` in `declarations`.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import polars as pl
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fupin.assistance.selectors import ledger as assistance_ledger
from fupin.assistance.services.ledger import cadre_assignment_bulk_import
from fupin.core.scope import RegionScope
from fupin.finance import selectors as finance_selectors
from fupin.finance.services import enterprise_use_bulk_import, loan_bulk_import
from fupin.imports import checks
from fupin.imports.checks import Check, Lookups
from fupin.imports.declarations import (
    CADRE_ASSIGNMENTS,
    CONDITIONS,
    ENTERPRISE_USES,
    INCOME,
    LOANS,
    MEMBERS,
    Template,
)
from fupin.registry import selectors
from fupin.registry.services import (
    household_conditions_bulk_upsert,
    household_year_bulk_upsert,
    member_bulk_upsert,
)

Actor = AbstractBaseUser | AnonymousUser | None


class ApplyService(Protocol):
    """A registry bulk service: applies validated rows all or nothing, returns a dataclass of
    counts."""

    def __call__(self, *, actor: Actor, scope: RegionScope, rows: pl.DataFrame) -> Any: ...


class ChunkedApplyService(Protocol):
    """A registry bulk service that also takes the valid rows as chunks of whole
    households, applied one at a time in one transaction (`progress(done, total)`)."""

    def __call__(
        self,
        *,
        actor: Actor,
        scope: RegionScope,
        rows: pl.DataFrame | Sequence[pl.LazyFrame],
        progress: Callable[[int, int], None] | None = None,
    ) -> Any: ...


class ExportQuery(Protocol):
    """A registry selector: the stored records of some households as `values(*fields)`."""

    def __call__(
        self, household_ids: Sequence[int], fields: Sequence[str]
    ) -> QuerySet[Any, dict[str, Any]]: ...


@dataclass(frozen=True)
class LedgerKind:
    """One ledger kind.

    `export_sources` maps a template column to its `values()` lookup where the two differ;
    `counts_message` is %-formatted with the apply service's counts, of which
    `preview_counts` names the created, updated and unchanged rows of the file.
    `personal_data`: exporting it needs the personal-data capability. `chunked_apply`:
    the same service when it can apply the rows chunk by chunk (a large ledger then never
    sits whole in memory); without it the chunks are joined first.
    """

    template: Template
    checks: tuple[Check, ...]
    lookups: Lookups
    apply: ApplyService
    export_query: ExportQuery
    counts_message: str | Promise
    preview_counts: tuple[str, str, str] = ("created", "updated", "unchanged")
    export_sources: Mapping[str, str] = field(default_factory=dict)
    personal_data: bool = False
    chunked_apply: ChunkedApplyService | None = None
    # (lookup, template column): lookups asked once for the whole file's values of the
    # column when it is validated in several chunks (`prefetch.py`).
    prefetched: tuple[tuple[str, str], ...] = ()
    # The same answers as a frame (`key`, `value`) for the whole file's keys at once, for
    # the lookups that have such a reader (`prefetch.prefetched`).
    prefetched_frames: Mapping[str, Callable[[list[str]], pl.DataFrame]] = field(
        default_factory=dict
    )

    @property
    def kind(self) -> str:
        return self.template.kind


_RECORD_COUNTS = _("新增 %(created)d 条、更新 %(updated)d 条、未变 %(unchanged)d 条。")
_BY_HOUSEHOLD_NUMBER = {"household_number": "household__number"}
_HOUSEHOLD_YEAR_LOOKUPS = Lookups(households=selectors.household_villages_by_number)

MEMBERS_LEDGER = LedgerKind(
    template=MEMBERS,
    checks=(
        checks.villages_registered,
        checks.id_agrees_with_row,
        checks.households_as_sets,
        checks.people_once,
    ),
    lookups=Lookups(
        existing_people=selectors.member_households_by_id_number,
        villages=selectors.region_village_codes,
        registered_heads=selectors.household_heads_by_number,
    ),
    apply=member_bulk_upsert,
    chunked_apply=member_bulk_upsert,
    prefetched=(("existing_people", "id_number"), ("registered_heads", "household_number")),
    prefetched_frames={
        "existing_people": selectors.member_households_frame,
        "registered_heads": selectors.household_heads_frame,
    },
    export_query=selectors.member_ledger_values,
    export_sources={
        "region_code": "household__village_id",
        **_BY_HOUSEHOLD_NUMBER,
        "household_type": "household__household_type",
        "poverty_attribute": "household__poverty_attribute",
        "primary_cause": "household__primary_cause",
        "phone": "household__phone",
    },
    counts_message=_(
        "新建 %(households_created)d 户、更新 %(households_updated)d 户；"
        "新增成员 %(members_created)d 人、更新 %(members_updated)d 人、"
        "未变 %(unchanged)d 人。"
    ),
    preview_counts=("members_created", "members_updated", "unchanged"),
    # ID numbers, phones and health.
    personal_data=True,
)

INCOME_LEDGER = LedgerKind(
    template=INCOME,
    checks=(checks.household_years,),
    lookups=_HOUSEHOLD_YEAR_LOOKUPS,
    apply=household_year_bulk_upsert,
    export_query=selectors.household_year_ledger_values,
    export_sources=_BY_HOUSEHOLD_NUMBER,
    counts_message=_RECORD_COUNTS,
)

CONDITIONS_LEDGER = LedgerKind(
    template=CONDITIONS,
    checks=(checks.household_years, checks.housing_safety),
    lookups=_HOUSEHOLD_YEAR_LOOKUPS,
    apply=household_conditions_bulk_upsert,
    export_query=selectors.household_conditions_ledger_values,
    export_sources=_BY_HOUSEHOLD_NUMBER,
    counts_message=_RECORD_COUNTS,
)

LOANS_LEDGER = LedgerKind(
    template=LOANS,
    checks=(checks.loan_rows,),
    lookups=Lookups(
        borrowers=finance_selectors.borrower_facts_by_id_number,
        contracts=finance_selectors.registered_contracts,
    ),
    apply=loan_bulk_import,
    export_query=finance_selectors.loan_ledger_values,
    export_sources={"id_number": "borrower__id_number", "borrower_name": "borrower__name"},
    counts_message=_RECORD_COUNTS,
    # Borrowers' ID numbers.
    personal_data=True,
)

ENTERPRISE_USES_LEDGER = LedgerKind(
    template=ENTERPRISE_USES,
    checks=(checks.enterprise_use_rows,),
    lookups=Lookups(enterprise_loans=finance_selectors.enterprise_loan_facts),
    apply=enterprise_use_bulk_import,
    export_query=finance_selectors.enterprise_use_ledger_values,
    export_sources={
        "contract_number": "loan__contract_number",
        "id_number": "loan__borrower__id_number",
    },
    counts_message=_RECORD_COUNTS,
    # Borrowers' ID numbers.
    personal_data=True,
)

CADRE_ASSIGNMENTS_LEDGER = LedgerKind(
    template=CADRE_ASSIGNMENTS,
    checks=(checks.cadre_assignment_rows,),
    lookups=Lookups(
        households=selectors.household_villages_by_number,
        current_cadres=assistance_ledger.current_cadre_ids_by_household_number,
        cadres=assistance_ledger.cadre_facts_by_key,
        cadre_limits=assistance_ledger.cadre_limits_by_region,
    ),
    apply=cadre_assignment_bulk_import,
    export_query=assistance_ledger.cadre_assignment_ledger_values,
    export_sources={
        **_BY_HOUSEHOLD_NUMBER,
        "cadre_name": "cadre__name",
        "phone": "cadre__phone",
        "unit": "cadre__unit",
        "post": "cadre__post",
        "level": "cadre__level",
    },
    counts_message=_(
        "新增结对 %(created)d 户、更换帮扶责任人 %(updated)d 户、未变 %(unchanged)d 户；"
        "新登记帮扶责任人 %(cadres_registered)d 名。"
    ),
    # Cadres' phones.
    personal_data=True,
)

KINDS: dict[str, LedgerKind] = {
    ledger.kind: ledger
    for ledger in (
        MEMBERS_LEDGER,
        INCOME_LEDGER,
        CONDITIONS_LEDGER,
        LOANS_LEDGER,
        ENTERPRISE_USES_LEDGER,
        CADRE_ASSIGNMENTS_LEDGER,
    )
}
TEMPLATES: dict[str, Template] = {kind: ledger.template for kind, ledger in KINDS.items()}
