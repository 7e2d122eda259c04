"""Generate a synthetic county of registered households (DOMAIN §12) and write it in bulk.

The generator fills one county's real 村委会 (village codes whose digits 10–12 are 200–399)
with 建档立卡 and 防返贫监测 households: members with valid ID numbers, a status history,
yearly income for 2016–2025 and the 2025 living conditions. It is for demonstrations and
load tests; every value is drawn from the code tables and the statistical profile.

户编号 scheme: ``SYN`` + the 12-digit village code + a 5-digit running number within the
village, e.g. ``SYN22042110020100001`` (20 characters). ``SYN`` marks generated households,
so ``SYN`` + the county code is the prefix that finds (and, with ``replace``, deletes) a
county's generated data and nothing else.

ID numbers: the county code as address code, the member's birth date, a sequence that is
unique per (birth date, sex) within the run (odd for men, even for women) and the check
character. Numbers already held by other members are skipped, so the active-ID constraint
holds; the data depend only on the seed and the arguments unless such numbers exist.

Determinism: one ``random.Random(seed)`` draws everything in a fixed order, household after
household, so the same seed and arguments give the same 户编号, names, ID numbers and amounts
whatever the batch size. Ages and dates are relative to 2025-12-31, not to today.

The package: `profile` (the statistical tables), `generator` (draws households and
members as rows: mappings keyed by column), `history` (the status events), `income` (yearly
income and living conditions), `writer` (the row types and how they are written) and
`service` (the checks and the batches). Writing: rows are written with COPY on PostgreSQL
and batched ``executemany`` on SQLite, one transaction and one audit event per batch of
households.
Household ids are reserved before the rows are built (PostgreSQL: ``nextval`` of the id
sequence; SQLite: above both ``max(id)`` and ``sqlite_sequence`` while the batch's write
lock is held), so members, years and events can name their household without reading
anything back.
"""

from fupin.registry.synthetic.service import (
    DEFAULT_BATCH_HOUSEHOLDS,
    GenerationResult,
    household_bulk_generate,
)
from fupin.registry.synthetic.writer import generated_prefix

__all__ = [
    "DEFAULT_BATCH_HOUSEHOLDS",
    "GenerationResult",
    "generated_prefix",
    "household_bulk_generate",
]
