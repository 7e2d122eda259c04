from typing import Any

from django.http import HttpRequest

from fupin.accounts.middleware import SESSION_FOCUS_KEY
from fupin.core.scope import Capability


def scope(request: HttpRequest) -> dict[str, Any]:
    """Scope, role switcher and capability flags for the layout's navigation."""
    current = getattr(request, "scope", None)
    if current is None:
        return {"scope": None}
    return {
        "scope": current,
        "user_assignments": getattr(request, "user_assignments", []),
        "focus_name": request.session.get(SESSION_FOCUS_KEY + "_name", ""),
        "can_view_audit": current.can(Capability.VIEW_AUDIT),
        "can_manage_users": current.can(Capability.MANAGE_USERS),
        "can_load_regions": current.can(Capability.LOAD_REGIONS),
        "can_edit_registry": current.can(Capability.EDIT_REGISTRY),
    }
