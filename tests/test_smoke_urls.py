"""GET every named URL as a nationwide system administrator: nothing may fail."""

from fupin.assessment.models import RuleSetRecord
from tests.smoke_pages import smoke_pages
from tests.support import Actors, client_for


def test_every_named_url_answers_without_error(
    actors: Actors, baseline: RuleSetRecord, seeded_tables: None
) -> None:
    pages = smoke_pages(actors, baseline)
    client = client_for(actors.system_admin)
    assert len(pages) >= 15
    for page in pages:
        response = client.get(page.url)
        # POST-only endpoints answer 405 to GET; everything else renders or redirects
        assert response.status_code in {200, 302, 405}, f"{page.name}: {response.status_code}"
