"""Baseline: the same members ledger through django-import-export, compared with our importer.

The issue asks for our importer to reach at least 30× the rows per second of the tool the
Django world would use for the job. This script builds the members ledger of
`import_bench.py` (default 10,000 rows, about three people per household, real 村委会 villages
of 东丰县 220421, valid unique ID numbers, coded columns as Chinese labels), writes it as
CSV (UTF-8 with BOM) and, each time on a fresh migrated database with the province's regions
loaded (not timed):

1. imports it with idiomatic django-import-export `ModelResource`s, in this process:
   households first (natural key 行政区划代码 + 户编号, household-level columns deduplicated
   with tablib), then members (natural key 证件号码, household through a `ForeignKeyWidget`
   limited to the row's village). Chinese headers map to fields by `column_name`, Chinese
   code labels to national codes by small widgets, 是/否 by a `BooleanWidget`. Options:
   `use_transactions=True`, `skip_unchanged=True`, everything else left at its default (one
   `save()` per row, per-row diffs). A second variant adds what the library's "Bulk imports"
   page recommends and that still allows `skip_unchanged`: `use_bulk=True` (batches of
   1,000), `skip_html_diff=True` and the `CachedInstanceLoader` for members;
2. imports it again (the re-import must create and update nothing);
3. runs our importer on the same file, `fupin import members FILE --json` in a subprocess
   (as `import_bench.py` does), twice, and then, on a fresh database again, the same command
   in this process (`call_command`), twice, so that both sides are timed alike;

and prints rows, seconds and rows/s of each, and the ratio ours / baseline against the goal
(≥ 30×). Every run checks that the expected households and members exist afterwards.

The subprocess comparison favours the baseline: its time covers reading the CSV and
`import_data` only, while ours covers a whole process (interpreter and Django start-up, file
parsing, validation of every cell and ID-number check digit, the audit record). The
in-process figures leave out only the start-up. Both run with
`FUPIN_DEMO=1` and `FUPIN_DEBUG=0` (no query logging).

django-import-export is not a project dependency; install it into the venv first:

    .venv/bin/pip install django-import-export
    .venv/bin/python benchmarks/import_export_baseline.py [--rows 10000] \
        [--database sqlite|postgresql] [--postgres postgresql://postgres@127.0.0.1:5432/postgres]

SQLite uses a file in a temporary folder. PostgreSQL uses a database named fupin_iie_bench on
the `--postgres` server (default: FUPIN_TEST_POSTGRES, else postgres@127.0.0.1:5432), which
the script creates and drops; the server URL's own database is only used to run CREATE/DROP.
"""

import argparse
import importlib
import importlib.metadata
import importlib.util
import io
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
# Run as `python benchmarks/import_export_baseline.py`, only benchmarks/ is on the path.
sys.path.insert(0, str(ROOT))

from benchmarks.import_bench import admin, environment, fupin, ledger, timed_import  # noqa: E402

BENCH_DATABASE = "fupin_iie_bench"
DEFAULT_ROWS = 10_000
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
GOAL_RATIO = 30.0
OURS_COMMAND = "fupin import members"
OURS_IN_PROCESS = "fupin import members (in-process)"
INSTALL_HINT = (
    "django-import-export is not installed in this environment. It is not a project "
    "dependency; install it for the benchmark only:\n"
    "    .venv/bin/pip install django-import-export"
)
# Household-level columns of the ledger: the rows of one household repeat them.
HOUSEHOLD_HEADERS = ["行政区划代码", "户编号", "户类型", "贫困户属性", "主要致贫原因", "联系电话"]


@dataclass(frozen=True)
class Run:
    """One measured import of the whole file."""

    importer: str
    label: str
    rows: int
    seconds: float

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds


# (households, members) as value tuples, ordered by their natural keys.
Snapshot = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]


@dataclass(frozen=True)
class Variant:
    """A pair of resource classes (households, members) for django-import-export."""

    name: str
    households: Any
    members: Any


# --- database lifecycle -----------------------------------------------------------------------


class Database:
    """The benchmark database: emptied, migrated and loaded with province 22 on `reset`."""

    def __init__(self, url: str, drop: Callable[[], None], create: Callable[[], None]) -> None:
        self.url = url
        self._drop = drop
        self._create = create

    def reset(self) -> float:
        """Recreate the database (closing this process's connections first); return seconds."""
        started = time.perf_counter()
        if "django.db" in sys.modules:
            from django.db import connections  # noqa: PLC0415 - only once Django is set up

            connections.close_all()
        self._drop()
        self._create()
        fupin(self.url, "migrate", "--no-input", "-v", "0")
        fupin(self.url, "load_regions", "--province", "22", "--no-progress")
        return time.perf_counter() - started


@contextmanager
def sqlite_database(folder: Path) -> Iterator[Database]:
    path = folder / "iie-bench.sqlite3"

    def drop() -> None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)

    yield Database(f"sqlite:///{path}", drop, lambda: None)


@contextmanager
def postgres_database(server_url: str) -> Iterator[Database]:
    if urlsplit(server_url).path.strip("/") == BENCH_DATABASE:
        raise SystemExit(f"--postgres must name another database than {BENCH_DATABASE}")
    url = urlunsplit(urlsplit(server_url)._replace(path=f"/{BENCH_DATABASE}"))

    def drop() -> None:
        admin(server_url, f"DROP DATABASE IF EXISTS {BENCH_DATABASE}")

    def create() -> None:
        admin(server_url, f"CREATE DATABASE {BENCH_DATABASE}")

    try:
        yield Database(url, drop, create)
    finally:
        if "django.db" in sys.modules:
            from django.db import connections  # noqa: PLC0415 - only once Django is set up

            connections.close_all()
        drop()


def django_setup(database_url: str) -> None:
    """Configure Django in this process the way import_bench configures its subprocesses."""
    os.environ.update(environment(database_url))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django  # noqa: PLC0415 - the settings read the environment set just above

    django.setup()


# --- the django-import-export resources ----------------------------------------------------


def variants() -> list[Variant]:
    """Define the resources as a Django developer would; needs Django set up first."""
    # Imported here: the models need the app registry, and import_export is optional.
    from django.db.models import QuerySet, TextChoices  # noqa: PLC0415

    from fupin.registry import codes  # noqa: PLC0415
    from fupin.registry.models import Household, HouseholdStatus, Member, Region  # noqa: PLC0415

    fields: Any = importlib.import_module("import_export.fields")
    instance_loaders: Any = importlib.import_module("import_export.instance_loaders")
    resources: Any = importlib.import_module("import_export.resources")
    widgets: Any = importlib.import_module("import_export.widgets")
    ModelResource: Any = resources.ModelResource  # noqa: N806 - a class
    Field: Any = fields.Field  # noqa: N806 - a class

    status_for_type = {
        codes.HouseholdType.POOR: HouseholdStatus.POOR,
        codes.HouseholdType.EXITED: HouseholdStatus.EXITED,
        codes.HouseholdType.MONITORED: HouseholdStatus.MONITORED,
        codes.HouseholdType.ORDINARY: HouseholdStatus.UNREGISTERED,
    }

    class CodeWidget(widgets.Widget):
        """A cell holding a code table's Chinese label (or the code itself) → the code."""

        def __init__(self, table: type[TextChoices]) -> None:
            super().__init__()
            self.codes = {str(code): str(code) for code, _label in table.choices}
            self.codes.update({str(label): str(code) for code, label in table.choices})

        def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
            text = str(value or "").strip()
            if not text:
                return ""
            try:
                return self.codes[text]
            except KeyError:
                raise ValueError(f"“{text}” is not in the code table") from None

    class YesNoWidget(widgets.BooleanWidget):
        TRUE_VALUES = ["是"]
        FALSE_VALUES = ["否"]
        NULL_VALUES = ["", None]

    class VillageHouseholdWidget(widgets.ForeignKeyWidget):
        """户编号 → Household, looked up within the row's village (the natural key)."""

        def get_queryset(
            self, value: Any, row: dict[str, Any], *args: Any, **kwargs: Any
        ) -> QuerySet[Household]:
            return Household.objects.filter(village_id=row["行政区划代码"])

    def code(attribute: str, header: str, table: type[TextChoices]) -> Any:
        return Field(attribute=attribute, column_name=header, widget=CodeWidget(table))

    def yes_no(attribute: str, header: str) -> Any:
        return Field(attribute=attribute, column_name=header, widget=YesNoWidget())

    class HouseholdResource(ModelResource):
        village = Field(
            attribute="village",
            column_name="行政区划代码",
            widget=widgets.ForeignKeyWidget(Region, field="code"),
        )
        number = Field(attribute="number", column_name="户编号")
        household_type = code("household_type", "户类型", codes.HouseholdType)
        poverty_attribute = code("poverty_attribute", "贫困户属性", codes.PovertyAttribute)
        primary_cause = code("primary_cause", "主要致贫原因", codes.PovertyCause)
        phone = Field(attribute="phone", column_name="联系电话")

        class Meta:
            model = Household
            fields = (
                "village",
                "number",
                "household_type",
                "poverty_attribute",
                "primary_cause",
                "phone",
            )
            import_id_fields = ("village", "number")
            use_transactions = True
            skip_unchanged = True

        def before_save_instance(self, instance: Household, row: Any, **kwargs: Any) -> None:
            # Our importer derives the status from 户类型; do the same.
            instance.status = status_for_type[codes.HouseholdType(instance.household_type)]

    class MemberResource(ModelResource):
        household = Field(
            attribute="household",
            column_name="户编号",
            widget=VillageHouseholdWidget(Household, field="number"),
        )
        name = Field(attribute="name", column_name="姓名")
        id_number = Field(attribute="id_number", column_name="证件号码")
        sex = code("sex", "性别", codes.Sex)
        birth_date = Field(
            attribute="birth_date",
            column_name="出生日期",
            widget=widgets.DateWidget(format="%Y-%m-%d"),
        )
        relation = code("relation", "与户主关系", codes.Relation)
        ethnicity = code("ethnicity", "民族", codes.Ethnicity)
        education = code("education", "文化程度", codes.Education)
        schooling = code("schooling", "在校生状况", codes.Schooling)
        health = code("health", "健康状况", codes.Health)
        labor_skill = code("labor_skill", "劳动技能", codes.LaborSkill)
        migrant_work = code("migrant_work", "务工状况", codes.MigrantWork)
        migrant_months = Field(
            attribute="migrant_months",
            column_name="务工时间(月)",
            widget=widgets.IntegerWidget(),
        )
        has_resident_medical_insurance = yes_no(
            "has_resident_medical_insurance", "是否参加城乡居民基本医疗保险"
        )
        has_serious_illness_insurance = yes_no("has_serious_illness_insurance", "是否参加大病保险")
        has_resident_pension_insurance = yes_no(
            "has_resident_pension_insurance", "是否参加城乡居民基本养老保险"
        )
        receives_dibao = yes_no("receives_dibao", "是否享受低保")
        receives_destitute_support = yes_no("receives_destitute_support", "是否特困供养")

        class Meta:
            model = Member
            fields = (
                "household",
                "name",
                "id_number",
                "sex",
                "birth_date",
                "relation",
                "ethnicity",
                "education",
                "schooling",
                "health",
                "labor_skill",
                "migrant_work",
                "migrant_months",
                "has_resident_medical_insurance",
                "has_serious_illness_insurance",
                "has_resident_pension_insurance",
                "receives_dibao",
                "receives_destitute_support",
            )
            import_id_fields = ("id_number",)
            use_transactions = True
            skip_unchanged = True

        def get_queryset(self) -> QuerySet[Member]:
            # A person is matched among the active members (the unique constraint's scope).
            return Member.objects.filter(is_active=True)

        def before_import_row(self, row: dict[str, Any], **kwargs: Any) -> None:
            # Spreadsheets bring stray spaces and a lower-case check character x.
            row["证件号码"] = str(row["证件号码"]).strip().upper()
            row["姓名"] = str(row["姓名"]).strip()

    class BulkHouseholdResource(HouseholdResource):
        class Meta(HouseholdResource.Meta):
            use_bulk = True
            batch_size = 1000
            skip_html_diff = True

    class BulkMemberResource(MemberResource):
        class Meta(MemberResource.Meta):
            use_bulk = True
            batch_size = 1000
            skip_html_diff = True
            instance_loader_class = instance_loaders.CachedInstanceLoader

    return [
        Variant("django-import-export (save per row)", HouseholdResource, MemberResource),
        Variant("django-import-export (use_bulk)", BulkHouseholdResource, BulkMemberResource),
    ]


def check_result(what: str, result: Any) -> dict[str, int]:
    """Stop with the library's first errors if a row failed; return the totals."""
    if result.has_errors() or result.has_validation_errors():
        for error in result.base_errors[:3]:
            print(f"  {what}: {error.error!r}", file=sys.stderr)
        for number, errors in result.row_errors()[:3]:
            print(f"  {what} row {number}: {[error.error for error in errors]}", file=sys.stderr)
        for invalid in result.invalid_rows[:3]:
            print(f"  {what} row {invalid.number}: {invalid.error_dict}", file=sys.stderr)
        raise SystemExit(f"django-import-export reported errors while importing {what}")
    return {key: int(value) for key, value in result.totals.items()}


def baseline_import(variant: Variant, path: Path) -> tuple[float, dict[str, dict[str, int]]]:
    """Read the CSV and import households then members; return seconds and the totals."""
    base_formats: Any = importlib.import_module("import_export.formats.base_formats")
    started = time.perf_counter()
    # What the admin's import view does with an uploaded CSV.
    dataset = base_formats.CSV().create_dataset(path.read_text(encoding="utf-8-sig"))
    households = dataset.subset(cols=HOUSEHOLD_HEADERS)
    households.remove_duplicates()
    household_result = variant.households().import_data(households, dry_run=False)
    member_result = variant.members().import_data(dataset, dry_run=False)
    seconds = time.perf_counter() - started
    totals = {
        "households": check_result("households", household_result),
        "members": check_result("members", member_result),
    }
    return seconds, totals


HOUSEHOLD_SNAPSHOT = (
    "number",
    "village_id",
    "household_type",
    "poverty_attribute",
    "primary_cause",
    "phone",
    "status",
)
MEMBER_SNAPSHOT = (
    "id_number",
    "household__number",
    "name",
    "sex",
    "birth_date",
    "relation",
    "ethnicity",
    "education",
    "schooling",
    "health",
    "labor_skill",
    "migrant_work",
    "migrant_months",
    "has_resident_medical_insurance",
    "has_serious_illness_insurance",
    "has_resident_pension_insurance",
    "receives_dibao",
    "receives_destitute_support",
    "is_active",
)


def registry_snapshot() -> Snapshot:
    """The imported values of every household and member, to compare the importers' work."""
    from fupin.registry.models import Household, Member  # noqa: PLC0415

    households = Household.objects.order_by("number").values_list(*HOUSEHOLD_SNAPSHOT)
    members = Member.objects.order_by("id_number").values_list(*MEMBER_SNAPSHOT)
    return list(households), list(members)


def registry_counts() -> tuple[int, int, int]:
    from fupin.registry.models import Household, Member  # noqa: PLC0415

    heads = Member.objects.filter(relation="01").count()
    return Household.objects.count(), Member.objects.count(), heads


def measure_baseline(
    variant: Variant, path: Path, *, rows: int, households: int
) -> tuple[list[Run], Snapshot]:
    runs = []
    snapshot: Snapshot = ([], [])
    for label in ("first import", "re-import"):
        seconds, totals = baseline_import(variant, path)
        counted_households, counted_members, heads = registry_counts()
        print(
            f"  {variant.name}, {label}: {seconds:.2f} s; "
            f"households new {totals['households']['new']} update "
            f"{totals['households']['update']} skip {totals['households']['skip']}; "
            f"members new {totals['members']['new']} update {totals['members']['update']} "
            f"skip {totals['members']['skip']}; in the database {counted_households:,} "
            f"households, {counted_members:,} members, {heads:,} heads"
        )
        assert counted_households == households, (counted_households, households)
        assert counted_members == rows, (counted_members, rows)
        assert heads == households, (heads, households)
        if label == "first import":
            assert totals["households"]["new"] == households, totals
            assert totals["members"]["new"] == rows, totals
            snapshot = registry_snapshot()
        else:
            assert totals["households"]["new"] == totals["households"]["update"] == 0, totals
            assert totals["members"]["new"] == totals["members"]["update"] == 0, totals
        runs.append(Run(variant.name, label, rows, seconds))
    return runs, snapshot


def measure_ours(
    path: Path, database_url: str, *, rows: int, households: int
) -> tuple[list[Run], Snapshot]:
    from fupin.registry.models import Household, Member  # noqa: PLC0415

    runs = []
    snapshot: Snapshot = ([], [])
    for label in ("first import", "re-import"):
        measured, output = timed_import(database_url, path)
        seconds, peak_mb = measured.seconds, measured.peak_mb
        applied = output["applied"]
        counted_households, counted_members = Household.objects.count(), Member.objects.count()
        print(
            f"  fupin import members, {label}: {seconds:.2f} s, peak {peak_mb:.0f} MB; "
            f"households created {applied['households_created']} updated "
            f"{applied['households_updated']}; members created {applied['members_created']} "
            f"updated {applied['members_updated']} unchanged {applied['unchanged']}; in the "
            f"database {counted_households:,} households, {counted_members:,} members"
        )
        assert output["invalid_rows"] == 0, output["errors"][:3]
        assert counted_households == households, (counted_households, households)
        assert counted_members == rows, (counted_members, rows)
        if label == "first import":
            assert applied["households_created"] == households, applied
            assert applied["members_created"] == rows, applied
            snapshot = registry_snapshot()
        else:
            assert applied["members_created"] == applied["members_updated"] == 0, applied
            assert applied["households_created"] == applied["households_updated"] == 0, applied
        runs.append(Run(OURS_COMMAND, label, rows, seconds))
    return runs, snapshot


def measure_ours_in_process(path: Path, *, rows: int) -> list[Run]:
    """Our importer called in this process, as the baseline is: no interpreter and Django
    start-up in the time, which at 10,000 rows is most of the subprocess figure."""
    from django.core.management import call_command  # noqa: PLC0415

    runs = []
    for label in ("first import", "re-import"):
        output = io.StringIO()
        started = time.perf_counter()
        call_command("import", "members", str(path), "--json", stdout=output)
        seconds = time.perf_counter() - started
        applied = json.loads(output.getvalue())["applied"]
        print(f"  fupin import members in-process, {label}: {seconds:.2f} s; {applied}")
        runs.append(Run(OURS_IN_PROCESS, label, rows, seconds))
    return runs


def same_data(name: str, baseline: Snapshot, ours: Snapshot) -> str:
    """Say whether both importers left the same households and members."""
    for kind, theirs, mine in zip(("household", "member"), baseline, ours, strict=True):
        if len(theirs) != len(mine):
            return f"{name}: DIFFERENT number of {kind}s ({len(theirs):,} vs {len(mine):,})"
        for their_row, my_row in zip(theirs, mine, strict=True):
            if their_row != my_row:
                return f"{name}: DIFFERENT {kind}: {their_row} vs ours {my_row}"
    households, members = len(ours[0]), len(ours[1])
    return f"{name}: same {households:,} households and {members:,} members as ours"


def report(title: str, runs: list[Run], checks: list[str]) -> None:
    print()
    print(title)
    for check in checks:
        print(check)
    print(f"{'importer':<38} {'pass':<13} {'rows':>8} {'seconds':>9} {'rows/s':>9}")
    for run in runs:
        print(
            f"{run.importer:<38} {run.label:<13} {run.rows:>8,} {run.seconds:>9.2f} "
            f"{run.rows_per_second:>9,.0f}"
        )
    for importer in (OURS_COMMAND, OURS_IN_PROCESS):
        ours = {run.label: run for run in runs if run.importer == importer}
        if not ours:
            continue
        print(f"ratio {importer} / baseline in rows/s (goal ≥ {GOAL_RATIO:.0f}×):")
        for run in runs:
            if run.importer in {OURS_COMMAND, OURS_IN_PROCESS}:
                continue
            ratio = ours[run.label].rows_per_second / run.rows_per_second
            verdict = "meets the goal" if ratio >= GOAL_RATIO else "below the goal"
            print(f"  {run.label:<13} vs {run.importer:<38} {ratio:7.1f}×  {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("FUPIN_TEST_POSTGRES") or DEFAULT_POSTGRES,
        help="server URL used for CREATE/DROP DATABASE " + BENCH_DATABASE,
    )
    args = parser.parse_args()
    if importlib.util.find_spec("import_export") is None:
        raise SystemExit(INSTALL_HINT)
    # Production-like: no query logging in either importer (the demo would turn DEBUG on).
    os.environ["FUPIN_DEBUG"] = "0"

    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        frame = ledger(args.rows)
        households = frame.get_column("户编号").n_unique()
        path = Path(folder) / "members.csv"
        frame.write_csv(path, include_bom=True)
        del frame
        print(
            f"ledger: {args.rows:,} rows, {households:,} households, "
            f"{path.stat().st_size / 1024 / 1024:.1f} MB CSV, built in "
            f"{time.perf_counter() - started:.2f} s"
        )
        if args.database == "sqlite":
            context = sqlite_database(Path(folder))
            label = "SQLite"
        else:
            context = postgres_database(args.postgres)
            label = "PostgreSQL"
        with context as database:
            django_setup(database.url)
            import django  # noqa: PLC0415

            versions = (
                f"django-import-export {importlib.metadata.version('django-import-export')}, "
                f"tablib {importlib.metadata.version('tablib')}, Django {django.get_version()}, "
                f"Python {sys.version.split()[0]}"
            )
            print(versions)
            runs: list[Run] = []
            snapshots: dict[str, Snapshot] = {}
            for variant in variants():
                seconds = database.reset()
                print(f"{label}: fresh database, migrate + load_regions 22 in {seconds:.1f} s")
                measured, snapshots[variant.name] = measure_baseline(
                    variant, path, rows=args.rows, households=households
                )
                runs += measured
            seconds = database.reset()
            print(f"{label}: fresh database, migrate + load_regions 22 in {seconds:.1f} s")
            measured, ours = measure_ours(path, database.url, rows=args.rows, households=households)
            runs += measured
            seconds = database.reset()
            print(f"{label}: fresh database, migrate + load_regions 22 in {seconds:.1f} s")
            runs += measure_ours_in_process(path, rows=args.rows)
    checks = [same_data(name, snapshot, ours) for name, snapshot in snapshots.items()]
    report(f"== {label}, {args.rows:,}-row members ledger; {versions} ==", runs, checks)


if __name__ == "__main__":
    main()
