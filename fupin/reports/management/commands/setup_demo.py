from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from fupin.accounts.models import Role, User
from fupin.accounts.services import user_create
from fupin.assessment.models import AssessmentRun
from fupin.assessment.services import assessment_run
from fupin.assessment.synthetic import synthetic_parameters_set
from fupin.core.progress import TerminalProgress
from fupin.departments.demo import demo_departments_create
from fupin.finance.demo import demo_finance_create
from fupin.monitoring.assistance_demo import demo_assistance
from fupin.monitoring.demo import demo_cases_create
from fupin.monitoring.models import MonitoringCase
from fupin.monitoring.services import deadlines_check
from fupin.rectification.demo import demo_rectification_create
from fupin.registry.models import Household, Region
from fupin.registry.services import region_bulk_load
from fupin.registry.synthetic import household_bulk_generate
from fupin.reports.demo import demo_reports_prepare

# The demo county: 吉林省长春市农安县, with one town and one village committee in it.
DEMO_PROVINCE = "22"
DEMO_CITY = "2201"
DEMO_COUNTY = "220122"
DEMO_TOWN = "220122101"
DEMO_VILLAGE = "220122101201"
# A few thousand synthetic households: enough for a living county, quick to generate.
DEMO_HOUSEHOLDS = 3000
DEMO_SEED = 2026
# The generator's last year of income records.
DEMO_ASSESSMENT_YEAR = 2025
# Shown on the console and in the README; the demo database is for trying the system only.
DEMO_PASSWORD = "Fupin-demo-2026"  # noqa: S105

DEMO_USERS: list[tuple[str, str, Role, str]] = [
    ("demo_system_admin", "系统管理员", Role.SYSTEM_ADMIN, ""),
    ("demo_province_admin", "省级管理员", Role.PROVINCE_ADMIN, DEMO_PROVINCE),
    ("demo_city_admin", "市级管理员", Role.CITY_ADMIN, DEMO_CITY),
    ("demo_county_admin", "县级管理员", Role.COUNTY_ADMIN, DEMO_COUNTY),
    ("demo_county_staff", "县级业务人员", Role.COUNTY_STAFF, DEMO_COUNTY),
    ("demo_department", "行业部门用户", Role.DEPARTMENT_USER, DEMO_COUNTY),
    ("demo_auditor", "审计员", Role.AUDITOR, DEMO_COUNTY),
    ("demo_township", "乡镇审核人员", Role.TOWNSHIP_REVIEWER, DEMO_TOWN),
    ("demo_village_officer", "村级信息员", Role.VILLAGE_OFFICER, DEMO_VILLAGE),
    ("demo_village_team", "驻村工作队员", Role.VILLAGE_TEAM, DEMO_VILLAGE),
    ("demo_cadre", "帮扶责任人", Role.RESPONSIBLE_CADRE, DEMO_VILLAGE),
]


class Command(BaseCommand):
    help = (
        "准备演示数据：加载演示省份的区划代码，生成演示县的模拟农户，"
        "为每个角色和层级创建一个演示账号。可重复运行。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        # `make demo` passes the address it is about to serve on (HOST and PORT), so the
        # console names the page that will really answer.
        parser.add_argument(
            "--url", default="http://127.0.0.1:8000/", help="演示服务的地址（make demo 自动传入）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not Region.objects.filter(code=DEMO_VILLAGE).exists():
            progress = TerminalProgress(unit="条")
            try:
                result = region_bulk_load(
                    actor=None, scope=None, province_code=DEMO_PROVINCE, on_progress=progress
                )
            finally:
                progress.close()
            self.stdout.write(f"已加载吉林省区划代码 {result.total} 条。")
        if not Household.objects.filter(village__code__startswith=DEMO_COUNTY).exists():
            progress = TerminalProgress(unit="户")
            try:
                generated = household_bulk_generate(
                    county_code=DEMO_COUNTY,
                    households=DEMO_HOUSEHOLDS,
                    seed=DEMO_SEED,
                    on_progress=progress,
                )
            finally:
                progress.close()
            self.stdout.write(
                f"已生成演示县农户 {generated.households} 户、{generated.members} 人。"
            )
        if not AssessmentRun.objects.filter(region_code=DEMO_COUNTY).exists():
            # The demo county's incomes were drawn around assumed lines; it is assessed
            # with those, labelled as assumptions (no real 监测范围 is seeded for 吉林).
            synthetic_parameters_set(region_code=DEMO_COUNTY)
            run = assessment_run(
                actor=None, scope=None, region_code=DEMO_COUNTY, year=DEMO_ASSESSMENT_YEAR
            )
            self.stdout.write(f"已完成演示县监测评估：{run.households} 户，用时 {run.seconds} 秒。")
        created = 0
        for username, full_name, role, region_code in DEMO_USERS:
            if User.objects.filter(username=username).exists():
                continue
            user_create(
                actor=None,
                scope=None,
                username=username,
                password=DEMO_PASSWORD,
                full_name=full_name,
                role=role,
                region_code=region_code,
            )
            created += 1
        names = dict(
            Region.objects.filter(code__in=[c for *_, c in DEMO_USERS]).values_list("code", "name")
        )
        if not MonitoringCase.objects.filter(village__code__startswith=DEMO_COUNTY).exists():
            cases = demo_cases_create(
                village_code=DEMO_VILLAGE,
                village_user="demo_village_officer",
                township_user="demo_township",
                county_user="demo_county_admin",
            )
            overdue = deadlines_check()
            self.stdout.write(f"已生成演示监测工作事项 {cases} 件，其中超期记录 {overdue} 条。")
        self.stdout.write(
            demo_assistance(
                county_code=DEMO_COUNTY,
                town_code=DEMO_TOWN,
                year=DEMO_ASSESSMENT_YEAR,
                county_user="demo_county_admin",
                township_user="demo_township",
                cadre_user="demo_cadre",
                password=DEMO_PASSWORD,
            )
        )
        if problems := demo_rectification_create(
            county_code=DEMO_COUNTY,
            village_code=DEMO_VILLAGE,
            village_user="demo_village_officer",
            township_user="demo_township",
            county_user="demo_county_admin",
        ):
            self.stdout.write(f"已生成演示整改问题 {problems} 个、举报和排查活动。")
        self.stdout.write(
            demo_finance_create(
                county_code=DEMO_COUNTY,
                village_code=DEMO_VILLAGE,
                village_user="demo_village_officer",
                township_user="demo_township",
                county_user="demo_county_admin",
            )
        )
        findings = demo_departments_create(
            county_code=DEMO_COUNTY, department_user="demo_department"
        )
        self.stdout.write(f"演示部门数据：本次新增疑点 {findings} 条。")
        demo_reports_prepare(town_code=DEMO_TOWN)
        self.stdout.write(f"新建演示账号 {created} 个。所有演示账号的密码：{DEMO_PASSWORD}")
        for username, _full_name, role, region_code in DEMO_USERS:
            region = names.get(region_code, "全国")
            self.stdout.write(f"  {username:<22} {role.label}（{region}）")
        self.stdout.write(f"请用浏览器打开 {options['url']} 登录。")
