"""Facts contract v1: checking records and frames, defaults, the derived fact."""

from typing import Any

import polars as pl
import pytest

from fupin.assessment.rules.facts import (
    FACTS,
    SCHEMA,
    FactsError,
    categories_for_household,
    category_label,
    facts_frame,
    prepare_facts,
)

MINIMAL: dict[str, Any] = {
    "household_id": 7,
    "region_code": "220421100201",
    "year": 2024,
    "household_type": "ordinary",
    "members": 4,
}


def _errors(records: list[dict[str, Any]]) -> list[str]:
    with pytest.raises(FactsError) as caught:
        facts_frame(records)
    return caught.value.errors


def test_minimal_record_gets_defaults_and_unknowns_stay_null() -> None:
    row = facts_frame([MINIMAL]).row(0, named=True)
    assert row == {
        **MINIMAL,
        "per_capita_net_income": None,
        "previous_per_capita_net_income": None,
        "compliant_out_of_pocket": 0.0,
        "food_insecure": None,
        "clothing_insecure": None,
        "housing_unsafe": None,
        "dropout_child": None,
        "water_unsafe": None,
        "member_uninsured": None,
        "risk_types": [],
        "whole_household_no_labor": False,
        "labor_members": None,
        "sudden_hardship": False,
        "identified_month": None,
        "months_income_above_line": 0,
        "development_measures": 0,
        "monitoring_category": None,
        "exited_household": False,
        "as_of_month": "2024-12",
        "per_capita_after_rigid": None,
        "guarantee_problems": [],
        "unverified_checks": [
            "不愁吃",
            "不愁穿",
            "住房安全",
            "义务教育",
            "饮水安全",
            "基本医疗保险",
        ],
    }


def test_frame_has_the_contract_schema() -> None:
    assert dict(facts_frame([MINIMAL]).schema) == dict(SCHEMA)


def test_per_capita_after_rigid_deducts_the_households_expenditure_per_member() -> None:
    record = {**MINIMAL, "per_capita_net_income": 9000, "compliant_out_of_pocket": 6000}
    assert facts_frame([record]).get_column("per_capita_after_rigid").to_list() == [7500.0]


def test_accepts_poor_households_of_pre_2021_data() -> None:
    assert facts_frame([{**MINIMAL, "household_type": "poor", "year": 2019}]).height == 1


def test_explicit_null_gets_the_same_default_as_a_missing_key() -> None:
    row = facts_frame([{**MINIMAL, "risk_types": None, "as_of_month": None}]).row(0, named=True)
    assert (row["risk_types"], row["as_of_month"]) == ([], "2024-12")


def test_rejects_unknown_keys_listing_them() -> None:
    assert _errors([{**MINIMAL, "income": 1, "colour": "red"}]) == [
        "户 7 含有未知的事实字段：colour、income"
    ]


def test_rejects_a_derived_fact_as_input() -> None:
    assert _errors([{**MINIMAL, "per_capita_after_rigid": 1.0}]) == [
        "户 7 含有未知的事实字段："
        "per_capita_after_rigid（per_capita_after_rigid 由系统计算，不能直接提供）"
    ]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("members", "4", "户 7 的字段 members（家庭人口数）应为整数，实际为字符串“4”"),
        ("members", 4.0, "户 7 的字段 members（家庭人口数）应为整数，实际为小数 4.0"),
        ("members", True, "户 7 的字段 members（家庭人口数）应为整数，实际为真假值 true"),
        ("year", 2**40, f"户 7 的字段 year（年度）超出范围：{2**40}"),
        (
            "per_capita_net_income",
            "九千",
            "户 7 的字段 per_capita_net_income（人均纯收入（元））应为数值，实际为字符串“九千”",
        ),
        (
            "per_capita_net_income",
            float("nan"),
            "户 7 的字段 per_capita_net_income（人均纯收入（元））应为有限的数值，实际为 nan",
        ),
        (
            "housing_unsafe",
            1,
            "户 7 的字段 housing_unsafe（住房出现安全问题）应为真假值，实际为整数 1",
        ),
        (
            "region_code",
            220421100201,
            "户 7 的字段 region_code（所在村的 12 位区划代码）应为字符串，实际为整数 220421100201",
        ),
        (
            "risk_types",
            "因病",
            "户 7 的字段 risk_types（尚未消除的致贫/返贫风险类型）"
            "应为字符串列表，实际为字符串“因病”",
        ),
        (
            "risk_types",
            ["因病", 3],
            "户 7 的字段 risk_types（尚未消除的致贫/返贫风险类型）应为字符串列表，实际为列表",
        ),
    ],
)
def test_rejects_wrong_types_naming_household_and_field(
    field: str, value: object, message: str
) -> None:
    assert _errors([{**MINIMAL, field: value}]) == [message]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "region_code",
            "2204",
            "户 7 的字段 region_code（所在村的 12 位区划代码）"
            "应为 12 位数字的村级区划代码，实际为字符串“2204”",
        ),
        (
            "household_type",
            "贫困户",
            "户 7 的字段 household_type（户类型）"
            "应为 exited、monitored、ordinary、poor 之一，实际为字符串“贫困户”",
        ),
        ("members", 0, "户 7 的字段 members（家庭人口数）应不小于 1，实际为整数 0"),
        (
            "labor_members",
            5,
            "户 7 的字段 labor_members（有劳动能力的成员数）不能大于家庭人口数，实际为整数 5",
        ),
        (
            "compliant_out_of_pocket",
            -1,
            "户 7 的字段 compliant_out_of_pocket（家庭合规自付支出合计（元）"
            "）不能为负数，实际为小数 -1.0",
        ),
        (
            "identified_month",
            "2024-13",
            "户 7 的字段 identified_month（识别为监测对象的月份）"
            "应为“YYYY-MM”格式的月份，实际为字符串“2024-13”",
        ),
        (
            "as_of_month",
            "202412",
            "户 7 的字段 as_of_month（评估时点（默认为年度的 12 月）"
            "）应为“YYYY-MM”格式的月份，实际为字符串“202412”",
        ),
        (
            "monitoring_category",
            "边缘",
            "户 7 的字段 monitoring_category（当前监测对象类别）"
            "应为 unstable_exited、marginal、sudden_hardship 之一或为空，实际为字符串“边缘”",
        ),
    ],
)
def test_rejects_values_outside_the_contract(field: str, value: object, message: str) -> None:
    assert _errors([{**MINIMAL, field: value}]) == [message]


def test_rejects_missing_required_fields() -> None:
    record = {key: value for key, value in MINIMAL.items() if key != "members"}
    assert _errors([record]) == ["户 7 的字段 members（家庭人口数）不能为空"]


def test_labels_a_record_without_a_usable_id_by_its_position() -> None:
    assert _errors([MINIMAL, {**MINIMAL, "household_id": "x"}])[0] == (
        "第 2 条记录的字段 household_id（户标识）应为整数，实际为字符串“x”"
    )


def test_reports_type_errors_first_then_summarises_domain_errors() -> None:
    records = [{**MINIMAL, "household_id": number, "members": 0} for number in range(1, 8)]
    errors = _errors([*records, {**MINIMAL, "year": "2024"}])
    assert errors == ["户 7 的字段 year（年度）应为整数，实际为字符串“2024”"]
    errors = _errors(records)
    assert errors == [
        "户 1（整数 0）、户 2（整数 0）、户 3（整数 0）"
        "、户 4（整数 0）、户 5（整数 0）等 7 户的字段 "
        "members（家庭人口数）应不小于 1"
    ]


def test_prepare_facts_checks_frames_column_by_column() -> None:
    frame = pl.DataFrame({**{key: [value] for key, value in MINIMAL.items()}})
    assert prepare_facts(frame).columns == list(SCHEMA)
    with pytest.raises(FactsError, match="含有未知的事实字段：colour"):
        prepare_facts(frame.with_columns(colour=pl.lit("red")))
    with pytest.raises(FactsError, match="缺少必填的事实字段：members"):
        prepare_facts(frame.drop("members"))
    with pytest.raises(
        FactsError, match=r"字段 members（家庭人口数）的类型应为 Int32，实际为 String"
    ):
        prepare_facts(frame.with_columns(pl.col("members").cast(pl.String)))


def test_prepare_facts_widens_integers_but_never_parses_text() -> None:
    frame = pl.DataFrame(
        {**{key: [value] for key, value in MINIMAL.items()}, "per_capita_net_income": [9000]}
    )
    assert prepare_facts(frame).get_column("per_capita_net_income").dtype == pl.Float64


def test_every_fact_has_a_chinese_meaning() -> None:
    assert all(spec.meaning_zh for spec in FACTS.values())


def test_2020_labels_and_local_risk_types_read_as_national_codes() -> None:
    records = [
        {**MINIMAL, "household_id": 1, "monitoring_category": "边缘户", "year": 2020},
        {
            **MINIMAL,
            "household_id": 2,
            "monitoring_category": "脱贫监测户",
            "risk_types": ["市场波动", "带动断链", "失业", "因自然灾害（洪涝）", "家庭变故"],
        },
        {**MINIMAL, "household_id": 3, "monitoring_category": "突发严重困难户"},
    ]
    frame = facts_frame(records)
    assert frame.get_column("monitoring_category").to_list() == [
        "marginal",
        "unstable_exited",
        "sudden_hardship",
    ]
    # 市场波动 and 带动断链 are one national type, counted once
    assert frame.get_column("risk_types").to_list()[1] == [
        "因产业项目失败",
        "因务工就业不稳",
        "因自然灾害",
        "其他",
    ]


def test_category_table_follows_the_household_type() -> None:
    assert categories_for_household("exited", exited_household=True) == (
        "unstable_exited",
        "sudden_hardship",
    )
    assert categories_for_household("ordinary", exited_household=False) == (
        "marginal",
        "sudden_hardship",
    )
    assert categories_for_household("poor", exited_household=False) == ()
    assert categories_for_household("monitored", exited_household=True)[0] == "unstable_exited"
    assert categories_for_household("monitored", exited_household=False)[0] == "marginal"
    assert (category_label("unstable_exited", 2020), category_label("marginal", 2020)) == (
        "脱贫监测户",
        "边缘户",
    )
    assert category_label("marginal", 2021) == "边缘易致贫户"


def test_derived_lists_name_the_problems_and_the_unchecked() -> None:
    row = facts_frame(
        [{**MINIMAL, "food_insecure": True, "housing_unsafe": False, "water_unsafe": True}]
    ).row(0, named=True)
    assert row["guarantee_problems"] == ["“不愁吃”未达标", "饮水不安全"]
    assert row["unverified_checks"] == ["不愁穿", "义务教育", "基本医疗保险"]
