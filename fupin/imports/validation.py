"""Validate a parsed members ledger: every row, every household and the file as a whole.

Each column's distinct raw values are normalized once (a few thousand at most, however long
the file) and mapped back onto the frame; row and household checks are Polars expressions.
The database is asked once, by the caller, for the ID numbers already registered.
"""

import datetime
import decimal
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import polars as pl
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.core.lookups import in_chunks
from fupin.core.region_codes import RegionLevel
from fupin.core.text import ZERO_WIDTH_PATTERN, clean_text, show_invisible
from fupin.imports.declarations import (
    FALSE_WORDS,
    MEMBERS,
    TRUE_WORDS,
    Column,
    Template,
    header_key,
)
from fupin.imports.parsing import ROW_NUMBER_COLUMN
from fupin.registry import codes
from fupin.registry.idnumbers import InvalidIdNumber, id_number_facts, parse_id_number
from fupin.registry.models import Household, Member, Region

ERROR_SUFFIX = "__error"
REGION_CODE_LENGTH = 12
FIRST_LEDGER_YEAR = 2013
MAX_AMOUNT = decimal.Decimal("9999999999.99")

_SCIENTIFIC = re.compile(r"[0-9](\.[0-9]+)?E\+?[0-9]+")
_PRECISION_LOST = re.compile(r"[0-9]{15,18}(\.0+)?")
_DATE_PATTERNS = (
    re.compile(r"(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})"),
    re.compile(r"(?P<y>[0-9]{4})/(?P<m>[0-9]{1,2})/(?P<d>[0-9]{1,2})"),
    re.compile(r"(?P<y>[0-9]{4})\.(?P<m>[0-9]{1,2})\.(?P<d>[0-9]{1,2})"),
    re.compile(r"(?P<y>[0-9]{4})年(?P<m>[0-9]{1,2})月(?P<d>[0-9]{1,2})日?"),
    re.compile(r"(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})"),
)
_TRUE_KEYS = frozenset(header_key(word) for word in TRUE_WORDS)
_FALSE_KEYS = frozenset(header_key(word) for word in FALSE_WORDS)


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


@dataclass(frozen=True)
class _Normalized:
    value: str | None
    error: str | None


def existing_people_for(id_numbers: Iterable[str]) -> dict[str, str]:
    """Return {ID number: household number} for people active in the registry.

    One query per chunk of numbers (see `core.lookups.in_chunks`).
    """
    found: dict[str, str] = {}
    for chunk in in_chunks(id_numbers):
        found.update(
            Member.objects.filter(is_active=True, id_number__any=chunk).values_list(
                "id_number", "household__number"
            )
        )
    return found


def villages_for(region_codes: Iterable[str]) -> set[str]:
    """Return the codes among `region_codes` that are registered villages."""
    found: set[str] = set()
    for chunk in in_chunks(region_codes):
        found.update(
            Region.objects.filter(code__any=chunk, level=RegionLevel.VILLAGE).values_list(
                "code", flat=True
            )
        )
    return found


def household_heads_for(numbers: Iterable[str]) -> dict[str, list[str]]:
    """Return {户编号: ID numbers of its active heads} for the registered households among
    `numbers` (an empty list for a household without a head)."""
    found: dict[str, list[str]] = {}
    for chunk in in_chunks(numbers):
        found.update(
            (number, [])
            for number in Household.objects.filter(number__any=chunk).values_list(
                "number", flat=True
            )
        )
        heads = Member.objects.filter(
            is_active=True, relation=codes.Relation.HEAD, household__number__any=chunk
        ).values_list("household__number", "id_number")
        for number, id_number in heads:
            found[number].append(id_number)
    return found


def households_for(numbers: Iterable[str]) -> dict[str, str]:
    """Return {户编号: village code} for the registered households among `numbers`."""
    found: dict[str, str] = {}
    for chunk in in_chunks(numbers):
        found.update(
            Household.objects.filter(number__any=chunk).values_list("number", "village_id")
        )
    return found


def validate_members(
    frame: pl.DataFrame,
    *,
    scope_prefix: str,
    existing_people: Mapping[str, str],
    today: datetime.date | None = None,
) -> ValidationResult:
    """Validate a members ledger parsed by `parsing.read_table`."""
    return validate(
        frame,
        MEMBERS,
        scope_prefix=scope_prefix,
        existing_people=existing_people,
        today=today,
    )


def validate(
    frame: pl.DataFrame,
    template: Template,
    *,
    scope_prefix: str,
    existing_people: Mapping[str, str] | Callable[[list[str]], Mapping[str, str]] | None = None,
    households: Mapping[str, str] | Callable[[list[str]], Mapping[str, str]] | None = None,
    villages: Callable[[list[str]], set[str]] | None = None,
    registered_heads: Mapping[str, list[str]]
    | Callable[[list[str]], Mapping[str, list[str]]]
    | None = None,
    today: datetime.date | None = None,
) -> ValidationResult:
    """Validate a parsed ledger of any template.

    `existing_people` ({ID number: 户编号} of active members) is needed by templates with
    an ID number column, `households` ({户编号: village code}) by the household-year
    templates. Either may be a function (`existing_people_for`, `households_for`) that the
    file's normalized values are passed to, so the database is asked once, after cleaning.
    `villages` (`villages_for`) returns which region codes are registered villages; without
    it region codes are only checked for form and scope. `registered_heads` ({户编号: ID
    numbers of its active heads} for every registered household, `household_heads_for`)
    lets the head check count the members the file does not list.
    """
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
    table = _normalize_columns(table, template, scope_prefix=scope_prefix, today=today)
    if villages is not None:
        table = _check_villages_exist(table, template, villages)
    if _id_column(template):
        table = _check_id_against_row(table, template)
        if callable(registered_heads):
            numbers = table.get_column(template.household_key).drop_nulls().unique().to_list()
            registered_heads = registered_heads(numbers)
        table = _check_households(table, template, registered_heads or {})
        if callable(existing_people):
            numbers = table.get_column(_id_column(template)).drop_nulls().unique().to_list()
            existing_people = existing_people(numbers)
        table = _check_duplicates_and_registry(table, template, existing_people or {})
    else:
        if callable(households):
            numbers = table.get_column("household_number").drop_nulls().unique().to_list()
            households = households(numbers)
        table = _check_household_years(
            table, scope_prefix=scope_prefix, households=households or {}
        )
    if "housing_grade" in {column.name for column in template.columns}:
        table = _check_housing(table, template)
    errors = _collect_errors(table, template)
    invalid_rows = {error.row_number for error in errors}
    helper_columns = [c for c in table.columns if c.endswith(ERROR_SUFFIX) or c in _ID_FACT_COLUMNS]
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


def _normalize_columns(
    table: pl.DataFrame,
    template: Template,
    *,
    scope_prefix: str,
    today: datetime.date | None,
) -> pl.DataFrame:
    """Replace each raw value by its normalized form and add `<name>__error` columns.

    Free text and ID numbers are normalized with Polars expressions (there are as many
    distinct values as rows); coded, boolean, numeric and date columns have few distinct
    values, each normalized once in Python and mapped back.
    """
    updates: list[pl.Expr] = []
    for column in template.columns:
        if column.kind == "id_number":
            table = _normalize_id_column(table, column, today=today)
            continue
        if column.kind == "text":
            # As `core.text.clean_text`, vectorised; interior spaces are kept so that an
            # exported name reads back unchanged.
            cleaned = (
                pl.col(column.name)
                .str.normalize("NFKC")
                .str.replace_all(ZERO_WIDTH_PATTERN, "")
                .str.strip_chars()
            )
            value = pl.when(cleaned == "").then(None).otherwise(cleaned)
            error: pl.Expr = pl.lit(None, dtype=pl.String)
        else:
            raw_values = table.get_column(column.name).drop_nulls().unique().to_list()
            normalized = {
                raw: _normalize_value(column, str(raw), scope_prefix=scope_prefix, today=today)
                for raw in raw_values
            }
            values = {raw: result.value for raw, result in normalized.items()}
            messages = {raw: result.error for raw, result in normalized.items() if result.error}
            value = pl.col(column.name).replace_strict(values, default=None, return_dtype=pl.String)
            error = pl.col(column.name).replace_strict(
                messages, default=None, return_dtype=pl.String
            )
        updates.extend([value.alias(column.name), _required(column, value, error)])
    return table.with_columns(updates)


def _required(column: Column, value: pl.Expr, error: pl.Expr) -> pl.Expr:
    """The column's error expression, with "please fill in" for an empty required cell."""
    if column.required:
        error = (
            pl.when(value.is_null() & error.is_null())
            .then(pl.lit(_("请填写%(header)s。") % {"header": column.header}))
            .otherwise(error)
        )
    return error.alias(column.name + ERROR_SUFFIX)


def _normalize_id_column(
    table: pl.DataFrame, column: Column, *, today: datetime.date | None
) -> pl.DataFrame:
    """Normalize the ID number column and add what each number encodes (`id_sex`,
    `id_birth_date`, `id_needs_review`). Well-formed numbers are checked in bulk; the rest
    go through `_normalize_value`, which knows about Excel's scientific notation."""
    name = column.name
    facts = id_number_facts(table.get_column(name), today=today)
    rows: list[dict[str, object]] = []
    for raw in facts.filter(pl.col("error").is_not_null()).get_column("raw").to_list():
        result = _normalize_value(column, raw, scope_prefix="", today=today)
        if result.value is None:
            rows.append({"raw": raw, "error": result.error})
            continue
        info = parse_id_number(result.value, today=today)
        rows.append(
            {
                "raw": raw,
                "number": info.number,
                "sex": info.sex,
                "birth_date": info.birth_date,
                "needs_review": info.needs_review,
            }
        )
    retried = pl.DataFrame(rows, schema=facts.schema)
    mapping = pl.concat([facts.filter(pl.col("error").is_null()), retried]).select(
        pl.col("raw").alias(name),
        pl.col("number").alias("__number"),
        pl.col("error").alias("__id_error"),
        pl.col("sex")
        .replace_strict(
            {"male": codes.Sex.MALE.value, "female": codes.Sex.FEMALE.value},
            default=None,
            return_dtype=pl.String,
        )
        .alias("id_sex"),
        pl.col("birth_date").dt.to_string("%Y-%m-%d").alias("id_birth_date"),
        pl.col("needs_review").alias("id_needs_review"),
    )
    # Join the one column and attach the result: joining the whole table would copy every
    # column of a million-row file.
    looked_up = (
        table.select(name)
        .join(mapping, on=name, how="left", maintain_order="left")
        .select(
            pl.col("__number").alias(name),
            _required(column, pl.col("__number"), pl.col("__id_error")),
            "id_sex",
            "id_birth_date",
            "id_needs_review",
        )
    )
    return table.with_columns(looked_up.get_columns())


def _normalize_value(
    column: Column, raw: str, *, scope_prefix: str, today: datetime.date | None
) -> _Normalized:
    """Normalise one raw value; a message quoting it shows invisible characters."""
    result = _normalize_kind(column, raw, scope_prefix=scope_prefix, today=today)
    if result.error is None:
        return result
    return _Normalized(result.value, show_invisible(result.error))


def _normalize_kind(  # noqa: PLR0911 - one return per column kind
    column: Column, raw: str, *, scope_prefix: str, today: datetime.date | None
) -> _Normalized:
    text = clean_text(raw)
    if not text:
        return _Normalized(None, None)
    header = column.header
    if column.kind == "text":
        return _Normalized(text, None)
    compact = re.sub(r"\s+", "", text)
    if column.kind == "code":
        code = column.code_lookup().get(header_key(compact))
        if code is None:
            return _Normalized(
                None,
                _("%(header)s“%(value)s”不是可用的选项；可填：%(labels)s。")
                % {"header": header, "value": text, "labels": "、".join(column.labels())},
            )
        return _Normalized(code, None)
    if column.kind == "boolean":
        key = header_key(compact)
        if key in _TRUE_KEYS:
            return _Normalized("true", None)
        if key in _FALSE_KEYS:
            return _Normalized("false", None)
        return _Normalized(
            None,
            _("%(header)s应填“是”或“否”，现在是“%(value)s”。") % {"header": header, "value": text},
        )
    if column.kind in {"integer", "year"}:
        return _normalize_integer(column, compact, today=today)
    if column.kind in {"money", "decimal"}:
        return _normalize_amount(column, compact)
    if column.kind == "date":
        return _normalize_date(header, text)
    if column.kind == "region_code":
        return _normalize_region_code(compact, scope_prefix=scope_prefix)
    return _normalize_id_number(compact, today=today)


def _normalize_integer(column: Column, text: str, *, today: datetime.date | None) -> _Normalized:
    header = column.header
    number = text.removesuffix(".0")
    if not number.isascii() or not number.isdigit():
        return _Normalized(
            None, _("%(header)s应为整数，现在是“%(value)s”。") % {"header": header, "value": text}
        )
    value = int(number)
    if column.kind == "year":
        last = (today or timezone.localdate()).year
        if not FIRST_LEDGER_YEAR <= value <= last:
            return _Normalized(
                None,
                _("%(header)s %(value)d 不在 %(first)d 年至 %(last)d 年之间。")
                % {"header": header, "value": value, "first": FIRST_LEDGER_YEAR, "last": last},
            )
        return _Normalized(str(value), None)
    if column.max_value is not None and value > column.max_value:
        return _Normalized(
            None,
            _("%(header)s不能超过 %(limit)d，现在是 %(value)s。")
            % {"header": header, "limit": column.max_value, "value": number},
        )
    if value < column.min_value:
        return _Normalized(
            None,
            _("%(header)s不能小于 %(limit)d，现在是 %(value)s。")
            % {"header": header, "limit": column.min_value, "value": number},
        )
    return _Normalized(str(value), None)


def _normalize_amount(column: Column, text: str) -> _Normalized:
    """Amounts: thousands separators, a ¥ sign and a trailing 元 are accepted."""
    header = column.header
    candidate = text.replace(",", "").removeprefix("¥").removesuffix("元")
    try:
        value = decimal.Decimal(candidate)
    except decimal.InvalidOperation:
        value = decimal.Decimal("NaN")
    if not value.is_finite():
        return _Normalized(
            None, _("%(header)s应为数字，现在是“%(value)s”。") % {"header": header, "value": text}
        )
    if value < 0:
        return _Normalized(
            None, _("%(header)s不能为负数，现在是 %(value)s。") % {"header": header, "value": text}
        )
    quantum = decimal.Decimal(1).scaleb(-column.decimal_places)
    if value != value.quantize(quantum, rounding=decimal.ROUND_DOWN):
        return _Normalized(
            None,
            _("%(header)s最多保留 %(places)d 位小数，现在是 %(value)s。")
            % {"header": header, "places": column.decimal_places, "value": text},
        )
    ceiling = MAX_AMOUNT if column.kind == "decimal" else _amount_ceiling()
    if value > ceiling:
        return _Normalized(
            None,
            _("%(header)s %(value)s 过大（上限 %(limit)s 元），请检查单位是否为元。")
            % {"header": header, "value": text, "limit": f"{ceiling:,}"},
        )
    return _Normalized(str(value.quantize(quantum)), None)


def _amount_ceiling() -> decimal.Decimal:
    """The largest plausible amount of one income or expenditure cell (a setting)."""
    return decimal.Decimal(settings.IMPORT_MAX_AMOUNT)


def _normalize_date(header: str, text: str) -> _Normalized:
    candidate = re.split(r"[ T]", text, maxsplit=1)[0]
    for pattern in _DATE_PATTERNS:
        found = pattern.fullmatch(candidate)
        if found is None:
            continue
        try:
            value = datetime.date(int(found["y"]), int(found["m"]), int(found["d"]))
        except ValueError:
            break
        return _Normalized(value.isoformat(), None)
    return _Normalized(
        None,
        _("%(header)s“%(value)s”不是有效日期，请写成 2024-01-31 的形式。")
        % {"header": header, "value": text},
    )


def _normalize_region_code(text: str, *, scope_prefix: str) -> _Normalized:
    code = text.removesuffix(".0")
    if len(code) != REGION_CODE_LENGTH or not code.isascii() or not code.isdigit():
        return _Normalized(
            None,
            _("行政区划代码应为 12 位数字（村级代码），现在是“%(value)s”。") % {"value": text},
        )
    if not code.startswith(scope_prefix):
        return _Normalized(
            None,
            _("行政区划代码 %(code)s 不在您的管辖范围内，不能导入。") % {"code": code},
        )
    return _Normalized(code, None)


def _normalize_id_number(text: str, *, today: datetime.date | None) -> _Normalized:
    try:
        return _Normalized(parse_id_number(text, today=today).number, None)
    except InvalidIdNumber as error:
        upper = text.upper()
        if _SCIENTIFIC.fullmatch(upper) or (
            _PRECISION_LOST.fullmatch(upper) and upper.split(".")[0].endswith("00")
        ):
            return _Normalized(
                None,
                _(
                    "证件号码 %(value)s 已被 Excel 转成数字，请把该列设为文本后重新填写"
                    "（Excel 只保留 15 位有效数字，后几位已丢失）。"
                )
                % {"value": text},
            )
        return _Normalized(None, error.message)


def _check_villages_exist(
    table: pl.DataFrame, template: Template, villages: Callable[[list[str]], set[str]]
) -> pl.DataFrame:
    """A well-formed region code must also be a village the registry knows."""
    for column in template.columns:
        if column.kind != "region_code":
            continue
        code = pl.col(column.name)
        known = villages(table.get_column(column.name).drop_nulls().unique().to_list())
        error = (
            pl.when(code.is_not_null() & ~code.is_in(sorted(known)))
            .then(pl.format(_("行政区划代码 {} 不是已登记的村级区划，请核对。"), code))
            .otherwise(pl.col(column.name + ERROR_SUFFIX))
        )
        table = table.with_columns(error.alias(column.name + ERROR_SUFFIX))
    return table


_ID_FACT_COLUMNS = frozenset({"id_sex", "id_birth_date", "id_needs_review"})


def _id_column(template: Template) -> str:
    return next((c.name for c in template.columns if c.kind == "id_number"), "")


def _check_household_years(
    table: pl.DataFrame, *, scope_prefix: str, households: Mapping[str, str]
) -> pl.DataFrame:
    """One row per (户编号, 年度); the household must be registered and in scope."""
    number = pl.col("household_number")
    first_row = pl.col(ROW_NUMBER_COLUMN).min().over("household_number", "year")
    village = number.replace_strict(dict(households), default=None, return_dtype=pl.String)
    error = (
        pl.when(number.is_not_null() & village.is_null())
        .then(pl.format(_("户编号 {} 不在册；请先导入成员台账或登记该户。"), number))
        .when(number.is_not_null() & ~village.str.starts_with(scope_prefix))
        .then(pl.format(_("户编号 {} 所在村 {} 不在您的管辖范围内，不能导入。"), number, village))
        .when(
            number.is_not_null()
            & pl.col("year").is_not_null()
            & (pl.col(ROW_NUMBER_COLUMN) != first_row)
        )
        .then(
            pl.format(
                _("户编号 {} 的 {} 年度与第 {} 行重复，同一户同一年度只能有一行。"),
                number,
                pl.col("year"),
                first_row.cast(pl.String),
            )
        )
        .otherwise(pl.col("household_number" + ERROR_SUFFIX))
    )
    return table.with_columns(error.alias("household_number" + ERROR_SUFFIX))


def _check_housing(table: pl.DataFrame, template: Template) -> pl.DataFrame:
    """A C or D grade house is unsafe by definition (DOMAIN §4.5)."""
    unsafe = template.column("is_housing_unsafe")
    grade = template.column("housing_grade")
    error = (
        pl.when(
            pl.col("housing_grade").is_in([codes.HousingGrade.C, codes.HousingGrade.D])
            & (pl.col("is_housing_unsafe") == "false")
        )
        .then(
            pl.lit(
                _("%(grade)s为 C 级或 D 级时，%(unsafe)s必须填“是”。")
                % {"grade": grade.header, "unsafe": unsafe.header}
            )
        )
        .otherwise(pl.col("is_housing_unsafe" + ERROR_SUFFIX))
    )
    return table.with_columns(error.alias("is_housing_unsafe" + ERROR_SUFFIX))


def _check_id_against_row(table: pl.DataFrame, template: Template) -> pl.DataFrame:
    """Sex and birth date must agree with what the ID number encodes."""
    sex_header = template.column("sex").header
    sex_error = (
        pl.when(
            pl.col("sex").is_not_null()
            & pl.col("id_sex").is_not_null()
            & (pl.col("sex") != pl.col("id_sex"))
        )
        .then(
            pl.format(
                _("%(header)s与证件号码不符：号码显示为{}。") % {"header": sex_header},
                pl.col("id_sex").replace_strict(
                    {code: str(label) for code, label in codes.Sex.choices},
                    default=None,
                    return_dtype=pl.String,
                ),
            )
        )
        .otherwise(pl.col("sex" + ERROR_SUFFIX))
    )
    birth_error = (
        pl.when(
            pl.col("birth_date").is_not_null()
            & pl.col("id_birth_date").is_not_null()
            & (pl.col("birth_date") != pl.col("id_birth_date"))
        )
        .then(
            pl.format(
                _("出生日期 {} 与证件号码中的 {} 不符。"),
                pl.col("birth_date"),
                pl.col("id_birth_date"),
            )
        )
        .otherwise(pl.col("birth_date" + ERROR_SUFFIX))
    )
    return table.with_columns(
        sex_error.alias("sex" + ERROR_SUFFIX),
        birth_error.alias("birth_date" + ERROR_SUFFIX),
        pl.coalesce("birth_date", "id_birth_date").alias("birth_date"),
        pl.coalesce("sex", "id_sex").alias("sex"),
    )


def _check_households(
    table: pl.DataFrame, template: Template, registered_heads: Mapping[str, list[str]]
) -> pl.DataFrame:
    """Each household ends up with exactly one head, and has the same household columns on
    every row.

    The file's rows are taken as a set and counted with the registry's current members:
    a registered head the file does not list stays head, a listed one takes the file's
    relation. So a household can change its head in one file (whatever the row order), be
    split across files, or keep having no head if the registry already has none (its head
    died); a new household needs one.
    """
    key = template.household_key
    id_column = _id_column(template)
    in_household = pl.col(key).is_not_null()
    is_head = (pl.col("relation") == codes.Relation.HEAD.value).fill_null(False)
    registered = pl.DataFrame(
        [(number, head) for number, heads in registered_heads.items() for head in heads],
        schema={key: pl.String, id_column: pl.String},
        orient="row",
    )
    kept_heads = (
        registered.join(table.select(key, id_column), on=[key, id_column], how="anti")
        .group_by(key)
        .agg(pl.len().cast(pl.Int64).alias("__kept_heads"))
    )
    kept = dict(kept_heads.iter_rows())
    table = table.with_columns(
        pl.col(key).replace_strict(kept, default=0, return_dtype=pl.Int64).alias("__kept_heads"),
        pl.col(key).is_in(list(registered_heads)).alias("__registered"),
        pl.col(key)
        .is_in([number for number, heads in registered_heads.items() if heads])
        .alias("__had_head"),
    )
    file_heads = is_head.sum().over(key)
    heads = file_heads + pl.col("__kept_heads")
    head_rows = (
        pl.when(is_head)
        .then(pl.col(ROW_NUMBER_COLUMN).cast(pl.String))
        .otherwise(None)
        .drop_nulls()
        .str.join("、")
        .over(key)
    )
    own_error = pl.col("relation" + ERROR_SUFFIX)
    # An unreadable relation may be the missing head: say what is wrong with that row.
    relation_unreadable = own_error.is_not_null().any().over(key)
    relation_error = (
        pl.when(own_error.is_not_null())
        .then(own_error)
        .when(
            in_household
            & (heads == 0)
            & ~relation_unreadable
            & (~pl.col("__registered") | pl.col("__had_head"))
        )
        .then(pl.format(_("户编号 {} 没有户主，每户必须有一名户主。"), pl.col(key)))
        .when(in_household & is_head & (pl.col("__kept_heads") > 0))
        .then(
            pl.format(
                _(
                    "户编号 {} 已有在册户主，第 {} 行又填了户主；更换户主时，"
                    "请把原户主也列入本文件并改填其与户主关系。"
                ),
                pl.col(key),
                head_rows,
            )
        )
        .when(in_household & is_head & (file_heads > 1))
        .then(
            pl.format(
                _("户编号 {} 有 {} 名户主（第 {} 行），每户只能有一名。"),
                pl.col(key),
                file_heads,
                head_rows,
            )
        )
        .otherwise(own_error)
    )
    updates = [relation_error.alias("relation" + ERROR_SUFFIX)]
    for column in template.columns:
        if not column.household_level:
            continue
        distinct = pl.col(column.name).fill_null("").n_unique().over(key)
        shown = pl.col(column.name).fill_null("").unique().sort().str.join("”“").over(key)
        updates.append(
            pl.when(in_household & (distinct > 1) & pl.col(column.name + ERROR_SUFFIX).is_null())
            .then(
                pl.format(
                    _("同一户（户编号 {}）各行的%(header)s不一致：“{}”。")
                    % {"header": column.header},
                    pl.col(key),
                    shown,
                )
            )
            .otherwise(pl.col(column.name + ERROR_SUFFIX))
            .alias(column.name + ERROR_SUFFIX)
        )
    return table.with_columns(updates).drop("__kept_heads", "__registered", "__had_head")


def _check_duplicates_and_registry(
    table: pl.DataFrame, template: Template, existing_people: Mapping[str, str]
) -> pl.DataFrame:
    """The same person twice in the file, or active in another household already."""
    id_column = next(c.name for c in template.columns if c.kind == "id_number")
    key = template.household_key
    first_row = pl.col(ROW_NUMBER_COLUMN).min().over(id_column)
    registered = pl.col(id_column).replace_strict(
        dict(existing_people), default=None, return_dtype=pl.String
    )
    error = (
        pl.when(pl.col(id_column).is_not_null() & (pl.col(ROW_NUMBER_COLUMN) != first_row))
        .then(
            pl.format(
                _("证件号码与第 {} 行重复，同一人在文件中出现了两次。"), first_row.cast(pl.String)
            )
        )
        .when(registered.is_not_null() & (registered != pl.col(key).fill_null("")))
        .then(
            pl.format(
                _("此人已在另一户（户编号 {}）在册；请先在原户办理成员减少，再导入。"),
                registered,
            )
        )
        .otherwise(pl.col(id_column + ERROR_SUFFIX))
    )
    return table.with_columns(error.alias(id_column + ERROR_SUFFIX))


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
