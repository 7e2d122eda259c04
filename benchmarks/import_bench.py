"""Measure `fupin import members FILE --json` end to end on SQLite and PostgreSQL.

Builds a members ledger of N rows (about three people per household, spread over the real
村委会 villages of 东丰县 220421, valid unique ID numbers, every coded column filled with its
Chinese label), writes it as CSV (UTF-8 with BOM) and optionally xlsx, then for each database
and format: starts from an empty migrated database, loads the province's regions (not timed),
imports the file twice (the second import must create and update nothing) and prints seconds,
rows per second, peak memory (maximum resident set size) of the import process and the ratio
to the goals (1,000,000-row CSV into PostgreSQL in 25 s and 1 GB at most; 100,000-row xlsx
in 15 s; below 1.00 meets it).

On PostgreSQL it then times the registry's own floor: the rows the import wrote, inserted
again from a copy in a rolled-back transaction (households, members, stale marks, the
deferred foreign-key checks), with no file, check or staging. The floor plus the plain COPY
is the least any first import of the file could take on that machine and server; the first
import's ratio to it moves less with the machine's speed than its seconds do.

In the same run it times a plain baseline on the same file and database: a separate process
that reads the CSV whole with Polars and COPYs it, as text and unchecked, into an unlogged
table (SQLite: one executemany). Its seconds and peak memory, and the import's ratio to them,
tell a busy machine's figures apart from the code's; the load average is printed with each
figure. The django-import-export baseline is `benchmarks/import_export_baseline.py`.

    .venv/bin/python benchmarks/import_bench.py [--rows 100000] [--format csv|xlsx|both] \
        [--databases sqlite,postgresql] [--postgres postgresql://postgres@127.0.0.1:5432/postgres] \
        [--bench-database fupin_import_bench] [--phases]

`--phases` runs each import under cProfile and prints where its time went: reading and
spreading the file over chunk files, validating (cleaning the cells, each check, collecting
errors) and applying (staging, each set-based step, the commit), each in seconds and as a
share of the run. The profiler slows the Python parts, so these runs' totals are not the
figures to compare with the goal; their shares are. On PostgreSQL the server process's CPU
seconds are printed too (read from /proc while it runs, Linux only): on a busy machine,
the import's and the server's CPU seconds against the plain load's say more than wall time.

The issue #20 setting (1,000,000 members into PostgreSQL):

    .venv/bin/python benchmarks/import_bench.py --rows 1000000 --databases postgresql \
        --postgres postgresql://postgres@127.0.0.1:5432/postgres
"""

import argparse
import json
import os
import pstats
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import polars as pl
import xlsxwriter

ROOT = Path(__file__).resolve().parent.parent
COUNTY = "220421"
VILLAGES = ROOT / "fupin" / "registry" / "data" / "regions" / "villages.csv.gz"
BENCH_DATABASE = "fupin_import_bench"
DEFAULT_ROWS = 100_000
CSV_GOAL_ROWS, CSV_GOAL_SECONDS, GOAL_PEAK_MB = 1_000_000, 25.0, 1024.0
XLSX_GOAL_ROWS, XLSX_GOAL_SECONDS = 100_000, 15.0
GNU_TIME = Path("/usr/bin/time")
CHECK_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"

HEADERS = (
    "行政区划代码",
    "户编号",
    "人编号",
    "姓名",
    "证件号码",
    "性别",
    "出生日期",
    "与户主关系",
    "民族",
    "文化程度",
    "在校生状况",
    "健康状况",
    "劳动技能",
    "务工状况",
    "务工时间(月)",
    "是否参加城乡居民基本医疗保险",
    "是否参加大病保险",
    "是否参加城乡居民基本养老保险",
    "是否享受低保",
    "是否特困供养",
    "户类型",
    "贫困户属性",
    "主要致贫原因",
    "联系电话",
)
SURNAMES = list("王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰")
ETHNICITIES = ["汉族"] * 8 + ["满族", "朝鲜族"]
EDUCATION = ["小学", "初中", "高中", "文盲或半文盲", "大专及以上"]
HEALTH = ["健康", "健康", "长期慢性病", "患有大病", "残疾"]
LABOR = ["普通劳动力", "技能劳动力", "弱劳动力或半劳动力", "丧失劳动力"]
MIGRANT = ["未务工", "乡(镇)内务工", "乡(镇)外县内务工", "县外省内务工", "省外务工"]
HOUSEHOLD_TYPES = ["脱贫户", "监测户", "贫困户", "一般户"]
ATTRIBUTES = ["一般贫困户", "低保贫困户", "特困供养贫困户"]
CAUSES = [
    "因病",
    "因残",
    "因学",
    "因灾",
    "缺土地",
    "缺技术",
    "缺劳力",
    "缺资金",
    "自身发展动力不足",
]
YES_NO = ["是", "否"]

# Birth-date ranges per role; the sequence number block keeps ID numbers unique.
ROLE_BIRTHS = {"head": ("1950-01-01", "1985-12-31"), "spouse": ("1952-01-01", "1987-12-31")}
CHILD_BIRTHS = ("1995-01-01", "2015-12-31")


def villages() -> list[str]:
    """Return the codes of the county's 村委会 (digits 10-12 of the code are 200-399)."""
    frame = pl.read_csv(VILLAGES, infer_schema=False, columns=["code"])
    return (
        frame.filter(
            pl.col("code").str.starts_with(COUNTY),
            pl.col("code").str.slice(9, 3).cast(pl.Int32).is_between(200, 399),
        )
        .get_column("code")
        .sort()
        .to_list()
    )


def pick(options: list[str], index: pl.Expr) -> pl.Expr:
    """Choose options[index % len(options)] for each row."""
    return (index % len(options)).replace_strict(
        list(range(len(options))), options, return_dtype=pl.String
    )


def births(index: pl.Expr, first: str, last: str) -> tuple[pl.Expr, pl.Expr]:
    """Return (birth date, sequence block) so that (date, block) is unique per index."""
    start = pl.lit(first).str.to_date()
    days = pl.lit(pl.select(pl.lit(last).str.to_date() - start).item().days + 1)
    return start + pl.duration(days=index % days), index // days


def ledger(rows: int) -> pl.DataFrame:
    """Build a valid members ledger of `rows` rows (household sizes 2, 3, 4 in turn)."""
    codes = villages()
    sizes = [2 + household % 3 for household in range(rows // 2 + 1)]
    household_of: list[int] = []
    position: list[int] = []
    for household, size in enumerate(sizes):
        household_of.extend([household] * size)
        position.extend(range(size))
        if len(household_of) >= rows:
            break
    frame = pl.DataFrame(
        {"household": household_of[:rows], "position": position[:rows]},
        schema={"household": pl.Int64, "position": pl.Int64},
    ).with_row_index("person")
    house, member = pl.col("household"), pl.col("position")
    head_birth, head_block = births(house, *ROLE_BIRTHS["head"])
    spouse_birth, spouse_block = births(house, *ROLE_BIRTHS["spouse"])
    # Children: index by household and position so that each child gets its own slot.
    child_birth, child_block = births(house * 2 + (member - 2), *CHILD_BIRTHS)
    male = (member == 0) | ((member >= 2) & (((house + member) % 2) == 0))
    role_base = pl.when(member == 0).then(100).when(member == 1).then(300).otherwise(500)
    block = (
        pl.when(member == 0)
        .then(head_block)
        .when(member == 1)
        .then(spouse_block)
        .otherwise(child_block)
    )
    # Sequence: odd for men, even for women; role bases keep roles apart.
    sequence = role_base + block * 2 + pl.when(male).then(1).otherwise(2)
    birth = (
        pl.when(member == 0)
        .then(head_birth)
        .when(member == 1)
        .then(spouse_birth)
        .otherwise(child_birth)
    )
    frame = frame.with_columns(
        birth=birth,
        male=male,
        sequence=sequence.cast(pl.String).str.zfill(3),
    )
    body = pl.concat_str(pl.lit(COUNTY), pl.col("birth").dt.strftime("%Y%m%d"), pl.col("sequence"))
    frame = frame.with_columns(body=body)
    total = pl.sum_horizontal(
        pl.col("body").str.slice(place, 1).cast(pl.Int64) * weight
        for place, weight in enumerate(CHECK_WEIGHTS)
    )
    check = (total % 11).replace_strict(list(range(11)), list(CHECK_CHARACTERS))
    relation = (
        pl.when(member == 0)
        .then(pl.lit("户主"))
        .when(member == 1)
        .then(pl.lit("配偶"))
        .when(pl.col("male"))
        .then(pl.lit("之子"))
        .otherwise(pl.lit("之女"))
    )
    household_number = pl.concat_str(pl.lit("H"), house.cast(pl.String).str.zfill(7))
    person = pl.col("person").cast(pl.Int64)
    child = member >= 2
    columns = {
        "行政区划代码": pick(codes, house),
        "户编号": household_number,
        "人编号": pl.concat_str(household_number, pl.lit("-"), member.cast(pl.String)),
        "姓名": pl.concat_str(pick(SURNAMES, house), pick(GIVEN, person * 7 + member)),
        "证件号码": pl.concat_str(pl.col("body"), check),
        "性别": pl.when(pl.col("male")).then(pl.lit("男")).otherwise(pl.lit("女")),
        "出生日期": pl.col("birth").dt.strftime("%Y-%m-%d"),
        "与户主关系": relation,
        "民族": pick(ETHNICITIES, person),
        "文化程度": pl.when(child).then(pl.lit("初中")).otherwise(pick(EDUCATION, person)),
        "在校生状况": pl.when(child).then(pl.lit("小学")).otherwise(pl.lit("非在校生")),
        "健康状况": pick(HEALTH, person),
        "劳动技能": pl.when(child).then(pl.lit("无劳动力")).otherwise(pick(LABOR, person)),
        "务工状况": pl.when(child).then(pl.lit("未务工")).otherwise(pick(MIGRANT, person)),
        "务工时间(月)": pl.when(child).then(pl.lit("0")).otherwise((person % 13).cast(pl.String)),
        "是否参加城乡居民基本医疗保险": pl.lit("是"),
        "是否参加大病保险": pick(YES_NO, person),
        "是否参加城乡居民基本养老保险": pl.when(child).then(pl.lit("否")).otherwise(pl.lit("是")),
        "是否享受低保": pick(YES_NO, house + 1),
        "是否特困供养": pl.lit("否"),
        "户类型": pick(HOUSEHOLD_TYPES, house),
        "贫困户属性": pick(ATTRIBUTES, house),
        "主要致贫原因": pick(CAUSES, house),
        "联系电话": pl.concat_str(pl.lit("138"), house.cast(pl.String).str.zfill(8)),
    }
    return frame.select(**columns).select(HEADERS)


def write_xlsx(frame: pl.DataFrame, path: Path) -> None:
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("成员台账")
    sheet.write_row(0, 0, frame.columns)
    for number, row in enumerate(frame.iter_rows(), start=1):
        for column, value in enumerate(row):
            sheet.write_string(number, column, value)
    workbook.close()


def environment(database_url: str) -> dict[str, str]:
    return {**os.environ, "FUPIN_DEMO": "1", "FUPIN_DATABASE_URL": database_url}


def fupin(database_url: str, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment(database_url),
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


@dataclass(frozen=True)
class Run:
    """One timed process: wall seconds, its CPU seconds (user + system; the database
    server's are not counted), its peak resident memory and its standard output."""

    seconds: float
    cpu_seconds: float
    peak_mb: float
    output: str
    server_cpu_seconds: float = 0.0

    def figures(self, rows: int) -> str:
        server = f" + server {self.server_cpu_seconds:6.2f} s" if self.server_cpu_seconds else ""
        return (
            f"{rows:>9,} rows {self.seconds:7.2f} s  {rows / self.seconds:9,.0f} rows/s  "
            f"cpu {self.cpu_seconds:6.2f} s{server}  peak {self.peak_mb:7.1f} MB"
        )


# (label, function name, file it is defined in): the steps `--phases` reports, indented
# under the step they are part of.
PHASES = (
    ("command (all but Python start-up)", "handle", "commands/import.py"),
    ("read and spread over chunk files", "_spill", "imports/streaming.py"),
    ("ask the registry for the file's keys", "_prefetched_lookups", "imports/streaming.py"),
    ("validate (each chunk read back)", "validate_chunks", "imports/validation.py"),
    ("  clean cells", "normalize_columns", "imports/normalizing.py"),
    ("    ID numbers", "_normalize_id_column", "imports/normalizing.py"),
    ("  villages registered", "villages_registered", "imports/checks.py"),
    ("  ID agrees with row", "id_agrees_with_row", "imports/checks.py"),
    ("  households as sets", "households_as_sets", "imports/checks.py"),
    ("  people once", "people_once", "imports/checks.py"),
    ("  collect errors", "_collect_errors", "imports/validation.py"),
    ("  write valid rows", "keep", "imports/streaming.py"),
    ("apply", "member_bulk_upsert", "registry/services/bulk.py"),
    ("  stage rows (COPY)", "_stage", "registry/services/bulk_staged.py"),
    ("  gather households", "_gather_households", "registry/services/bulk_staged.py"),
    ("  check villages", "_check_villages", "registry/services/bulk_staged.py"),
    ("  check people elsewhere", "_check_people_elsewhere", "registry/services/bulk_staged.py"),
    ("  write households", "_write_households", "registry/services/bulk_staged.py"),
    ("  write members", "_write_members", "registry/services/bulk_staged.py"),
    ("  refresh member counts", "_refresh_counts", "registry/services/bulk_staged.py"),
    ("  mark stale", "household_stale_mark_selected", "registry/services/stale.py"),
    ("  commit", "commit", "psycopg/connection.py"),
)


def timed_import(
    database_url: str, path: Path, *, profile: Path | None = None
) -> tuple[Run, dict[str, Any]]:
    """Run `import members FILE --json` (under cProfile into `profile` if given); return
    the run and its JSON output."""
    python = [sys.executable, *(["-m", "cProfile", "-o", str(profile)] if profile else [])]
    command = [*python, "manage.py", "import", "members", str(path), "--json"]
    run = timed(command, database_url)
    return run, json.loads(run.output.strip().splitlines()[-1])


def print_phases(profile: Path, seconds: float) -> None:
    """Each phase's cumulative seconds in the profile and its share of the run."""
    stats: dict[tuple[str, int, str], tuple[Any, ...]] = pstats.Stats(str(profile)).stats  # type: ignore[attr-defined]
    for label, function, where in PHASES:
        spent = sum(
            entry[3]
            for (filename, _line, name), entry in stats.items()
            if name == function and filename.endswith(where)
        )
        if spent:
            print(f"{'':<16}{label:<36} {spent:7.2f} s  {spent / seconds:6.1%}")


def timed(command: list[str], database_url: str) -> Run:
    """Run `command` from the project folder and measure it."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        if GNU_TIME.exists():
            command = [str(GNU_TIME), "-v", "-o", report.name, *command]
        server = ServerCpu(database_url)
        server.start()
        started = time.perf_counter()
        try:
            result = subprocess.run(
                command,
                cwd=ROOT,
                env=environment(database_url),
                capture_output=True,
                text=True,
                check=False,
            )
        finally:
            seconds = time.perf_counter() - started
            server.stop()
        if result.returncode != 0:
            print(result.stdout[-2000:], result.stderr[-2000:], sep="\n", file=sys.stderr)
            raise SystemExit(f"{command[-3:]} failed with exit code {result.returncode}")
        peak_kb = 0.0
        cpu_seconds = 0.0
        if GNU_TIME.exists():
            for line in Path(report.name).read_text().splitlines():
                value = line.rsplit(":", 1)[-1].strip()
                if "Maximum resident set size" in line:
                    peak_kb = float(value)
                elif "User time (seconds)" in line or "System time (seconds)" in line:
                    cpu_seconds += float(value)
        else:
            # Linux reports kilobytes; this is the largest child so far, not only this one.
            usage = resource.getrusage(resource.RUSAGE_CHILDREN)
            peak_kb = usage.ru_maxrss
            cpu_seconds = usage.ru_utime + usage.ru_stime
    return Run(seconds, cpu_seconds, peak_kb / 1024, result.stdout, server.seconds())


class ServerCpu(threading.Thread):
    """Polls the CPU seconds of the PostgreSQL server processes serving the database (their
    command line names it) while a command runs; none for SQLite or without /proc."""

    def __init__(self, database_url: str) -> None:
        super().__init__(daemon=True)
        name = urlsplit(database_url).path.lstrip("/")
        self._marker = f" {name} ".encode() if database_url.startswith("postgres") else b""
        self._done = threading.Event()
        self._seen: dict[str, float] = {}

    def run(self) -> None:
        if not self._marker or not Path("/proc").exists():
            return
        tick = os.sysconf("SC_CLK_TCK")
        while not self._done.is_set():
            for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
                try:
                    if not cmdline.read_bytes().startswith(b"postgres: "):
                        continue
                    if self._marker not in cmdline.read_bytes():
                        continue
                    fields = (cmdline.parent / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                used = (int(fields[11]) + int(fields[12])) / tick
                pid = cmdline.parent.name
                self._seen[pid] = max(self._seen.get(pid, 0.0), used)
            time.sleep(0.05)

    def stop(self) -> None:
        self._done.set()
        self.join()

    def seconds(self) -> float:
        return sum(self._seen.values())


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def plain_load(path: Path, database_url: str) -> None:
    """The baseline (run in its own process): the CSV read whole and COPYed as text."""
    frame = pl.read_csv(path, infer_schema=False)
    names = [f"c{index}" for index in range(frame.width)]
    frame.columns = names
    columns = ", ".join(f"{name} text" for name in names)
    if database_url.startswith("sqlite"):
        import sqlite3  # noqa: PLC0415 - only this process needs it

        database = sqlite3.connect(urlsplit(database_url).path.removeprefix("/"))
        database.execute(f"CREATE TABLE IF NOT EXISTS plain_load ({columns})")
        placeholders = ", ".join("?" * frame.width)
        database.executemany(
            f"INSERT INTO plain_load VALUES ({placeholders})",  # noqa: S608 - our own column count
            frame.iter_rows(),
        )
        database.execute("DROP TABLE plain_load")
        database.commit()
        return
    import psycopg  # noqa: PLC0415 - only this process needs it

    with psycopg.connect(database_url) as server, server.cursor() as cursor:
        cursor.execute(f"CREATE UNLOGGED TABLE plain_load ({columns})")
        with cursor.copy("COPY plain_load FROM STDIN WITH (FORMAT csv)") as copy:
            for part in frame.iter_slices(50_000):
                copy.write(part.write_csv(include_header=False))
        cursor.execute("DROP TABLE plain_load")


def timed_plain_load(label: str, database_url: str, path: Path, rows: int) -> Run:
    """Time the baseline on the same file and database."""
    command = [sys.executable, __file__, "--plain-load", str(path), "--database", database_url]
    run = timed(command, database_url)
    print(f"{label:<10} csv  plain COPY    {run.figures(rows)}  ({load_average()})")
    return run


def versus_plain(measured: Run, plain: Run | None) -> str:
    """The run's wall time, and its CPU seconds with the server's, over the plain load's."""
    if plain is None:
        return ""
    cpu = measured.cpu_seconds + measured.server_cpu_seconds
    plain_cpu = plain.cpu_seconds + plain.server_cpu_seconds
    return (
        f"{measured.seconds / plain.seconds:.2f}x plain COPY, "
        f"cpu {cpu / plain_cpu if plain_cpu else 0:.2f}x  "
    )


def goal_text(file_format: str, label: str, rows: int, seconds: float, peak_mb: float) -> str:
    if file_format == "csv":
        if label != "PostgreSQL":
            return "goal: PostgreSQL only"
        projected = seconds * CSV_GOAL_ROWS / rows
        return (
            f"goal {CSV_GOAL_SECONDS:.0f} s/1M rows, ratio {projected / CSV_GOAL_SECONDS:.2f}; "
            f"goal {GOAL_PEAK_MB:.0f} MB, ratio {peak_mb / GOAL_PEAK_MB:.2f}"
        )
    projected = seconds * XLSX_GOAL_ROWS / rows
    return f"goal {XLSX_GOAL_SECONDS:.0f} s/100k rows, ratio {projected / XLSX_GOAL_SECONDS:.2f}"


def measure(
    label: str,
    database_url: str,
    path: Path,
    *,
    file_format: str,
    rows: int,
    phases: bool = False,
) -> None:
    started = time.perf_counter()
    fupin(database_url, "migrate", "--no-input", "-v", "0")
    fupin(database_url, "load_regions", "--province", "22", "--no-progress")
    print(
        f"{label:<10} {file_format:<4} setup (migrate + load_regions 22) "
        f"{time.perf_counter() - started:6.2f} s (not timed against the goal)"
    )
    plain = timed_plain_load(label, database_url, path, rows) if file_format == "csv" else None
    imports: dict[str, float] = {}
    for run in ("first import", "second import"):
        profile = path.with_suffix(".prof") if phases else None
        measured, output = timed_import(database_url, path, profile=profile)
        applied = output.get("applied", {})
        seconds = measured.seconds
        imports[run] = seconds
        print(
            f"{label:<10} {file_format:<4} {run:<13} {measured.figures(rows)}  "
            f"{versus_plain(measured, plain)}({load_average()})"
        )
        if profile:
            print(f"{'':<16}(under cProfile: the Python parts run slower than without it)")
            print_phases(profile, seconds)
        print(f"{'':<16}{goal_text(file_format, label, rows, seconds, measured.peak_mb)}")
        print(
            f"{'':<16}valid {output['valid_rows']:,} invalid {output['invalid_rows']:,}  "
            f"households created {applied.get('households_created')} "
            f"updated {applied.get('households_updated')}  "
            f"members created {applied.get('members_created')} "
            f"updated {applied.get('members_updated')} unchanged {applied.get('unchanged')}"
        )
        if output["invalid_rows"]:
            print(f"{'':<16}first errors: {output['errors'][:3]}")
    if applied.get("members_created") or applied.get("members_updated"):
        print(f"{'':<16}WARNING: the second import changed data")
    else:
        print(f"{'':<16}second import: 0 created / 0 updated (idempotent)")
    if label == "PostgreSQL" and file_format == "csv":
        print_registry_floor(database_url, plain, rows, imports)


# The registry tables a members import writes, in the order it writes them.
FLOOR_TABLES = ("registry_household", "registry_member", "registry_stalehousehold")


def registry_floor(database_url: str) -> dict[str, float]:
    """Seconds the server takes to write the rows the import wrote, and nothing else.

    In one transaction, rolled back: the three tables' rows are copied aside (not timed),
    the tables emptied, and the rows written back with INSERT … SELECT, then the deferred
    foreign keys checked. No file, no validation, no staging: what the registry's own
    indexes, keys and write-ahead log cost for these rows on this machine and server.
    """
    import psycopg  # noqa: PLC0415 - as in plain_load

    seconds: dict[str, float] = {}
    with psycopg.connect(database_url) as server, server.cursor() as cursor:
        cursor.execute("CHECKPOINT")
        for table in FLOOR_TABLES:
            cursor.execute(f"CREATE TEMP TABLE floor_{table} AS SELECT * FROM {table}")  # noqa: S608
        cursor.execute(f"TRUNCATE {', '.join(FLOOR_TABLES)} CASCADE")
        for table in FLOOR_TABLES:
            started = time.perf_counter()
            cursor.execute(f"INSERT INTO {table} SELECT * FROM floor_{table}")  # noqa: S608
            seconds[table] = time.perf_counter() - started
        started = time.perf_counter()
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        seconds["foreign keys"] = time.perf_counter() - started
        server.rollback()
    return seconds


def print_registry_floor(
    database_url: str, plain: Run | None, rows: int, imports: dict[str, float]
) -> None:
    """Print the registry's own write cost (`registry_floor`), with the plain COPY of the
    file the least any import of this file could take here, and the first import's ratio
    to that least: a figure that moves less with the machine's speed than seconds do."""
    seconds = registry_floor(database_url)
    steps = ", ".join(f"{name} {spent:.2f} s" for name, spent in seconds.items())
    total = sum(seconds.values())
    print(f"{'':<16}registry floor (the written rows inserted again, nothing else): {steps}")
    least = total + (plain.seconds if plain else 0.0)
    projected = least * CSV_GOAL_ROWS / rows
    print(
        f"{'':<16}floor {total:.2f} s + plain COPY {plain.seconds if plain else 0.0:.2f} s "
        f"= {least:.2f} s before any reading, checking or staging; "
        f"goal {CSV_GOAL_SECONDS:.0f} s/1M rows, ratio {projected / CSV_GOAL_SECONDS:.2f}  "
        f"({load_average()})"
    )
    # The second import writes nothing, so the floor is no bound for it.
    first = imports["first import"]
    print(f"{'':<16}first import over that least: {first / least:.2f}x")


def admin(server_url: str, sql: str) -> None:
    subprocess.run(["psql", server_url, "-q", "-c", sql], check=True)


@contextmanager
def postgres_database(server_url: str, name: str) -> Iterator[str]:
    admin(server_url, f"DROP DATABASE IF EXISTS {name}")
    admin(server_url, f"CREATE DATABASE {name}")
    try:
        yield urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))
    finally:
        admin(server_url, f"DROP DATABASE IF EXISTS {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS)
    parser.add_argument("--postgres", default=os.environ.get("FUPIN_TEST_POSTGRES"))
    parser.add_argument("--format", choices=("csv", "xlsx", "both"), default=None)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument(
        "--bench-database", default=BENCH_DATABASE, help="PostgreSQL database made and dropped"
    )
    parser.add_argument(
        "--phases", action="store_true", help="profile each import and print its phases"
    )
    parser.add_argument("--plain-load", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.plain_load:
        plain_load(args.plain_load, args.database)
        return
    file_format = args.format or ("both" if args.rows <= DEFAULT_ROWS else "csv")
    formats = ["csv", "xlsx"] if file_format == "both" else [file_format]
    databases = [name.strip() for name in args.databases.split(",") if name.strip()]
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        frame = ledger(args.rows)
        households = frame.get_column("户编号").n_unique()
        print(
            f"ledger: {frame.height:,} rows, {households:,} households, built in "
            f"{time.perf_counter() - started:.2f} s"
        )
        files: dict[str, Path] = {}
        for kind in formats:
            started = time.perf_counter()
            files[kind] = Path(folder) / f"members.{kind}"
            if kind == "csv":
                frame.write_csv(files[kind], include_bom=True)
            else:
                write_xlsx(frame, files[kind])
            size_mb = files[kind].stat().st_size / 1024 / 1024
            print(f"{kind}: {size_mb:.1f} MB written in {time.perf_counter() - started:.2f} s")
        del frame
        for kind, path in files.items():
            if "sqlite" in databases:
                database_url = f"sqlite:///{folder}/bench-{kind}.sqlite3"
                measure(
                    "SQLite",
                    database_url,
                    path,
                    file_format=kind,
                    rows=args.rows,
                    phases=args.phases,
                )
            if "postgresql" in databases:
                if not args.postgres:
                    print("PostgreSQL: skipped (pass --postgres URL or set FUPIN_TEST_POSTGRES)")
                    continue
                with postgres_database(args.postgres, args.bench_database) as database_url:
                    measure(
                        "PostgreSQL",
                        database_url,
                        path,
                        file_format=kind,
                        rows=args.rows,
                        phases=args.phases,
                    )


if __name__ == "__main__":
    main()
