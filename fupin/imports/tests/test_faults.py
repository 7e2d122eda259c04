"""A connection lost in the middle of an import: the command says, in Chinese, that nothing
was written (no traceback, JSON with --json), and nothing was written.

The connection really dies: on PostgreSQL the test terminates its server process from a
second connection; SQLite has no server, so there the statement fails as a lost disk
would make it fail."""

import io
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError, connection

from fupin.imports.tests.support import MALE, household_rows, members_file
from fupin.registry.models import Member
from tests.support import make_regions

NOT_WRITTEN = "写入失败，未写入任何数据。请稍后重试；仍然失败请联系系统管理员。"


def _lose_connection() -> None:
    if connection.vendor == "postgresql":
        pid = connection.connection.info.backend_pid
        killer = connection.get_new_connection(connection.get_connection_params())
        killer.autocommit = True
        killer.execute("SELECT pg_terminate_backend(%s)", [pid])
        killer.close()
        return
    raise OperationalError("disk I/O error")


@contextmanager
def _connection_lost_after(starts: Callable[[str], bool]) -> Iterator[None]:
    """Run the statement for which `starts(sql)` is true, then lose the connection."""
    fired = False

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal fired
        result = execute(sql, params, many, context)
        if not fired and starts(sql.lstrip()):
            fired = True
            _lose_connection()
        return result

    with connection.execute_wrapper(wrapper):
        yield
    assert fired
    connection.close()


def _import(path: Path, *args: str) -> tuple[str, CommandError]:
    stdout = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import", "members", str(path), "--no-progress", *args, stdout=stdout)
    return stdout.getvalue(), raised.value


@pytest.fixture
def registered(transactional_db: None, tmp_path: Path) -> list[dict[str, str]]:
    make_regions()
    rows = household_rows()
    call_command("import", "members", str(members_file(tmp_path, rows)), "--no-progress")
    return rows


def _update_phase(sql: str) -> bool:
    if connection.vendor == "postgresql":
        return sql.startswith("CREATE TEMP TABLE fupin_import_rows")
    return sql.startswith('UPDATE "registry_member"')


def test_connection_lost_while_staging_an_update_writes_nothing(
    registered: list[dict[str, str]], tmp_path: Path
) -> None:
    registered[0]["姓名"] = "张三丰"
    path = members_file(tmp_path, registered)
    with _connection_lost_after(_update_phase):
        output, error = _import(path, "--json")
    assert error.returncode == 1
    assert str(error) == NOT_WRITTEN
    assert json.loads(output) == {"error": NOT_WRITTEN, "exit_code": 1}
    assert Member.objects.get(id_number=MALE).name == "张三"


def test_connection_lost_during_validation_writes_nothing(
    registered: list[dict[str, str]], tmp_path: Path
) -> None:
    registered[0]["姓名"] = "张三丰"
    path = members_file(tmp_path, registered)
    with _connection_lost_after(lambda sql: "registry_region" in sql):
        _output, error = _import(path)
    assert error.returncode == 1
    assert str(error) == NOT_WRITTEN
    assert Member.objects.get(id_number=MALE).name == "张三"


@pytest.mark.django_db
def test_json_output_stays_json_when_the_file_is_missing(tmp_path: Path) -> None:
    output, error = _import(tmp_path / "missing.csv", "--json")
    assert error.returncode == 1
    assert json.loads(output)["exit_code"] == 1
    assert "找不到文件" in json.loads(output)["error"]
