from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PreferencesConfig(AppConfig):
    name = "fupin.preferences"
    label = "preferences"
    verbose_name = _("个人偏好")
