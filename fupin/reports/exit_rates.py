"""The county exit (摘帽) test "三率一度" (DOMAIN §6), as pure functions over counts.

    贫困发生率     = 建档立卡贫困人口 / 乡村总人口
    错退率         = 抽样错退人口 / 抽样脱贫人口
    漏评率         = 核实漏评人口 / 抽查村未建档立卡农村人口
    群众认可度     = 认可户数 / 调查户数
    综合贫困发生率 = (剩余贫困人口 + 漏评率 × 非建档立卡人口 + 错退率 × 脱贫人口) / 乡村总人口

Sample rates carry a 95 % Wilson interval. People are counted as if drawn one by one; the
survey draws households, so the true interval is somewhat wider (a design effect the
official method does not state either).
"""

import math
from dataclasses import dataclass
from fractions import Fraction

Z_95 = 1.959964


@dataclass(frozen=True)
class Rate:
    numerator: int
    denominator: int
    low: float
    high: float

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    @property
    def exact(self) -> Fraction | None:
        """The rate as a fraction, for comparing with a limit: 90 of 100 is exactly 90 %."""
        return Fraction(self.numerator, self.denominator) if self.denominator else None


def wilson(numerator: int, denominator: int, z: float = Z_95) -> Rate:
    """A proportion with its Wilson score interval (sound near 0 %, where exit rates live)."""
    if denominator <= 0:
        return Rate(numerator, denominator, 0.0, 1.0)
    share = numerator / denominator
    spread = z * z / denominator
    centre = (share + spread / 2) / (1 + spread)
    half = (
        z * math.sqrt(share * (1 - share) / denominator + spread / (4 * denominator)) / (1 + spread)
    )
    return Rate(numerator, denominator, max(0.0, centre - half), min(1.0, centre + half))


@dataclass(frozen=True)
class Thresholds:
    """The limits a county must meet (configuration: 2 % or 3 % in the west, 90 %)."""

    poverty_rate_max: Fraction
    wrong_exit_max: Fraction
    missed_max: Fraction
    approval_min: Fraction


@dataclass(frozen=True)
class Population:
    rural: int  # 乡村总人口
    registered: int  # 建档立卡人口 (贫困 + 脱贫)
    remaining_poor: int  # 剩余贫困人口
    exited: int  # 脱贫人口


@dataclass(frozen=True)
class SurveyCounts:
    sampled_exited_people: int
    wrong_exit_people: int
    sampled_outside_people: int
    missed_people: int
    surveyed_households: int
    approving_households: int


@dataclass(frozen=True)
class ThreeRates:
    wrong_exit: Rate
    missed: Rate
    approval: Rate
    comprehensive: float | None
    comprehensive_low: float | None
    comprehensive_high: float | None
    failures: list[str]  # codes of the tests failed

    @property
    def passes(self) -> bool:
        return not self.failures


def _comprehensive(
    population: Population, missed: Fraction | float, wrong: Fraction | float
) -> Fraction | float | None:
    if population.rural <= 0:
        return None
    outside = max(population.rural - population.registered, 0)
    return (population.remaining_poor + missed * outside + wrong * population.exited) / (
        population.rural
    )


def three_rates(population: Population, survey: SurveyCounts, thresholds: Thresholds) -> ThreeRates:
    """The rates, their intervals and which configured limits they fail."""
    wrong = wilson(survey.wrong_exit_people, survey.sampled_exited_people)
    missed = wilson(survey.missed_people, survey.sampled_outside_people)
    approval = wilson(survey.approving_households, survey.surveyed_households)
    exact = _comprehensive(population, missed.exact or Fraction(0), wrong.exact or Fraction(0))
    low = _comprehensive(population, missed.low, wrong.low)
    high = _comprehensive(population, missed.high, wrong.high)
    failures = []
    if exact is None or exact >= thresholds.poverty_rate_max:
        failures.append("comprehensive")
    if wrong.exact is None or wrong.exact >= thresholds.wrong_exit_max:
        failures.append("wrong_exit")
    if missed.exact is None or missed.exact >= thresholds.missed_max:
        failures.append("missed")
    if approval.exact is None or approval.exact <= thresholds.approval_min:
        failures.append("approval")
    return ThreeRates(
        wrong,
        missed,
        approval,
        float(exact) if exact is not None else None,
        float(low) if low is not None else None,
        float(high) if high is not None else None,
        failures,
    )
