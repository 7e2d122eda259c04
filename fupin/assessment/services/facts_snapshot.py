"""A region's facts kept between runs and simulations (`FactsSnapshot`, ADR 0016).

Reading the facts of a million households costs most of a region run; evaluating them
costs a fraction of a second. The facts of a region, year, day and monitoring line are
therefore kept as a Parquet frame in the database, each household's row with the version
of its change mark (`registry.StaleHousehold`) read before its facts. Every use compares
those versions with the marks now: a household whose mark moved on (a form, an import, a
status event, a measure, a visit) or that is new is read again, a household gone is
dropped, and the rest come from the snapshot. The marks are committed with the writes that
bump them, and read before the facts, so a snapshot never keeps facts older than its mark.
"""

import contextlib
import dataclasses
import hashlib
import io
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings
from django.db import connection

from fupin.assessment.models import FactsSnapshot
from fupin.assessment.selectors import runs as selectors
from fupin.core.scope import region_path_codes

MARK_COLUMN = "mark_version"
# Past this share of changed households a fresh read is as cheap as patching; past this
# many, the list of households would not fit one query's parameters.
REBUILD_SHARE = 0.3
PATCH_LIMIT = 30_000
# A frame patched in this process is saved again only once it holds this share (at least
# SAVE_MINIMUM) of households read since it was saved: storing a million households'
# frame costs seconds, while another process re-reads the few moved households anyway.
SAVE_SHARE = 0.02
SAVE_MINIMUM = 1_000
# Decoded frames of this process, by snapshot id: (token, frame, households read again
# since the saved frame). A million households' facts take a few hundred megabytes, so
# only the latest two are kept.
_DECODED: dict[tuple[str, int], tuple[str, pl.DataFrame, int]] = {}
_DECODED_KEPT = 2
# The latest kept frames without their marks and what they hold, by the kept frame's
# identity.
_WITHOUT_MARKS: dict[int, tuple[pl.DataFrame, pl.DataFrame, "_Content"]] = {}
# Evaluations of kept facts saved for the other processes of the machine, per snapshot
# token: a simulation's sides (ADR 0031). Each costs a few megabytes per 100,000
# households.
RESULTS_KEPT = 8
_WRITERS: list[threading.Thread] = []
# Every process of this machine also finds a saved frame as an uncompressed Arrow file
# named by the snapshot's token (a token names one content), mapped into memory instead
# of fetched and decoded from the database: a what-if in another worker process then
# starts in a tenth of a second. Files of older tokens are removed when a newer is written.
LOCAL_DIRECTORY = "facts"


@dataclass(frozen=True)
class _Key:
    """What a snapshot's facts depend on besides the registry."""

    region_code: str
    year: int
    as_of: date
    monitoring_line: Decimal

    def lookup(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def region_facts(
    *,
    region_code: str,
    year: int,
    monitoring_line: Decimal,
    as_of: date | None = None,
    marks: pl.DataFrame | None = None,
    on_read: Callable[[int], None] | None = None,
    columns: list[str] | None = None,
) -> pl.DataFrame:
    """Facts of every household of a region (as `facts_for_households` reads them), from
    the snapshot where their change marks have not moved, read again where they have.

    `marks` are the region's change marks if the caller has read them already (it must
    have read them before calling). `on_read` is told how many households are read from
    the registry (for progress and the benchmark). With `columns` the frame may hold only
    those (and household_id) when mapped from this machine's file: a simulation that finds
    a side evaluated needs no more, and a tenth of the file is read.
    """
    as_of = as_of or selectors.facts_as_of(year)
    if marks is None:
        marks = selectors.stale_versions(region_code=region_code)
    key = _Key(region_code=region_code, year=year, as_of=as_of, monitoring_line=monitoring_line)
    snapshot = FactsSnapshot.objects.filter(**key.lookup()).defer("data").first()
    cached = _decoded(snapshot, columns) if snapshot is not None else None
    if cached is None:
        # A county drilled into from its province's simulation: the province's rows.
        ancestor = _ancestor_snapshot(key)
        if ancestor is not None:
            inside = _decoded(ancestor)
            if inside is not None:
                kept = inside[0].filter(pl.col("region_code").str.starts_with(region_code))
                return _without_marks(_patched(kept, key, marks, on_read)[0], ancestor, region_code)
    if snapshot is None or cached is None:
        fresh = _read(None, key, marks, on_read)
        return _without_marks(fresh, _save(snapshot, key, fresh), region_code)
    frame, unsaved = cached
    fresh, read = _patched(frame, key, marks, on_read)
    held = _DECODED.get((connection.alias, snapshot.pk))
    # A frame of some columns of the file only is neither saved nor kept in the process.
    if read and held is not None and held[1] is frame:
        unsaved += read
        if unsaved > max(SAVE_SHARE * fresh.height, SAVE_MINIMUM):
            snapshot = _save(snapshot, key, fresh)
        else:
            _remember((connection.alias, snapshot.pk), str(snapshot.token), fresh, unsaved)
    return _without_marks(fresh, snapshot, region_code)


@dataclass(frozen=True)
class _Content:
    """What a handed-out frame holds, the same in every process: the snapshot (and the
    token of its saved copy) and a fingerprint of which households it holds at which mark
    version, which decide its rows (a frame patched in one process and the same saved
    copy patched alike in another hold the same rows). The fingerprint is taken when
    first asked for: a run never needs it."""

    snapshot: int
    token: str
    region_code: str
    fingerprint: str = ""


def _without_marks(frame: pl.DataFrame, snapshot: FactsSnapshot, region_code: str) -> pl.DataFrame:
    """The frame without its marks; the same object for the same kept frame, so that a
    caller may keep what it computed from it (a simulation's unchanged side), and known
    by its content (`_content_of`), so that another process may find it too."""
    kept = _WITHOUT_MARKS.pop(id(frame), None)
    if kept is not None and kept[0] is frame:
        public, content = kept[1], kept[2]
    else:
        public = frame.drop(MARK_COLUMN)
        content = _Content(snapshot=snapshot.pk, token=str(snapshot.token), region_code=region_code)
    _WITHOUT_MARKS[id(frame)] = (frame, public, content)
    while len(_WITHOUT_MARKS) > _DECODED_KEPT:
        _WITHOUT_MARKS.pop(next(iter(_WITHOUT_MARKS)))
    return public


def _content_of(facts: pl.DataFrame) -> _Content | None:
    for key, (frame, public, content) in _WITHOUT_MARKS.items():
        if public is not facts:
            continue
        if content.fingerprint:
            return content
        # Two 64-bit sums of row hashes (a hundredth of a second per million rows); the
        # Polars version is named since another may hash differently.
        rows = frame.select("household_id", MARK_COLUMN)
        sums = [rows.hash_rows(seed=seed).sum() for seed in (1, 2)]
        taken = dataclasses.replace(
            content,
            fingerprint=f"{content.region_code}:{frame.height}:{sums[0]}:{sums[1]}:"
            f"{pl.__version__}",
        )
        _WITHOUT_MARKS[key] = (frame, public, taken)
        return taken
    return None


def results_read(facts: pl.DataFrame, decided_by: str) -> pl.DataFrame | None:
    """An evaluation of these kept facts saved by any process of this machine under
    `decided_by` (what decides the results besides the facts), or None."""
    content = _content_of(facts)
    if content is None:
        return None
    try:
        return pl.read_ipc(_results_path(content, decided_by))
    except (OSError, pl.exceptions.PolarsError):
        # Not evaluated yet on this machine, removed meanwhile or cut short.
        return None


def results_write(facts: pl.DataFrame, decided_by: str, results: pl.DataFrame) -> None:
    """Keep an evaluation of these kept facts for every process of this machine, beside the
    facts' file (removed with it). Results hold the household's internal id and the
    decision, nothing personal. The oldest beyond RESULTS_KEPT of the snapshot go.

    Written in a thread of its own (a quarter of a second per million households that
    the page need not wait for); `results_written` waits for it."""
    content = _content_of(facts)
    if content is None:
        return
    path = _results_path(content, decided_by)
    siblings = f"{_local_prefix(content.snapshot)}{content.token}-*.arrow"
    writer = threading.Thread(target=_results_file_write, args=(path, siblings, results))
    writer.start()
    _WRITERS[:] = [*(other for other in _WRITERS if other.is_alive()), writer]


def results_written() -> None:
    """Wait until the evaluations this process is writing are on disk."""
    while _WRITERS:
        _WRITERS.pop().join()


def _results_file_write(path: Path, siblings: str, results: pl.DataFrame) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed, so no process maps a file half written.
        partial = path.with_suffix(f".{uuid.uuid4().hex}.partial")
        results.write_ipc(partial, compression="uncompressed")
        partial.replace(path)
        others = sorted(path.parent.glob(siblings), key=lambda other: other.stat().st_mtime)
        for other in others[:-RESULTS_KEPT]:
            other.unlink()
    except OSError:
        # A full or read-only disk, or a file removed meanwhile: the next process
        # evaluates again.
        return


def _results_path(content: _Content, decided_by: str) -> Path:
    digest = hashlib.sha256(f"{content.fingerprint}|{decided_by}".encode()).hexdigest()[:32]
    return _local_path(content.snapshot, f"{content.token}-{digest}")


def _patched(
    cached: pl.DataFrame,
    key: _Key,
    marks: pl.DataFrame,
    on_read: Callable[[int], None] | None,
) -> tuple[pl.DataFrame, int]:
    """The kept rows with the households whose mark moved on (or that are new) read
    again, and how many were read (none: the same frame)."""
    # Only the marked households' rows: a hash join against every row of a million costs
    # a tenth of a second or more, the membership test a hundredth.
    seen = cached.select("household_id", MARK_COLUMN).filter(
        pl.col("household_id").is_in(marks["household_id"].implode())
    )
    moved = (
        marks.join(seen, on="household_id", how="left", suffix="_seen")
        .filter(
            pl.col(f"{MARK_COLUMN}_seen").is_null()
            | (pl.col(MARK_COLUMN) > pl.col(f"{MARK_COLUMN}_seen"))
        )
        .get_column("household_id")
    )
    if moved.is_empty():
        return cached, 0
    if moved.len() > min(max(REBUILD_SHARE * cached.height, 1_000), PATCH_LIMIT):
        fresh = _read(None, key, marks, on_read)
        return fresh, fresh.height
    patch = _read(moved.to_list(), key, marks, on_read)
    patched = pl.concat(
        [
            cached.filter(~pl.col("household_id").is_in(moved.implode())),
            patch.select(cached.columns),
        ]
    ).sort("household_id")
    return patched, moved.len()


def _ancestor_snapshot(key: _Key) -> FactsSnapshot | None:
    ancestors = [code for code in region_path_codes(key.region_code) if code != key.region_code]
    return (
        FactsSnapshot.objects.filter(
            region_code__in=ancestors,
            year=key.year,
            as_of=key.as_of,
            monitoring_line=key.monitoring_line,
        )
        .defer("data")
        .order_by("-region_code")
        .first()
    )


def snapshot_ids(
    *, region_code: str, year: int, monitoring_line: Decimal, as_of: date
) -> list[int]:
    """The snapshots a region's facts for the year, day and line come from (its own or
    those of the regions containing it): a run records them, since a snapshot made again
    is read afresh from the registry."""
    return list(
        FactsSnapshot.objects.filter(
            region_code__in=region_path_codes(region_code),
            year=year,
            as_of=as_of,
            monitoring_line=monitoring_line,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def region_facts_kept(
    *, region_code: str, year: int, monitoring_line: Decimal, as_of: date | None = None
) -> bool:
    """Whether the region's facts for the year, day and line are kept (its own or those of
    a region containing it)."""
    return FactsSnapshot.objects.filter(
        region_code__in=region_path_codes(region_code),
        year=year,
        as_of=as_of or selectors.facts_as_of(year),
        monitoring_line=monitoring_line,
    ).exists()


def _read(
    household_ids: list[int] | None,
    key: _Key,
    marks: pl.DataFrame,
    on_read: Callable[[int], None] | None,
) -> pl.DataFrame:
    facts = selectors.facts_for_households(
        household_ids,
        region_code=key.region_code,
        year=key.year,
        monitoring_line=key.monitoring_line,
        as_of=key.as_of,
    )
    if on_read is not None:
        on_read(facts.height)
    return facts.join(marks, on="household_id", how="left").with_columns(
        pl.col(MARK_COLUMN).fill_null(0)
    )


def _decoded(
    snapshot: FactsSnapshot, columns: list[str] | None = None
) -> tuple[pl.DataFrame, int] | None:
    """The snapshot's frame (as this process last patched it) and how many households
    were read again since it was saved. With `columns`, and unless the process holds the
    whole frame, only those columns of this machine's file (not kept in the process)."""
    memo_key = (connection.alias, snapshot.pk)
    token = str(snapshot.token)
    kept = _DECODED.pop(memo_key, None)
    if kept is not None and kept[0] == token:
        _DECODED[memo_key] = kept  # the most recently used last: the oldest goes first
        return kept[1], kept[2]
    if columns is not None:
        wanted = list(dict.fromkeys(["household_id", *columns, MARK_COLUMN]))
        some = _local_read(snapshot.pk, token, columns=wanted)
        if some is not None:
            return some, 0
    frame = _local_read(snapshot.pk, token)
    if frame is None:
        data = FactsSnapshot.objects.filter(pk=snapshot.pk).values_list("data", flat=True).first()
        if data is None:
            return None
        frame = pl.read_parquet(io.BytesIO(bytes(data)))
        _local_write(snapshot.pk, token, frame)
    _remember(memo_key, token, frame, 0)
    return frame, 0


def local_files_remove() -> None:
    """Remove this database's snapshot files from this machine (the database keeps the
    snapshots; the next use decodes them from there)."""
    directory = Path(settings.VAR_DIR) / LOCAL_DIRECTORY
    for path in directory.glob(f"{_local_database()}-[0-9]*.arrow"):
        with contextlib.suppress(OSError):
            path.unlink()


def _local_remove(pk: int, *, keep_token: str = "") -> None:
    """Remove the snapshot's files of this machine (facts and evaluations), but those of
    `keep_token`."""
    prefix = _local_prefix(pk)
    for path in (Path(settings.VAR_DIR) / LOCAL_DIRECTORY).glob(f"{prefix}*.arrow"):
        if not keep_token or not path.name.startswith(f"{prefix}{keep_token}"):
            with contextlib.suppress(OSError):
                path.unlink()


def _local_database() -> str:
    # The database's name keeps apart the snapshots of databases served from one machine.
    return str(connection.settings_dict["NAME"]).replace("/", "_")


def _local_prefix(pk: int) -> str:
    return f"{_local_database()}-{pk}-"


def _local_path(pk: int, token: str) -> Path:
    return Path(settings.VAR_DIR) / LOCAL_DIRECTORY / f"{_local_prefix(pk)}{token}.arrow"


def _local_read(pk: int, token: str, columns: list[str] | None = None) -> pl.DataFrame | None:
    path = _local_path(pk, token)
    try:
        return pl.read_ipc(path, columns=columns)
    except (OSError, pl.exceptions.PolarsError):
        # Missing, removed meanwhile or cut short: the database holds the snapshot.
        return None


def _local_write(pk: int, token: str, frame: pl.DataFrame) -> None:
    path = _local_path(pk, token)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed, so no process maps a file half written.
        partial = path.with_suffix(f".{uuid.uuid4().hex}.partial")
        frame.write_ipc(partial, compression="uncompressed")
        partial.replace(path)
    except OSError:
        # A full or read-only disk only costs the next process a read from the database.
        return
    _local_remove(pk, keep_token=token)


def _save(snapshot: FactsSnapshot | None, key: _Key, frame: pl.DataFrame) -> FactsSnapshot:
    buffer = io.BytesIO()
    # lz4: a third of the size of the plain frame, and several times faster than zstd.
    frame.write_parquet(buffer, compression="lz4")
    if snapshot is None:
        # A new day replaces the region's older snapshots of the year.
        older = FactsSnapshot.objects.filter(
            region_code=key.region_code, year=key.year, as_of__lt=key.as_of
        )
        for pk in older.values_list("pk", flat=True):
            _local_remove(pk)
        older.delete()
        snapshot, _created = FactsSnapshot.objects.update_or_create(
            **key.lookup(),
            defaults={"data": buffer.getvalue(), "households": frame.height, "token": uuid.uuid4()},
        )
    else:
        snapshot.data = buffer.getvalue()
        snapshot.households = frame.height
        snapshot.token = uuid.uuid4()
        snapshot.save(update_fields=["data", "households", "token", "updated_at"])
    _remember((connection.alias, snapshot.pk), str(snapshot.token), frame, 0)
    _local_write(snapshot.pk, str(snapshot.token), frame)
    return snapshot


def _remember(memo_key: tuple[str, int], token: str, frame: pl.DataFrame, unsaved: int) -> None:
    _DECODED.pop(memo_key, None)
    _DECODED[memo_key] = (token, frame, unsaved)
    while len(_DECODED) > _DECODED_KEPT:
        _DECODED.pop(next(iter(_DECODED)))
