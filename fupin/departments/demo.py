"""One month of every department feed for the demo county, with realistic matches (a few
large medical bills, new 低保, severe disabilities, unsafe houses, dropouts, deaths, the
unemployed and the exclusion data), delivered by the demo department account through the
real services; then the nightly data-quality check, and the check after each save is
started (used by `setup_demo`)."""

import datetime
import random
from collections.abc import Callable
from typing import Any

import polars as pl
from django.utils import timezone

from fupin.accounts.models import User
from fupin.accounts.scoping import scope_for
from fupin.departments.models import FeedBatch, FeedChannel, FeedKind
from fupin.departments.selectors import quality_index_for
from fupin.departments.services import feed_rows_apply, findings_check, quality_follow_start
from fupin.registry.idnumbers import check_character
from fupin.registry.models import HouseholdStatus, Member

Person = tuple[str, str, str]
RowMaker = Callable[[random.Random, Person, bool], dict[str, Any]]
_AIDED = [HouseholdStatus.EXITED, HouseholdStatus.MONITORED, HouseholdStatus.RISK_ELIMINATED]


def _outsider(rng: random.Random, county: str) -> Person:
    first17 = f"{county}{rng.randint(1950, 2010)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    first17 += f"{rng.randint(0, 999):03d}"
    return first17 + check_character(first17), rng.choice(["王", "刘", "陈"]) + "某", ""


def _medical(rng: random.Random, person: Person, hit: bool) -> dict[str, Any]:
    self_paid = rng.uniform(20_000, 60_000) if hit else rng.uniform(50, 6_000)
    return {
        "admissions": str(rng.randint(1, 4) if hit else rng.randint(0, 1)),
        "total_cost": f"{self_paid * rng.uniform(2.5, 4):.2f}",
        "compliant_self_paid": f"{self_paid:.2f}",
    }


def _coded(field: str, hit: str, miss: str) -> RowMaker:
    return lambda rng, person, is_hit: {field: hit if is_hit else miss}


# kind: (rows, of which registered, hits among them, what a row holds)
_PLAN: dict[FeedKind, tuple[int, int, int, RowMaker]] = {
    FeedKind.MEDICAL: (400, 300, 8, _medical),
    FeedKind.CIVIL_AFFAIRS: (40, 30, 8, _coded("assistance_type", "dibao", "temporary")),
    FeedKind.DISABILITY: (20, 15, 5, _coded("grade", "2", "4")),
    FeedKind.HOUSING: (15, 12, 4, _coded("safety_grade", "D", "B")),
    FeedKind.EDUCATION: (30, 25, 3, _coded("status", "dropout", "enrolled")),
    FeedKind.POLICE: (20, 10, 4, _coded("change", "death", "moved_out")),
    FeedKind.HUMAN_RESOURCES: (30, 25, 6, _coded("status", "unemployed", "employed")),
    FeedKind.VEHICLE: (25, 12, 12, _coded("plate", "吉A·D0001", "吉A·D0001")),
    FeedKind.REAL_ESTATE: (20, 8, 8, _coded("location", "农安县城关镇", "农安县城关镇")),
    FeedKind.ENTERPRISE: (10, 5, 5, _coded("enterprise", "农安某商贸有限公司", "")),
    FeedKind.PUBLIC_PAYROLL: (10, 3, 3, _coded("employer", "某乡镇卫生院", "")),
}
_CODE_FIELDS = {
    FeedKind.CIVIL_AFFAIRS: {"starts_on": "{period}-04"},
    FeedKind.DISABILITY: {"category": "4"},
    FeedKind.EDUCATION: {"stage": "junior"},
    FeedKind.POLICE: {"changed_on": "{period}-12"},
    FeedKind.MEDICAL: {"settlement_month": "{period}"},
}


def _last_month() -> str:
    first = timezone.localdate().replace(day=1)
    return f"{first - datetime.timedelta(days=1):%Y-%m}"


def demo_departments_create(*, county_code: str, department_user: str) -> int:
    """Deliver one month of each feed for the county and run the quality check; return how
    many 疑点 this opened. Does nothing (and returns 0) when the county already has feeds."""
    if FeedBatch.objects.filter(region_id=county_code).exists():
        return 0
    user = User.objects.get(username=department_user)
    scope = scope_for(user)
    assert scope is not None
    period = _last_month()
    rng = random.Random(2026)  # noqa: S311 - made-up demo data, not a secret
    people: list[Person] = list(
        Member.objects.filter(is_active=True, household__village__code__startswith=county_code)
        .order_by("id")
        .values_list("id_number", "name", "household__status")
    )
    aided = [person for person in people if person[2] in _AIDED]
    for kind, (rows, registered, hits, make) in _PLAN.items():
        pool = aided if kind in {FeedKind.VEHICLE, FeedKind.REAL_ESTATE} else people
        chosen = rng.sample(pool, min(registered, len(pool)))
        chosen += [_outsider(rng, county_code) for _row in range(rows - len(chosen))]
        records = []
        for index, person in enumerate(chosen):
            values = make(rng, person, index < hits)
            for field, value in _CODE_FIELDS.get(kind, {}).items():
                values[field] = value.format(period=period)
            records.append({"_row": index + 2, "id_number": person[0], "name": person[1], **values})
        feed_rows_apply(
            actor=user,
            scope=scope,
            rows=pl.DataFrame(records),
            kind=kind,
            period=period,
            channel=FeedChannel.UPLOAD,
            filename=f"{kind.label}{period}.xlsx",
        )
    findings_check(actor=None, scope=None, region_code=county_code)
    # From here on the demo's worker re-checks each household a few seconds after a save.
    quality_follow_start()
    return quality_index_for(scope).open_findings
