"""Microcredit reads: the rules in force, loans in scope, a loan with its 贴息 and
history, and the 到期预警台账."""

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _

from fupin.core.errors import ApplicationError, NotFoundError
from fupin.core.lookups import in_chunks
from fupin.core.scope import RegionScope, region_path_codes
from fupin.finance import rules
from fupin.finance.defaults import NATIONWIDE_LOAN_POLICY
from fupin.finance.models import EnterpriseUse, Loan, LoanPolicy, LoanStatus, SubsidyRate
from fupin.registry import codes
from fupin.registry.models import Member


def _policy_in_force(rows: Iterable[LoanPolicy], region_code: str, on: date) -> LoanPolicy:
    paths = set(region_path_codes(region_code))
    candidates = (row for row in rows if row.region_code in paths and row.effective_from <= on)
    best = max(candidates, key=lambda row: (len(row.region_code), row.effective_from), default=None)
    if best is None:
        raise ApplicationError(_("未配置小额信贷政策，请联系县级管理员。"), code="no_policy")
    return best


def loan_policy_for(region_code: str, *, on: date) -> LoanPolicy:
    """The policy in force for a region on a day: the most specific region's latest row.

    Raises ApplicationError when no row applies (the nationwide row ships by migration)."""
    rows = LoanPolicy.objects.filter(
        region_code__in=region_path_codes(region_code), effective_from__lte=on
    )
    return _policy_in_force(rows, region_code, on)


def loan_policy_table() -> Callable[[str, date], LoanPolicy]:
    """`loan_policy_for` over every policy row read once, for a ledger of many loans."""
    rows = list(LoanPolicy.objects.all())
    return lambda region_code, on: _policy_in_force(rows, region_code, on)


def subsidy_rates_for(region_code: str) -> list[SubsidyRate]:
    """The 贴息 rows of the most specific region that has any."""
    rows = list(SubsidyRate.objects.filter(region_code__in=region_path_codes(region_code)))
    if not rows:
        return []
    most_specific = max(len(row.region_code) for row in rows)
    return [row for row in rows if len(row.region_code) == most_specific]


class Borrower(NamedTuple):
    """What the loan ledger needs of an active member: no model objects for a whole file."""

    member_id: int
    household_id: int
    village_id: str
    name: str


def active_members_by_id_number(id_numbers: Iterable[str]) -> dict[str, Borrower]:
    """{ID number: the active member's ids, village and name}, for the loan ledger."""
    found: dict[str, Borrower] = {}
    for chunk in in_chunks(id_numbers):
        rows = Member.objects.filter(is_active=True, id_number__any=chunk).values_list(
            "id_number", "id", "household_id", "household__village_id", "name"
        )
        found.update(
            (number, Borrower(member_id, household_id, village_id, name))
            for number, member_id, household_id, village_id, name in rows
        )
    return found


def borrower_facts_by_id_number(id_numbers: Iterable[str]) -> dict[str, str]:
    """{ID number: "village code|name"} of active members, for the loan ledger's checks."""
    return {
        number: f"{borrower.village_id}|{borrower.name}"
        for number, borrower in active_members_by_id_number(id_numbers).items()
    }


def member_in_scope(*, scope: RegionScope, id_number: str) -> Member | None:
    """The active member with this ID number if registered inside the scope; None alike
    for one registered elsewhere, so a form confirms nobody outside it."""
    member = (
        Member.objects.select_related("household")
        .filter(is_active=True, id_number=id_number)
        .first()
    )
    if member is None or not scope.contains(member.household.village_id):
        return None
    return member


def loan_borrower_get(*, scope: RegionScope, id_number: str, name: str) -> Member:
    """The active member in scope a loan form names by ID number and name.

    Raises ApplicationError on the field at fault: a number not registered in scope (said
    alike for one outside it, so the form confirms nobody elsewhere), or a name that
    differs from the registered one."""
    member = member_in_scope(scope=scope, id_number=id_number)
    if member is None:
        raise ApplicationError(
            _("证件号码 %(number)s 不是您管辖范围内的在册人员，请先登记该户。")
            % {"number": id_number},
            code="borrower",
            field="borrower_id_number",
        )
    if member.name != name.strip():
        raise ApplicationError(
            _("姓名与证件号码不符：在册姓名为 %(name)s。") % {"name": member.name},
            code="borrower_name",
            field="borrower_name",
        )
    return member


def registered_contracts(contract_numbers: Iterable[str]) -> dict[str, str]:
    """{合同编号: borrower's ID number} of the registered loans among `contract_numbers`."""
    found: dict[str, str] = {}
    for chunk in in_chunks(contract_numbers):
        found.update(
            Loan.objects.filter(contract_number__any=chunk).values_list(
                "contract_number", "borrower__id_number"
            )
        )
    return found


def enterprise_loan_facts(contract_numbers: Iterable[str]) -> dict[str, str]:
    """{合同编号: "borrower's ID|village code|amount|1 or 0"} of registered loans, the last
    saying whether the policy in force when the loan was issued allowed 户贷企用."""
    policy_for = loan_policy_table()
    found: dict[str, str] = {}
    for chunk in in_chunks(contract_numbers):
        rows = Loan.objects.filter(contract_number__any=chunk).values_list(
            "contract_number", "borrower__id_number", "village_id", "amount", "issued_on"
        )
        for number, id_number, village, amount, issued_on in rows:
            try:
                allowed = policy_for(village, issued_on).allows_enterprise_use
            except ApplicationError:
                allowed = False
            found[number] = f"{id_number}|{village}|{amount}|{int(allowed)}"
    return found


def enterprise_use_list(*, scope: RegionScope) -> QuerySet[EnterpriseUse]:
    """The 户贷企用台账 in scope: those without the borrower's consent first."""
    return (
        scope.filter(EnterpriseUse.objects.all(), region_field="loan__village__code")
        .select_related("loan", "loan__borrower", "loan__village", "loan__village__parent")
        .order_by("has_consent", "loan__village_id", "id")
    )


def enterprise_use_ledger_values(
    household_ids: Sequence[int], fields: Sequence[str]
) -> QuerySet[Any, dict[str, Any]]:
    """The 户贷企用 records of `household_ids`' loans as `values(*fields)`, for the export."""
    records: QuerySet[Any, dict[str, Any]] = (
        EnterpriseUse.objects.filter(loan__household_id__in=household_ids)
        .order_by("loan__household_id", "id")
        .values(*fields)
    )
    return records


def loan_list(*, scope: RegionScope, status: str = "", query: str = "") -> QuerySet[Loan]:
    """Loans in scope, soonest due first."""
    loans = scope.filter(Loan.objects.all(), region_field="village__code")
    if status:
        loans = loans.filter(status=status)
    if query:
        loans = loans.filter(
            Q(contract_number__icontains=query)
            | Q(borrower__name__icontains=query)
            | Q(bank__icontains=query)
        )
    return loans.select_related("borrower", "village", "village__parent").order_by("due_on", "id")


def loan_get(*, scope: RegionScope, loan_id: int) -> Loan:
    loan = (
        Loan.objects.select_related("borrower", "household", "village", "village__parent")
        .filter(pk=loan_id)
        .first()
    )
    if loan is None or not scope.contains(loan.village_id):
        raise NotFoundError(_("未找到该贷款。"))
    return loan


@dataclass(frozen=True)
class LoanDetail:
    loan: Loan
    history: list[Loan]
    repayments: list[Any]
    subsidy: list[rules.SubsidyLine]
    subsidy_total: Decimal
    eligibility: list[rules.Finding]
    enterprise_use: Any
    # Whether the policy the loan was issued under allowed 户贷企用 (a legacy loan).
    allows_enterprise_use: bool


def loan_detail(*, scope: RegionScope, loan_id: int, as_of: date) -> LoanDetail:
    """A loan with its contract chain (原合同 ← 续贷/展期), repayments, 贴息 per year to
    `as_of` and the eligibility rules explained."""
    loan = loan_get(scope=scope, loan_id=loan_id)
    history = [loan]
    earlier = loan.previous
    while earlier is not None:
        history.append(earlier)
        earlier = earlier.previous
    later = Loan.objects.filter(previous=loan).first()
    while later is not None:
        history.insert(0, later)
        later = Loan.objects.filter(previous=later).first()
    repayments = list(loan.repayments.all())
    policy = loan_policy_for(loan.village_id, on=loan.issued_on)
    stopped_on = loan.defaulted_on if policy.default_stops_subsidy else None
    subsidy = rules.interest_subsidy(
        amount=loan.amount,
        annual_rate=loan.annual_rate,
        issued_on=loan.issued_on,
        due_on=loan.due_on,
        repayments=[(r.paid_on, r.principal) for r in repayments],
        rates=subsidy_rates_for(loan.village_id),
        until=as_of,
        stopped_on=stopped_on,
    )
    eligibility = rules.loan_eligibility(
        policy=policy,
        amount=loan.amount,
        issued_on=loan.issued_on,
        due_on=loan.due_on,
        borrower_birth_date=loan.borrower.birth_date,
        household_type=loan.household.household_type,
    )
    return LoanDetail(
        loan=loan,
        history=history,
        repayments=repayments,
        subsidy=subsidy,
        subsidy_total=sum((line.subsidy for line in subsidy), Decimal(0)),
        eligibility=eligibility,
        enterprise_use=getattr(loan, "enterprise_use", None),
        allows_enterprise_use=policy.allows_enterprise_use,
    )


@dataclass(frozen=True)
class DueLoan:
    """A loan on the warning ledger: days to its due date (negative: overdue) and band."""

    loan: Loan
    days_left: int
    band: int | None

    @property
    def is_overdue(self) -> bool:
        return self.days_left < 0

    @property
    def days_overdue(self) -> int:
        return -self.days_left


@dataclass
class WarningGroup:
    """Counts of one village, township or bank: overdue, due per band, and the balance."""

    name: str
    overdue: int = 0
    due: dict[int, int] = field(default_factory=dict)
    outstanding: Decimal = Decimal(0)
    # Loans due per band, in the order of the report's bands.
    counts: list[int] = field(default_factory=list)

    def due_in(self, bands: Sequence[int]) -> list[int]:
        return [self.due.get(band, 0) for band in bands]


@dataclass(frozen=True)
class LoanWarnings:
    as_of: date
    days: int
    bands: list[int]
    loans: list[DueLoan]
    by_township: list[WarningGroup]
    by_village: list[WarningGroup]
    by_bank: list[WarningGroup]

    @property
    def overdue_count(self) -> int:
        return sum(1 for loan in self.loans if loan.is_overdue)

    def due_count(self, band: int) -> int:
        return sum(1 for loan in self.loans if loan.band == band)


def _grouped(loans: list[DueLoan], key: Any, bands: Sequence[int]) -> list[WarningGroup]:
    groups: dict[str, WarningGroup] = defaultdict(lambda: WarningGroup(""))
    for due in loans:
        name = key(due.loan)
        group = groups[name]
        group.name = name
        if due.band is None:
            group.overdue += 1
        else:
            group.due[due.band] = group.due.get(due.band, 0) + 1
        group.outstanding += due.loan.outstanding
    for group in groups.values():
        group.counts = group.due_in(bands)
    return sorted(groups.values(), key=lambda group: (-group.overdue, group.name))


def loan_due_warnings(*, scope: RegionScope, as_of: date, days: int) -> LoanWarnings:
    """到期预警台账: unpaid loans overdue on `as_of` (including 违约) or due within `days`,
    in the region's warning bands (30/60/90 by default), and counts per township, village
    and bank."""
    try:
        warning_days = loan_policy_for(scope.prefix, on=as_of).warning_days
    except ApplicationError:
        # Before any policy row (a database built without migrations) warn as the default.
        warning_days = NATIONWIDE_LOAN_POLICY["warning_days"]
    bands = sorted(band for band in warning_days if band <= days) or [days]
    if bands[-1] < days:
        bands.append(days)
    loans = (
        scope.filter(Loan.objects.all(), region_field="village__code")
        .filter(
            status__in=[LoanStatus.ACTIVE, LoanStatus.DEFAULTED],
            repaid_principal__lt=F("amount"),
            due_on__lte=date.fromordinal(as_of.toordinal() + days),
        )
        .select_related("borrower", "village", "village__parent")
        .order_by("due_on", "id")
    )
    rows: list[DueLoan] = []
    for loan in loans:
        days_left = (loan.due_on - as_of).days
        rows.append(DueLoan(loan, days_left, rules.due_band(days_left, bands)))

    def town(loan: Loan) -> str:
        parent = loan.village.parent
        return parent.name if parent is not None else ""

    return LoanWarnings(
        as_of=as_of,
        days=days,
        bands=bands,
        loans=rows,
        by_township=_grouped(rows, town, bands),
        by_village=_grouped(rows, lambda loan: f"{town(loan)}{loan.village.name}", bands),
        by_bank=_grouped(rows, lambda loan: loan.bank, bands),
    )


def loan_ledger_values(
    household_ids: Sequence[int], fields: Sequence[str]
) -> QuerySet[Any, dict[str, Any]]:
    """The loans of `household_ids` as `values(*fields)`, for the ledger export."""
    records: QuerySet[Any, dict[str, Any]] = (
        Loan.objects.filter(household_id__in=household_ids)
        .order_by("household_id", "id")
        .values(*fields)
    )
    return records


def household_head_names(household_ids: Iterable[int]) -> dict[int, str]:
    """{household id: name of its active head}, for notices that name the household."""
    found: dict[int, str] = {}
    for chunk in in_chunks(household_ids):
        found.update(
            Member.objects.filter(
                household_id__in=chunk, is_active=True, relation=codes.Relation.HEAD
            ).values_list("household_id", "name")
        )
    return found
