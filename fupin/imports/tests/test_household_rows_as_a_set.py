"""A household's rows are checked and applied as a set, together with the members the
registry already holds: head changes in any row order, households split across files,
households whose head has died, and messages that name the row."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fupin.imports.tests.support import FEMALE, MALE, SON, household_rows, members_file
from fupin.registry import codes
from fupin.registry.models import Member

pytestmark = pytest.mark.django_db


def _run(folder: Path, rows: list[dict[str, str]]) -> tuple[str, CommandError | None]:
    stdout = io.StringIO()
    try:
        call_command("import", "members", str(members_file(folder, rows)), stdout=stdout)
    except CommandError as error:
        return stdout.getvalue(), error
    return stdout.getvalue(), None


def _registered(folder: Path) -> None:
    _output, error = _run(folder, household_rows())
    assert error is None


@pytest.mark.parametrize("new_head_first", [True, False])
def test_head_changes_in_one_file_whatever_the_row_order(
    regions: None, tmp_path: Path, new_head_first: bool
) -> None:
    # Given 张三 head and 李四 spouse in the registry
    _registered(tmp_path)
    head, spouse, son = household_rows()
    new_head = {**spouse, "与户主关系": "户主"}
    old_head = {**head, "与户主关系": "配偶"}
    rows = [new_head, old_head, son] if new_head_first else [old_head, new_head, son]
    # When a file makes 李四 the head and 张三 her spouse, then it applies
    _output, error = _run(tmp_path, rows)
    assert error is None
    relations = dict(Member.objects.values_list("id_number", "relation"))
    assert relations == {
        FEMALE: codes.Relation.HEAD,
        MALE: codes.Relation.SPOUSE,
        SON: codes.Relation.SON,
    }


def test_second_head_beside_a_registered_head_names_the_row(regions: None, tmp_path: Path) -> None:
    # Given 张三 registered as head; when a file (without him) makes 李四 head as well
    _registered(tmp_path)
    _head, spouse, son = household_rows()
    output, error = _run(tmp_path, [{**spouse, "与户主关系": "户主"}, son])
    # Then validation refuses the row, names it and writes nothing
    assert error is not None
    assert error.returncode == 2
    assert (
        "第 2 行 与户主关系：户编号 H001 已有在册户主，第 2 行又填了户主；更换户主时，"
        "请把原户主也列入本文件并改填其与户主关系。"
    ) in output
    assert Member.objects.get(id_number=FEMALE).relation == codes.Relation.SPOUSE


def test_household_split_across_two_files_uses_the_registered_head(
    regions: None, tmp_path: Path
) -> None:
    # Given the head and spouse imported from one file
    head, spouse, son = household_rows()
    _output, error = _run(tmp_path, [head, spouse])
    assert error is None
    # When the son comes in a second file, then the registered head counts
    _output, error = _run(tmp_path, [son])
    assert error is None
    assert Member.objects.filter(is_active=True).count() == 3


def test_new_household_without_a_head_is_still_refused(regions: None, tmp_path: Path) -> None:
    _head, spouse, son = household_rows()
    output, error = _run(tmp_path, [spouse, son])
    assert error is not None
    assert "第 2 行 与户主关系：户编号 H001 没有户主，每户必须有一名户主。" in output


def test_unknown_relation_is_reported_on_its_row_not_as_a_missing_head(
    regions: None, tmp_path: Path
) -> None:
    rows = household_rows()
    rows[0]["与户主关系"] = "外星人"
    output, error = _run(tmp_path, rows)
    assert error is not None
    assert "第 2 行 与户主关系：与户主关系“外星人”不是可用的选项" in output
    assert "没有户主" not in output


def test_household_whose_head_died_reimports_unchanged(regions: None, tmp_path: Path) -> None:
    # Given a household whose head was removed (died), leaving spouse and son
    _registered(tmp_path)
    Member.objects.filter(id_number=MALE).update(
        is_active=False, removal_reason=codes.RemovalReason.DEATH
    )
    _head, spouse, son = household_rows()
    # When its rows are imported again, then nothing is refused or changed
    output, error = _run(tmp_path, [spouse, son])
    assert error is None
    assert "新增成员 0 人、更新 0 人、未变 2 人。" in output


def test_zero_width_characters_are_not_stored_and_show_in_messages(
    regions: None, tmp_path: Path
) -> None:
    # Given a name pasted with a zero-width space, and a relation with a direction mark
    rows = household_rows()
    rows[0]["姓名"] = "张\u200b三"
    rows[1]["与户主关系"] = "配偶\u200e"
    output, error = _run(tmp_path, rows)
    # Then the message shows the invisible mark instead of an empty-looking value
    assert error is not None
    assert "与户主关系“配偶U+200E”不是可用的选项" in output
    # And once fixed, the name is stored without the zero-width space
    rows[1]["与户主关系"] = "配偶"
    _output, error = _run(tmp_path, rows)
    assert error is None
    assert Member.objects.get(id_number=MALE).name == "张三"


def test_repeated_spaces_in_a_name_are_kept(regions: None, tmp_path: Path) -> None:
    rows = household_rows()
    rows[0]["姓名"] = "阿卜杜  热合曼"
    _output, error = _run(tmp_path, rows)
    assert error is None
    assert Member.objects.get(id_number=MALE).name == "阿卜杜  热合曼"
