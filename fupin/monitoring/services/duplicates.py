"""Merge the later open cases of a household into its earliest open case of the same kind.

Only a database from before monitoring migration 0008 holds such households (two clues
registered at the same moment each opened a case; issue #20's concurrency theme). The
migration refuses to build its index over them and names `fupin resolve_duplicate_cases`,
which calls this. The earliest case is kept because the applicants' receipts were issued
against it first; a later case's clues join it as merged clues, as a clue arriving after
it would have, and the later case is closed with a reason that names the kept one.
"""

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.audit.services import audit_record
from fupin.core.scope import RegionScope
from fupin.monitoring import selectors, workflow
from fupin.monitoring.models import (
    CaseState,
    ClueStatus,
    Decision,
    MonitoringCase,
    Notice,
    RiskClue,
)
from fupin.monitoring.services.common import approval_record


@transaction.atomic
def case_duplicates_merge(*, actor: AbstractBaseUser | None, scope: RegionScope) -> int:
    """For each household in the scope with more than one open case of a kind, keep the
    earliest and merge each later one into it; return how many cases were merged.

    A later case's clues move to the kept case as merged into its first open clue (the
    first of them stays open if the kept case has none, as an elimination case has not);
    the later case is closed as 已驳回 with the reason, its open publicity closed too.
    Audit actions: "monitoring.clue_merge" for every clue moved and
    "monitoring.case_duplicate_merge" for every case closed.
    """
    merged = 0
    today = timezone.localdate()
    for duplicate in selectors.case_duplicate_list(scope=scope):
        kept, *later = duplicate.cases
        target = (
            RiskClue.objects.filter(case=kept, status=ClueStatus.OPEN, merged_into__isnull=True)
            .order_by("id")
            .first()
        )
        for case in later:
            locked = MonitoringCase.objects.select_for_update().get(pk=case.pk)
            reason = _("与同户的监测工作事项 #%(id)s 重复，线索已并入该事项。") % {"id": kept.pk}
            for clue in RiskClue.objects.filter(case=locked).order_by("id"):
                clue.case = kept
                if target is None:
                    target = clue
                    clue.save(update_fields=["case"])
                else:
                    clue.status = ClueStatus.MERGED
                    clue.merged_into = target
                    clue.save(update_fields=["case", "status", "merged_into"])
                audit_record(
                    actor=actor,
                    action="monitoring.clue_merge",
                    subject=clue,
                    region_code=clue.village_id,
                    changes={
                        "case": [locked.pk, kept.pk],
                        "merged_into": target.receipt_number if target is not clue else "",
                    },
                )
            before = locked.state
            approval_record(
                actor=actor,
                scope=None,
                subject_type=selectors.CASE_SUBJECT,
                subject_id=str(locked.pk),
                step=workflow.STEP_OF[CaseState(before)],
                decision=Decision.REJECT,
                opinion=reason,
            )
            locked.state = CaseState.REJECTED
            locked.rejection_reason = reason
            locked.closed_on = today
            locked.is_returned = False
            locked.save()
            locked.notices.filter(closed_on__isnull=True, kind=Notice.Kind.PUBLICITY).update(
                closed_on=today
            )
            audit_record(
                actor=actor,
                action="monitoring.case_duplicate_merge",
                subject=locked,
                region_code=locked.village_id,
                changes={
                    "state": [before, locked.state],
                    "kept_case": kept.pk,
                    "household": duplicate.household.number,
                },
            )
            merged += 1
    return merged
