import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PolicyParameter(models.Model):
    """A policy threshold for a region and year (监测范围 and the rules' other parameters).

    Resolved by the most specific region: a county's value wins over its province's, which
    wins over the nationwide one (empty region code). A value is either set directly or
    derived as `multiplier × base` (e.g. 2 × the rural 低保 standard × 12).
    """

    name = models.CharField(_("参数"), max_length=60)
    region_code = models.CharField(_("区划代码"), max_length=12, blank=True, db_index=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    value = models.DecimalField(_("取值"), max_digits=14, decimal_places=4, null=True, blank=True)
    base_value = models.DecimalField(
        _("基数"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    multiplier = models.DecimalField(
        _("倍数"), max_digits=8, decimal_places=4, null=True, blank=True
    )
    basis = models.CharField(_("依据"), max_length=200, blank=True)
    document_number = models.CharField(_("文号"), max_length=100, blank=True)
    source_url = models.URLField(_("来源"), blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("设置人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("政策参数")
        verbose_name_plural = _("政策参数")
        ordering = ["name", "region_code", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "region_code", "year"],
                name="assessment_policyparameter_one_per_region_year",
            ),
            models.CheckConstraint(
                condition=models.Q(value__isnull=False, base_value__isnull=True)
                | models.Q(value__isnull=True, base_value__isnull=False, multiplier__isnull=False),
                name="assessment_policyparameter_direct_or_derived",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.region_code or '全国'} {self.year}"

    @property
    def effective_value(self) -> Decimal:
        if self.value is not None:
            return self.value
        assert self.base_value is not None
        assert self.multiplier is not None
        return self.base_value * self.multiplier


class RuleSetRecord(models.Model):
    """A stored rule set (its definition is the engine's JSON form)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        RETIRED = "retired", _("已停用")

    code = models.CharField(_("规则集代码"), max_length=60)
    version = models.PositiveIntegerField(_("版本"))
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    region_code = models.CharField(_("适用区划"), max_length=12, blank=True)
    effective_from = models.DateField(_("生效日期"))
    effective_to = models.DateField(_("失效日期"), null=True, blank=True)
    definition = models.JSONField(_("定义"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("规则集")
        verbose_name_plural = _("规则集")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"], name="assessment_rulesetrecord_unique_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}@{self.version}"

    @property
    def title(self) -> str:
        """The Chinese title pages show; the code is an identifier for files and commands."""
        return str(self.definition.get("title") or self.code)


class AssessmentRun(models.Model):
    """One evaluation of a rule set over one household or a region subtree."""

    rule_set = models.ForeignKey(
        RuleSetRecord, verbose_name=_("规则集"), on_delete=models.PROTECT, related_name="runs"
    )
    region_code = models.CharField(_("区划代码"), max_length=12, blank=True, db_index=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    parameters = models.JSONField(_("参数"), default=dict)
    households = models.PositiveIntegerField(_("户数"), default=0)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    seconds = models.FloatField(_("用时（秒）"), default=0)
    # Runs over listed households (one household's page, the catch-up of changed ones)
    # leave the region's other households alone; a region run covers all of them.
    is_listed_households = models.BooleanField(_("仅评估指定农户"), default=False)
    # How many outcomes the run wrote: only those that differ from the household's
    # current one (same facts and same decision are kept by reference, ADR 0016).
    outcomes_written = models.PositiveIntegerField(_("写入结果数"), default=0)
    # The order of the values in its outcomes' `facts` arrays.
    fact_names = models.JSONField(_("事实字段"), default=list)
    # What decided its outcomes besides each household's facts and the parameters: the
    # rule set's definition (a fingerprint), the facts' day and the kept facts it read. A
    # region run decided by the same as the region's previous one compares only the
    # households changed since (ADR 0031).
    decided_by = models.JSONField(_("评估依据"), default=dict)

    class Meta:
        verbose_name = _("评估批次")
        verbose_name_plural = _("评估批次")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.rule_set} {self.region_code} {self.year}"


class RiskLevel(models.TextChoices):
    RED = "red", _("红色（极易返贫致贫）")
    ORANGE = "orange", _("橙色（容易返贫致贫）")
    BLUE = "blue", _("蓝色（不易返贫致贫）")


class AssessmentOutcome(models.Model):
    """One household's outcome in one run; appended, never overwritten."""

    # No database constraints on the references of these append-only rows (ADR 0025): a
    # run COPYs up to millions of them, and a constraint checks each row at commit and
    # locks its household row (FOR KEY SHARE), rewriting every page of the registry.
    # Django still protects: a run or household with outcomes cannot be deleted.
    run = models.ForeignKey(
        AssessmentRun,
        verbose_name=_("评估批次"),
        on_delete=models.PROTECT,
        related_name="outcomes",
        db_constraint=False,
        # Nothing looks outcomes up by run (runs are never deleted, current outcomes are
        # written from the run's own frame), and one value repeated a million times made
        # this index cost a third of a first run's COPY (ADR 0030).
        db_index=False,
    )
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("农户"),
        on_delete=models.PROTECT,
        related_name="assessment_outcomes",
        db_constraint=False,
        # assessment_outcome_latest (household, -run) serves every lookup by household.
        db_index=False,
    )
    monitoring_eligible = models.BooleanField(_("符合监测条件"))
    monitoring_category = models.CharField(_("监测对象类别"), max_length=20, blank=True)
    risk_level = models.CharField(
        _("风险等级"), max_length=10, choices=RiskLevel.choices, blank=True
    )
    elimination_eligible = models.BooleanField(_("可风险消除"))
    exit_ok = models.BooleanField(_("符合脱贫标准"))
    fired = models.JSONField(_("触发的规则"), default=list)
    # The facts as evaluated: with the run's rule set and parameters they reproduce the
    # full explanation (messages and the values that fired each rule) at any time. Written
    # as the JSON text of an array in the order of the run's `fact_names`, in a text
    # column the server stores as it comes: parsing a million of them into jsonb cost
    # the server most of a run's outcome write (ADR 0030). Older outcomes keep `facts`
    # (an array, or before that an object) and leave `facts_text` empty.
    facts = models.JSONField(_("事实"), null=True, blank=True)
    facts_text = models.TextField(_("事实（文本）"), blank=True, default="")
    # Fingerprints a later run compares with, to write only what changed (ADR 0016).
    facts_hash = models.BigIntegerField(_("事实指纹"), null=True, blank=True)
    decision_hash = models.BigIntegerField(_("结论指纹"), null=True, blank=True)

    class Meta:
        verbose_name = _("评估结果")
        verbose_name_plural = _("评估结果")
        ordering = ["household_id", "-run_id"]
        indexes = [models.Index(fields=["household", "-run"], name="assessment_outcome_latest")]

    def __str__(self) -> str:
        return f"{self.household_id} @ {self.run_id}"


class CurrentOutcome(models.Model):
    """Each household's current outcome and its fingerprints.

    A run compares every household's new facts and decision with these and writes an
    outcome only where one differs; an unchanged household keeps its outcome, which the
    run's rule set and parameters explain exactly as before because the facts are the same.
    """

    # Without database constraints, as the outcomes' references (ADR 0025); nothing looks
    # a row up by its outcome, so that column has no index either.
    household = models.OneToOneField(
        "registry.Household",
        verbose_name=_("农户"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="current_outcome",
        db_constraint=False,
    )
    outcome = models.ForeignKey(
        AssessmentOutcome,
        verbose_name=_("评估结果"),
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    facts_hash = models.BigIntegerField(_("事实指纹"))
    decision_hash = models.BigIntegerField(_("结论指纹"))

    class Meta:
        verbose_name = _("当前评估结果")
        verbose_name_plural = _("当前评估结果")

    def __str__(self) -> str:
        return f"{self.household_id} → {self.outcome_id}"


class FactsSnapshot(models.Model):
    """A region's facts for a year, day and monitoring line, kept between runs and
    simulations.

    Stored in the database beside what it was read from (a Parquet file in a binary
    column), so every worker process shares it and a test database never sees another's.
    Each row of the frame keeps the household's change mark version read before its facts
    (`registry.StaleHousehold`): a household whose mark moved on is read again, the rest
    come from here (ADR 0016). `token` changes with every save, so a process may keep the
    decoded frame and know when another process replaced it.
    """

    region_code = models.CharField(_("区划代码"), max_length=12, blank=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    as_of = models.DateField(_("事实时点"))
    monitoring_line = models.DecimalField(_("监测范围"), max_digits=14, decimal_places=4)
    households = models.PositiveIntegerField(_("户数"), default=0)
    data = models.BinaryField(_("事实数据"))
    token = models.UUIDField(_("版本标识"), default=uuid.uuid4)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("事实缓存")
        verbose_name_plural = _("事实缓存")
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "year", "as_of", "monitoring_line"],
                name="assessment_factssnapshot_one_per_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_code or '全国'} {self.year} {self.as_of}"
