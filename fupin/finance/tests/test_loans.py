"""Microcredit services: registration against the rules, 贴息 across rate periods, 续贷 and
展期 history, 违约 and the audit trail."""

from datetime import date
from decimal import Decimal

import pytest

from fupin.audit.models import AuditEvent
from fupin.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from fupin.finance import selectors, services
from fupin.finance.models import Loan, LoanPolicy, LoanStatus, RenewalKind
from fupin.finance.tests.conftest import TODAY, head_of, make_loan, qingyang_rates
from fupin.registry.models import Household
from tests.support import Actors, nothing_changes, scope_of


def test_registers_a_loan_and_audits_it(actors: Actors, household: Household) -> None:
    loan = make_loan(actors, household)

    assert loan.status == LoanStatus.ACTIVE
    assert loan.village_id == household.village_id
    assert loan.outstanding == Decimal("50000")
    event = AuditEvent.objects.get(action="finance.loan_register")
    assert event.subject_id == str(loan.pk)
    assert event.changes["contract_number"] == "NX-2023-001"


def test_refuses_a_loan_over_the_cap_and_term_with_every_reason(
    actors: Actors, household: Household
) -> None:
    with nothing_changes(household), pytest.raises(ApplicationError) as refused:
        make_loan(actors, household, amount="60000", due_on=date(2027, 1, 1))

    assert "上限 50000.00 元" in refused.value.message
    assert "不超过 36 个月" in refused.value.message


def test_a_province_may_narrow_the_age_band(actors: Actors, household: Household) -> None:
    # The head was born in 1970: 53 at issue, inside 18–65 but outside a 18–50 band.
    LoanPolicy.objects.create(
        region_code="22",
        effective_from=date(2022, 1, 1),
        max_amount=Decimal("50000"),
        max_term_months=36,
        min_age=18,
        max_age=50,
        eligible_household_types=["exited"],
        warning_days=[30, 60, 90],
    )
    with pytest.raises(ApplicationError) as refused:
        make_loan(actors, household)

    assert "53 岁" in refused.value.message


def test_refuses_enterprise_use_for_new_loans(actors: Actors, household: Household) -> None:
    with nothing_changes(household), pytest.raises(ApplicationError) as refused:
        services.loan_register(
            actor=actors.county_admin,
            scope=scope_of(actors.county_admin),
            borrower=head_of(household),
            bank="农行",
            contract_number="X-1",
            amount=Decimal("30000"),
            issued_on=date(2025, 1, 1),
            due_on=date(2026, 1, 1),
            annual_rate=Decimal("3.1"),
            purpose="入股合作社",
            is_household_use=False,
        )
    assert "户贷企用" in refused.value.message


def test_only_the_county_in_scope_registers_loans(actors: Actors, household: Household) -> None:
    with nothing_changes(household), pytest.raises(NotFoundError):
        services.loan_register(
            actor=actors.other_county_admin,
            scope=scope_of(actors.other_county_admin),
            borrower=head_of(household),
            bank="农行",
            contract_number="X-2",
            amount=Decimal("30000"),
            issued_on=date(2025, 1, 1),
            due_on=date(2026, 1, 1),
            annual_rate=Decimal("3.1"),
            purpose="种植",
            is_household_use=True,
        )
    with nothing_changes(household), pytest.raises(PermissionDeniedError):
        services.loan_register(
            actor=actors.township_reviewer,
            scope=scope_of(actors.township_reviewer),
            borrower=head_of(household),
            bank="农行",
            contract_number="X-3",
            amount=Decimal("30000"),
            issued_on=date(2025, 1, 1),
            due_on=date(2026, 1, 1),
            annual_rate=Decimal("3.1"),
            purpose="种植",
            is_household_use=True,
        )


def test_subsidy_follows_the_rate_of_each_interest_year(
    actors: Actors, household: Household
) -> None:
    # Given 50,000 元 at 3.65 %: 5.00 元 of interest a day; full 贴息 to 2023, 70 % after.
    qingyang_rates()
    loan = make_loan(actors, household)
    services.repayment_record(
        actor=actors.county_admin,
        scope=scope_of(actors.county_admin),
        loan=loan,
        paid_on=date(2024, 7, 1),
        principal=Decimal("20000"),
        interest=Decimal("0"),
    )

    detail = selectors.loan_detail(
        scope=scope_of(actors.county_admin), loan_id=loan.pk, as_of=TODAY
    )

    lines = [(line.year, line.interest, line.percent, line.subsidy) for line in detail.subsidy]
    assert lines == [
        # 184 days × 5.00
        (2023, Decimal("920.00"), Decimal("100.00"), Decimal("920.00")),
        # 182 days × 5.00 + 184 days × 3.00 (30,000 left after 1 July)
        (2024, Decimal("1462.00"), Decimal("70.00"), Decimal("1023.40")),
        # 313 days × 3.00 up to the as-of day
        (2025, Decimal("939.00"), Decimal("70.00"), Decimal("657.30")),
    ]
    assert detail.subsidy_total == Decimal("2600.70")


def test_a_year_without_a_rate_earns_nothing_and_says_so(
    actors: Actors, household: Household
) -> None:
    loan = make_loan(actors, household)

    detail = selectors.loan_detail(
        scope=scope_of(actors.county_admin), loan_id=loan.pk, as_of=TODAY
    )

    assert detail.subsidy_total == 0
    assert all(line.note == "未配置该年度的贴息比例" for line in detail.subsidy)


def test_default_stops_the_subsidy_when_the_policy_says_so(
    actors: Actors, household: Household
) -> None:
    qingyang_rates()
    loan = make_loan(actors, household)
    services.loan_default_record(
        actor=actors.county_admin,
        scope=scope_of(actors.county_admin),
        loan=loan,
        defaulted_on=date(2025, 3, 1),
        reason="连续两期未付息",
    )
    scope = scope_of(actors.county_admin)

    stopped = selectors.loan_detail(scope=scope, loan_id=loan.pk, as_of=TODAY).subsidy[-1]
    # 59 days of 2025 × 5.00 × 70 %; the year's whole interest is still shown.
    assert (stopped.interest, stopped.subsidy) == (Decimal("1565.00"), Decimal("206.50"))
    assert "停止贴息" in stopped.note

    LoanPolicy.objects.update(default_stops_subsidy=False)
    kept = selectors.loan_detail(scope=scope, loan_id=loan.pk, as_of=TODAY).subsidy[-1]
    assert kept.subsidy == Decimal("1095.50")


def test_extension_is_a_new_contract_that_keeps_the_history(
    actors: Actors, household: Household
) -> None:
    scope = scope_of(actors.county_admin)
    loan = make_loan(actors, household, issued_on=date(2024, 12, 1), due_on=date(2025, 11, 30))
    services.repayment_record(
        actor=actors.county_admin,
        scope=scope,
        loan=loan,
        paid_on=date(2025, 6, 1),
        principal=Decimal("10000"),
        interest=Decimal("900"),
    )

    extended = services.loan_renew(
        actor=actors.county_admin,
        scope=scope,
        loan=loan,
        kind=RenewalKind.EXTENSION,
        contract_number="NX-2025-ZQ-001",
        issued_on=date(2025, 11, 30),
        due_on=date(2026, 11, 30),
    )

    loan.refresh_from_db()
    assert loan.status == LoanStatus.RENEWED
    assert (loan.amount, loan.repaid_principal, loan.due_on) == (
        Decimal("50000.00"),
        Decimal("10000.00"),
        date(2025, 11, 30),
    )
    assert extended.previous_id == loan.pk
    assert extended.amount == Decimal("40000.00")
    assert extended.renewal_kind == RenewalKind.EXTENSION
    history = selectors.loan_detail(scope=scope, loan_id=loan.pk, as_of=TODAY).history
    assert [item.contract_number for item in history] == ["NX-2025-ZQ-001", "NX-2023-001"]
    assert (
        AuditEvent.objects.filter(action="finance.loan_renew", subject_id=str(loan.pk)).count() == 1
    )
    with nothing_changes(loan), pytest.raises(ApplicationError):
        services.loan_renew(
            actor=actors.county_admin,
            scope=scope,
            loan=loan,
            kind=RenewalKind.RENEWAL,
            contract_number="NX-2025-XD-009",
            issued_on=date(2025, 11, 30),
            due_on=date(2026, 11, 30),
        )


def test_repayment_settles_the_loan_and_refuses_more_than_owed(
    actors: Actors, household: Household
) -> None:
    scope = scope_of(actors.county_admin)
    loan = make_loan(actors, household, amount="10000")
    with nothing_changes(loan), pytest.raises(ApplicationError) as refused:
        services.repayment_record(
            actor=actors.county_admin,
            scope=scope,
            loan=loan,
            paid_on=date(2025, 1, 1),
            principal=Decimal("10000.01"),
            interest=Decimal("0"),
        )
    assert "超过贷款余额" in refused.value.message

    services.repayment_record(
        actor=actors.county_admin,
        scope=scope,
        loan=loan,
        paid_on=date(2025, 1, 1),
        principal=Decimal("10000"),
        interest=Decimal("120"),
    )

    assert Loan.objects.get(pk=loan.pk).status == LoanStatus.SETTLED
    assert AuditEvent.objects.filter(action="finance.repayment_record").count() == 1
