"""Typed request and small htmx helpers shared by every app's views."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django_htmx.middleware import HtmxDetails

from fupin.core.scope import RegionScope


class ScopedRequest(HttpRequest):
    """A request that passed `scoped_view`: authenticated, with a region scope."""

    user: AbstractBaseUser  # type: ignore[assignment]
    scope: RegionScope
    htmx: HtmxDetails


def redirect_after_post(request: HttpRequest, url: str) -> HttpResponse:
    """POST-then-redirect that also works for htmx requests (HX-Redirect)."""
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)
