"""Public notices of every kind show allow-listed fields only: no ID number, phone or bank
account, even when one was typed into free text."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from fupin.finance import services
from fupin.finance.models import FundEntry, NoticeKind, PublicNotice
from fupin.finance.tests.conftest import (
    approve_through,
    head_of,
    make_loan,
    propose,
    qingyang_rates,
)
from fupin.finance.tests.test_subsidies import apply
from fupin.registry.models import Household, Region
from tests.support import COUNTY, Actors, nothing_changes, scope_of

PHONE = "13912345678"
BANK_ACCOUNT = "6221881234567890123"


def _every_kind(actors: Actors, household: Household) -> list[PublicNotice]:
    county = scope_of(actors.county_admin)
    # A cadre typed a phone and an account number into the project's free text.
    project = approve_through(
        actors,
        propose(actors, content=f"联系人电话 {PHONE}，收款账号 {BANK_ACCOUNT}"),
    )
    allocation = services.fund_allocate(
        actor=actors.county_admin,
        scope=county,
        county_code=COUNTY,
        year=2025,
        source="central",
        document_number="吉财农〔2025〕1号",
        amount=Decimal("100000"),
        allocated_on=date(2025, 3, 1),
    )
    release = services.fund_release(
        actor=actors.county_admin,
        scope=county,
        allocation=allocation,
        project=project,
        amount=Decimal("100000"),
        released_on=date(2025, 4, 1),
    )
    services.fund_entry_record(
        actor=actors.county_admin,
        scope=county,
        release=release,
        kind=FundEntry.Kind.ARRIVAL,
        amount=Decimal("100000"),
        entered_on=date(2025, 4, 2),
    )
    qingyang_rates()
    make_loan(actors, household)
    county_region = Region.objects.get(code=COUNTY)
    services.loan_subsidy_notice_publish(
        actor=actors.county_admin, scope=county, region=county_region, year=2025
    )
    services.fund_notice_publish(
        actor=actors.county_admin, scope=county, county=county_region, year=2025
    )
    application = apply(actors, household)
    services.subsidy_review(
        actor=actors.township_reviewer,
        scope=scope_of(actors.township_reviewer),
        application=application,
        approve=True,
        opinion="属实",
    )
    services.subsidy_notice_publish(
        actor=actors.county_admin, scope=county, region=county_region, year=2025
    )
    return list(PublicNotice.objects.order_by("kind"))


def test_no_notice_kind_shows_personal_numbers(actors: Actors, household: Household) -> None:
    notices = _every_kind(actors, household)
    assert sorted(notice.kind for notice in notices) == sorted(NoticeKind.values)
    secrets = [head_of(household).id_number, PHONE, BANK_ACCOUNT, household.bank_account]
    for notice in notices:
        page = Client().get(f"/finance/notices/{notice.token}/")
        assert page.status_code == 200
        body = page.content.decode()
        assert notice.title in body
        for secret in secrets:
            assert secret not in body, (notice.kind, secret)
            assert secret not in str(notice.rows)
        # No run of 11 or more digits at all: any ID number, phone or account would be one.
        assert not re.search(r"\d{11,}", re.sub(r"<svg.*?</svg>", "", body, flags=re.S))


def test_loan_subsidy_notice_lists_the_allowed_facts(actors: Actors, household: Household) -> None:
    qingyang_rates()
    make_loan(actors, household)

    notice = services.loan_subsidy_notice_publish(
        actor=actors.county_admin,
        scope=scope_of(actors.county_admin),
        region=Region.objects.get(code=COUNTY),
        year=2024,
    )

    assert notice.rows == [
        {
            "village": "东榛柴村委会",
            "borrower": "张建国",
            "purpose": "养殖肉牛",
            "amount": "50000.00",
            "period": "2023-07-01 — 2026-06-30",
            "rate": "3.65",
            "bank": "农安县农村信用合作联社",
            # 366 days × 5.00 × 70 %
            "subsidy": "1281.00",
        }
    ]


def test_notices_need_the_duty_and_content(actors: Actors, household: Household) -> None:
    county_region = Region.objects.get(code=COUNTY)
    with nothing_changes(), pytest.raises(Exception, match="没有可公示的内容"):
        services.loan_subsidy_notice_publish(
            actor=actors.county_admin,
            scope=scope_of(actors.county_admin),
            region=county_region,
            year=2025,
        )
    with nothing_changes(), pytest.raises(Exception, match="无权"):
        services.fund_notice_publish(
            actor=actors.auditor, scope=scope_of(actors.auditor), county=county_region, year=2025
        )


def test_scrub_masks_long_numbers_only() -> None:
    assert (
        services.scrub("电话 139-1234-5678，面积 2000 平方米")
        == "电话 139******78，面积 2000 平方米"
    )
