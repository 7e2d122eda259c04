"""Microcredit rules as functions of their configuration: the 贴息 a loan earns across rate
periods and the eligibility checks of DOMAIN §8, each with its explanation."""

import calendar
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from fupin.finance.models import LoanPolicy, SubsidyRate
from fupin.registry.codes import HouseholdType

FEN = Decimal("0.01")
# 贴息 is computed on actual days over a 365-day year, as the banks' 小额信贷 contracts do.
DAYS_PER_YEAR = Decimal(365)


@dataclass(frozen=True)
class SubsidyLine:
    """The interest of one calendar year and the part of it the subsidy pays."""

    year: int
    interest: Decimal
    percent: Decimal
    subsidy: Decimal
    note: str


def _next_new_year(day: date) -> date:
    return date(day.year + 1, 1, 1)


def _interest(
    start: date,
    end: date,
    *,
    amount: Decimal,
    rate: Decimal,
    repaid: Sequence[tuple[date, Decimal]],
) -> Decimal:
    """Interest on the outstanding principal over [start, end): a repayment lowers the
    principal from its own day on."""
    if end <= start:
        return Decimal(0)
    points = sorted({start, end, *(day for day, _p in repaid if start < day < end)})
    total = Decimal(0)
    for left, right in itertools.pairwise(points):
        principal = amount - sum((p for day, p in repaid if day <= left), Decimal(0))
        total += principal * Decimal((right - left).days) * rate / Decimal(100) / DAYS_PER_YEAR
    return total


def rate_percent(rates: Sequence[SubsidyRate], *, issued_on: date, year: int) -> Decimal | None:
    """The percent of the rate row covering a loan issued on `issued_on` in `year`."""
    for row in rates:
        if row.issued_from <= issued_on <= row.issued_to and row.year_from <= year <= row.year_to:
            return row.percent
    return None


def interest_subsidy(
    *,
    amount: Decimal,
    annual_rate: Decimal,
    issued_on: date,
    due_on: date,
    repayments: Sequence[tuple[date, Decimal]],
    rates: Sequence[SubsidyRate],
    until: date,
    stopped_on: date | None = None,
) -> list[SubsidyLine]:
    """贴息 per calendar year from the issue day to the due day (or `until`, if earlier).

    The percent comes from `rates` for (issue day, year); interest from `stopped_on` on
    (违约, when the policy stops the subsidy) earns none.
    """
    end = min(due_on, until)
    lines: list[SubsidyLine] = []
    start = issued_on
    while start < end:
        year_end = min(end, _next_new_year(start))
        interest = _interest(start, year_end, amount=amount, rate=annual_rate, repaid=repayments)
        covered_end = year_end if stopped_on is None else max(start, min(year_end, stopped_on))
        covered = _interest(start, covered_end, amount=amount, rate=annual_rate, repaid=repayments)
        percent = rate_percent(rates, issued_on=issued_on, year=start.year)
        note = ""
        if percent is None:
            percent = Decimal(0)
            note = _("未配置该年度的贴息比例")
        elif covered_end < year_end:
            note = _("%(date)s 起违约，停止贴息") % {"date": stopped_on}
        lines.append(
            SubsidyLine(
                year=start.year,
                interest=interest.quantize(FEN, ROUND_HALF_UP),
                percent=percent,
                subsidy=(covered * percent / Decimal(100)).quantize(FEN, ROUND_HALF_UP),
                note=note,
            )
        )
        start = year_end
    return lines


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has fewer days)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


@dataclass(frozen=True)
class Finding:
    """One eligibility rule: its code, whether the loan passes, and why in Chinese."""

    code: str
    passed: bool
    explanation: str


def loan_eligibility(
    *,
    policy: LoanPolicy,
    amount: Decimal,
    issued_on: date,
    due_on: date,
    borrower_birth_date: date,
    household_type: str,
) -> list[Finding]:
    """The rules of DOMAIN §8 a new loan must meet under `policy`, each explained."""
    latest_due = add_months(issued_on, policy.max_term_months)
    age = age_on(borrower_birth_date, issued_on)
    types = [str(HouseholdType(code).label) for code in policy.eligible_household_types]
    type_label = str(HouseholdType(household_type).label) if household_type else _("未标注")
    values = {
        "amount": amount,
        "max_amount": policy.max_amount,
        "months": policy.max_term_months,
        "due": due_on,
        "latest": latest_due,
        "age": age,
        "min_age": policy.min_age,
        "max_age": policy.max_age,
        "type": type_label,
        "types": "、".join(types),
    }
    return [
        Finding(
            "amount",
            amount <= policy.max_amount,
            _("贷款金额 %(amount)s 元，上限 %(max_amount)s 元。") % values,
        ),
        Finding(
            "term",
            due_on <= latest_due,
            _("到期日 %(due)s，期限不超过 %(months)s 个月（最晚 %(latest)s）。") % values,
        ),
        Finding(
            "age",
            policy.min_age <= age <= policy.max_age,
            _("借款人放款时 %(age)s 岁，须在 %(min_age)s 至 %(max_age)s 岁之间。") % values,
        ),
        Finding(
            "household_type",
            household_type in policy.eligible_household_types,
            _("户类型为%(type)s，可贷户类型：%(types)s。") % values,
        ),
    ]


def due_band(days_left: int, bands: Sequence[int]) -> int | None:
    """The smallest warning band (30/60/90 …) that a loan due in `days_left` falls in;
    None when it is overdue (negative) or beyond every band."""
    if days_left < 0:
        return None
    return next((band for band in sorted(bands) if days_left <= band), None)
