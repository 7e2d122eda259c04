from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError

from fupin.core.scope import RegionScope


def api_scope(request: HttpRequest) -> RegionScope:
    """The caller's scope, or a 403 for an account without a role assignment."""
    scope: RegionScope | None = getattr(request, "scope", None)
    if scope is None:
        raise HttpError(403, _("您的账号尚未分配角色和区划，请联系管理员。"))
    return scope
