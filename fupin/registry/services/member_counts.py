"""The stored count of a household's active members (`Household.active_member_count`),
recounted by every registry write that adds, removes or moves members."""

from collections.abc import Iterable

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from fupin.core.lookups import in_chunks
from fupin.registry.models import Household, Member


def active_member_counts_refresh(household_ids: Iterable[int]) -> None:
    """Recount the active members of these households; call it inside the write's
    transaction, after its members are written.

    The households are locked first, in key order: a recount that waited for another
    transaction's lock would otherwise count with the snapshot it took before that
    transaction committed its members, and store a stale number (PostgreSQL, READ
    COMMITTED). Recounting rather than adding the change keeps every writer's arithmetic
    out of it.
    """
    active = (
        Member.objects.filter(household=OuterRef("pk"), is_active=True)
        .order_by()
        .values("household")
        .annotate(count=Count("household"))
        .values("count")
    )
    for chunk in in_chunks(sorted(set(household_ids))):
        households = Household.objects.filter(pk__any=chunk)
        list(households.order_by("pk").select_for_update().values_list("pk", flat=True))
        households.update(active_member_count=Coalesce(Subquery(active), 0))
