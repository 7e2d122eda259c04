from typing import Any

from django.apps import AppConfig, apps
from django.core.management import call_command
from django.db.models.signals import post_migrate


def _create_cache_table(*, using: str, **_kwargs: Any) -> None:
    # The rate limits' database cache is not a model, so `migrate` would not create it;
    # createcachetable is idempotent and does nothing when the cache is Redis.
    call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "fupin.core"
    label = "core"

    def ready(self) -> None:
        # Registers the `__any` lookup on every field.
        from fupin.core import lookups  # noqa: F401, PLC0415

        # Sent once per app with models; core has none, so hang it on the session table's
        # app, which every install has and which holds server-side state like the cache.
        post_migrate.connect(
            _create_cache_table,
            sender=apps.get_app_config("sessions"),
            dispatch_uid="fupin_cache_table",
        )
