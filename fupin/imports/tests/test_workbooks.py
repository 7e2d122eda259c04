import fastexcel
import polars as pl

from fupin.imports.declarations import MEMBERS
from fupin.imports.parsing import read_table
from fupin.imports.tests.support import SCOPE, TODAY, csv_text, household_rows
from fupin.imports.validation import RowError, validate_members
from fupin.imports.workbooks import error_workbook, template_workbook


def test_template_has_the_declared_headers_and_an_instructions_sheet() -> None:
    content = template_workbook(MEMBERS)
    reader = fastexcel.read_excel(content)
    assert reader.sheet_names[:2] == ["成员台账", "说明"]
    sheet = reader.load_sheet(0, dtypes="string")
    assert sheet.to_polars().columns == [column.header for column in MEMBERS.columns]
    lists = reader.load_sheet("lists", dtypes="string").to_polars()
    assert lists.get_column("性别").drop_nulls().to_list() == ["男", "女"]
    instructions = reader.load_sheet("说明", header_row=None, dtypes="string").to_polars()
    assert "证件号码" in instructions.to_series(0).to_list()


def test_template_read_back_matches_every_column() -> None:
    headers = fastexcel.read_excel(template_workbook(MEMBERS)).load_sheet(0).to_polars().columns
    assert MEMBERS.match_headers(headers).missing == ()
    assert MEMBERS.match_headers(headers).unknown == ()


def test_error_workbook_holds_only_rows_with_errors_and_the_reasons() -> None:
    rows = household_rows()
    rows[1]["性别"] = "男"
    frame = read_table(csv_text(rows).encode(), "members.csv")
    result = validate_members(frame, scope_prefix=SCOPE, existing_people={}, today=TODAY)
    content = error_workbook(frame, result.errors)
    sheet = fastexcel.read_excel(content).load_sheet(0, dtypes="string").to_polars()
    assert sheet.columns[0] == "原行号"
    assert sheet.columns[-1] == "错误说明"
    assert sheet.get_column("原行号").to_list() == ["3"]
    assert sheet.get_column("姓名").to_list() == ["李四"]
    assert sheet.get_column("错误说明").to_list() == ["性别：性别与证件号码不符：号码显示为女。"]


def test_error_workbook_shows_file_level_errors_on_row_one() -> None:
    frame = pl.DataFrame({"姓名": ["张三"]})
    content = error_workbook(frame, [RowError(1, "证件号码", "缺少必填列“证件号码”。")])
    sheet = fastexcel.read_excel(content).load_sheet(0, dtypes="string").to_polars()
    assert sheet.get_column("原行号").to_list() == ["1"]
    assert sheet.get_column("错误说明").to_list() == ["证件号码：缺少必填列“证件号码”。"]
