"""Household pages: list with filters and export, detail, and the editing forms."""

from collections.abc import Callable
from dataclasses import fields
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fupin.core.decorators import scoped_view
from fupin.core.errors import ApplicationError, NotFoundError
from fupin.core.forms import add_service_error
from fupin.core.http import ScopedRequest
from fupin.core.scope import Capability
from fupin.registry import exports, selectors, services
from fupin.registry.forms import (
    HouseholdConditionsForm,
    HouseholdCreateForm,
    HouseholdForm,
    HouseholdYearForm,
    MemberForm,
    MemberRemoveForm,
    household_data,
    household_filters,
    member_data,
)
from fupin.registry.models import Household, HouseholdStatus, Member
from fupin.registry.selectors import HouseholdFilters
from fupin.registry.services import HouseholdData, MemberData

HOUSEHOLDS_PER_PAGE = 25
# A search lists at most this many households (40 pages) and says when there are more: a
# common surname matches a fifth of a county, and counting every match per request was the
# load test's slowest read (issue #17).
SEARCH_LIMIT = 1000


class _CountedPaginator(Paginator[Household]):
    """A paginator told the list's length: on a county's list, counting it again costs as
    much as the counts shown above it (issue #17)."""

    def __init__(
        self,
        object_list: QuerySet[Household],
        per_page: int,
        *,
        count: int,
        numbers: QuerySet[Household],
    ) -> None:
        super().__init__(object_list, per_page)
        self._households = object_list
        self._numbers = numbers
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count

    def page(self, number: int | str) -> Page[Household]:
        """The page's 户编号 are picked first, in a query of 户编号 alone (on PostgreSQL read
        from an index without touching the table: a county's in 户编号 order, see
        `selectors.household_list_numbers`), and only those households are then read
        with their annotations and villages; sorting a county's 100,000 full rows to show
        25 took a second (issue #17)."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        keys = list(self._numbers.values_list("number", flat=True)[bottom : bottom + self.per_page])
        found = {
            household.number: household for household in self._households.filter(number__in=keys)
        }
        return Page([found[key] for key in keys if key in found], number, self)


def _breadcrumbs(*extra: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("农户"), reverse("registry:household-list")), *extra]


@scoped_view()
def household_list(request: ScopedRequest) -> HttpResponse:
    form, filters = household_filters(request.GET)
    households = selectors.household_list(scope=request.scope, filters=filters)
    counts = (
        selectors.household_counts_capped(households, limit=SEARCH_LIMIT)
        if filters.search.strip()
        else selectors.household_counts(households)
    )
    page = _CountedPaginator(
        households,
        HOUSEHOLDS_PER_PAGE,
        count=counts["households"],
        numbers=selectors.household_list_numbers(households, scope=request.scope, filters=filters),
    ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page_obj": page,
        "counts": counts,
        "query": query.urlencode(),
        "query_without_page": query.urlencode() + "&" if query else "",
        "sort": filters.sort,
        "filter_hidden": [("sort", filters.sort)],
        "can_edit": request.scope.can(Capability.EDIT_REGISTRY),
        "can_assign": request.scope.can(Capability.MANAGE_ASSISTANCE),
        "breadcrumbs": [(_("农户"), None)],
    }
    if request.htmx:
        return render(request, "registry/household_list.html#results", context)
    return render(request, "registry/household_list.html", context)


# A selection on the list is one page's worth or a few; more is what the filters are for.
MAX_SELECTED_HOUSEHOLDS = 200
MAX_PRINTED_CARDS = 50


def _selected_ids(request: ScopedRequest, limit: int) -> list[int]:
    """The households ticked on the list (``household`` in the query), at most `limit`."""
    ids = [int(value) for value in request.GET.getlist("household") if value.isdigit()]
    return list(dict.fromkeys(ids))[:limit]


@scoped_view()
def household_export(request: ScopedRequest) -> HttpResponse:
    """The list as Excel: the households ticked on the list when any are, else every
    household the filters select."""
    selected = _selected_ids(request, MAX_SELECTED_HOUSEHOLDS)
    if request.GET.get("selected") and not selected:
        messages.warning(request, _("请先勾选要导出的农户。"))
        return redirect("registry:household-list")
    if selected:
        households = selectors.household_list(
            scope=request.scope, filters=HouseholdFilters()
        ).filter(pk__in=selected)
        return exports.household_list_export(
            actor=request.user,
            scope=request.scope,
            households=households,
            filter_description=[(_("选中农户"), _("%(count)s 户") % {"count": households.count()})],
        )
    form, filters = household_filters(request.GET)
    names = selectors.region_names(scope=request.scope, codes=[filters.region_code])
    return exports.household_list_export(
        actor=request.user,
        scope=request.scope,
        households=selectors.household_list(scope=request.scope, filters=filters),
        filter_description=form.describe(region_names=names),
    )


@scoped_view()
def household_detail(request: ScopedRequest, household_id: int) -> HttpResponse:
    detail = selectors.household_detail(scope=request.scope, household_id=household_id)
    chart = {
        "years": [record.year for record in detail.years],
        "per_capita": [float(record.per_capita_net_income or 0) for record in detail.years],
        "after_rigid": [float(record.per_capita_after_rigid or 0) for record in detail.years],
    }
    return render(
        request,
        "registry/household_detail.html",
        {
            "detail": detail,
            "household": detail.household,
            "chart": chart,
            "can_edit": request.scope.can(Capability.EDIT_REGISTRY),
            "can_reveal": request.scope.can(Capability.VIEW_PERSONAL_DATA),
            "is_monitored": detail.household.status == HouseholdStatus.MONITORED,
            "breadcrumbs": _breadcrumbs((detail.household.number, None)),
        },
    )


@scoped_view()
def household_card(request: ScopedRequest, household_id: int) -> HttpResponse:
    """一户一档: the household on one A4 sheet to print for the file or the family's
    明白卡. Personal numbers stay masked (printing reveals nothing), so it needs no audit."""
    detail = selectors.household_detail(scope=request.scope, household_id=household_id)
    return render(
        request,
        "registry/household_card.html",
        {
            "detail": detail,
            "household": detail.household,
            "printed_on": timezone.localdate(),
            "breadcrumbs": _breadcrumbs(
                (
                    detail.household.number,
                    reverse("registry:household-detail", args=[detail.household.pk]),
                ),
                (_("一户一档"), None),
            ),
        },
    )


@scoped_view()
def household_cards(request: ScopedRequest) -> HttpResponse:
    """一户一档 of the households ticked on the list, each on its own A4 sheet, masked like
    the single card; households outside the scope are left out, as on the list."""
    cards = []
    for household_id in _selected_ids(request, MAX_PRINTED_CARDS):
        try:
            cards.append(selectors.household_detail(scope=request.scope, household_id=household_id))
        except NotFoundError:
            continue
    return render(
        request,
        "registry/household_cards.html",
        {
            "cards": cards,
            "printed_on": timezone.localdate(),
            "breadcrumbs": _breadcrumbs((_("打印一户一档"), None)),
        },
    )


@scoped_view(Capability.EDIT_REGISTRY)
def household_create(request: ScopedRequest) -> HttpResponse:
    form = HouseholdCreateForm(request.POST or None, initial={"region_code": request.scope.prefix})
    head = MemberForm(request.POST or None, prefix="head", initial={"relation": "01"})
    if request.method == "POST" and form.is_valid() and head.is_valid():
        try:
            household = services.household_register(
                actor=request.user,
                scope=request.scope,
                data=household_data(form),
                members=[member_data(head)],
            )
        except ApplicationError as error:
            about_head = error.field in head.fields and error.field not in form.fields
            add_service_error(head if about_head else form, error)
        else:
            messages.success(
                request, _("已建档：户编号 %(number)s。") % {"number": household.number}
            )
            return redirect("registry:household-detail", household_id=household.pk)
    return render(
        request,
        "registry/household_form.html",
        {
            "form": form,
            "head_form": head,
            "title": _("新建农户"),
            "breadcrumbs": _breadcrumbs((_("新建农户"), None)),
        },
        status=400 if form.errors or head.errors else 200,
    )


def _household_initial(household: Household) -> dict[str, Any]:
    initial = {
        field.name: getattr(household, field.name)
        for field in fields(HouseholdData)
        if field.name != "village_code"
    }
    initial.update(region_code=household.village_id, version=household.version)
    return initial


@scoped_view(Capability.EDIT_REGISTRY)
def household_edit(request: ScopedRequest, household_id: int) -> HttpResponse:
    household = selectors.household_get(scope=request.scope, household_id=household_id)
    form = HouseholdForm(
        request.POST or None,
        initial=_household_initial(household),
        stored_personal={"phone": household.phone, "bank_account": household.bank_account},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.household_update(
                actor=request.user,
                scope=request.scope,
                household=household,
                expected_version=form.cleaned_data["version"] or 0,
                data=household_data(form),
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已保存。"))
            return redirect("registry:household-detail", household_id=household.pk)
    return render(
        request,
        "registry/household_form.html",
        {
            "form": form,
            "household": household,
            "title": _("修改农户信息"),
            "breadcrumbs": _breadcrumbs(
                (household.number, reverse("registry:household-detail", args=[household.pk])),
                (_("修改"), None),
            ),
        },
        status=400 if form.errors else 200,
    )


@scoped_view(Capability.EDIT_REGISTRY)
def member_add(request: ScopedRequest, household_id: int) -> HttpResponse:
    household = selectors.household_get(scope=request.scope, household_id=household_id)
    form = MemberForm(request.POST or None, allow_head=False)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_add(
                actor=request.user,
                scope=request.scope,
                household=household,
                data=member_data(form),
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已添加成员。"))
            return redirect("registry:household-detail", household_id=household.pk)
    return _member_form_page(request, form, household, _("添加成员"))


def _member_form_page(
    request: ScopedRequest, form: MemberForm | MemberRemoveForm, household: Household, title: str
) -> HttpResponse:
    return render(
        request,
        "registry/member_form.html",
        {
            "form": form,
            "household": household,
            "title": title,
            "breadcrumbs": _breadcrumbs(
                (household.number, reverse("registry:household-detail", args=[household.pk])),
                (title, None),
            ),
        },
        status=400 if form.errors else 200,
    )


@scoped_view(Capability.EDIT_REGISTRY)
def member_edit(request: ScopedRequest, member_id: int) -> HttpResponse:
    member = selectors.member_get(scope=request.scope, member_id=member_id)
    initial = {field.name: getattr(member, field.name) for field in fields(MemberData)}
    initial["version"] = member.version
    form = MemberForm(
        request.POST or None,
        initial=initial,
        allow_head=member.is_head,
        stored_personal={"id_number": member.id_number},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.member_update(
                actor=request.user,
                scope=request.scope,
                member=member,
                expected_version=form.cleaned_data["version"] or 0,
                data=member_data(form),
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("已保存 %(name)s 的信息。") % {"name": form.cleaned_data["name"]}
            )
            return redirect("registry:household-detail", household_id=member.household_id)
    return _member_form_page(
        request, form, member.household, _("修改成员：%(name)s") % {"name": member.name}
    )


@scoped_view(Capability.EDIT_REGISTRY)
def member_remove(request: ScopedRequest, member_id: int) -> HttpResponse:
    member = selectors.member_get(scope=request.scope, member_id=member_id)
    others = selectors.member_others(member)
    form = MemberRemoveForm(
        request.POST or None, others=others, initial={"version": member.version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.member_remove(
                actor=request.user,
                scope=request.scope,
                member=member,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
                removal_date=form.cleaned_data["removal_date"],
                note=form.cleaned_data["note"],
                new_head_id=form.cleaned_data["new_head"],
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已登记 %(name)s 减少。") % {"name": member.name})
            return redirect("registry:household-detail", household_id=member.household_id)
    return _member_form_page(
        request, form, member.household, _("减少成员：%(name)s") % {"name": member.name}
    )


@require_POST
@scoped_view(Capability.VIEW_PERSONAL_DATA)
def member_reveal(request: ScopedRequest, member_id: int) -> HttpResponse:
    member: Member = selectors.member_get(scope=request.scope, member_id=member_id)
    number = services.member_reveal_id_number(
        actor=request.user, scope=request.scope, member=member
    )
    return render(request, "registry/_revealed_id.html", {"number": number})


@require_POST
@scoped_view(Capability.VIEW_PERSONAL_DATA)
def household_reveal(request: ScopedRequest, household_id: int, field: str) -> HttpResponse:
    household = selectors.household_get(scope=request.scope, household_id=household_id)
    try:
        value = services.household_reveal_contact(
            actor=request.user, scope=request.scope, household=household, field=field
        )
    except ApplicationError as error:
        return HttpResponse(error.message, status=400)
    return render(request, "registry/_revealed_id.html", {"number": value})


def _yearly_record_page(
    request: ScopedRequest,
    household_id: int,
    *,
    form_class: type[HouseholdYearForm] | type[HouseholdConditionsForm],
    related_name: str,
    save: Callable[..., object],
    saved_message: str,
    template: str,
    title: str,
) -> HttpResponse:
    """One page for the per-year records (income, living conditions): prefilled from the
    record of `?year=` when it exists, saved through the owning service."""
    household = selectors.household_get(scope=request.scope, household_id=household_id)
    year = request.GET.get("year", "")
    existing = selectors.household_year_record(household, related_name, year)
    initial: dict[str, Any] = {"year": year}
    if existing is not None:
        initial.update({name: getattr(existing, name) for name in form_class.base_fields})
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = {name: value for name, value in form.cleaned_data.items() if name != "year"}
        try:
            save(
                actor=request.user,
                scope=request.scope,
                household=household,
                year=form.cleaned_data["year"],
                values=values,
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, saved_message % {"year": form.cleaned_data["year"]})
            return redirect("registry:household-detail", household_id=household.pk)
    return render(
        request,
        template,
        {
            "form": form,
            "household": household,
            "breadcrumbs": _breadcrumbs(
                (household.number, reverse("registry:household-detail", args=[household.pk])),
                (title, None),
            ),
        },
        status=400 if form.errors else 200,
    )


def _record_year(**kwargs: Any) -> object:
    values: dict[str, Decimal] = kwargs.pop("values")
    return services.household_year_record(amounts=values, **kwargs)


@scoped_view(Capability.EDIT_REGISTRY)
def household_year_edit(request: ScopedRequest, household_id: int) -> HttpResponse:
    return _yearly_record_page(
        request,
        household_id,
        form_class=HouseholdYearForm,
        related_name="years",
        save=_record_year,
        saved_message=_("已保存 %(year)s 年收支。"),
        template="registry/household_year_form.html",
        title=_("年度收支"),
    )


@scoped_view(Capability.EDIT_REGISTRY)
def household_conditions_edit(request: ScopedRequest, household_id: int) -> HttpResponse:
    return _yearly_record_page(
        request,
        household_id,
        form_class=HouseholdConditionsForm,
        related_name="conditions",
        save=services.household_conditions_record,
        saved_message=_("已保存 %(year)s 年生产生活条件。"),
        template="registry/household_conditions_form.html",
        title=_("生产生活条件"),
    )
