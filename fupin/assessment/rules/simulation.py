"""What-if comparison of two evaluations of the same households (nothing is persisted)."""

from collections.abc import Mapping, Sequence

import polars as pl

# Region levels a simulation can group by, as prefixes of the 12-digit village code.
REGION_LEVELS: Mapping[str, int] = {
    "province": 2,
    "city": 4,
    "county": 6,
    "town": 9,
    "village": 12,
}
_RISK_RANK = {"blue": 1, "orange": 2, "red": 3}
COMPARISON_COLUMNS = (
    "households",
    "monitoring_eligible_before",
    "monitoring_eligible_after",
    "entering_monitoring",
    "leaving_monitoring",
    "risk_level_changed",
    "risk_level_raised",
    "risk_level_lowered",
    "becoming_elimination_eligible",
    "leaving_elimination_eligible",
)


class SimulationError(ValueError):
    """Outcomes and facts that cannot be compared."""


def compare(
    before: pl.DataFrame,
    after: pl.DataFrame,
    facts: pl.DataFrame,
    group_by: Sequence[str],
) -> pl.DataFrame:
    """Count per group the households whose outcome changes between two evaluations.

    `group_by` names fact columns or region levels (province, city, county, town, village:
    prefixes of `region_code`). Households are matched on household_id; one that is missing
    from either outcome raises SimulationError rather than being silently dropped.
    """
    groups = [_group_column(facts, name) for name in group_by]
    households = facts["household_id"]
    # Eager frames: at a million households a lazy plan over the same columns, collected
    # for the check and again for the counts, costs several times as much.
    if households.equals(before["household_id"]) and households.equals(after["household_id"]):
        # Both evaluations in the facts' order (as the engine keeps it): side by side,
        # without joining a million rows twice.
        joined = pl.concat(
            [
                facts.select(pl.col("household_id"), *groups),
                _renamed(before, "before").drop("household_id"),
                _renamed(after, "after").drop("household_id"),
            ],
            how="horizontal",
        )
    else:
        joined = (
            facts.select(pl.col("household_id"), *groups)
            .join(_renamed(before, "before"), on="household_id", how="left")
            .join(_renamed(after, "after"), on="household_id", how="left")
        )
    unmatched = joined.select(
        (
            pl.col("monitoring_eligible_before").is_null()
            | pl.col("monitoring_eligible_after").is_null()
        ).sum()
    ).item()
    if unmatched:
        raise SimulationError(f"有 {unmatched} 户在比较前后的评估结果中缺失")
    rank_before = _rank(pl.col("risk_level_before"))
    rank_after = _rank(pl.col("risk_level_after"))
    eligible_before = pl.col("monitoring_eligible_before")
    eligible_after = pl.col("monitoring_eligible_after")
    elimination_before = pl.col("elimination_eligible_before")
    elimination_after = pl.col("elimination_eligible_after")
    counts = [
        pl.len().alias("households"),
        eligible_before.sum().alias("monitoring_eligible_before"),
        eligible_after.sum().alias("monitoring_eligible_after"),
        (~eligible_before & eligible_after).sum().alias("entering_monitoring"),
        (eligible_before & ~eligible_after).sum().alias("leaving_monitoring"),
        (rank_before != rank_after).sum().alias("risk_level_changed"),
        (rank_after > rank_before).sum().alias("risk_level_raised"),
        (rank_after < rank_before).sum().alias("risk_level_lowered"),
        (~elimination_before & elimination_after).sum().alias("becoming_elimination_eligible"),
        (elimination_before & ~elimination_after).sum().alias("leaving_elimination_eligible"),
    ]
    group_names = list(group_by)
    if not group_names:
        return joined.select(counts)
    return joined.group_by(group_names).agg(counts).sort(group_names)


def _rank(level: pl.Expr) -> pl.Expr:
    """A risk level's rank (none 0 … red 3): comparisons of the few literals cost a
    quarter of a lookup table's replacement over a million rows."""
    ranked = pl.lit(0)
    for name, rank in sorted(_RISK_RANK.items(), key=lambda item: item[1]):
        ranked = pl.when(level == name).then(pl.lit(rank)).otherwise(ranked)
    return ranked


def _group_column(facts: pl.DataFrame, name: str) -> pl.Expr:
    if name in REGION_LEVELS:
        return pl.col("region_code").str.slice(0, REGION_LEVELS[name]).alias(name)
    if name not in facts.columns:
        levels = "、".join(REGION_LEVELS)
        raise SimulationError(f"不能按 {name} 分组：既不是事实字段，也不是区划层级（{levels}）")
    return pl.col(name)


def _renamed(outcome: pl.DataFrame, suffix: str) -> pl.DataFrame:
    return outcome.select(
        pl.col("household_id"),
        *(
            pl.col(name).alias(f"{name}_{suffix}")
            for name in ("monitoring_eligible", "risk_level", "elimination_eligible")
        ),
    )
