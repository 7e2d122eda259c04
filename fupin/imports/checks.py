"""The checks of a ledger beyond its single cells: rows against each other, against what
the ID number encodes and against the registry. Each ledger kind lists the checks it runs
(`kinds.py`); each check takes the cleaned table and returns it with its findings written
into the `<column>__error` columns, keeping an error a cell already has.
"""

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import TypeVar

import polars as pl
from django.utils.translation import gettext as _

from fupin.imports.declarations import Template
from fupin.imports.normalizing import ERROR_SUFFIX
from fupin.imports.parsing import ROW_NUMBER_COLUMN
from fupin.registry import codes

V = TypeVar("V")
Lookup = Mapping[str, V] | Callable[[list[str]], Mapping[str, V]] | None


@dataclass(frozen=True)
class Lookups:
    """What a ledger's checks ask the registry.

    Each is a mapping or a registry selector, which is given the file's distinct cleaned
    values so the database is asked once, after cleaning. `existing_people`: {ID number:
    户编号} of active members; `households`: {户编号: village code}; `villages`: which of the
    region codes are registered villages (without it region codes are only checked for form
    and scope); `registered_heads`: {户编号: ID numbers of its active heads} for every
    registered household, so the head check counts the members the file does not list.
    """

    existing_people: Lookup[str] = None
    households: Lookup[str] = None
    villages: Callable[[list[str]], Collection[str]] | None = None
    registered_heads: Lookup[list[str]] = None
    # Loans: {ID number: "village code|name"} of active members, {合同编号: borrower's ID}.
    borrowers: Lookup[str] = None
    contracts: Lookup[str] = None
    # 户贷企用: {合同编号: "borrower's ID|village code|loan amount|1 if 户贷企用 was allowed"}.
    enterprise_loans: Lookup[str] = None
    # Cadre assignments: {"#编号" or "姓名|电话": "编号|region|name|current households"} of
    # active cadres, {户编号: its current cadre's 编号}, {region code: most households one
    # cadre of that region may help}.
    cadres: Lookup[str] = None
    current_cadres: Lookup[str] = None
    cadre_limits: Lookup[int] = None


@dataclass(frozen=True)
class CheckContext:
    scope_prefix: str
    lookups: Lookups


Check = Callable[[pl.DataFrame, Template, CheckContext], pl.DataFrame]


def _asked(lookup: Lookup[V], table: pl.DataFrame, column: str) -> Mapping[str, V]:
    """The lookup's answer for the values of `column`."""
    if callable(lookup):
        return lookup(table.get_column(column).drop_nulls().unique().to_list())
    return lookup or {}


def villages_registered(
    table: pl.DataFrame, template: Template, context: CheckContext
) -> pl.DataFrame:
    """A well-formed region code must also be a village the registry knows."""
    villages = context.lookups.villages
    if villages is None:
        return table
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


def id_column_of(template: Template) -> str:
    """The template's ID-number column, or "" when it has none."""
    return next((c.name for c in template.columns if c.kind == "id_number"), "")


def household_years(table: pl.DataFrame, template: Template, context: CheckContext) -> pl.DataFrame:
    """One row per (户编号, 年度); the household must be registered and in scope."""
    households = _asked(context.lookups.households, table, "household_number")
    scope_prefix = context.scope_prefix
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


def housing_safety(table: pl.DataFrame, template: Template, context: CheckContext) -> pl.DataFrame:
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


def id_agrees_with_row(
    table: pl.DataFrame, template: Template, context: CheckContext
) -> pl.DataFrame:
    """Sex and birth date must agree with what the ID number encodes."""
    sex_header = template.column("sex").header
    sex_shown = pl.col("id_sex").replace_strict(
        {code: str(label) for code, label in codes.Sex.choices},
        default=None,
        return_dtype=pl.String,
    )
    return table.with_columns(
        _disagreement(
            "sex",
            pl.format(
                _("%(header)s与证件号码不符：号码显示为{}。") % {"header": sex_header}, sex_shown
            ),
        ),
        _disagreement(
            "birth_date",
            pl.format(
                _("出生日期 {} 与证件号码中的 {} 不符。"),
                pl.col("birth_date"),
                pl.col("id_birth_date"),
            ),
        ),
        pl.coalesce("birth_date", "id_birth_date").alias("birth_date"),
        pl.coalesce("sex", "id_sex").alias("sex"),
    )


def _disagreement(name: str, message: pl.Expr) -> pl.Expr:
    """`message` where the filled column differs from what the ID number says (`id_<name>`)."""
    given, encoded = pl.col(name), pl.col("id_" + name)
    return (
        pl.when(given.is_not_null() & encoded.is_not_null() & (given != encoded))
        .then(message)
        .otherwise(pl.col(name + ERROR_SUFFIX))
        .alias(name + ERROR_SUFFIX)
    )


def households_as_sets(
    table: pl.DataFrame, template: Template, context: CheckContext
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
    id_column = id_column_of(template)
    registered_heads = _asked(context.lookups.registered_heads, table, key)
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


def people_once(table: pl.DataFrame, template: Template, context: CheckContext) -> pl.DataFrame:
    """The same person twice in the file, or active in another household already."""
    id_column = id_column_of(template)
    existing_people = _asked(context.lookups.existing_people, table, id_column)
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


def _first_row_over(column: str) -> pl.Expr:
    return pl.col(ROW_NUMBER_COLUMN).min().over(column)


def loan_rows(table: pl.DataFrame, template: Template, context: CheckContext) -> pl.DataFrame:
    """A loan row names an active member in scope by ID number and name, a contract not
    registered to someone else and listed once, dates in order, and no more repaid than
    lent."""
    borrowers = _asked(context.lookups.borrowers, table, "id_number")
    contracts = _asked(context.lookups.contracts, table, "contract_number")
    number = pl.col("id_number")
    found = number.replace_strict(dict(borrowers), default=None, return_dtype=pl.String)
    village = found.str.split_exact("|", 1).struct.field("field_0")
    name = found.str.split_exact("|", 1).struct.field("field_1")
    id_error = (
        pl.when(number.is_not_null() & found.is_null())
        .then(pl.format(_("证件号码 {} 不是在册人员，请先登记该户。"), number))
        .when(number.is_not_null() & ~village.str.starts_with(context.scope_prefix))
        .then(pl.format(_("借款人所在村 {} 不在您的管辖范围内，不能导入。"), village))
        .otherwise(pl.col("id_number" + ERROR_SUFFIX))
    )
    name_error = (
        pl.when(
            name.is_not_null()
            & pl.col("borrower_name").is_not_null()
            & (name != pl.col("borrower_name"))
        )
        .then(pl.format(_("姓名与证件号码不符：在册姓名为 {}。"), name))
        .otherwise(pl.col("borrower_name" + ERROR_SUFFIX))
    )
    contract = pl.col("contract_number")
    owner = contract.replace_strict(dict(contracts), default=None, return_dtype=pl.String)
    first = _first_row_over("contract_number")
    contract_error = (
        pl.when(contract.is_not_null() & (pl.col(ROW_NUMBER_COLUMN) != first))
        .then(pl.format(_("合同编号 {} 与第 {} 行重复。"), contract, first.cast(pl.String)))
        .when(owner.is_not_null() & number.is_not_null() & (owner != number))
        .then(pl.format(_("合同编号 {} 已登记在其他借款人名下。"), contract))
        .otherwise(pl.col("contract_number" + ERROR_SUFFIX))
    )
    due_error = (
        pl.when(
            pl.col("due_on").is_not_null()
            & pl.col("issued_on").is_not_null()
            & (pl.col("due_on") <= pl.col("issued_on"))
        )
        .then(pl.lit(_("到期日期必须晚于放款日期。")))
        .otherwise(pl.col("due_on" + ERROR_SUFFIX))
    )
    amount = pl.col("amount").cast(pl.Float64)
    repaid = pl.col("repaid_principal").cast(pl.Float64)
    amount_error = (
        pl.when(amount.is_not_null() & (amount <= 0))
        .then(pl.lit(_("贷款金额必须大于 0。")))
        .otherwise(pl.col("amount" + ERROR_SUFFIX))
    )
    repaid_error = (
        pl.when(repaid.is_not_null() & amount.is_not_null() & (repaid > amount))
        .then(pl.lit(_("已还本金不能超过贷款金额。")))
        .otherwise(pl.col("repaid_principal" + ERROR_SUFFIX))
    )
    rate = pl.col("annual_rate").cast(pl.Float64)
    rate_error = (
        pl.when(rate.is_not_null() & ((rate <= 0) | (rate >= 20)))
        .then(pl.format(_("年利率应为百分数（如 3.45），现在是 {}。"), pl.col("annual_rate")))
        .otherwise(pl.col("annual_rate" + ERROR_SUFFIX))
    )
    return table.with_columns(
        id_error.alias("id_number" + ERROR_SUFFIX),
        name_error.alias("borrower_name" + ERROR_SUFFIX),
        contract_error.alias("contract_number" + ERROR_SUFFIX),
        due_error.alias("due_on" + ERROR_SUFFIX),
        amount_error.alias("amount" + ERROR_SUFFIX),
        repaid_error.alias("repaid_principal" + ERROR_SUFFIX),
        rate_error.alias("annual_rate" + ERROR_SUFFIX),
    )


def enterprise_use_rows(
    table: pl.DataFrame, template: Template, context: CheckContext
) -> pl.DataFrame:
    """A 户贷企用 row names a registered loan in scope once, issued while 户贷企用 was not
    banned, its own borrower when it gives an ID number, and no more than the loan's amount."""
    loans = _asked(context.lookups.enterprise_loans, table, "contract_number")
    contract = pl.col("contract_number")
    facts = contract.replace_strict(dict(loans), default=None, return_dtype=pl.String).str.split(
        "|"
    )
    borrower, village = facts.list.get(0, null_on_oob=True), facts.list.get(1, null_on_oob=True)
    loan_amount = facts.list.get(2, null_on_oob=True)
    allowed = facts.list.get(3, null_on_oob=True) == "1"
    first = _first_row_over("contract_number")
    contract_error = (
        pl.when(contract.is_not_null() & (pl.col(ROW_NUMBER_COLUMN) != first))
        .then(pl.format(_("合同编号 {} 与第 {} 行重复。"), contract, first.cast(pl.String)))
        .when(contract.is_not_null() & facts.is_null())
        .then(pl.format(_("合同编号 {} 未登记，请先导入小额信贷台账。"), contract))
        .when(contract.is_not_null() & ~village.str.starts_with(context.scope_prefix))
        .then(pl.format(_("合同编号 {} 的借款人不在您的管辖范围内，不能导入。"), contract))
        .when(contract.is_not_null() & ~allowed)
        .then(pl.lit(_("该贷款放款时已禁止户贷企用（2017年12月起），不能登记。")))
        .otherwise(pl.col("contract_number" + ERROR_SUFFIX))
    )
    id_error = (
        pl.when(pl.col("id_number").is_not_null() & borrower.is_not_null())
        .then(
            pl.when(pl.col("id_number") != borrower)
            .then(pl.lit(_("证件号码与该合同的借款人不符。")))
            .otherwise(pl.col("id_number" + ERROR_SUFFIX))
        )
        .otherwise(pl.col("id_number" + ERROR_SUFFIX))
    )
    amount = pl.col("amount").cast(pl.Float64)
    amount_error = (
        pl.when(amount.is_not_null() & (amount <= 0))
        .then(pl.lit(_("企业使用金额必须大于 0。")))
        .when(
            amount.is_not_null()
            & loan_amount.is_not_null()
            & (amount > loan_amount.cast(pl.Float64))
        )
        .then(pl.format(_("企业使用金额超过贷款金额 {} 元。"), loan_amount))
        .otherwise(pl.col("amount" + ERROR_SUFFIX))
    )
    return table.with_columns(
        contract_error.alias("contract_number" + ERROR_SUFFIX),
        id_error.alias("id_number" + ERROR_SUFFIX),
        amount_error.alias("amount" + ERROR_SUFFIX),
    )


def _answered(lookup: Lookup[V], values: list[str]) -> Mapping[str, V]:
    if callable(lookup):
        return lookup(values)
    return lookup or {}


def _cadre_key() -> pl.Expr:
    """How a row names its cadre: "#编号", or "姓名|电话" when it gives no 编号."""
    return (
        pl.when(pl.col("cadre_id").is_not_null())
        .then(pl.format("#{}", pl.col("cadre_id")))
        .when(pl.col("phone").is_not_null() & pl.col("cadre_name").is_not_null())
        .then(pl.format("{}|{}", pl.col("cadre_name"), pl.col("phone")))
        .otherwise(pl.lit(None, dtype=pl.String))
    )


def cadre_assignment_rows(
    table: pl.DataFrame, template: Template, context: CheckContext
) -> pl.DataFrame:
    """A cadre assignment names a registered household in scope once, a cadre by 编号 (who
    must exist, match the name and work where the household lives) or by name and phone
    (registered from the row when new, which then needs the unit), an end not before the
    start, and leaves no cadre with more current households than the local rule allows."""
    lookups = context.lookups
    households = _asked(lookups.households, table, "household_number")
    current = _asked(lookups.current_cadres, table, "household_number")
    key = _cadre_key()
    cadres = _answered(
        lookups.cadres,
        table.select(key.alias("key")).get_column("key").drop_nulls().unique().to_list(),
    )
    cadre_regions = {facts.split("|", 2)[1] for facts in cadres.values()}
    limits = _answered(lookups.cadre_limits, sorted(set(households.values()) | cadre_regions))
    number = pl.col("household_number")
    village = number.replace_strict(dict(households), default=None, return_dtype=pl.String)
    first = _first_row_over("household_number")
    household_error = (
        pl.when(number.is_not_null() & village.is_null())
        .then(pl.format(_("户编号 {} 不在册，请核对。"), number))
        .when(number.is_not_null() & ~village.str.starts_with(context.scope_prefix))
        .then(pl.format(_("户编号 {} 所在村 {} 不在您的管辖范围内，不能导入。"), number, village))
        .when(number.is_not_null() & (pl.col(ROW_NUMBER_COLUMN) != first))
        .then(
            pl.format(
                _("户编号 {} 与第 {} 行重复，同一户只能有一行。"), number, first.cast(pl.String)
            )
        )
        .otherwise(pl.col("household_number" + ERROR_SUFFIX))
    )
    found = key.replace_strict(dict(cadres), default=None, return_dtype=pl.String)
    parts = found.str.splitn("|", 4)
    found_id = parts.struct.field("field_0")
    region = parts.struct.field("field_1")
    held = parts.struct.field("field_2").cast(pl.Int64)
    found_name = parts.struct.field("field_3")
    cadre_id = pl.col("cadre_id")
    cadre_id_error = (
        pl.when(cadre_id.is_not_null() & found.is_null())
        .then(pl.format(_("帮扶责任人编号 {} 不存在或已不在岗。"), cadre_id))
        .otherwise(pl.col("cadre_id" + ERROR_SUFFIX))
    )
    staying = pl.col("ended_on").is_null() & key.is_not_null() & village.is_not_null()
    moving_in = staying & (
        found_id.is_null()
        | (
            number.replace_strict(dict(current), default=None, return_dtype=pl.String).fill_null("")
            != found_id
        )
    )
    total = held.fill_null(0) + moving_in.cast(pl.Int64).sum().over(key)
    most = {code: int(households_at_most) for code, households_at_most in limits.items()}
    # The rule of the cadre's region, as the assignment applies it; a cadre the file
    # registers works where the household lives.
    limit = pl.coalesce(
        region.replace_strict(most, default=None, return_dtype=pl.Int64),
        village.replace_strict(most, default=None, return_dtype=pl.Int64),
    )
    name = pl.col("cadre_name")
    name_error = (
        pl.when(cadre_id.is_not_null() & found_name.is_not_null() & (found_name != name))
        .then(pl.format(_("姓名与帮扶责任人编号不符：登记姓名为 {}。"), found_name))
        .when(~region.str.starts_with(context.scope_prefix))
        .then(pl.format(_("帮扶责任人 {} 不在您的管辖范围内。"), name))
        .when(village.is_not_null() & ~village.str.starts_with(region))
        .then(pl.format(_("户编号 {} 不在帮扶责任人 {} 的帮扶区域内。"), number, name))
        .when(moving_in & limit.is_not_null() & (total > limit))
        .then(
            pl.format(
                _("每名帮扶责任人最多联系 {} 户，{} 导入后将联系 {} 户。"),
                limit.cast(pl.String),
                name,
                total.cast(pl.String),
            )
        )
        .otherwise(pl.col("cadre_name" + ERROR_SUFFIX))
    )
    phone_error = (
        pl.when(cadre_id.is_null() & pl.col("phone").is_null())
        .then(pl.lit(_("请填写联系电话或帮扶责任人编号。")))
        .otherwise(pl.col("phone" + ERROR_SUFFIX))
    )
    unit_error = (
        pl.when(cadre_id.is_null() & key.is_not_null() & found.is_null() & pl.col("unit").is_null())
        .then(pl.format(_("帮扶责任人 {} 尚未登记，须填写工作单位。"), name))
        .otherwise(pl.col("unit" + ERROR_SUFFIX))
    )
    end_error = (
        pl.when(
            pl.col("ended_on").is_not_null()
            & pl.col("started_on").is_not_null()
            & (pl.col("ended_on") < pl.col("started_on"))
        )
        .then(pl.lit(_("结束日期不能早于开始日期。")))
        .otherwise(pl.col("ended_on" + ERROR_SUFFIX))
    )
    return table.with_columns(
        household_error.alias("household_number" + ERROR_SUFFIX),
        cadre_id_error.alias("cadre_id" + ERROR_SUFFIX),
        name_error.alias("cadre_name" + ERROR_SUFFIX),
        phone_error.alias("phone" + ERROR_SUFFIX),
        unit_error.alias("unit" + ERROR_SUFFIX),
        end_error.alias("ended_on" + ERROR_SUFFIX),
    )
