"""Generate the assistance of a synthetic county (issue #11 item 6) and write it in bulk.

`fupin generate_county` fills a county with households (the registry's generator, which may
not know assistance: ADR 0009); this module then gives every household it made that was
ever identified for monitoring what the county would have recorded for it since:

- a responsible cadre (帮扶责任人) of the village, each helping a handful of households, from
  a few days after identification; about one in ten households changed cadre on the way,
  and an eliminated household's assignment ended with its 风险消除 (history kept);
- a work team (驻村工作队) in every such village: the 2021–2023 team (ended) and the
  present one, each a 第一书记 and a 队员 — only for villages without a roster yet;
- a plan (一户一方案) for each year from identification to elimination or today, with one
  开发式 measure for each member able to work, one 保障式 measure for each risk and a
  filler up to the region's minimum (一人一措施); past years' measures finished, the
  present ones in place;
- the identification's risks as risk records, resolved on the elimination day, and for
  monitored households some resolved on the way;
- a visit a month for the last year of the household's assistance, with that month's
  income as its monthly income; every seventh monitored household's visits stopped 40 to
  70 days ago, so its next visit is overdue; a few monitored households still wait for a
  cadre.

The same derived values the services keep are written here: a measure's `is_development`
follows its category, a visit's income is also the month's `MonthlyIncome`, the visit
names the cadre then assigned. Nothing else is denormalized from these tables (the
dashboard counts coverage live, ADR 0014; its tallies do not follow assistance, ADR 0013).

Writing: batches of households, each one transaction with one audit event; rows through
the registry generator's writer (COPY on PostgreSQL, ``executemany`` on SQLite) with ids
reserved up front so rows can name each other. Determinism: one ``random.Random(seed)``,
households by 户编号, dates relative to `as_of`: the same seed, county data and `as_of`
give the same rows.
"""

import datetime
import random
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from dataclasses import replace as replaced
from decimal import Decimal
from typing import Any, Final

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.accounts.services import service_account_get_or_create
from fupin.assistance.models import (
    AssistanceSetting,
    Cadre,
    CadreAssignment,
    CadreLevel,
    HelpPlan,
    Measure,
    MeasureCategory,
    MeasureStatus,
    MonthlyIncome,
    RiskRecord,
    RiskSource,
    TeamPost,
    Visit,
    VisitPhoto,
    WorkTeamMember,
)
from fupin.assistance.selectors import rules as rule_selectors
from fupin.assistance.selectors.plans import WORKING_SKILLS
from fupin.audit.services import audit_record
from fupin.core.errors import ApplicationError
from fupin.core.progress import ProgressCallback, no_progress
from fupin.registry import codes
from fupin.registry.models import (
    Household,
    HouseholdStatus,
    HouseholdStatusEvent,
    HouseholdYear,
    Member,
)
from fupin.registry.synthetic import generated_prefix
from fupin.registry.synthetic.profile import FEMALE_GIVEN, MALE_GIVEN, SURNAMES, Weighted
from fupin.registry.synthetic.writer import insert_rows, reserve_ids

DEFAULT_BATCH_HOUSEHOLDS: Final = 2000
RECORDER_USERNAME: Final = "synthetic_data"

# Units that send cadres, with a post and the cadre's level.
CADRE_UNITS: Final = (
    ("县农业农村局", "科员", CadreLevel.COUNTY),
    ("县人力资源和社会保障局", "副科长", CadreLevel.COUNTY),
    ("县教育局", "干事", CadreLevel.COUNTY),
    ("县卫生健康局", "科员", CadreLevel.COUNTY),
    ("乡镇人民政府", "副镇长", CadreLevel.TOWN),
    ("乡镇人民政府", "包村干部", CadreLevel.TOWN),
    ("村民委员会", "村委委员", CadreLevel.VILLAGE),
    ("省财政厅", "四级调研员", CadreLevel.PROVINCE),
)
# (category, sub-type, responsible unit, amount): the 开发式 help of a member able to work,
# by how often counties record each kind.
DEVELOPMENT_MEASURES: Final = Weighted(
    [
        (("100A39", "庭院经济（肉牛养殖）奖补", "县农业农村局", Decimal(3000)), 25),
        (("100A39", "特色种植产业奖补", "县农业农村局", Decimal(2000)), 10),
        (("100A40", "县内企业稳定就业", "县人社局", None), 20),
        (("100A40", "外出务工交通补贴", "县人社局", Decimal(500)), 15),
        (("100A42", "村级公益岗位（保洁员）", "乡镇人民政府", Decimal(6000)), 15),
        (("100A41", "脱贫人口小额信贷", "县农商银行", Decimal(50000)), 15),
    ]
)
# The 保障式 measure answering a risk, by the first covering category not yet used.
SECURITY_MEASURES: Final = {
    "100A45": ("家庭医生签约及慢病门诊报销", "县卫健局"),
    "100A46": ("义务教育阶段资助", "县教育局"),
    "100A47": ("雨露计划职业教育补助", "县乡村振兴局"),
    "100A48": ("纳入低保", "县民政局"),
    "100A50": ("农村危房改造", "县住建局"),
    "100A54": ("灾后生产恢复补助", "县农业农村局"),
    "100A52": ("社会帮扶结对资助", "县工商联"),
    "100A42": ("村级公益岗位（护林员）", "乡镇人民政府"),
    "100A39": ("产业项目重新扶持", "县农业农村局"),
    "100A40": ("就业技能培训", "县人社局"),
    "100A41": ("小额信贷续贷", "县农商银行"),
}
FILLER_MEASURE: Final = ("100A52", "消费帮扶（农产品代销）", "县供销社")
FUNDING_SOURCE: Final = "衔接推进乡村振兴补助资金"
# A cadre helps 3 to 8 households (the region's maximum is checked too).
HOUSEHOLDS_PER_CADRE: Final = (3, 8)
CADRE_CHANGE_SHARE: Final = 0.1
WITHOUT_CADRE_SHARE: Final = 0.01
OVERDUE_EVERY: Final = 7
# Of a monitored household's second and later risks, the share already resolved.
RESOLVED_ON_THE_WAY_SHARE: Final = 0.3
VISIT_HISTORY_DAYS: Final = 365
PROBLEM_SHARE: Final = 0.05
PROBLEMS: Final = (
    "家中老人慢性病复发，已联系家庭医生",
    "务工收入不稳定，已推荐县内就业岗位",
    "房屋漏雨，已报乡镇核查",
    "春耕缺少种子化肥，已协调村集体",
)
WORK_TEAM_TERMS: Final = (
    (datetime.date(2021, 6, 1), datetime.date(2023, 5, 31)),
    (datetime.date(2023, 6, 1), None),
)


@dataclass(frozen=True)
class AssistanceGenerationResult:
    county_code: str
    county_households: int
    households: int
    cadres: int
    assignments: int
    work_team_members: int
    plans: int
    measures: int
    risks: int
    visits: int
    seconds: float


@dataclass
class _Counts:
    households: int = 0
    cadres: int = 0
    assignments: int = 0
    work_team_members: int = 0
    plans: int = 0
    measures: int = 0
    risks: int = 0
    visits: int = 0

    def add(self, other: "_Counts") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(frozen=True)
class _Helped:
    """A generated household that was identified for monitoring, as read for the batch."""

    id: int
    number: str
    village: str
    is_monitored: bool
    identified_on: datetime.date
    risk_types: list[str]
    eliminated_on: datetime.date | None
    elimination_method: str


Row = dict[str, Any]


@dataclass
class _CadreSlot:
    row: Row
    room: int


@dataclass
class _Batch:
    """Rows of one batch; `cadre`, `plan` and `visit` keys hold the referenced row until
    ids are reserved."""

    cadres: list[Row] = field(default_factory=list)
    assignments: list[Row] = field(default_factory=list)
    team: list[Row] = field(default_factory=list)
    plans: list[Row] = field(default_factory=list)
    measures: list[Row] = field(default_factory=list)
    risks: list[Row] = field(default_factory=list)
    visits: list[Row] = field(default_factory=list)
    incomes: list[Row] = field(default_factory=list)


def assistance_bulk_generate(
    *,
    county_code: str,
    seed: int,
    as_of: datetime.date,
    replace: bool = False,
    on_progress: ProgressCallback = no_progress,
    batch_households: int = DEFAULT_BATCH_HOUSEHOLDS,
) -> AssistanceGenerationResult:
    """Generate the assistance of the county's generated households (see the module
    docstring) as of `as_of`, in batches of `batch_households` households, each committed
    with one audit event ("assistance.assistance_bulk_generate"). `replace` first deletes
    what an earlier run wrote ("assistance.assistance_bulk_delete").

    Raises ApplicationError when the county has no generated households, when their
    assistance exists already and `replace` is False, or for a batch size below one."""
    started = time.perf_counter()
    if batch_households < 1:
        raise ApplicationError(
            _("每批户数至少为 1，现在是 %(count)s。") % {"count": batch_households},
            code="batch_households",
        )
    prefix = generated_prefix(county_code)
    county_households = Household.objects.filter(number__startswith=prefix).count()
    if not county_households:
        raise ApplicationError(
            _("县 %(code)s 没有生成的模拟农户，请先运行 generate_county。") % {"code": county_code},
            code="no_generated_households",
        )
    if _has_generated_assistance(prefix):
        if not replace:
            raise ApplicationError(
                _(
                    "县 %(code)s 的模拟农户已有帮扶数据。如需重新生成，请选择替换"
                    "（命令行加 --replace），将先删除这些帮扶数据。"
                )
                % {"code": county_code},
                code="already_generated",
            )
        on_progress(done=0, total=1, message=_("正在删除原有模拟帮扶数据"))
        assistance_bulk_delete(county_code=county_code)
    helped = _helped_households(prefix, as_of)
    recorder = service_account_get_or_create(username=RECORDER_USERNAME, full_name="模拟数据")
    generator = _AssistanceGenerator(
        # Synthetic data only: a seeded generator makes runs reproducible.
        rng=random.Random(seed),  # noqa: S311
        as_of=as_of,
        settings=rule_selectors.all_settings(),
        categories={row.code: row.is_development for row in MeasureCategory.objects.all()},
        villages_with_team=set(
            WorkTeamMember.objects.filter(village__code__startswith=county_code)
            .values_list("village_id", flat=True)
            .distinct()
        ),
        recorder_id=recorder.pk,
    )
    totals = _Counts()
    on_progress(done=0, total=len(helped), message=_("开始生成帮扶数据"))
    for done, chunk in _chunks(helped, batch_households):
        totals.add(_generate_batch(generator, chunk, county_code=county_code))
        on_progress(
            done=done,
            total=len(helped),
            message=_("已生成 %(done)s / %(total)s 户") % {"done": done, "total": len(helped)},
        )
    return AssistanceGenerationResult(
        county_code=county_code,
        county_households=county_households,
        households=totals.households,
        cadres=totals.cadres,
        assignments=totals.assignments,
        work_team_members=totals.work_team_members,
        plans=totals.plans,
        measures=totals.measures,
        risks=totals.risks,
        visits=totals.visits,
        seconds=round(time.perf_counter() - started, 2),
    )


def _chunks(rows: list[_Helped], size: int) -> Iterator[tuple[int, list[_Helped]]]:
    for start in range(0, len(rows), size):
        chunk = rows[start : start + size]
        yield start + len(chunk), chunk


def _generated(prefix: str) -> Any:
    return Household.objects.filter(number__startswith=prefix).values("pk")


def _has_generated_assistance(prefix: str) -> bool:
    households = _generated(prefix)
    return (
        CadreAssignment.objects.filter(household__in=households).exists()
        or HelpPlan.objects.filter(household__in=households).exists()
        or RiskRecord.objects.filter(household__in=households).exists()
        or Visit.objects.filter(household__in=households).exists()
    )


def _helped_households(prefix: str, as_of: datetime.date) -> list[_Helped]:
    """The generated households identified for monitoring by `as_of` (not cancelled), by
    户编号, with their latest identification and the elimination that followed it."""
    kind = HouseholdStatusEvent.Kind
    events = (
        HouseholdStatusEvent.objects.filter(
            household__number__startswith=prefix,
            kind__in=[kind.MONITORING_IDENTIFIED, kind.RISK_ELIMINATED],
            occurred_on__lte=as_of,
        )
        .exclude(household__status=HouseholdStatus.CANCELLED)
        .order_by("household_id", "occurred_on", "id")
        .values_list(
            "household_id",
            "household__number",
            "household__village_id",
            "household__status",
            "kind",
            "occurred_on",
            "risk_types",
            "elimination_method",
        )
    )
    latest: dict[int, _Helped] = {}
    for pk, number, village, status, event, occurred_on, risk_types, method in events:
        if event == kind.MONITORING_IDENTIFIED:
            latest[pk] = _Helped(
                id=pk,
                number=number,
                village=village,
                is_monitored=status == HouseholdStatus.MONITORED,
                identified_on=occurred_on,
                risk_types=[str(risk) for risk in dict.fromkeys(risk_types or [])],
                eliminated_on=None,
                elimination_method="",
            )
        elif pk in latest and latest[pk].eliminated_on is None:
            latest[pk] = replaced(latest[pk], eliminated_on=occurred_on, elimination_method=method)
    # A household still monitored has no elimination after its latest identification.
    return sorted(
        (row for row in latest.values() if row.is_monitored or row.eliminated_on is not None),
        key=lambda row: row.number,
    )


@dataclass
class _HouseholdFacts:
    head_name: str
    # (member id, labour skill) of the active members, in id order.
    members: list[tuple[int, str]]
    # year -> the household's net income that year (per capita × members).
    yearly_income: dict[int, Decimal]


def _facts(household_ids: list[int]) -> dict[int, _HouseholdFacts]:
    facts = {pk: _HouseholdFacts("", [], {}) for pk in household_ids}
    members = (
        Member.objects.filter(household_id__in=household_ids, is_active=True)
        .order_by("household_id", "id")
        .values_list("household_id", "id", "name", "relation", "labor_skill")
    )
    for household_id, member_id, name, relation, skill in members:
        row = facts[household_id]
        row.members.append((member_id, skill))
        if relation == codes.Relation.HEAD:
            row.head_name = name
    years = HouseholdYear.objects.filter(household_id__in=household_ids).values_list(
        "household_id", "year", "per_capita_net_income", "member_count"
    )
    for household_id, year, per_capita, size in years:
        if per_capita is not None:
            facts[household_id].yearly_income[year] = Decimal(per_capita) * size
    return facts


class _AssistanceGenerator:
    """Draws the rows of each household in 户编号 order from one seeded generator."""

    def __init__(
        self,
        *,
        rng: random.Random,
        as_of: datetime.date,
        settings: list[AssistanceSetting],
        categories: dict[str, bool],
        villages_with_team: set[str],
        recorder_id: int,
    ) -> None:
        self.rng = rng
        self.as_of = as_of
        self.settings = settings
        self.categories = categories
        self.villages_with_team = villages_with_team
        self.villages_seen: set[str] = set()
        self.recorder_id = recorder_id
        self.now = timezone.now()
        self.current_cadre: dict[str, _CadreSlot] = {}
        self.monitored_seen = 0

    def household(self, helped: _Helped, facts: _HouseholdFacts, batch: _Batch) -> None:
        rng = self.rng
        setting = rule_selectors.setting_for(helped.village, rows=self.settings)
        end = helped.eliminated_on or self.as_of
        if helped.village not in self.villages_seen:
            self.villages_seen.add(helped.village)
            # Drawn either way, so a village that has a roster already changes no later draw.
            team = self._work_team(helped.village)
            if helped.village not in self.villages_with_team:
                batch.team.extend(team)
        overdue = False
        if helped.is_monitored:
            self.monitored_seen += 1
            overdue = self.monitored_seen % OVERDUE_EVERY == 0
        waiting = helped.is_monitored and rng.random() < WITHOUT_CADRE_SHARE
        assignments: list[Row] = []
        if not waiting:
            assignments = self._assignments(helped, setting, end, batch)
        self._risks(helped, end, batch)
        self._plans(helped, facts, setting, end, assignments, batch)
        if assignments:
            self._visits(helped, facts, end, assignments, batch, overdue=overdue)

    def _name(self) -> str:
        given = MALE_GIVEN if self.rng.random() < 0.6 else FEMALE_GIVEN
        return str(SURNAMES.draw(self.rng)) + self.rng.choice(given)

    def _phone(self) -> str:
        return f"13{self.rng.randrange(10**9):09d}"

    def _work_team(self, village: str) -> list[Row]:
        rows = []
        for started_on, ended_on in WORK_TEAM_TERMS:
            unit = self.rng.choice(CADRE_UNITS)[0]
            for post in (TeamPost.FIRST_SECRETARY, TeamPost.MEMBER):
                rows.append(
                    {
                        "village": village,
                        "name": self._name(),
                        "unit": unit,
                        "post": post,
                        "phone": self._phone(),
                        "started_on": started_on,
                        "ended_on": ended_on,
                    }
                )
        return rows

    def _cadre(self, village: str, setting: AssistanceSetting, batch: _Batch) -> Row:
        """The village's cadre with room for one more household, or a new one."""
        slot = self.current_cadre.get(village)
        if slot is None or slot.room == 0:
            unit, post, level = self.rng.choice(CADRE_UNITS)
            row: Row = {
                "name": self._name(),
                "unit": unit,
                "post": post,
                "phone": self._phone(),
                "level": level,
                "region": village,
                "user": None,
                "is_active": True,
                "created_at": self.now,
            }
            batch.cadres.append(row)
            room = min(self.rng.randint(*HOUSEHOLDS_PER_CADRE), setting.max_households_per_cadre)
            slot = self.current_cadre[village] = _CadreSlot(row, room)
        slot.room -= 1
        return slot.row

    def _assignments(
        self,
        helped: _Helped,
        setting: AssistanceSetting,
        end: datetime.date,
        batch: _Batch,
    ) -> list[Row]:
        rng = self.rng
        start = min(helped.identified_on + datetime.timedelta(days=rng.randint(1, 7)), end)
        changes_on = None
        if (end - start).days > 365 and rng.random() < CADRE_CHANGE_SHARE:
            changes_on = start + datetime.timedelta(days=rng.randint(180, (end - start).days))
        periods: list[tuple[datetime.date, datetime.date | None, str]] = (
            [(start, changes_on, "帮扶责任人工作调动")] if changes_on else []
        )
        periods.append(
            (
                changes_on or start,
                helped.eliminated_on,
                "风险已消除" if helped.eliminated_on else "",
            )
        )
        rows = []
        for started_on, ended_on, reason in periods:
            row: Row = {
                "cadre": self._cadre(helped.village, setting, batch),
                "household": helped.id,
                "started_on": started_on,
                "ended_on": ended_on,
                "end_reason": reason if ended_on else "",
                "created_at": self.now,
            }
            batch.assignments.append(row)
            rows.append(row)
        return rows

    def _risks(self, helped: _Helped, end: datetime.date, batch: _Batch) -> None:
        assisted = helped.elimination_method == codes.EliminationMethod.ASSISTED
        for index, risk_type in enumerate(helped.risk_types):
            resolved_on = helped.eliminated_on
            resolution = "落实帮扶措施后风险消除" if assisted else "风险自然消除"
            if (
                resolved_on is None
                and index > 0
                and self.rng.random() < RESOLVED_ON_THE_WAY_SHARE
                and (end - helped.identified_on).days > 30
            ):
                resolved_on = helped.identified_on + datetime.timedelta(
                    days=self.rng.randint(30, (end - helped.identified_on).days)
                )
                resolution = "帮扶后该项风险已消除"
            batch.risks.append(
                {
                    "household": helped.id,
                    "risk_type": risk_type,
                    "found_on": helped.identified_on,
                    "source": RiskSource.IDENTIFICATION,
                    "description": "",
                    "resolved_on": resolved_on,
                    "resolution": resolution if resolved_on else "",
                    "evidence": "走访核实" if resolved_on else "",
                }
            )

    def _measure_set(
        self, helped: _Helped, facts: _HouseholdFacts, setting: AssistanceSetting
    ) -> list[tuple[str, str, str, Decimal | None, int | None]]:
        """(category, sub-type, unit, amount, member) of the household's measures."""
        measures: list[tuple[str, str, str, Decimal | None, int | None]] = []
        for member_id, skill in facts.members:
            if skill in WORKING_SKILLS:
                category, subtype, unit, amount = DEVELOPMENT_MEASURES.draw(self.rng)
                measures.append((category, subtype, unit, amount, member_id))
        used: set[str] = set()
        for risk_type in helped.risk_types:
            covering = setting.risk_coverage.get(risk_type, [])
            security = next((c for c in covering if c in SECURITY_MEASURES and c not in used), None)
            if security is not None:
                used.add(security)
                subtype, unit = SECURITY_MEASURES[security]
                measures.append((security, subtype, unit, None, None))
        while len(measures) < setting.min_measures_per_household:
            category, subtype, unit = FILLER_MEASURE
            measures.append((category, subtype, unit, None, None))
        return measures

    def _plans(
        self,
        helped: _Helped,
        facts: _HouseholdFacts,
        setting: AssistanceSetting,
        end: datetime.date,
        assignments: list[Row],
        batch: _Batch,
    ) -> None:
        """A plan for each year of monitoring: past years' measures finished at the year's
        end, the last year's in place (or finished on the elimination day)."""
        measures = self._measure_set(helped, facts, setting)
        start = assignments[0]["started_on"] if assignments else helped.identified_on
        for year in range(start.year, end.year + 1):
            first_day = max(start, datetime.date(year, 1, 1))
            plan: Row = {
                "household": helped.id,
                "year": year,
                "drafted_on": first_day,
                "note": "",
            }
            batch.plans.append(plan)
            last_year = year == end.year
            if last_year and helped.eliminated_on is None:
                status, ended_on = MeasureStatus.IN_PLACE, None
            else:
                status = MeasureStatus.FINISHED
                ended_on = end if last_year else datetime.date(year, 12, 31)
            for category, subtype, unit, amount, member_id in measures:
                batch.measures.append(
                    {
                        "plan": plan,
                        "household": helped.id,
                        "member": member_id,
                        "category": category,
                        "subtype": subtype,
                        "is_development": self.categories[category],
                        "amount": amount,
                        "quantity": "",
                        "funding_source": FUNDING_SOURCE if amount is not None else "",
                        "responsible_unit": unit,
                        "started_on": first_day,
                        "ended_on": ended_on,
                        "status": status,
                        "evidence": "帮扶手册登记",
                        "updated_at": self.now,
                    }
                )

    def _visits(
        self,
        helped: _Helped,
        facts: _HouseholdFacts,
        end: datetime.date,
        assignments: list[Row],
        batch: _Batch,
        *,
        overdue: bool,
    ) -> None:
        """A visit a month over the last year of assistance, each with that month's
        income; the visit names the cadre assigned that day."""
        rng = self.rng
        if helped.eliminated_on is None:
            gap = rng.randint(40, 70) if overdue else rng.randint(0, 20)
            last = self.as_of - datetime.timedelta(days=gap)
        else:
            last = helped.eliminated_on
        first = max(assignments[0]["started_on"], end - datetime.timedelta(days=VISIT_HISTORY_DAYS))
        month = first.replace(day=1)
        while month <= last:
            # The last visit falls on `last` itself, so "overdue" means what it says.
            same_month = (month.year, month.month) == (last.year, last.month)
            day = last if same_month else month.replace(day=rng.randint(3, 25))
            if day >= first:
                self._visit(helped, facts, day, assignments, batch)
            month = (month + datetime.timedelta(days=32)).replace(day=1)

    def _visit(
        self,
        helped: _Helped,
        facts: _HouseholdFacts,
        day: datetime.date,
        assignments: list[Row],
        batch: _Batch,
    ) -> None:
        rng = self.rng
        cadre = next(
            (row["cadre"] for row in reversed(assignments) if row["started_on"] <= day),
            assignments[0]["cadre"],
        )
        yearly = facts.yearly_income.get(day.year) or facts.yearly_income.get(
            max(facts.yearly_income, default=0)
        )
        income = (
            (yearly / 12 * Decimal(rng.uniform(0.85, 1.15))).quantize(Decimal("0.01"))
            if yearly is not None
            else None
        )
        visit: Row = {
            "household": helped.id,
            "cadre": cadre,
            "visited_on": day,
            "met_person": facts.head_name or "户主",
            "household_income": income,
            "employment_change": "",
            "problems": rng.choice(PROBLEMS) if rng.random() < PROBLEM_SHARE else "",
            "measures_checked": "帮扶措施已落实",
            "latitude": None,
            "longitude": None,
            "recorded_by": self.recorder_id,
            "recorded_at": self.now,
        }
        batch.visits.append(visit)
        if income is not None:
            batch.incomes.append(
                {
                    "household": helped.id,
                    "month": day.replace(day=1),
                    "amount": income,
                    "visit": visit,
                    "recorded_at": self.now,
                }
            )


CADRE_FIELDS: Final = (
    "id",
    "name",
    "unit",
    "post",
    "phone",
    "level",
    "region",
    "user",
    "is_active",
    "created_at",
)
ASSIGNMENT_FIELDS: Final = (
    "cadre",
    "household",
    "started_on",
    "ended_on",
    "end_reason",
    "created_at",
)
TEAM_FIELDS: Final = ("village", "name", "unit", "post", "phone", "started_on", "ended_on")
PLAN_FIELDS: Final = ("id", "household", "year", "drafted_on", "note")
MEASURE_FIELDS: Final = (
    "plan",
    "household",
    "member",
    "category",
    "subtype",
    "is_development",
    "amount",
    "quantity",
    "funding_source",
    "responsible_unit",
    "started_on",
    "ended_on",
    "status",
    "evidence",
    "updated_at",
)
RISK_FIELDS: Final = (
    "household",
    "risk_type",
    "found_on",
    "source",
    "description",
    "resolved_on",
    "resolution",
    "evidence",
)
VISIT_FIELDS: Final = (
    "id",
    "household",
    "cadre",
    "visited_on",
    "met_person",
    "household_income",
    "employment_change",
    "problems",
    "measures_checked",
    "latitude",
    "longitude",
    "client_token",
    "recorded_by",
    "recorded_at",
)
INCOME_FIELDS: Final = ("household", "month", "amount", "visit", "recorded_at")


def _give_ids(model: type[Model], rows: Sequence[Row]) -> None:
    for row, pk in zip(rows, reserve_ids(model, len(rows)), strict=True):
        row["id"] = pk


def _resolved(rows: Sequence[Row], *references: str) -> list[Row]:
    """The rows with each referenced row replaced by its id."""
    return [{**row, **{name: row[name]["id"] for name in references}} for row in rows]


def _generate_batch(
    generator: _AssistanceGenerator, chunk: list[_Helped], *, county_code: str
) -> _Counts:
    batch = _Batch()
    facts = _facts([row.id for row in chunk])
    for helped in chunk:
        generator.household(helped, facts[helped.id], batch)
    with transaction.atomic():
        if batch.cadres:
            _give_ids(Cadre, batch.cadres)
        if batch.plans:
            _give_ids(HelpPlan, batch.plans)
        if batch.visits:
            _give_ids(Visit, batch.visits)
        for visit in batch.visits:
            # Unique like a phone's draft token, and marks the row as generated.
            visit["client_token"] = f"SYN-{visit['id']}"
        insert_rows(Cadre, CADRE_FIELDS, batch.cadres)
        insert_rows(CadreAssignment, ASSIGNMENT_FIELDS, _resolved(batch.assignments, "cadre"))
        insert_rows(WorkTeamMember, TEAM_FIELDS, batch.team)
        insert_rows(HelpPlan, PLAN_FIELDS, batch.plans)
        insert_rows(Measure, MEASURE_FIELDS, _resolved(batch.measures, "plan"))
        insert_rows(RiskRecord, RISK_FIELDS, batch.risks)
        insert_rows(Visit, VISIT_FIELDS, _resolved(batch.visits, "cadre"))
        insert_rows(MonthlyIncome, INCOME_FIELDS, _resolved(batch.incomes, "visit"))
        counts = _Counts(
            households=len(chunk),
            cadres=len(batch.cadres),
            assignments=len(batch.assignments),
            work_team_members=len(batch.team),
            plans=len(batch.plans),
            measures=len(batch.measures),
            risks=len(batch.risks),
            visits=len(batch.visits),
        )
        audit_record(
            actor=None,
            action="assistance.assistance_bulk_generate",
            subject_type="registry.household",
            subject_id=f"{chunk[0].number}…{chunk[-1].number}",
            subject_label=_("模拟帮扶数据批量生成"),
            region_code=county_code,
            changes=counts.__dict__,
        )
    return counts


def assistance_bulk_delete(*, county_code: str) -> dict[str, int]:
    """Delete the assistance recorded for the county's generated households, and the
    cadres who helped only them. Work-team rosters stay (they belong to villages, which
    the generator only fills when empty). Audit action: "assistance.assistance_bulk_delete"."""
    prefix = generated_prefix(county_code)
    households = _generated(prefix)
    deleted: dict[str, int] = {}
    with transaction.atomic():
        cadre_ids = set(
            CadreAssignment.objects.filter(household__in=households).values_list(
                "cadre_id", flat=True
            )
        )
        # Raw deletes: the ORM would load every row to look for cascades first.
        visits = Visit.objects.filter(household__in=households).values("pk")
        deleted["photos"] = _raw_delete(VisitPhoto.objects.filter(visit__in=visits))
        for name, model in (
            ("incomes", MonthlyIncome),
            ("visits", Visit),
            ("measures", Measure),
            ("plans", HelpPlan),
            ("risks", RiskRecord),
            ("assignments", CadreAssignment),
        ):
            deleted[name] = _raw_delete(model.objects.filter(household__in=households))
        deleted["cadres"] = _raw_delete(
            Cadre.objects.filter(pk__in=cadre_ids, user__isnull=True)
            .exclude(pk__in=CadreAssignment.objects.values("cadre_id"))
            .exclude(pk__in=Visit.objects.filter(cadre__isnull=False).values("cadre_id"))
        )
        audit_record(
            actor=None,
            action="assistance.assistance_bulk_delete",
            subject_type="registry.household",
            subject_id=prefix,
            subject_label=_("删除模拟帮扶数据"),
            region_code=county_code,
            changes=deleted,
        )
    return deleted


def _raw_delete(queryset: Any) -> int:
    count: int = queryset._raw_delete(connection.alias)
    return count
