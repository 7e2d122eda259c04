"""What the finance services share: the actor's id and the checks of scope and duty."""

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

from fupin.core.scope import Capability, RegionScope

Actor = AbstractBaseUser | AnonymousUser | None


def actor_id(actor: Actor) -> Any:
    return actor.pk if actor is not None and actor.is_authenticated else None


def require(scope: RegionScope, capability: Capability, region_code: str, what: str) -> None:
    """Refuse what lies outside the scope as not found, then a missing duty as forbidden."""
    scope.require_visible(region_code, what)
    scope.require(capability)
