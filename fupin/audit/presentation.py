"""How audit events read on a page: Chinese labels for actions and changed fields, code
values shown by their labels, long values folded.

`ACTION_LABELS` must name every action the code writes (a test reads the sources to check);
field names come from the changed model's own verbose names (or `FIELDS_FROM`'s model's),
then from `FIELD_LABELS` for the keys services add themselves; codes from the field's code
table, `CHOICES_FROM`, `ACTION_CHOICES_FROM` or a table an app registers. The root
`conftest.py` checks every event the tests write against English keys and raw codes.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fupin.audit.models import AuditEvent

# A value longer than this is folded behind "展开".
FOLD_AT = 60
# Keys whose value is a list in itself, not a [before, after] pair.
LIST_VALUES = frozenset(
    {"risk_types", "household_types", "region_codes", "kinds_compared", "kinds_missing"}
)

ACTION_LABELS: dict[str, Promise] = {
    # accounts
    "accounts.user_login": gettext_lazy("登录"),
    "accounts.user_login_failed": gettext_lazy("登录失败"),
    "accounts.user_lock": gettext_lazy("账号锁定"),
    "accounts.service_account_create": gettext_lazy("创建系统内部账号"),
    "accounts.user_logout": gettext_lazy("退出登录"),
    "accounts.user_change_password": gettext_lazy("修改密码"),
    "accounts.user_create": gettext_lazy("新建用户"),
    "accounts.user_unlock": gettext_lazy("解除账号锁定"),
    "accounts.role_assign": gettext_lazy("分配角色"),
    "accounts.role_revoke": gettext_lazy("撤销角色"),
    # jobs
    "jobs.job_create": gettext_lazy("创建后台任务"),
    # registry
    "registry.region_bulk_load": gettext_lazy("加载区划代码"),
    "registry.household_register": gettext_lazy("农户建档"),
    "registry.household_update": gettext_lazy("修改农户信息"),
    "registry.household_export": gettext_lazy("导出农户名单"),
    "registry.household_reveal_contact": gettext_lazy("查看完整联系方式"),
    "registry.household_year_record": gettext_lazy("登记年度收支"),
    "registry.household_conditions_record": gettext_lazy("登记生产生活条件"),
    "registry.household_status_record": gettext_lazy("记录农户状态变化"),
    "registry.household_bulk_generate": gettext_lazy("生成模拟农户"),
    "registry.household_bulk_generate_replace": gettext_lazy("重新生成模拟农户"),
    "registry.household_assessment_bulk_update": gettext_lazy("更新农户评估结果"),
    "registry.household_year_bulk_upsert": gettext_lazy("批量导入收支台账"),
    "registry.household_conditions_bulk_upsert": gettext_lazy("批量导入生产生活条件台账"),
    "registry.member_add": gettext_lazy("添加家庭成员"),
    "registry.member_update": gettext_lazy("修改成员信息"),
    "registry.member_remove": gettext_lazy("减少家庭成员"),
    "registry.member_move": gettext_lazy("成员转入他户"),
    "registry.member_reveal_id_number": gettext_lazy("查看完整证件号码"),
    "registry.member_bulk_upsert": gettext_lazy("批量导入成员台账"),
    "registry.member_duplicates_end": gettext_lazy("结束重复在册的成员记录"),
    # assessment
    "assessment.assessment_run": gettext_lazy("运行监测评估"),
    "assessment.policy_parameter_set": gettext_lazy("设置政策参数"),
    "assessment.synthetic_parameters_set": gettext_lazy("写入模拟数据的假定参数"),
    "assessment.ruleset_clone": gettext_lazy("复制规则集"),
    "assessment.ruleset_update": gettext_lazy("修改规则集"),
    "assessment.ruleset_publish": gettext_lazy("发布规则集"),
    "assessment.ruleset_retire": gettext_lazy("停用规则集"),
    # monitoring
    "monitoring.clue_self_apply": gettext_lazy("农户自主申报"),
    "monitoring.clue_register": gettext_lazy("登记风险线索"),
    "monitoring.clue_from_department": gettext_lazy("部门数据预警线索"),
    "monitoring.clues_from_assessment": gettext_lazy("评估预警线索"),
    "monitoring.clue_merge": gettext_lazy("合并重复线索"),
    "monitoring.case_duplicate_merge": gettext_lazy("合并重复工作事项"),
    "monitoring.clue_reveal_contact": gettext_lazy("查看申请人联系方式"),
    "monitoring.case_visit_record": gettext_lazy("入户核实"),
    "monitoring.case_comparison_record": gettext_lazy("信息比对"),
    "monitoring.case_review_record": gettext_lazy("民主评议"),
    "monitoring.case_publicity_start": gettext_lazy("开始村内公示"),
    "monitoring.case_publicity_close": gettext_lazy("结束村内公示"),
    "monitoring.objection_record": gettext_lazy("登记公示异议"),
    "monitoring.objection_resolve": gettext_lazy("处理公示异议"),
    "monitoring.case_township_review": gettext_lazy("乡镇审核"),
    "monitoring.case_county_review": gettext_lazy("县级审定"),
    "monitoring.case_announce": gettext_lazy("公告"),
    "monitoring.case_reject": gettext_lazy("驳回"),
    "monitoring.case_return": gettext_lazy("退回修改"),
    "monitoring.elimination_propose": gettext_lazy("提出风险消除"),
    "monitoring.eliminations_from_assessment": gettext_lazy("按评估结果提出风险消除"),
    "monitoring.deadlines_check": gettext_lazy("检查办理期限"),
    "monitoring.attachment_download": gettext_lazy("下载附件"),
    "monitoring.attachment_hold": gettext_lazy("暂存未提交的附件"),
    "monitoring.attachments_held_cleanup": gettext_lazy("清理过期的暂存附件"),
    "monitoring.calendar_import": gettext_lazy("录入放假安排"),
    "monitoring.case_deadline_recompute": gettext_lazy("重算办理期限"),
    "monitoring.case_household_register": gettext_lazy("申请人登记为农户"),
    # imports
    "imports.error_workbook_download": gettext_lazy("下载错误工作簿"),
    "imports.ledger_export": gettext_lazy("导出台账"),
    "imports.ledger_export_download": gettext_lazy("下载导出的台账"),
    # preferences
    "preferences.preference_set_language": gettext_lazy("切换界面语言"),
    # assistance
    "assistance.cadre_create": gettext_lazy("登记帮扶责任人"),
    "assistance.cadre_assign": gettext_lazy("结对帮扶"),
    "assistance.cadre_assignment_end": gettext_lazy("结束结对帮扶"),
    "assistance.work_team_member_add": gettext_lazy("登记驻村工作队成员"),
    "assistance.work_team_member_end": gettext_lazy("驻村工作队成员离任"),
    "assistance.plan_draft": gettext_lazy("制定帮扶计划"),
    "assistance.measure_add": gettext_lazy("添加帮扶措施"),
    "assistance.measure_status_set": gettext_lazy("变更帮扶措施状态"),
    "assistance.risk_add": gettext_lazy("登记风险"),
    "assistance.risk_resolve": gettext_lazy("风险消除登记"),
    "assistance.monthly_income_record": gettext_lazy("登记月度收入"),
    "assistance.visit_record": gettext_lazy("记录走访"),
    "assistance.visit_photo_view": gettext_lazy("查看走访照片"),
    "assistance.assistance_bulk_generate": gettext_lazy("模拟帮扶数据批量生成"),
    "assistance.assistance_bulk_delete": gettext_lazy("删除模拟帮扶数据"),
    # rectification
    "rectification.problem_register": gettext_lazy("登记整改问题"),
    "rectification.task_add": gettext_lazy("分解整改任务"),
    "rectification.task_progress_report": gettext_lazy("报告整改进展"),
    "rectification.task_submit_closure": gettext_lazy("申请销号"),
    "rectification.task_close": gettext_lazy("审核销号"),
    "rectification.task_return": gettext_lazy("退回销号申请"),
    "rectification.ledger_export": gettext_lazy("导出整改台账"),
    "rectification.complaint_register": gettext_lazy("登记举报"),
    "rectification.complaint_submit_public": gettext_lazy("网上举报"),
    "rectification.complaint_acknowledge": gettext_lazy("签收举报"),
    "rectification.complaint_investigate": gettext_lazy("调查核实举报"),
    "rectification.complaint_reply": gettext_lazy("答复举报人"),
    "rectification.complaint_close": gettext_lazy("回访办结举报"),
    "rectification.complaint_to_problem": gettext_lazy("举报转整改问题"),
    "rectification.complaint_to_clue": gettext_lazy("举报转风险线索"),
    "rectification.campaign_open": gettext_lazy("发起排查活动"),
    "rectification.campaign_finish": gettext_lazy("结束排查活动"),
    "rectification.visit_record": gettext_lazy("提交走访问卷"),
    # finance (issue #15)
    "finance.loan_register": gettext_lazy("登记小额信贷"),
    "finance.repayment_record": gettext_lazy("登记还款"),
    "finance.loan_renew": gettext_lazy("续贷或展期"),
    "finance.loan_default_record": gettext_lazy("认定贷款违约"),
    "finance.loan_bulk_import": gettext_lazy("导入小额信贷台账"),
    "finance.loan_warnings_export": gettext_lazy("导出到期预警台账"),
    "finance.enterprise_use_record": gettext_lazy("登记户贷企用"),
    "finance.enterprise_use_bulk_import": gettext_lazy("导入户贷企用台账"),
    "finance.pool_adjustment_propose": gettext_lazy("提出项目库年度调整"),
    "finance.pool_adjustment_decide": gettext_lazy("审批项目库年度调整"),
    "finance.loan_subsidy_notice_publish": gettext_lazy("发布贴息公示"),
    "finance.fund_allocate": gettext_lazy("登记资金分配"),
    "finance.fund_release": gettext_lazy("下达资金"),
    "finance.fund_entry_record": gettext_lazy("登记资金到账或支出"),
    "finance.fund_notice_publish": gettext_lazy("发布资金分配公告"),
    "finance.project_propose": gettext_lazy("申报项目"),
    "finance.project_resubmit": gettext_lazy("重新申报项目"),
    "finance.project_review": gettext_lazy("乡镇审核项目"),
    "finance.project_assess": gettext_lazy("县级论证项目"),
    "finance.project_decide": gettext_lazy("县级审定项目"),
    "finance.project_progress_report": gettext_lazy("填报项目月报"),
    "finance.project_accept": gettext_lazy("项目验收"),
    "finance.asset_register": gettext_lazy("登记项目资产"),
    "finance.asset_transfer": gettext_lazy("移交项目资产"),
    "finance.asset_income_distribute": gettext_lazy("资产收益分配"),
    "finance.asset_dispose": gettext_lazy("处置项目资产"),
    "finance.subsidy_apply": gettext_lazy("申请到户产业奖补"),
    "finance.subsidy_review": gettext_lazy("乡镇审核产业奖补"),
    "finance.subsidy_pay": gettext_lazy("发放产业奖补"),
    "finance.subsidy_notice_publish": gettext_lazy("发布产业奖补公示"),
    # department data and data quality
    "imports.feed_error_workbook_download": gettext_lazy("下载部门数据错误工作簿"),
    "imports.feed_push_refused": gettext_lazy("部门数据推送被拒"),
    "departments.feed_rows_apply": gettext_lazy("报送并比对部门数据"),
    "departments.findings_check": gettext_lazy("检查数据质量"),
    "departments.comparison_run": gettext_lazy("按周期比对部门数据"),
    "departments.finding_answer": gettext_lazy("核实疑点"),
    "departments.finding_review": gettext_lazy("审核疑点"),
    "departments.department_token_issue": gettext_lazy("签发部门接口密钥"),
    "departments.department_token_revoke": gettext_lazy("吊销部门接口密钥"),
    "departments.duplicate_candidates_find": gettext_lazy("查找疑似重复人员"),
    "departments.duplicate_confirm": gettext_lazy("确认重复人员并合并"),
    "departments.duplicate_dismiss": gettext_lazy("排除疑似重复人员"),
    # reports
    "reports.village_exit_record": gettext_lazy("录入村出列指标"),
    "reports.exit_survey_draw": gettext_lazy("抽取退出评估样本"),
    "reports.exit_survey_entry_record": gettext_lazy("录入抽样调查结果"),
}

# Keys services write that are not fields of the changed object.
FIELD_LABELS: dict[str, Promise] = {
    "allocation": gettext_lazy("资金分配"),
    "amount": gettext_lazy("金额"),
    "as_of": gettext_lazy("截至日期"),
    "assignments": gettext_lazy("结对数"),
    "cadres": gettext_lazy("帮扶责任人数"),
    "changed": gettext_lazy("有变化户数"),
    "changed_days": gettext_lazy("变更的日期"),
    "copied_from": gettext_lazy("复制自"),
    "days": gettext_lazy("天数"),
    "entered_on": gettext_lazy("日期"),
    "holidays": gettext_lazy("节假日天数"),
    "households_compared": gettext_lazy("比对户数"),
    "income": gettext_lazy("收益金额"),
    "incomes": gettext_lazy("收入记录数"),
    "industry": gettext_lazy("产业"),
    "interest": gettext_lazy("利息"),
    "kept_case": gettext_lazy("保留的事项"),
    "kept_household": gettext_lazy("保留的户"),
    "levels_changed": gettext_lazy("风险等级有变化户数"),
    "measures": gettext_lazy("帮扶措施数"),
    "paid_on": gettext_lazy("支付日期"),
    "parameters": gettext_lazy("参数"),
    "photo": gettext_lazy("照片"),
    "plans": gettext_lazy("帮扶计划数"),
    "post_wages": gettext_lazy("公益岗位工资"),
    "principal": gettext_lazy("本金"),
    "proceeds": gettext_lazy("处置收入"),
    "removed": gettext_lazy("已删除"),
    "risks": gettext_lazy("风险记录数"),
    "shares": gettext_lazy("分配份数"),
    "values": gettext_lazy("参数个数"),
    "visited_on": gettext_lazy("走访日期"),
    "was_known": gettext_lazy("原已有该年记录"),
    "work_team_members": gettext_lazy("驻村工作队员数"),
    "workdays": gettext_lazy("调休上班天数"),
    "assignment": gettext_lazy("角色分配编号"),
    "attachment": gettext_lazy("附件"),
    "basis": gettext_lazy("依据"),
    "channel": gettext_lazy("线索来源"),
    "created": gettext_lazy("新增"),
    "date": gettext_lazy("日期"),
    "department": gettext_lazy("部门"),
    "ends_on": gettext_lazy("结束日期"),
    "errors": gettext_lazy("错误数"),
    "failures": gettext_lazy("连续失败次数"),
    "field": gettext_lazy("查看项"),
    "filename": gettext_lazy("文件名"),
    "filters": gettext_lazy("筛选条件"),
    "from": gettext_lazy("原户"),
    "full_name": gettext_lazy("姓名"),
    "household": gettext_lazy("农户"),
    "households": gettext_lazy("户数"),
    "households_created": gettext_lazy("新增户数"),
    "households_updated": gettext_lazy("更新户数"),
    "has_consent": gettext_lazy("已签承诺授权书"),
    "language": gettext_lazy("界面语言"),
    "inserted": gettext_lazy("新增"),
    "kind": gettext_lazy("类型"),
    "locked_until": gettext_lazy("锁定至"),
    "members": gettext_lazy("成员数"),
    "members_created": gettext_lazy("新增成员数"),
    "members_updated": gettext_lazy("更新成员数"),
    "merged": gettext_lazy("已合并"),
    "merged_into": gettext_lazy("合并到"),
    "name": gettext_lazy("名称"),
    "note": gettext_lazy("说明"),
    "notice": gettext_lazy("公示公告"),
    "objection": gettext_lazy("异议"),
    "opened": gettext_lazy("新立事项"),
    "opinion": gettext_lazy("意见"),
    "params": gettext_lazy("参数"),
    "problems": gettext_lazy("问题数"),
    "reason": gettext_lazy("原因"),
    "receipt_number": gettext_lazy("回执号"),
    "recorded": gettext_lazy("已记录"),
    "region": gettext_lazy("区划"),
    "role": gettext_lazy("角色"),
    "rows": gettext_lazy("行数"),
    "rule_set": gettext_lazy("规则集"),
    "rules": gettext_lazy("规则"),
    "starts_on": gettext_lazy("开始日期"),
    "state": gettext_lazy("办理环节"),
    "status": gettext_lazy("状态"),
    "to": gettext_lazy("转入户"),
    "unchanged": gettext_lazy("未变化"),
    "updated": gettext_lazy("更新"),
    "username": gettext_lazy("用户名"),
    "value": gettext_lazy("取值"),
    "village_code": gettext_lazy("所在村"),
    "year": gettext_lazy("年度"),
    "risk_types": gettext_lazy("风险类型"),
    "photos": gettext_lazy("照片数"),
    "has_position": gettext_lazy("已定位"),
    "problem": gettext_lazy("整改问题"),
    "evidence": gettext_lazy("佐证材料"),
    "visits": gettext_lazy("走访任务数"),
    "pending": gettext_lazy("未走访户数"),
    "problem_closed": gettext_lazy("问题已销号"),
    "content": gettext_lazy("内容"),
    "reported_on": gettext_lazy("报告日期"),
    "title": gettext_lazy("问题概要"),
    "approve": gettext_lazy("同意"),
    "month": gettext_lazy("月份"),
    "percent": gettext_lazy("百分比"),
    "period": gettext_lazy("数据期别"),
    "rows_received": gettext_lazy("收到行数"),
    "rows_new": gettext_lazy("新增行数"),
    "rows_matched": gettext_lazy("比中行数"),
    "clues_opened": gettext_lazy("新增线索"),
    "clues_merged": gettext_lazy("并入线索"),
    "findings_opened": gettext_lazy("新增疑点"),
    "verdict": gettext_lazy("核实结论"),
    "approved": gettext_lazy("同意销号"),
    "user": gettext_lazy("账号"),
    "label": gettext_lazy("用途"),
    "proposed": gettext_lazy("新提出"),
    "people": gettext_lazy("人数"),
    "kept": gettext_lazy("保留的户"),
}


# Fields stored without choices on the changed object (a case keeps the category as text,
# a clue its risk types as a list) whose codes are the code table of this model's field.
CHOICES_FROM: dict[str, tuple[str, str]] = {
    "monitoring_category": ("registry.household", "monitoring_category"),
    "elimination_method": ("registry.householdstatusevent", "elimination_method"),
    "risk_types": ("assistance.riskrecord", "risk_type"),
}


# Codes of one action's key that are the code table of a model's field, where the same key
# means other things in other actions.
ACTION_CHOICES_FROM: dict[tuple[str, str], tuple[str, str]] = {
    ("accounts.role_assign", "role"): ("accounts.regionassignment", "role"),
    ("accounts.role_revoke", "role"): ("accounts.regionassignment", "role"),
    ("registry.household_status_record", "kind"): ("registry.householdstatusevent", "kind"),
    ("registry.member_remove", "reason"): ("registry.member", "removal_reason"),
    ("registry.member_move", "reason"): ("registry.member", "removal_reason"),
    ("finance.fund_entry_record", "kind"): ("finance.fundentry", "kind"),
    ("departments.comparison_run", "kinds_compared"): ("departments.feedbatch", "kind"),
    ("departments.comparison_run", "kinds_missing"): ("departments.feedbatch", "kind"),
    ("imports.feed_push_refused", "kind"): ("departments.feedbatch", "kind"),
    ("rectification.campaign_open", "household_types"): ("registry.household", "household_type"),
}

# Actions whose keys are the fields of another model than their subject's (a household's
# yearly income is recorded on the household).
FIELDS_FROM: dict[str, str] = {
    "registry.household_conditions_record": "registry.householdconditions",
    "registry.household_year_record": "registry.householdyear",
}

# Keys whose value names a field of the event's subject (which contact was revealed).
FIELD_NAME_VALUES = frozenset({"field"})

# Codes that no model field's code table holds: (action, key) → a function giving
# {code: label}. The apps whose code tables live in their own code add theirs from
# `AppConfig.ready` (`value_labels_register`), since this app imports no other; the
# function runs when a page first needs it, so no process pays for it at start-up.
_LOGIN_FAILURE_REASONS = {
    "unknown_user": gettext_lazy("用户名不存在"),
    "wrong_password": gettext_lazy("密码错误"),
    "locked": gettext_lazy("账号已锁定"),
}
_VALUE_LABELS: dict[tuple[str, str], Callable[[], Mapping[str, Any]]] = {
    ("accounts.user_login_failed", "reason"): lambda: _LOGIN_FAILURE_REASONS,
}
# (action, key) → the field's label where the subject model's own would mislead.
_KEY_LABELS: dict[tuple[str, str], Any] = {}


def value_labels_register(
    action: str, key: str, labels: Callable[[], Mapping[str, Any]], *, label: Any = None
) -> None:
    """Show the codes of `action`'s `key` by what `labels()` gives (and the key as
    `label`, if given)."""
    _VALUE_LABELS[(action, key)] = labels
    if label is not None:
        _KEY_LABELS[(action, key)] = label


def _choices(model: type[models.Model] | None, action: str, key: str) -> dict[str, str]:
    if (action, key) in _VALUE_LABELS:
        return {code: str(label) for code, label in _VALUE_LABELS[(action, key)]().items()}
    field = _field(model, key)
    if (action, key) in ACTION_CHOICES_FROM:
        table, name = ACTION_CHOICES_FROM[(action, key)]
        field = _field(_model(table), name)
    elif (field is None or not field.choices) and key in CHOICES_FROM:
        table, name = CHOICES_FROM[key]
        field = _field(_model(table), name)
    return {str(code): str(label) for code, label in field.flatchoices} if field else {}


@dataclass(frozen=True)
class ChangeLine:
    """One changed field: its label and either a before/after pair or a single value."""

    label: str
    before: str | None
    after: str
    is_long: bool


@dataclass(frozen=True)
class EventRow:
    event: AuditEvent
    action_label: str
    changes: list[ChangeLine]


def action_label(action: str) -> str:
    """The Chinese label of an action code; the code itself for an unknown action."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def action_choices(actions: list[str]) -> list[tuple[str, str]]:
    return [(action, action_label(action)) for action in actions]


def _model(subject_type: str) -> type[models.Model] | None:
    # subject_type is a model's label ("registry.member"); other subjects have none.
    try:
        return apps.get_model(subject_type)
    except (LookupError, ValueError):
        return None


def _field(model: type[models.Model] | None, key: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    try:
        field = model._meta.get_field(key)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


def field_label(subject_type: str, key: str) -> str:
    """The Chinese name of a changed field: the model's own, else the services' table."""
    field = _field(_model(subject_type), key)
    if field is not None:
        return str(field.verbose_name)
    label = FIELD_LABELS.get(key)
    return str(label) if label is not None else key


_EMPTY = "—"


def _text(value: Any, choices: dict[str, str]) -> str:
    if value is None or value in ("", []):
        return _EMPTY
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, dict):
        return "；".join(f"{key}：{_text(item, {})}" for key, item in value.items())
    if isinstance(value, list):
        return "、".join(_text(item, choices) for item in value)
    text = str(value)
    return choices.get(text, text)


def describe(event: AuditEvent) -> EventRow:
    """The event as the audit page shows it. Personal fields were masked when the event was
    stored (`audit_record`), so nothing here can reveal them."""
    fields_from = FIELDS_FROM.get(event.action, event.subject_type)
    model = _model(fields_from)
    lines = []
    for key, stored in (event.changes or {}).items():
        names_a_field = key in FIELD_NAME_VALUES and isinstance(stored, str)
        value = field_label(event.subject_type, stored) if names_a_field else stored
        choices = _choices(model, event.action, key)
        # services record a change as [before, after]; before is null for a new object
        if isinstance(value, list) and len(value) == 2 and key not in LIST_VALUES:
            before: str | None = None if value[0] is None else _text(value[0], choices)
            after = _text(value[1], choices)
        else:
            before, after = None, _text(value, choices)
        if after == (before or _EMPTY):
            continue  # nothing to read: an empty field of a new object, or no real change
        is_long = len(after) + len(before or "") > FOLD_AT
        label = _KEY_LABELS.get((event.action, key)) or field_label(fields_from, key)
        lines.append(ChangeLine(str(label), before, after, is_long))
    return EventRow(event=event, action_label=action_label(event.action), changes=lines)
