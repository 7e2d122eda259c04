from django_tasks import task


@task()
def import_apply_task(job_id: int) -> None:
    """Run a queued import job (see services.import_apply_job_run)."""
    from fupin.imports.services import import_apply_job_run  # noqa: PLC0415 - services import this module

    import_apply_job_run(job_id=job_id)


@task()
def ledger_export_task(job_id: int) -> None:
    """Run a queued ledger export (see services.ledger_export_job_run)."""
    from fupin.imports.services import ledger_export_job_run  # noqa: PLC0415 - services import this module

    ledger_export_job_run(job_id=job_id)
