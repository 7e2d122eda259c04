from django import forms
from django.utils.translation import gettext_lazy as _


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("操作人"), required=False)
    action = forms.CharField(label=_("操作"), required=False)
    subject = forms.CharField(label=_("对象"), required=False)
    date_from = forms.DateField(label=_("开始日期"), required=False)
    date_to = forms.DateField(label=_("结束日期"), required=False)
    # Chosen with the cascading region picker; a prefix of the events' region codes.
    region = forms.RegexField(label=_("区划"), regex=r"^\d{2,12}$", required=False)
