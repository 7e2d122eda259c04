"""Builders for import test files: valid ID numbers and member rows."""

import csv
import datetime
import io
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError

from fupin.registry.idnumbers import check_character

TODAY = datetime.date(2025, 6, 1)
VILLAGE = "110105001001"
OTHER_COUNTY_VILLAGE = "110106001001"
SCOPE = "110105"
HEADERS = (
    "行政区划代码",
    "户编号",
    "姓名",
    "证件号码",
    "性别",
    "与户主关系",
    "民族",
    "务工时间(月)",
    "是否享受低保",
    "户类型",
    "联系电话",
)


def id_number(birth: str = "19800101", sequence: str = "001") -> str:
    """Return a valid number from 北京市朝阳区 (110105); odd sequences are men."""
    body = "110105" + birth + sequence
    return body + check_character(body)


MALE = id_number(sequence="001")
FEMALE = id_number(sequence="002")
SON = id_number(birth="20100505", sequence="011")


def member_row(**overrides: str) -> dict[str, str]:
    row = {
        "行政区划代码": VILLAGE,
        "户编号": "H001",
        "姓名": "张三",
        "证件号码": MALE,
        "性别": "男",
        "与户主关系": "户主",
        "民族": "汉族",
        "务工时间(月)": "0",
        "是否享受低保": "否",
        "户类型": "脱贫户",
        "联系电话": "13800000000",
    }
    row.update(overrides)
    return row


def household_rows() -> list[dict[str, str]]:
    """A valid household of three: head, spouse and son."""
    return [
        member_row(),
        member_row(姓名="李四", 证件号码=FEMALE, 性别="女", 与户主关系="配偶"),
        member_row(姓名="张小", 证件号码=SON, 与户主关系="之子"),
    ]


def numbered_household(household: int) -> list[dict[str, str]]:
    """Household H<household> of three (head, spouse, son) with its own ID numbers."""
    number = f"H{household:03d}"
    base = 10 + 4 * household
    return [
        member_row(户编号=number, 证件号码=id_number("19800101", f"{base + 1:03d}")),
        member_row(
            户编号=number,
            姓名="李四",
            证件号码=id_number("19820101", f"{base + 2:03d}"),
            性别="女",
            与户主关系="配偶",
        ),
        member_row(
            户编号=number,
            姓名="张小",
            证件号码=id_number("20100505", f"{base + 3:03d}"),
            与户主关系="之子",
        ),
    ]


def interleaved_households(count: int) -> list[dict[str, str]]:
    """`count` households with every household's rows far apart in the file (the heads,
    then the spouses, then the sons), so each household straddles any split by position."""
    households = [numbered_household(household) for household in range(count)]
    return [people[position] for position in range(3) for people in households]


def csv_text(rows: list[dict[str, str]], headers: tuple[str, ...] = HEADERS) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows([row.get(header, "") for header in headers] for row in rows)
    return buffer.getvalue()


REGISTERED_VILLAGE = "220122101201"


def members_file(
    folder: Path, rows: list[dict[str, str]], village: str = REGISTERED_VILLAGE
) -> Path:
    """Write rows as a members CSV placed in a village of the `regions` fixture."""
    for row in rows:
        row["行政区划代码"] = village
        row.setdefault("主要致贫原因", "因病")
    path = folder / "members.csv"
    path.write_text(csv_text(rows, (*HEADERS, "主要致贫原因")), encoding="utf-8-sig")
    return path


def run_import(*args: str) -> tuple[str, CommandError | None]:
    """Run `fupin import` with `args`; return its output and the error it exited with."""
    stdout = io.StringIO()
    try:
        call_command("import", *args, stdout=stdout)
    except CommandError as error:
        return stdout.getvalue(), error
    return stdout.getvalue(), None
