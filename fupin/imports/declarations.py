"""Import templates declared as data: columns, Chinese headers, accepted aliases, kinds,
code tables and the natural key. Parsing, validation and the downloadable template are all
driven by these declarations."""

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from django.db.models import TextChoices
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fupin.assistance.models import CadreLevel
from fupin.registry import codes

ColumnKind = Literal[
    "text",
    "code",
    "integer",
    "boolean",
    "id_number",
    "region_code",
    "date",
    "year",
    "money",
    "decimal",
]

# Bracket and space variants that spreadsheets mix freely in headers and code labels.
_IGNORED_IN_KEYS = re.compile(r"[\s()\[\]{}（）【】〔〕<>《》\u200b\u200c\u200d\u2060\ufeff]")

TRUE_WORDS = ("是", "Y", "YES", "TRUE", "1", "√", "✓", "✔", "有", "参加", "享受")
FALSE_WORDS = ("否", "N", "NO", "FALSE", "0", "×", "✗", "✘", "无", "未参加", "不享受")


def header_key(text: str) -> str:
    """Return the form under which headers and labels are compared.

    NFKC turns full-width letters, digits and brackets into ASCII; spaces, zero-width
    characters and brackets are dropped, so "务工时间（月）", "务工时间(月)" and
    " 务工时间 月 " are the same key.
    """
    return _IGNORED_IN_KEYS.sub("", unicodedata.normalize("NFKC", text)).upper()


@dataclass(frozen=True)
class Column:
    """One column of an import template."""

    name: str
    header: str
    kind: ColumnKind = "text"
    aliases: tuple[str, ...] = ()
    code_table: type[TextChoices] | None = None
    code_variants: tuple[tuple[str, str], ...] = ()
    required: bool = False
    household_level: bool = False
    help_text: str | Promise = ""
    min_value: int = 0
    max_value: int | None = None
    decimal_places: int = 2

    def header_keys(self) -> frozenset[str]:
        return frozenset(header_key(text) for text in (self.header, *self.aliases))

    def code_lookup(self) -> dict[str, str]:
        """Return every accepted spelling (as a header_key) mapped to its national code."""
        if self.code_table is None:
            return {}
        lookup: dict[str, str] = {}
        for code, label in self.code_table.choices:
            lookup[header_key(str(code))] = str(code)
            lookup[header_key(str(label))] = str(code)
        for variant, code in self.code_variants:
            lookup[header_key(variant)] = code
        return lookup

    def labels(self) -> list[str]:
        """Return the official labels of the code table, in code order."""
        if self.code_table is None:
            return []
        return [str(label) for _code, label in self.code_table.choices]


@dataclass(frozen=True)
class HeaderMatch:
    """How a file's headers map onto a template's columns."""

    columns_by_header: dict[str, str]
    missing: tuple[Column, ...]
    unknown: tuple[str, ...]
    duplicated: tuple[tuple[Column, tuple[str, ...]], ...]


@dataclass(frozen=True)
class Template:
    """An import template: which columns a file holds and how each row is keyed. What is
    done with the rows is the ledger kind's record (`kinds.py`)."""

    kind: str
    title: str | Promise
    columns: tuple[Column, ...]
    natural_key: tuple[str, ...]
    household_key: str = ""
    instructions: tuple[str | Promise, ...] = field(default_factory=tuple)

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    def match_headers(self, headers: Sequence[str]) -> HeaderMatch:
        """Map each header of a file to a column name, by header or alias."""
        column_by_key = {key: column for column in self.columns for key in column.header_keys()}
        columns_by_header: dict[str, str] = {}
        headers_by_column: dict[str, list[str]] = {}
        unknown: list[str] = []
        for header in headers:
            column = column_by_key.get(header_key(header))
            if column is None:
                unknown.append(header)
                continue
            columns_by_header[header] = column.name
            headers_by_column.setdefault(column.name, []).append(header)
        missing = tuple(
            column
            for column in self.columns
            if column.required and column.name not in headers_by_column
        )
        duplicated = tuple(
            (self.column(name), tuple(found))
            for name, found in headers_by_column.items()
            if len(found) > 1
        )
        return HeaderMatch(columns_by_header, missing, tuple(unknown), duplicated)


_SEX_VARIANTS = (("男性", "1"), ("女性", "2"), ("M", "1"), ("F", "2"))
_RELATION_VARIANTS = (
    ("本人", "01"),
    ("户主本人", "01"),
    ("妻子", "02"),
    ("丈夫", "02"),
    ("儿子", "03"),
    ("女儿", "04"),
    ("儿媳", "05"),
    ("女婿", "06"),
    ("孙子", "07"),
    ("孙女", "08"),
    ("外孙子", "09"),
    ("外孙女", "10"),
    ("父亲", "11"),
    ("母亲", "12"),
    ("岳父", "13"),
    ("岳母", "14"),
    ("公公", "15"),
    ("婆婆", "16"),
    ("祖父", "17"),
    ("祖母", "18"),
    ("外祖父", "19"),
    ("外祖母", "20"),
    ("其它", "99"),
)
_ETHNICITY_VARIANTS = (
    *(
        (str(label).removesuffix("族"), str(code))
        for code, label in codes.Ethnicity.choices
        if str(label).endswith("族") and len(str(label)) > 2
    ),
    ("汉", "01"),
)
_HEALTH_VARIANTS = (("大病", "03"), ("慢性病", "02"), ("残疾人", "04"))
_CAUSE_VARIANTS = (("其他", "99"),)
_POVERTY_ATTRIBUTE_VARIANTS = (("一般户", "1"), ("低保户", "2"), ("特困户", "3"))
_MIGRANT_VARIANTS = (("无", "00"), ("否", "00"), ("乡镇内务工", "01"), ("乡镇外县内务工", "02"))


def _boolean(name: str, header: str, *aliases: str) -> Column:
    return Column(name=name, header=header, kind="boolean", aliases=aliases)


MEMBERS = Template(
    kind="members",
    title=_("成员台账"),
    natural_key=("id_number",),
    household_key="household_number",
    columns=(
        Column(
            "region_code",
            "行政区划代码",
            kind="region_code",
            aliases=("村代码", "所在村代码", "区划代码"),
            required=True,
            household_level=True,
            help_text=_("所在村的 12 位统计用区划代码。"),
        ),
        Column("household_number", "户编号", aliases=("户码", "户号"), required=True),
        Column("person_number", "人编号", aliases=("人码", "成员编号")),
        Column("name", "姓名", aliases=("成员姓名",), required=True),
        Column(
            "id_number",
            "证件号码",
            kind="id_number",
            aliases=("身份证号", "身份证号码", "公民身份号码", "身份证件号码"),
            required=True,
            help_text=_("18 位公民身份号码；请把该列设为文本格式，以免 Excel 改写。"),
        ),
        Column(
            "sex",
            "性别",
            kind="code",
            code_table=codes.Sex,
            code_variants=_SEX_VARIANTS,
            required=True,
        ),
        Column("birth_date", "出生日期", kind="date", aliases=("出生年月日",)),
        Column(
            "relation",
            "与户主关系",
            kind="code",
            code_table=codes.Relation,
            code_variants=_RELATION_VARIANTS,
            required=True,
        ),
        Column(
            "ethnicity",
            "民族",
            kind="code",
            code_table=codes.Ethnicity,
            code_variants=_ETHNICITY_VARIANTS,
        ),
        Column("education", "文化程度", kind="code", code_table=codes.Education),
        Column("schooling", "在校生状况", kind="code", code_table=codes.Schooling),
        Column(
            "health",
            "健康状况",
            kind="code",
            code_table=codes.Health,
            code_variants=_HEALTH_VARIANTS,
        ),
        Column("labor_skill", "劳动技能", kind="code", code_table=codes.LaborSkill),
        Column(
            "migrant_work",
            "务工状况",
            kind="code",
            code_table=codes.MigrantWork,
            code_variants=_MIGRANT_VARIANTS,
        ),
        Column(
            "migrant_months",
            "务工时间(月)",
            kind="integer",
            aliases=("务工时间", "务工月数"),
            max_value=12,
        ),
        _boolean(
            "has_resident_medical_insurance",
            "是否参加城乡居民基本医疗保险",
            "参加城乡居民基本医疗保险",
        ),
        _boolean("has_serious_illness_insurance", "是否参加大病保险", "参加大病保险"),
        _boolean(
            "has_resident_pension_insurance",
            "是否参加城乡居民基本养老保险",
            "参加城乡居民基本养老保险",
        ),
        _boolean("receives_dibao", "是否享受低保", "享受低保"),
        _boolean("receives_destitute_support", "是否特困供养", "特困供养"),
        Column(
            "household_type",
            "户类型",
            kind="code",
            code_table=codes.HouseholdType,
            household_level=True,
        ),
        Column(
            "poverty_attribute",
            "贫困户属性",
            kind="code",
            code_table=codes.PovertyAttribute,
            code_variants=_POVERTY_ATTRIBUTE_VARIANTS,
            household_level=True,
        ),
        Column(
            "primary_cause",
            "主要致贫原因",
            kind="code",
            code_table=codes.PovertyCause,
            code_variants=_CAUSE_VARIANTS,
            household_level=True,
        ),
        Column(
            "phone",
            "联系电话",
            aliases=("电话", "手机号码", "手机号"),
            household_level=True,
        ),
    ),
    instructions=(
        _("每行一名家庭成员；同一户的各行填写相同的户编号、行政区划代码和户级信息。"),
        _("每户必须有且只有一名“与户主关系”为“户主”的成员。"),
        _("证件号码列请设为文本格式，以免 Excel 把号码转成科学计数法。"),
        _("带下拉列表的列可填写名称或国家代码，例如性别填“男”或“1”。"),
        _("是/否列可填写：是、否、Y、N、√。"),
    ),
)


def _money(name: str, header: str, *aliases: str) -> Column:
    return Column(
        name=name,
        header=header,
        kind="money",
        aliases=aliases,
        help_text=_("单位：元，最多两位小数；空白按 0 计（已有记录则保留原值）。"),
    )


_HOUSEHOLD_NUMBER = Column(
    "household_number",
    "户编号",
    aliases=("户码", "户号"),
    required=True,
    help_text=_("已在册农户的户编号。"),
)
_YEAR = Column("year", "年度", kind="year", aliases=("统计年度", "收入年度"), required=True)

INCOME = Template(
    kind="income",
    title=_("收支台账"),
    natural_key=("household_number", "year"),
    columns=(
        _HOUSEHOLD_NUMBER,
        _YEAR,
        Column(
            "member_count",
            "家庭人口数",
            kind="integer",
            aliases=("人口数", "家庭人口"),
            min_value=1,
            max_value=99,
            help_text=_("空白时按该户在册成员数计算。"),
        ),
        _money("wage_income", "工资性收入", "工资性收入(元)"),
        _money("business_income", "生产经营性收入", "生产经营性收入(元)", "经营性收入"),
        _money("property_income", "财产性收入", "财产性收入(元)"),
        _money("transfer_income", "转移性收入", "转移性收入(元)"),
        _money("business_expense", "生产经营性支出", "生产经营性支出(元)"),
        _money("insurance_claims", "理赔收入", "理赔收入(元)"),
        _money("compliant_out_of_pocket", "合规自付支出", "合规自付支出(元)", "刚性支出"),
    ),
    instructions=(
        _("每行一户一个年度的收支；同一户同一年度只能有一行。"),
        _("户编号必须是已在册的农户；请先导入成员台账。"),
        _("金额单位为元，可带两位小数，不能为负数；纯收入和人均纯收入由系统计算。"),
    ),
)

CONDITIONS = Template(
    kind="conditions",
    title=_("生产生活条件台账"),
    natural_key=("household_number", "year"),
    columns=(
        _HOUSEHOLD_NUMBER,
        _YEAR,
        Column(
            "housing_grade",
            "危房等级",
            kind="code",
            code_table=codes.HousingGrade,
            code_variants=tuple((f"{grade}级", grade) for grade in "ABCD"),
        ),
        Column("housing_structure", "房屋主要结构", kind="code", code_table=codes.HousingStructure),
        Column(
            "housing_area",
            "住房面积(平方米)",
            kind="decimal",
            aliases=("住房面积",),
            decimal_places=1,
        ),
        Column("water_standard", "饮水评价标准", kind="code", code_table=codes.WaterStandard),
        _boolean("has_electricity", "是否通生活用电", "通生活用电"),
        Column("road_type", "入户路类型", kind="code", code_table=codes.RoadType),
        _boolean("has_sanitary_toilet", "是否有卫生厕所", "有卫生厕所"),
        Column("main_fuel", "主要燃料", kind="code", code_table=codes.Fuel),
        _boolean("is_housing_unsafe", "住房出现安全问题", "住房安全有保障问题"),
        _boolean(
            "has_dropout_child",
            "义务教育阶段适龄儿童少年失学辍学",
            "适龄儿童失学辍学",
        ),
        _boolean("is_water_unsafe", "饮水出现安全问题", "饮水安全问题"),
        _boolean(
            "has_uninsured_member",
            "有家庭成员未参加基本医疗保险",
            "有成员未参加基本医疗保险",
        ),
    ),
    instructions=(
        _("每行一户一个年度的生产生活条件和“三保障”及饮水安全情况；同一户同一年度只能有一行。"),
        _("户编号必须是已在册的农户；请先导入成员台账。"),
        _("危房等级为 C 级或 D 级时，住房出现安全问题必须为“是”。"),
    ),
)

# The bank's 小额信贷 ledger (issue #15): one row per contract, keyed by 合同编号; rows of
# one borrower stay together when a large file is validated in chunks.
LOANS = Template(
    kind="loans",
    title=_("小额信贷台账"),
    natural_key=("contract_number",),
    household_key="id_number",
    columns=(
        Column(
            "id_number",
            "借款人证件号码",
            kind="id_number",
            aliases=("借款人身份证号", "身份证号码"),
            required=True,
            help_text=_("在册人员的 18 位公民身份号码。"),
        ),
        Column("borrower_name", "借款人姓名", aliases=("借款人",), required=True),
        Column("bank", "贷款银行", aliases=("放款银行", "经办银行"), required=True),
        Column("contract_number", "合同编号", aliases=("借款合同编号", "合同号"), required=True),
        Column("issued_on", "放款日期", kind="date", aliases=("发放日期",), required=True),
        Column("due_on", "到期日期", kind="date", aliases=("到期日",), required=True),
        Column(
            "amount",
            "贷款金额",
            kind="money",
            aliases=("贷款金额(元)", "放款金额"),
            required=True,
            help_text=_("单位：元。"),
        ),
        Column(
            "annual_rate",
            "年利率",
            kind="decimal",
            aliases=("年利率(%)", "执行利率"),
            required=True,
            decimal_places=4,
            help_text=_("百分数，例如 3.45 表示 3.45%。"),
        ),
        Column("purpose", "贷款用途", aliases=("用途",), required=True),
        _money("repaid_principal", "已还本金", "已还本金(元)"),
    ),
    instructions=(
        _("每行一笔贷款合同，按合同编号识别；重复导入同一文件不会改变数据。"),
        _("借款人必须是已在册的农户成员，姓名须与证件号码一致。"),
        _("到期日期须晚于放款日期；已还本金不能超过贷款金额；年利率填百分数。"),
    ),
)

# 户贷企用台账 (issue #15): legacy loans an enterprise uses, one row per contract, keyed by
# 合同编号 (the loans themselves come from the 小额信贷台账).
ENTERPRISE_USES = Template(
    kind="enterprise_uses",
    title=_("户贷企用台账"),
    natural_key=("contract_number",),
    household_key="contract_number",
    columns=(
        Column("contract_number", "合同编号", aliases=("借款合同编号", "合同号"), required=True),
        Column(
            "id_number",
            "借款人证件号码",
            kind="id_number",
            aliases=("借款人身份证号", "身份证号码"),
            help_text=_("填写时须与合同的借款人一致。"),
        ),
        Column("enterprise", "使用企业", aliases=("企业名称", "带贫企业"), required=True),
        Column(
            "amount",
            "企业使用金额",
            kind="money",
            aliases=("企业使用金额(元)", "入企金额"),
            required=True,
            help_text=_("单位：元，不超过贷款金额。"),
        ),
        _money("dividends", "累计分红", "累计分红(元)", "已分红金额"),
        Column(
            "has_consent",
            "借款人同意",
            kind="boolean",
            aliases=("是否经借款人同意", "借款人书面同意"),
            required=True,
        ),
    ),
    instructions=(
        _("每行一笔户贷企用的贷款，按合同编号识别；贷款须已在小额信贷台账中登记。"),
        _("2017年12月起发放的小额信贷不得户贷企用，只能登记此前发放的存量贷款。"),
        _("企业使用金额不超过贷款金额；借款人同意填“是”或“否”。"),
    ),
)

# 结对帮扶台账 (issue #11): one row per household naming its responsible cadre, by the
# cadre's 编号 or by name and phone; a cadre not yet registered is registered from the row.
CADRE_ASSIGNMENTS = Template(
    kind="cadre_assignments",
    title=_("结对帮扶台账"),
    natural_key=("household_number",),
    columns=(
        _HOUSEHOLD_NUMBER,
        Column(
            "cadre_name",
            "帮扶责任人姓名",
            aliases=("帮扶责任人", "帮扶干部姓名", "包保干部姓名"),
            required=True,
        ),
        Column(
            "phone",
            "联系电话",
            aliases=("帮扶责任人电话", "手机号码", "电话"),
            help_text=_("填写帮扶责任人编号时可不填。"),
        ),
        Column(
            "cadre_id",
            "帮扶责任人编号",
            kind="integer",
            aliases=("干部编号",),
            min_value=1,
            help_text=_("系统中已登记的帮扶责任人编号；不填时按姓名和联系电话识别。"),
        ),
        Column("unit", "工作单位", aliases=("帮扶责任人单位", "单位")),
        Column("post", "职务", aliases=("职务职级",)),
        Column("level", "干部级别", kind="code", code_table=CadreLevel),
        Column(
            "started_on",
            "开始日期",
            kind="date",
            aliases=("结对日期", "帮扶开始日期"),
            required=True,
        ),
        Column("ended_on", "结束日期", kind="date", aliases=("帮扶结束日期",)),
        Column("end_reason", "结束原因"),
    ),
    instructions=(
        _("每行一户，写明该户的帮扶责任人；同一户只能有一行。"),
        _("户编号必须是已在册、在您管辖范围内的农户。"),
        _(
            "帮扶责任人按编号识别；不填编号时按姓名和联系电话识别，系统中没有的将按本行登记，须填写工作单位，干部级别不填按县级。"
        ),
        _("填写结束日期的行记为已结束的结对（历史），结束日期不能早于开始日期。"),
        _("每名帮扶责任人联系的户数不能超过本地帮扶规则规定的上限。"),
    ),
)
