"""Cleaning a ledger's cells: each raw value replaced by its normalized form, with a
`<column>__error` column beside it saying what is wrong with the cell on its own."""

import datetime
import decimal
import re
from dataclasses import dataclass

import polars as pl
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.core.text import ZERO_WIDTH_PATTERN, clean_text, show_invisible
from fupin.imports.declarations import FALSE_WORDS, TRUE_WORDS, Column, Template, header_key
from fupin.registry import codes
from fupin.registry.idnumbers import InvalidIdNumber, id_number_columns, parse_id_number

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
# What the ID number encodes, beside the row until the row checks have used it.
ID_FACT_COLUMNS = frozenset({"id_sex", "id_birth_date", "id_needs_review"})


@dataclass(frozen=True)
class _Normalized:
    value: str | None
    error: str | None


def normalize_columns(
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
        plain = _plain_cells(column)
        if column.kind == "text":
            value = _cleaned_column(table.get_column(column.name))
            error: pl.Expr = pl.lit(None, dtype=pl.String)
        else:
            rest = pl.col(column.name)
            if plain is not None:
                rest = rest.filter(~plain.is_plain)
            raw_values = table.select(rest.drop_nulls().unique()).to_series().to_list()
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
            if plain is not None:
                value = pl.when(plain.is_plain).then(plain.value).otherwise(value)
                error = pl.when(plain.is_plain).then(None).otherwise(error)
        updates.extend([value.alias(column.name), required_error(column, value, error)])
    return table.with_columns(updates)


@dataclass(frozen=True)
class _PlainCells:
    """Which cells of a column need no care (`is_plain`) and their normalized value."""

    is_plain: pl.Expr
    value: pl.Expr


def _plain_cells(column: Column) -> _PlainCells | None:
    """Cells normalized in Polars rather than one distinct value at a time in Python.

    A department feed has as many distinct amounts as rows, and a members ledger nearly as
    many distinct birth dates as households: amounts of digits with at most the allowed
    decimals, below the column's ceiling by their number of digits, and real dates written
    2024-01-31 come out of `_normalize_value` unchanged, so they are cast here. The other
    cells go through `_normalize_value` like every other kind, for its messages."""
    raw = pl.col(column.name)
    if column.kind == "date":
        parsed = raw.str.to_date("%Y-%m-%d", strict=False)
        return _PlainCells(
            raw.str.contains(r"^[12][0-9]{3}-[0-9]{2}-[0-9]{2}$").fill_null(False)
            & parsed.is_not_null(),
            parsed.dt.to_string("%Y-%m-%d"),
        )
    if column.kind not in {"money", "decimal"}:
        return None
    ceiling = MAX_AMOUNT if column.kind == "decimal" else _amount_ceiling()
    digits = len(str(int(ceiling))) - 1
    if digits < 1:
        return None
    pattern = rf"^[0-9]{{1,{digits}}}(\.[0-9]{{1,{column.decimal_places}}})?$"
    return _PlainCells(
        raw.str.contains(pattern).fill_null(False),
        raw.cast(pl.Decimal(20, column.decimal_places), strict=False).cast(pl.String),
    )


def cleaned_text(raw: pl.Expr) -> pl.Expr:
    """A free-text cell as `core.text.clean_text` cleans it, vectorised; empty is null.
    Interior spaces are kept so that an exported name reads back unchanged."""
    cleaned = raw.str.normalize("NFKC").str.replace_all(ZERO_WIDTH_PATTERN, "").str.strip_chars()
    return pl.when(cleaned == "").then(None).otherwise(cleaned)


# A text column with fewer distinct values than this share of its rows (a month, a
# category) is cleaned once per value: NFKC is the dearest step of validating a feed.
_FEW_DISTINCT = 0.25


def _cleaned_column(raw: pl.Series) -> pl.Expr:
    """`cleaned_text` of a column, computed once per distinct value when they are few."""
    distinct = raw.drop_nulls().unique()
    if distinct.len() > _FEW_DISTINCT * raw.len():
        return cleaned_text(pl.col(raw.name))
    cleaned = pl.DataFrame({"raw": distinct}).select(cleaned_text(pl.col("raw"))).to_series()
    return pl.col(raw.name).replace_strict(distinct, cleaned, default=None, return_dtype=pl.String)


def required_error(column: Column, value: pl.Expr, error: pl.Expr) -> pl.Expr:
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
    `id_birth_date`, `id_needs_review`). The column is checked with Polars expressions
    (`id_number_columns`); a refused value is tried once more, per distinct value, with
    `_normalize_value`, which knows about inner spaces and Excel's scientific notation."""
    name = column.name
    facts = id_number_columns(table.get_column(name), today=today)
    if facts.get_column("error").is_not_null().any():
        facts = _retried(facts, table.get_column(name), column, today=today)
    sex = pl.col("__sex")
    return (
        table.with_columns(facts.select(pl.all().name.prefix("__")).get_columns())
        .with_columns(
            pl.col("__number").alias(name),
            required_error(column, pl.col("__number"), pl.col("__error")),
            pl.when(sex == "male")
            .then(pl.lit(codes.Sex.MALE.value))
            .when(sex == "female")
            .then(pl.lit(codes.Sex.FEMALE.value))
            .alias("id_sex"),
            pl.col("__birth_date").dt.to_string("%Y-%m-%d").alias("id_birth_date"),
            pl.col("__needs_review").alias("id_needs_review"),
        )
        .drop(f"__{fact}" for fact in facts.columns)
    )


def _retried(
    facts: pl.DataFrame, raw: pl.Series, column: Column, *, today: datetime.date | None
) -> pl.DataFrame:
    """`facts` with each refused value normalized again by `_normalize_value` (once per
    distinct value): accepted after all, or refused with its message."""
    rows: list[dict[str, object]] = []
    refused = raw.filter(facts.get_column("error").is_not_null()).unique()
    for value in refused.to_list():
        result = _normalize_value(column, value, scope_prefix="", today=today)
        if result.value is None:
            rows.append({"raw": value, "error": result.error})
            continue
        info = parse_id_number(result.value, today=today)
        rows.append(
            {
                "raw": value,
                "number": info.number,
                "sex": info.sex,
                "birth_date": info.birth_date,
                "needs_review": info.needs_review,
            }
        )
    retried = pl.DataFrame(rows, schema={"raw": pl.String, **facts.schema})
    again = facts.with_columns(raw.alias("raw")).join(
        retried, on="raw", how="left", maintain_order="left", suffix="_again"
    )
    is_refused = pl.col("error").is_not_null()
    return again.select(
        pl.when(is_refused).then(f"{name}_again").otherwise(name).alias(name)
        for name in facts.columns
    )


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
