"""The service: check the request, load the regions if needed, and generate the county in
batches, one transaction and one audit event each."""

import time
from dataclasses import dataclass
from typing import Final

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.audit.services import audit_record
from fupin.core.errors import ApplicationError
from fupin.core.progress import ProgressCallback, no_progress
from fupin.core.region_codes import RegionLevel
from fupin.registry import region_data
from fupin.registry.idnumbers import is_known_county_code
from fupin.registry.models import (
    Household,
    HouseholdConditions,
    HouseholdStatusEvent,
    HouseholdYear,
    Member,
    Region,
)
from fupin.registry.services.regions import region_bulk_load
from fupin.registry.synthetic.generator import CountyGenerator, Village
from fupin.registry.synthetic.writer import (
    CONDITION_FIELDS,
    EVENT_FIELDS,
    HOUSEHOLD_FIELDS,
    MEMBER_FIELDS,
    YEAR_FIELDS,
    delete_generated,
    generated_prefix,
    insert_rows,
    reserve_household_ids,
)

DEFAULT_BATCH_HOUSEHOLDS: Final = 5000


@dataclass(frozen=True)
class GenerationResult:
    county_code: str
    households: int
    members: int
    seconds: float


def household_bulk_generate(
    *,
    county_code: str,
    households: int,
    seed: int,
    replace: bool = False,
    on_progress: ProgressCallback = no_progress,
    batch_households: int = DEFAULT_BATCH_HOUSEHOLDS,
) -> GenerationResult:
    """Generate `households` synthetic households in the county's 村委会 and write them.

    Loads the county's province first when its regions are missing. Deterministic for a seed
    (see the module docstring). Each batch of `batch_households` commits with one audit
    event ("registry.household_bulk_generate"); `replace` first deletes the county's
    previously generated households (户编号 starting with ``SYN`` + county code) and all
    their rows in one transaction ("registry.household_bulk_generate_replace"). A failed
    batch leaves the earlier batches in place; run again with `replace`.

    Raises ApplicationError for a code that is not a county of the shipped table (or is a
    statistics-only unit such as a development zone, which has no ID address code), a
    county without 村委会, fewer than one household, or a county that already has
    generated households when `replace` is False.
    """
    started = time.perf_counter()
    county_name = _county_name(county_code)
    if households < 1:
        raise ApplicationError(
            _("生成户数至少为 1，现在是 %(count)s。") % {"count": households},
            code="households",
        )
    if batch_households < 1:
        raise ApplicationError(
            _("每批户数至少为 1，现在是 %(count)s。") % {"count": batch_households},
            code="batch_households",
        )
    _ensure_regions(county_code)
    villages = _village_committees(county_code)
    if not villages:
        raise ApplicationError(
            _("%(name)s（%(code)s）没有村委会，无法生成农户。")
            % {"name": county_name, "code": county_code},
            code="no_villages",
        )
    existing = Household.objects.filter(number__startswith=generated_prefix(county_code)).count()
    if existing and not replace:
        raise ApplicationError(
            _(
                "%(name)s（%(code)s）已有 %(count)s 户生成的模拟农户。"
                "如需重新生成，请选择替换（命令行加 --replace），将先删除这些模拟农户。"
            )
            % {"name": county_name, "code": county_code, "count": existing},
            code="already_generated",
        )
    generator = CountyGenerator(
        seed=seed,
        county_code=county_code,
        county_name=county_name,
        villages=villages,
        households=households,
    )
    if existing:
        on_progress(done=0, total=households, message=_("正在删除原有模拟农户"))
        delete_generated(county_code)
    generator.exclude_id_numbers(_taken_id_numbers(county_code))
    on_progress(done=0, total=households, message=_("开始生成农户"))
    done = members = 0
    while done < households:
        count = min(batch_households, households - done)
        members += _generate_batch(generator, county_code=county_code, count=count)
        done += count
        on_progress(
            done=done,
            total=households,
            message=_("已生成 %(done)s / %(total)s 户") % {"done": done, "total": households},
        )
    return GenerationResult(
        county_code=county_code,
        households=households,
        members=members,
        seconds=round(time.perf_counter() - started, 2),
    )


def _county_name(county_code: str) -> str:
    """Return the county's name from the shipped table or raise ApplicationError."""
    unknown = ApplicationError(
        _("县级区划代码 %(code)s 不存在，请填写六位县级代码，例如 220421（东丰县）。")
        % {"code": county_code},
        code="unknown_county",
    )
    if len(county_code) != 6 or not county_code.isascii() or not county_code.isdigit():
        raise unknown
    counties = region_data.read_level(region_data.LEVEL_FILES[2], province_code=county_code[:2])
    names = dict(zip(counties["code"].to_list(), counties["name"].to_list(), strict=True))
    if county_code not in names:
        raise unknown
    if not is_known_county_code(county_code):
        raise ApplicationError(
            _(
                "%(name)s（%(code)s）是开发区等统计用单位，没有身份证地址码，"
                "无法生成有效的身份证号码。请选择一个县、县级市或区。"
            )
            % {"name": names[county_code], "code": county_code},
            code="statistics_only_county",
        )
    return str(names[county_code])


def _ensure_regions(county_code: str) -> None:
    """Load the province's region codes when the county or its villages are missing."""
    villages = Region.objects.filter(level=RegionLevel.VILLAGE, code__startswith=county_code)
    if not villages.exists():
        region_bulk_load(actor=None, scope=None, province_code=county_code[:2])


def _village_committees(county_code: str) -> list[Village]:
    """Return the county's 村委会 (digits 10–12 in 200–399) in code order."""
    rows = Region.objects.filter(
        level=RegionLevel.VILLAGE, code__startswith=county_code
    ).values_list("code", "name")
    villages = []
    for code, name in sorted(rows):
        if "200" <= code[9:12] <= "399":
            address_name = name.removesuffix("村民委员会").removesuffix("村委会")
            if not address_name.endswith("村"):
                address_name += "村"
            villages.append(Village(code=code, address_name=address_name))
    return villages


def _taken_id_numbers(county_code: str) -> set[str]:
    """Return the ID numbers with the county's address code that other members hold."""
    return set(
        Member.objects.filter(id_number__startswith=county_code).values_list("id_number", flat=True)
    )


def _generate_batch(generator: CountyGenerator, *, county_code: str, count: int) -> int:
    """Generate and write `count` households in one transaction; return the member count."""
    with transaction.atomic():
        household_ids = reserve_household_ids(count)
        batch = generator.next_batch(household_ids, now=timezone.now())
        insert_rows(Household, HOUSEHOLD_FIELDS, batch.households)
        insert_rows(Member, MEMBER_FIELDS, batch.members)
        insert_rows(HouseholdYear, YEAR_FIELDS, batch.years)
        insert_rows(HouseholdConditions, CONDITION_FIELDS, batch.conditions)
        insert_rows(HouseholdStatusEvent, EVENT_FIELDS, batch.events)
        audit_record(
            actor=None,
            action="registry.household_bulk_generate",
            subject_type="registry.household",
            subject_id=f"{batch.first_number}…{batch.last_number}",
            subject_label=_("模拟农户批量生成"),
            region_code=county_code,
            changes={"households": count, "members": len(batch.members)},
        )
    return len(batch.members)
