"""GET every named URL as a nationwide system administrator: nothing may fail."""

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from fupin.jobs.models import Job
from tests.support import Actors, client_for

# Sample arguments for URL parameters, by parameter name.
SAMPLE_ARGUMENTS = {"user_id": "user_id", "job_id": "job_id", "code": "220122"}
# Ninja registers its endpoints as named URLs too; the API has its own tests.
SKIPPED_NAMESPACES = {"api"}


def _named_patterns(resolver: URLResolver, namespace: str = "") -> list[tuple[str, URLPattern]]:
    found: list[tuple[str, URLPattern]] = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            if entry.namespace in SKIPPED_NAMESPACES:
                continue
            found.extend(_named_patterns(entry, inner))
        elif entry.name:
            found.append((f"{namespace}{entry.name}", entry))
    return found


def test_every_named_url_answers_without_error(actors: Actors) -> None:
    job = Job.objects.create(kind=Job.Kind.REGION_LOAD, region_code="22", params={})
    values = {"user_id": actors.village_officer.pk, "job_id": job.pk, "code": "220122"}
    client = client_for(actors.system_admin)
    names = _named_patterns(get_resolver())
    assert len(names) >= 15
    for name, pattern in names:
        kwargs = {key: values[key] for key in pattern.pattern.regex.groupindex}
        response = client.get(reverse(name, kwargs=kwargs))
        # POST-only endpoints answer 405 to GET; everything else renders or redirects
        assert response.status_code in {200, 302, 405}, f"{name}: {response.status_code}"
