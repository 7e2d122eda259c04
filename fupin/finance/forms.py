"""HTML input shapes of the finance pages; the services judge meaning."""

from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fupin.finance.models import (
    AssetCategory,
    Distribution,
    FundAllocation,
    FundEntry,
    FundRelease,
    FundSource,
    IncomeRule,
    OwnerLevel,
    PoolAdjustment,
    Project,
    ProjectCategory,
    RenewalKind,
)
from fupin.registry.idnumbers import InvalidIdNumber, parse_id_number

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DATE_WIDGET = forms.DateInput(attrs={"type": "date"})
TEXT_AREA = forms.Textarea(attrs={"rows": 2})
WARNING_DAYS = ((30, _("30 天内")), (60, _("60 天内")), (90, _("90 天内")))


class WarningFilterForm(forms.Form):
    as_of = forms.DateField(label=_("基准日期"), widget=DATE_WIDGET, required=False)
    days = forms.TypedChoiceField(
        label=_("预警范围"), choices=WARNING_DAYS, coerce=int, required=False, initial=90
    )


class ProjectForm(forms.Form):
    """申报: the project record of DOMAIN §9 and the village's 四议两公开 record."""

    year = forms.IntegerField(label=_("入库年度"), min_value=2021, max_value=2100)
    name = forms.CharField(label=_("项目名称"), max_length=200)
    category = forms.ChoiceField(label=_("项目类别"), choices=ProjectCategory.choices)
    location = forms.CharField(label=_("建设地点"), max_length=200)
    department = forms.CharField(label=_("主管部门"), max_length=100)
    responsible_person = forms.CharField(label=_("责任人"), max_length=50)
    content = forms.CharField(label=_("建设内容"), widget=TEXT_AREA, max_length=2000)
    starts_on = forms.DateField(label=_("开工日期"), widget=DATE_WIDGET)
    ends_on = forms.DateField(label=_("完工日期"), widget=DATE_WIDGET)
    budget = forms.DecimalField(label=_("概算投资（元）"), max_digits=14, decimal_places=2)
    subsidy_standard = forms.CharField(label=_("补助标准"), max_length=200)
    benefit_mechanism = forms.CharField(label=_("联农带农机制"), widget=TEXT_AREA, max_length=2000)
    performance_target = forms.CharField(label=_("绩效目标"), widget=TEXT_AREA, max_length=2000)
    meeting_on = forms.DateField(label=_("村民代表大会日期"), widget=DATE_WIDGET)
    meeting_record = forms.CharField(
        label=_("四议两公开记录"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=_(
            "党支部提议、村“两委”商议、党员大会审议、村民代表大会决议，决议公开、结果公开。"
        ),
    )


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("结论"),
        choices=((1, _("同意")), (0, _("退回修改"))),
        coerce=lambda value: value in (1, "1"),
        widget=forms.RadioSelect,
        initial=1,
    )
    opinion = forms.CharField(label=_("意见"), widget=TEXT_AREA, required=False, max_length=1000)


class AssessmentForm(DecisionForm):
    """县级论证: 可行性, 概算, 资金来源, 联农带农机制, 绩效目标."""

    feasibility = forms.CharField(
        label=_("可行性论证"), widget=TEXT_AREA, required=False, max_length=2000
    )
    fund_plan = forms.CharField(label=_("资金来源"), required=False, max_length=200)


class ProgressForm(forms.Form):
    month = forms.DateField(label=_("月份"), widget=DATE_WIDGET, initial=timezone.localdate)
    percent = forms.IntegerField(label=_("形象进度（%）"), min_value=0, max_value=100)
    note = forms.CharField(label=_("进展情况"), widget=TEXT_AREA, max_length=1000)


class AcceptanceForm(forms.Form):
    accepted_on = forms.DateField(
        label=_("验收日期"), widget=DATE_WIDGET, initial=timezone.localdate
    )
    opinion = forms.CharField(label=_("验收意见"), widget=TEXT_AREA, max_length=1000)


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2013, max_value=2100, required=False)


# ---------------------------------------------------------------- entry forms (issue #15)


def _money_field(label: "StrOrPromise", *, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01") if required else Decimal(0),
        required=required,
    )


class LoanForm(forms.Form):
    """登记贷款: the borrower by ID number and name, and the contract's terms."""

    borrower_id_number = forms.CharField(label=_("借款人证件号码"), max_length=20)
    borrower_name = forms.CharField(label=_("借款人姓名"), max_length=50)
    bank = forms.CharField(label=_("贷款银行"), max_length=50)
    contract_number = forms.CharField(label=_("合同编号"), max_length=50)
    amount = _money_field(_("贷款金额（元）"))
    issued_on = forms.DateField(label=_("放款日期"), widget=DATE_WIDGET)
    due_on = forms.DateField(label=_("到期日期"), widget=DATE_WIDGET)
    annual_rate = forms.DecimalField(
        label=_("年利率（%）"),
        max_digits=6,
        decimal_places=4,
        help_text=_("百分数，例如 3.45 表示 3.45%。"),
    )
    purpose = forms.CharField(label=_("贷款用途"), max_length=200)
    is_household_use = forms.BooleanField(label=_("户借、户用、户还"), required=False, initial=True)

    def clean_borrower_id_number(self) -> str:
        try:
            return parse_id_number(self.cleaned_data["borrower_id_number"]).number
        except InvalidIdNumber as error:
            raise forms.ValidationError(error.message) from error


class RepaymentForm(forms.Form):
    paid_on = forms.DateField(label=_("还款日期"), widget=DATE_WIDGET, initial=timezone.localdate)
    principal = _money_field(_("归还本金（元）"), required=False)
    interest = _money_field(_("支付利息（元）"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["principal"] = data.get("principal") or Decimal(0)
        data["interest"] = data.get("interest") or Decimal(0)
        return data


class RenewalForm(forms.Form):
    """续贷 or 展期: a new contract for the outstanding principal."""

    kind = forms.ChoiceField(
        label=_("办理方式"), choices=RenewalKind.choices, widget=forms.RadioSelect
    )
    contract_number = forms.CharField(label=_("新合同编号"), max_length=50)
    issued_on = forms.DateField(label=_("起始日期"), widget=DATE_WIDGET)
    due_on = forms.DateField(label=_("到期日期"), widget=DATE_WIDGET)
    annual_rate = forms.DecimalField(
        label=_("年利率（%）"),
        max_digits=6,
        decimal_places=4,
        required=False,
        help_text=_("不填沿用原合同利率。"),
    )


class DefaultForm(forms.Form):
    defaulted_on = forms.DateField(label=_("违约日期"), widget=DATE_WIDGET)
    reason = forms.CharField(label=_("违约原因"), widget=TEXT_AREA, max_length=200)


class AllocationForm(forms.Form):
    """资金分配 to the user's county."""

    year = forms.IntegerField(label=_("年度"), min_value=2013, max_value=2100)
    source = forms.ChoiceField(label=_("资金来源"), choices=FundSource.choices)
    document_number = forms.CharField(label=_("文号"), max_length=100)
    amount = _money_field(_("分配金额（元）"))
    allocated_on = forms.DateField(
        label=_("分配日期"), widget=DATE_WIDGET, initial=timezone.localdate
    )


class _AllocationChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: FundAllocation) -> str:
        return _("%(year)s年 %(source)s %(number)s（%(amount)s 元）") % {
            "year": obj.year,
            "source": obj.get_source_display(),
            "number": obj.document_number,
            "amount": obj.amount,
        }


class _ReleaseChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: FundRelease) -> str:
        return _("%(day)s 下达 %(source)s %(amount)s 元") % {
            "day": obj.released_on.isoformat(),
            "source": obj.allocation.get_source_display(),
            "amount": obj.amount,
        }


class ReleaseForm(forms.Form):
    """下达 part of an allocation to the project."""

    def __init__(self, *args: Any, allocations: QuerySet[FundAllocation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["allocation"] = _AllocationChoice(
            label=_("资金分配"), queryset=allocations, empty_label=_("请选择")
        )
        self.order_fields(["allocation"])

    amount = _money_field(_("下达金额（元）"))
    released_on = forms.DateField(
        label=_("下达日期"), widget=DATE_WIDGET, initial=timezone.localdate
    )


class FundEntryForm(forms.Form):
    """到账 or 支出 of money released to the project."""

    def __init__(self, *args: Any, releases: QuerySet[FundRelease], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["release"] = _ReleaseChoice(
            label=_("资金下达"), queryset=releases, empty_label=_("请选择")
        )
        self.order_fields(["release"])

    kind = forms.ChoiceField(
        label=_("类型"), choices=FundEntry.Kind.choices, widget=forms.RadioSelect
    )
    amount = _money_field(_("金额（元）"))
    entered_on = forms.DateField(label=_("日期"), widget=DATE_WIDGET, initial=timezone.localdate)
    note = forms.CharField(label=_("摘要"), max_length=200, required=False)


class AssetForm(forms.Form):
    """登记 an asset the accepted project formed."""

    def __init__(self, *args: Any, income_rules: QuerySet[IncomeRule], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["income_rule"] = forms.ModelChoiceField(
            label=_("收益分配规则"),
            queryset=income_rules,
            required=False,
            empty_label=_("无"),
        )

    name = forms.CharField(label=_("资产名称"), max_length=200)
    category = forms.ChoiceField(label=_("资产类别"), choices=AssetCategory.choices)
    owner_level = forms.ChoiceField(label=_("权属层级"), choices=OwnerLevel.choices)
    owner = forms.CharField(label=_("所有权人"), max_length=100)
    custodian = forms.CharField(label=_("管护主体"), max_length=100)
    value = _money_field(_("资产原值（元）"))
    confirmed_on = forms.DateField(label=_("确权日期"), widget=DATE_WIDGET)


class AssetTransferForm(forms.Form):
    owner = forms.CharField(label=_("新所有权人"), max_length=100)
    custodian = forms.CharField(label=_("新管护主体"), max_length=100)
    transferred_on = forms.DateField(
        label=_("移交日期"), widget=DATE_WIDGET, initial=timezone.localdate
    )


class AssetDisposalForm(forms.Form):
    disposed_on = forms.DateField(
        label=_("处置日期"), widget=DATE_WIDGET, initial=timezone.localdate
    )
    proceeds = _money_field(_("处置收入（元）"), required=False)
    reason = forms.CharField(label=_("处置原因"), widget=TEXT_AREA, max_length=200)

    def clean_proceeds(self) -> Decimal:
        return self.cleaned_data.get("proceeds") or Decimal(0)


def _last_month() -> str:
    """The period a distribution usually pays out: last month's income, as the ledgers
    write it (data, the same in every language)."""
    return f"{timezone.localdate().replace(day=1) - timedelta(days=1):%Y年%m月}"


class ShareForm(forms.Form):
    """One share of a 收益分配: a 公益岗位 wage (the worker's ID number links it to the
    household) or an amount for a 小型公益事业 purpose. A row left as offered is skipped."""

    kind = forms.ChoiceField(
        label=_("分配类别"), choices=Distribution.Kind.choices, initial=Distribution.Kind.POST_WAGE
    )
    recipient = forms.CharField(label=_("领取人或用途"), max_length=100)
    id_number = forms.CharField(label=_("证件号码"), max_length=20, required=False)
    amount = _money_field(_("金额（元）"))

    def clean_id_number(self) -> str:
        raw = self.cleaned_data.get("id_number", "").strip()
        if not raw:
            return ""
        try:
            return parse_id_number(raw).number
        except InvalidIdNumber as error:
            raise forms.ValidationError(error.message) from error

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("id_number") and data.get("kind") != Distribution.Kind.POST_WAGE:
            self.add_error("id_number", _("只有公益岗位工资填写证件号码。"))
        return data


# Five rows are offered (光伏: a few posts and one purpose); the page adds more on demand.
ShareFormSet = forms.formset_factory(ShareForm, extra=5, max_num=100, absolute_max=100)


class DistributionForm(forms.Form):
    """收益分配 of one period's income, with its shares as rows (the `shares` formset):
    `cleaned_data["shares"]` holds the filled rows' data in order."""

    income = _money_field(_("本次收益（元）"))
    distributed_on = forms.DateField(
        label=_("分配日期"), widget=DATE_WIDGET, initial=timezone.localdate
    )
    period = forms.CharField(
        label=_("收益期间"), max_length=50, initial=_last_month, help_text=_("如 2025年10月。")
    )

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.shares = ShareFormSet(data, prefix="shares")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.shares.is_valid():
            raise forms.ValidationError(_("请按提示修改分配明细。"))
        data["shares"] = [
            row.cleaned_data for row in self.shares if row.has_changed() and row.cleaned_data
        ]
        if not data["shares"]:
            raise forms.ValidationError(_("请至少填写一笔分配。"))
        return data


class EnterpriseUseForm(forms.Form):
    """户贷企用 of a legacy loan: the enterprise, the amount it uses, dividends, consent."""

    enterprise = forms.CharField(label=_("使用企业"), max_length=100)
    amount = _money_field(_("企业使用金额（元）"))
    dividends = _money_field(_("累计分红（元）"), required=False)
    has_consent = forms.BooleanField(label=_("借款人同意"), required=False)

    def clean_dividends(self) -> Decimal:
        return self.cleaned_data.get("dividends") or Decimal(0)


class _ProjectChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Project) -> str:
        return f"{obj.year} · {obj.name}（{obj.village.name}，{obj.get_state_display()}）"


class PoolAdjustmentForm(forms.Form):
    """年度调整: one project in, out, or replaced by another."""

    def __init__(self, *args: Any, projects: QuerySet[Project], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"] = _ProjectChoice(
            label=_("项目"),
            queryset=projects,
            empty_label=_("请选择"),
            help_text=_("调入时选调入的项目；调出和替换时选调出的项目。"),
        )
        self.fields["replacement"] = _ProjectChoice(
            label=_("替换为"),
            queryset=projects,
            required=False,
            empty_label=_("不替换"),
        )
        self.order_fields(["year", "action", "project", "replacement", "reason"])

    year = forms.IntegerField(label=_("调整年度"), min_value=2021, max_value=2100)
    action = forms.ChoiceField(
        label=_("调整方式"), choices=PoolAdjustment.Action.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(label=_("调整理由"), widget=TEXT_AREA, max_length=1000)
