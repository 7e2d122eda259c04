import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from fupin.audit.models import AuditEvent
from fupin.core.errors import ApplicationError, PermissionDeniedError
from fupin.jobs.models import Job
from fupin.registry import region_data
from fupin.registry.models import Region
from fupin.registry.services import region_bulk_load, region_load_job_run, region_load_start
from tests.support import Actors, nothing_changes, scope_of

pytestmark = pytest.mark.django_db(transaction=False)


def _file_counts(province_code: str | None) -> list[int]:
    return [
        region_data.read_level(level_file, province_code=province_code).height
        for level_file in region_data.LEVEL_FILES
    ]


def _db_counts() -> list[int]:
    return [Region.objects.filter(level=level).count() for level in Region.Level.values]


def test_loading_one_province_stores_every_level_with_parents() -> None:
    # when
    result = region_bulk_load(actor=None, scope=None, province_code="22", batch_rows=5000)

    # then
    assert _db_counts() == _file_counts("22")
    assert result.inserted == sum(_file_counts("22")) == result.total
    assert (result.updated, result.unchanged) == (0, 0)
    village = Region.objects.select_related("parent__parent").get(code="220122101201")
    assert (village.name, village.level, village.table_year) == ("东榛柴村委会", 5, 2023)
    assert village.parent is not None
    assert village.parent.code == "220122101"
    assert village.parent.parent is not None
    assert village.parent.parent.name == "农安县"
    assert not Region.objects.exclude(code__startswith="22").exists()
    batches = AuditEvent.objects.filter(action="registry.region_bulk_load")
    # 11,860 villages make 3 batches of 5,000; each other level fits in one
    assert batches.count() == 4 + 3
    assert sum(event.changes["inserted"] for event in batches) == result.total


def test_loading_again_changes_nothing_and_writes_no_rows() -> None:
    # given
    region_bulk_load(actor=None, scope=None, province_code="22")
    # when
    with CaptureQueriesContext(connection):
        second = region_bulk_load(actor=None, scope=None, province_code="22")
    # then
    assert (second.inserted, second.updated) == (0, 0)
    assert second.unchanged == second.total == sum(_file_counts("22"))


def test_loading_again_repairs_a_changed_name() -> None:
    # given
    region_bulk_load(actor=None, scope=None, province_code="22")
    Region.objects.filter(code="220122").update(name="旧名称")
    # when
    result = region_bulk_load(actor=None, scope=None, province_code="22")
    # then
    assert (result.inserted, result.updated) == (0, 1)
    assert Region.objects.get(code="220122").name == "农安县"


def test_unknown_province_is_refused_with_a_chinese_message() -> None:
    with nothing_changes(), pytest.raises(ApplicationError, match="省级区划代码 99 不存在"):
        region_bulk_load(actor=None, scope=None, province_code="99")
    assert not Region.objects.exists()


def test_only_system_administrators_may_start_a_load(actors: Actors) -> None:
    county_scope = scope_of(actors.county_admin)
    with nothing_changes(), pytest.raises(PermissionDeniedError):
        region_load_start(actor=actors.county_admin, scope=county_scope, province_code="22")
    assert not Job.objects.exists()


def test_a_load_job_reports_progress_and_its_result(
    actors: Actors, django_capture_on_commit_callbacks: object
) -> None:
    scope = scope_of(actors.system_admin)
    # when the job is queued
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        job = region_load_start(actor=actors.system_admin, scope=scope, province_code="11")
    # then it waits for the worker, with a task row for it
    assert job.status == Job.Status.PENDING
    assert DBTaskResult.objects.filter(args_kwargs__kwargs__job_id=job.pk).count() == 1
    # when the worker runs it
    region_load_job_run(job_id=job.pk)
    # then
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.total == job.done == sum(_file_counts("11"))
    # 北京市 itself is one of the fixture regions, so it already existed
    assert (job.result["inserted"], job.result["unchanged"]) == (job.total - 1, 1)
    assert job.percent == 100
    assert AuditEvent.objects.filter(action="jobs.job_create", subject_id=str(job.pk)).exists()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_loading_the_whole_country_gives_the_official_counts_and_is_idempotent() -> None:
    # when
    first = region_bulk_load(actor=None, scope=None, province_code=None)
    # then: the counts of the NBS 2023 table
    assert _db_counts() == [31, 342, 2978, 41352, 620573]
    assert first.inserted == 665276
    # and a second run changes nothing
    second = region_bulk_load(actor=None, scope=None, province_code=None)
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, 665276)
