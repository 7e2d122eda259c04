"""Assistance (帮扶): responsible cadres and their households, village work teams, one plan
per household and year with its measures, risk records, monthly income and visits."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fupin.registry import codes
from fupin.registry.models import Household, Member, Region


class MeasureCategory(models.Model):
    """帮扶措施类别: the national code table [100A39…100A55], changed only by migration."""

    code = models.CharField(_("代码"), max_length=10, primary_key=True)
    name = models.CharField(_("名称"), max_length=30)
    is_development = models.BooleanField(_("开发式帮扶"))
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        ordering = ["order"]
        verbose_name = _("帮扶措施类别")
        verbose_name_plural = _("帮扶措施类别")

    def __str__(self) -> str:
        return self.name


class AssistanceSetting(models.Model):
    """The assistance rules of a region ("" nationwide, or a province, city or county code);
    the most specific row whose code prefixes a household's village applies."""

    region_code = models.CharField(_("区划代码"), max_length=12, unique=True, blank=True)
    max_households_per_cadre = models.PositiveSmallIntegerField(_("每名帮扶责任人最多联系户数"))
    assign_working_days = models.PositiveSmallIntegerField(_("识别后落实帮扶责任人时限（工作日）"))
    min_measures_per_household = models.PositiveSmallIntegerField(_("每户最少帮扶措施数"))
    min_development_measures = models.PositiveSmallIntegerField(_("有劳动能力户最少开发式措施数"))
    # Days between visits by the household's risk level ("" when not assessed).
    visit_days_by_level = models.JSONField(_("走访频次（天）"), default=dict)
    visit_warning_days = models.PositiveSmallIntegerField(_("走访临期提醒（天）"), default=3)
    # Risk type code [100A27] -> the measure category codes that address it.
    risk_coverage = models.JSONField(_("风险与措施类别对应"), default=dict)
    basis = models.CharField(_("依据"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("帮扶规则")
        verbose_name_plural = _("帮扶规则")

    def __str__(self) -> str:
        return self.region_code or str(_("全国"))


class CadreLevel(models.TextChoices):
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")
    TOWN = "town", _("乡级")
    VILLAGE = "village", _("村级")


class Cadre(models.Model):
    """帮扶责任人 (包保干部): a cadre who helps households in one county's villages."""

    name = models.CharField(_("姓名"), max_length=50)
    unit = models.CharField(_("工作单位"), max_length=100)
    post = models.CharField(_("职务"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20)
    level = models.CharField(_("干部级别"), max_length=10, choices=CadreLevel.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("帮扶区域"), on_delete=models.PROTECT, related_name="+"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assistance_cadre",
    )
    is_active = models.BooleanField(_("在岗"), default=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("帮扶责任人")
        verbose_name_plural = _("帮扶责任人")

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）"


class CadreAssignment(models.Model):
    """Who helps a household from when to when; ended rows are the history."""

    cadre = models.ForeignKey(
        Cadre, verbose_name=_("帮扶责任人"), on_delete=models.PROTECT, related_name="assignments"
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("农户"),
        on_delete=models.PROTECT,
        related_name="cadre_assignments",
    )
    started_on = models.DateField(_("开始日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    end_reason = models.CharField(_("结束原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = _("结对帮扶")
        verbose_name_plural = _("结对帮扶")
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(ended_on__isnull=True),
                name="assistance_cadreassignment_one_current_per_household",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="assistance_cadreassignment_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre.name} → {self.household.number}"


class TeamPost(models.TextChoices):
    FIRST_SECRETARY = "first_secretary", _("第一书记")
    LEADER = "leader", _("工作队队长")
    MEMBER = "member", _("工作队队员")


class WorkTeamMember(models.Model):
    """驻村工作队: one person's stay in one village's team."""

    village = models.ForeignKey(
        Region, verbose_name=_("驻村"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("姓名"), max_length=50)
    unit = models.CharField(_("派出单位"), max_length=100)
    post = models.CharField(_("职务"), max_length=20, choices=TeamPost.choices)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    started_on = models.DateField(_("驻村开始日期"))
    ended_on = models.DateField(_("驻村结束日期"), null=True, blank=True)

    class Meta:
        ordering = ["village_id", "-started_on", "id"]
        verbose_name = _("驻村工作队成员")
        verbose_name_plural = _("驻村工作队成员")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="assistance_workteammember_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_post_display()}）"


class HelpPlan(models.Model):
    """一户一方案: one plan per household and year."""

    household = models.ForeignKey(
        Household, verbose_name=_("农户"), on_delete=models.PROTECT, related_name="help_plans"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    drafted_on = models.DateField(_("制定日期"))
    note = models.CharField(_("帮扶思路"), max_length=500, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("帮扶计划")
        verbose_name_plural = _("帮扶计划")
        constraints = [
            models.UniqueConstraint(
                fields=["household", "year"], name="assistance_helpplan_one_per_household_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household.number} {self.year}"


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("计划中")
    IN_PLACE = "in_place", _("已落实")
    FINISHED = "finished", _("已完成")
    STOPPED = "stopped", _("已终止")


class Measure(models.Model):
    """一人一措施: one measure of a plan, for the household or one of its members."""

    plan = models.ForeignKey(
        HelpPlan, verbose_name=_("帮扶计划"), on_delete=models.PROTECT, related_name="measures"
    )
    household = models.ForeignKey(
        Household, verbose_name=_("农户"), on_delete=models.PROTECT, related_name="+"
    )
    member = models.ForeignKey(
        Member,
        verbose_name=_("受益成员"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    category = models.ForeignKey(
        MeasureCategory, verbose_name=_("措施类别"), on_delete=models.PROTECT, related_name="+"
    )
    subtype = models.CharField(_("具体措施"), max_length=100)
    is_development = models.BooleanField(_("开发式帮扶"))
    amount = models.DecimalField(
        _("金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    quantity = models.CharField(_("数量"), max_length=50, blank=True)
    funding_source = models.CharField(_("资金来源"), max_length=100, blank=True)
    responsible_unit = models.CharField(_("责任单位"), max_length=100)
    started_on = models.DateField(_("开始日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED
    )
    evidence = models.CharField(_("佐证材料"), max_length=500, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["started_on", "id"]
        verbose_name = _("帮扶措施")
        verbose_name_plural = _("帮扶措施")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="assistance_measure_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["household", "status"], name="assistance_measure_status")]

    def __str__(self) -> str:
        return f"{self.category.name}：{self.subtype}"


class RiskSource(models.TextChoices):
    IDENTIFICATION = "identification", _("识别认定")
    VISIT = "visit", _("走访发现")
    DEPARTMENT = "department", _("部门信息")
    OTHER = "other", _("其他")


class RiskRecord(models.Model):
    """One 致贫/返贫风险 of a household, open until it is recorded as 消除."""

    household = models.ForeignKey(
        Household, verbose_name=_("农户"), on_delete=models.PROTECT, related_name="risk_records"
    )
    risk_type = models.CharField(_("风险类型"), max_length=2, choices=codes.RiskType.choices)
    found_on = models.DateField(_("发现日期"))
    source = models.CharField(_("发现来源"), max_length=20, choices=RiskSource.choices)
    description = models.CharField(_("风险情况"), max_length=500, blank=True)
    resolved_on = models.DateField(_("消除日期"), null=True, blank=True)
    resolution = models.CharField(_("消除方式及情况"), max_length=500, blank=True)
    evidence = models.CharField(_("佐证材料"), max_length=500, blank=True)

    class Meta:
        ordering = ["found_on", "id"]
        verbose_name = _("风险记录")
        verbose_name_plural = _("风险记录")
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True) | Q(resolved_on__gte=models.F("found_on")),
                name="assistance_riskrecord_resolved_after_found",
            ),
        ]

    def __str__(self) -> str:
        return self.get_risk_type_display()


class Visit(models.Model):
    """走访: a cadre's visit to a household, outside any identification case."""

    household = models.ForeignKey(
        Household, verbose_name=_("农户"), on_delete=models.PROTECT, related_name="visits"
    )
    cadre = models.ForeignKey(
        Cadre,
        verbose_name=_("走访人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
    )
    visited_on = models.DateField(_("走访日期"))
    met_person = models.CharField(_("见到的人"), max_length=50)
    household_income = models.DecimalField(
        _("本月家庭收入（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    employment_change = models.CharField(_("就业变化"), max_length=500, blank=True)
    problems = models.CharField(_("发现的问题"), max_length=1000, blank=True)
    measures_checked = models.CharField(_("核实的措施"), max_length=500, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    # A phone retries a visit it could not confirm; the token makes the retry a no-op.
    client_token = models.CharField(_("提交标识"), max_length=64, unique=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        indexes = [models.Index(fields=["household", "visited_on"], name="assistance_visit_day")]

    def __str__(self) -> str:
        return f"{self.household.number} {self.visited_on}"


class VisitPhoto(models.Model):
    visit = models.ForeignKey(
        Visit, verbose_name=_("走访记录"), on_delete=models.CASCADE, related_name="photos"
    )
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    content = models.BinaryField(_("内容"))

    class Meta:
        verbose_name = _("走访照片")
        verbose_name_plural = _("走访照片")

    def __str__(self) -> str:
        return self.name


class MonthlyIncome(models.Model):
    """A household's income in one month, from a visit or a monthly entry."""

    household = models.ForeignKey(
        Household,
        verbose_name=_("农户"),
        on_delete=models.PROTECT,
        related_name="monthly_incomes",
    )
    month = models.DateField(_("月份"))
    amount = models.DecimalField(_("家庭收入（元）"), max_digits=12, decimal_places=2)
    visit = models.ForeignKey(
        Visit,
        verbose_name=_("来自走访"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now=True)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("月度收入")
        verbose_name_plural = _("月度收入")
        constraints = [
            models.UniqueConstraint(
                fields=["household", "month"], name="assistance_monthlyincome_one_per_month"
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="assistance_monthlyincome_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household.number} {self.month:%Y-%m}"
