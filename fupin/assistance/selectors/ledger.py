"""What the 结对帮扶台账 (cadre assignment ledger) asks of assistance: cadres by 编号 or by
name and phone, the households' current cadres, the local limits, and the export."""

from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Count, Q, QuerySet

from fupin.assistance.models import Cadre, CadreAssignment
from fupin.assistance.selectors import rules as rule_selectors
from fupin.core.lookups import in_chunks


def cadre_key(*, cadre_id: int | None, name: str, phone: str) -> str:
    """How a ledger row names its cadre (the ledger check builds the same key)."""
    return f"#{cadre_id}" if cadre_id is not None else f"{name}|{phone}"


def active_cadres_by_key(keys: Iterable[str]) -> dict[str, Cadre]:
    """{key: active cadre} for keys "#编号" or "姓名|电话"; each cadre carries its
    `current_households` count. Of two cadres sharing name and phone the first registered
    is meant."""
    keys = list(keys)
    ids = [int(key[1:]) for key in keys if key.startswith("#") and key[1:].isdigit()]
    named = {key for key in keys if not key.startswith("#") and "|" in key}
    cadres = Cadre.objects.filter(is_active=True).annotate(
        current_households=Count("assignments", filter=Q(assignments__ended_on__isnull=True))
    )
    found: dict[str, Cadre] = {}
    for chunk in in_chunks(ids):
        found.update({f"#{cadre.pk}": cadre for cadre in cadres.filter(pk__any=chunk)})
    for name_chunk in in_chunks(key.split("|", 1)[0] for key in named):
        for cadre in cadres.filter(name__any=name_chunk).order_by("-id"):
            key = f"{cadre.name}|{cadre.phone}"
            if key in named:
                found[key] = cadre
    return found


def cadre_facts_by_key(keys: Iterable[str]) -> dict[str, str]:
    """{key: "编号|region|current households|name"} for the ledger's checks."""
    return {
        key: f"{cadre.pk}|{cadre.region_id}|{cadre.current_households}|{cadre.name}"  # type: ignore[attr-defined]
        for key, cadre in active_cadres_by_key(keys).items()
    }


def current_cadre_ids_by_household_number(numbers: Iterable[str]) -> dict[str, str]:
    """{户编号: 编号 of its current cadre} for the households among `numbers` that have one."""
    found: dict[str, str] = {}
    for chunk in in_chunks(numbers):
        found.update(
            (number, str(cadre_id))
            for number, cadre_id in CadreAssignment.objects.filter(
                household__number__any=chunk, ended_on__isnull=True
            ).values_list("household__number", "cadre_id")
        )
    return found


def cadre_limits_by_region(region_codes: Iterable[str]) -> dict[str, int]:
    """{region code: most current households one cadre of that region may help}."""
    settings = rule_selectors.all_settings()
    return {
        code: rule_selectors.setting_for(code, rows=settings).max_households_per_cadre
        for code in region_codes
    }


def cadre_assignment_ledger_values(
    household_ids: Sequence[int], fields: Sequence[str]
) -> QuerySet[Any, dict[str, Any]]:
    """The current assignments of `household_ids` as `values(*fields)`, for the export."""
    records: QuerySet[Any, dict[str, Any]] = (
        CadreAssignment.objects.filter(household_id__in=household_ids, ended_on__isnull=True)
        .order_by("household_id")
        .values(*fields)
    )
    return records
