"""Demo finance data for `setup_demo`: loans due soon, overdue, extended and in default;
projects in every state of the pool; the year's funds with spending progress against the
province's milestones; and their public notices. Made with the real services, as the demo
users would; running it again adds nothing."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from fupin.accounts.models import User
from fupin.accounts.scoping import scope_for
from fupin.core.scope import RegionScope
from fupin.finance import rules, services
from fupin.finance.defaults import seed_defaults, seed_legacy_loan_policies
from fupin.finance.models import (
    Distribution,
    FundEntry,
    IncomeRule,
    Loan,
    LoanPolicy,
    NoticeKind,
    NoticeSetting,
    Project,
    ProjectState,
    RenewalKind,
    SpendingMilestone,
    SubsidyRate,
    SubsidyStandard,
)
from fupin.registry import codes
from fupin.registry.models import Member, Region

# Days from today to each demo loan's due date: two overdue, one in each warning band,
# some later; every loan runs two years.
_LOAN_DUE_IN_DAYS = (-20, -3, 12, 26, 45, 58, 80, 88, 150, 260, 400, 520)
_BANKS = ("农安县农村信用合作联社", "中国邮政储蓄银行农安县支行", "中国农业银行农安县支行")
_PURPOSES = ("养殖肉牛", "种植玉米", "经营农家小超市", "养殖生猪", "种植大棚蔬菜")

# (name, category, state to reach, budget in 元).
_PROJECTS: list[tuple[str, str, ProjectState, int]] = [
    ("东榛柴村肉牛养殖小区", "industry", ProjectState.ACCEPTED, 1_200_000),
    ("东榛柴村 100 千瓦光伏电站", "industry", ProjectState.ACCEPTED, 800_000),
    ("东榛柴村道路硬化 2.3 公里", "infrastructure", ProjectState.APPROVED, 1_500_000),
    ("东榛柴村农产品冷链仓储", "industry", ProjectState.DECISION, 650_000),
    ("东榛柴村防渗灌溉渠", "infrastructure", ProjectState.ASSESSMENT, 380_000),
    ("东榛柴村就业帮扶车间", "employment", ProjectState.TOWNSHIP, 420_000),
    ("东榛柴村庭院经济补助", "industry", ProjectState.RETURNED, 200_000),
]


def _scope(username: str) -> tuple[User, RegionScope]:
    user = User.objects.get(username=username)
    scope = scope_for(user)
    assert scope is not None
    return user, scope


def _borrowers(region_code: str, today: date, count: int) -> list[Member]:
    """Heads of 脱贫户 and 监测户 aged 25 to 60, so every demo loan meets the rules."""
    return list(
        Member.objects.filter(
            is_active=True,
            relation=codes.Relation.HEAD,
            household__village__code__startswith=region_code,
            household__household_type__in=[
                codes.HouseholdType.EXITED,
                codes.HouseholdType.MONITORED,
            ],
            birth_date__range=(today - timedelta(days=60 * 365), today - timedelta(days=25 * 365)),
        )
        .select_related("household")
        .order_by("id")[:count]
    )


def _loans(county_code: str, county_user: str, today: date) -> int:
    user, scope = _scope(county_user)
    for year_from, year_to, percent in ((2021, 2023, "100"), (2024, 2030, "70")):
        SubsidyRate.objects.get_or_create(
            region_code=county_code,
            issued_from=date(2021, 1, 1),
            issued_to=date(2099, 12, 31),
            year_from=year_from,
            year_to=year_to,
            defaults={"percent": Decimal(percent), "source": "参照青阳县：2023年底前全额、此后70%"},
        )
    loans = []
    for index, (borrower, days) in enumerate(
        zip(_borrowers(county_code, today, len(_LOAN_DUE_IN_DAYS)), _LOAN_DUE_IN_DAYS, strict=False)
    ):
        due_on = today + timedelta(days=days)
        loans.append(
            services.loan_register(
                actor=user,
                scope=scope,
                borrower=borrower,
                bank=_BANKS[index % len(_BANKS)],
                contract_number=f"NA{today.year}{index + 1:04d}",
                amount=Decimal(30000 + 5000 * (index % 5)),
                issued_on=due_on - timedelta(days=730),
                due_on=due_on,
                annual_rate=Decimal("3.45"),
                purpose=_PURPOSES[index % len(_PURPOSES)],
                is_household_use=True,
            )
        )
    if len(loans) >= 4:
        # The first overdue loan is in default; one due soon was extended by a year.
        services.loan_default_record(
            actor=user,
            scope=scope,
            loan=loans[0],
            defaulted_on=today - timedelta(days=5),
            reason="逾期未还且失联",
        )
        services.repayment_record(
            actor=user,
            scope=scope,
            loan=loans[2],
            paid_on=today - timedelta(days=30),
            principal=Decimal(10000),
            interest=Decimal(0),
        )
        services.loan_renew(
            actor=user,
            scope=scope,
            loan=loans[2],
            kind=RenewalKind.EXTENSION,
            contract_number=f"NA{today.year}ZQ0001",
            issued_on=loans[2].due_on,
            due_on=loans[2].due_on + timedelta(days=365),
        )
        services.repayment_record(
            actor=user,
            scope=scope,
            loan=loans[-1],
            paid_on=today - timedelta(days=10),
            principal=loans[-1].amount,
            interest=Decimal(0),
        )
    return len(loans)


def _legacy_enterprise_loan(county_code: str, county_user: str, today: date) -> None:
    """A 2016 loan lent on to a cooperative (户贷企用) before the ban, repaid in 2019 and kept
    on the 户贷企用台账 with the borrower's consent."""
    user, scope = _scope(county_user)
    issued_on = date(2016, 5, 1)
    borrower = next(
        (
            member
            for member in _borrowers(county_code, today, 40)
            if member.household.household_type == codes.HouseholdType.EXITED
            and rules.age_on(member.birth_date, issued_on) >= 18
        ),
        None,
    )
    if borrower is None:
        return
    loan = services.loan_register(
        actor=user,
        scope=scope,
        borrower=borrower,
        bank=_BANKS[0],
        contract_number="NA2016HQ0001",
        amount=Decimal(30000),
        issued_on=issued_on,
        due_on=date(2019, 4, 30),
        annual_rate=Decimal("4.75"),
        purpose="入股肉牛养殖专业合作社",
        is_household_use=True,
    )
    services.repayment_record(
        actor=user,
        scope=scope,
        loan=loan,
        paid_on=date(2019, 4, 30),
        principal=Decimal(30000),
        interest=Decimal(0),
    )
    services.enterprise_use_record(
        actor=user,
        scope=scope,
        loan=loan,
        terms=services.EnterpriseUseTerms(
            enterprise="农安县宏达肉牛养殖专业合作社",
            amount=Decimal(30000),
            dividends=Decimal(7200),
            has_consent=True,
        ),
    )


def _project_data(
    village_code: str, name: str, category: str, budget: int, year: int
) -> services.ProjectData:
    return services.ProjectData(
        village_code=village_code,
        year=year,
        name=name,
        category=category,
        location="东榛柴村",
        department="农安县农业农村局",
        responsible_person="王振华",
        content=f"{name}，按批复设计实施",
        starts_on=date(year, 4, 1),
        ends_on=date(year, 10, 31),
        budget=Decimal(budget),
        subsidy_standard="按实际投资全额补助",
        benefit_mechanism="资产归村集体，收益主要用于脱贫户和监测户",
        performance_target="带动脱贫户和监测户稳定增收",
        meeting_on=date(year, 1, 10),
        meeting_record="村民代表大会决议通过，决议和结果已在村务公开栏公开",
    )


def _projects(
    village_code: str, village_user: str, township_user: str, county_user: str, today: date
) -> list[Project]:
    village, village_scope = _scope(village_user)
    township, township_scope = _scope(township_user)
    county, county_scope = _scope(county_user)
    made = []
    order = [
        ProjectState.TOWNSHIP,
        ProjectState.ASSESSMENT,
        ProjectState.DECISION,
        ProjectState.APPROVED,
    ]
    for name, category, target, budget in _PROJECTS:
        # Finished projects are last year's, so their assets have a year of income by now.
        year = today.year - 1 if target == ProjectState.ACCEPTED else today.year
        project = services.project_propose(
            actor=village,
            scope=village_scope,
            data=_project_data(village_code, name, category, budget, year),
        )
        if target == ProjectState.RETURNED:
            services.project_review(
                actor=township,
                scope=township_scope,
                project=project,
                approve=False,
                opinion="绩效目标不具体，请量化",
            )
            continue
        reach = ProjectState.APPROVED if target == ProjectState.ACCEPTED else target
        while order.index(ProjectState(project.state)) < order.index(reach):
            if project.state == ProjectState.TOWNSHIP:
                project = services.project_review(
                    actor=township,
                    scope=township_scope,
                    project=project,
                    approve=True,
                    opinion="同意",
                )
            elif project.state == ProjectState.ASSESSMENT:
                project = services.project_assess(
                    actor=county,
                    scope=county_scope,
                    project=project,
                    approve=True,
                    opinion="论证通过",
                    feasibility="选址合理、规模适度、概算可行",
                    fund_plan="中央和省级衔接资金",
                )
            else:
                project = services.project_decide(
                    actor=county,
                    scope=county_scope,
                    project=project,
                    approve=True,
                    opinion="审定入库",
                )
        if project.state == ProjectState.APPROVED:
            for month, percent in (
                (5, 30),
                (7, 70),
                (9, 100 if target == ProjectState.ACCEPTED else 85),
            ):
                services.project_progress_report(
                    actor=county,
                    scope=county_scope,
                    project=project,
                    month=date(year, month, 1),
                    percent=percent,
                    note="按计划推进" if percent < 100 else "全部完工",
                )
        if target == ProjectState.ACCEPTED:
            project = services.project_accept(
                actor=county,
                scope=county_scope,
                project=project,
                accepted_on=date(year, 10, 20),
                opinion="验收合格",
            )
        made.append(project)
    return made


def _funds(county_code: str, county_user: str, projects: list[Project], today: date) -> None:
    user, scope = _scope(county_user)
    year = today.year
    for due_on, percent in (
        (date(year, 6, 30), 40),
        (date(year, 9, 30), 60),
        (date(year, 11, 30), 90),
    ):
        SpendingMilestone.objects.get_or_create(
            region_code=county_code[:2],
            year=year,
            due_on=due_on,
            defaults={"percent": Decimal(percent), "source": "省级衔接资金支出进度要求"},
        )
    funded = [p for p in projects if p.state in (ProjectState.APPROVED, ProjectState.ACCEPTED)]
    allocations = [
        services.fund_allocate(
            actor=user,
            scope=scope,
            county_code=county_code,
            year=year,
            source=source,
            document_number=document,
            amount=Decimal(amount),
            allocated_on=date(year, 3, 15),
        )
        for source, document, amount in (
            ("central", f"吉财农〔{year}〕12号", 3_000_000),
            ("province", f"吉财农〔{year}〕35号", 1_000_000),
            ("east_west", f"浙吉协作〔{year}〕7号", 500_000),
        )
    ]
    # Spent shares of what arrived: finished projects spent all, the others part of it.
    for project, allocation, share in zip(funded, allocations, ("1", "0.55", "0.4"), strict=False):
        release = services.fund_release(
            actor=user,
            scope=scope,
            allocation=allocation,
            project=project,
            amount=min(project.budget, allocation.amount),
            released_on=date(year, 4, 10),
        )
        services.fund_entry_record(
            actor=user,
            scope=scope,
            release=release,
            kind=FundEntry.Kind.ARRIVAL,
            amount=release.amount,
            entered_on=date(year, 4, 20),
        )
        services.fund_entry_record(
            actor=user,
            scope=scope,
            release=release,
            kind=FundEntry.Kind.SPENDING,
            amount=(release.amount * Decimal(share)).quantize(Decimal("0.01")),
            entered_on=date(year, 9, 15),
            note="按合同进度支付",
        )
    county = Region.objects.get(code=county_code)
    services.fund_notice_publish(actor=user, scope=scope, county=county, year=year)
    services.loan_subsidy_notice_publish(actor=user, scope=scope, region=county, year=year - 1)


# A month of the 光伏 station's income: four 公益岗位 wages (82.5 %) and the rest for
# small public works, as the 80 % rule asks.
_SOLAR_POSTS = (("护林员", "1700"), ("保洁员", "1700"), ("水管员", "1600"), ("治安巡逻员", "1600"))
_SOLAR_MONTHLY_INCOME = Decimal(8000)


def _solar_asset(county_code: str, county_user: str, projects: list[Project], today: date) -> None:
    user, scope = _scope(county_user)
    project = next(p for p in projects if "光伏" in p.name)
    rule, _created = IncomeRule.objects.get_or_create(
        region_code=county_code[:2],
        name="光伏扶贫电站收益分配",
        defaults={
            "min_post_percent": Decimal(80),
            "source": "光伏扶贫电站收益 80% 以上用于公益岗位工资",
        },
    )
    asset = services.asset_register(
        actor=user,
        scope=scope,
        project=project,
        name=project.name,
        category="operating",
        owner_level="village",
        owner="东榛柴村股份经济合作社",
        custodian="东榛柴村村民委员会",
        value=project.budget,
        confirmed_on=project.accepted_on or today,
        income_rule=rule,
    )
    workers = list(
        Member.objects.filter(is_active=True, household__village_id=project.village_id)
        .select_related("household")
        .order_by("id")[: len(_SOLAR_POSTS)]
    )
    # A year of monthly distributions, each on the fifth of the month after.
    for months_ago in range(12, 0, -1):
        month_index = today.year * 12 + today.month - 1 - months_ago
        period = date(month_index // 12, month_index % 12 + 1, 1)
        shares = [
            services.Share(
                Distribution.Kind.POST_WAGE,
                f"{worker.name}（{post}）",
                Decimal(wage),
                worker.household,
            )
            for worker, (post, wage) in zip(workers, _SOLAR_POSTS, strict=False)
        ]
        wages = sum((share.amount for share in shares), Decimal(0))
        shares.append(
            services.Share(
                Distribution.Kind.PUBLIC_WORKS, "村内道路和路灯维护", _SOLAR_MONTHLY_INCOME - wages
            )
        )
        services.asset_income_distribute(
            actor=user,
            scope=scope,
            asset=asset,
            income=_SOLAR_MONTHLY_INCOME,
            distributed_on=min(today, period.replace(day=28) + timedelta(days=8)),
            period=f"{period:%Y年%m月}",
            shares=shares,
        )


def _subsidies(
    county_code: str, village_code: str, users: tuple[str, str, str], today: date
) -> None:
    """到户产业奖补 of the village's 脱贫户: some waiting, some approved, one paid."""
    village, village_scope = _scope(users[0])
    township, township_scope = _scope(users[1])
    county, county_scope = _scope(users[2])
    cattle, _created = SubsidyStandard.objects.get_or_create(
        region_code=county_code,
        year=today.year,
        industry="肉牛养殖",
        defaults={
            "unit": "头",
            "amount_per_unit": Decimal(1000),
            "max_per_household": Decimal(5000),
            "source": "县级到户产业奖补实施方案",
        },
    )
    households = [member.household for member in _borrowers(village_code, today, 5)]
    for index, household in enumerate(households):
        application = services.subsidy_apply(
            actor=village,
            scope=village_scope,
            household=household,
            standard=cattle,
            scale=Decimal(2 + index),
            evidence="入户核实存栏数量，留存购牛票据和照片",
            checked_on=today - timedelta(days=20),
        )
        if index >= 2:
            services.subsidy_review(
                actor=township,
                scope=township_scope,
                application=application,
                approve=True,
                opinion="属实",
            )
        if index == len(households) - 1:
            services.subsidy_pay(
                actor=county,
                scope=county_scope,
                application=application,
                paid_on=today - timedelta(days=2),
            )
    if len(households) > 2:
        services.subsidy_notice_publish(
            actor=county,
            scope=county_scope,
            region=Region.objects.get(code=county_code),
            year=today.year,
        )


@transaction.atomic
def demo_finance_create(
    *, county_code: str, village_code: str, village_user: str, township_user: str, county_user: str
) -> str:
    """Create the demo loans, projects, funds and notices once, all or nothing; say what
    was made."""
    if Loan.objects.filter(village__code__startswith=county_code).exists():
        return ""
    today = timezone.localdate()
    # The migration seeds these; a database built without migrations (tests) has none.
    seed_defaults(LoanPolicy, NoticeSetting, list(NoticeKind.values))
    seed_legacy_loan_policies(LoanPolicy)
    loans = _loans(county_code, county_user, today)
    _legacy_enterprise_loan(county_code, county_user, today)
    projects = _projects(village_code, village_user, township_user, county_user, today)
    _funds(county_code, county_user, projects, today)
    _solar_asset(county_code, county_user, projects, today)
    _subsidies(county_code, village_code, (village_user, township_user, county_user), today)
    return f"已生成演示小额信贷 {loans} 笔、项目 {len(_PROJECTS)} 个及资金支出记录。"
