"""Every feed kind refuses bad rows with Chinese errors naming row and column, and writes
nothing; its template workbook comes from the same declaration."""

import fastexcel
import pytest

from fupin.accounts.models import User
from fupin.core.errors import ApplicationError, PermissionDeniedError
from fupin.departments.models import FeedRow
from fupin.imports.declarations import Column, Template
from fupin.imports.feed_services import feed_import
from fupin.imports.feeds import FEED_TEMPLATES, FEEDS
from fupin.imports.parsing import read_table
from fupin.imports.workbooks import template_workbook
from fupin.registry.models import Household
from tests.support import Actors, nothing_changes, scope_of

from .conftest import TODAY

_GOOD_VALUES: dict[str, str | None] = {
    "id_number": "{number}",
    "code": None,
    "date": "2026-10-08",
    "year": "2026",
    "integer": "1",
    "money": "100",
    "decimal": "80.5",
    "text": "某某",
}


def _good_value(column: Column, number: str) -> str:
    if column.kind == "code":
        return column.labels()[0]
    return str(_GOOD_VALUES[column.kind]).format(number=number)


@pytest.mark.parametrize("template", FEED_TEMPLATES, ids=lambda template: template.kind)
def test_bad_rows_are_refused_with_row_and_column_and_nothing_is_written(
    template: Template, department_user: User, household: Household
) -> None:
    number = household.members.first().id_number  # type: ignore[union-attr]
    headers = [column.header for column in template.columns]
    good = [_good_value(column, number) for column in template.columns]
    bad_id = [
        "12345" if column.kind == "id_number" else value
        for column, value in zip(template.columns, good, strict=True)
    ]
    coded = next((c for c in template.columns if c.kind in {"code", "money", "date"}), None)
    bad_value = [
        "不存在的值" if column is coded else value
        for column, value in zip(template.columns, good, strict=True)
    ]
    content = "\n".join(",".join(line) for line in (headers, good, bad_id, bad_value))
    frame = read_table(content.encode(), "feed.csv")

    with nothing_changes(household):
        outcome = feed_import(
            actor=department_user,
            scope=scope_of(department_user),
            kind=template.kind,
            period="2026-10",
            frame=frame,
        )

    assert outcome.result is None
    assert outcome.summary.invalid_rows == (2 if coded else 1)
    first = outcome.errors[0]
    assert (first.row_number, first.field) == (3, template.column("id_number").header)
    assert "证件号码" in first.message or "号码" in first.message
    if coded is not None:
        assert (outcome.errors[1].row_number, outcome.errors[1].field) == (4, coded.header)


@pytest.mark.parametrize("kind", sorted(FEEDS))
def test_a_missing_required_column_names_it(
    kind: str, department_user: User, actors: Actors
) -> None:
    frame = read_table("姓名\n张三\n".encode(), "feed.csv")
    with nothing_changes():
        outcome = feed_import(
            actor=department_user,
            scope=scope_of(department_user),
            kind=kind,
            period="2026-10",
            frame=frame,
        )
    assert outcome.errors[0].row_number == 1
    assert outcome.errors[0].message.startswith("缺少必填列")


@pytest.mark.parametrize("template", FEED_TEMPLATES, ids=lambda template: template.kind)
def test_template_workbook_has_the_declared_headers(template: Template) -> None:
    sheet = fastexcel.read_excel(template_workbook(template)).load_sheet(0).to_polars()
    assert sheet.columns == [column.header for column in template.columns]


@pytest.mark.parametrize("period", ["2026-13", "202610", "2012-12", f"{TODAY.year}-12"])
def test_a_bad_period_is_refused(period: str, department_user: User, actors: Actors) -> None:
    frame = read_table(
        "证件号码,姓名,号牌号码\n".encode() + b"11010519491231002X,a,b\n", "feed.csv"
    )
    with nothing_changes(), pytest.raises(ApplicationError, match="数据期别"):
        feed_import(
            actor=department_user,
            scope=scope_of(department_user),
            kind="vehicle",
            period=period,
            frame=frame,
        )


def test_a_village_officer_cannot_deliver_feeds(actors: Actors) -> None:
    frame = read_table(b"a\n1\n", "feed.csv")
    with nothing_changes(), pytest.raises(PermissionDeniedError):
        feed_import(
            actor=actors.village_officer,
            scope=scope_of(actors.village_officer),
            kind="vehicle",
            period="2026-10",
            frame=frame,
        )


def test_plain_and_written_amounts_read_the_same(
    department_user: User, household: Household
) -> None:
    number = household.members.first().id_number  # type: ignore[union-attr]
    lines = ["证件号码,合规自付费用,医疗总费用"]
    lines += [f'{number},007,"1,234.5"', f"{number},12.345,¥100元", f"{number},99999999,0.5"]
    frame = read_table("\n".join(lines).encode(), "feed.csv")

    outcome = feed_import(
        actor=department_user,
        scope=scope_of(department_user),
        kind="medical",
        period="2026-10",
        frame=frame,
    )

    assert [(error.row_number, error.field) for error in outcome.errors] == [
        (3, "合规自付费用"),
        (4, "合规自付费用"),
    ]
    assert "最多保留 2 位小数" in outcome.errors[0].message
    assert "过大" in outcome.errors[1].message


def test_plain_amounts_are_kept_to_the_fen(department_user: User, household: Household) -> None:
    number = household.members.first().id_number  # type: ignore[union-attr]
    frame = read_table(
        f'证件号码,合规自付费用,医疗总费用\n{number},007,"1,234.5"\n'.encode(), "feed.csv"
    )

    outcome = feed_import(
        actor=department_user,
        scope=scope_of(department_user),
        kind="medical",
        period="2026-10",
        frame=frame,
    )

    assert outcome.result is not None
    row = FeedRow.objects.get()
    assert (row.values["compliant_self_paid"], row.values["total_cost"]) == ("7.00", "1234.50")
