"""The registry lookups a ledger import's checks make, one query per chunk of keys."""

import pytest
from pytest_django import DjangoAssertNumQueries

from fupin.imports.tests.support import FEMALE, MALE
from fupin.registry.models import Member
from fupin.registry.selectors import member_households_by_id_number


@pytest.mark.django_db
def test_member_households_by_id_number_asks_the_database_once(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    assert not Member.objects.exists()
    with django_assert_num_queries(1):
        assert member_households_by_id_number([MALE, FEMALE, MALE]) == {}


def test_member_households_by_id_number_asks_nothing_for_no_numbers() -> None:
    assert member_households_by_id_number([]) == {}
