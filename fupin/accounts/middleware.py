import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from fupin.accounts.models import User
from fupin.accounts.scoping import active_assignments, scope_from_assignments

SESSION_ASSIGNMENT_KEY = "fupin_assignment_id"
SESSION_FOCUS_KEY = "fupin_focus_code"
SESSION_RENEWED_KEY = "fupin_renewed_at"
# A signed-in session's idle timer is renewed at most this often, so a page costs no
# session write (an UPDATE and a commit per request, in the load test) while its user keeps
# working; the session still ends SESSION_COOKIE_AGE after the last renewal.
SESSION_RENEW_SECONDS = 60


class SessionRenewalMiddleware:
    """Renew a signed-in user's session (and so its idle expiry) once a minute at most,
    instead of writing it on every request (SESSION_SAVE_EVERY_REQUEST)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            renewed = request.session.get(SESSION_RENEWED_KEY)
            if not isinstance(renewed, int) or not 0 <= now - renewed < SESSION_RENEW_SECONDS:
                request.session[SESSION_RENEWED_KEY] = now
        return self.get_response(request)


class ScopeMiddleware:
    """Attach `request.scope` (None for anonymous users and users without a role)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.scope = None  # type: ignore[attr-defined]
        request.user_assignments = []  # type: ignore[attr-defined]
        if request.user.is_authenticated and isinstance(request.user, User):
            assignments = active_assignments(request.user)
            request.user_assignments = assignments  # type: ignore[attr-defined]
            request.scope = scope_from_assignments(  # type: ignore[attr-defined]
                assignments,
                assignment_id=request.session.get(SESSION_ASSIGNMENT_KEY),
                focus_code=request.session.get(SESSION_FOCUS_KEY),
            )
        return self.get_response(request)
