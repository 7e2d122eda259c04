from django_tasks import task


@task()
def region_load_task(job_id: int) -> None:
    """Run a queued region-load job (see services.region_load_job_run)."""
    from fupin.registry.services import region_load_job_run  # noqa: PLC0415 - services import this module

    region_load_job_run(job_id=job_id)
