"""Writes of the reports app: a village's exit (出列) data and the county exit survey."""

import random
from typing import Any, Final

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.audit.services import audit_record
from fupin.core.errors import ApplicationError, NotFoundError
from fupin.core.region_codes import RegionLevel
from fupin.core.scope import Capability, RegionScope
from fupin.registry.codes import HouseholdType
from fupin.registry.selectors import region_get
from fupin.reports.models import ExitSurvey, ExitSurveyEntry, VillageExitRecord
from fupin.reports.selectors.exit import RATE_ITEM, poor_people_by_village, village_exit_get
from fupin.reports.selectors.exit_survey import household_sample_frame

EVIDENCE_MAX = 500
# A county survey visits about a thousand households (DOMAIN §6); a bound keeps a typo from
# drawing the whole county.
MAX_PER_STRATUM: Final = 5000


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


@transaction.atomic
def exit_survey_draw(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    county_code: str,
    year: int,
    households_per_stratum: int,
    seed: int,
) -> ExitSurvey:
    """Draw a county's exit sample: `households_per_stratum` 脱贫户 (for 错退) and as many
    一般农户 (for 漏评), each stratum spread over the townships in proportion to their
    households, reproducibly for a seed. Audit action: "reports.exit_survey_draw"."""
    scope.require(Capability.RECORD_EXIT_INDICATORS)
    county = region_get(scope=scope, code=county_code)
    if county.level != RegionLevel.COUNTY:
        raise ApplicationError(_("抽样调查以县为单位。"), field="county_code")
    if not 1 <= households_per_stratum <= MAX_PER_STRATUM:
        raise ApplicationError(
            _("每层抽样户数应在 1 到 %(max)s 之间。") % {"max": MAX_PER_STRATUM},
            field="households_per_stratum",
        )
    survey = ExitSurvey.objects.create(
        county_code=county.code,
        year=year,
        households_per_stratum=households_per_stratum,
        seed=seed,
        created_by_id=actor.pk,
    )
    rng = random.Random(f"{county.code}-{year}-{seed}")  # noqa: S311 - a reproducible sample, not a secret
    strata = {
        ExitSurveyEntry.Stratum.REGISTERED: HouseholdType.EXITED,
        ExitSurveyEntry.Stratum.OUTSIDE: HouseholdType.ORDINARY,
    }
    entries = []
    for stratum, household_type in strata.items():
        frame = household_sample_frame(county.code, household_type)
        for household_id, village_code, people in _stratified(frame, households_per_stratum, rng):
            entries.append(
                ExitSurveyEntry(
                    survey=survey,
                    stratum=stratum,
                    household_id=household_id,
                    village_code=village_code,
                    people=people,
                )
            )
    if not entries:
        raise ApplicationError(_("该县没有可抽样的农户。"))
    ExitSurveyEntry.objects.bulk_create(entries)
    audit_record(
        actor=actor,
        action="reports.exit_survey_draw",
        subject=survey,
        subject_label=f"{county.name} {year}",
        region_code=county.code,
        changes={"households": len(entries)},
        context={"seed": seed, "households_per_stratum": households_per_stratum},
    )
    return survey


def _stratified(
    frame: list[tuple[int, str, int]], size: int, rng: random.Random
) -> list[tuple[int, str, int]]:
    """A sample of `size` spread over townships in proportion to their households (largest
    remainders), drawn at random inside each township."""
    by_town: dict[str, list[tuple[int, str, int]]] = {}
    for row in sorted(frame):
        by_town.setdefault(row[1][:9], []).append(row)
    total = len(frame)
    if total <= size:
        return sorted(frame)
    quotas = {town: size * len(rows) / total for town, rows in by_town.items()}
    allocation = {town: int(quota) for town, quota in quotas.items()}
    remainders = sorted(quotas, key=lambda town: (-(quotas[town] - allocation[town]), town))
    for town in remainders[: size - sum(allocation.values())]:
        allocation[town] += 1
    sample = []
    for town, rows in sorted(by_town.items()):
        sample.extend(rng.sample(rows, allocation[town]))
    return sample


@transaction.atomic
def exit_survey_entry_record(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    entry_id: int,
    method: str,
    is_wrong_exit: bool,
    missed_people: int,
    approves: bool | None,
) -> ExitSurveyEntry:
    """Record what the call or visit found for one sampled household.
    Audit action: "reports.exit_survey_entry_record"."""
    scope.require(Capability.RECORD_EXIT_INDICATORS)
    entry = (
        scope.filter(ExitSurveyEntry.objects.select_for_update(), region_field="village_code")
        .filter(pk=entry_id)
        .first()
    )
    if entry is None:
        raise NotFoundError(_("抽样户不存在或不在您的管辖范围内。"))
    if method not in ExitSurveyEntry.Method.values:
        raise ApplicationError(_("请选择调查方式（电话或入户）。"), field="method")
    if is_wrong_exit and entry.stratum != ExitSurveyEntry.Stratum.REGISTERED:
        raise ApplicationError(_("只有脱贫户才可能错退。"), field="is_wrong_exit")
    if missed_people and entry.stratum != ExitSurveyEntry.Stratum.OUTSIDE:
        raise ApplicationError(_("只有未建档立卡农户才可能漏评。"), field="missed_people")
    if not 0 <= missed_people <= entry.people:
        raise ApplicationError(_("漏评人数不能超过该户人数。"), field="missed_people")
    entry.method = method
    entry.is_wrong_exit = is_wrong_exit
    entry.missed_people = missed_people
    entry.approves = approves
    entry.is_surveyed = True
    entry.surveyed_at = timezone.now()
    entry.save()
    audit_record(
        actor=actor,
        action="reports.exit_survey_entry_record",
        subject=entry,
        subject_label=str(entry.household_id),
        region_code=entry.village_code,
        changes={
            "method": method,
            "is_wrong_exit": is_wrong_exit,
            "missed_people": missed_people,
            "approves": approves,
        },
    )
    return entry
