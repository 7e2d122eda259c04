"""The demo's month of department feeds: every kind delivered once, matches made."""

from fupin.accounts.models import User
from fupin.departments.demo import demo_departments_create
from fupin.departments.models import FeedBatch, FeedKind, Finding
from fupin.monitoring.models import Channel, RiskClue
from tests.support import COUNTY, Actors

from .conftest import register


def test_the_demo_delivers_each_feed_once_with_matches(
    actors: Actors, department_user: User
) -> None:
    for number in range(12):
        register(actors, f"2201221012010{number:02d}")

    open_findings = demo_departments_create(county_code=COUNTY, department_user="yibao")

    assert sorted(FeedBatch.objects.values_list("kind", flat=True)) == sorted(FeedKind.values)
    assert RiskClue.objects.filter(channel=Channel.DEPARTMENT).exists()
    assert open_findings == Finding.objects.count()
    assert open_findings > 0
    assert demo_departments_create(county_code=COUNTY, department_user="yibao") == 0
    assert FeedBatch.objects.count() == len(FeedKind.values)
