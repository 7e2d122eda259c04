"""HTML input shapes for the monitoring pages. Meaning is checked by the services."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fupin.core.forms import CHECK, INPUT, SELECT, FilterForm
from fupin.monitoring.models import CaseKind, CaseState, Channel, ReviewMeeting
from fupin.registry import codes

BLANK = [("", "—")]
DATE_WIDGET = forms.DateInput(attrs={"type": "date"})
RISK_TYPE_CHOICES = list(codes.RiskType.choices)


def _risk_types() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=_("风险类型"),
        choices=RISK_TYPE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


def _attachment() -> forms.FileField:
    return forms.FileField(label=_("附件"), required=False)


class SelfApplicationForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("身份证号码"), max_length=18)
    phone = forms.CharField(label=_("手机号码"), max_length=11)
    village_code = forms.CharField(
        label=_("所在村（12 位区划代码）"),
        max_length=12,
        help_text=_("扫描村公示栏上的二维码会自动填写。"),
    )
    risk_types = _risk_types()
    description = forms.CharField(
        label=_("家庭遇到的困难"), widget=forms.Textarea(attrs={"rows": 4}), max_length=1000
    )
    has_consent = forms.BooleanField(
        label=_(
            "本人承诺所填信息真实，并授权有关部门查询核对本人及家庭成员的收入、财产等经济状况。"
        ),
        required=False,
    )


class ReceiptForm(forms.Form):
    number = forms.CharField(label=_("受理编号"), max_length=20)
    id_tail = forms.CharField(label=_("身份证号后四位"), max_length=4, min_length=4)


class ClueForm(forms.Form):
    risk_types = _risk_types()
    description = forms.CharField(
        label=_("困难情况"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )
    received_on = forms.DateField(
        label=_("发现日期"), widget=DATE_WIDGET, required=False, initial=timezone.localdate
    )


class EliminationForm(forms.Form):
    elimination_method = forms.ChoiceField(
        label=_("风险消除方式"), choices=BLANK + list(codes.EliminationMethod.choices)
    )
    reason = forms.CharField(
        label=_("理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )


class VisitForm(forms.Form):
    visited_on = forms.DateField(
        label=_("核实日期"), widget=DATE_WIDGET, initial=timezone.localdate
    )
    visitors = forms.CharField(label=_("核实人员"), max_length=200)
    findings = forms.CharField(label=_("核实情况"), widget=forms.Textarea(attrs={"rows": 3}))
    household_number = forms.CharField(
        label=_("户编号"),
        max_length=30,
        required=False,
        help_text=_("申请人尚未关联农户时填写（须先在农户信息中登记）。"),
    )
    risk_types = _risk_types()
    has_consent = forms.BooleanField(label=_("已签订承诺授权书"), required=False)
    attachment = _attachment()

    def __init__(self, *args: Any, needs_household: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not needs_household:
            del self.fields["household_number"]


class ComparisonForm(forms.Form):
    findings = forms.CharField(
        label=_("比对结果"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("车辆、房产、工商登记、财政供养等比对情况。"),
    )
    attachment = _attachment()


class ReviewForm(forms.Form):
    held_on = forms.DateField(label=_("评议日期"), widget=DATE_WIDGET, initial=timezone.localdate)
    participants = forms.CharField(label=_("参加人员"), widget=forms.Textarea(attrs={"rows": 2}))
    result = forms.ChoiceField(label=_("评议结果"), choices=ReviewMeeting.Result.choices)
    monitoring_category = forms.ChoiceField(
        label=_("拟纳入类别"),
        choices=BLANK + list(codes.MonitoringCategory.choices),
        required=False,
    )
    opinion = forms.CharField(
        label=_("意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    minutes = forms.FileField(label=_("会议记录"), required=False)

    def __init__(self, *args: Any, kind: str = CaseKind.IDENTIFICATION, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kind != CaseKind.IDENTIFICATION:
            del self.fields["monitoring_category"]


class PublicityStartForm(forms.Form):
    starts_on = forms.DateField(
        label=_("公示开始日期"), widget=DATE_WIDGET, initial=timezone.localdate
    )
    days = forms.IntegerField(label=_("公示天数"), min_value=1, max_value=60)


class ObjectionForm(forms.Form):
    received_on = forms.DateField(
        label=_("收到日期"), widget=DATE_WIDGET, initial=timezone.localdate
    )
    content = forms.CharField(label=_("异议内容"), widget=forms.Textarea(attrs={"rows": 2}))


class ResolveForm(forms.Form):
    resolution = forms.CharField(label=_("处理结果"), widget=forms.Textarea(attrs={"rows": 2}))


class OpinionForm(forms.Form):
    opinion = forms.CharField(
        label=_("意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    attachment = _attachment()


class CountyForm(OpinionForm):
    monitoring_category = forms.ChoiceField(
        label=_("监测对象类别（如需调整）"),
        choices=BLANK + list(codes.MonitoringCategory.choices),
        required=False,
    )


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("处理"),
        choices=[("return", _("退回修改")), ("reject", _("驳回"))],
        widget=forms.RadioSelect,
    )
    opinion = forms.CharField(label=_("理由或修改意见"), widget=forms.Textarea(attrs={"rows": 2}))


class CaseFilterForm(FilterForm):
    filter_layout = (
        ("q", "col-12 col-md-3"),
        ("state", "col-6 col-md-2"),
        ("kind", "col-6 col-md-2"),
        ("channel", "col-6 col-md-2"),
        ("region_code", "col-6 col-md-2"),
        ("overdue", "col-6 col-md-1"),
    )
    q = forms.CharField(
        label=_("搜索"),
        required=False,
        widget=forms.TextInput(
            attrs={
                "id": "f-q",
                "type": "search",
                "class": INPUT,
                "placeholder": _("户编号、申请人或受理编号"),
            }
        ),
    )
    state = forms.ChoiceField(
        label=_("环节"),
        choices=BLANK + list(CaseState.choices),
        required=False,
        widget=forms.Select(attrs={"class": SELECT}),
    )
    kind = forms.ChoiceField(
        label=_("类型"),
        choices=BLANK + list(CaseKind.choices),
        required=False,
        widget=forms.Select(attrs={"class": SELECT}),
    )
    channel = forms.ChoiceField(
        label=_("发现渠道"),
        choices=BLANK + list(Channel.choices),
        required=False,
        widget=forms.Select(attrs={"class": SELECT}),
    )
    region_code = forms.CharField(
        label=_("区划代码"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"id": "f-region", "class": INPUT, "inputmode": "numeric"}),
    )
    overdue = forms.BooleanField(
        label=_("只看超期"),
        required=False,
        widget=forms.CheckboxInput(attrs={"id": "f-overdue", "class": CHECK}),
    )


class CalendarUploadForm(forms.Form):
    file = forms.FileField(
        label=_("放假安排文件"),
        help_text=_("xlsx 或 csv，第一行为表头：日期、类型（法定节假日 / 调休上班日）、名称。"),
    )
    source = forms.CharField(
        label=_("依据"),
        max_length=200,
        help_text=_("如：国务院办公厅关于2027年部分节假日安排的通知"),
    )
