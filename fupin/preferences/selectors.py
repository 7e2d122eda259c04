from fupin.preferences.models import UserPreference


def preference_language(*, user_id: int) -> str:
    """The interface language a user chose, or "" when they never chose one."""
    chosen = UserPreference.objects.filter(user_id=user_id).values_list("language", flat=True)
    return chosen.first() or ""
