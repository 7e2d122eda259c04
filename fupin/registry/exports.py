"""Spreadsheet exports of registry lists. Every export is audited."""

import io

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.audit.services import audit_record
from fupin.core.scope import RegionScope
from fupin.core.spreadsheets import Workbook
from fupin.registry import codes
from fupin.registry.models import Household

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def household_list_export(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    households: QuerySet[Household],
    filter_description: list[tuple[str, str]],
) -> HttpResponse:
    """Write the filtered household list to an xlsx file and audit the export.

    No ID numbers, phones or bank accounts leave through this export.
    Audit action: "registry.household_export".
    """
    headers = [
        _("户编号"),
        _("所在村"),
        _("户主"),
        _("人口数"),
        _("户类型"),
        _("监测对象类别"),
        _("贫困户属性"),
        _("主要致贫原因"),
        _("人均纯收入（元）"),
    ]
    buffer = io.BytesIO()
    workbook = Workbook(buffer, constant_memory=True)
    sheet = workbook.add_sheet(_("农户"))
    bold = workbook.add_format({"bold": True})
    sheet.row(0, 0, headers, bold)
    rows = 0
    for rows, household in enumerate(households.iterator(chunk_size=2000), start=1):
        sheet.row(
            rows,
            0,
            [
                household.number,
                household.village.name,
                getattr(household, "head_name", "") or "",
                getattr(household, "member_count", 0),
                str(codes.HouseholdType(household.household_type).label),
                str(household.get_monitoring_category_display()),
                str(household.get_poverty_attribute_display()),
                str(codes.PovertyCause(household.primary_cause).label),
                float(getattr(household, "latest_income", None) or 0),
            ],
        )
    workbook.close()
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="registry.household_export",
            subject_type="registry.household",
            subject_label=_("农户名单导出"),
            region_code=scope.prefix,
            # The filters as the list showed them (labels, not form keys): the trail is read
            # by auditors, not by programs.
            changes={"rows": rows, "filters": dict(filter_description)},
        )
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="households-{stamp}.xlsx"'
    return response
