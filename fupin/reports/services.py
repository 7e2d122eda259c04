"""Writes of the reports app: the exit (出列) data entered for a village."""

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from fupin.audit.services import audit_record
from fupin.core.errors import ApplicationError
from fupin.core.scope import Capability, RegionScope
from fupin.reports.models import VillageExitRecord
from fupin.reports.selectors.exit import RATE_ITEM, poor_people_by_village, village_exit_get

EVIDENCE_MAX = 500


@transaction.atomic
def village_exit_record(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    village_code: str,
    year: int,
    rural_population: int,
    values: dict[str, dict[str, Any]],
) -> VillageExitRecord:
    """Enter or correct a village's exit data for a year: its rural population and, for each
    item of its province's indicator set, whether it is met and the evidence.

    Raises PermissionDeniedError without the right, NotFoundError outside the scope and
    ApplicationError for a year without an indicator set, an unknown item or a population
    smaller than the registered poor. Audit action: "reports.village_exit_record".
    """
    scope.require(Capability.RECORD_EXIT_INDICATORS)
    current = village_exit_get(scope=scope, village_code=village_code, year=year)
    if current.indicator_set is None:
        raise ApplicationError(_("%(year)s 年没有适用于该村的出列指标体系。") % {"year": year})
    known = {item["code"] for item in current.indicator_set.items} - {RATE_ITEM}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ApplicationError(
            _("指标体系中没有这些指标：%(codes)s。") % {"codes": "、".join(unknown)}
        )
    poor = poor_people_by_village(village_code, year).get(village_code, 0)
    if rural_population <= 0 or rural_population < poor:
        raise ApplicationError(
            _("乡村总人口应为正数，且不少于建档立卡贫困人口（%(poor)s 人）。") % {"poor": poor},
            field="rural_population",
        )
    cleaned = {
        code: {
            "met": bool(values.get(code, {}).get("met")),
            "evidence": str(values.get(code, {}).get("evidence", "")).strip()[:EVIDENCE_MAX],
        }
        for code in sorted(known)
    }
    record = current.record
    before = (
        {"rural_population": record.rural_population, "values": record.values} if record else {}
    )
    if record is None:
        record = VillageExitRecord(village_code=village_code, year=year)
    record.indicator_set = current.indicator_set.code
    record.rural_population = rural_population
    record.values = cleaned
    record.recorded_by_id = actor.pk
    record.save()
    changes = {
        "rural_population": [before.get("rural_population"), rural_population],
        "values": [
            _met_summary(before.get("values", {})) if before else None,
            _met_summary(cleaned),
        ],
    }
    audit_record(
        actor=actor,
        action="reports.village_exit_record",
        subject_type="reports.villageexitrecord",
        subject_id=str(record.pk),
        subject_label=f"{current.village.name} {year}",
        region_code=village_code,
        changes=changes,
        context={"year": year, "indicator_set": current.indicator_set.code},
    )
    return record


def _met_summary(values: dict[str, dict[str, Any]]) -> str:
    met = sum(1 for value in values.values() if value.get("met"))
    return f"{met}/{len(values)}"
