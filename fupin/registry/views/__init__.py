"""Registry pages, split by sub-domain: region codes and households."""

from fupin.registry.views.households import (
    household_card,
    household_cards,
    household_conditions_edit,
    household_create,
    household_detail,
    household_edit,
    household_export,
    household_list,
    household_reveal,
    household_year_edit,
    member_add,
    member_edit,
    member_remove,
    member_reveal,
)
from fupin.registry.views.regions import (
    region_browse,
    region_load,
    region_load_start,
    region_picker,
    region_picker_public,
    region_search,
)

__all__ = [
    "household_card",
    "household_cards",
    "household_conditions_edit",
    "household_create",
    "household_detail",
    "household_edit",
    "household_export",
    "household_list",
    "household_reveal",
    "household_year_edit",
    "member_add",
    "member_edit",
    "member_remove",
    "member_reveal",
    "region_browse",
    "region_load",
    "region_load_start",
    "region_picker",
    "region_picker_public",
    "region_search",
]
