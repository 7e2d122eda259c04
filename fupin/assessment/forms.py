from django import forms
from django.utils.translation import gettext_lazy as _


class PolicyParameterForm(forms.Form):
    name = forms.ChoiceField(label=_("参数"))
    region_code = forms.RegexField(
        label=_("区划代码"),
        regex=r"^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})?$",
        required=False,
        error_messages={"invalid": _("区划代码应为 2、4、6、9 或 12 位数字。")},
    )
    year = forms.IntegerField(label=_("年度"), min_value=2013, max_value=2100)
    value = forms.DecimalField(label=_("取值"), required=False, min_value=0)
    base_value = forms.DecimalField(
        label=_("基数"), required=False, min_value=0, help_text=_("例如农村低保标准（元/年）")
    )
    multiplier = forms.DecimalField(
        label=_("倍数"), required=False, min_value=0, help_text=_("取值 = 基数 × 倍数")
    )
    basis = forms.CharField(label=_("依据"), max_length=200, required=False)
    document_number = forms.CharField(label=_("文号"), max_length=100, required=False)

    def __init__(self, *args: object, names: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        name = self.fields["name"]
        assert isinstance(name, forms.ChoiceField)
        name.choices = names


class AssessmentRunForm(forms.Form):
    year = forms.IntegerField(label=_("评估年度"), min_value=2013, max_value=2100)
