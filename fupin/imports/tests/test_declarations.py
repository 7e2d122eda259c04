from fupin.imports.declarations import MEMBERS, header_key


def test_header_key_ignores_bracket_width_and_spaces() -> None:
    assert header_key("务工时间（月）") == header_key("务工时间(月)") == header_key(" 务工时间 月 ")


def test_aliases_map_to_the_id_number_column() -> None:
    match = MEMBERS.match_headers(["身份证号", "姓名", "村代码", "户编号", "性别", "与户主关系"])
    assert match.columns_by_header["身份证号"] == "id_number"
    assert match.missing == ()


def test_missing_and_unknown_headers_are_reported() -> None:
    match = MEMBERS.match_headers(["姓名", "备注"])
    assert "证件号码" in [column.header for column in match.missing]
    assert match.unknown == ("备注",)


def test_code_lookup_accepts_labels_codes_and_variants() -> None:
    lookup = MEMBERS.column("sex").code_lookup()
    assert lookup[header_key("男")] == lookup[header_key("男性")] == lookup["1"] == "1"
    assert lookup[header_key("女性")] == "2"


def test_every_required_member_column_of_the_issue_is_declared() -> None:
    headers = {column.header for column in MEMBERS.columns}
    assert {
        "行政区划代码",
        "户编号",
        "人编号",
        "姓名",
        "证件号码",
        "性别",
        "与户主关系",
        "民族",
        "文化程度",
        "在校生状况",
        "健康状况",
        "劳动技能",
        "务工状况",
        "务工时间(月)",
        "是否参加城乡居民基本医疗保险",
        "是否参加大病保险",
        "是否参加城乡居民基本养老保险",
        "是否享受低保",
        "是否特困供养",
        "户类型",
        "贫困户属性",
        "主要致贫原因",
        "联系电话",
    } <= headers
