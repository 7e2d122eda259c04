"""Risk clues, identification and elimination cases, approvals, visits, village reviews,
public notices and deadline events (防止返贫动态监测, DOMAIN §5).

Every row is written by `fupin.monitoring.services`; cases move only through its explicit
state machine, and every change writes an audit event in the same transaction.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fupin.registry.models import Household, Member, Region


class Channel(models.TextChoices):
    """发现渠道 (DOMAIN §5.5)."""

    SELF_APPLICATION = "self_application", _("农户自主申报")
    CADRE = "cadre", _("基层干部排查")
    DEPARTMENT = "department", _("部门筛查预警")
    SYSTEM = "system", _("系统预警")


class ClueStatus(models.TextChoices):
    OPEN = "open", _("已受理")
    MERGED = "merged", _("已合并")
    CLOSED = "closed", _("已办结")


class IdentityCheck(models.TextChoices):
    """How a farmer's own application compares with the registry (ID number and name)."""

    MATCHED = "matched", _("与登记一致")
    UNREGISTERED = "unregistered", _("身份证号未登记")
    NAME_MISMATCH = "name_mismatch", _("姓名与登记不符")
    OTHER_COUNTY = "other_county", _("登记在其他县")
    NAME_AND_COUNTY = "name_and_county", _("姓名与登记不符，且登记在其他县")
    HOUSEHOLD_STATUS = "household_status", _("与登记一致，但该户当前状态不能纳入监测识别")


# Applications the village must verify before any household is linked to them.
IDENTITY_TO_VERIFY = frozenset(
    {
        IdentityCheck.NAME_MISMATCH,
        IdentityCheck.OTHER_COUNTY,
        IdentityCheck.NAME_AND_COUNTY,
        IdentityCheck.HOUSEHOLD_STATUS,
    }
)


class CaseKind(models.TextChoices):
    IDENTIFICATION = "identification", _("监测对象识别")
    ELIMINATION = "elimination", _("风险消除")


class CaseState(models.TextChoices):
    """The step a case waits for; the steps of each kind are listed in `workflow.STEPS`."""

    VISIT = "visit", _("待入户核实")
    COMPARISON = "comparison", _("待信息比对")
    REVIEW = "review", _("待民主评议")
    PUBLICITY = "publicity", _("村内公示")
    TOWNSHIP = "township", _("待乡镇审核")
    COUNTY = "county", _("待县级审定")
    ANNOUNCEMENT = "announcement", _("待公告")
    COMPLETED = "completed", _("已办结")
    REJECTED = "rejected", _("已驳回")


# The final states: a case in either is closed for good (nothing reopens it).
CLOSED_STATES = (CaseState.COMPLETED, CaseState.REJECTED)


class Decision(models.TextChoices):
    APPROVE = "approve", _("通过")
    REJECT = "reject", _("驳回")
    RETURN = "return", _("退回修改")


class Step(models.TextChoices):
    """A workflow step an approval record belongs to (shared by every workflow)."""

    CLUE = "clue", _("线索登记")
    VISIT = "visit", _("入户核实")
    COMPARISON = "comparison", _("信息比对")
    REVIEW = "review", _("民主评议")
    PUBLICITY = "publicity", _("村内公示")
    TOWNSHIP = "township", _("乡镇审核")
    COUNTY = "county", _("县级审定")
    ANNOUNCEMENT = "announcement", _("公告")


class WorkflowSetting(models.Model):
    """Time limits and publicity length for a region (a province usually; "" nationwide).

    The most specific region that sets a row wins, as with policy parameters. The
    nationwide row is seeded by migration from 秦安 and 枞阳 practice (DOMAIN §5.5, §5.6).
    """

    region_code = models.CharField(_("区划代码"), max_length=12, unique=True, blank=True)
    visit_working_days = models.PositiveSmallIntegerField(
        _("自主申报后入户核实时限（工作日）"), default=2
    )
    case_days = models.PositiveSmallIntegerField(_("办结时限（天）"), default=15)
    case_days_are_working_days = models.BooleanField(_("办结时限按工作日计算"), default=False)
    publicity_days = models.PositiveSmallIntegerField(_("公示最少天数"), default=5)
    warning_working_days = models.PositiveSmallIntegerField(_("临期提醒（剩余工作日）"), default=2)
    basis = models.CharField(_("依据"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("监测工作时限")
        verbose_name_plural = _("监测工作时限")
        ordering = ["region_code"]

    def __str__(self) -> str:
        return self.region_code or "全国"


class CalendarDay(models.Model):
    """One exception to the Monday–Friday week in the State Council's 放假安排: a statutory
    holiday (also on the weekends inside a holiday period) or a 调休 working weekend day.

    A year is known once it has rows; a year without rows has no calendar yet, and the
    deadlines counted through it are provisional (暂定). Rows are seeded from
    `chinesecalendar` by migration and entered by administrators for later years.
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("法定节假日")
        WORKDAY = "workday", _("调休上班日")

    day = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=50)
    source = models.CharField(_("依据"), max_length=200)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("放假调休安排")
        verbose_name_plural = _("放假调休安排")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {self.name}"


class Attachment(models.Model):
    """A file attached to a workflow step (minutes, signed 承诺授权书, photos).

    Kept in the database, not on disk: the files are personal data that must only be
    served through a scoped view, and both databases keep them in their backups.
    """

    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    content = models.BinaryField(_("内容"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self) -> str:
        return self.name


class MonitoringCase(models.Model):
    """One identification (识别) or risk-elimination (风险消除) procedure for a household."""

    kind = models.CharField(_("类型"), max_length=20, choices=CaseKind.choices)
    state = models.CharField(
        _("环节"), max_length=20, choices=CaseState.choices, default=CaseState.VISIT, db_index=True
    )
    village = models.ForeignKey(
        Region, verbose_name=_("所在村"), on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("农户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="monitoring_cases",
    )
    # Shown on lists and notices when no registered household is linked yet (a farmer's
    # own application); replaced by the household head once the visit links the household.
    applicant_name = models.CharField(_("申请人"), max_length=50, blank=True)
    channel = models.CharField(_("发现渠道"), max_length=20, choices=Channel.choices)
    risk_types = models.JSONField(_("风险类型"), default=list, blank=True)
    monitoring_category = models.CharField(_("监测对象类别"), max_length=20, blank=True)
    elimination_method = models.CharField(_("风险消除方式"), max_length=20, blank=True)
    opened_on = models.DateField(_("受理日期"))
    visit_due_on = models.DateField(_("入户核实期限"), null=True, blank=True)
    due_on = models.DateField(_("办结期限"))
    is_returned = models.BooleanField(_("被退回"), default=False)
    return_note = models.CharField(_("退回意见"), max_length=500, blank=True)
    rejection_reason = models.CharField(_("驳回理由"), max_length=500, blank=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("监测工作事项")
        verbose_name_plural = _("监测工作事项")
        ordering = ["-opened_on", "-id"]
        indexes = [
            models.Index(fields=["village", "state"], name="monitoring_case_village_state"),
        ]
        constraints = [
            # One procedure of each kind at a time per household (DOMAIN §5.5, §5.8): a
            # second clue joins the open identification case instead of opening another.
            # "Open" is every state but the two final ones, so a state added later counts
            # as open. Cases without a household (an application still to be verified) are
            # not covered: NULLs never collide.
            models.UniqueConstraint(
                fields=["household", "kind"],
                condition=~models.Q(state__in=CLOSED_STATES),
                name="monitoring_case_one_open_per_household_kind",
                violation_error_message=_("该户已有办理中的同类监测工作事项。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.state not in CLOSED_STATES


class RiskClue(models.Model):
    """A lead that a household may be at risk (风险线索), from any of the four channels."""

    channel = models.CharField(_("发现渠道"), max_length=20, choices=Channel.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=ClueStatus.choices, default=ClueStatus.OPEN
    )
    receipt_number = models.CharField(_("受理编号"), max_length=20, unique=True)
    village = models.ForeignKey(
        Region, verbose_name=_("所在村"), on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("农户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="risk_clues",
    )
    applicant_name = models.CharField(_("姓名"), max_length=50, blank=True)
    id_number = models.CharField(_("身份证号码"), max_length=18, blank=True, db_index=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    risk_types = models.JSONField(_("风险类型"), default=list, blank=True)
    description = models.TextField(_("困难情况"), blank=True)
    has_consent = models.BooleanField(_("同意查询核对家庭经济状况"), default=False)
    # A farmer's own application only: how its ID number and name compare with the registry,
    # and the member the ID number is registered to. That member's household is linked only
    # when everything matches; otherwise the village verifies (never linked automatically).
    identity_check = models.CharField(
        _("身份核对"), max_length=20, choices=IdentityCheck.choices, blank=True
    )
    registered_member = models.ForeignKey(
        Member,
        verbose_name=_("身份证号登记的成员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source = models.CharField(_("来源部门或依据"), max_length=200, blank=True)
    received_on = models.DateField(_("受理日期"))
    case = models.ForeignKey(
        MonitoringCase,
        verbose_name=_("工作事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="clues",
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("合并至"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_clues",
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
        verbose_name = _("风险线索")
        verbose_name_plural = _("风险线索")
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return self.receipt_number

    @property
    def needs_identity_verification(self) -> bool:
        return self.identity_check in IDENTITY_TO_VERIFY


class ApprovalRecord(models.Model):
    """One decision at one step of any workflow (case, step, actor, decision, opinion).

    The subject is named like an audit event's (`monitoring.monitoringcase` and its id), so
    other workflows (assistance plans, rectification) can record their approvals here too.
    """

    subject_type = models.CharField(_("对象类型"), max_length=100)
    subject_id = models.CharField(_("对象编号"), max_length=64)
    step = models.CharField(_("环节"), max_length=20, choices=Step.choices)
    decision = models.CharField(_("结论"), max_length=10, choices=Decision.choices)
    opinion = models.TextField(_("意见"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_role = models.CharField(_("办理人角色"), max_length=30, blank=True)
    decided_at = models.DateTimeField(_("办理时间"), auto_now_add=True)
    attachments = models.ManyToManyField(
        Attachment, verbose_name=_("附件"), blank=True, related_name="approvals"
    )

    class Meta:
        verbose_name = _("审批记录")
        verbose_name_plural = _("审批记录")
        ordering = ["decided_at", "id"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="monitoring_approval_subject")
        ]

    def __str__(self) -> str:
        return f"{self.get_step_display()} {self.get_decision_display()}"


class VisitRecord(models.Model):
    """入户核实, with the household's 承诺授权 (consent to checks of assets and records)."""

    case = models.ForeignKey(
        MonitoringCase, verbose_name=_("工作事项"), on_delete=models.PROTECT, related_name="visits"
    )
    visited_on = models.DateField(_("核实日期"))
    visitors = models.CharField(_("核实人员"), max_length=200)
    findings = models.TextField(_("核实情况"))
    has_consent = models.BooleanField(_("已签订承诺授权书"), default=False)
    consent_signed_on = models.DateField(_("授权日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("入户核实")
        verbose_name_plural = _("入户核实")
        ordering = ["visited_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(has_consent=False) | models.Q(consent_signed_on__isnull=False),
                name="monitoring_visitrecord_consent_dated",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.visited_on}"


class ReviewMeeting(models.Model):
    """民主评议: the village meeting that reviews the case."""

    class Result(models.TextChoices):
        AGREED = "agreed", _("同意")
        DISAGREED = "disagreed", _("不同意")

    case = models.ForeignKey(
        MonitoringCase,
        verbose_name=_("工作事项"),
        on_delete=models.PROTECT,
        related_name="review_meetings",
    )
    held_on = models.DateField(_("评议日期"))
    participants = models.TextField(_("参加人员"))
    result = models.CharField(_("评议结果"), max_length=10, choices=Result.choices)
    minutes = models.ForeignKey(
        Attachment,
        verbose_name=_("会议记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("民主评议")
        verbose_name_plural = _("民主评议")
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.held_on}"


class Notice(models.Model):
    """A public notice: 村内公示 or 公告, published at a public URL under an unguessable token.

    A 公示 is one case's, held in its village (DOMAIN §5.6). A 公告 is issued as offices
    issue them: one per village or township, listing every household the county approved
    in a period (`cases`); `case` is then empty. `content` is a snapshot taken from an
    allow-list of fields at publication (see `services.NOTICE_FIELDS`):
    ``{"case_kind": …, "rows": [{field: value}, …]}``, one row per household, so a notice
    can never show more than the list allows.
    """

    class Kind(models.TextChoices):
        PUBLICITY = "publicity", _("公示")
        ANNOUNCEMENT = "announcement", _("公告")

    case = models.ForeignKey(
        MonitoringCase,
        verbose_name=_("工作事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notices",
    )
    # The village (a 公示, or a village's 公告) or township (a township's 公告) it covers.
    region = models.ForeignKey(
        Region, verbose_name=_("公告范围"), on_delete=models.PROTECT, related_name="+"
    )
    cases = models.ManyToManyField(
        MonitoringCase, verbose_name=_("所列事项"), blank=True, related_name="listed_in_notices"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    token = models.CharField(_("公开编号"), max_length=32, unique=True)
    title = models.CharField(_("标题"), max_length=200)
    issuer = models.CharField(_("发布单位"), max_length=200)
    content = models.JSONField(_("公示内容"))
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("截止日期"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("发布时间"), auto_now_add=True)
    closed_on = models.DateField(_("结束日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("公示公告")
        verbose_name_plural = _("公示公告")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="monitoring_notice_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Objection(models.Model):
    """An objection raised during a publicity period, and how it was resolved."""

    notice = models.ForeignKey(
        Notice, verbose_name=_("公示"), on_delete=models.PROTECT, related_name="objections"
    )
    received_on = models.DateField(_("收到日期"))
    content = models.TextField(_("异议内容"))
    resolution = models.TextField(_("处理结果"), blank=True)
    resolved_on = models.DateField(_("处理日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["received_on", "id"]

    def __str__(self) -> str:
        return f"{self.notice_id} {self.received_on}"

    @property
    def is_resolved(self) -> bool:
        return self.resolved_on is not None


class DeadlineEvent(models.Model):
    """A deadline found passed by the daily check; one row per case and deadline."""

    class Kind(models.TextChoices):
        VISIT = "visit", _("入户核实超期")
        CASE = "case", _("办结超期")

    case = models.ForeignKey(
        MonitoringCase,
        verbose_name=_("工作事项"),
        on_delete=models.PROTECT,
        related_name="deadline_events",
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    due_on = models.DateField(_("期限"))
    state = models.CharField(_("超期时环节"), max_length=20, choices=CaseState.choices)
    recorded_on = models.DateField(_("发现日期"))
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("超期记录")
        verbose_name_plural = _("超期记录")
        ordering = ["-recorded_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "due_on"], name="monitoring_deadlineevent_once_per_due"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_kind_display()}"
