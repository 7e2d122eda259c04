"""Checks shared by the assistance services."""

from datetime import date

from django.utils.translation import gettext as _

from fupin.core.errors import ApplicationError


def check_period(started_on: date, ended_on: date | None, *, end_field: str = "ended_on") -> None:
    if ended_on is not None and ended_on < started_on:
        raise ApplicationError(
            _("结束日期不能早于开始日期。"), code="ends_before_start", field=end_field
        )


def required_text(value: str, *, field: str, label: str) -> str:
    text = value.strip()
    if not text:
        raise ApplicationError(
            _("请填写%(label)s。") % {"label": label}, code="required", field=field
        )
    return text
