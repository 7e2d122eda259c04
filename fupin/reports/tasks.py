from django_tasks import task


@task()
def tally_catch_up_task() -> None:
    """Bring the dashboard tallies up to date with the audit trail (see reports.tallies)."""
    from fupin.reports.tallies import tally_catch_up  # noqa: PLC0415 - tallies import this module

    tally_catch_up()
