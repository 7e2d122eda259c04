"""Department feeds declared as ledgers (DOMAIN §10.1): one `Template` per data class, read,
cleaned and validated by the same machinery as the registry ledgers, so headers with
aliases, value kinds, the template workbook and the error workbook come for free. The
valid rows go to `departments.services.feed_rows_apply`, which stores and compares them.
"""

from django.utils.translation import gettext_lazy as _

from fupin.departments import codes as feed_codes
from fupin.departments.models import FeedKind
from fupin.departments.selectors import feed_row_values
from fupin.departments.services import feed_rows_apply
from fupin.imports.checks import Lookups
from fupin.imports.declarations import Column, Template
from fupin.imports.kinds import LedgerKind
from fupin.registry import codes

_ID_ALIASES = ("身份证号", "身份证号码", "公民身份号码", "身份证件号码", "证件号")


def _id_number(header: str = "证件号码", *aliases: str) -> Column:
    return Column(
        "id_number",
        header,
        kind="id_number",
        aliases=(*aliases, *_ID_ALIASES),
        required=True,
        help_text=_("18 位公民身份号码；请把该列设为文本格式，以免 Excel 改写。"),
    )


_NAME = Column("name", "姓名", aliases=("人员姓名",))
_DATE_HELP = _("例如 2026-11-04。")


def _date(name: str, header: str, *aliases: str, required: bool = False) -> Column:
    return Column(
        name, header, kind="date", aliases=aliases, required=required, help_text=_DATE_HELP
    )


def _feed(kind: FeedKind, columns: tuple[Column, ...], *instructions: str) -> Template:
    return Template(
        kind=kind.value,
        title=kind.label,
        natural_key=("id_number",),
        columns=columns,
        instructions=(
            _("每行一条记录；证件号码用于与在册人员比对，不在册的人员不会产生结果。"),
            *instructions,
        ),
    )


FEED_TEMPLATES: tuple[Template, ...] = (
    _feed(
        FeedKind.MEDICAL,
        (
            _id_number(),
            _NAME,
            Column("year", "年度", kind="year", aliases=("结算年度",)),
            Column("settlement_month", "结算月份", aliases=("结算年月",)),
            Column("admissions", "住院次数", kind="integer", aliases=("住院人次",), max_value=366),
            Column(
                "total_cost",
                "医疗总费用",
                kind="money",
                aliases=("总费用", "医疗费用总额"),
                help_text=_("单位：元。"),
            ),
            Column(
                "compliant_self_paid",
                "合规自付费用",
                kind="money",
                aliases=("政策范围内自付", "合规自付", "个人自付"),
                required=True,
                help_text=_("单位：元；同一人同一年度各期累计后与规则的门槛比较。"),
            ),
        ),
    ),
    _feed(
        FeedKind.CIVIL_AFFAIRS,
        (
            _id_number(),
            _NAME,
            Column(
                "assistance_type",
                "救助类型",
                kind="code",
                code_table=feed_codes.AssistanceType,
                code_variants=(("最低生活保障", "dibao"), ("特困供养", "destitute")),
                required=True,
            ),
            _date("starts_on", "起始日期", "开始日期", required=True),
            _date("ends_on", "终止日期", "结束日期"),
        ),
    ),
    _feed(
        FeedKind.DISABILITY,
        (
            _id_number("证件号码", "残疾人证号"),
            _NAME,
            Column(
                "category",
                "残疾类别",
                kind="code",
                code_table=feed_codes.DisabilityCategory,
                code_variants=tuple(
                    (str(label).removesuffix("残疾"), str(code))
                    for code, label in feed_codes.DisabilityCategory.choices
                ),
                required=True,
            ),
            Column(
                "grade",
                "残疾等级",
                kind="code",
                code_table=feed_codes.DisabilityGrade,
                code_variants=(("1级", "1"), ("2级", "2"), ("3级", "3"), ("4级", "4")),
                required=True,
            ),
            _date("issued_on", "发证日期"),
        ),
    ),
    _feed(
        FeedKind.HOUSING,
        (
            _id_number("证件号码", "户主证件号码", "房主证件号码"),
            Column("name", "户主姓名", aliases=("姓名", "房主姓名")),
            Column(
                "safety_grade",
                "房屋安全等级",
                kind="code",
                code_table=codes.HousingGrade,
                code_variants=tuple((f"{grade}级", grade) for grade in "ABCD"),
                aliases=("鉴定等级", "危房等级"),
                required=True,
            ),
            _date("assessed_on", "鉴定日期"),
        ),
    ),
    _feed(
        FeedKind.EDUCATION,
        (
            _id_number("学生证件号码", "学生身份证号", "证件号码"),
            _NAME,
            Column("stage", "学段", kind="code", code_table=feed_codes.SchoolStage, required=True),
            Column(
                "status",
                "在校状态",
                kind="code",
                code_table=feed_codes.SchoolStatus,
                code_variants=(("失学", "dropout"), ("辍学失学", "dropout")),
                aliases=("学籍状态",),
                required=True,
            ),
            _date("reported_on", "日期", "变动日期"),
        ),
    ),
    _feed(
        FeedKind.POLICE,
        (
            _id_number(),
            _NAME,
            Column(
                "change",
                "变动类型",
                kind="code",
                code_table=feed_codes.CivilChange,
                code_variants=(("户籍迁出", "moved_out"), ("注销死亡", "death")),
                required=True,
            ),
            _date("changed_on", "日期", "变动日期", required=True),
        ),
    ),
    _feed(
        FeedKind.HUMAN_RESOURCES,
        (
            _id_number(),
            _NAME,
            Column(
                "status",
                "就业状态",
                kind="code",
                code_table=feed_codes.EmploymentStatus,
                code_variants=(("养老金", "pensioner"), ("领取养老金人员", "pensioner")),
                aliases=("人员状态",),
                required=True,
            ),
            _date("reported_on", "日期", "变动日期"),
        ),
    ),
    _feed(
        FeedKind.VEHICLE,
        (
            _id_number("证件号码", "车主证件号码"),
            Column("name", "车主姓名", aliases=("姓名",)),
            Column("plate", "号牌号码", aliases=("车牌号", "车牌号码"), required=True),
            Column("vehicle_type", "车辆类型", aliases=("车型",)),
            _date("registered_on", "登记日期", "初次登记日期"),
        ),
    ),
    _feed(
        FeedKind.REAL_ESTATE,
        (
            _id_number("证件号码", "权利人证件号码"),
            Column("name", "权利人", aliases=("姓名", "权利人姓名")),
            Column("location", "坐落", aliases=("不动产坐落", "房屋坐落"), required=True),
            Column(
                "floor_area",
                "建筑面积",
                kind="decimal",
                aliases=("建筑面积(平方米)", "面积"),
                decimal_places=2,
            ),
            _date("registered_on", "登记日期"),
        ),
    ),
    _feed(
        FeedKind.ENTERPRISE,
        (
            _id_number("证件号码", "投资人证件号码", "法定代表人证件号码"),
            _NAME,
            Column("enterprise", "企业名称", aliases=("市场主体名称",), required=True),
            Column("credit_code", "统一社会信用代码", aliases=("信用代码",)),
            Column("position", "职务", aliases=("身份",)),
            _date("founded_on", "成立日期"),
        ),
    ),
    _feed(
        FeedKind.PUBLIC_PAYROLL,
        (
            _id_number(),
            _NAME,
            Column("employer", "工作单位", aliases=("单位名称",), required=True),
            Column("staff_category", "人员类别", aliases=("编制类别",)),
        ),
    ),
)

FEEDS: dict[str, LedgerKind] = {
    template.kind: LedgerKind(
        template=template,
        checks=(),
        lookups=Lookups(),
        apply=feed_rows_apply,
        export_query=feed_row_values,
        counts_message=_(
            "收到 %(rows_received)d 行（新增 %(rows_new)d 行），比中在册人员 "
            "%(rows_matched)d 行；新增线索 %(clues_opened)d 条、并入已有线索 "
            "%(clues_merged)d 条，新增疑点 %(findings_opened)d 条。"
        ),
        preview_counts=("rows_new", "rows_matched", "findings_opened"),
    )
    for template in FEED_TEMPLATES
}
FEED_KINDS = tuple(FEEDS)
