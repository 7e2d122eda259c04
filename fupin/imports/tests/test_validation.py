import datetime
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

from fupin.imports.parsing import read_table
from fupin.imports.tests.support import (
    FEMALE,
    HEADERS,
    MALE,
    OTHER_COUNTY_VILLAGE,
    SCOPE,
    SON,
    TODAY,
    csv_text,
    household_rows,
    id_number,
    member_row,
)
from fupin.imports.validation import (
    RowError,
    ValidationResult,
    validate_members,
)
from fupin.registry.idnumbers import check_character


def _validate(
    rows: list[dict[str, str]],
    *,
    headers: tuple[str, ...] = HEADERS,
    existing: dict[str, str] | None = None,
    scope: str = SCOPE,
) -> ValidationResult:
    frame = read_table(csv_text(rows, headers).encode(), "members.csv")
    return validate_members(frame, scope_prefix=scope, existing_people=existing or {}, today=TODAY)


def _errors(result: ValidationResult) -> list[tuple[int, str, str]]:
    return [(error.row_number, error.field, error.message) for error in result.errors]


def test_a_valid_household_passes_with_normalized_typed_values() -> None:
    result = _validate(household_rows())
    assert result.ok
    assert result.summary.rows == 3
    assert result.summary.households == 1
    assert result.summary.valid_rows == 3
    valid = result.valid
    assert valid.get_column("sex").to_list() == ["1", "2", "1"]
    assert valid.get_column("relation").to_list() == ["01", "02", "03"]
    assert valid.get_column("ethnicity").to_list() == ["01", "01", "01"]
    assert valid.get_column("household_type").to_list() == ["exited"] * 3
    assert valid.schema["receives_dibao"] == pl.Boolean
    assert valid.schema["migrant_months"] == pl.Int64
    assert valid.get_column("birth_date").to_list()[2] == datetime.date(2010, 5, 5)


def test_full_width_characters_stray_spaces_and_variants_are_normalized() -> None:
    rows = household_rows()
    rows[0] |= {
        "证件号码": " " + MALE.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
        "性别": " 男性 ",
        "务工时间(月)": "１２",
        "是否享受低保": "√",
        "户编号": "H001 ",
    }
    rows[1] |= {"性别": "女性", "是否享受低保": "N"}
    result = _validate(rows)
    assert result.ok, result.errors
    assert result.valid.get_column("id_number").to_list()[0] == MALE
    assert result.valid.get_column("migrant_months").to_list()[0] == 12
    assert result.valid.get_column("receives_dibao").to_list()[:2] == [True, False]


def test_header_aliases_and_bracket_variants_are_accepted() -> None:
    headers = tuple(
        {"证件号码": "公民身份号码", "务工时间(月)": "务工时间（月）"}.get(h, h) for h in HEADERS
    )
    rows = [
        {
            {"证件号码": "公民身份号码", "务工时间(月)": "务工时间（月）"}.get(k, k): v
            for k, v in r.items()
        }
        for r in household_rows()
    ]
    assert _validate(rows, headers=headers).ok


def test_missing_required_header_is_a_file_error() -> None:
    headers = tuple(h for h in HEADERS if h != "证件号码")
    result = _validate(household_rows(), headers=headers)
    assert result.errors == [
        RowError(
            1,
            "证件号码",
            "缺少必填列“证件号码”（也可写作：身份证号、身份证号码、公民身份号码、身份证件号码）。",
        )
    ]
    assert result.summary.invalid_rows == 3


def test_two_headers_for_one_column_are_a_file_error() -> None:
    headers = (*HEADERS, "身份证号")
    rows = [r | {"身份证号": r["证件号码"]} for r in household_rows()]
    result = _validate(rows, headers=headers)
    assert _errors(result) == [
        (1, "证件号码", "“证件号码”“身份证号”都表示证件号码，只能保留一列。")
    ]


def test_unknown_headers_are_ignored_and_reported() -> None:
    result = _validate(household_rows(), headers=(*HEADERS, "备注"))
    assert result.ok
    assert result.ignored_headers == ("备注",)


def test_excel_scientific_id_number_says_precision_was_lost() -> None:
    rows = household_rows()
    rows[1]["证件号码"] = "1.10105E+17"
    assert _errors(_validate(rows)) == [
        (
            3,
            "证件号码",
            "证件号码 1.10105E+17 已被 Excel 转成数字，请把该列设为文本后重新填写"
            "（Excel 只保留 15 位有效数字，后几位已丢失）。",
        )
    ]


def test_id_number_rounded_by_excel_is_recognized() -> None:
    rows = household_rows()
    rows[1]["证件号码"] = "110105198001010000"
    assert _errors(_validate(rows))[0][2].startswith("证件号码 110105198001010000 已被 Excel")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("11010519800101001", "身份证号码应为 18 位（或旧版 15 位），现在是 17 位。"),
        (id_number(birth="19801301"), "身份证号码中的出生日期 1980-13-01 不是有效日期。"),
    ],
)
def test_invalid_id_numbers_use_the_registry_messages(value: str, message: str) -> None:
    rows = household_rows()
    rows[2]["证件号码"] = value
    assert (4, "证件号码", message) in _errors(_validate(rows))


def test_wrong_check_character_is_reported() -> None:
    rows = household_rows()
    rows[2]["证件号码"] = SON[:-1] + ("0" if SON[-1] != "0" else "1")
    errors = _errors(_validate(rows))
    assert [(row, field) for row, field, _ in errors] == [(4, "证件号码")]


def test_sex_contradicting_the_id_number() -> None:
    rows = household_rows()
    rows[1]["性别"] = "男"
    assert _errors(_validate(rows)) == [(3, "性别", "性别与证件号码不符：号码显示为女。")]


def test_birth_date_contradicting_the_id_number() -> None:
    headers = (*HEADERS, "出生日期")
    rows = household_rows()
    rows[0]["出生日期"] = "1980/01/01"
    rows[1]["出生日期"] = "1981-01-01"
    rows[2]["出生日期"] = "2010年5月5日"
    assert _errors(_validate(rows, headers=headers)) == [
        (3, "出生日期", "出生日期 1981-01-01 与证件号码中的 1980-01-01 不符。")
    ]


def test_unknown_code_label_names_the_choices() -> None:
    rows = household_rows()
    rows[0]["性别"] = "未知"
    rows[2]["与户主关系"] = "侄子"
    errors = _errors(_validate(rows))
    assert errors[0] == (2, "性别", "性别“未知”不是可用的选项；可填：男、女。")
    assert errors[1][0:2] == (4, "与户主关系")
    assert errors[1][2].startswith("与户主关系“侄子”不是可用的选项；可填：户主、配偶、之子")


def test_codes_are_accepted_as_well_as_labels() -> None:
    rows = household_rows()
    rows[0] |= {"性别": "1", "与户主关系": "01", "民族": "01"}
    assert _validate(rows).ok


def test_bad_boolean_and_months() -> None:
    rows = household_rows()
    rows[0]["是否享受低保"] = "也许"
    rows[1]["务工时间(月)"] = "三"
    rows[2]["务工时间(月)"] = "13"
    assert _errors(_validate(rows)) == [
        (2, "是否享受低保", "是否享受低保应填“是”或“否”，现在是“也许”。"),
        (3, "务工时间(月)", "务工时间(月)应为整数，现在是“三”。"),
        (4, "务工时间(月)", "务工时间(月)不能超过 12，现在是 13。"),
    ]


def test_required_values_must_be_filled() -> None:
    rows = household_rows()
    rows[2]["姓名"] = "  "
    assert _errors(_validate(rows)) == [(4, "姓名", "请填写姓名。")]


def test_household_without_head() -> None:
    rows = household_rows()
    rows[0]["与户主关系"] = "之父"
    assert _errors(_validate(rows)) == [
        (row, "与户主关系", "户编号 H001 没有户主，每户必须有一名户主。") for row in (2, 3, 4)
    ]


def test_household_with_two_heads() -> None:
    rows = household_rows()
    rows[1]["与户主关系"] = "户主"
    message = "户编号 H001 有 2 名户主（第 2、3 行），每户只能有一名。"
    assert _errors(_validate(rows)) == [(2, "与户主关系", message), (3, "与户主关系", message)]


def test_inconsistent_household_columns() -> None:
    rows = household_rows()
    rows[2]["户类型"] = "一般户"
    message = "同一户（户编号 H001）各行的户类型不一致：“exited”“ordinary”。"
    assert _errors(_validate(rows)) == [(row, "户类型", message) for row in (2, 3, 4)]


def test_same_person_twice_in_the_file() -> None:
    rows = [*household_rows(), member_row(户编号="H002")]
    errors = _errors(_validate(rows))
    assert (5, "证件号码", "证件号码与第 2 行重复，同一人在文件中出现了两次。") in errors


def test_person_active_in_another_household_is_a_conflict() -> None:
    result = _validate(household_rows(), existing={SON: "H999", MALE: "H001"})
    assert _errors(result) == [
        (4, "证件号码", "此人已在另一户（户编号 H999）在册；请先在原户办理成员减少，再导入。")
    ]


def test_region_code_must_have_twelve_digits() -> None:
    rows = [r | {"行政区划代码": "1101050010"} for r in household_rows()]
    errors = _errors(_validate(rows))
    assert errors[0] == (
        2,
        "行政区划代码",
        "行政区划代码应为 12 位数字（村级代码），现在是“1101050010”。",
    )


def test_rows_outside_the_scope_are_refused() -> None:
    rows = [r | {"行政区划代码": OTHER_COUNTY_VILLAGE} for r in household_rows()]
    errors = _errors(_validate(rows))
    assert errors == [
        (row, "行政区划代码", "行政区划代码 110106001001 不在您的管辖范围内，不能导入。")
        for row in (2, 3, 4)
    ]
    assert _validate(rows, scope="").ok


def test_summary_counts_rows_and_households() -> None:
    second = [
        member_row(户编号="H002", 证件号码=id_number(sequence="013")),
        member_row(户编号="H002", 证件号码="bad", 与户主关系="配偶"),
    ]
    result = _validate([*household_rows(), *second])
    assert result.summary.rows == 5
    assert result.summary.households == 2
    assert result.summary.valid_rows == 4
    assert result.summary.invalid_rows == 1


def test_female_number_builder_is_female() -> None:
    assert int(FEMALE[16]) % 2 == 0


def test_id_number_from_a_numeric_excel_cell_is_refused_whatever_its_check_character(
    tmp_path: Path,
) -> None:
    # Given an xlsx whose ID cell is the number 2.20421198203299E+17: its digits
    # 220421198203299008 are a well-formed number with a correct check character
    assert check_character("22042119820329900") == "8"
    rows = household_rows()
    headers = list(HEADERS)
    path = tmp_path / "members.xlsx"
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, headers)
    for number, row in enumerate(rows, start=1):
        sheet.write_row(number, 0, [row[header] for header in headers])
    sheet.write_number(2, headers.index("证件号码"), 2.20421198203299e17)
    workbook.close()
    # When validated, then the row is refused with the Excel hint
    result = validate_members(
        read_table(path, path.name), scope_prefix=SCOPE, existing_people={}, today=TODAY
    )
    assert _errors(result) == [
        (
            3,
            "证件号码",
            "证件号码 2.20421198203299E+17 已被 Excel 转成数字，请把该列设为文本后重新填写"
            "（Excel 只保留 15 位有效数字，后几位已丢失）。",
        )
    ]
