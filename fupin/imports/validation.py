"""Validate a parsed ledger of any kind: every cell, then the checks its kind lists (rows
against each other and against the registry), then the file as a whole.

Cells are cleaned by `normalizing`; the checks are in `checks`; what each kind runs and asks
the registry is its record in `kinds`. The registry is asked once per lookup, after cleaning,
for the file's distinct values.
"""

import datetime
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import polars as pl
from django.conf import settings
from django.utils.translation import gettext as _

from fupin.imports import checks
from fupin.imports.checks import CheckContext, Lookups
from fupin.imports.declarations import Column, Template
from fupin.imports.kinds import MEMBERS_LEDGER, LedgerKind
from fupin.imports.normalizing import (
    ERROR_SUFFIX,
    ID_FACT_COLUMNS,
    cleaned_text,
    normalize_columns,
)
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
    # A streamed validation leaves `valid` empty: its valid rows wait on disk, in chunks of
    # whole households, to be read one chunk at a time by the apply.
    spilled: tuple[pl.LazyFrame, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def valid_chunks(self) -> tuple[pl.LazyFrame, ...]:
        """The valid rows as chunks of whole households."""
        return self.spilled or (self.valid.lazy(),)


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
    chunk_rows: int | None = None,
) -> ValidationResult:
    """Validate a parsed ledger: its template's cells, then its kind's checks, which ask
    `lookups` (usually `ledger.lookups`, the registry's selectors) what they need.

    Done in chunks of about `chunk_rows` rows (default `settings.IMPORT_CHUNK_ROWS`), each
    holding whole households, so the working tables of one chunk exist at a time; the
    result is the same as validating the file at once."""
    template = ledger.template
    if ROW_NUMBER_COLUMN not in frame.columns:
        frame = frame.with_row_index(ROW_NUMBER_COLUMN, offset=2)
    frame = frame.with_columns(pl.col(ROW_NUMBER_COLUMN).cast(pl.Int64))
    headers = [column for column in frame.columns if column != ROW_NUMBER_COLUMN]
    match = template.match_headers(headers)
    file_errors = header_errors(template, match.missing, match.duplicated)
    if file_errors:
        return ValidationResult(
            valid=pl.DataFrame(),
            errors=file_errors,
            summary=ValidationSummary(frame.height, 0, 0, frame.height),
            ignored_headers=match.unknown,
        )
    table = template_table(frame, template, match.columns_by_header)
    del frame
    chunks = max(1, -(-table.height // (chunk_rows or settings.IMPORT_CHUNK_ROWS)))
    valid_parts: list[pl.DataFrame] = []
    checked = validate_chunks(
        _household_chunks(table, chunks, group_column(template)),
        ledger,
        scope_prefix=scope_prefix,
        lookups=lookups,
        today=today,
        keep=valid_parts.append,
    )
    del table
    if checked.repeated:
        valid_parts = [
            part.filter(~pl.col(ROW_NUMBER_COLUMN).is_in(checked.repeated)) for part in valid_parts
        ]
    # The valid rows stay grouped by chunk (each household's rows in file order): sorting
    # them would copy the whole table, and the apply matches rows by key, not by position.
    valid = pl.concat(valid_parts, rechunk=False)
    return ValidationResult(valid, checked.errors, checked.summary, match.unknown)


def template_table(
    frame: pl.DataFrame, template: Template, columns_by_header: Mapping[str, str]
) -> pl.DataFrame:
    """The file's columns under the template's names (missing optional ones empty)."""
    header_of = {name: header for header, name in columns_by_header.items()}
    return frame.select(
        pl.col(ROW_NUMBER_COLUMN),
        *(
            pl.col(header_of[column.name]).cast(pl.String).alias(column.name)
            if column.name in header_of
            else pl.lit(None, dtype=pl.String).alias(column.name)
            for column in template.columns
        ),
    )


@dataclass(frozen=True)
class ChunksChecked:
    """The errors and counts of a ledger validated in chunks; `repeated` are the rows whose
    person an earlier chunk already had (kept by their chunk, to be dropped)."""

    errors: list[RowError]
    summary: ValidationSummary
    repeated: list[int]


def validate_chunks(
    chunks: Iterable[pl.DataFrame],
    ledger: LedgerKind,
    *,
    scope_prefix: str,
    lookups: Lookups,
    today: datetime.date | None = None,
    keep: Callable[[pl.DataFrame], None],
) -> ChunksChecked:
    """Validate `chunks` (from `template_table`, every household's rows in one chunk) one at
    a time, handing each chunk's valid rows, typed, to `keep`.

    Only what a check across chunks needs is kept between them: each row's ID number, so a
    person who comes back in another chunk's household is still refused."""
    template = ledger.template
    context = CheckContext(scope_prefix=scope_prefix, lookups=lookups)
    id_column = checks.id_column_of(template) if checks.people_once in ledger.checks else None
    group = group_column(template)
    errors: list[RowError] = []
    people: list[pl.DataFrame] = []
    rows = households = kept = chunk_count = 0
    for chunk in chunks:
        chunk_count += 1
        rows += chunk.height
        checked = _checked(chunk, ledger, context, scope_prefix=scope_prefix, today=today)
        del chunk
        chunk_errors = _collect_errors(checked, template)
        invalid_rows = {error.row_number for error in chunk_errors}
        helper_columns = [
            c for c in checked.columns if c.endswith(ERROR_SUFFIX) or c in ID_FACT_COLUMNS
        ]
        if id_column:
            people.append(checked.select(ROW_NUMBER_COLUMN, id_column))
        if group in checked.columns:
            households += checked.get_column(group).drop_nulls().n_unique()
        rows_without_errors = (
            checked.filter(~pl.col(ROW_NUMBER_COLUMN).is_in(sorted(invalid_rows)))
            if invalid_rows
            else checked
        )
        kept += rows_without_errors.height
        keep(_typed(rows_without_errors.drop(helper_columns), template))
        errors.extend(chunk_errors)
        del checked, rows_without_errors
    repeated: list[int] = []
    if chunk_count > 1 and people:
        invalid_before = {error.row_number for error in errors}
        errors, repeated = _people_across_chunks(errors, pl.concat(people), template)
        kept -= len(set(repeated) - invalid_before)
    del people
    if chunk_count > 1:
        # Errors in the file's row order, as when validated at once.
        position = {column.header: index for index, column in enumerate(template.columns)}
        errors.sort(key=lambda error: (error.row_number, position[error.field]))
    summary = ValidationSummary(
        rows=rows,
        households=households,
        valid_rows=kept,
        invalid_rows=len({error.row_number for error in errors}),
    )
    return ChunksChecked(errors, summary, repeated)


def group_column(template: Template) -> str:
    """The column whose rows must stay in one chunk: 户编号, or the template's own key (the
    loan ledger keeps a borrower's rows together)."""
    return template.household_key or "household_number"


def _household_chunks(
    table: pl.DataFrame, chunks: int, key: str = "household_number"
) -> Iterator[pl.DataFrame]:
    """`table` in `chunks` parts, every household's rows in one part (spread by a hash of
    the cleaned 户编号, which every ledger has; rows without one share a part), so checks
    within a household, or a household and year, see all its rows. Each part is taken
    when needed, so only one chunk's working tables exist at a time."""
    if chunks == 1:
        yield table
        return
    if key not in table.columns:
        # A department feed has no households: any split keeps its rows' checks whole.
        for index in range(chunks):
            yield table.filter(pl.col(ROW_NUMBER_COLUMN) % chunks == index)
        return
    part = table.select(chunk_of(key, chunks).alias("part")).get_column("part")
    for index in range(chunks):
        yield table.filter(part == index)


def chunk_of(key: str, chunks: int) -> pl.Expr:
    """Which of `chunks` chunks a row goes to, by its cleaned household key (cells that
    differ only in spaces or width are one household)."""
    return cleaned_text(pl.col(key)).hash(seed=0) % chunks


def _checked(
    table: pl.DataFrame,
    ledger: LedgerKind,
    context: CheckContext,
    *,
    scope_prefix: str,
    today: datetime.date | None,
) -> pl.DataFrame:
    """`table` cleaned and run through the ledger's checks: the values plus one error
    column per template column."""
    table = normalize_columns(table, ledger.template, scope_prefix=scope_prefix, today=today)
    for check in ledger.checks:
        table = check(table, ledger.template, context)
    return table


def _people_across_chunks(
    errors: list[RowError], people: pl.DataFrame, template: Template
) -> tuple[list[RowError], list[int]]:
    """`checks.people_once`'s repeated-person error for the whole file: a chunk saw only its
    own rows, so a person's first row may lie in another chunk. Returns the errors with the
    repeated rows' ID error replaced, and those rows."""
    id_column = checks.id_column_of(template)
    first_row = pl.col(ROW_NUMBER_COLUMN).min().over(id_column)
    repeated = (
        people.with_columns(first_row.alias("first_row"))
        .filter(
            pl.col(id_column).is_not_null() & (pl.col(ROW_NUMBER_COLUMN) != pl.col("first_row"))
        )
        .select(ROW_NUMBER_COLUMN, "first_row")
    )
    if repeated.is_empty():
        return errors, []
    first_of = dict(repeated.iter_rows())
    header = template.column(id_column).header
    kept = [
        error for error in errors if not (error.field == header and error.row_number in first_of)
    ]
    kept.extend(
        RowError(
            row,
            header,
            # The check's own message, so both paths say the same.
            _("证件号码与第 {} 行重复，同一人在文件中出现了两次。").format(first),
        )
        for row, first in first_of.items()
    )
    return kept, sorted(first_of)


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


def header_errors(
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
