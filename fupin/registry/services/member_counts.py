"""What a household stores about its active members (`Household.active_member_count` and
`active_member_names`), refreshed by every registry write that adds, removes, moves or
renames members."""

from collections.abc import Iterable
from typing import Any

from django.db.models import Aggregate, Count, OuterRef, Subquery, TextField, Value
from django.db.models.functions import Coalesce

from fupin.core.lookups import in_chunks
from fupin.registry.models import MEMBER_NAMES_SEPARATOR, Household, Member


class _JoinedText(Aggregate):
    """The values joined by a separator: string_agg on PostgreSQL, group_concat on SQLite
    (which take the same two arguments); the order does not matter to a search."""

    function = "string_agg"
    output_field = TextField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(compiler, connection, function="group_concat", **extra)


def active_members_refresh(household_ids: Iterable[int]) -> None:
    """Recount and re-list the active members of these households; call it inside the
    write's transaction, after its members are written.

    The households are locked first, in key order: a refresh that waited for another
    transaction's lock would otherwise read the members with the snapshot it took before
    that transaction committed, and store a stale figure (PostgreSQL, READ COMMITTED).
    Reading the members again rather than applying each write's change keeps every
    writer's arithmetic out of it.
    """
    active = Member.objects.filter(household=OuterRef("pk"), is_active=True).order_by()
    count = active.values("household").annotate(count=Count("household")).values("count")
    names = (
        active.values("household")
        .annotate(names=_JoinedText("name", Value(MEMBER_NAMES_SEPARATOR)))
        .values("names")
    )
    for chunk in in_chunks(sorted(set(household_ids))):
        households = Household.objects.filter(pk__any=chunk)
        list(households.order_by("pk").select_for_update().values_list("pk", flat=True))
        households.update(
            active_member_count=Coalesce(Subquery(count), 0),
            active_member_names=Coalesce(Subquery(names), Value("")),
        )
