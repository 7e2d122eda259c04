"""The 结对帮扶台账 (cadre assignment ledger) applied: each row makes a cadre responsible for
a household through the same steps as an assignment on the household page."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
from django.db import transaction
from django.utils.translation import gettext as _

from fupin.assistance.models import Cadre, CadreAssignment, CadreLevel
from fupin.assistance.selectors import ledger as ledger_selectors
from fupin.assistance.services.cadres import Actor, assign_households, cadre_register
from fupin.audit.services import audit_record
from fupin.core.errors import ApplicationError
from fupin.core.lookups import in_chunks
from fupin.core.scope import Capability, RegionScope
from fupin.registry.models import Household

# A county's code is the first six digits of its villages' codes.
_COUNTY_CODE_LENGTH = 6


@dataclass(frozen=True)
class CadreAssignmentImportResult:
    """Households given their first cadre or a past assignment, households whose cadre
    changed, rows already true, and cadres registered from the file."""

    created: int
    updated: int
    unchanged: int
    cadres_registered: int


def _refused(row: dict[str, Any], message: str) -> ApplicationError:
    return ApplicationError(
        _("第 %(row)s 行：%(message)s未导入任何数据。") % {"row": row["_row"], "message": message},
        code="row",
    )


def _households(numbers: list[str]) -> dict[str, Household]:
    found: dict[str, Household] = {}
    for chunk in in_chunks(numbers):
        found.update(
            (household.number, household)
            for household in Household.objects.filter(number__any=chunk)
        )
    return found


def _cadre_for(
    row: dict[str, Any], cadres: dict[str, Cadre], *, actor: Actor, scope: RegionScope, village: str
) -> tuple[Cadre, bool]:
    """The row's cadre, registered in the household's county when the file is the first to
    name them (in the scope's own region when the county is wider than the scope)."""
    key = ledger_selectors.cadre_key(
        cadre_id=row["cadre_id"], name=row["cadre_name"], phone=row["phone"] or ""
    )
    cadre = cadres.get(key)
    if cadre is not None:
        return cadre, False
    if row["cadre_id"] is not None:
        raise _refused(row, _("帮扶责任人编号不存在或已不在岗。"))
    county = village[:_COUNTY_CODE_LENGTH]
    cadre = cadre_register(
        actor=actor,
        name=row["cadre_name"],
        unit=row["unit"] or "",
        post=row["post"] or "",
        phone=row["phone"] or "",
        level=row["level"] or CadreLevel.COUNTY,
        region_code=county if scope.contains(county) else scope.prefix,
    )
    cadres[key] = cadre
    return cadre, True


def _record_past(*, actor: Actor, cadre: Cadre, household: Household, row: dict[str, Any]) -> bool:
    """Keep an ended assignment of the file as history; False when it is kept already."""
    started_on: date = row["started_on"]
    ended_on: date = row["ended_on"]
    if CadreAssignment.objects.filter(
        cadre=cadre, household=household, started_on=started_on, ended_on=ended_on
    ).exists():
        return False
    if not household.village_id.startswith(cadre.region_id):
        raise _refused(row, _("该户不在帮扶责任人的帮扶区域内。"))
    assignment = CadreAssignment.objects.create(
        cadre=cadre,
        household=household,
        started_on=started_on,
        ended_on=ended_on,
        end_reason=row["end_reason"] or _("台账导入的历史结对"),
    )
    audit_record(
        actor=actor,
        action="assistance.cadre_assign",
        subject=assignment,
        region_code=household.village_id,
        changes={
            "household": household.number,
            "cadre": ["", cadre.name],
            "started_on": started_on.isoformat(),
            "ended_on": ended_on.isoformat(),
        },
    )
    return True


@transaction.atomic
def cadre_assignment_bulk_import(
    *, actor: Actor, scope: RegionScope, rows: pl.DataFrame
) -> CadreAssignmentImportResult:
    """Apply validated 结对帮扶台账 rows, all or nothing: a row without an end date makes its
    cadre responsible for the household now (the previous cadre's assignment ends that day
    and stays as history), one with an end date keeps a past assignment. Rows already true
    change nothing, so importing a file twice changes nothing. Each assignment is audited
    as "assistance.cadre_assign", each cadre the file registers as "assistance.cadre_create".

    The ledger's checks refuse bad rows one by one; this refuses the whole file if the
    registry changed since. A user needs the duty to manage assistance; the `fupin import`
    command, run by the operator, is bound by its region only."""
    if actor is not None:
        scope.require(Capability.MANAGE_ASSISTANCE)
    if rows.is_empty():
        return CadreAssignmentImportResult(0, 0, 0, 0)
    households = _households(rows.get_column("household_number").to_list())
    keys = [
        ledger_selectors.cadre_key(
            cadre_id=row["cadre_id"], name=row["cadre_name"], phone=row["phone"] or ""
        )
        for row in rows.iter_rows(named=True)
    ]
    cadres = ledger_selectors.active_cadres_by_key(keys)
    current = ledger_selectors.current_cadre_ids_by_household_number(households)
    created = updated = unchanged = registered = 0
    batches: dict[tuple[int, date], list[Household]] = defaultdict(list)
    cadres_by_id: dict[int, Cadre] = {}
    for row in rows.sort("_row").iter_rows(named=True):
        household = households.get(row["household_number"])
        if household is None or not scope.contains(household.village_id):
            raise _refused(row, _("该户不在册或不在您的管辖范围内。"))
        cadre, is_new = _cadre_for(
            row, cadres, actor=actor, scope=scope, village=household.village_id
        )
        registered += is_new
        cadres_by_id[cadre.pk] = cadre
        if row["ended_on"] is not None:
            if _record_past(actor=actor, cadre=cadre, household=household, row=row):
                created += 1
            else:
                unchanged += 1
        elif current.get(household.number) == str(cadre.pk):
            unchanged += 1
        else:
            if household.number in current:
                updated += 1
            else:
                created += 1
            batches[(cadre.pk, row["started_on"])].append(household)
    for (cadre_id, started_on), batch in batches.items():
        assign_households(
            actor=actor,
            scope=scope,
            cadre=cadres_by_id[cadre_id],
            households=batch,
            started_on=started_on,
            reason=_("台账导入更换帮扶责任人"),
        )
    return CadreAssignmentImportResult(created, updated, unchanged, registered)
