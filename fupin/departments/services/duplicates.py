"""The duplicate-person review queue: candidates that exact matching misses (the same name,
birth date and village; an ID number one digit off or with two neighbouring digits
swapped, each still with a valid check character; the same person in two counties), then
a county user's decision. A decided pair is remembered and never proposed again."""

import datetime
from dataclasses import dataclass

import polars as pl
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.audit.services import audit_record
from fupin.core.errors import ApplicationError, NotFoundError
from fupin.core.scope import CODE_LENGTHS, Capability, RegionScope
from fupin.departments.models import DuplicateCandidate, DuplicateReason, DuplicateStatus
from fupin.departments.services.feeds import Actor
from fupin.registry import codes
from fupin.registry.models import Member
from fupin.registry.services import member_remove

_FIRST17 = 17
_PEOPLE_SCHEMA = {
    "member_id": pl.Int64,
    "number": pl.String,
    "name": pl.String,
    "birth": pl.Date,
    "village": pl.String,
}


@dataclass(frozen=True)
class DuplicateSearch:
    proposed: int


def _people(region_code: str) -> pl.DataFrame:
    members = Member.objects.filter(is_active=True)
    if region_code:
        last = region_code.ljust(CODE_LENGTHS[-1], "9")
        members = members.filter(household__village__code__range=(region_code, last))
    rows = list(
        members.values_list("pk", "id_number", "name", "birth_date", "household__village_id")
    )
    return pl.DataFrame(rows, schema=_PEOPLE_SCHEMA, orient="row").with_columns(
        pl.col("name").str.replace_all(r"[\s·•]", "")
    )


def _pairs(
    people: pl.DataFrame, key: pl.Expr, reason: str, keep: pl.Expr | None = None
) -> pl.DataFrame:
    """Pairs of different people sharing `key` (each pair once, the older record first)."""
    keyed = people.with_columns(key.alias("key")).filter(pl.col("key").is_not_null())
    repeated = keyed.filter(pl.len().over("key") > 1)
    joined = repeated.join(repeated, on="key", suffix="_other").filter(
        (pl.col("member_id") < pl.col("member_id_other"))
        & (pl.col("number") != pl.col("number_other"))
    )
    if keep is not None:
        joined = joined.filter(keep)
    return joined.select(
        pl.col("member_id").alias("kept"),
        pl.col("member_id_other").alias("other"),
        pl.lit(reason).alias("reason"),
    )


def _candidate_pairs(people: pl.DataFrame, *, across_counties: bool) -> pl.DataFrame:
    number = pl.col("number")
    parts = [
        _pairs(
            people,
            pl.concat_str(["village", "name", pl.col("birth").cast(pl.String)], separator="|"),
            DuplicateReason.NAME_BIRTH_VILLAGE,
        )
    ]
    for position in range(_FIRST17):
        # Both numbers are valid, so two that differ in one of the first seventeen digits
        # may differ in the check character too: it is left out of the key.
        key = number.str.slice(0, position) + "|" + number.str.slice(position + 1, 16 - position)
        parts.append(_pairs(people, key, DuplicateReason.ONE_DIGIT))
    for position in range(_FIRST17 - 1):
        pair = number.str.slice(position, 2)
        first, second = pair.str.slice(0, 1), pair.str.slice(1, 1)
        ordered = pl.when(first < second).then(first + second).otherwise(second + first)
        key = pl.when(first != second).then(
            number.str.slice(0, position)
            + "|"
            + ordered
            + "|"
            + number.str.slice(position + 2, 15 - position)
        )
        parts.append(_pairs(people, key, DuplicateReason.TRANSPOSED))
    if across_counties:
        parts.append(
            _pairs(
                people,
                pl.concat_str(["name", pl.col("birth").cast(pl.String)], separator="|"),
                DuplicateReason.ACROSS_COUNTIES,
                keep=pl.col("village").str.slice(0, 6) != pl.col("village_other").str.slice(0, 6),
            )
        )
    return pl.concat(parts).unique(["kept", "other"], keep="first", maintain_order=True)


@transaction.atomic
def duplicate_candidates_find(
    *, actor: Actor, scope: RegionScope | None, region_code: str
) -> DuplicateSearch:
    """Propose the duplicate candidates among the active members of `region_code`; pairs
    already proposed (pending, confirmed or dismissed) are not proposed again. People in
    two counties are looked for when the region is a city, a province or the country.
    `scope` None means the command line.

    Raises PermissionDeniedError. Audit action: "departments.duplicate_candidates_find".
    """
    if scope is not None:
        scope.require(Capability.EDIT_REGISTRY)
        scope.require_region(region_code)
    people = _people(region_code)
    pairs = _candidate_pairs(people, across_counties=len(region_code) < CODE_LENGTHS[2])
    known = set(DuplicateCandidate.objects.values_list("kept_id", "other_id"))
    fresh = [
        DuplicateCandidate(kept_id=kept, other_id=other, reason=reason)
        for kept, other, reason in pairs.iter_rows()
        if (kept, other) not in known
    ]
    DuplicateCandidate.objects.bulk_create(fresh, batch_size=5_000)
    audit_record(
        actor=actor,
        action="departments.duplicate_candidates_find",
        subject_type="registry.region",
        subject_id=region_code,
        region_code=region_code,
        changes={"people": people.height, "proposed": len(fresh)},
    )
    return DuplicateSearch(proposed=len(fresh))


def _pending(scope: RegionScope, candidate_id: int) -> DuplicateCandidate:
    scope.require(Capability.EDIT_REGISTRY)
    candidate = (
        DuplicateCandidate.objects.select_for_update()
        .select_related("kept__household", "other__household")
        .filter(pk=candidate_id)
        .first()
    )
    message = _("疑似重复记录不存在或不在您的管辖范围内。")
    if candidate is None:
        raise NotFoundError(message)
    scope.require_visible(candidate.kept.household.village_id, message)
    scope.require_visible(candidate.other.household.village_id, message)
    if candidate.status != DuplicateStatus.PENDING:
        raise ApplicationError(_("这对记录已审查过。"), code="decided")
    return candidate


@transaction.atomic
def duplicate_confirm(
    *,
    actor: AbstractBaseUser,
    scope: RegionScope,
    candidate_id: int,
    today: datetime.date | None = None,
) -> DuplicateCandidate:
    """Confirm that two records are one person: the later record is ended through the
    registry's member removal (reason 其他, naming the record kept), the earlier kept.

    Raises PermissionDeniedError, NotFoundError or ApplicationError. Audit action:
    "departments.duplicate_confirm" (and the registry's "registry.member_remove").
    """
    candidate = _pending(scope, candidate_id)
    other = candidate.other
    if not other.is_active or not candidate.kept.is_active:
        raise ApplicationError(_("其中一条记录已不在册，无需合并。"), code="inactive")
    member_remove(
        actor=actor,
        scope=scope,
        member=other,
        expected_version=other.version,
        reason=codes.RemovalReason.OTHER,
        removal_date=today or timezone.localdate(),
        note=_("重复登记，与户编号 %(number)s 的同一人合并。")
        % {"number": candidate.kept.household.number},
    )
    candidate.status = DuplicateStatus.CONFIRMED
    candidate.decided_by_id = actor.pk
    candidate.decided_at = timezone.now()
    candidate.save()
    audit_record(
        actor=actor,
        action="departments.duplicate_confirm",
        subject=candidate,
        region_code=candidate.other.household.village_id,
        changes={"status": candidate.status, "kept": candidate.kept.household.number},
    )
    return candidate


@transaction.atomic
def duplicate_dismiss(
    *, actor: AbstractBaseUser, scope: RegionScope, candidate_id: int, note: str = ""
) -> DuplicateCandidate:
    """Record that two records are different people; the pair is never proposed again.

    Raises PermissionDeniedError, NotFoundError or ApplicationError. Audit action:
    "departments.duplicate_dismiss".
    """
    candidate = _pending(scope, candidate_id)
    candidate.status = DuplicateStatus.DISMISSED
    candidate.note = note.strip()[:300]
    candidate.decided_by_id = actor.pk
    candidate.decided_at = timezone.now()
    candidate.save()
    audit_record(
        actor=actor,
        action="departments.duplicate_dismiss",
        subject=candidate,
        region_code=candidate.kept.household.village_id,
        changes={"status": candidate.status, "note": candidate.note},
    )
    return candidate
