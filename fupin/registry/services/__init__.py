"""Registry writes, split by sub-domain: region codes, households, members, yearly records,
status events, bulk upserts and assessment results."""

from fupin.registry.services.assessment_results import household_assessment_bulk_update
from fupin.registry.services.bulk import (
    BulkResult,
    RecordBulkResult,
    household_conditions_bulk_upsert,
    household_year_bulk_upsert,
    member_bulk_upsert,
)
from fupin.registry.services.households import (
    ConcurrentEditError,
    HouseholdData,
    MemberData,
    household_number_next,
    household_register,
    household_reveal_contact,
    household_update,
)
from fupin.registry.services.members import (
    member_add,
    member_move,
    member_remove,
    member_reveal_id_number,
    member_update,
)
from fupin.registry.services.records import household_conditions_record, household_year_record
from fupin.registry.services.regions import (
    REGION_LOAD_BATCH_ROWS,
    RegionLoadResult,
    region_bulk_load,
    region_load_job_run,
    region_load_start,
)
from fupin.registry.services.stale import household_stale_mark, household_stale_resolve
from fupin.registry.services.status import household_status_record

__all__ = [
    "REGION_LOAD_BATCH_ROWS",
    "BulkResult",
    "ConcurrentEditError",
    "HouseholdData",
    "MemberData",
    "RecordBulkResult",
    "RegionLoadResult",
    "household_assessment_bulk_update",
    "household_conditions_bulk_upsert",
    "household_conditions_record",
    "household_number_next",
    "household_register",
    "household_reveal_contact",
    "household_stale_mark",
    "household_stale_resolve",
    "household_status_record",
    "household_update",
    "household_year_bulk_upsert",
    "household_year_record",
    "member_add",
    "member_bulk_upsert",
    "member_move",
    "member_remove",
    "member_reveal_id_number",
    "member_update",
    "region_bulk_load",
    "region_load_job_run",
    "region_load_start",
]
