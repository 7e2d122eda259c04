"""One of each finance record, for tests of other modules (the URL smoke test)."""

from datetime import date
from decimal import Decimal

from fupin.finance import services
from fupin.finance.defaults import seed_defaults
from fupin.finance.models import LoanPolicy, NoticeKind, NoticeSetting, PublicNotice
from fupin.finance.tests.conftest import approve_through, propose
from fupin.registry import codes
from fupin.registry.models import Household
from tests.support import Actors, scope_of


def sample_finance(actors: Actors, household: Household) -> dict[str, object]:
    """A loan of the household's head, an approved project with its notice: URL values."""
    seed_defaults(LoanPolicy, NoticeSetting, list(NoticeKind.values))
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
    return {
        "loan_id": loan.pk,
        "project_id": project.pk,
        "notice_token": notice.token,
        "asset_id": asset.pk,
    }
