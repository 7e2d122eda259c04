"""One of each finance record, for tests of other modules (the URL smoke test)."""

from datetime import date
from decimal import Decimal

from fupin.finance import services
from fupin.finance.defaults import seed_defaults, seed_legacy_loan_policies
from fupin.finance.models import LoanPolicy, NoticeKind, NoticeSetting, PublicNotice
from fupin.finance.tests.conftest import approve_through, propose
from fupin.registry import codes
from fupin.registry.models import Household
from tests.support import Actors, scope_of


def sample_finance(actors: Actors, household: Household) -> dict[str, object]:
    """A loan of the household's head, an approved project with its notice and asset, and a
    yearly adjustment waiting for approval: URL values."""
    seed_defaults(LoanPolicy, NoticeSetting, list(NoticeKind.values))
    seed_legacy_loan_policies(LoanPolicy)
    Household.objects.filter(pk=household.pk).update(household_type=codes.HouseholdType.EXITED)
    household.refresh_from_db()
    loan = services.loan_register(
        actor=actors.county_admin,
        scope=scope_of(actors.county_admin),
        borrower=household.members.get(relation=codes.Relation.HEAD),
        bank="农商行",
        contract_number="SAMPLE-1",
        amount=Decimal("30000"),
        issued_on=date(2024, 3, 1),
        due_on=date(2027, 2, 28),
        annual_rate=Decimal("3.45"),
        purpose="种植",
        is_household_use=True,
    )
    project = approve_through(actors, propose(actors, meeting_on=date(2024, 1, 5)))
    notice = PublicNotice.objects.get(subject_id=str(project.pk))
    county = scope_of(actors.county_admin)
    services.project_progress_report(
        actor=actors.county_admin,
        scope=county,
        project=project,
        month=date(2024, 6, 1),
        percent=100,
        note="完工",
    )
    project = services.project_accept(
        actor=actors.county_admin,
        scope=county,
        project=project,
        accepted_on=date(2024, 7, 1),
        opinion="合格",
    )
    asset = services.asset_register(
        actor=actors.county_admin,
        scope=county,
        project=project,
        name="光伏电站",
        category="operating",
        owner_level="village",
        owner="村集体",
        custodian="村委会",
        value=Decimal("500000"),
        confirmed_on=date(2024, 7, 2),
    )
    in_pool = approve_through(actors, propose(actors, name="村道硬化", meeting_on=date(2024, 1, 5)))
    adjustment = services.pool_adjustment_propose(
        actor=actors.county_admin,
        scope=county,
        year=in_pool.year,
        action="remove",
        project=in_pool,
        reason="群众需求变化",
    )
    return {
        "loan_id": loan.pk,
        "adjustment_id": adjustment.pk,
        "project_id": project.pk,
        "notice_token": notice.token,
        "asset_id": asset.pk,
    }
