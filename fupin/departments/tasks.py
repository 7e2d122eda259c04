from django_tasks import TaskContext, task


@task(takes_context=True)
def quality_follow_task(context: TaskContext) -> None:
    """One run of the data-quality check after saves (see departments.services.follow)."""
    from fupin.departments.services.follow import quality_follow_run  # noqa: PLC0415 - follow imports this module

    quality_follow_run(run_id=str(context.task_result.id))
