from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from fupin.preferences.selectors import preference_language

SESSION_LANGUAGE_KEY = "fupin_language"


def chosen_language(request: HttpRequest) -> str:
    """The language the person chose, else Chinese; the browser's Accept-Language is never
    asked, because offices' machines are often set to English while their users read
    Chinese. A signed-in user's choice is theirs (kept in the database, cached in the
    session); a visitor's choice (the public form, the login page) lives in a cookie."""
    offered = {code for code, _label in settings.LANGUAGES}
    if request.user.is_authenticated:
        language = request.session.get(SESSION_LANGUAGE_KEY)
        if language is None:
            language = preference_language(user_id=request.user.pk)
            request.session[SESSION_LANGUAGE_KEY] = language
    else:
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return language if language in offered else settings.LANGUAGE_CODE


class ChosenLanguageMiddleware:
    """Activate the chosen language for the request (after authentication, to know whose)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
