from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from fupin.accounts.models import User
from fupin.audit.services import audit_record
from fupin.core.errors import ApplicationError
from fupin.preferences.models import UserPreference


def preference_set_language(*, actor: User, language: str, region_code: str) -> UserPreference:
    """Remember the interface language `actor` chose for every later sign-in.

    Audit action: "preferences.preference_set_language" (in `region_code`, the actor's own
    region, so the trail sits where the user works). Raises ApplicationError for a language
    the product does not offer.
    """
    offered = {code for code, _label in settings.LANGUAGES}
    if language not in offered:
        raise ApplicationError(_("不支持该界面语言。"), field="language")
    with transaction.atomic():
        before = UserPreference.objects.filter(user=actor).values_list("language", flat=True)
        previous = before.first() or ""
        preference, _created = UserPreference.objects.update_or_create(
            user=actor, defaults={"language": language}
        )
        if previous != language:
            audit_record(
                actor=actor,
                action="preferences.preference_set_language",
                subject=preference,
                region_code=region_code,
                changes={"language": [previous, language]},
            )
    return preference
