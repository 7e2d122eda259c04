"""Every kind of spreadsheet Fupin writes keeps user text inert: a name like
`=HYPERLINK("http://x","y")` is a text cell with Excel's quote prefix, never a formula, and
reads back exactly as stored (so export → import still changes nothing)."""

import dataclasses
import io
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

import fastexcel
import polars as pl
import pytest
from django.urls import reverse

from fupin.accounts.scoping import scope_for
from fupin.core.spreadsheets import Workbook, frame_csv, is_formula_like, neutralize
from fupin.imports.declarations import CONDITIONS, INCOME, MEMBERS, Template
from fupin.imports.exports import ledger_workbook
from fupin.imports.validation import RowError
from fupin.imports.workbooks import error_workbook, template_workbook
from fupin.registry import codes
from fupin.registry.models import Household, HouseholdConditions, HouseholdYear
from fupin.registry.services import household_register
from fupin.registry.tests.factories import household, member
from tests.support import VILLAGE, Actors, client_for

NAME = '=HYPERLINK("http://x","y")'
NUMBER = '=HYPERLINK("http://x","n")'
PHONE = "+8613912345678"
_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


@dataclass(frozen=True)
class XlsxCell:
    sheet: str
    value: str
    is_formula: bool
    is_quoted: bool


def _xml(data: bytes) -> ElementTree.Element:
    return ElementTree.fromstring(data)  # noqa: S314 - the files were just written by the test


def _cells(content: bytes) -> list[XlsxCell]:
    """Every cell of every sheet, read from the file's XML as Excel would see it."""
    archive = zipfile.ZipFile(io.BytesIO(content))
    names = archive.namelist()
    shared: list[str] = []
    if "xl/sharedStrings.xml" in names:
        root = _xml(archive.read("xl/sharedStrings.xml"))
        shared = ["".join(t.text or "" for t in si.iter(f"{_NS}t")) for si in root]
    styles = _xml(archive.read("xl/styles.xml"))
    cell_xfs = styles.find(f"{_NS}cellXfs")
    assert cell_xfs is not None
    quoted = [xf.get("quotePrefix") == "1" for xf in cell_xfs]
    cells = []
    for name in names:
        if not name.startswith("xl/worksheets/sheet"):
            continue
        for cell in _xml(archive.read(name)).iter(f"{_NS}c"):
            kind = cell.get("t")
            value_node = cell.find(f"{_NS}v")
            raw = value_node.text or "" if value_node is not None else ""
            if kind == "s":
                value = shared[int(raw)]
            elif kind == "inlineStr":
                value = "".join(t.text or "" for t in cell.iter(f"{_NS}t"))
            else:
                value = raw
            cells.append(
                XlsxCell(
                    sheet=name,
                    # OOXML escapes a carriage return, which XML itself would not keep
                    value=value.replace("_x000D_", "\r"),
                    is_formula=cell.find(f"{_NS}f") is not None,
                    is_quoted=quoted[int(cell.get("s", "0"))],
                )
            )
    return cells


def assert_inert(content: bytes, *texts: str) -> None:
    cells = _cells(content)
    assert not [cell for cell in cells if cell.is_formula], "a cell was written as a formula"
    for text in texts:
        found = [cell for cell in cells if cell.value == text]
        assert found, f"{text!r} not written"
        assert all(cell.is_quoted for cell in found), f"{text!r} written without quote prefix"


@pytest.fixture
def risky_household(actors: Actors) -> Household:
    scope = scope_for(actors.village_officer)
    assert scope is not None
    head = member(NAME, codes.Relation.HEAD, date(1970, 5, 1))
    registered = household_register(
        actor=actors.village_officer,
        scope=scope,
        data=household(NUMBER, VILLAGE, phone=PHONE, address="@SUM(1,2)"),
        members=[head],
    )
    HouseholdYear.objects.create(household=registered, year=2025, member_count=1)
    HouseholdConditions.objects.create(household=registered, year=2025)
    return registered


def test_household_list_export_writes_names_as_inert_text(
    actors: Actors, risky_household: Household
) -> None:
    response = client_for(actors.county_admin).get(reverse("registry:household-export"))
    assert response.status_code == 200
    assert_inert(response.content, NAME, NUMBER)


@pytest.mark.parametrize(
    ("template", "texts"),
    [(MEMBERS, (NAME, NUMBER, PHONE)), (INCOME, (NUMBER,)), (CONDITIONS, (NUMBER,))],
    ids=["members", "income", "conditions"],
)
def test_every_ledger_export_writes_user_text_inert_and_unchanged(
    risky_household: Household, tmp_path: Path, template: Template, texts: tuple[str, ...]
) -> None:
    path = tmp_path / f"{template.kind}.xlsx"
    ledger_workbook(template, Household.objects.all(), path)
    content = path.read_bytes()
    assert_inert(content, *texts)
    # the quote prefix is a style, not a character: the file reads back as stored
    sheet = fastexcel.read_excel(content).load_sheet(0, dtypes="string").to_polars()
    assert sheet.get_column("户编号").to_list() == [NUMBER]


def test_template_writes_headers_inert() -> None:
    first, *rest = MEMBERS.columns
    risky = dataclasses.replace(MEMBERS, columns=(dataclasses.replace(first, header=NAME), *rest))
    assert_inert(template_workbook(risky), NAME)


def test_error_workbook_writes_uploaded_headers_and_cells_inert() -> None:
    # given an upload whose header and a cell are formulas
    frame = pl.DataFrame({NAME: ["-1+2"], "姓名": ["@cmd"]})
    content = error_workbook(frame, [RowError(2, "姓名", "格式不正确。")])
    assert_inert(content, NAME, "-1+2", "@cmd")


def test_csv_output_neutralizes_text_but_not_numbers() -> None:
    frame = pl.DataFrame({"town": [NAME, "\tx", "伏龙泉镇"], "change": [-3, 4, 0]})
    lines = frame_csv(frame).splitlines()
    assert lines[1] == '"\'=HYPERLINK(""http://x"",""y"")",-3'
    assert lines[2] == "'\tx,4"
    assert lines[3] == "伏龙泉镇,0"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_neutralized(start: str) -> None:
    assert is_formula_like(start + "1")
    assert neutralize(start + "1") == "'" + start + "1"
    buffer = io.BytesIO()
    workbook = Workbook(buffer)
    workbook.add_sheet("s").row(0, 0, [start + "1", -5, "plain"])
    workbook.close()
    assert_inert(buffer.getvalue(), start + "1")
    plain = [cell for cell in _cells(buffer.getvalue()) if cell.value == "plain"]
    assert plain
    assert not plain[0].is_quoted
    assert [cell.value for cell in _cells(buffer.getvalue())].count("-5") == 1
