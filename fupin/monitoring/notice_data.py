"""Notices published before a 公告 could list many households: the data migration that
gives each its village, its one case in `cases` and its content as rows, kept here so the
test can run it on today's models."""

from typing import Any


def notices_fill_region_and_rows(notice_model: Any) -> int:
    """Give every notice whose content is still one household's fields (no ``rows``) its
    case's village as region, that case in `cases`, and the fields as its one row; returns
    how many were filled. Run again it changes nothing."""
    filled = 0
    for notice in notice_model.objects.exclude(content__has_key="rows").select_related("case"):
        notice.region_id = notice.case.village_id
        notice.content = {"case_kind": notice.case.kind, "rows": [notice.content]}
        notice.save(update_fields=["region", "content"])
        notice.cases.add(notice.case)
        filled += 1
    return filled


def notices_fold_single_rows(notice_model: Any) -> int:
    """The way back: a notice of one household gets its fields as its content again, as
    the code before read it; a 公告 of many households has no such form and stays."""
    folded = 0
    for notice in notice_model.objects.filter(content__has_key="rows"):
        if len(notice.content["rows"]) == 1 and notice.case_id is not None:
            notice.content = notice.content["rows"][0]
            notice.save(update_fields=["content"])
            folded += 1
    return folded
