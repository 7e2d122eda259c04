from django_tasks import task


@task()
def assessment_run_task(job_id: int) -> None:
    """Run a queued region assessment (see services.assessment_run_job_run)."""
    from fupin.assessment.services import assessment_run_job_run  # noqa: PLC0415 - services import this module

    assessment_run_job_run(job_id=job_id)


@task()
def simulation_prepare_task(job_id: int) -> None:
    """Gather a region's facts for a simulation (see services.simulation_prepare_job_run)."""
    from fupin.assessment.services.simulations import simulation_prepare_job_run  # noqa: PLC0415 - services import this module

    simulation_prepare_job_run(job_id=job_id)
