from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "fupin.finance"
    label = "finance"
    verbose_name = _("资金、项目与小额信贷")
