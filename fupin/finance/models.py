"""Microcredit, funds, the project pool and public notices (DOMAIN §8, §9).

Rules that differ by province or year (loan caps and age band, 贴息 ratios, spending
milestones, notice durations) are rows of their own tables, never constants here."""

from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fupin.registry.models import Household, Member, Region

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _money(verbose_name: "StrOrPromise") -> "models.DecimalField[Decimal, Decimal]":
    """Amounts in 元 with fen precision."""
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2)


def _region_code(verbose_name: "StrOrPromise") -> "models.CharField[str, str]":
    """A region a rule applies to and below ("" = nationwide); the most specific wins."""
    return models.CharField(verbose_name, max_length=12, blank=True, default="")


# --- Microcredit (脱贫人口小额信贷, DOMAIN §8) -------------------------------------------


class LoanPolicy(models.Model):
    """The microcredit rules of a region from a date: caps, age band, who may borrow, when
    a loan warns, and whether 违约 stops the interest subsidy."""

    region_code = _region_code(_("适用区划"))
    effective_from = models.DateField(_("施行日期"))
    max_amount = _money(_("单户贷款上限（元）"))
    max_term_months = models.PositiveSmallIntegerField(_("最长期限（月）"))
    min_age = models.PositiveSmallIntegerField(_("借款人最小年龄"))
    max_age = models.PositiveSmallIntegerField(_("借款人最大年龄"))
    eligible_household_types = models.JSONField(_("可贷户类型"), default=list)
    warning_days = models.JSONField(_("到期预警天数"), default=list)
    default_stops_subsidy = models.BooleanField(_("违约停止贴息"), default=True)
    # Only loans issued while 户贷企用 was not yet banned (before 2017-12-08) may be kept on
    # the 户贷企用台账 (DOMAIN §8).
    allows_enterprise_use = models.BooleanField(_("允许户贷企用"), default=False)
    source = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("小额信贷政策")
        verbose_name_plural = _("小额信贷政策")
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "effective_from"], name="finance_loanpolicy_one_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region_code or '000000'} {self.effective_from}"


class SubsidyRate(models.Model):
    """贴息比例: loans issued in [issued_from, issued_to] get `percent` of the interest
    that accrues in the years [year_from, year_to] (DOMAIN §8, 青阳: full to 2023, 70 %
    for 2024–2025)."""

    region_code = _region_code(_("适用区划"))
    issued_from = models.DateField(_("放款起始日"))
    issued_to = models.DateField(_("放款截止日"))
    year_from = models.PositiveSmallIntegerField(_("计息起始年度"))
    year_to = models.PositiveSmallIntegerField(_("计息截止年度"))
    percent = models.DecimalField(_("贴息比例（%）"), max_digits=5, decimal_places=2)
    source = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("贴息比例")
        verbose_name_plural = _("贴息比例")
        ordering = ["region_code", "issued_from", "year_from"]

    def __str__(self) -> str:
        return (
            f"{self.issued_from}–{self.issued_to} {self.year_from}–{self.year_to} {self.percent}%"
        )


class LoanStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    SETTLED = "settled", _("已结清")
    RENEWED = "renewed", _("已续贷或展期")
    DEFAULTED = "defaulted", _("违约")


class RenewalKind(models.TextChoices):
    RENEWAL = "renewal", _("续贷")
    EXTENSION = "extension", _("展期")


class Loan(models.Model):
    """One loan contract of a household, 户借户用户还. A 续贷 or 展期 is a new contract
    pointing at the one it replaces, which keeps its figures and becomes RENEWED."""

    household = models.ForeignKey(
        Household, verbose_name=_("农户"), on_delete=models.PROTECT, related_name="loans"
    )
    borrower = models.ForeignKey(
        Member, verbose_name=_("借款人"), on_delete=models.PROTECT, related_name="loans"
    )
    # The household's village when the loan was registered, so scope filters by prefix.
    village = models.ForeignKey(
        Region, verbose_name=_("所在村"), on_delete=models.PROTECT, related_name="+"
    )
    bank = models.CharField(_("贷款银行"), max_length=50)
    contract_number = models.CharField(_("合同编号"), max_length=50, unique=True)
    amount = _money(_("贷款金额（元）"))
    issued_on = models.DateField(_("放款日期"))
    due_on = models.DateField(_("到期日期"))
    annual_rate = models.DecimalField(_("年利率（%）"), max_digits=6, decimal_places=4)
    purpose = models.CharField(_("贷款用途"), max_length=200)
    is_household_use = models.BooleanField(_("户借户用户还"), default=True)
    repaid_principal = _money(_("已还本金（元）"))
    status = models.CharField(
        _("状态"), max_length=10, choices=LoanStatus.choices, default=LoanStatus.ACTIVE
    )
    defaulted_on = models.DateField(_("违约日期"), null=True, blank=True)
    previous = models.OneToOneField(
        "self",
        verbose_name=_("原合同"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renewal",
    )
    renewal_kind = models.CharField(
        _("续贷或展期"), max_length=10, choices=RenewalKind.choices, blank=True
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("小额信贷")
        verbose_name_plural = _("小额信贷")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["village", "due_on"], name="finance_loan_village_due")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_on__gt=models.F("issued_on")),
                name="finance_loan_due_after_issue",
            ),
            models.CheckConstraint(
                condition=models.Q(repaid_principal__lte=models.F("amount")),
                name="finance_loan_repaid_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return self.contract_number

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.repaid_principal

    @property
    def is_defaulted(self) -> bool:
        return self.status == LoanStatus.DEFAULTED


class Repayment(models.Model):
    """One repayment of principal (and the interest paid with it)."""

    loan = models.ForeignKey(
        Loan, verbose_name=_("贷款"), on_delete=models.PROTECT, related_name="repayments"
    )
    paid_on = models.DateField(_("还款日期"))
    principal = _money(_("归还本金（元）"))
    interest = _money(_("支付利息（元）"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("还款记录")
        verbose_name_plural = _("还款记录")
        ordering = ["paid_on", "id"]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.paid_on} {self.principal}"


class EnterpriseUse(models.Model):
    """户贷企用台账: a legacy loan the household lent on to an enterprise (banned for new
    loans since 2017; the old ones are managed with the borrower's consent)."""

    loan = models.OneToOneField(
        Loan, verbose_name=_("贷款"), on_delete=models.PROTECT, related_name="enterprise_use"
    )
    enterprise = models.CharField(_("使用企业"), max_length=100)
    amount = _money(_("企业使用金额（元）"))
    dividends = _money(_("累计分红（元）"))
    has_consent = models.BooleanField(_("借款人同意"), default=False)

    class Meta:
        verbose_name = _("户贷企用")
        verbose_name_plural = _("户贷企用")

    def __str__(self) -> str:
        return self.enterprise


# --- Funds (衔接资金, DOMAIN §9) ---------------------------------------------------------


class FundSource(models.TextChoices):
    CENTRAL = "central", _("中央衔接资金")
    PROVINCE = "province", _("省级衔接资金")
    CITY = "city", _("市级衔接资金")
    COUNTY = "county", _("县级衔接资金")
    EAST_WEST = "east_west", _("东西部协作资金")
    DONATION = "donation", _("社会捐赠资金")


class FundAllocation(models.Model):
    """Money a level allocates to a county for a year, by source (资金分配)."""

    county = models.ForeignKey(
        Region, verbose_name=_("县（市、区）"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    source = models.CharField(_("资金来源"), max_length=10, choices=FundSource.choices)
    document_number = models.CharField(_("文号"), max_length=100)
    amount = _money(_("分配金额（元）"))
    allocated_on = models.DateField(_("分配日期"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("资金分配")
        verbose_name_plural = _("资金分配")
        ordering = ["-year", "source", "id"]

    def __str__(self) -> str:
        return f"{self.year} {self.get_source_display()} {self.document_number}"


class SpendingMilestone(models.Model):
    """支出进度 milestones of a region's year, e.g. "11月底前达到 90 %"."""

    region_code = _region_code(_("适用区划"))
    year = models.PositiveSmallIntegerField(_("年度"))
    due_on = models.DateField(_("截止日期"))
    percent = models.DecimalField(_("应达到支出进度（%）"), max_digits=5, decimal_places=2)
    source = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("支出进度要求")
        verbose_name_plural = _("支出进度要求")
        ordering = ["due_on"]

    def __str__(self) -> str:
        return f"{self.due_on} {self.percent}%"


# --- Project pool (项目库, DOMAIN §9) ---------------------------------------------------


class ProjectCategory(models.TextChoices):
    INDUSTRY = "industry", _("产业发展")
    EMPLOYMENT = "employment", _("就业项目")
    INFRASTRUCTURE = "infrastructure", _("乡村建设行动")
    RELOCATION = "relocation", _("易地搬迁后扶")
    GUARANTEES = "guarantees", _("巩固三保障成果")
    OTHER = "other", _("其他")


class ProjectState(models.TextChoices):
    TOWNSHIP = "township", _("待乡镇审核")
    ASSESSMENT = "assessment", _("待县级论证")
    DECISION = "decision", _("待县级审定")
    APPROVED = "approved", _("已入库")
    ACCEPTED = "accepted", _("已验收")
    RETURNED = "returned", _("退回修改")
    # Taken out of the pool by an approved yearly adjustment (年度调整); it may come back.
    REMOVED = "removed", _("已调出项目库")


class Project(models.Model):
    """A project of the pool: what DOMAIN §9 lists, the village's 四议两公开 record, the
    county's 论证 and the state of its 申报 → 审核 → 论证 → 审定 procedure."""

    village = models.ForeignKey(
        Region, verbose_name=_("申报村"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("入库年度"))
    name = models.CharField(_("项目名称"), max_length=200)
    category = models.CharField(_("项目类别"), max_length=20, choices=ProjectCategory.choices)
    location = models.CharField(_("建设地点"), max_length=200)
    department = models.CharField(_("主管部门"), max_length=100)
    responsible_person = models.CharField(_("责任人"), max_length=50)
    content = models.TextField(_("建设内容"))
    starts_on = models.DateField(_("开工日期"))
    ends_on = models.DateField(_("完工日期"))
    budget = _money(_("概算投资（元）"))
    subsidy_standard = models.CharField(_("补助标准"), max_length=200)
    benefit_mechanism = models.TextField(_("联农带农机制"))
    performance_target = models.TextField(_("绩效目标"))
    meeting_on = models.DateField(_("村民代表大会日期"))
    meeting_record = models.TextField(_("四议两公开记录"))
    feasibility = models.TextField(_("可行性论证"), blank=True)
    fund_plan = models.CharField(_("资金来源"), max_length=200, blank=True)
    state = models.CharField(
        _("状态"), max_length=12, choices=ProjectState.choices, default=ProjectState.TOWNSHIP
    )
    returned_from = models.CharField(
        _("退回环节"), max_length=12, choices=ProjectState.choices, blank=True
    )
    accepted_on = models.DateField(_("验收日期"), null=True, blank=True)
    acceptance_opinion = models.TextField(_("验收意见"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申报人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("申报时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("项目")
        verbose_name_plural = _("项目")
        ordering = ["-year", "village", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="finance_project_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name


class PoolAdjustment(models.Model):
    """年度调整 of the project pool: one project taken in (调入), taken out (调出) or
    replaced by another (替换) for a year, proposed and approved by two different county
    officials. The rows are the pool's history; nothing is deleted."""

    class Action(models.TextChoices):
        ADD = "add", _("调入")
        REMOVE = "remove", _("调出")
        REPLACE = "replace", _("替换")

    class State(models.TextChoices):
        PROPOSED = "proposed", _("待审批")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("未批准")

    county = models.ForeignKey(
        Region, verbose_name=_("县（市、区）"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("调整年度"))
    action = models.CharField(_("调整方式"), max_length=10, choices=Action.choices)
    # The project taken in (调入) or taken out (调出, 替换).
    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="adjustments"
    )
    # The project that takes the place of `project` (替换 only).
    replacement = models.ForeignKey(
        Project,
        verbose_name=_("替换为"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replacing_adjustments",
    )
    reason = models.TextField(_("调整理由"))
    state = models.CharField(
        _("状态"), max_length=10, choices=State.choices, default=State.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    opinion = models.TextField(_("审批意见"), blank=True)

    class Meta:
        verbose_name = _("项目库年度调整")
        verbose_name_plural = _("项目库年度调整")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action="replace", replacement__isnull=False)
                | (~models.Q(action="replace") & models.Q(replacement__isnull=True)),
                name="finance_pooladjustment_replacement_only_to_replace",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_action_display()} {self.project_id}"


# What each step of the procedure is called, by the state the project waits in.
STEP_LABELS = {
    ProjectState.TOWNSHIP: _("乡镇审核"),
    ProjectState.ASSESSMENT: _("县级论证"),
    ProjectState.DECISION: _("县级审定"),
    ProjectState.ACCEPTED: _("项目验收"),
}


class ProjectDecision(models.Model):
    """One decision at one step of a project's procedure (审核, 论证, 审定, 验收)."""

    class Decision(models.TextChoices):
        APPROVE = "approve", _("同意")
        RETURN = "return", _("退回修改")

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="decisions"
    )
    step = models.CharField(_("环节"), max_length=12, choices=ProjectState.choices)
    decision = models.CharField(_("结论"), max_length=10, choices=Decision.choices)
    opinion = models.TextField(_("意见"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办理人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("办理时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("项目审批记录")
        verbose_name_plural = _("项目审批记录")
        ordering = ["decided_at", "id"]

    def __str__(self) -> str:
        return f"{self.step_label} {self.get_decision_display()}"

    @property
    def step_label(self) -> str:
        return str(STEP_LABELS.get(ProjectState(self.step), self.get_step_display()))


class ProjectProgress(models.Model):
    """A monthly progress report of an approved project (项目月报)."""

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="progress_reports"
    )
    month = models.DateField(_("月份"))
    percent = models.PositiveSmallIntegerField(_("形象进度（%）"))
    note = models.TextField(_("进展情况"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("项目月报")
        verbose_name_plural = _("项目月报")
        ordering = ["month"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "month"], name="finance_projectprogress_one_per_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.percent}%"


class FundRelease(models.Model):
    """下达: part of an allocation assigned to an approved project."""

    allocation = models.ForeignKey(
        FundAllocation,
        verbose_name=_("资金分配"),
        on_delete=models.PROTECT,
        related_name="releases",
    )
    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="releases"
    )
    amount = _money(_("下达金额（元）"))
    released_on = models.DateField(_("下达日期"))

    class Meta:
        verbose_name = _("资金下达")
        verbose_name_plural = _("资金下达")
        ordering = ["released_on", "id"]

    def __str__(self) -> str:
        return f"{self.project_id} {self.amount}"


class FundEntry(models.Model):
    """到账 or 支出 of released money (使用登记)."""

    class Kind(models.TextChoices):
        ARRIVAL = "arrival", _("到账")
        SPENDING = "spending", _("支出")

    release = models.ForeignKey(
        FundRelease, verbose_name=_("资金下达"), on_delete=models.PROTECT, related_name="entries"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    amount = _money(_("金额（元）"))
    entered_on = models.DateField(_("日期"))
    note = models.CharField(_("摘要"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("资金到账与支出")
        verbose_name_plural = _("资金到账与支出")
        ordering = ["entered_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"


# --- Public notices (公告公示, DOMAIN §9) ------------------------------------------------


class NoticeKind(models.TextChoices):
    PROJECT = "project", _("项目入库公告")
    LOAN_SUBSIDY = "loan_subsidy", _("小额信贷贴息公示")
    FUND_ALLOCATION = "fund_allocation", _("资金分配公告")
    INDUSTRY_SUBSIDY = "industry_subsidy", _("到户产业奖补公示")


class NoticeSetting(models.Model):
    """The minimum days a notice kind stays on the boards in a region (≥ 10 for 乡村公示栏)."""

    region_code = _region_code(_("适用区划"))
    kind = models.CharField(_("公告类别"), max_length=20, choices=NoticeKind.choices)
    min_days = models.PositiveSmallIntegerField(_("最短公示天数"))
    source = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("公示期设置")
        verbose_name_plural = _("公示期设置")
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "kind"], name="finance_noticesetting_one_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region_code} {self.kind} {self.min_days}"


class PublicNotice(models.Model):
    """A published notice: title, issuer, period and rows of allow-listed fields only."""

    kind = models.CharField(_("公告类别"), max_length=20, choices=NoticeKind.choices)
    token = models.CharField(_("公开地址"), max_length=32, unique=True)
    region = models.ForeignKey(
        Region, verbose_name=_("发布区划"), on_delete=models.PROTECT, related_name="+"
    )
    subject_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    issuer = models.CharField(_("发布单位"), max_length=100)
    lead = models.TextField(_("导语"))
    columns = models.JSONField(_("列"), default=list)
    rows = models.JSONField(_("内容"), default=list)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("发布时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("公告公示")
        verbose_name_plural = _("公告公示")
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.title


# --- Project assets (扶贫项目资产, DOMAIN §9) -------------------------------------------


class AssetCategory(models.TextChoices):
    OPERATING = "operating", _("经营性资产")
    PUBLIC_WELFARE = "public_welfare", _("公益性资产")
    HOUSEHOLD = "household", _("到户类资产")


class OwnerLevel(models.TextChoices):
    COUNTY = "county", _("县级")
    TOWN = "town", _("乡镇级")
    VILLAGE = "village", _("村级")
    HOUSEHOLD = "household", _("户")


class IncomeRule(models.Model):
    """How an asset's income is shared (e.g. 光伏: at least 80 % to 公益岗位 wages, the rest
    to 小型公益事业), per region."""

    region_code = _region_code(_("适用区划"))
    name = models.CharField(_("名称"), max_length=100)
    min_post_percent = models.DecimalField(
        _("公益岗位工资最低比例（%）"), max_digits=5, decimal_places=2
    )
    source = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("收益分配规则")
        verbose_name_plural = _("收益分配规则")

    def __str__(self) -> str:
        return self.name


class Asset(models.Model):
    """An asset a completed project formed: category, owner, value, custodian, 确权."""

    project = models.ForeignKey(
        Project, verbose_name=_("形成项目"), on_delete=models.PROTECT, related_name="assets"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("资产名称"), max_length=200)
    category = models.CharField(_("资产类别"), max_length=20, choices=AssetCategory.choices)
    owner_level = models.CharField(_("权属层级"), max_length=10, choices=OwnerLevel.choices)
    owner = models.CharField(_("所有权人"), max_length=100)
    custodian = models.CharField(_("管护主体"), max_length=100)
    value = _money(_("资产原值（元）"))
    formed_on = models.DateField(_("形成日期"))
    confirmed_on = models.DateField(_("确权日期"))
    income_rule = models.ForeignKey(
        IncomeRule,
        verbose_name=_("收益分配规则"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_disposed = models.BooleanField(_("已处置"), default=False)

    class Meta:
        verbose_name = _("项目资产")
        verbose_name_plural = _("项目资产")
        ordering = ["region", "id"]

    def __str__(self) -> str:
        return self.name


class AssetEvent(models.Model):
    """登记, 移交, 收益分配 or 处置 of an asset."""

    class Kind(models.TextChoices):
        REGISTER = "register", _("登记")
        TRANSFER = "transfer", _("移交")
        DISTRIBUTION = "distribution", _("收益分配")
        DISPOSAL = "disposal", _("处置")

    asset = models.ForeignKey(
        Asset, verbose_name=_("资产"), on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("事项"), max_length=12, choices=Kind.choices)
    occurred_on = models.DateField(_("日期"))
    amount = _money(_("金额（元）"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("资产事项")
        verbose_name_plural = _("资产事项")
        ordering = ["occurred_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on}"


class Distribution(models.Model):
    """One share of a 收益分配: a 公益岗位 wage of one person, or money for a purpose."""

    class Kind(models.TextChoices):
        POST_WAGE = "post_wage", _("公益岗位工资")
        PUBLIC_WORKS = "public_works", _("小型公益事业")

    event = models.ForeignKey(
        AssetEvent, verbose_name=_("分配事项"), on_delete=models.PROTECT, related_name="shares"
    )
    kind = models.CharField(_("用途"), max_length=12, choices=Kind.choices)
    recipient = models.CharField(_("领取人或用途"), max_length=100)
    household = models.ForeignKey(
        Household,
        verbose_name=_("农户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    amount = _money(_("金额（元）"))

    class Meta:
        verbose_name = _("收益分配明细")
        verbose_name_plural = _("收益分配明细")
        ordering = ["event", "id"]

    def __str__(self) -> str:
        return f"{self.recipient} {self.amount}"


# --- Household industry subsidies (到户产业奖补) -------------------------------------------


class SubsidyStandard(models.Model):
    """The 奖补 standard of an industry in a region's year: per unit, and a cap per household."""

    region_code = _region_code(_("适用区划"))
    year = models.PositiveSmallIntegerField(_("年度"))
    industry = models.CharField(_("产业"), max_length=50)
    unit = models.CharField(_("计量单位"), max_length=10)
    amount_per_unit = _money(_("每单位奖补（元）"))
    max_per_household = _money(_("每户上限（元）"))
    source = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("产业奖补标准")
        verbose_name_plural = _("产业奖补标准")
        ordering = ["year", "industry"]

    def __str__(self) -> str:
        return f"{self.year} {self.industry}"


class SubsidyState(models.TextChoices):
    TOWNSHIP = "township", _("待乡镇审核")
    APPROVED = "approved", _("待发放")
    PAID = "paid", _("已发放")
    REJECTED = "rejected", _("未通过")


class SubsidyApplication(models.Model):
    """A household's 到户产业奖补: what it raised or grew, the village's on-site check, the
    township's review and the payment, at the standard in force."""

    household = models.ForeignKey(
        Household, verbose_name=_("农户"), on_delete=models.PROTECT, related_name="+"
    )
    village = models.ForeignKey(
        Region, verbose_name=_("所在村"), on_delete=models.PROTECT, related_name="+"
    )
    standard = models.ForeignKey(
        SubsidyStandard, verbose_name=_("奖补标准"), on_delete=models.PROTECT, related_name="+"
    )
    scale = models.DecimalField(_("规模"), max_digits=10, decimal_places=2)
    evidence = models.TextField(_("佐证材料"))
    checked_on = models.DateField(_("村级核实日期"))
    amount = _money(_("奖补金额（元）"))
    state = models.CharField(
        _("状态"), max_length=10, choices=SubsidyState.choices, default=SubsidyState.TOWNSHIP
    )
    review_opinion = models.TextField(_("乡镇审核意见"), blank=True)
    paid_on = models.DateField(_("发放日期"), null=True, blank=True)
    # The 产业帮扶 measure of the household's plan that the paid 奖补 counts as (issue #15).
    measure = models.ForeignKey(
        "assistance.Measure",
        verbose_name=_("帮扶措施"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("到户产业奖补")
        verbose_name_plural = _("到户产业奖补")
        ordering = ["village", "id"]

    def __str__(self) -> str:
        return f"{self.household_id} {self.standard}"
