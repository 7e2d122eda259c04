from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from fupin.accounts.models import User
from fupin.core.errors import ApplicationError
from fupin.preferences.middleware import SESSION_LANGUAGE_KEY
from fupin.preferences.services import preference_set_language


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """Switch the interface language: for good for a signed-in user, by cookie for a visitor."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    language = request.POST.get("language", "")
    user = request.user
    if isinstance(user, User) and user.is_authenticated:
        scope = getattr(request, "scope", None)
        try:
            preference_set_language(
                actor=user, language=language, region_code=scope.root_prefix if scope else ""
            )
        except ApplicationError:
            return response
        request.session[SESSION_LANGUAGE_KEY] = language
        return response
    if language in {code for code, _label in settings.LANGUAGES}:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response
