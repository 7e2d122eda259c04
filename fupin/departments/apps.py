from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DepartmentsConfig(AppConfig):
    name = "fupin.departments"
    label = "departments"
    verbose_name = _("部门数据比对与数据质量")
