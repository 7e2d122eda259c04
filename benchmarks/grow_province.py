"""Grow a generated province by cloning its counties into further real counties, in SQL.

The synthetic generator draws every household in Python (about 1,000 a second on an idle
machine), so twenty more counties of 100,000 households take most of an hour. For
measuring at province scale the figures only need to be plausible and the rows valid, so
this script copies the registry of counties already there into other counties of the same
province, one `INSERT … SELECT` per table and county:

- households keep every column but their id (drawn above the highest), their village (the
  source county's 村委会 spread in code order over the target county's, proportionally),
  their 户编号 (``SYN`` + the new village code + a running number within it, the
  generator's scheme, so the generator's ``--replace`` finds them) and the village name at
  the start of the address;
- members, yearly income, living conditions, status events and change marks are copied
  to the new households; every ID number gets the target county's address code and its
  GB 11643 check character recomputed (birth date and sequence kept), so the numbers stay
  valid and unique and the one-active-household-per-person index holds;
- each county is one transaction with one audit event (`registry.household_bulk_generate`,
  as the generator writes), so the tallies recount it like a generated county.

The other apps' records (assessment outcomes, assistance, monitoring cases) are not copied:
a grown county holds what the generator would have written. Target counties that already
have households are left alone, so a second run only fills what is missing. Then ANALYZE.

The new ids are taken above the highest household id and the id sequence is moved past
them: run it on a database of its own (a benchmark copy), not beside live writers.

    createdb -h 127.0.0.1 -U postgres -T fupin_bench_1m fupin_bench_3m
    FUPIN_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/fupin_bench_3m \\
        .venv/bin/python benchmarks/grow_province.py [--counties 30]

By default the sources are the counties with households among the first --counties of the
province (`dashboard_bench.province_counties`: the load test's ten first), and the targets
are the rest of them.
"""

import argparse
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

ROOT = Path(__file__).resolve().parent.parent
# The village committees (村委会): digits 10–12 of the code in 200–399, as the generator.
COMMITTEE_RANGE: Final = ("200", "399")
SUFFIXES: Final = ("村民委员会", "村委会")

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Grown:
    county: str
    source: str
    households: int
    members: int
    seconds: float


def django_setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("FUPIN_DEMO", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django  # noqa: PLC0415 - after the settings are chosen

    django.setup()


def address_name(village_name: str) -> str:
    """The name a village has in an address (东榛柴村委会 → 东榛柴村), as the generator."""
    name = village_name
    for suffix in SUFFIXES:
        name = name.removesuffix(suffix)
    return name if name.endswith("村") else f"{name}村"


def committees(county: str) -> list[tuple[str, str]]:
    """The county's 村委会 as (code, address name), in code order."""
    from fupin.core.region_codes import RegionLevel  # noqa: PLC0415
    from fupin.registry.models import Region  # noqa: PLC0415

    rows = Region.objects.filter(level=RegionLevel.VILLAGE, code__startswith=county).values_list(
        "code", "name"
    )
    low, high = COMMITTEE_RANGE
    return [(code, address_name(name)) for code, name in sorted(rows) if low <= code[9:12] <= high]


def village_pairs(
    source: Sequence[tuple[str, str]], target: Sequence[tuple[str, str]]
) -> list[tuple[str, str, str, str]]:
    """Each source village with the target village its households move to: the source's
    villages in code order spread evenly over the target's (several share one when the
    target has fewer), as (source code, source address name, target code, target name)."""
    return [
        (*village, *target[index * len(target) // len(source)])
        for index, village in enumerate(source)
    ]


def id_number_sql(column: str, county: str) -> str:
    """SQL for the ID number in `column` moved to the address code `county`: the birth date
    and sequence (digits 7–17) kept, the GB 11643 check character recomputed."""
    from fupin.registry.idnumbers import CHECK_CHARACTERS, CHECK_WEIGHTS  # noqa: PLC0415

    if len(county) != 6 or not county.isdigit():
        raise ValueError(f"not a county code: {county!r}")
    # The address code's share of the weighted sum is a constant; the rest is summed in SQL.
    constant = sum(
        int(digit) * weight for digit, weight in zip(county, CHECK_WEIGHTS[:6], strict=True)
    )
    terms = " + ".join(
        f"{weight} * CAST(substr({column}, {position}, 1) AS INTEGER)"
        for position, weight in enumerate(CHECK_WEIGHTS[6:], start=7)
    )
    total = f"({constant} + {terms})"
    # The remainder by integer division: a `%` would be read as a placeholder.
    remainder = f"({total} - 11 * ({total} / 11))"
    return (
        f"'{county}' || substr({column}, 7, 11) || substr('{CHECK_CHARACTERS}', {remainder} + 1, 1)"
    )


def _padded(expression: str) -> str:
    from django.db import connection  # noqa: PLC0415

    if connection.vendor == "postgresql":
        return f"lpad(CAST({expression} AS text), 5, '0')"
    return f"printf('%05d', {expression})"


def _columns(model: Any, *, with_id: bool) -> list[str]:
    """The columns an INSERT writes: all but the generated ones and (unless `with_id`) an
    automatic id."""
    from django.db.models import AutoField, BigAutoField, GeneratedField  # noqa: PLC0415

    return [
        field.column
        for field in model._meta.concrete_fields
        if not isinstance(field, GeneratedField)
        and (with_id or not isinstance(field, AutoField | BigAutoField))
    ]


def _highest_household_id(cursor: Any) -> int:
    from django.db import connection  # noqa: PLC0415

    cursor.execute("SELECT coalesce(max(id), 0) FROM registry_household")
    highest = int(cursor.fetchone()[0])
    if connection.vendor == "postgresql":
        cursor.execute(
            "SELECT coalesce(last_value, 0) FROM pg_sequences WHERE schemaname = current_schema() "
            "AND sequencename = split_part(pg_get_serial_sequence('registry_household', 'id'), "
            "'.', 2)"
        )
        row = cursor.fetchone()
        highest = max(highest, int(row[0]) if row else 0)
    else:
        cursor.execute(
            "SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = %s",
            ["registry_household"],
        )
        highest = max(highest, int(cursor.fetchone()[0]))
    return highest


def _copy_table(cursor: Any, model: Any, replace: dict[str, str]) -> int:
    """Copy `model`'s rows of the mapped households to the new ones; return the count."""
    table = model._meta.db_table
    is_household = table == "registry_household"
    columns = _columns(model, with_id=is_household)
    link = "id" if is_household else "household_id"
    values = ", ".join(replace.get(column, f"x.{column}") for column in columns)
    cursor.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 - names from the models
        f"SELECT {values} FROM {table} x JOIN grow_households m ON m.source_id = x.{link}"
    )
    return int(cursor.rowcount)


def grow_county(*, target: str, source: str, progress: Progress = print) -> Grown:
    """Copy `source`'s households into `target` (one transaction, one audit event)."""
    from django.db import connection, transaction  # noqa: PLC0415
    from django.utils.translation import gettext as _  # noqa: PLC0415

    from fupin.audit.services import audit_record  # noqa: PLC0415
    from fupin.registry.models import (  # noqa: PLC0415
        Household,
        HouseholdConditions,
        HouseholdLevel,
        HouseholdStatusEvent,
        HouseholdYear,
        Member,
        StaleHousehold,
    )
    from fupin.registry.services.regions import region_bulk_load  # noqa: PLC0415

    started = time.perf_counter()
    if not committees(target):
        region_bulk_load(actor=None, scope=None, province_code=target[:2])
    pairs = village_pairs(committees(source), committees(target))
    if not pairs or not committees(target):
        raise SystemExit(f"{source} or {target} has no village committees to copy between")
    high = source.ljust(12, "9")
    counts: dict[str, int] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM registry_member x JOIN registry_household h "
            "ON h.id = x.household_id WHERE h.village_id BETWEEN %s AND %s "
            "AND (length(x.id_number) <> 18 OR substr(x.id_number, 1, 6) <> %s)",
            [source, high, source],
        )
        if cursor.fetchone()[0]:
            raise SystemExit(
                f"{source}: some ID numbers do not carry the county's address code; "
                "moving them could make two people one"
            )
        cursor.execute(
            "CREATE TEMPORARY TABLE grow_villages (source_code varchar(12) PRIMARY KEY, "
            "source_name varchar(100), target_code varchar(12), target_name varchar(100))"
        )
        cursor.executemany("INSERT INTO grow_villages VALUES (%s, %s, %s, %s)", pairs)
        base = _highest_household_id(cursor)
        running = _padded("row_number() OVER (PARTITION BY v.target_code ORDER BY h.id)")
        cursor.execute(
            "CREATE TEMPORARY TABLE grow_households AS SELECT h.id AS source_id, "  # noqa: S608
            f"{base} + row_number() OVER (ORDER BY h.id) AS target_id, "
            "v.target_code AS village_id, "
            f"'SYN' || v.target_code || {running} AS number, "
            "CASE WHEN substr(h.address, 1, length(v.source_name)) = v.source_name "
            "THEN v.target_name || substr(h.address, length(v.source_name) + 1) "
            "ELSE h.address END AS address "
            "FROM registry_household h JOIN grow_villages v ON v.source_code = h.village_id "
            "WHERE h.village_id BETWEEN %s AND %s",
            [source, high],
        )
        cursor.execute("CREATE UNIQUE INDEX grow_households_source ON grow_households (source_id)")
        cursor.execute("ANALYZE grow_households")
        moved = {
            "id": "m.target_id",
            "number": "m.number",
            "village_id": "m.village_id",
            "address": "m.address",
        }
        for model, replace in (
            (Household, moved),
            (
                Member,
                {"household_id": "m.target_id", "id_number": id_number_sql("x.id_number", target)},
            ),
            (HouseholdYear, {"household_id": "m.target_id"}),
            (HouseholdConditions, {"household_id": "m.target_id"}),
            (HouseholdStatusEvent, {"household_id": "m.target_id"}),
            (StaleHousehold, {"household_id": "m.target_id"}),
            (HouseholdLevel, {"household_id": "m.target_id"}),
        ):
            table_started = time.perf_counter()
            counts[model._meta.model_name or ""] = _copy_table(cursor, model, replace)
            progress(
                f"  {target} ← {source}: {model._meta.db_table} "
                f"{counts[model._meta.model_name or '']:,} rows in "
                f"{time.perf_counter() - table_started:.1f} s"
            )
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('registry_household', 'id'), "
                "(SELECT max(id) FROM registry_household))"
            )
        cursor.execute("DROP TABLE grow_households")
        cursor.execute("DROP TABLE grow_villages")
        audit_record(
            actor=None,
            action="registry.household_bulk_generate",
            subject_type="registry.household",
            subject_id=f"SYN{target}",
            subject_label=_("模拟农户批量生成"),
            region_code=target,
            changes={
                "households": counts["household"],
                "members": counts["member"],
                "copied_from": source,
            },
        )
    return Grown(
        county=target,
        source=source,
        households=counts["household"],
        members=counts["member"],
        seconds=time.perf_counter() - started,
    )


def households_in(county: str) -> int:
    from fupin.registry.models import Household  # noqa: PLC0415

    return Household.objects.filter(village__code__range=(county, county.ljust(12, "9"))).count()


def grow_province(*, counties: Sequence[str], progress: Progress = print) -> list[Grown]:
    """Fill the counties without households by copying those with households, the first
    source for the first empty county and so on round the sources; then ANALYZE."""
    from django.db import connection  # noqa: PLC0415

    sizes = {county: households_in(county) for county in counties}
    sources = [county for county in counties if sizes[county]]
    targets = [county for county in counties if not sizes[county]]
    if not sources:
        raise SystemExit("no county has households to copy")
    progress(
        f"{len(sources)} counties to copy from ({sum(sizes.values()):,} households), "
        f"{len(targets)} to fill"
    )
    grown = []
    for index, target in enumerate(targets):
        source = sources[index % len(sources)]
        result = grow_county(target=target, source=source, progress=progress)
        grown.append(result)
        progress(
            f"{index + 1}/{len(targets)} {target} ← {source}: {result.households:,} households, "
            f"{result.members:,} members in {result.seconds:.0f} s  {_load()}"
        )
    if grown:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        progress(f"ANALYZE in {time.perf_counter() - started:.0f} s")
    return grown


def _load() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"load {one:4.1f}/{five:4.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--counties", type=int, default=30)
    args = parser.parse_args()
    if not os.environ.get("FUPIN_DATABASE_URL"):
        sys.exit("Set FUPIN_DATABASE_URL to the database to grow (a copy of its own).")
    django_setup()
    from benchmarks.dashboard_bench import province_counties  # noqa: PLC0415

    started = time.perf_counter()
    grown = grow_province(counties=province_counties(args.counties), progress=_say)
    households = sum(result.households for result in grown)
    members = sum(result.members for result in grown)
    seconds = time.perf_counter() - started
    _say(
        f"grown by {len(grown)} counties: {households:,} households, {members:,} members "
        f"in {seconds:.0f} s ({households / max(seconds, 0.001):,.0f} households/s)  {_load()}"
    )


def _say(message: str) -> None:
    print(message, flush=True)


if __name__ == "__main__":
    main()
