"""The weekly progress report from the command line, for a cron job."""

from datetime import timedelta
from io import StringIO
from pathlib import Path

import polars as pl
import pytest
from django.core.management import CommandError, call_command

from fupin.rectification import services
from fupin.rectification.models import ProblemCategory, ProblemSource
from fupin.rectification.tests.conftest import TODAY
from tests.support import COUNTY, VILLAGE, Actors, scope_of


def test_report_lists_each_township_with_overdue_tasks(actors: Actors, tmp_path: Path) -> None:
    scope = scope_of(actors.county_admin)
    problem = services.problem_register(
        actor=actors.county_admin,
        scope=scope,
        source=ProblemSource.AUDIT,
        region_code=VILLAGE,
        category=ProblemCategory.FUNDS,
        title="资金滞留",
        description="审计发现资金滞留。",
        found_on=TODAY - timedelta(days=30),
    )
    services.task_add(
        actor=actors.county_admin,
        scope=scope,
        problem_id=problem.pk,
        lead_unit="镇政府",
        owner_unit="村委会",
        measures="拨付",
        expected_effect="",
        due_on=TODAY - timedelta(days=1),
    )
    output = tmp_path / "report.xlsx"
    out = StringIO()
    call_command("export_rectification_report", region=COUNTY, output=str(output), stdout=out)
    assert "超期未销号任务 1 个" in out.getvalue()
    frame = pl.read_excel(output, engine="calamine", read_options={"header_row": 2})
    assert frame["区划"].to_list() == ["伏龙泉镇", "合计"]
    assert frame["超期未销号任务"].to_list() == [1, 1]
    assert frame["本期新增问题"].to_list() == [0, 0]


def test_unknown_region_is_refused(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="不存在"):
        call_command("export_rectification_report", region="999999", output=str(tmp_path / "x"))
