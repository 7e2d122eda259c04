"""The 到期预警台账 against a fixed as-of date: overdue, and due within 30, 60 and 90 days."""

import json
from datetime import date
from io import StringIO

from django.core.management import call_command

from fupin.finance import selectors
from fupin.finance.tests.conftest import make_loan, register_household
from fupin.registry.models import Household
from tests.support import OTHER_VILLAGE, Actors, scope_of

AS_OF = date(2025, 11, 10)
ISSUED = date(2023, 3, 1)
# (contract, due date, bank): 5 days overdue, due in 20, 56, 83 and 111 days.
LOANS = (
    ("D-OVERDUE", date(2025, 11, 5), "农商行"),
    ("D-20", date(2025, 11, 30), "农商行"),
    ("D-56", date(2026, 1, 5), "邮储银行"),
    ("D-83", date(2026, 2, 1), "邮储银行"),
    ("D-111", date(2026, 3, 1), "农商行"),
)


def _loans(actors: Actors, household: Household) -> None:
    other = register_household(actors, "220122101202001", OTHER_VILLAGE)
    for index, (contract, due_on, bank) in enumerate(LOANS):
        make_loan(
            actors,
            household if index % 2 == 0 else other,
            contract_number=contract,
            issued_on=ISSUED,
            due_on=due_on,
            bank=bank,
        )


def test_bands_at_30_60_and_90_days(actors: Actors, household: Household) -> None:
    _loans(actors, household)

    warnings = selectors.loan_due_warnings(
        scope=scope_of(actors.county_admin), as_of=AS_OF, days=90
    )

    assert warnings.bands == [30, 60, 90]
    assert [(row.loan.contract_number, row.days_left, row.band) for row in warnings.loans] == [
        ("D-OVERDUE", -5, None),
        ("D-20", 20, 30),
        ("D-56", 56, 60),
        ("D-83", 83, 90),
    ]
    assert warnings.overdue_count == 1
    assert [warnings.due_count(band) for band in warnings.bands] == [1, 1, 1]
    by_bank = {
        group.name: (group.overdue, group.due_in(warnings.bands)) for group in warnings.by_bank
    }
    assert by_bank == {"农商行": (1, [1, 0, 0]), "邮储银行": (0, [0, 1, 1])}
    by_village = {group.name: group.overdue for group in warnings.by_village}
    assert by_village == {"伏龙泉镇东榛柴村委会": 1, "伏龙泉镇兴隆村委会": 0}


def test_thirty_days_keeps_only_the_first_band(actors: Actors, household: Household) -> None:
    _loans(actors, household)

    warnings = selectors.loan_due_warnings(
        scope=scope_of(actors.county_admin), as_of=AS_OF, days=30
    )

    assert warnings.bands == [30]
    assert [row.loan.contract_number for row in warnings.loans] == ["D-OVERDUE", "D-20"]


def test_a_village_sees_only_its_own_loans(actors: Actors, household: Household) -> None:
    _loans(actors, household)

    warnings = selectors.loan_due_warnings(
        scope=scope_of(actors.other_village_officer), as_of=AS_OF, days=90
    )

    assert [row.loan.contract_number for row in warnings.loans] == ["D-20", "D-83"]


def test_warnings_command_prints_json(actors: Actors, household: Household) -> None:
    _loans(actors, household)
    out = StringIO()

    call_command(
        "loans",
        "warnings",
        "--as-of",
        "2025-11-10",
        "--days",
        "60",
        "--region",
        "220122",
        "--json",
        stdout=out,
    )

    report = json.loads(out.getvalue())
    assert report["overdue"] == 1
    assert report["due"] == {"30": 1, "60": 1}
    assert [loan["contract_number"] for loan in report["loans"]] == ["D-OVERDUE", "D-20", "D-56"]
    assert "id_number" not in report["loans"][0]
