"""HTML input shapes for the assistance pages. Meaning is checked by the services."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fupin.assistance.models import (
    Cadre,
    CadreLevel,
    MeasureCategory,
    MeasureStatus,
    RiskSource,
    TeamPost,
)
from fupin.registry import codes
from fupin.registry.models import Member

DATE_WIDGET = forms.DateInput(attrs={"type": "date"})


def _today() -> object:
    return timezone.localdate()


class AssignForm(forms.Form):
    cadre = forms.ModelChoiceField(label=_("帮扶责任人"), queryset=Cadre.objects.none())
    started_on = forms.DateField(label=_("开始日期"), widget=DATE_WIDGET, initial=_today)
    reason = forms.CharField(label=_("更换原因（如有）"), max_length=200, required=False)

    def __init__(self, *args: object, cadres: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["cadre"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = cadres  # type: ignore[assignment]


class MeasureForm(forms.Form):
    member = forms.ModelChoiceField(
        label=_("受益成员"),
        queryset=Member.objects.none(),
        required=False,
        empty_label=_("全户"),
    )
    category_code = forms.ChoiceField(label=_("措施类别"))
    subtype = forms.CharField(label=_("具体措施"), max_length=100)
    responsible_unit = forms.CharField(label=_("责任单位"), max_length=100)
    funding_source = forms.CharField(label=_("资金来源"), max_length=100, required=False)
    amount = forms.DecimalField(
        label=_("金额（元）"), max_digits=12, decimal_places=2, required=False
    )
    quantity = forms.CharField(label=_("数量"), max_length=50, required=False)
    started_on = forms.DateField(label=_("开始日期"), widget=DATE_WIDGET, initial=_today)
    ended_on = forms.DateField(label=_("结束日期"), widget=DATE_WIDGET, required=False)
    status = forms.ChoiceField(
        label=_("状态"), choices=MeasureStatus.choices, initial=MeasureStatus.PLANNED
    )
    evidence = forms.CharField(label=_("佐证材料"), max_length=500, required=False)

    def __init__(self, *args: object, members: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        member = self.fields["member"]
        assert isinstance(member, forms.ModelChoiceField)
        member.queryset = members  # type: ignore[assignment]
        category = self.fields["category_code"]
        assert isinstance(category, forms.ChoiceField)
        category.choices = [
            (
                row.code,
                f"{row.name}（{_('开发式') if row.is_development else _('保障式')}）",
            )
            for row in MeasureCategory.objects.all()
        ]


class MeasureStatusForm(forms.Form):
    status = forms.ChoiceField(choices=MeasureStatus.choices)


class RiskForm(forms.Form):
    risk_type = forms.ChoiceField(label=_("风险类型"), choices=codes.RiskType.choices)
    found_on = forms.DateField(label=_("发现日期"), widget=DATE_WIDGET, initial=_today)
    source = forms.ChoiceField(label=_("发现来源"), choices=RiskSource.choices)
    description = forms.CharField(label=_("风险情况"), max_length=500, required=False)


class RiskResolveForm(forms.Form):
    resolved_on = forms.DateField(label=_("消除日期"), widget=DATE_WIDGET, initial=_today)
    resolution = forms.CharField(
        label=_("消除方式及情况"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = forms.CharField(label=_("佐证材料"), max_length=500, required=False)


class VisitForm(forms.Form):
    client_token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    latitude = forms.DecimalField(
        widget=forms.HiddenInput, max_digits=9, decimal_places=6, required=False
    )
    longitude = forms.DecimalField(
        widget=forms.HiddenInput, max_digits=9, decimal_places=6, required=False
    )
    visited_on = forms.DateField(label=_("走访日期"), widget=DATE_WIDGET, initial=_today)
    met_person = forms.CharField(label=_("见到的人"), max_length=50)
    household_income = forms.DecimalField(
        label=_("本月家庭收入（元）"),
        max_digits=12,
        decimal_places=2,
        required=False,
        help_text=_("填写后计入本户该月收入，用于判断收入是否稳定。"),
    )
    employment_change = forms.CharField(
        label=_("本月就业变化"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    problems = forms.CharField(
        label=_("发现的问题"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    measures_checked = forms.CharField(
        label=_("核实的措施落实情况"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CadreForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    unit = forms.CharField(label=_("工作单位"), max_length=100)
    post = forms.CharField(label=_("职务"), max_length=50, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20)
    level = forms.ChoiceField(label=_("干部级别"), choices=CadreLevel.choices)
    region_code = forms.CharField(label=_("帮扶区域"), max_length=12)
    username = forms.CharField(
        label=_("登录账号（可选）"),
        max_length=150,
        required=False,
        help_text=_("填写该干部以“帮扶责任人”角色登录的用户名，登录后可看到“我的帮扶户”。"),
    )


class WorkTeamMemberForm(forms.Form):
    region_code = forms.CharField(label=_("驻村"), max_length=12)
    name = forms.CharField(label=_("姓名"), max_length=50)
    unit = forms.CharField(label=_("派出单位"), max_length=100)
    post = forms.ChoiceField(label=_("职务"), choices=TeamPost.choices)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    started_on = forms.DateField(label=_("驻村开始日期"), widget=DATE_WIDGET, initial=_today)


class MonthlyIncomeForm(forms.Form):
    month = forms.DateField(
        label=_("月份"),
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
    )
    amount = forms.DecimalField(label=_("家庭收入（元）"), max_digits=12, decimal_places=2)


class AssignmentEndForm(forms.Form):
    ended_on = forms.DateField(label=_("结束日期"), widget=DATE_WIDGET, initial=_today)
    reason = forms.CharField(
        label=_("结束原因"),
        max_length=200,
        help_text=_("例如：帮扶责任人工作调动、风险已消除、农户迁出。"),
    )


class WorkTeamMemberEndForm(forms.Form):
    ended_on = forms.DateField(label=_("离任日期"), widget=DATE_WIDGET, initial=_today)
