"""Validate a parsed ledger of any kind: every cell, then the checks its kind lists (rows
against each other and against the registry), then the file as a whole.

Cells are cleaned by `normalizing`; the checks are in `checks`; what each kind runs and asks
the registry is its record in `kinds`. The registry is asked once per lookup, after cleaning,
for the file's distinct values.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field

import polars as pl
from django.utils.translation import gettext as _

from fupin.imports.checks import CheckContext, Lookups
from fupin.imports.declarations import Column, Template
from fupin.imports.kinds import MEMBERS_LEDGER, LedgerKind
from fupin.imports.normalizing import ERROR_SUFFIX, ID_FACT_COLUMNS, normalize_columns
from fupin.imports.parsing import ROW_NUMBER_COLUMN


@dataclass(frozen=True)
class RowError:
    """One problem: the spreadsheet row (header is row 1), the column header and why."""

    row_number: int
    field: str
    message: str


@dataclass(frozen=True)
class ValidationSummary:
    rows: int
    households: int
    valid_rows: int
    invalid_rows: int


@dataclass(frozen=True)
class ValidationResult:
    """Valid rows with normalized values, every error in row order, and the counts."""

    valid: pl.DataFrame
    errors: list[RowError]
    summary: ValidationSummary
    ignored_headers: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not self.errors


def validate_members(
    frame: pl.DataFrame,
    *,
    scope_prefix: str,
    existing_people: Mapping[str, str],
    today: datetime.date | None = None,
) -> ValidationResult:
    """Validate a members ledger parsed by `parsing.read_table` against `existing_people`
    ({ID number: 户编号}) alone, asking the registry nothing."""
    return validate(
        frame,
        MEMBERS_LEDGER,
        scope_prefix=scope_prefix,
        lookups=Lookups(existing_people=existing_people),
        today=today,
    )


def validate(
    frame: pl.DataFrame,
    ledger: LedgerKind,
    *,
    scope_prefix: str,
    lookups: Lookups,
    today: datetime.date | None = None,
) -> ValidationResult:
    """Validate a parsed ledger: its template's cells, then its kind's checks, which ask
    `lookups` (usually `ledger.lookups`, the registry's selectors) what they need."""
    template = ledger.template
    if ROW_NUMBER_COLUMN not in frame.columns:
        frame = frame.with_row_index(ROW_NUMBER_COLUMN, offset=2)
    frame = frame.with_columns(pl.col(ROW_NUMBER_COLUMN).cast(pl.Int64))
    headers = [column for column in frame.columns if column != ROW_NUMBER_COLUMN]
    match = template.match_headers(headers)
    file_errors = _header_errors(template, match.missing, match.duplicated)
    if file_errors:
        return ValidationResult(
            valid=pl.DataFrame(),
            errors=file_errors,
            summary=ValidationSummary(frame.height, 0, 0, frame.height),
            ignored_headers=match.unknown,
        )
    header_of = {name: header for header, name in match.columns_by_header.items()}
    table = frame.select(
        pl.col(ROW_NUMBER_COLUMN),
        *(
            pl.col(header_of[column.name]).cast(pl.String).alias(column.name)
            if column.name in header_of
            else pl.lit(None, dtype=pl.String).alias(column.name)
            for column in template.columns
        ),
    )
    table = normalize_columns(table, template, scope_prefix=scope_prefix, today=today)
    context = CheckContext(scope_prefix=scope_prefix, lookups=lookups)
    for check in ledger.checks:
        table = check(table, template, context)
    errors = _collect_errors(table, template)
    invalid_rows = {error.row_number for error in errors}
    helper_columns = [c for c in table.columns if c.endswith(ERROR_SUFFIX) or c in ID_FACT_COLUMNS]
    rows_without_errors = (
        table.filter(~pl.col(ROW_NUMBER_COLUMN).is_in(sorted(invalid_rows)))
        if invalid_rows
        else table
    )
    valid = _typed(rows_without_errors.drop(helper_columns), template)
    summary = ValidationSummary(
        rows=table.height,
        households=table.get_column("household_number").drop_nulls().n_unique(),
        valid_rows=valid.height,
        invalid_rows=len(invalid_rows),
    )
    return ValidationResult(valid, errors, summary, match.unknown)


def _typed(valid: pl.DataFrame, template: Template) -> pl.DataFrame:
    """Cast booleans, integers and dates of the valid rows to their Polars types."""
    casts: list[pl.Expr] = []
    for column in template.columns:
        if column.kind == "boolean":
            casts.append(
                pl.col(column.name).replace_strict(
                    {"true": True, "false": False}, default=None, return_dtype=pl.Boolean
                )
            )
        elif column.kind in {"integer", "year"}:
            casts.append(pl.col(column.name).cast(pl.Int64))
        elif column.kind in {"money", "decimal"}:
            casts.append(pl.col(column.name).cast(pl.Decimal(12, column.decimal_places)))
        elif column.kind == "date":
            casts.append(pl.col(column.name).str.to_date("%Y-%m-%d"))
    return valid.with_columns(casts)


def _header_errors(
    template: Template,
    missing: tuple[Column, ...],
    duplicated: tuple[tuple[Column, tuple[str, ...]], ...],
) -> list[RowError]:
    errors = [
        RowError(
            1,
            column.header,
            _("缺少必填列“%(header)s”（也可写作：%(aliases)s）。")
            % {"header": column.header, "aliases": "、".join(column.aliases) or "—"},
        )
        for column in missing
    ]
    errors.extend(
        RowError(
            1,
            column.header,
            _("“%(headers)s”都表示%(header)s，只能保留一列。")
            % {"headers": "”“".join(found), "header": column.header},
        )
        for column, found in duplicated
    )
    return errors


def _collect_errors(table: pl.DataFrame, template: Template) -> list[RowError]:
    order = {column.name: index for index, column in enumerate(template.columns)}
    error_columns = [pl.col(c.name + ERROR_SUFFIX) for c in template.columns]
    long = (
        table.filter(pl.any_horizontal(column.is_not_null() for column in error_columns))
        .select(
            pl.col(ROW_NUMBER_COLUMN),
            *(pl.col(c.name + ERROR_SUFFIX).alias(c.name) for c in template.columns),
        )
        .unpivot(index=ROW_NUMBER_COLUMN, variable_name="field", value_name="message")
        .drop_nulls("message")
        .with_columns(
            pl.col("field").replace_strict(order, return_dtype=pl.Int64).alias("position")
        )
        .sort(ROW_NUMBER_COLUMN, "position")
    )
    header_of = {column.name: column.header for column in template.columns}
    return [
        RowError(int(row), header_of[name], str(message))
        for row, name, message in long.select(ROW_NUMBER_COLUMN, "field", "message").iter_rows()
    ]
