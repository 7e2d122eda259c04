from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.functions import Left
from django.db.models.sql.compiler import SQLCompiler
from django.utils.translation import gettext_lazy as _

from fupin.audit.models import AppendOnlyError
from fupin.core.region_codes import RegionLevel, to_full_code
from fupin.registry import codes

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise


class Region(models.Model):
    """One unit of the NBS 统计用区划代码 table: province, city, county, town or village."""

    class Level(models.IntegerChoices):
        PROVINCE = RegionLevel.PROVINCE, _("省级")
        CITY = RegionLevel.CITY, _("地级")
        COUNTY = RegionLevel.COUNTY, _("县级")
        TOWN = RegionLevel.TOWN, _("乡级")
        VILLAGE = RegionLevel.VILLAGE, _("村级")

    # Natural-length code (2/4/6/9/12 digits); see fupin.core.region_codes for why.
    code = models.CharField(_("区划代码"), max_length=12, primary_key=True)
    name = models.CharField(_("名称"), max_length=100, db_index=True)
    level = models.PositiveSmallIntegerField(_("级别"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # NBS republishes the table every year; names change and codes are withdrawn.
    table_year = models.PositiveSmallIntegerField(_("区划代码年度"))

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level=1, parent__isnull=True)
                | models.Q(level__gt=1, parent__isnull=False),
                name="registry_region_parent_matches_level",
            ),
        ]
        indexes = [models.Index(fields=["level", "code"], name="registry_region_level_code")]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def full_code(self) -> str:
        return to_full_code(self.code)


def _money_output() -> models.DecimalField:  # type: ignore[type-arg]
    """Amounts in 元 with fen precision."""
    return models.DecimalField(max_digits=12, decimal_places=2)


def _money(verbose_name: "StrOrPromise") -> models.DecimalField:  # type: ignore[type-arg]
    return models.DecimalField(verbose_name, max_digits=12, decimal_places=2, default=0)


class HouseholdStatus(models.TextChoices):
    """Current status, derived from the household's status events."""

    POOR = "poor", _("未脱贫")
    EXITED = "exited", _("已脱贫")
    MONITORED = "monitored", _("监测中")
    RISK_ELIMINATED = "risk_eliminated", _("风险已消除")
    RETURNED = "returned", _("返贫")
    CANCELLED = "cancelled", _("已注销")
    UNREGISTERED = "unregistered", _("一般农户")


class ByteOrder(models.Func):
    """Text compared byte by byte, the household list's order of 户编号: COLLATE "C" on
    PostgreSQL, whose database collation may order otherwise; SQLite's own order is."""

    output_field = models.CharField()

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, Any]:
        return self.as_sql(
            compiler, connection, template='(%(expressions)s) COLLATE "C"', **extra_context
        )

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, Any]:
        return self.as_sql(compiler, connection, template="%(expressions)s", **extra_context)


# The length of a county's region code: a county's households are read through their
# village code's first six digits (Household.Meta.indexes).
COUNTY_CODE_LENGTH = 6

# Between the names in Household.active_member_names: no name or search text holds it.
MEMBER_NAMES_SEPARATOR = "\x1f"


class Household(models.Model):
    """A registered household (建档立卡户 or 防返贫监测 record), keyed by 户编号."""

    number = models.CharField(_("户编号"), max_length=30, unique=True)
    village = models.ForeignKey(
        Region,
        verbose_name=_("所在村"),
        on_delete=models.PROTECT,
        related_name="households",
        limit_choices_to={"level": RegionLevel.VILLAGE},
    )
    group_name = models.CharField(_("自然村/组"), max_length=50, blank=True)
    address = models.CharField(_("家庭住址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    bank_name = models.CharField(_("开户银行"), max_length=50, blank=True)
    bank_account = models.CharField(_("银行账号"), max_length=30, blank=True)
    identification_standard = models.CharField(
        _("识别标准"), max_length=2, choices=codes.IdentificationStandard.choices, blank=True
    )
    poverty_attribute = models.CharField(
        _("贫困户属性"), max_length=2, choices=codes.PovertyAttribute.choices, blank=True
    )
    primary_cause = models.CharField(
        _("主要致贫原因"), max_length=2, choices=codes.PovertyCause.choices
    )
    other_cause_1 = models.CharField(
        _("其他致贫原因一"), max_length=2, choices=codes.PovertyCause.choices, blank=True
    )
    other_cause_2 = models.CharField(
        _("其他致贫原因二"), max_length=2, choices=codes.PovertyCause.choices, blank=True
    )
    is_whole_household_without_labor = models.BooleanField(
        _("整户无劳动能力兜底保障户"), default=False
    )
    is_relocated = models.BooleanField(_("易地扶贫搬迁户"), default=False)
    resettlement_site = models.CharField(_("安置地"), max_length=100, blank=True)
    is_military_family = models.BooleanField(_("军烈属"), default=False)
    is_family_planning = models.BooleanField(_("计生户"), default=False, db_default=False)
    is_only_child_family = models.BooleanField(_("独生子女户"), default=False, db_default=False)
    is_two_daughter_family = models.BooleanField(_("双女户"), default=False, db_default=False)
    planned_exit_year = models.PositiveSmallIntegerField(_("计划脱贫年度"), null=True, blank=True)
    # Derived from HouseholdStatusEvent rows and kept here for fast filtering; only
    # services.household_status_record writes them.
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=HouseholdStatus.choices,
        default=HouseholdStatus.UNREGISTERED,
    )
    household_type = models.CharField(
        _("户类型"),
        max_length=20,
        choices=codes.HouseholdType.choices,
        default=codes.HouseholdType.ORDINARY,
    )
    monitoring_category = models.CharField(
        _("监测对象类别"), max_length=20, choices=codes.MonitoringCategory.choices, blank=True
    )
    exit_year = models.PositiveSmallIntegerField(_("脱贫年度"), null=True, blank=True)
    # The latest assessment's level and eligibilities live in HouseholdLevel (ADR 0029).
    # Optimistic concurrency: every write checks and bumps it.
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(_("建档时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # How many members are active, kept by every registry write that adds, removes or moves
    # members (services.member_counts), so county lists and totals read one column instead
    # of counting the members of 100,000 households per request (issue #17).
    active_member_count = models.PositiveIntegerField(_("在册人数"), default=0, editable=False)
    # Their names, joined by MEMBER_NAMES_SEPARATOR and kept by the same writes: a name
    # search then reads the household row instead of probing its members (issue #17).
    active_member_names = models.TextField(
        _("在册成员姓名"), blank=True, default="", editable=False
    )

    class Meta:
        verbose_name = _("农户")
        verbose_name_plural = _("农户")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(other_cause_1=models.F("primary_cause"))
                & ~models.Q(other_cause_2=models.F("primary_cause")),
                name="registry_household_other_causes_differ_from_primary",
            ),
        ]
        # Plain indexes only: db_index on a CharField also builds a LIKE (pattern_ops) index
        # on PostgreSQL, which code filters never use and every bulk insert pays for. Each
        # index costs every imported household an insert; those by status and by
        # (village, 户编号) served no page of a 1,000,000-household profile and went
        # (ADR 0034): a village's households are found by the village's own index.
        indexes = [
            # A province's or city's list of one type (31,000 监测户 of 1,000,000): 57 ms
            # through it, 212 ms without (ADR 0034); within a county the counts index serves.
            models.Index(fields=["household_type"], name="registry_household_type"),
            # A county's 3,000 monitored households (待办: those still without a responsible
            # cadre) found without reading its 100,000: PostgreSQL, seeing households stored
            # in village order, preferred the village index and filtered (issue #17).
            models.Index(
                fields=["village"],
                condition=models.Q(status="monitored"),
                name="registry_household_monitored",
            ),
            # The household list's totals by type and people read from the index alone
            # (an index-only scan), not from a county's 100,000 table rows (issue #17);
            # with the id, also when filtered by a colour, joined with HouseholdLevel
            # (ADR 0029: a county's red totals 23 ms instead of 55-150 ms).
            models.Index(
                fields=["village", "household_type", "active_member_count", "id"],
                name="registry_household_counts_id",
            ),
            # A county's list in 户编号 order, read from the index a page at a time instead
            # of sorting the county's 100,000 户编号 per page (issue #17).
            models.Index(
                Left("village", COUNTY_CODE_LENGTH),
                ByteOrder("number"),
                name="registry_household_county_no",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}"

    @property
    def region_code(self) -> str:
        return self.village_id


class Member(models.Model):
    """A person registered in a household (家庭成员)."""

    household = models.ForeignKey(
        Household, verbose_name=_("农户"), on_delete=models.PROTECT, related_name="members"
    )
    name = models.CharField(_("姓名"), max_length=50)
    # Normalised by registry.idnumbers (18 characters, upper-case X).
    id_number = models.CharField(_("证件号码"), max_length=18)
    id_needs_review = models.BooleanField(_("证件号码待核实"), default=False)
    sex = models.CharField(_("性别"), max_length=1, choices=codes.Sex.choices)
    birth_date = models.DateField(_("出生日期"))
    relation = models.CharField(_("与户主关系"), max_length=2, choices=codes.Relation.choices)
    ethnicity = models.CharField(
        _("民族"), max_length=2, choices=codes.Ethnicity.choices, default=codes.Ethnicity.HAN
    )
    political_status = models.CharField(
        _("政治面貌"),
        max_length=2,
        choices=codes.PoliticalStatus.choices,
        default=codes.PoliticalStatus.MASSES,
        db_default=codes.PoliticalStatus.MASSES,
    )
    education = models.CharField(
        _("文化程度"), max_length=2, choices=codes.Education.choices, blank=True
    )
    schooling = models.CharField(
        _("在校生状况"),
        max_length=2,
        choices=codes.Schooling.choices,
        default=codes.Schooling.NOT_IN_SCHOOL,
    )
    dropout_reason = models.CharField(
        _("失辍学原因"),
        max_length=1,
        choices=codes.DropoutReason.choices,
        blank=True,
        default="",
        db_default="",
    )
    health = models.CharField(
        _("健康状况"), max_length=2, choices=codes.Health.choices, default=codes.Health.HEALTHY
    )
    labor_skill = models.CharField(
        _("劳动技能"), max_length=2, choices=codes.LaborSkill.choices, blank=True
    )
    migrant_work = models.CharField(
        _("务工状况"),
        max_length=2,
        choices=codes.MigrantWork.choices,
        default=codes.MigrantWork.NONE,
    )
    migrant_months = models.PositiveSmallIntegerField(_("务工时间（月）"), default=0)
    has_resident_medical_insurance = models.BooleanField(
        _("参加城乡居民基本医疗保险"), default=True
    )
    has_serious_illness_insurance = models.BooleanField(_("参加大病保险"), default=True)
    has_resident_pension_insurance = models.BooleanField(
        _("参加城乡居民基本养老保险"), default=False
    )
    receives_dibao = models.BooleanField(_("享受低保"), default=False)
    receives_destitute_support = models.BooleanField(_("特困供养"), default=False)
    has_employee_medical_insurance = models.BooleanField(
        _("参加职工基本医疗保险"), default=False, db_default=False
    )
    has_commercial_medical_insurance = models.BooleanField(
        _("参加商业补充医疗保险"), default=False, db_default=False
    )
    receives_medical_assistance = models.BooleanField(
        _("享受医疗救助"), default=False, db_default=False
    )
    has_employee_pension_insurance = models.BooleanField(
        _("参加职工基本养老保险"), default=False, db_default=False
    )
    is_active_military = models.BooleanField(_("现役军人"), default=False, db_default=False)
    is_relocated_person = models.BooleanField(
        _("易地扶贫搬迁人口"), default=False, db_default=False
    )
    public_welfare_post_months = models.PositiveSmallIntegerField(
        _("公益岗位聘用月数"), default=0, db_default=0
    )
    is_active = models.BooleanField(_("在册"), default=True)
    removal_reason = models.CharField(
        _("减少原因"), max_length=20, choices=codes.RemovalReason.choices, blank=True
    )
    removal_date = models.DateField(_("减少日期"), null=True, blank=True)
    removal_note = models.CharField(_("减少说明"), max_length=200, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("家庭成员")
        verbose_name_plural = _("家庭成员")
        ordering = ["household_id", "relation", "birth_date"]
        # Members are found by ID number among the active ones only, through the partial
        # unique index below; a second index over every number cost each import a random
        # insert per member and served no query (ADR 0033). A household's members are
        # found by the foreign key's index; counts and names are read from the household
        # row (issue #17), so the index of active members' names went too (ADR 0034).
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"],
                condition=models.Q(is_active=True),
                name="registry_member_one_active_household_per_person",
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(is_active=True, relation="01"),
                name="registry_member_one_head_per_household",
            ),
            models.CheckConstraint(
                condition=models.Q(migrant_months__lte=12),
                name="registry_member_migrant_months_at_most_12",
            ),
            models.CheckConstraint(
                condition=models.Q(is_active=True, removal_reason="")
                | models.Q(is_active=False) & ~models.Q(removal_reason=""),
                name="registry_member_removal_reason_iff_removed",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_head(self) -> bool:
        return self.relation == codes.Relation.HEAD


def _per_capita(amount: models.Expression | models.F) -> models.Func:
    return models.Func(
        models.ExpressionWrapper(
            amount * models.Value(1.0) / models.F("member_count"),
            output_field=_money_output(),
        ),
        models.Value(2),
        function="ROUND",
        output_field=_money_output(),
    )


_NET_INCOME = (
    models.F("wage_income")
    + models.F("business_income")
    + models.F("property_income")
    + models.F("transfer_income")
    - models.F("business_expense")
)


class HouseholdYear(models.Model):
    """One household's income and expenditure for one year (收支情况).

    家庭纯收入 = 工资性 + 生产经营性 + 财产性 + 转移性 − 生产经营性支出; 人均纯收入 divides it
    by the registered members; the rigid-expenditure variant first subtracts 合规自付支出.
    The database computes all three (generated columns), so they can never disagree with
    their components.
    """

    household = models.ForeignKey(
        Household, verbose_name=_("农户"), on_delete=models.PROTECT, related_name="years"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    member_count = models.PositiveSmallIntegerField(_("家庭人口数"))
    wage_income = _money(_("工资性收入"))
    business_income = _money(_("生产经营性收入"))
    property_income = _money(_("财产性收入"))
    transfer_income = _money(_("转移性收入"))
    business_expense = _money(_("生产经营性支出"))
    insurance_claims = _money(_("理赔收入"))
    compliant_out_of_pocket = _money(_("合规自付支出"))
    net_income = models.GeneratedField(
        verbose_name=_("家庭纯收入"),
        expression=_NET_INCOME,
        output_field=_money_output(),
        db_persist=True,
    )
    per_capita_net_income = models.GeneratedField(
        verbose_name=_("人均纯收入"),
        expression=_per_capita(_NET_INCOME),
        output_field=_money_output(),
        db_persist=True,
    )
    per_capita_after_rigid = models.GeneratedField(
        verbose_name=_("扣除刚性支出后人均纯收入"),
        expression=_per_capita(_NET_INCOME - models.F("compliant_out_of_pocket")),
        output_field=_money_output(),
        db_persist=True,
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now=True)

    class Meta:
        verbose_name = _("年度收支")
        verbose_name_plural = _("年度收支")
        ordering = ["household_id", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "year"], name="registry_householdyear_one_per_year"
            ),
            models.CheckConstraint(
                condition=models.Q(member_count__gte=1),
                name="registry_householdyear_has_members",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    wage_income__gte=0,
                    business_income__gte=0,
                    property_income__gte=0,
                    transfer_income__gte=0,
                    business_expense__gte=0,
                    insurance_claims__gte=0,
                    compliant_out_of_pocket__gte=0,
                ),
                name="registry_householdyear_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.year}"


class HouseholdConditions(models.Model):
    """Production and living conditions and the 三保障 + 饮水安全 flags for one year."""

    household = models.ForeignKey(
        Household, verbose_name=_("农户"), on_delete=models.PROTECT, related_name="conditions"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    housing_grade = models.CharField(
        _("危房等级"), max_length=1, choices=codes.HousingGrade.choices, blank=True
    )
    housing_structure = models.CharField(
        _("房屋主要结构"), max_length=1, choices=codes.HousingStructure.choices, blank=True
    )
    housing_area = models.DecimalField(
        _("住房面积（平方米）"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    water_standard = models.CharField(
        _("饮水评价标准"), max_length=4, choices=codes.WaterStandard.choices, blank=True
    )
    has_electricity = models.BooleanField(_("通生活用电"), default=True)
    road_type = models.CharField(
        _("入户路类型"), max_length=1, choices=codes.RoadType.choices, blank=True
    )
    has_sanitary_toilet = models.BooleanField(_("有卫生厕所"), default=False)
    main_fuel = models.CharField(
        _("主要燃料"), max_length=2, choices=codes.Fuel.choices, blank=True
    )
    # 两不愁 (DOMAIN §4.5, §6): the exit test and 风险消除 need them beside 三保障 and 饮水.
    is_food_insecure = models.BooleanField(_("“不愁吃”未达标"), default=False, db_default=False)
    is_clothing_insecure = models.BooleanField(_("“不愁穿”未达标"), default=False, db_default=False)
    # The four national flags of the 2023 form (监测户_三保障和饮水安全).
    is_housing_unsafe = models.BooleanField(_("住房出现安全问题"), default=False)
    has_dropout_child = models.BooleanField(_("义务教育阶段适龄儿童少年失学辍学"), default=False)
    is_water_unsafe = models.BooleanField(_("饮水出现安全问题"), default=False)
    has_uninsured_member = models.BooleanField(_("有家庭成员未参加基本医疗保险"), default=False)
    recorded_at = models.DateTimeField(_("记录时间"), auto_now=True)

    class Meta:
        verbose_name = _("生产生活条件")
        verbose_name_plural = _("生产生活条件")
        ordering = ["household_id", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "year"], name="registry_householdconditions_one_per_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.year}"

    @property
    def has_guarantee_problem(self) -> bool:
        return (
            self.is_housing_unsafe
            or self.has_dropout_child
            or self.is_water_unsafe
            or self.has_uninsured_member
        )


class HouseholdStatusEvent(models.Model):
    """One change of a household's status; append-only. The current status is derived."""

    class Kind(models.TextChoices):
        REGISTERED_POOR = "registered_poor", _("识别为贫困户")
        EXITED = "exited", _("脱贫")
        MONITORING_IDENTIFIED = "monitoring_identified", _("纳入监测对象")
        RISK_ELIMINATED = "risk_eliminated", _("风险消除")
        RETURNED_TO_POVERTY = "returned_to_poverty", _("返贫")
        CANCELLED = "cancelled", _("自然减少/注销")

    household = models.ForeignKey(
        Household,
        verbose_name=_("农户"),
        on_delete=models.PROTECT,
        related_name="status_events",
    )
    kind = models.CharField(_("事件"), max_length=30, choices=Kind.choices)
    occurred_on = models.DateField(_("日期"))
    year = models.PositiveSmallIntegerField(_("年度"))
    monitoring_category = models.CharField(
        _("监测对象类别"), max_length=20, choices=codes.MonitoringCategory.choices, blank=True
    )
    # 识别监测时间 as YYYYMM, the form's own notation.
    identified_month = models.CharField(_("识别监测时间"), max_length=6, blank=True)
    risk_types = models.JSONField(_("风险类型"), default=list, blank=True)
    elimination_method = models.CharField(
        _("风险消除方式"), max_length=20, choices=codes.EliminationMethod.choices, blank=True
    )
    removal_reason = models.CharField(
        _("注销原因"), max_length=20, choices=codes.RemovalReason.choices, blank=True
    )
    note = models.CharField(_("说明"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("状态变更")
        verbose_name_plural = _("状态变更")
        ordering = ["household_id", "occurred_on", "id"]

    def __str__(self) -> str:
        return f"{self.household_id} {self.get_kind_display()} {self.occurred_on}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("status events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("status events are append-only")


class StaleHousehold(models.Model):
    """Whether a household's assessment facts changed after it was last assessed.

    Every registry and assistance write that changes what the assessment reads (members,
    yearly income, conditions, status events, risks, measures, visits, monthly income,
    imports) bumps `version` here in its own transaction. The assessment app, which sits
    above and may read this table, re-assesses the households whose `version` is ahead of
    `assessed_version` (待重新评估) and then records the version it read; a write that lands
    meanwhile leaves the household pending. The versions also tell a cached facts frame
    which households to read again (ADR 0016).
    """

    household = models.OneToOneField(
        Household,
        verbose_name=_("农户"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="stale_mark",
    )
    version = models.PositiveIntegerField(_("变更次数"), default=1)
    assessed_version = models.PositiveIntegerField(_("已评估的变更次数"), default=0)
    marked_at = models.DateTimeField(_("最近变更时间"))

    class Meta:
        verbose_name = _("待重新评估农户")
        verbose_name_plural = _("待重新评估农户")
        indexes = [
            models.Index(
                fields=["marked_at"],
                condition=models.Q(version__gt=models.F("assessed_version")),
                name="registry_stale_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.household_id} #{self.version}/{self.assessed_version}"

    @property
    def is_pending(self) -> bool:
        return self.version > self.assessed_version


class HouseholdLevel(models.Model):
    """The latest assessment's risk level and eligibilities of one household, kept for
    list filters, clues, visit intervals and tallies; a household without a row has not
    been assessed.

    Written only by `services.household_assessment_bulk_update` (the assessment app's
    runs). Kept apart from Household (ADR 0029): a changed level then writes a narrow row
    with one index instead of a new version of the wide household row and an entry in each
    of its dozen indexes, which made a province's first run spend 44 s on its levels.
    """

    # No database constraint: only the assessment writes these rows, for households it
    # has just read in the same transaction, and a checked reference would lock (and so
    # write) each referenced household row, the cost this table avoids (ADR 0025, 0029).
    # Django still deletes the row with its household.
    household = models.OneToOneField(
        Household,
        verbose_name=_("农户"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="level",
        db_constraint=False,
    )
    risk_level = models.CharField(
        _("风险等级"), max_length=10, blank=True, default="", db_default=""
    )
    is_monitoring_eligible = models.BooleanField(_("符合监测条件"), null=True, blank=True)
    is_elimination_eligible = models.BooleanField(_("可风险消除"), null=True, blank=True)
    # When the current result was decided: a run that confirms it leaves the row alone.
    assessed_at = models.DateTimeField(_("评估时间"))
    # The household's village, copied here so that the list filtered by a colour finds a
    # county's or township's households of that colour from the index below alone instead
    # of joining the region's 100,000 households with a million levels (ADR 0029,
    # "Colour by region"). Written with the level and kept up by every service that moves
    # a household to another village (household_update, the imports).
    village_code = models.CharField(
        _("所在村"), max_length=12, blank=True, default="", db_default=""
    )

    class Meta:
        verbose_name = _("农户评估结果")
        verbose_name_plural = _("农户评估结果")
        indexes = [
            # A region's red or orange households, for the list filtered by those colours:
            # its totals and first page read a county's few hundred of them from this
            # index alone (with the household id, to probe their households) instead of
            # joining the county's 100,000 households with the province's red levels.
            # Blue (95 % of households) and no colour are left out: a full index cost the
            # first run's million inserts 2.2 times the time of the partial one (ADR 0029).
            models.Index(
                fields=["risk_level", "village_code", "household"],
                condition=models.Q(risk_level__in=["red", "orange"]),
                name="registry_level_colour_village",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.risk_level}"
