"""Validate a ledger file of any size in bounded memory.

The file is read a batch of rows at a time and each batch is spread over chunk files on
disk by a hash of its 户编号 (the key whose rows the checks must see together), so every
chunk holds whole households wherever their rows are in the file. The chunks are then
validated one at a time (`validation.validate_chunks`) and their valid rows written back
to disk, for the apply to read one chunk at a time. Only the ID numbers of the file stay in
memory between chunks, for the check that a person is listed once.

Nothing is written to the registry here: validation sees the whole file before anything is
applied, as when the file is held in memory. The chunk files live in a temporary folder
removed when the `validated_file` block ends, whatever happens.
"""

import dataclasses
import datetime
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import polars as pl
from django.conf import settings

from fupin.core.bulk import bulk_work_memory
from fupin.imports.checks import Lookups
from fupin.imports.kinds import LedgerKind
from fupin.imports.parsing import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_ROWS,
    ROW_NUMBER_COLUMN,
    TableStream,
    open_table,
)
from fupin.imports.prefetch import PrefetchedLookup, file_keys, prefetched
from fupin.imports.validation import (
    ValidationResult,
    ValidationSummary,
    chunk_of,
    group_column,
    header_errors,
    template_table,
    validate_chunks,
)

# (done, total): how many chunks are validated.
Progress = Callable[[int, int], None]

_PART = "__part"
# LZ4 costs little time and halves the chunk files of a large ledger.
_SPILL_COMPRESSION: Final = "lz4"


@dataclass(frozen=True)
class StreamedValidation:
    """The validation of a file, and its rows kept on disk until the block ends."""

    result: ValidationResult
    headers: tuple[str, ...]
    raw_files: tuple[Path, ...]

    def error_rows(self) -> pl.DataFrame:
        """The file's rows that have errors, as uploaded (for the error workbook)."""
        empty = pl.DataFrame(
            schema={ROW_NUMBER_COLUMN: pl.Int64, **dict.fromkeys(self.headers, pl.String)}
        )
        rows = sorted({error.row_number for error in self.result.errors})
        if not rows or not self.raw_files:
            return empty
        found = (
            pl.scan_ipc(list(self.raw_files))
            .filter(pl.col(ROW_NUMBER_COLUMN).is_in(rows))
            .collect()
        )
        return found.sort(ROW_NUMBER_COLUMN)


@contextmanager
def validated_file(
    source: Path | str | bytes,
    filename: str,
    ledger: LedgerKind,
    *,
    scope_prefix: str,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int = DEFAULT_MAX_ROWS,
    chunk_rows: int | None = None,
    today: datetime.date | None = None,
    progress: Progress | None = None,
) -> Iterator[StreamedValidation]:
    """Read and validate a ledger file in chunks of whole households; the result's
    `valid_chunks` are read from disk, so use them inside the block.

    Raises ImportFileError as `parsing.read_table` does. The errors, counts and valid rows
    are those of `validation.validate` on the whole file.
    """
    template = ledger.template
    chunk_rows = chunk_rows or settings.IMPORT_CHUNK_ROWS
    table = open_table(
        source, filename, max_bytes=max_bytes, max_rows=max_rows, batch_rows=chunk_rows
    )
    match = template.match_headers(list(table.headers))
    with tempfile.TemporaryDirectory(prefix="fupin-import-") as name:
        folder = Path(name)
        file_errors = header_errors(template, match.missing, match.duplicated)
        if file_errors:
            rows = sum(batch.height for batch in table.batches)
            result = ValidationResult(
                valid=pl.DataFrame(),
                errors=file_errors,
                summary=ValidationSummary(rows, 0, 0, rows),
                ignored_headers=match.unknown,
            )
            yield StreamedValidation(result, table.headers, ())
            return
        parts = max(1, -(-table.estimated_rows // chunk_rows))
        header_of = {column: header for header, column in match.columns_by_header.items()}
        key = header_of.get(group_column(template))
        raw_parts = _spill(table, folder, parts=parts, key=key)
        valid_files: list[Path] = []

        def keep(valid: pl.DataFrame) -> None:
            path = folder / f"valid-{len(valid_files):04d}.arrow"
            valid.write_ipc(path, compression=_SPILL_COMPRESSION)
            valid_files.append(path)

        chunks = [paths for paths in raw_parts if paths]
        lookups = ledger.lookups
        if len(chunks) > 1:
            lookups = _prefetched_lookups(
                ledger, [path for paths in chunks for path in paths], header_of
            )

        def checked_chunks() -> Iterator[pl.DataFrame]:
            for done, paths in enumerate(chunks):
                if progress:
                    progress(done, len(chunks))
                raw = pl.concat([_read(path) for path in paths], rechunk=False)
                yield template_table(raw, template, match.columns_by_header)

        checked = validate_chunks(
            checked_chunks(),
            ledger,
            scope_prefix=scope_prefix,
            lookups=lookups,
            today=today,
            keep=keep,
        )
        spilled = tuple(_valid_rows(path, checked.repeated) for path in valid_files)
        result = ValidationResult(
            valid=_empty_valid(valid_files),
            errors=checked.errors,
            summary=checked.summary,
            ignored_headers=match.unknown,
            spilled=spilled,
        )
        yield StreamedValidation(
            result, table.headers, tuple(path for paths in raw_parts for path in paths)
        )


def _prefetched_lookups(
    ledger: LedgerKind, files: list[Path], header_of: dict[str, str]
) -> Lookups:
    """The ledger's lookups, those it names asked once for the whole file's keys."""
    replaced: dict[str, PrefetchedLookup] = {}
    # Each question joins a slice of the file's keys with the members table: with the
    # default work_mem the join spilled to disk in batches (ADR 0033).
    with bulk_work_memory():
        for name, column in ledger.prefetched:
            lookup = getattr(ledger.lookups, name)
            if callable(lookup) and column in header_of:
                keys = file_keys(files, ledger.template, column, header_of[column])
                replaced[name] = prefetched(lookup, keys, ledger.prefetched_frames.get(name))
    return dataclasses.replace(ledger.lookups, **replaced)


def _spill(table: TableStream, folder: Path, *, parts: int, key: str | None) -> list[list[Path]]:
    """Write each batch's rows to the chunk file of their household; return the files of
    each chunk."""
    files: list[list[Path]] = [[] for _ in range(parts)]
    for batch_number, batch in enumerate(table.batches):
        if parts == 1:
            pieces = {0: batch}
        else:
            part = (chunk_of(key, parts) if key else pl.col(ROW_NUMBER_COLUMN) % parts).alias(_PART)
            pieces = {
                int(index): piece
                for (index,), piece in batch.with_columns(part)
                .partition_by(_PART, as_dict=True, include_key=False)
                .items()
            }
        for index, piece in pieces.items():
            path = folder / f"raw-{index:04d}-{batch_number:05d}.arrow"
            piece.write_ipc(path, compression=_SPILL_COMPRESSION)
            files[index].append(path)
        del batch, pieces
    return files


def _read(path: Path) -> pl.DataFrame:
    return pl.read_ipc(path)


def _valid_rows(path: Path, repeated: list[int]) -> pl.LazyFrame:
    rows = pl.scan_ipc(path)
    if repeated:
        rows = rows.filter(~pl.col(ROW_NUMBER_COLUMN).is_in(repeated))
    return rows


def _empty_valid(valid_files: list[Path]) -> pl.DataFrame:
    """An empty frame with the valid rows' columns and types."""
    if not valid_files:
        return pl.DataFrame()
    return pl.scan_ipc(valid_files[0]).head(0).collect()
