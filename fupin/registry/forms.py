"""HTML input shapes for the registry pages. Meaning is checked by the services."""

import dataclasses
from datetime import date
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fupin.core.forms import CHECK, INPUT, SELECT, FilterForm
from fupin.core.masking import mask_personal
from fupin.registry import codes
from fupin.registry.models import Member
from fupin.registry.selectors import HOUSEHOLD_SORTS, HouseholdFilters
from fupin.registry.services import HouseholdData, MemberData

BLANK = [("", "—")]


def _choices(table: type[Any], *, blank: bool) -> list[tuple[str, str]]:
    return (BLANK if blank else []) + list(table.choices)


# How a sort reads in a description of the filters (the list's column headers sort).
SORT_LABELS = {
    "number": _("按户编号"),
    "-number": _("按户编号倒序"),
    "village": _("按行政村"),
    "income": _("按人均纯收入从低到高"),
    "-income": _("按人均纯收入从高到低"),
    "members": _("按人口从少到多"),
    "-members": _("按人口从多到少"),
}


class HouseholdFilterForm(FilterForm):
    filter_layout = (
        ("q", "col-12 col-md-4"),
        ("household_type", "col-6 col-md-2"),
        ("monitoring_category", "col-6 col-md-2"),
        ("poverty_attribute", "col-6 col-md-2"),
        ("cause", "col-6 col-md-2"),
        ("risk_level", "col-6 col-md-2"),
        ("income_below", "col-6 col-md-2"),
        ("income_at_least", "col-6 col-md-2"),
        ("income_year", "col-6 col-md-2"),
        ("has_disabled_or_seriously_ill", "col-12 col-md-3"),
        ("region_code", "col-12"),
    )
    check_class = "mt-2"
    region_field = "region_code"
    q = forms.CharField(
        label=_("搜索"),
        required=False,
        widget=forms.TextInput(
            attrs={
                "id": "f-q",
                "type": "search",
                "class": INPUT,
                "placeholder": _("姓名、户编号、身份证号或后四位"),
                "data-testid": "household-search",
            }
        ),
    )
    household_type = forms.ChoiceField(
        label=_("户类型"),
        choices=_choices(codes.HouseholdType, blank=True),
        required=False,
        widget=forms.Select(attrs={"class": SELECT}),
    )
    monitoring_category = forms.ChoiceField(
        label=_("监测对象类别"),
        choices=_choices(codes.MonitoringCategory, blank=True),
        required=False,
        widget=forms.Select(attrs={"class": SELECT}),
    )
    poverty_attribute = forms.ChoiceField(
        label=_("贫困户属性"),
        choices=_choices(codes.PovertyAttribute, blank=True),
        required=False,
        widget=forms.Select(attrs={"class": SELECT}),
    )
    cause = forms.ChoiceField(
        label=_("致贫原因"),
        choices=_choices(codes.PovertyCause, blank=True),
        required=False,
        widget=forms.Select(attrs={"class": SELECT}),
    )
    income_below = forms.DecimalField(
        label=_("人均纯收入低于（元）"),
        required=False,
        min_value=0,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"id": "f-income", "step": "100", "class": INPUT}),
    )
    # The dashboard's "at or above the monitoring line" figure links here (issue #14).
    income_at_least = forms.DecimalField(
        label=_("人均纯收入不低于（元）"),
        required=False,
        min_value=0,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"id": "f-income-min", "step": "100", "class": INPUT}),
    )
    income_year = forms.IntegerField(
        label=_("收入年度"),
        required=False,
        min_value=2013,
        max_value=2100,
        widget=forms.NumberInput(
            attrs={"id": "f-year", "class": INPUT, "placeholder": _("最近一年")}
        ),
    )
    has_disabled_or_seriously_ill = forms.BooleanField(
        label=_("有残疾或大病成员"),
        required=False,
        widget=forms.CheckboxInput(attrs={"id": "f-ill", "class": CHECK}),
    )
    risk_level = forms.ChoiceField(
        label=_("风险等级"),
        choices=[*BLANK, ("red", _("红色")), ("orange", _("橙色")), ("blue", _("蓝色"))],
        required=False,
        widget=forms.Select(attrs={"class": SELECT}),
    )
    monitoring_eligible = forms.NullBooleanField(label=_("符合监测条件"), required=False)
    region_code = forms.RegexField(
        label=_("区划"), regex=r"^\d{2,12}$", required=False, widget=forms.HiddenInput
    )
    sort = forms.ChoiceField(
        label=_("排序"),
        # A KeyError at import when a new sort has no label.
        choices=[(key, SORT_LABELS[key]) for key in HOUSEHOLD_SORTS],
        required=False,
    )


class PersonalDataForm(forms.Form):
    """An edit form that never puts stored personal data into the page.

    Fields named in `stored_personal` start with the masked value the detail page shows. A
    submitted value equal to that mask means "unchanged" and cleans to the stored value, so
    saving the form never overwrites a number with its mask; a new full value replaces it;
    anything else that still contains the mask's asterisks is refused.
    """

    def __init__(
        self, *args: Any, stored_personal: dict[str, str] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.stored_personal = {
            name: value for name, value in (stored_personal or {}).items() if value
        }
        for name, value in self.stored_personal.items():
            self.initial[name] = mask_personal(name, value)
            self.fields[name].help_text = _(
                "为保护个人信息，原号码只显示部分：不修改请保持原样，修改请填写完整的新号码。"
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, value in self.stored_personal.items():
            submitted = cleaned.get(name)
            if submitted == mask_personal(name, value):
                cleaned[name] = value
            elif submitted and "*" in submitted:
                self.add_error(name, _("请填写完整的新号码，或保持原来显示的号码不变。"))
        return cleaned


class HouseholdForm(PersonalDataForm):
    number = forms.CharField(label=_("户编号"), max_length=30)
    region_code = forms.RegexField(
        label=_("所在村"),
        regex=r"^\d{12}$",
        error_messages={"invalid": _("请逐级选择到村。")},
    )
    group_name = forms.CharField(label=_("自然村/组"), max_length=50, required=False)
    address = forms.CharField(label=_("家庭住址"), max_length=200, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    bank_name = forms.CharField(label=_("开户银行"), max_length=50, required=False)
    bank_account = forms.CharField(label=_("银行账号"), max_length=30, required=False)
    identification_standard = forms.ChoiceField(
        label=_("识别标准"),
        choices=_choices(codes.IdentificationStandard, blank=True),
        required=False,
    )
    poverty_attribute = forms.ChoiceField(
        label=_("贫困户属性"), choices=_choices(codes.PovertyAttribute, blank=True), required=False
    )
    primary_cause = forms.ChoiceField(
        label=_("主要致贫原因"), choices=_choices(codes.PovertyCause, blank=False)
    )
    other_cause_1 = forms.ChoiceField(
        label=_("其他致贫原因一"), choices=_choices(codes.PovertyCause, blank=True), required=False
    )
    other_cause_2 = forms.ChoiceField(
        label=_("其他致贫原因二"), choices=_choices(codes.PovertyCause, blank=True), required=False
    )
    is_whole_household_without_labor = forms.BooleanField(
        label=_("整户无劳动能力兜底保障户"), required=False
    )
    is_relocated = forms.BooleanField(label=_("易地扶贫搬迁户"), required=False)
    resettlement_site = forms.CharField(label=_("安置地"), max_length=100, required=False)
    is_military_family = forms.BooleanField(label=_("军烈属"), required=False)
    is_family_planning = forms.BooleanField(label=_("计生户"), required=False)
    is_only_child_family = forms.BooleanField(label=_("独生子女户"), required=False)
    is_two_daughter_family = forms.BooleanField(label=_("双女户"), required=False)
    planned_exit_year = forms.IntegerField(
        label=_("计划脱贫年度"), min_value=2014, max_value=2100, required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class HouseholdCreateForm(HouseholdForm):
    """A new household: the 户编号 is generated unless the national system already gave one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        number = self.fields["number"]
        number.required = False
        number.help_text = _(
            "新登记的农户请留空，系统按“村级区划代码 + 5 位顺序号”生成；"
            "已有全国系统户编号的农户，请填写原户编号。"
        )


class HouseholdForCaseForm(HouseholdForm):
    """Registering a monitoring case's applicant: the village is the case's and the 户编号
    is always generated, so neither is asked."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["number"]
        del self.fields["region_code"]


def household_data(form: HouseholdForm, *, village_code: str = "") -> HouseholdData:
    """The service's household header from a valid household form."""
    values = {
        field.name: form.cleaned_data[field.name]
        for field in dataclasses.fields(HouseholdData)
        if field.name in form.cleaned_data
    }
    values["number"] = form.cleaned_data.get("number") or ""
    values["village_code"] = village_code or form.cleaned_data.get("region_code") or ""
    return HouseholdData(**values)


def member_data(form: "MemberForm") -> MemberData:
    """The service's member fields from a valid member form."""
    values = {
        field.name: form.cleaned_data[field.name]
        for field in dataclasses.fields(MemberData)
        if field.name in form.cleaned_data
    }
    values["sex"] = values.get("sex") or ""
    values["political_status"] = values.get("political_status") or MemberData.political_status
    values["public_welfare_post_months"] = values.get("public_welfare_post_months") or 0
    return MemberData(**values)


class MemberForm(PersonalDataForm):
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(
        label=_("证件号码"), max_length=30, help_text=_("18 位身份证号码，末位 X 大小写均可。")
    )
    relation = forms.ChoiceField(label=_("与户主关系"), choices=codes.Relation.choices)
    sex = forms.ChoiceField(
        label=_("性别"),
        choices=_choices(codes.Sex, blank=True),
        required=False,
        help_text=_("不填则按身份证号码。"),
    )
    birth_date = forms.DateField(
        label=_("出生日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("不填则按身份证号码。"),
    )
    ethnicity = forms.ChoiceField(label=_("民族"), choices=codes.Ethnicity.choices)
    political_status = forms.ChoiceField(
        label=_("政治面貌"),
        choices=codes.PoliticalStatus.choices,
        initial=codes.PoliticalStatus.MASSES,
        required=False,
    )
    education = forms.ChoiceField(
        label=_("文化程度"), choices=_choices(codes.Education, blank=True), required=False
    )
    schooling = forms.ChoiceField(label=_("在校生状况"), choices=codes.Schooling.choices)
    dropout_reason = forms.ChoiceField(
        label=_("失辍学原因"), choices=_choices(codes.DropoutReason, blank=True), required=False
    )
    health = forms.ChoiceField(label=_("健康状况"), choices=codes.Health.choices)
    labor_skill = forms.ChoiceField(
        label=_("劳动技能"), choices=_choices(codes.LaborSkill, blank=True), required=False
    )
    migrant_work = forms.ChoiceField(label=_("务工状况"), choices=codes.MigrantWork.choices)
    migrant_months = forms.IntegerField(
        label=_("务工时间（月）"), min_value=0, max_value=12, initial=0
    )
    has_resident_medical_insurance = forms.BooleanField(
        label=_("参加城乡居民基本医疗保险"), required=False, initial=True
    )
    has_serious_illness_insurance = forms.BooleanField(
        label=_("参加大病保险"), required=False, initial=True
    )
    has_resident_pension_insurance = forms.BooleanField(
        label=_("参加城乡居民基本养老保险"), required=False
    )
    receives_dibao = forms.BooleanField(label=_("享受低保"), required=False)
    receives_destitute_support = forms.BooleanField(label=_("特困供养"), required=False)
    has_employee_medical_insurance = forms.BooleanField(
        label=_("参加职工基本医疗保险"), required=False
    )
    has_commercial_medical_insurance = forms.BooleanField(
        label=_("参加商业补充医疗保险"), required=False
    )
    receives_medical_assistance = forms.BooleanField(label=_("享受医疗救助"), required=False)
    has_employee_pension_insurance = forms.BooleanField(
        label=_("参加职工基本养老保险"), required=False
    )
    is_active_military = forms.BooleanField(label=_("现役军人"), required=False)
    is_relocated_person = forms.BooleanField(label=_("易地扶贫搬迁人口"), required=False)
    public_welfare_post_months = forms.IntegerField(
        label=_("公益岗位聘用月数"), min_value=0, max_value=12, initial=0, required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, allow_head: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not allow_head:
            relation = self.fields["relation"]
            assert isinstance(relation, forms.ChoiceField)
            relation.choices = [c for c in codes.Relation.choices if c[0] != codes.Relation.HEAD]


class MemberRemoveForm(forms.Form):
    reason = forms.ChoiceField(label=_("减少原因"), choices=codes.RemovalReason.choices)
    removal_date = forms.DateField(
        label=_("减少日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("说明"), max_length=200, required=False)
    new_head = forms.TypedChoiceField(
        label=_("新户主"), coerce=int, required=False, empty_value=None
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, others: list[Member], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        new_head = self.fields["new_head"]
        assert isinstance(new_head, forms.TypedChoiceField)
        new_head.choices = [("", "—"), *[(m.pk, m.name) for m in others]]

    def clean_removal_date(self) -> date:
        value: date = self.cleaned_data["removal_date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("减少日期不能晚于今天。"))
        return value


class HouseholdYearForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2013, max_value=2100)
    wage_income = forms.DecimalField(label=_("工资性收入"), min_value=0, decimal_places=2)
    business_income = forms.DecimalField(label=_("生产经营性收入"), min_value=0, decimal_places=2)
    property_income = forms.DecimalField(label=_("财产性收入"), min_value=0, decimal_places=2)
    transfer_income = forms.DecimalField(label=_("转移性收入"), min_value=0, decimal_places=2)
    business_expense = forms.DecimalField(label=_("生产经营性支出"), min_value=0, decimal_places=2)
    insurance_claims = forms.DecimalField(label=_("理赔收入"), min_value=0, decimal_places=2)
    compliant_out_of_pocket = forms.DecimalField(
        label=_("合规自付支出"), min_value=0, decimal_places=2
    )


class HouseholdConditionsForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2013, max_value=2100)
    housing_grade = forms.ChoiceField(
        label=_("危房等级"), choices=_choices(codes.HousingGrade, blank=True), required=False
    )
    housing_structure = forms.ChoiceField(
        label=_("房屋主要结构"),
        choices=_choices(codes.HousingStructure, blank=True),
        required=False,
    )
    housing_area = forms.DecimalField(
        label=_("住房面积（平方米）"), min_value=0, decimal_places=1, required=False
    )
    water_standard = forms.ChoiceField(
        label=_("饮水评价标准"), choices=_choices(codes.WaterStandard, blank=True), required=False
    )
    road_type = forms.ChoiceField(
        label=_("入户路类型"), choices=_choices(codes.RoadType, blank=True), required=False
    )
    main_fuel = forms.ChoiceField(
        label=_("主要燃料"), choices=_choices(codes.Fuel, blank=True), required=False
    )
    has_electricity = forms.BooleanField(label=_("通生活用电"), required=False, initial=True)
    has_sanitary_toilet = forms.BooleanField(label=_("有卫生厕所"), required=False)
    is_food_insecure = forms.BooleanField(label=_("“不愁吃”未达标"), required=False)
    is_clothing_insecure = forms.BooleanField(label=_("“不愁穿”未达标"), required=False)
    is_housing_unsafe = forms.BooleanField(label=_("住房出现安全问题"), required=False)
    has_dropout_child = forms.BooleanField(
        label=_("义务教育阶段适龄儿童少年失学辍学"), required=False
    )
    is_water_unsafe = forms.BooleanField(label=_("饮水出现安全问题"), required=False)
    has_uninsured_member = forms.BooleanField(
        label=_("有家庭成员未参加基本医疗保险"), required=False
    )


def household_filters(
    query: QueryDict | dict[str, Any],
) -> tuple[HouseholdFilterForm, HouseholdFilters]:
    """Read the household list's filters from a query string; invalid input filters nothing."""
    form = HouseholdFilterForm(query)
    if not form.is_valid():
        return form, HouseholdFilters()
    data = form.cleaned_data
    return form, HouseholdFilters(
        region_code=data["region_code"] or "",
        household_type=data["household_type"],
        monitoring_category=data["monitoring_category"],
        poverty_attribute=data["poverty_attribute"],
        cause=data["cause"],
        income_below=data["income_below"],
        income_at_least=data["income_at_least"],
        income_year=data["income_year"],
        has_disabled_or_seriously_ill=data["has_disabled_or_seriously_ill"],
        risk_level=data["risk_level"],
        monitoring_eligible=data["monitoring_eligible"],
        search=data["q"],
        sort=data["sort"] or "number",
    )
