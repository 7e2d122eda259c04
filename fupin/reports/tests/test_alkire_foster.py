"""The Alkire–Foster measures reproduce the worked example of Alkire & Foster (2011)."""

from fractions import Fraction

import pytest

from fupin.reports.alkire_foster import measure, measure_by_subgroup

# Alkire & Foster (2011), section 2: four people, four dimensions (income, years of
# schooling, a health score, access to health insurance) and the cutoffs z.
ACHIEVEMENTS = [
    [700, 14, 4, 1],
    [300, 13, 3, 0],
    [400, 10, 1, 0],
    [800, 11, 3, 1],
]
CUTOFFS = [500, 12, 3, 1]
EQUAL = [1, 1, 1, 1]


def test_the_worked_example_with_k_2_is_reproduced_exactly() -> None:
    # the deprivation counts are c = (0, 2, 4, 1): with k = 2 persons 2 and 3 are poor
    result = measure(ACHIEVEMENTS, cutoffs=CUTOFFS, weights=EQUAL, k=2)
    assert result.poor == 2
    assert result.headcount_ratio == Fraction(1, 2)
    assert result.intensity == Fraction(3, 4)
    assert result.adjusted_headcount == Fraction(3, 8)
    # normalised gaps of the poor: (0.4, 0, 0, 1) and (0.2, 1/6, 2/3, 1)
    assert result.adjusted_poverty_gap == Fraction(103, 480)
    assert result.adjusted_fgt == Fraction(481, 2880)
    assert result.uncensored_headcounts == [
        Fraction(1, 2),
        Fraction(1, 2),
        Fraction(1, 4),
        Fraction(1, 2),
    ]
    # person 4's schooling deprivation is censored: they are not poor
    assert result.censored_headcounts == [
        Fraction(1, 2),
        Fraction(1, 4),
        Fraction(1, 4),
        Fraction(1, 2),
    ]
    assert result.contributions == [Fraction(1, 3), Fraction(1, 6), Fraction(1, 6), Fraction(1, 3)]
    assert sum(result.contributions) == 1


@pytest.mark.parametrize(
    ("k", "headcount", "intensity"),
    [
        (1, Fraction(3, 4), Fraction(7, 12)),
        (2, Fraction(1, 2), Fraction(3, 4)),
        (3, Fraction(1, 4), Fraction(1)),
        (4, Fraction(1, 4), Fraction(1)),
    ],
)
def test_union_to_intersection(k: int, headcount: Fraction, intensity: Fraction) -> None:
    result = measure(ACHIEVEMENTS, cutoffs=CUTOFFS, weights=EQUAL, k=k)
    assert (result.headcount_ratio, result.intensity) == (headcount, intensity)
    assert result.adjusted_headcount == headcount * intensity


def test_normalised_weights_give_the_same_measures_as_counts() -> None:
    counted = measure(ACHIEVEMENTS, cutoffs=CUTOFFS, weights=EQUAL, k=2)
    normalised = measure(
        ACHIEVEMENTS, cutoffs=CUTOFFS, weights=[Fraction(1, 4)] * 4, k=Fraction(1, 2)
    )
    assert normalised == counted


def test_a_score_equal_to_k_is_poor_even_with_tenths() -> None:
    # three deprivations of weight 1/10 reach k = 3/10 exactly; summed as floats they
    # need not
    rows = [[0, 0, 0, 1, 1, 1, 1, 1, 1, 1]]
    result = measure(rows, cutoffs=[1] * 10, weights=[Fraction(1, 10)] * 10, k=Fraction(3, 10))
    assert result.headcount_ratio == 1


def test_households_count_with_their_size_and_subgroups_decompose_m0() -> None:
    sizes = [1, 3, 2, 4]
    whole, groups = measure_by_subgroup(
        ACHIEVEMENTS, ["甲", "甲", "乙", "乙"], cutoffs=CUTOFFS, weights=EQUAL, k=2, sizes=sizes
    )
    # persons 2 and 3 are poor, carrying 3 + 2 of 10 people
    assert whole.headcount_ratio == Fraction(5, 10)
    assert whole.intensity == Fraction(3 * 2 + 2 * 4, 5 * 4)
    assert sum(group.share * group.measures.adjusted_headcount for group in groups) == (
        whole.adjusted_headcount
    )
    assert sum(group.contribution for group in groups) == 1
