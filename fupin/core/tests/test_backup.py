"""Backups restore: every table's rows and every user file come back equal, into a new
database, on whichever database the suite runs (SQLite, and PostgreSQL in the second run)."""

import datetime
import hashlib
import io
import sqlite3
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from fupin.accounts.scoping import scope_for
from fupin.audit.models import AuditEvent
from fupin.core.backup import BackupError, backup_restore
from fupin.imports.services import import_apply_start, import_stage
from fupin.imports.tests.support import HEADERS
from fupin.jobs.models import Job
from fupin.monitoring.models import Attachment
from fupin.monitoring.services import UploadedFile, case_visit_record, clue_register
from fupin.registry.models import Household
from fupin.registry.synthetic import household_bulk_generate
from tests.support import COUNTY, VILLAGE, make_actors, make_regions

pytestmark = pytest.mark.django_db(transaction=True)

Snapshot = dict[str, tuple[int, str]]


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _postgres_connect(name: str, *, autocommit: bool = False) -> psycopg.Connection[Any]:
    params = connection.settings_dict
    return psycopg.connect(
        dbname=name,
        host=params["HOST"] or None,
        port=params["PORT"] or None,
        user=params["USER"] or None,
        password=params["PASSWORD"] or None,
        autocommit=autocommit,
    )


def _snapshot(rows_of: Any, tables: list[str]) -> Snapshot:
    """Each table's row count and a checksum of its rows, independent of their order."""
    snapshot: Snapshot = {}
    for table in tables:
        rows = sorted(repr(tuple(row)) for row in rows_of(table))
        digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
        snapshot[table] = (len(rows), digest)
    return snapshot


def _postgres_snapshot(name: str) -> Snapshot:
    with _postgres_connect(name) as database, database.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        tables = [row[0] for row in cursor.fetchall()]

        def rows_of(table: str) -> list[Any]:
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from the catalogue
            return cursor.fetchall()

        return _snapshot(rows_of, tables)


def _sqlite_snapshot(path: Path) -> Snapshot:
    database = sqlite3.connect(path)
    try:
        tables = [
            row[0]
            for row in database.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                " ORDER BY name"
            )
        ]
        return _snapshot(
            lambda table: database.execute(f'SELECT * FROM "{table}"').fetchall(),  # noqa: S608
            tables,
        )
    finally:
        database.close()


def _files(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def var_dir(settings: Any, tmp_path: Path) -> Path:
    settings.VAR_DIR = tmp_path / "var"
    return Path(settings.VAR_DIR)


@pytest.fixture
def restore_target(tmp_path: Path) -> Iterator[tuple[dict[str, Any], str]]:
    """A new, empty database (its settings dict and URL) that is removed afterwards."""
    params = connection.settings_dict
    if not _is_postgres():
        path = tmp_path / "restored.sqlite3"
        yield {**params, "NAME": str(path)}, f"sqlite:///{path}"
        return
    name = f"{params['NAME']}_restore"
    with _postgres_connect(params["NAME"], autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    auth = params["USER"] + (f":{params['PASSWORD']}" if params["PASSWORD"] else "")
    url = f"postgresql://{auth}@{params['HOST']}:{params['PORT'] or 5432}/{name}"
    try:
        yield {**params, "NAME": name}, url
    finally:
        with _postgres_connect(params["NAME"], autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _populate() -> None:
    """A small generated county, a monitoring case with an attachment, a staged upload and
    an import job: rows in most tables, audit events, a queued task and files."""
    make_regions()
    actors = make_actors()
    household_bulk_generate(county_code=COUNTY, households=30, seed=5, batch_households=10)
    officer = actors.village_officer
    scope = scope_for(officer)
    assert scope is not None
    household = Household.objects.filter(village_id=VILLAGE).order_by("number").first()
    assert household is not None
    clue = clue_register(
        actor=officer,
        scope=scope,
        household=household,
        risk_types=["1"],
        description="突发重病",
        received_on=datetime.date(2025, 6, 2),
    )
    assert clue.case is not None
    case_visit_record(
        actor=officer,
        scope=scope,
        case=clue.case,
        visited_on=datetime.date(2025, 6, 3),
        visitors="李四",
        findings="情况属实",
        has_consent=True,
        files=[UploadedFile("承诺授权书.pdf", "application/pdf", b"%PDF-1.4 signed\x00\xff")],
    )
    ledger = ",".join(HEADERS) + "\n" + ",".join([VILLAGE, "H001", "张三"] + [""] * 8) + "\n"
    staged = import_stage(
        actor=officer,
        scope=scope,
        upload=SimpleUploadedFile("成员台账.csv", ledger.encode(), content_type="text/csv"),
    )
    import_apply_start(actor=officer, scope=scope, staged_id=staged.id)


def test_backup_restores_every_row_and_file_into_a_new_database(
    var_dir: Path, tmp_path: Path, restore_target: tuple[dict[str, Any], str]
) -> None:
    # given a populated database and uploaded files
    _populate()
    assert Household.objects.count() == 30
    assert Attachment.objects.count() == 1
    assert Job.objects.count() == 1
    assert AuditEvent.objects.count() > 5
    files_before = _files(var_dir)
    assert any(name.startswith("imports/") for name in files_before)
    # when it is backed up and restored into a new database and a new folder
    archive = tmp_path / "fupin.tar"
    call_command("backup", str(archive))
    target, url = restore_target
    var_dir.rename(tmp_path / "var-moved-away")
    call_command("restore", str(archive), database_url=url)
    # then every table holds the same rows, and every file came back byte for byte
    if _is_postgres():
        before = _postgres_snapshot(connection.settings_dict["NAME"])
        after = _postgres_snapshot(target["NAME"])
    else:
        before = _sqlite_snapshot(Path(connection.settings_dict["NAME"]))
        after = _sqlite_snapshot(Path(target["NAME"]))
    assert len(before) > 20
    for table in ("registry_household", "audit_auditevent", "jobs_job", "monitoring_attachment"):
        assert before[table][0] > 0, table
    assert after == before
    assert _files(var_dir) == files_before


def test_restore_refuses_a_database_that_holds_data(var_dir: Path, tmp_path: Path) -> None:
    # given a backup of a database with data
    make_regions()
    archive = tmp_path / "fupin.tar"
    call_command("backup", str(archive))
    before = AuditEvent.objects.count(), Household.objects.count()
    # when it is restored over the live database, then it is refused and nothing changes
    with pytest.raises(BackupError, match="为免覆盖现有数据"):
        backup_restore(path=archive, database=dict(connection.settings_dict))
    assert (AuditEvent.objects.count(), Household.objects.count()) == before


def test_a_damaged_backup_is_refused_before_anything_is_written(
    var_dir: Path, tmp_path: Path, restore_target: tuple[dict[str, Any], str]
) -> None:
    # given a backup whose database entry was altered after it was written
    make_regions()
    archive = tmp_path / "fupin.tar"
    call_command("backup", str(archive))
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w") as copy:
        for member in source.getmembers():
            data = source.extractfile(member)
            assert data is not None
            content = data.read()
            if member.name.startswith("database."):
                content = content[:-1] + bytes([content[-1] ^ 1])
            copy.addfile(member, fileobj=io.BytesIO(content))
    target, _url = restore_target
    # when it is restored, then it is refused and the new database stays empty
    with pytest.raises(BackupError, match="已损坏"):
        backup_restore(path=damaged, database=target)
    if _is_postgres():
        assert _postgres_snapshot(target["NAME"]) == {}
    else:
        assert not Path(target["NAME"]).exists()
