from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fupin.departments.models import FindingVerdict


class AnswerForm(forms.Form):
    verdict = forms.ChoiceField(
        label=_("核实结论"), choices=FindingVerdict.choices, widget=forms.RadioSelect
    )
    evidence = forms.CharField(
        label=_("核实说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("属实：说明已通过哪个表单改正；不属实：写明核查了哪些材料。"),
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审核意见"),
        choices=[("approve", _("同意销号")), ("return", _("退回重新核实"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("说明"), required=False, max_length=300, help_text=_("退回时必填。")
    )


class TokenIssueForm(forms.Form):
    """Which department account gets a key and what for; the accounts offered are those
    of the issuer's region (`selectors.feed_account_list`)."""

    username = forms.ChoiceField(label=_("部门账号"))
    label = forms.CharField(
        label=_("用途"),
        max_length=100,
        help_text=_("例如“县医保局每月结算数据推送”，便于日后识别和吊销。"),
    )

    def __init__(self, *args: Any, accounts: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("请选择")), *accounts]
