"""The Alkire–Foster counting measures of multidimensional poverty (DOMAIN §11).

Alkire & Foster (2011), "Counting and multidimensional poverty measurement", J. Public
Economics 95(7–8):476–487; notation of Alkire et al. (2015), ch. 5. Pure Python over exact
fractions: a float sum of equal weights can fall just below an equal cutoff k and drop a
person who is poor by definition.

Units are people or households; a household counts with its size (`sizes`), which replaces
1/n by s_i/N throughout.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

Number = int | Fraction


@dataclass(frozen=True)
class Measures:
    """M0 = H × A, with the headcounts and contributions of each indicator."""

    population: Fraction
    poor: Fraction
    headcount_ratio: Fraction  # H
    intensity: Fraction  # A
    adjusted_headcount: Fraction  # M0
    adjusted_poverty_gap: Fraction  # M1 (cardinal indicators only)
    adjusted_fgt: Fraction  # M2
    uncensored_headcounts: list[Fraction]  # h_j
    censored_headcounts: list[Fraction]  # h_j(k)
    contributions: list[Fraction]  # φ_j, summing to 1 when M0 > 0


def _fraction(value: Number) -> Fraction:
    return Fraction(value)


def measure(
    achievements: Sequence[Sequence[Number]],
    *,
    cutoffs: Sequence[Number],
    weights: Sequence[Number],
    k: Number,
    sizes: Sequence[int] | None = None,
) -> Measures:
    """The AF measures of a population.

    `achievements[i][j]` is unit i's achievement in indicator j; it is deprived when strictly
    below `cutoffs[j]` (a yes/no indicator is 1 achieved, 0 not, with cutoff 1). Weights are
    either normalised (Σw = 1, k in (0, 1]) or counts (Σw = d, k in [1, d]); a unit is poor
    when its weighted deprivation score reaches k (inclusive).
    """
    weight = [_fraction(w) for w in weights]
    cutoff = [_fraction(z) for z in cutoffs]
    if len(weight) != len(cutoff) or not weight or any(w <= 0 for w in weight):
        raise ValueError("one positive weight and one cutoff per indicator")
    total_weight = sum(weight, Fraction(0))
    threshold = _fraction(k)
    units = [[_fraction(x) for x in row] for row in achievements]
    size = [Fraction(s) for s in sizes] if sizes is not None else [Fraction(1)] * len(units)
    population = sum(size, Fraction(0))
    indicators = range(len(weight))
    uncensored = [Fraction(0)] * len(weight)
    censored = [Fraction(0)] * len(weight)
    poor = Fraction(0)
    score_of_poor = Fraction(0)
    gaps = Fraction(0)
    squared_gaps = Fraction(0)
    for row, s in zip(units, size, strict=True):
        deprived = [row[j] < cutoff[j] for j in indicators]
        score = sum((weight[j] for j in indicators if deprived[j]), Fraction(0))
        for j in indicators:
            if deprived[j]:
                uncensored[j] += s
        if score < threshold or score == 0:
            continue
        poor += s
        score_of_poor += s * score
        for j in indicators:
            if deprived[j]:
                censored[j] += s
                gap = (cutoff[j] - row[j]) / cutoff[j] if cutoff[j] else Fraction(1)
                gaps += s * weight[j] * gap
                squared_gaps += s * weight[j] * gap * gap
    if population == 0:
        nothing = Fraction(0)
        zeros = [nothing] * len(weight)
        return Measures(
            nothing, nothing, nothing, nothing, nothing, nothing, nothing, zeros, zeros, zeros
        )
    headcount_ratio = poor / population
    intensity = score_of_poor / (poor * total_weight) if poor else Fraction(0)
    adjusted = headcount_ratio * intensity
    censored_ratio = [value / population for value in censored]
    return Measures(
        population=population,
        poor=poor,
        headcount_ratio=headcount_ratio,
        intensity=intensity,
        adjusted_headcount=adjusted,
        adjusted_poverty_gap=gaps / (population * total_weight),
        adjusted_fgt=squared_gaps / (population * total_weight),
        uncensored_headcounts=[value / population for value in uncensored],
        censored_headcounts=censored_ratio,
        contributions=[
            weight[j] / total_weight * censored_ratio[j] / adjusted if adjusted else Fraction(0)
            for j in indicators
        ],
    )


@dataclass(frozen=True)
class Subgroup:
    name: str
    share: Fraction  # n_ℓ / n
    measures: Measures
    contribution: Fraction  # (n_ℓ/n) M0_ℓ / M0


def measure_by_subgroup(
    achievements: Sequence[Sequence[Number]],
    groups: Sequence[str],
    *,
    cutoffs: Sequence[Number],
    weights: Sequence[Number],
    k: Number,
    sizes: Sequence[int] | None = None,
) -> tuple[Measures, list[Subgroup]]:
    """The whole population's measures and each subgroup's; M0 is the population-weighted
    sum of the subgroups' M0 (subgroup decomposability)."""
    whole = measure(achievements, cutoffs=cutoffs, weights=weights, k=k, sizes=sizes)
    members: dict[str, list[int]] = {}
    for index, group in enumerate(groups):
        members.setdefault(group, []).append(index)
    subgroups = []
    for name, indices in members.items():
        part = measure(
            [achievements[i] for i in indices],
            cutoffs=cutoffs,
            weights=weights,
            k=k,
            sizes=[sizes[i] for i in indices] if sizes is not None else None,
        )
        share = part.population / whole.population if whole.population else Fraction(0)
        contribution = (
            share * part.adjusted_headcount / whole.adjusted_headcount
            if whole.adjusted_headcount
            else Fraction(0)
        )
        subgroups.append(Subgroup(name, share, part, contribution))
    return whole, subgroups
