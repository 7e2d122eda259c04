"""疑点 as tasks: the registry's data-quality rules open them, the village verifies each
(核实属实 and fix it through the normal forms, or 核实不属实 with evidence), the township
reviews and closes it or sends it back."""

import datetime
from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.audit.services import audit_record
from fupin.core.errors import ApplicationError
from fupin.core.scope import Capability, RegionScope
from fupin.departments import selectors
from fupin.departments.models import Finding, FindingStatus, FindingVerdict
from fupin.departments.quality_rules import REGISTRY_RULES
from fupin.departments.services.feeds import Actor

MIN_EVIDENCE_LENGTH = 5


@dataclass(frozen=True)
class CheckResult:
    rules: int
    findings_opened: int


def _remembered(rule_codes: list[str], household_ids: list[int] | None) -> set[tuple[str, str]]:
    """Subjects not to flag again: an open 疑点, or one the township closed as 不属实."""
    findings = Finding.objects.filter(rule_code__in=rule_codes)
    if household_ids is not None:
        # The check after a save looks at a few households: read only their 疑点 (and
        # those of their members, should one have been filed under another household).
        findings = findings.filter(
            Q(household_id__in=household_ids) | Q(member__household_id__in=household_ids)
        )
    return set(
        findings.exclude(status=FindingStatus.CLOSED, verdict=FindingVerdict.TRUE).values_list(
            "rule_code", "subject_key"
        )
    )


def findings_open(
    *, region_code: str, household_ids: list[int] | None, today: datetime.date
) -> tuple[int, list[Finding]]:
    """Run the active data-quality rules of `region_code` over its households (or only
    `household_ids`) and store a 疑点 for each new hit; return how many rules ran and the
    疑点 opened. A subject with an open 疑点, or one found 不属实, is not flagged again.
    The callers audit (`findings_check`, and the check after a save in `follow`)."""
    rules = [
        rule
        for rule in selectors.quality_rules_for(region_code=region_code)
        if rule.is_active and rule.code in REGISTRY_RULES
    ]
    remembered = _remembered([rule.code for rule in rules], household_ids)
    created: list[Finding] = []
    for rule in rules:
        for hit in REGISTRY_RULES[rule.code](region_code, household_ids, today):
            if (rule.code, hit.subject_key) in remembered:
                continue
            remembered.add((rule.code, hit.subject_key))
            created.append(
                Finding(
                    rule_code=rule.code,
                    rule_label=rule.label,
                    subject_key=hit.subject_key,
                    household_id=hit.household_id,
                    member_id=hit.member_id,
                    village_id=hit.village_id,
                    detail=hit.detail[:300],
                    weight=rule.weight,
                )
            )
    Finding.objects.bulk_create(created, batch_size=5_000)
    return len(rules), created


@transaction.atomic
def findings_check(
    *,
    actor: Actor,
    scope: RegionScope | None,
    region_code: str,
    household_ids: list[int] | None = None,
    today: datetime.date | None = None,
) -> CheckResult:
    """Run the active data-quality rules of `region_code` over its households (or only
    `household_ids`) and open a 疑点 for each new hit (`findings_open`). `scope` None
    means the command line.

    Raises PermissionDeniedError. Audit action: "departments.findings_check".
    """
    if scope is not None:
        scope.require_region(region_code)
    rules, created = findings_open(
        region_code=region_code,
        household_ids=household_ids,
        today=today or timezone.localdate(),
    )
    audit_record(
        actor=actor,
        action="departments.findings_check",
        subject_type="registry.region",
        subject_id=region_code,
        region_code=region_code,
        changes={"rules": rules, "findings_opened": len(created)},
    )
    return CheckResult(rules=rules, findings_opened=len(created))


def _still_found(finding: Finding) -> bool:
    """Whether a registry rule still fires on the finding's subject: 属实 means the data
    were wrong and have been put right through the normal forms."""
    test = REGISTRY_RULES.get(finding.rule_code)
    if test is None:
        return False
    hits = test(finding.village_id, [finding.household_id], timezone.localdate())
    return any(hit.subject_key == finding.subject_key for hit in hits)


def _locked(scope: RegionScope, finding_id: int) -> Finding:
    selectors.finding_get(scope=scope, finding_id=finding_id)
    return Finding.objects.select_for_update().get(pk=finding_id)


@transaction.atomic
def finding_answer(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    finding_id: int,
    verdict: str,
    evidence: str,
) -> Finding:
    """The village's answer to a 疑点: 属实 (the data were wrong and have been fixed through
    the normal forms) or 不属实 (with evidence). It goes to the township for review.

    Raises PermissionDeniedError, NotFoundError or ApplicationError. Audit action:
    "departments.finding_answer".
    """
    scope.require(Capability.ANSWER_FINDINGS)
    finding = _locked(scope, finding_id)
    if finding.status != FindingStatus.VILLAGE:
        raise ApplicationError(_("该疑点已核实，正在审核或已销号。"), code="finding_state")
    if verdict not in FindingVerdict.values:
        raise ApplicationError(_("请选择核实结论。"), code="verdict", field="verdict")
    evidence = evidence.strip()
    if verdict == FindingVerdict.FALSE and len(evidence) < MIN_EVIDENCE_LENGTH:
        raise ApplicationError(
            _("核实不属实时请写明依据（至少 %(count)d 个字），例如核查了哪些材料。")
            % {"count": MIN_EVIDENCE_LENGTH},
            code="evidence",
            field="evidence",
        )
    if verdict == FindingVerdict.TRUE and _still_found(finding):
        raise ApplicationError(
            _("档案中仍有这个问题：请先通过农户或成员表单改正，再提交“核实属实”。"),
            code="still_found",
            field="verdict",
        )
    finding.verdict = verdict
    finding.evidence = evidence
    finding.status = FindingStatus.TOWNSHIP
    finding.answered_by_id = actor.pk
    finding.answered_at = timezone.now()
    finding.save()
    audit_record(
        actor=actor,
        action="departments.finding_answer",
        subject=finding,
        region_code=finding.village_id,
        changes={"verdict": verdict, "status": finding.status},
    )
    return finding


@transaction.atomic
def finding_review(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    finding_id: int,
    approve: bool,
    note: str = "",
) -> Finding:
    """The township's review of an answered 疑点: approve closes it (销号); sending it back
    needs a reason and returns it to the village.

    Raises PermissionDeniedError, NotFoundError or ApplicationError. Audit action:
    "departments.finding_review".
    """
    scope.require(Capability.REVIEW_FINDINGS)
    finding = _locked(scope, finding_id)
    if finding.status != FindingStatus.TOWNSHIP:
        raise ApplicationError(_("该疑点不在待审核状态。"), code="finding_state")
    note = note.strip()
    if not approve and not note:
        raise ApplicationError(_("退回时请写明原因。"), code="review_note", field="review_note")
    finding.status = FindingStatus.CLOSED if approve else FindingStatus.VILLAGE
    finding.review_note = note[:300]
    finding.reviewed_by_id = actor.pk
    finding.reviewed_at = timezone.now()
    finding.save()
    audit_record(
        actor=actor,
        action="departments.finding_review",
        subject=finding,
        region_code=finding.village_id,
        changes={"approved": approve, "status": finding.status},
    )
    return finding
