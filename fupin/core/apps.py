from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "fupin.core"
    label = "core"

    def ready(self) -> None:
        # Registers the `__any` lookup on every field.
        from fupin.core import lookups  # noqa: F401, PLC0415
