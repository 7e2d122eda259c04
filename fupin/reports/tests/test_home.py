from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fupin.jobs.models import Job
from tests.support import COUNTY, Actors, Expectation, assert_scope_matrix, client_for


def test_home_scope_matrix_shows_counts_for_the_scope(actors: Actors) -> None:
    url = reverse("reports:home")
    assert_scope_matrix(
        lambda client: client.get(url),
        {
            None: Expectation(302),
            actors.no_role: Expectation(403, shows=("尚未分配角色",)),
            actors.village_officer: Expectation(
                200, shows=("村级信息员", "东榛柴村委会"), hides=("stat-level-4",)
            ),
            actors.county_admin: Expectation(
                200, shows=('data-testid="stat-level-4">2<', 'data-testid="stat-level-5">2<')
            ),
            actors.province_admin: Expectation(
                200, shows=('data-testid="stat-level-3">2<', 'data-testid="stat-level-5">3<')
            ),
        },
    )


def test_home_counts_running_jobs_and_users_for_administrators(actors: Actors) -> None:
    Job.objects.create(kind=Job.Kind.REGION_LOAD, region_code=COUNTY, params={})
    body = client_for(actors.county_admin).get(reverse("reports:home")).content.decode()
    assert 'data-testid="stat-jobs">1<' in body
    # village officer, other village, township, county admin, auditor
    assert 'data-testid="stat-users">5<' in body


def test_home_query_count_is_pinned(actors: Actors) -> None:
    client = client_for(actors.county_admin)
    client.get(reverse("reports:home"))
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("reports:home"))
    assert len(queries) == 10, "\n".join(query["sql"][:120] for query in queries.captured_queries)
