"""Rectification ledgers (问题 → 任务 → 销号), complaints (12317 and others) and 排查/回头看
campaigns (DOMAIN §9, §4.7).

Every row is written by `fupin.rectification.services`; states move only as
`fupin.rectification.workflow` declares, and every change writes an audit event in the same
transaction.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fupin.monitoring.models import RiskClue
from fupin.registry.models import Household, Region


class ProblemSource(models.TextChoices):
    """Where a problem was found (DOMAIN §9)."""

    ASSESSMENT = "assessment", _("考核")
    INSPECTION = "inspection", _("督查")
    CENTRAL_INSPECTION = "central_inspection", _("巡视")
    AUDIT = "audit", _("审计")
    UNANNOUNCED_VISIT = "unannounced_visit", _("暗访")
    HOTLINE_12317 = "hotline_12317", _("12317")
    SELF_CHECK = "self_check", _("自查")
    DATA_COMPARISON = "data_comparison", _("数据比对")


class ProblemCategory(models.TextChoices):
    POLICY = "policy", _("政策落实")
    FUNDS = "funds", _("资金使用")
    PROJECTS = "projects", _("项目管理")
    THREE_GUARANTEES = "three_guarantees", _("三保障和饮水安全")
    MONITORING = "monitoring", _("监测帮扶")
    DATA_QUALITY = "data_quality", _("数据质量")
    CONDUCT = "conduct", _("工作作风")
    OTHER = "other", _("其他")


class ProblemState(models.TextChoices):
    PENDING = "pending", _("待分解")
    RECTIFYING = "rectifying", _("整改中")
    CLOSED = "closed", _("已销号")


class TaskState(models.TextChoices):
    RECTIFYING = "rectifying", _("整改中")
    SUBMITTED = "submitted", _("待销号审核")
    CLOSED = "closed", _("已销号")


class RectificationSetting(models.Model):
    """Time limits of rectification work for a region (a province usually; "" nationwide).

    The most specific row whose code prefixes a region wins. The nationwide row is seeded by
    migration; provinces set their own (15 days in Inner Mongolia, 20 in Shanxi, DOMAIN §9).
    """

    region_code = models.CharField(_("区划代码"), max_length=12, unique=True, blank=True)
    complaint_days = models.PositiveSmallIntegerField(_("举报办结时限（天）"), default=15)
    complaint_days_are_working_days = models.BooleanField(_("举报时限按工作日计算"), default=False)
    immediate_days = models.PositiveSmallIntegerField(_("立行立改时限（天）"), default=7)
    warning_days = models.PositiveSmallIntegerField(_("临期提醒（剩余天数）"), default=3)
    report_period_days = models.PositiveSmallIntegerField(_("进展报告周期（天）"), default=7)
    basis = models.CharField(_("依据"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("整改工作时限")
        verbose_name_plural = _("整改工作时限")
        ordering = ["region_code"]

    def __str__(self) -> str:
        return self.region_code or "全国"


class Problem(models.Model):
    """A problem found by an inspection, a complaint or a campaign, to be rectified."""

    source = models.CharField(_("问题来源"), max_length=20, choices=ProblemSource.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(_("问题类别"), max_length=20, choices=ProblemCategory.choices)
    title = models.CharField(_("问题"), max_length=200)
    description = models.TextField(_("问题描述"))
    evidence = models.TextField(_("问题依据"), blank=True)
    found_on = models.DateField(_("发现日期"))
    is_immediate = models.BooleanField(_("立行立改"), default=False)
    state = models.CharField(
        _("状态"),
        max_length=20,
        choices=ProblemState.choices,
        default=ProblemState.PENDING,
        db_index=True,
    )
    households = models.ManyToManyField(
        Household, verbose_name=_("涉及农户"), blank=True, related_name="+"
    )
    # Projects and cadres arrive with the finance and assistance apps (issues of their own);
    # until then a problem names them in text.
    linked_projects = models.CharField(_("涉及项目"), max_length=200, blank=True)
    linked_cadres = models.CharField(_("涉及干部"), max_length=200, blank=True)
    visit = models.ForeignKey(
        "VisitTask",
        verbose_name=_("排查走访"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
    )
    question_code = models.CharField(_("排查问题编号"), max_length=40, blank=True)
    closed_on = models.DateField(_("销号日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("整改问题")
        verbose_name_plural = _("整改问题")
        ordering = ["-found_on", "-id"]
        indexes = [models.Index(fields=["region", "state"], name="rectification_problem_region")]
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "question_code"],
                condition=models.Q(visit__isnull=False),
                name="rectification_problem_once_per_answer",
            )
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"WT{self.pk:06d}"

    @property
    def is_closed(self) -> bool:
        return self.state == ProblemState.CLOSED


class RectificationTask(models.Model):
    """One task of a problem with the "五定": measures (核定措施), the effect to reach
    (确定效果), the result reported (议定成果), the review (审定结果) and 销号 (认定销号)."""

    problem = models.ForeignKey(
        Problem, verbose_name=_("问题"), on_delete=models.PROTECT, related_name="tasks"
    )
    lead_unit = models.CharField(_("牵头单位"), max_length=100)
    owner_unit = models.CharField(_("责任单位"), max_length=200)
    measures = models.TextField(_("整改措施"))
    expected_effect = models.CharField(_("整改目标"), max_length=500, blank=True)
    due_on = models.DateField(_("整改时限"))
    state = models.CharField(
        _("状态"),
        max_length=20,
        choices=TaskState.choices,
        default=TaskState.RECTIFYING,
        db_index=True,
    )
    outcome = models.TextField(_("整改成果"), blank=True)
    closure_evidence = models.TextField(_("销号佐证材料"), blank=True)
    submitted_on = models.DateField(_("申请销号日期"), null=True, blank=True)
    review_opinion = models.TextField(_("审核意见"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("销号审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewer_region = models.CharField(_("审核人所在区划"), max_length=12, blank=True)
    closed_on = models.DateField(_("销号日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("整改任务")
        verbose_name_plural = _("整改任务")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="closed")
                | (models.Q(closed_on__isnull=False) & ~models.Q(closure_evidence="")),
                name="rectification_task_closed_with_evidence",
            )
        ]

    def __str__(self) -> str:
        return f"{self.problem_id}-{self.pk}"

    @property
    def is_closed(self) -> bool:
        return self.state == TaskState.CLOSED

    @property
    def is_submitted(self) -> bool:
        return self.state == TaskState.SUBMITTED


class TaskProgress(models.Model):
    """A progress report on a task (整改情况), weekly by default."""

    task = models.ForeignKey(
        RectificationTask,
        verbose_name=_("整改任务"),
        on_delete=models.PROTECT,
        related_name="progress_reports",
    )
    reported_on = models.DateField(_("报告日期"))
    content = models.TextField(_("整改进展"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报告人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("整改进展")
        verbose_name_plural = _("整改进展")
        ordering = ["reported_on", "id"]

    def __str__(self) -> str:
        return f"{self.task_id} {self.reported_on}"


class ComplaintChannel(models.TextChoices):
    HOTLINE_12317 = "hotline_12317", _("12317 监督举报电话")
    PETITION = "petition", _("信访")
    LETTER = "letter", _("来信")
    VISIT = "visit", _("来访")
    ONLINE = "online", _("网上举报")


class ComplaintCategory(models.TextChoices):
    FUNDS = "funds", _("资金使用")
    PROJECTS = "projects", _("项目建设")
    EMBEZZLEMENT = "embezzlement", _("侵占挪用")
    POLICY = "policy", _("政策落实")
    CONDUCT = "conduct", _("工作作风")
    OTHER = "other", _("其他")


class ComplaintState(models.TextChoices):
    RECEIVED = "received", _("待签收")
    ACKNOWLEDGED = "acknowledged", _("调查中")
    INVESTIGATED = "investigated", _("待答复")
    REPLIED = "replied", _("待回访")
    CLOSED = "closed", _("已办结")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basically", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")
    UNREACHABLE = "unreachable", _("无法联系")


class Complaint(models.Model):
    """A complaint or report (举报) about poverty-alleviation work, handled by the level
    above the place complained about (分级受理、属地管理)."""

    receipt_number = models.CharField(_("受理编号"), max_length=20, unique=True)
    channel = models.CharField(_("受理渠道"), max_length=20, choices=ComplaintChannel.choices)
    category = models.CharField(_("举报类别"), max_length=20, choices=ComplaintCategory.choices)
    subject_region = models.ForeignKey(
        Region, verbose_name=_("被反映地区"), on_delete=models.PROTECT, related_name="+"
    )
    handling_region = models.ForeignKey(
        Region, verbose_name=_("承办地区"), on_delete=models.PROTECT, related_name="+"
    )
    content = models.TextField(_("反映内容"))
    # The complainant: shown only to roles and regions allowed to (see selectors).
    complainant_name = models.CharField(_("举报人姓名"), max_length=50, blank=True)
    complainant_phone = models.CharField(_("举报人电话"), max_length=20, blank=True)
    is_anonymous = models.BooleanField(_("匿名举报"), default=False)
    received_on = models.DateField(_("受理日期"))
    due_on = models.DateField(_("办结期限"))
    state = models.CharField(
        _("状态"),
        max_length=20,
        choices=ComplaintState.choices,
        default=ComplaintState.RECEIVED,
        db_index=True,
    )
    acknowledged_on = models.DateField(_("签收日期"), null=True, blank=True)
    investigation = models.TextField(_("调查核实情况"), blank=True)
    is_substantiated = models.BooleanField(_("反映属实"), null=True, blank=True)
    investigated_on = models.DateField(_("调查日期"), null=True, blank=True)
    reply = models.TextField(_("答复内容"), blank=True)
    replied_on = models.DateField(_("答复日期"), null=True, blank=True)
    satisfaction = models.CharField(
        _("满意度"), max_length=20, choices=Satisfaction.choices, blank=True
    )
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    problem = models.ForeignKey(
        Problem,
        verbose_name=_("转整改问题"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    clue = models.ForeignKey(
        RiskClue,
        verbose_name=_("转风险线索"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("举报投诉")
        verbose_name_plural = _("举报投诉")
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["handling_region", "state"], name="rectification_complaint_hand")
        ]

    def __str__(self) -> str:
        return self.receipt_number

    @property
    def is_closed(self) -> bool:
        return self.state == ComplaintState.CLOSED


class AnswerType(models.TextChoices):
    YES_NO = "yes_no", _("是/否")
    CHOICE = "choice", _("单选")
    NUMBER = "number", _("数值")
    TEXT = "text", _("文字")


class Questionnaire(models.Model):
    """A visit questionnaire defined as data (the 2023 摸排 form is seeded by migration)."""

    code = models.CharField(_("编号"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    source = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("排查问卷")
        verbose_name_plural = _("排查问卷")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    """One question and the problem a bad answer raises.

    A yes/no or choice answer is bad when it is one of `bad_answers`; a number is bad below
    `bad_below` or above `bad_above`; a text answer is never bad by itself.
    """

    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("问卷"), on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    code = models.CharField(_("编号"), max_length=40)
    text = models.CharField(_("问题"), max_length=200)
    answer_type = models.CharField(_("答案类型"), max_length=10, choices=AnswerType.choices)
    choices = models.JSONField(_("选项"), default=list, blank=True)
    is_required = models.BooleanField(_("必答"), default=True)
    bad_answers = models.JSONField(_("问题答案"), default=list, blank=True)
    bad_below = models.DecimalField(
        _("低于此值为问题"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    bad_above = models.DecimalField(
        _("高于此值为问题"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    problem_category = models.CharField(
        _("问题类别"), max_length=20, choices=ProblemCategory.choices, blank=True
    )
    problem_title = models.CharField(_("生成的问题"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("排查问题")
        verbose_name_plural = _("排查问题")
        ordering = ["questionnaire", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "code"], name="rectification_question_unique_code"
            )
        ]

    def __str__(self) -> str:
        return self.text


class CampaignKind(models.TextChoices):
    SCREENING = "screening", _("排查")
    REVIEW = "review", _("回头看")


class CampaignState(models.TextChoices):
    RUNNING = "running", _("进行中")
    FINISHED = "finished", _("已结束")


class Campaign(models.Model):
    """A 排查 or 回头看 round: every household in scope gets one visit task."""

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=CampaignKind.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("组织地区"), on_delete=models.PROTECT, related_name="+"
    )
    region_codes = models.JSONField(_("排查范围"), default=list, blank=True)
    household_types = models.JSONField(_("农户类型"), default=list, blank=True)
    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("问卷"), on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField(_("开始日期"))
    due_on = models.DateField(_("完成时限"))
    state = models.CharField(
        _("状态"), max_length=20, choices=CampaignState.choices, default=CampaignState.RUNNING
    )
    task_count = models.PositiveIntegerField(_("走访任务数"), default=0)
    finished_on = models.DateField(_("结束日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("排查活动")
        verbose_name_plural = _("排查活动")
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_running(self) -> bool:
        return self.state == CampaignState.RUNNING


class VisitState(models.TextChoices):
    PENDING = "pending", _("未走访")
    DONE = "done", _("已走访")


class VisitTask(models.Model):
    """One household's visit in a campaign; written in bulk when the campaign opens (the
    state and counters have database defaults so the bulk insert names only the keys)."""

    # Every index and foreign-key check runs 100,000 times when a county's campaign opens.
    # The campaign and village are found through the composite indexes below, so their own
    # are left out. Household and village come from the registry in the very statement that
    # writes the row, and neither is ever deleted (households are cancelled, regions kept),
    # so PostgreSQL's per-row foreign-key triggers on them, which took two thirds of the
    # insert (benchmarks/campaign_bench.py), are left out too; the ORM still protects them.
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("排查活动"),
        on_delete=models.PROTECT,
        related_name="visits",
        db_index=False,
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("农户"),
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    village = models.ForeignKey(
        Region,
        verbose_name=_("所在村"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    state = models.CharField(
        _("状态"),
        max_length=10,
        choices=VisitState.choices,
        default=VisitState.PENDING,
        db_default=VisitState.PENDING,
    )
    answers = models.JSONField(_("答案"), null=True, blank=True)
    problems_found = models.PositiveSmallIntegerField(_("发现问题数"), default=0, db_default=0)
    visited_on = models.DateField(_("走访日期"), null=True, blank=True)
    visited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("走访人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )

    class Meta:
        verbose_name = _("走访任务")
        verbose_name_plural = _("走访任务")
        ordering = ["village", "household"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "household"], name="rectification_visittask_once_per_household"
            )
        ]
        indexes = [
            models.Index(
                fields=["campaign", "village", "state"], name="rectification_visit_progress"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.household_id}"

    @property
    def is_done(self) -> bool:
        return self.state == VisitState.DONE
