"""Department feeds (部门数据), the comparison rules that read them, what they produced,
data-quality findings (疑点) and the tokens departments push with (DOMAIN §10)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fupin.monitoring.models import RiskClue
from fupin.registry.models import Household, Member, Region


class FeedKind(models.TextChoices):
    """The departments' data classes; each has its template in `imports.feeds`."""

    MEDICAL = "medical", _("医保")
    CIVIL_AFFAIRS = "civil_affairs", _("民政")
    DISABILITY = "disability", _("残联")
    HOUSING = "housing", _("住建")
    EDUCATION = "education", _("教育")
    POLICE = "police", _("公安")
    HUMAN_RESOURCES = "human_resources", _("人社")
    VEHICLE = "vehicle", _("车辆")
    REAL_ESTATE = "real_estate", _("不动产")
    ENTERPRISE = "enterprise", _("市场主体")
    PUBLIC_PAYROLL = "public_payroll", _("财政供养人员")


class FeedChannel(models.TextChoices):
    UPLOAD = "upload", _("网页上传")
    COMMAND = "command", _("命令行")
    API = "api", _("接口推送")


class FeedBatch(models.Model):
    """One delivery of a feed for a period and region, whoever sent it and how."""

    kind = models.CharField(_("数据类别"), max_length=20, choices=FeedKind.choices)
    period = models.CharField(_("数据期别"), max_length=7)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("区划")
    )
    channel = models.CharField(_("报送方式"), max_length=10, choices=FeedChannel.choices)
    filename = models.CharField(_("文件名"), max_length=200, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("报送人"),
    )
    rows_received = models.PositiveIntegerField(_("收到行数"), default=0)
    rows_new = models.PositiveIntegerField(_("新增行数"), default=0)
    rows_matched = models.PositiveIntegerField(_("比中在册人员"), default=0)
    clues_opened = models.PositiveIntegerField(_("新增线索"), default=0)
    clues_merged = models.PositiveIntegerField(_("并入线索"), default=0)
    findings_opened = models.PositiveIntegerField(_("新增疑点"), default=0)
    created_at = models.DateTimeField(_("报送时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("部门数据批次")
        verbose_name_plural = _("部门数据批次")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["region", "kind", "period"], name="departments_batch_find")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period}"


class FeedRow(models.Model):
    """One row of a feed about a person registered in the region, kept once per (kind,
    region, period): `row_key` is a digest of its normalized values, so the same row sent
    twice is stored once. Rows about anyone else are counted, not kept."""

    # Rows are found by period and key; an index on the batch would only slow the COPY of
    # a province's feed, and a database constraint would check each of its million rows
    # against the one batch written just before them (ADR 0024).
    batch = models.ForeignKey(
        FeedBatch,
        on_delete=models.PROTECT,
        related_name="rows",
        db_index=False,
        db_constraint=False,
    )
    kind = models.CharField(_("数据类别"), max_length=20, choices=FeedKind.choices)
    period = models.CharField(_("数据期别"), max_length=7)
    region_code = models.CharField(_("区划代码"), max_length=12)
    row_number = models.PositiveIntegerField(_("原行号"))
    id_number = models.CharField(_("证件号码"), max_length=18)
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    values = models.JSONField(_("数据"), default=dict)
    row_key = models.CharField(max_length=32)

    class Meta:
        verbose_name = _("部门数据行")
        verbose_name_plural = _("部门数据行")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "region_code", "period", "row_key"],
                name="departments_feedrow_once_per_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.period} #{self.row_number}"


class RuleOutcome(models.TextChoices):
    CLUE = "clue", _("风险线索")
    FINDING = "finding", _("疑点核实")


class RuleOperator(models.TextChoices):
    AT_LEAST = "gte", _("不低于")
    ONE_OF = "in", _("属于")
    ANY = "any", _("任何记录")


class HouseholdsAffected(models.TextChoices):
    """Which registered households a rule looks at."""

    ANY = "any", _("在册农户")
    # 脱贫户 and monitored households: the exclusion checks of DOMAIN §5.7.
    AIDED = "aided", _("脱贫户和监测户")


class ComparisonRule(models.Model):
    """A comparison rule as configuration (DOMAIN §13): which feed, which field and test,
    and whether a match opens a risk clue or a 疑点 for the township to verify. A region's
    own rule replaces the rule of the same code above it."""

    code = models.CharField(_("规则编号"), max_length=40)
    region_code = models.CharField(_("适用区划"), max_length=12, blank=True)
    feed_kind = models.CharField(_("数据类别"), max_length=20, choices=FeedKind.choices)
    label = models.CharField(_("规则名称"), max_length=100)
    field = models.CharField(_("比对字段"), max_length=40, blank=True)
    operator = models.CharField(_("条件"), max_length=5, choices=RuleOperator.choices)
    value = models.CharField(_("取值"), max_length=200, blank=True)
    # 合规自付 counts per person and year across the year's monthly periods.
    per_year_total = models.BooleanField(_("按年累计"), default=False)
    outcome = models.CharField(_("结果"), max_length=10, choices=RuleOutcome.choices)
    risk_type = models.CharField(_("风险类型"), max_length=2, blank=True)
    households = models.CharField(
        _("适用农户"),
        max_length=10,
        choices=HouseholdsAffected.choices,
        default=HouseholdsAffected.ANY,
    )
    weight = models.FloatField(_("质量权重"), default=1.0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("比对规则")
        verbose_name_plural = _("比对规则")
        ordering = ["feed_kind", "code", "region_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "region_code"], name="departments_comparisonrule_one_per_region"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class QualityRule(models.Model):
    """A data-quality (疑点) rule over the registry: on or off and its weight in the quality
    index, per region (a region's own row replaces the one above it). What each code tests
    is in `departments.quality_rules`; the DOMAIN §10.2 ids are kept as codes."""

    code = models.CharField(_("规则编号"), max_length=40)
    region_code = models.CharField(_("适用区划"), max_length=12, blank=True)
    label = models.CharField(_("规则名称"), max_length=100)
    weight = models.FloatField(_("质量权重"), default=1.0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("疑点规则")
        verbose_name_plural = _("疑点规则")
        ordering = ["code", "region_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "region_code"], name="departments_qualityrule_one_per_region"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class FindingStatus(models.TextChoices):
    VILLAGE = "village", _("待村级核实")
    TOWNSHIP = "township", _("待乡镇审核")
    CLOSED = "closed", _("已销号")


class FindingVerdict(models.TextChoices):
    TRUE = "true", _("核实属实")
    FALSE = "false", _("核实不属实")


class Finding(models.Model):
    """A 疑点: a rule says something about a household may be wrong. The village verifies
    it (属实: fixed through the normal forms; 不属实: with evidence), the township reviews and
    closes it or sends it back."""

    rule_code = models.CharField(_("规则编号"), max_length=40)
    rule_label = models.CharField(_("规则名称"), max_length=100)
    # The finding's subject within its rule (a household, a member or a feed row), so a
    # rerun finds it again instead of opening a second one.
    subject_key = models.CharField(max_length=60)
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="+", verbose_name=_("农户")
    )
    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("成员"),
    )
    village = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("村")
    )
    feed_row = models.ForeignKey(
        FeedRow,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("部门数据行"),
    )
    detail = models.CharField(_("疑点说明"), max_length=300)
    weight = models.FloatField(_("质量权重"), default=1.0)
    status = models.CharField(
        _("状态"), max_length=10, choices=FindingStatus.choices, default=FindingStatus.VILLAGE
    )
    verdict = models.CharField(
        _("核实结论"), max_length=5, choices=FindingVerdict.choices, blank=True
    )
    evidence = models.TextField(_("核实说明"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("核实人"),
    )
    answered_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    review_note = models.CharField(_("审核意见"), max_length=300, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审核人"),
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("发现时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("疑点")
        verbose_name_plural = _("疑点")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule_code", "subject_key"],
                condition=~models.Q(status="closed"),
                name="departments_finding_one_open_per_subject",
            )
        ]
        indexes = [
            models.Index(fields=["village", "status"], name="departments_finding_village"),
        ]

    def __str__(self) -> str:
        return f"{self.rule_code} {self.household_id}"

    @property
    def national_rule_id(self) -> str:
        """The national rule id the finding cites (DOMAIN §10.2, e.g. 4_11_013), or ""
        for the rules of our own (their codes are not for the page)."""
        return self.rule_code if self.rule_code.replace("_", "").isdigit() else ""


class FeedResult(models.Model):
    """What one rule made of one feed row: a clue (new or merged) or a 疑点. One per (rule,
    row), so comparing a period again creates nothing."""

    rule_code = models.CharField(_("规则编号"), max_length=40)
    feed_row = models.ForeignKey(FeedRow, on_delete=models.PROTECT, related_name="results")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    clue = models.ForeignKey(
        RiskClue, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    finding = models.ForeignKey(
        Finding, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("比对结果")
        verbose_name_plural = _("比对结果")
        constraints = [
            models.UniqueConstraint(
                fields=["rule_code", "feed_row"], name="departments_feedresult_once_per_row"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule_code} {self.feed_row_id}"


class DepartmentToken(models.Model):
    """A department account's key for pushing feeds through the API. Only a digest is
    stored; the key is shown once when issued."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("部门账号"),
    )
    label = models.CharField(_("用途"), max_length=100)
    key_prefix = models.CharField(_("密钥前缀"), max_length=8)
    key_digest = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("签发人"),
    )
    created_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("部门接口密钥")
        verbose_name_plural = _("部门接口密钥")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.label} {self.key_prefix}…"


class DuplicateReason(models.TextChoices):
    NAME_BIRTH_VILLAGE = "name_birth_village", _("同村同名同出生日期")
    ONE_DIGIT = "one_digit", _("证件号码差一位")
    TRANSPOSED = "transposed", _("证件号码相邻两位颠倒")
    ACROSS_COUNTIES = "across_counties", _("跨县同名同出生日期")


class DuplicateStatus(models.TextChoices):
    PENDING = "pending", _("待审查")
    CONFIRMED = "confirmed", _("已确认合并")
    DISMISSED = "dismissed", _("已排除")


class DuplicateCandidate(models.Model):
    """Two active members who may be one person registered twice. A county user confirms
    (the later record is ended, the earlier kept) or dismisses; either way the pair is
    remembered and never proposed again."""

    kept = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="+", verbose_name=_("保留的记录")
    )
    other = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="+", verbose_name=_("疑似重复的记录")
    )
    reason = models.CharField(_("疑似原因"), max_length=20, choices=DuplicateReason.choices)
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=DuplicateStatus.choices,
        default=DuplicateStatus.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审查人"),
    )
    decided_at = models.DateTimeField(_("审查时间"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("发现时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("疑似重复人员")
        verbose_name_plural = _("疑似重复人员")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kept", "other"], name="departments_duplicate_once_per_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kept_id} {self.other_id}"


class QualityFollower(models.Model):
    """How far the data-quality check after a save has read the audit trail (one row).

    Every registry write records an audit event in its own transaction, naming the household
    or member it changed; the follower re-checks those households a few seconds later
    (`services.follow`), so the departments app needs nothing from the registry's writes."""

    last_event_id = models.BigIntegerField(default=0)
    # Audit ids below `last_event_id` not seen yet, with when they were first missed: ids
    # are drawn at insert but become visible at commit, so a transaction still running
    # leaves a hole that fills later (or never, when it rolls back).
    waiting_ids = models.JSONField(default=dict)
    # The one scheduled run of the follower; a run with another id is a stray and stops.
    next_task_id = models.CharField(max_length=64, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("疑点跟踪进度")
        verbose_name_plural = _("疑点跟踪进度")

    def __str__(self) -> str:
        return str(self.last_event_id)


class ComparisonCadence(models.Model):
    """When a region compares its department data (DOMAIN §10.1, configuration per region;
    the most specific region's row applies): the departments deliver last month's data by
    `due_day`, and from that day the comparison of the month runs every `every_months`
    months (按月分析: 1); every `dispatch_every_months` months the run is the one the
    county 调度s on (双月调度: 2)."""

    region_code = models.CharField(_("适用区划"), max_length=12, blank=True, unique=True)
    # 28 at most, so the day exists in every month.
    due_day = models.PositiveSmallIntegerField(_("数据报送截止日"), default=4)
    every_months = models.PositiveSmallIntegerField(_("比对间隔（月）"), default=1)
    dispatch_every_months = models.PositiveSmallIntegerField(_("调度间隔（月）"), default=2)
    source = models.CharField(_("依据"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("比对周期")
        verbose_name_plural = _("比对周期")
        ordering = ["region_code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_day__gte=1, due_day__lte=28),
                name="departments_comparisoncadence_due_day_in_every_month",
            ),
            models.CheckConstraint(
                condition=models.Q(every_months__gte=1, every_months__lte=12)
                & models.Q(dispatch_every_months__gte=1, dispatch_every_months__lte=12),
                name="departments_comparisoncadence_months_in_a_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_code or '*'} {self.due_day}"


class ComparisonRun(models.Model):
    """One scheduled comparison of a region's month: the feeds delivered for the period
    compared again with today's registry (a household that became aided since delivery
    now meets the exclusion checks), and the feeds not delivered on time."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("区划")
    )
    period = models.CharField(_("数据期别"), max_length=7)
    is_dispatch = models.BooleanField(_("调度月"), default=False)
    kinds_compared = models.JSONField(_("已比对数据"), default=list)
    kinds_missing = models.JSONField(_("未按期报送"), default=list)
    rows_compared = models.PositiveIntegerField(_("比对行数"), default=0)
    clues_opened = models.PositiveIntegerField(_("新增线索"), default=0)
    clues_merged = models.PositiveIntegerField(_("并入线索"), default=0)
    findings_opened = models.PositiveIntegerField(_("新增疑点"), default=0)
    created_at = models.DateTimeField(_("比对时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("定期比对")
        verbose_name_plural = _("定期比对")
        ordering = ["-period", "region_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "period"], name="departments_comparisonrun_once_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.period}"

    @property
    def compared_labels(self) -> str:
        return "、".join(str(FeedKind(kind).label) for kind in self.kinds_compared)

    @property
    def missing_labels(self) -> str:
        return "、".join(str(FeedKind(kind).label) for kind in self.kinds_missing)
