"""Tallies: the registry's figures counted per village, so that a dashboard or a report of
a province adds up a few thousand rows instead of scanning millions of households. Each
county also has a totals row per combination (`is_county_total`, its code in
`village_code`), the sum of its villages' rows, so that a province or a city adds up a few
hundred (ADR 0028). They are derived data, rebuilt from the registry by
`fupin.reports.tallies` (ADR 0013), never edited by hand; exit-indicator records are the
app's own data."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class HouseholdTally(models.Model):
    """Households of one village sharing type, monitoring category, risk colour and status."""

    village_code = models.CharField(_("村级区划代码"), max_length=12)
    household_type = models.CharField(_("户类型"), max_length=20)
    monitoring_category = models.CharField(_("监测对象类别"), max_length=20, blank=True)
    risk_level = models.CharField(_("风险等级"), max_length=10, blank=True)
    status = models.CharField(_("状态"), max_length=20)
    households = models.PositiveIntegerField(_("户数"))
    people = models.PositiveIntegerField(_("人数"))
    # A county's totals row (ADR 0028): `village_code` holds the county's code.
    is_county_total = models.BooleanField(_("县合计行"), default=False, db_default=False)

    class Meta:
        verbose_name = _("农户统计")
        verbose_name_plural = _("农户统计")
        indexes = [
            models.Index(fields=["village_code"], name="reports_htally_village"),
            models.Index(
                fields=["village_code"],
                condition=models.Q(is_county_total=True),
                name="reports_htally_county",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.village_code} {self.household_type} {self.households}"


class IncomeTally(models.Model):
    """Households of one village whose per-capita net income of a year lies below or at or
    above the monitoring line (监测范围) that applied to the village that year."""

    class Band(models.TextChoices):
        BELOW = "below", _("低于监测范围")
        ABOVE = "above", _("达到或高于监测范围")
        NO_LINE = "no_line", _("未设置监测范围")

    village_code = models.CharField(_("村级区划代码"), max_length=12)
    year = models.PositiveSmallIntegerField(_("年度"))
    band = models.CharField(_("收入区间"), max_length=10, choices=Band.choices)
    line = models.DecimalField(
        _("监测范围"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    households = models.PositiveIntegerField(_("户数"))
    people = models.PositiveIntegerField(_("人数"))
    wage_income = models.DecimalField(_("工资性收入"), max_digits=16, decimal_places=2)
    business_income = models.DecimalField(_("生产经营性收入"), max_digits=16, decimal_places=2)
    property_income = models.DecimalField(_("财产性收入"), max_digits=16, decimal_places=2)
    transfer_income = models.DecimalField(_("转移性收入"), max_digits=16, decimal_places=2)
    business_expense = models.DecimalField(_("生产经营性支出"), max_digits=16, decimal_places=2)
    # A county's totals row (ADR 0028): `village_code` holds the county's code.
    is_county_total = models.BooleanField(_("县合计行"), default=False, db_default=False)

    class Meta:
        verbose_name = _("收入统计")
        verbose_name_plural = _("收入统计")
        indexes = [
            models.Index(fields=["village_code", "year"], name="reports_itally_village"),
            models.Index(fields=["year", "village_code"], name="reports_itally_year"),
            models.Index(
                fields=["village_code"],
                condition=models.Q(is_county_total=True),
                name="reports_itally_county",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.village_code} {self.year} {self.band} {self.households}"


class EventTally(models.Model):
    """Status events of one village in one month: how many households were identified for
    monitoring, had their risk eliminated, exited, returned or were cancelled."""

    village_code = models.CharField(_("村级区划代码"), max_length=12)
    kind = models.CharField(_("事件"), max_length=30)
    year = models.PositiveSmallIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"))
    monitoring_category = models.CharField(_("监测对象类别"), max_length=20, blank=True)
    elimination_method = models.CharField(_("风险消除方式"), max_length=20, blank=True)
    events = models.PositiveIntegerField(_("户次"))
    # A county's totals row (ADR 0028): `village_code` holds the county's code.
    is_county_total = models.BooleanField(_("县合计行"), default=False, db_default=False)

    class Meta:
        verbose_name = _("状态变更统计")
        verbose_name_plural = _("状态变更统计")
        indexes = [
            models.Index(fields=["village_code"], name="reports_etally_village"),
            models.Index(fields=["year", "kind"], name="reports_etally_year_kind"),
            models.Index(
                fields=["village_code"],
                condition=models.Q(is_county_total=True),
                name="reports_etally_county",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.village_code} {self.kind} {self.year}-{self.month} {self.events}"


class RiskTypeTally(models.Model):
    """Households of one village under monitoring now, by each risk type (致贫返贫风险) of
    the identification that put them there; a household with two risk types counts twice."""

    village_code = models.CharField(_("村级区划代码"), max_length=12)
    risk_type = models.CharField(_("风险类型"), max_length=4)
    households = models.PositiveIntegerField(_("户数"))
    # A county's totals row (ADR 0028): `village_code` holds the county's code.
    is_county_total = models.BooleanField(_("县合计行"), default=False, db_default=False)

    class Meta:
        verbose_name = _("风险类型统计")
        verbose_name_plural = _("风险类型统计")
        indexes = [
            models.Index(fields=["village_code"], name="reports_rtally_village"),
            models.Index(
                fields=["village_code"],
                condition=models.Q(is_county_total=True),
                name="reports_rtally_county",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.village_code} {self.risk_type} {self.households}"


class CoverageTally(models.Model):
    """The households of one village under monitoring (监测中) and how many of them each
    帮扶措施覆盖 figure counts, as of the day in the tally cursor (`coverage_counted_on`):
    a visit falls overdue and this year's plan stops counting as days pass, so the whole
    table is recounted on the first catch-up of each day (ADR 0022)."""

    village_code = models.CharField(_("村级区划代码"), max_length=12)
    monitored = models.PositiveIntegerField(_("监测中户数"))
    with_plan = models.PositiveIntegerField(_("有本年帮扶计划"))
    with_development = models.PositiveIntegerField(_("有已落实的开发式措施"))
    with_cadre = models.PositiveIntegerField(_("有帮扶责任人"))
    visit_overdue = models.PositiveIntegerField(_("走访逾期"))
    # A county's totals row (ADR 0028): `village_code` holds the county's code.
    is_county_total = models.BooleanField(_("县合计行"), default=False, db_default=False)

    class Meta:
        verbose_name = _("帮扶覆盖统计")
        verbose_name_plural = _("帮扶覆盖统计")
        indexes = [
            models.Index(
                fields=["village_code"],
                condition=models.Q(is_county_total=True),
                name="reports_ctally_county",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["village_code"], name="reports_coveragetally_one_per_village"
            )
        ]

    def __str__(self) -> str:
        return f"{self.village_code} {self.monitored}"


class TallyCursor(models.Model):
    """How far the tallies have followed the audit trail (one row)."""

    last_event_id = models.BigIntegerField(_("已处理的审计事件"), default=0)
    refreshed_at = models.DateTimeField(_("更新时间"), null=True, blank=True)
    is_complete = models.BooleanField(_("已全量生成"), default=False)
    recount_requested_at = models.DateTimeField(_("请求后台统计时间"), null=True, blank=True)
    # The day the coverage tally counts as of; another day means it is due for a recount.
    coverage_counted_on = models.DateField(_("帮扶覆盖统计日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("统计进度")
        verbose_name_plural = _("统计进度")

    def __str__(self) -> str:
        return f"{self.last_event_id}"


class VillageExitRecord(models.Model):
    """A village's exit (出列) data for one year: its rural population and the values of
    its province's indicator set, with the evidence each rests on."""

    village_code = models.CharField(_("村级区划代码"), max_length=12)
    year = models.PositiveSmallIntegerField(_("年度"))
    indicator_set = models.CharField(_("指标体系"), max_length=40)
    rural_population = models.PositiveIntegerField(_("乡村总人口"))
    # {item code: {"met": bool, "value": str, "evidence": str}}
    values = models.JSONField(_("指标取值"), default=dict, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("录入时间"), auto_now=True)

    class Meta:
        verbose_name = _("村出列指标")
        verbose_name_plural = _("村出列指标")
        constraints = [
            models.UniqueConstraint(
                fields=["village_code", "year"], name="reports_villageexitrecord_one_per_year"
            ),
            models.CheckConstraint(
                condition=models.Q(rural_population__gt=0),
                name="reports_villageexitrecord_has_population",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.village_code} {self.year}"


class VillageExitIndicatorSet(models.Model):
    """The indicators a province checks before a village exits (出列), for a span of years.

    Provinces chose different sets (一降五通七有, 十一有一低于, 577, …) and the poverty-rate
    threshold differs between the west (3 %) and elsewhere (2 %), so both are configuration
    (DOMAIN §6, §13): a region's set is the most specific one that covers the year.
    """

    code = models.CharField(_("代码"), max_length=40)
    name = models.CharField(_("名称"), max_length=100)
    region_code = models.CharField(_("适用区划"), max_length=12, blank=True)
    first_year = models.PositiveSmallIntegerField(_("起始年度"))
    last_year = models.PositiveSmallIntegerField(_("截止年度"))
    poverty_rate_threshold = models.DecimalField(
        _("贫困发生率上限（%）"), max_digits=5, decimal_places=2
    )
    # [{"code": "water", "label": "通水"}, …] in the order the set lists them.
    items = models.JSONField(_("指标"), default=list)
    basis = models.CharField(_("依据"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("村出列指标体系")
        verbose_name_plural = _("村出列指标体系")
        ordering = ["region_code", "first_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "first_year"], name="reports_exitindicatorset_one_per_start"
            ),
            models.CheckConstraint(
                condition=models.Q(last_year__gte=models.F("first_year")),
                name="reports_exitindicatorset_years_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.region_code or '全国'} {self.first_year}–{self.last_year}"


class MultidimensionalSetting(models.Model):
    """The weights and poverty cutoff k of the Alkire–Foster measure for a region from a
    year on (DOMAIN §11: configuration, not constants). The most specific region wins, then
    the latest first year not after the year asked."""

    region_code = models.CharField(_("适用区划"), max_length=12, blank=True)
    first_year = models.PositiveSmallIntegerField(_("起始年度"))
    # Written as fractions ("1/10") so that equal weights sum exactly to k.
    k = models.CharField(_("贫困临界值 k"), max_length=20)
    weights = models.JSONField(_("指标权重"), default=dict)
    # 合规自付医疗支出 above this share of the household's net income counts as a heavy
    # medical burden; empty: the indicator is not assessed (the share is not settled).
    medical_burden_share = models.DecimalField(
        _("医疗负担占收入比例"), max_digits=5, decimal_places=4, null=True, blank=True
    )
    basis = models.CharField(_("依据"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("多维贫困测量设置")
        verbose_name_plural = _("多维贫困测量设置")
        ordering = ["region_code", "first_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "first_year"], name="reports_afsetting_one_per_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_code or '全国'} {self.first_year} k={self.k}"


class CountyExitStandard(models.Model):
    """The limits of a county's exit test (三率一度) for a region from a year on: 综合贫困
    发生率 below 2 % (3 % in the west), 错退率 and 漏评率 below 2 %, 群众认可度 above 90 %;
    some provinces set stricter ones (DOMAIN §6), so they are configuration."""

    region_code = models.CharField(_("适用区划"), max_length=12, blank=True)
    first_year = models.PositiveSmallIntegerField(_("起始年度"))
    poverty_rate_max = models.DecimalField(
        _("综合贫困发生率上限（%）"), max_digits=5, decimal_places=2
    )
    wrong_exit_max = models.DecimalField(_("错退率上限（%）"), max_digits=5, decimal_places=2)
    missed_max = models.DecimalField(_("漏评率上限（%）"), max_digits=5, decimal_places=2)
    approval_min = models.DecimalField(_("群众认可度下限（%）"), max_digits=5, decimal_places=2)
    basis = models.CharField(_("依据"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("县退出标准")
        verbose_name_plural = _("县退出标准")
        ordering = ["region_code", "first_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "first_year"], name="reports_exitstandard_one_per_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_code or '全国'} {self.first_year}"


class ExitSurvey(models.Model):
    """A county's exit sampling survey for a year: half the sample inside the registry
    (脱贫户, for 错退), half outside (一般农户, for 漏评), drawn per township."""

    county_code = models.CharField(_("县级区划代码"), max_length=12)
    year = models.PositiveSmallIntegerField(_("年度"))
    households_per_stratum = models.PositiveIntegerField(_("每层抽样户数"))
    seed = models.PositiveIntegerField(_("随机种子"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("抽样人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("抽样时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("退出抽样调查")
        verbose_name_plural = _("退出抽样调查")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.county_code} {self.year}"


class ExitSurveyEntry(models.Model):
    """One sampled household and what the phone call or visit found."""

    class Stratum(models.TextChoices):
        REGISTERED = "registered", _("建档立卡脱贫户")
        OUTSIDE = "outside", _("未建档立卡农户")

    class Method(models.TextChoices):
        PHONE = "phone", _("电话")
        VISIT = "visit", _("入户")

    survey = models.ForeignKey(
        ExitSurvey, verbose_name=_("抽样调查"), on_delete=models.PROTECT, related_name="entries"
    )
    stratum = models.CharField(_("抽样层"), max_length=12, choices=Stratum.choices)
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("农户"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    village_code = models.CharField(_("村级区划代码"), max_length=12)
    people = models.PositiveIntegerField(_("人数"))
    method = models.CharField(_("调查方式"), max_length=10, choices=Method.choices, blank=True)
    is_surveyed = models.BooleanField(_("已调查"), default=False)
    # 错退: income not stably above the line, or 两不愁三保障 unmet (registered stratum).
    is_wrong_exit = models.BooleanField(_("错退"), default=False)
    # 漏评: people eligible but not registered (outside stratum; a whole household or some).
    missed_people = models.PositiveIntegerField(_("漏评人数"), default=0)
    approves = models.BooleanField(_("认可"), null=True, blank=True)
    surveyed_at = models.DateTimeField(_("调查时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("抽样调查户")
        verbose_name_plural = _("抽样调查户")
        ordering = ["survey_id", "stratum", "village_code", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "household"], name="reports_exitsurveyentry_once_per_survey"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id} {self.household_id}"
