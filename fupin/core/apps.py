from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "fupin.core"
    label = "core"
