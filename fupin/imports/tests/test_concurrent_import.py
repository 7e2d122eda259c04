"""Two imports started at the same moment with the same people under different household
numbers: one applies, the other is refused in Chinese, and each person is registered once.

Real threads with their own database connections (PostgreSQL in CI's second run; on
SQLite the IMMEDIATE transactions serialize them the same way)."""

import threading
from collections.abc import Iterator

import polars as pl
import pytest
from django.apps import apps
from django.db import connection
from django.db.models import Count

from fupin.core.errors import ApplicationError
from fupin.core.scope import RegionScope
from fupin.imports.declarations import MEMBERS
from fupin.imports.ledgers import validate_table
from fupin.imports.parsing import read_table
from fupin.imports.tests.support import REGISTERED_VILLAGE, csv_text, id_number, member_row
from fupin.registry.models import Member
from fupin.registry.services import member_bulk_upsert
from tests.support import make_regions

PEOPLE = 400
CONSTRAINT = "registry_member_one_active_household_per_person"
SCOPE = RegionScope(role="system", role_label="", prefix="", root_prefix="", region_name="")


def _ledger(prefix: str) -> pl.DataFrame:
    """PEOPLE one-person households numbered `prefix`0001…, the same ID numbers each time."""
    rows = [
        member_row(
            行政区划代码=REGISTERED_VILLAGE,
            户编号=f"{prefix}{index:04d}",
            证件号码=id_number(birth="19500101", sequence=f"{index * 2 + 1:03d}"),
            主要致贫原因="因病",
        )
        for index in range(PEOPLE)
    ]
    frame = read_table(csv_text(rows, (*rows[0].keys(),)).encode(), "members.csv")
    result = validate_table(frame, MEMBERS, scope_prefix="")
    assert result.errors == []
    return result.valid


@pytest.fixture
def registry(transactional_db: None) -> None:
    make_regions()


@pytest.fixture
def without_index(registry: None) -> Iterator[None]:
    """A database that still lacks the index 0005 dropped: the import must serialize."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX {CONSTRAINT}")
    yield
    # Whatever the test left, the index must come back for the tests after it.
    Member.objects.update(is_active=False, removal_reason="other")
    member = apps.get_model("registry", "Member")
    constraint = next(c for c in member._meta.constraints if c.name == CONSTRAINT)
    with connection.schema_editor() as editor:
        editor.add_constraint(member, constraint)


def _import_at_once(ledgers: dict[str, pl.DataFrame]) -> dict[str, str]:
    start = threading.Barrier(len(ledgers))
    outcomes: dict[str, str] = {}

    def run(label: str, rows: pl.DataFrame) -> None:
        try:
            start.wait()
            member_bulk_upsert(actor=None, scope=SCOPE, rows=rows)
            outcomes[label] = "applied"
        except ApplicationError as error:
            outcomes[label] = error.message
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in ledgers.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def _assert_one_applied_and_each_person_once(outcomes: dict[str, str]) -> None:
    assert sorted(outcomes) == ["A", "B"]
    applied = [label for label, outcome in outcomes.items() if outcome == "applied"]
    assert len(applied) == 1
    refused = outcomes["B" if applied == ["A"] else "A"]
    assert "已在另一户在册" in refused or "一人只能属于一户" in refused
    assert Member.objects.filter(is_active=True).count() == PEOPLE
    twice = (
        Member.objects.filter(is_active=True)
        .values("id_number")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert not twice.exists()
    numbers = set(Member.objects.values_list("household__number", flat=True))
    assert {number[0] for number in numbers} == set(applied)


def test_concurrent_imports_of_the_same_people_register_each_person_once(
    registry: None,
) -> None:
    outcomes = _import_at_once({"A": _ledger("A"), "B": _ledger("B")})
    _assert_one_applied_and_each_person_once(outcomes)


def test_concurrent_imports_serialize_even_without_the_unique_index(without_index: None) -> None:
    # Given a database without the index (as 0005 left PostgreSQL); when two imports race;
    # then the per-county lock alone still lets only one of them register the people.
    outcomes = _import_at_once({"A": _ledger("A"), "B": _ledger("B")})
    _assert_one_applied_and_each_person_once(outcomes)
    assert "已在另一户在册" in outcomes["A"] + outcomes["B"]
