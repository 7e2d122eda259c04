import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fupin.imports.feeds import FEEDS


def last_month() -> str:
    first = timezone.localdate().replace(day=1)
    return f"{first - datetime.timedelta(days=1):%Y-%m}"


class FeedUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("数据类别"),
        choices=[(kind, ledger.template.title) for kind, ledger in FEEDS.items()],
    )
    period = forms.CharField(
        label=_("数据期别"),
        max_length=7,
        help_text=_("年-月，例如 2026-11；同一期重复报送不会重复生成线索和疑点。"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "2026-11"}),
    )
    file = forms.FileField(
        label=_("数据文件"),
        help_text=_("xlsx、xls 或 csv 文件，表头与模板一致。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv"}),
    )
