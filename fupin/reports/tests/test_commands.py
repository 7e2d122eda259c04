"""The command-line entry points: load_regions, createuser, setup_demo."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from fupin.accounts.models import RegionAssignment, Role, User
from fupin.assessment.models import RuleSetRecord
from fupin.assistance.models import Measure, MeasureStatus
from fupin.assistance.selectors.plans import WORKING_SKILLS
from fupin.audit.models import AuditEvent
from fupin.monitoring.models import CaseKind, CaseState, MonitoringCase
from fupin.registry import codes
from fupin.registry.models import Household, HouseholdLevel, HouseholdStatus, Member, Region
from fupin.reports.management.commands.setup_demo import (
    DEMO_HOUSEHOLDS,
    DEMO_PASSWORD,
    DEMO_USERS,
    DEMO_VILLAGE,
)

pytestmark = pytest.mark.django_db


def _call(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_load_regions_for_one_province_reports_its_figures() -> None:
    first = _call("load_regions", "--province", "11", "--no-progress")
    assert "共 7902 条，新增 7902，更新 0，未变 0" in first
    second = _call("load_regions", "--province", "11", "--no-progress")
    assert "新增 0，更新 0，未变 7902" in second
    assert Region.objects.count() == 7902


def test_load_regions_explains_an_unknown_province() -> None:
    with pytest.raises(CommandError, match="省级区划代码 98 不存在"):
        _call("load_regions", "--province", "98")


def test_createuser_makes_an_account_with_its_role() -> None:
    _call("load_regions", "--province", "11", "--no-progress")
    output = _call(
        "createuser", "zhao", "--role", "county_admin", "--region", "110101",
        "--name", "赵六", "--password", "A-strong-passphrase-1",
    )  # fmt: skip
    assert "已创建用户 zhao（县级管理员）" in output
    assignment = RegionAssignment.objects.get(user__username="zhao")
    assert (assignment.role, assignment.region_id) == (Role.COUNTY_ADMIN, "110101")
    assert AuditEvent.objects.get(action="accounts.user_create").actor is None


def test_createuser_refuses_a_role_at_the_wrong_level() -> None:
    _call("load_regions", "--province", "11", "--no-progress")
    with pytest.raises(CommandError, match="不能分配在该级区划上"):
        _call(
            "createuser",
            "zhao",
            "--role",
            "county_admin",
            "--region",
            "11",
            "--password",
            "A-strong-passphrase-1",
        )
    assert not User.objects.filter(username="zhao").exists()


def test_setup_demo_creates_every_role_once_and_can_run_twice(
    baseline: RuleSetRecord, assistance_tables: None
) -> None:
    first = _call("setup_demo")
    assert f"新建演示账号 {len(DEMO_USERS)} 个" in first
    assert f"已生成演示县农户 {DEMO_HOUSEHOLDS} 户" in first
    assert f"已完成演示县监测评估：{DEMO_HOUSEHOLDS} 户" in first
    assert HouseholdLevel.objects.exclude(risk_level="").exists()
    households = Household.objects.count()
    assert households == DEMO_HOUSEHOLDS
    assert Household.objects.filter(village__code__startswith=DEMO_VILLAGE[:9]).exists()
    assert "demo_village_officer" in first
    assert {user.assignments.get().role for user in User.objects.all()} == set(Role)
    assert User.objects.get(username="demo_county_admin").check_password(DEMO_PASSWORD)
    assert "请用浏览器打开 http://127.0.0.1:8000/ 登录。" in first
    regions = Region.objects.count()
    users = User.objects.count()
    second = _call("setup_demo", "--url", "http://10.1.2.3:8080/")
    assert "请用浏览器打开 http://10.1.2.3:8080/ 登录。" in second
    assert "新建演示账号 0 个" in second
    assert "已生成演示县农户" not in second
    assert "已完成演示县监测评估" not in second
    assert Household.objects.count() == households
    assert User.objects.count() == users
    assert Region.objects.count() == regions


def test_setup_demo_helps_households_and_eliminates_some_through_the_workflow(
    baseline: RuleSetRecord, assistance_tables: None
) -> None:
    output = _call("setup_demo")
    assert "已生成帮扶数据" in output
    # every monitored household with members able to work has a 开发式 measure in place
    able = Member.objects.filter(is_active=True, labor_skill__in=WORKING_SKILLS)
    helped = Measure.objects.filter(is_development=True, status=MeasureStatus.IN_PLACE)
    monitored = Household.objects.filter(status=HouseholdStatus.MONITORED)
    without = monitored.filter(pk__in=able.values("household_id")).exclude(
        pk__in=helped.values("household_id")
    )
    assert monitored.exists()
    assert list(without.values_list("number", flat=True)) == []
    # and at least one 帮扶消除 went through the whole workflow
    completed = MonitoringCase.objects.filter(
        kind=CaseKind.ELIMINATION,
        state=CaseState.COMPLETED,
        elimination_method=codes.EliminationMethod.ASSISTED,
    )
    assert completed.count() >= 1
    assert "已通过风险消除流程办结帮扶消除" in output
    second = _call("setup_demo")
    assert "已生成帮扶数据" not in second
    assert (
        completed.count()
        == MonitoringCase.objects.filter(
            kind=CaseKind.ELIMINATION, state=CaseState.COMPLETED
        ).count()
    )
