"""Rule-set writes: clone a version into a draft, edit a draft, publish it, retire it.

Only drafts change. A published version is cited by every outcome it decided
(`code@version`), so an edit of anything but a draft is refused here, whatever a page
shows. Each service needs Capability.MANAGE_POLICY and a record whose region lies inside
the actor's own region (the assignment's, not a drill-down focus: a rule set belongs to
the office that set it), locks the row, stores the engine's JSON form (`to_dict`) and
audits in the same transaction.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.assessment.models import RuleSetRecord
from fupin.assessment.rules import definition
from fupin.assessment.rules.compiler import ParameterValue
from fupin.audit.services import audit_record
from fupin.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from fupin.core.scope import Capability, RegionScope


class RuleSetInvalidError(ApplicationError):
    """A draft with validation problems was refused at publication; `problems` lists them."""

    def __init__(self, message: str, problems: list[definition.Problem]) -> None:
        super().__init__(message, code="invalid_rule_set")
        self.problems = problems


@dataclass(frozen=True)
class RuleEdit:
    """New condition and message text for one rule of a draft."""

    code: str
    condition: str
    message: str


def _require_policy(scope: RegionScope, region_code: str) -> None:
    scope.require(Capability.MANAGE_POLICY)
    if not scope.contains_root(region_code):
        raise PermissionDeniedError(
            _("该规则集适用于其他区划，您只能复制后在本区划的草稿中修改。"),
            code="region_outside_scope",
        )


def _locked(record: RuleSetRecord) -> RuleSetRecord:
    locked = RuleSetRecord.objects.select_for_update().filter(pk=record.pk).first()
    if locked is None:
        raise NotFoundError(_("规则集不存在或不在您的管辖范围内。"))
    return locked


def _require_draft(record: RuleSetRecord) -> None:
    if record.status != RuleSetRecord.Status.DRAFT:
        raise ApplicationError(
            _("规则集 %(label)s %(status)s，不能修改；请先复制为新版本草稿。")
            % {"label": str(record), "status": record.get_status_display()},
            code="immutable",
        )


def _store(record: RuleSetRecord, rule_set: definition.RuleSet, *fields: str) -> None:
    record.definition = definition.to_dict(rule_set)
    record.save(update_fields=["definition", *fields])


@transaction.atomic
def ruleset_clone(
    *, actor: AbstractBaseUser, scope: RegionScope, rule_set: RuleSetRecord
) -> RuleSetRecord:
    """Copy any visible rule set into a new DRAFT version (highest version of the code + 1).

    The draft belongs to the source's region when that lies inside the actor's region,
    otherwise to the actor's own region (a county clones the nationwide baseline for
    itself). Audit action: "assessment.ruleset_clone". Raises PermissionDeniedError
    without the right, NotFoundError for a rule set of another region (which the actor
    may not see).
    """
    scope.require(Capability.MANAGE_POLICY)
    if not scope.applies_or_inside(rule_set.region_code, root=True):
        raise NotFoundError(_("规则集不存在或不在您的管辖范围内。"))
    source = definition.from_dict(rule_set.definition)
    region_code = (
        rule_set.region_code if scope.contains_root(rule_set.region_code) else scope.root_prefix
    )
    # Lock the code's versions, then read the highest in a fresh statement, so that two
    # clones at once number one after the other instead of colliding.
    list(RuleSetRecord.objects.select_for_update().filter(code=rule_set.code).values("pk"))
    highest = RuleSetRecord.objects.filter(code=rule_set.code).aggregate(v=Max("version"))["v"]
    today = timezone.localdate()
    draft = replace(
        definition.clone_as_draft(source, (highest or rule_set.version) + 1),
        region_code=region_code,
        effective_from=today,
        effective_to=None,
    )
    try:
        with transaction.atomic():
            record = RuleSetRecord.objects.create(
                code=draft.code,
                version=draft.version,
                status=RuleSetRecord.Status.DRAFT,
                region_code=region_code,
                effective_from=today,
                definition=definition.to_dict(draft),
                created_by_id=actor.pk,
            )
    except IntegrityError:
        raise ApplicationError(
            _("另一位用户刚刚创建了同一规则集的新版本，请重试。"), code="version_taken"
        ) from None
    audit_record(
        actor=actor,
        action="assessment.ruleset_clone",
        subject=record,
        region_code=region_code,
        changes={"from": str(rule_set), "to": str(record)},
    )
    return record


def _parameter_value(name: str, current: ParameterValue, value: ParameterValue) -> ParameterValue:
    if isinstance(current, str):
        if not isinstance(value, str) or not value.strip():
            raise ApplicationError(
                _("参数 %(name)s 应为非空文字。") % {"name": name}, code="parameter", field=name
            )
        return value.strip()
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ApplicationError(
            _("参数 %(name)s 应为数值。") % {"name": name}, code="parameter", field=name
        )
    if value < 0:
        raise ApplicationError(
            _("参数 %(name)s 不能为负数。") % {"name": name}, code="negative", field=name
        )
    return int(value) if float(value).is_integer() else float(value)


@transaction.atomic
def ruleset_update(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    rule_set: RuleSetRecord,
    parameter_defaults: Mapping[str, ParameterValue] | None = None,
    rule_edits: list[RuleEdit] | None = None,
) -> RuleSetRecord:
    """Change parameter defaults and rules' conditions and messages of a draft.

    A draft may hold problems while it is being edited (the page lists them; publishing
    refuses them). Unchanged values are not recorded. Audit action:
    "assessment.ruleset_update". Raises ApplicationError for a record that is not a
    draft, an unknown parameter or rule, or a value of the wrong kind;
    PermissionDeniedError without the right or outside the actor's region.
    """
    _require_policy(scope, rule_set.region_code)
    record = _locked(rule_set)
    _require_policy(scope, record.region_code)
    _require_draft(record)
    current = definition.from_dict(record.definition)
    edited = current
    changes: dict[str, Any] = {}
    for name, value in (parameter_defaults or {}).items():
        if name not in edited.parameters:
            raise ApplicationError(
                _("规则集中没有参数 %(name)s。") % {"name": name}, code="unknown_parameter"
            )
        spec = edited.parameters[name]
        if spec.default is None:
            # A line differs by region and year: a rule set's default would decide every
            # year nobody set, which is what the policy parameters refuse to do.
            raise ApplicationError(
                _("%(label)s没有默认值，请在“政策参数”中按区划和年度设置。")
                % {"label": spec.label_or(name)},
                code="set_per_year",
                field=name,
            )
        old = spec.default
        new = _parameter_value(name, old, value)
        if new != old:
            edited = definition.with_parameter_default(edited, name, new)
            changes.setdefault("parameters", {})[name] = [old, new]
    for edit in rule_edits or []:
        try:
            rule = edited.rule(edit.code)
        except KeyError:
            raise ApplicationError(
                _("规则集中没有规则 %(code)s。") % {"code": edit.code}, code="unknown_rule"
            ) from None
        condition, message = edit.condition.strip(), edit.message.strip()
        if (condition, message) == (rule.condition, rule.message):
            continue
        edited = definition.with_rule(edited, replace(rule, condition=condition, message=message))
        changes.setdefault("rules", {})[edit.code] = {
            key: [old, new]
            for key, old, new in [
                ("condition", rule.condition, condition),
                ("message", rule.message, message),
            ]
            if old != new
        }
    if not changes:
        return record
    _store(record, edited)
    changes["problems"] = len(definition.validate(edited))
    audit_record(
        actor=actor,
        action="assessment.ruleset_update",
        subject=record,
        region_code=record.region_code,
        changes=changes,
    )
    return record


@transaction.atomic
def ruleset_publish(
    *, actor: AbstractBaseUser, scope: RegionScope, rule_set: RuleSetRecord
) -> RuleSetRecord:
    """Publish a draft after validating it; from then on it cannot change.

    Audit action: "assessment.ruleset_publish". Raises RuleSetInvalidError (an
    ApplicationError listing the problems) for a draft with problems, ApplicationError for
    a record that is not a draft, PermissionDeniedError without the right or outside the
    actor's region.
    """
    _require_policy(scope, rule_set.region_code)
    record = _locked(rule_set)
    _require_policy(scope, record.region_code)
    if record.status != RuleSetRecord.Status.DRAFT:
        raise ApplicationError(
            _("只有草稿可以发布；规则集 %(label)s %(status)s。")
            % {"label": str(record), "status": record.get_status_display()},
            code="not_draft",
        )
    draft = definition.from_dict(record.definition)
    try:
        published = definition.publish(draft)
    except definition.RuleSetInvalidError as error:
        raise RuleSetInvalidError(
            _("规则集 %(label)s 有 %(count)s 个问题，不能发布：%(problems)s")
            % {
                "label": str(record),
                "count": len(error.problems),
                "problems": "；".join(
                    f"{problem.rule_code or _('规则集')} {problem.message_zh}"
                    for problem in error.problems
                ),
            },
            error.problems,
        ) from None
    record.status = RuleSetRecord.Status.PUBLISHED
    record.published_at = timezone.now()
    _store(record, published, "status", "published_at")
    audit_record(
        actor=actor,
        action="assessment.ruleset_publish",
        subject=record,
        region_code=record.region_code,
        changes={"status": [str(RuleSetRecord.Status.DRAFT), str(record.status)]},
    )
    return record


@transaction.atomic
def ruleset_retire(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    rule_set: RuleSetRecord,
    effective_to: datetime.date | None = None,
) -> RuleSetRecord:
    """Retire a published version (kept, so that its outcomes stay explainable).

    Its effective period closes on `effective_to` (default: today). The last published
    version of a code is not retired: assessments would have no rule set left.
    Audit action: "assessment.ruleset_retire". Raises ApplicationError for a record that
    is not published, the last published version, or a closing date before the
    effective date; PermissionDeniedError without the right or outside the actor's region.
    """
    _require_policy(scope, rule_set.region_code)
    record = _locked(rule_set)
    _require_policy(scope, record.region_code)
    if record.status != RuleSetRecord.Status.PUBLISHED:
        raise ApplicationError(
            _("只有已发布的规则集可以停用；规则集 %(label)s %(status)s。")
            % {"label": str(record), "status": record.get_status_display()},
            code="not_published",
        )
    others = (
        RuleSetRecord.objects.select_for_update()
        .filter(code=record.code, status=RuleSetRecord.Status.PUBLISHED)
        .exclude(pk=record.pk)
    )
    if not list(others.values("pk")):
        raise ApplicationError(
            _("%(label)s 是该规则集唯一的已发布版本，停用后将无法评估；请先发布新版本。")
            % {"label": str(record)},
            code="last_published",
        )
    closing = effective_to or timezone.localdate()
    try:
        retired = definition.retire(definition.from_dict(record.definition), effective_to=closing)
    except definition.RuleSetError as error:
        raise ApplicationError(str(error), code="retire") from None
    record.status = RuleSetRecord.Status.RETIRED
    record.effective_to = closing
    _store(record, retired, "status", "effective_to")
    audit_record(
        actor=actor,
        action="assessment.ruleset_retire",
        subject=record,
        region_code=record.region_code,
        changes={
            "status": [str(RuleSetRecord.Status.PUBLISHED), str(record.status)],
            "effective_to": closing.isoformat(),
        },
    )
    return record
