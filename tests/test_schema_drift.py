"""A database built by `migrate` holds every constraint and index the models declare.

A migration can silently drop what the model still declares (0005 dropped the unique
index that keeps one person in one household on PostgreSQL, while SQLite kept it), and
every test still passes, because the suite builds its own database from the models
(`--no-migrations`). So this test runs the real migrations on a fresh database of the
suite's engine (CI runs the suite on SQLite and on PostgreSQL) and reads its schema back.
"""

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.apps import apps
from django.db import connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import CheckConstraint, Model, UniqueConstraint
from django.db.utils import load_backend

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
MIGRATED = "schema_drift_migrated"


def _declared(model: type[Model]) -> list[tuple[str, str | None, dict[str, Any]]]:
    """(what, constraint name or None, expected properties) for each declaration."""
    meta = model._meta
    column = {field.name: field.column for field in meta.concrete_fields}
    expected: list[tuple[str, str | None, dict[str, Any]]] = []
    for constraint in meta.constraints:
        if isinstance(constraint, UniqueConstraint) and constraint.fields:
            columns = [column[name] for name in constraint.fields]
            unique = {"unique": True, "columns": columns}
            expected.append((constraint.name, constraint.name, unique))
        elif isinstance(constraint, CheckConstraint):
            expected.append((constraint.name, constraint.name, {"check": True}))
    for index in meta.indexes:
        wanted: dict[str, Any] = {"index": True}
        if index.fields:
            wanted["columns"] = [column[name.lstrip("-")] for name in index.fields]
        expected.append((str(index.name), index.name, wanted))
    for field in meta.concrete_fields:
        if field.primary_key:
            continue
        if field.unique:
            expected.append((field.name, None, {"unique": True, "columns": [field.column]}))
        elif getattr(field, "db_index", False):
            expected.append((field.name, None, {"columns": [field.column]}))
    for fields in meta.unique_together:
        columns = [column[name] for name in fields]
        expected.append((",".join(fields), None, {"unique": True, "columns": columns}))
    return expected


def _matches(live: dict[str, Any], wanted: dict[str, Any]) -> bool:
    return all(live.get(key) == value for key, value in wanted.items())


def _url(settings: dict[str, Any]) -> str:
    user = quote(settings["USER"] or "", safe="")
    password = f":{quote(settings['PASSWORD'], safe='')}" if settings["PASSWORD"] else ""
    host = settings["HOST"] or "localhost"
    port = f":{settings['PORT']}" if settings["PORT"] else ""
    return f"postgresql://{user}{password}@{host}{port}/{settings['NAME']}"


@pytest.fixture
def migrated(tmp_path: Path) -> Iterator[BaseDatabaseWrapper]:
    """A connection to a new database that `manage.py migrate` built, dropped afterwards."""
    settings = {**connection.settings_dict, "TEST": {}}
    postgres = connection.vendor == "postgresql"
    if postgres:
        settings["NAME"] = f"{connection.settings_dict['NAME']}_drift"
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {settings['NAME']}")
            cursor.execute(f"CREATE DATABASE {settings['NAME']}")
        url = _url(settings)
    else:
        settings["NAME"] = str(tmp_path / "migrated.sqlite3")
        url = f"sqlite:///{settings['NAME']}"
    environment = {**os.environ, "FUPIN_DEMO": "1", "FUPIN_DATABASE_URL": url}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=environment,
        check=True,
    )
    # A wrapper of its own: the test case refuses queries through connections it did not
    # set up, but SQLite's introspection looks its alias up in `connections`.
    wrapper = load_backend(settings["ENGINE"]).DatabaseWrapper(settings, alias=MIGRATED)
    connections[MIGRATED] = wrapper
    try:
        yield wrapper
    finally:
        wrapper.close()
        del connections[MIGRATED]
        if postgres:
            with connection._nodb_cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {settings['NAME']}")


def test_every_declared_constraint_and_index_exists_after_migrate(
    migrated: BaseDatabaseWrapper,
) -> None:
    # Given a database built by the migrations; when its schema is read back; then each
    # model's declared constraints and indexes are all there.
    missing: list[str] = []
    checked = 0
    with migrated.cursor() as cursor:
        for model in apps.get_models():
            meta = model._meta
            if not meta.managed or meta.proxy:
                continue
            live = migrated.introspection.get_constraints(cursor, meta.db_table)
            for what, name, wanted in _declared(model):
                checked += 1
                if name is not None:
                    found = name in live and _matches(live[name], wanted)
                else:
                    found = any(_matches(info, wanted) for info in live.values())
                if not found:
                    missing.append(f"{meta.db_table}: {what} {wanted}")
    assert checked > 50
    assert missing == []
    # The constraint whose loss let two imports put the same people in two households.
    with migrated.cursor() as cursor:
        live = migrated.introspection.get_constraints(cursor, "registry_member")
    found = live["registry_member_one_active_household_per_person"]
    assert found["unique"] is True
    assert found["columns"] == ["id_number"]
    # The one that keeps a second clue from opening a second case for a household.
    with migrated.cursor() as cursor:
        live = migrated.introspection.get_constraints(cursor, "monitoring_monitoringcase")
    found = live["monitoring_case_one_open_per_household_kind"]
    assert found["unique"] is True
    assert found["columns"] == ["household_id", "kind"]
