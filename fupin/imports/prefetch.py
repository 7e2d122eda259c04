"""Registry lookups asked once for a whole file rather than once per chunk.

A file validated in chunks asks each lookup once per chunk, and the registry answers each
question by reading its members or households: a re-import of 1,000,000 members asked the
same tables ten times over. Once the file is spread over its chunk files, the keys of the
whole file are read back (one or two columns, cleaned as the checks will clean them) and
each lookup is asked for them once; the chunks are then answered from that answer. A key
the cleaning here did not foresee (an old 15-digit number upgraded by the check, say) is
asked of the registry as before, so the answers are the same either way.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from fupin.core.lookups import POSTGRESQL_CHUNK
from fupin.imports.declarations import Template
from fupin.imports.normalizing import cleaned_text

_KEY = "key"
_VALUE = "value"


@dataclass(frozen=True)
class PrefetchedLookup:
    """A lookup answered from one question for the file's keys (`keys`; the answers as
    rows of `answers`); other keys go to `lookup`."""

    lookup: Callable[[list[str]], Mapping[str, Any]]
    keys: pl.Series
    answers: pl.DataFrame

    def __call__(self, values: list[str]) -> dict[str, Any]:
        # Joins, not is_in: is_in hashes the file's million keys again at every call.
        asked = pl.DataFrame({_KEY: values}, schema={_KEY: pl.String})
        answer: dict[str, Any] = dict(self.answers.join(asked, on=_KEY, how="semi").iter_rows())
        rest = asked.join(self.keys.to_frame(_KEY), on=_KEY, how="anti").to_series().to_list()
        if rest:
            answer.update(self.lookup(rest))
        return answer


def prefetched(
    lookup: Callable[[list[str]], Mapping[str, Any]],
    keys: pl.Series,
    frame: Callable[[list[str]], pl.DataFrame] | None = None,
) -> PrefetchedLookup:
    """Ask `lookup` for `keys` (in slices, so no answer is held as Python objects whole),
    or `frame`, the same question answered as a frame of `key` and `value`, when given."""
    keys = keys.drop_nulls().unique()
    if frame is not None:
        return PrefetchedLookup(lookup, keys, frame(keys.to_list()))
    parts: list[pl.DataFrame] = []
    for start in range(0, keys.len(), POSTGRESQL_CHUNK):
        answer = lookup(keys.slice(start, POSTGRESQL_CHUNK).to_list())
        if not answer:
            continue
        # Values are text, or lists of text (a household's heads).
        listed = isinstance(next(iter(answer.values())), list)
        value_type = pl.List(pl.String) if listed else pl.String
        parts.append(
            pl.DataFrame(
                list(answer.items()),
                schema={_KEY: pl.String, _VALUE: value_type},
                orient="row",
            )
        )
        del answer
    answers = (
        pl.concat(parts) if parts else pl.DataFrame(schema={_KEY: pl.String, _VALUE: pl.String})
    )
    return PrefetchedLookup(lookup, keys, answers)


def file_keys(files: Sequence[Path], template: Template, column: str, header: str) -> pl.Series:
    """The cleaned values of `column` (written under `header`) in the chunk files: ID
    numbers as the bulk ID check reads them, other text as `cleaned_text` cleans it."""
    raw = pl.col(header).cast(pl.String)
    if template.column(column).kind == "id_number":
        cleaned = raw.str.strip_chars().str.to_uppercase()
    else:
        cleaned = cleaned_text(raw)
    return pl.scan_ipc(list(files)).select(cleaned.alias(_KEY)).collect().to_series()
