"""A generated household's path through the status events (建档立卡, 脱贫, 纳入监测,
风险消除), drawn from the profile's shares; the incomes follow the years it gives."""

import datetime
import random
from dataclasses import dataclass

from fupin.registry import codes
from fupin.registry.models import HouseholdStatusEvent
from fupin.registry.synthetic.profile import (
    ELIMINATION_METHODS,
    ELIMINATION_SHARE,
    EXIT_YEARS,
    EXITED_SUDDEN_SHARE,
    IDENTIFICATION_YEARS,
    MARGINAL_SHARE,
    ORDINARY_SUDDEN_SHARE,
    REFERENCE_DATE,
    REGISTRATION_YEARS,
    RISK_COUNT,
    RISK_TYPES,
    SUDDEN_RISK_TYPES,
    UNSTABLE_EXITED_SHARE,
)

# A status event before it has a household: kind, date, category, month, risks, method.
_Event = tuple[str, datetime.date, str, str, list[str], str]
Kind = HouseholdStatusEvent.Kind


@dataclass(frozen=True)
class History:
    """A household's path through the status events, as the incomes need it."""

    events: list[_Event]
    registration_year: int | None
    exit_year: int | None
    category: str
    identified_year: int | None
    eliminated_year: int | None


def draw_history(rng: random.Random) -> History:
    """Draw the status events (oldest first) and the years the incomes depend on."""
    events: list[_Event] = []
    draw = rng.random()
    registration_year = exit_year = None
    if draw < MARGINAL_SHARE + ORDINARY_SUDDEN_SHARE:
        sudden = draw < ORDINARY_SUDDEN_SHARE
        category = (
            codes.MonitoringCategory.SUDDEN_HARDSHIP
            if sudden
            else codes.MonitoringCategory.MARGINAL
        )
    else:
        registration_year = REGISTRATION_YEARS.draw(rng)
        registered_on = _day_between(
            rng, datetime.date(registration_year, 4, 1), datetime.date(registration_year, 10, 31)
        )
        events.append((Kind.REGISTERED_POOR, registered_on, "", "", [], ""))
        exit_year = max(registration_year, EXIT_YEARS.draw(rng))
        exited_on = _day_between(
            rng, datetime.date(exit_year, 11, 1), datetime.date(exit_year, 12, 31)
        )
        events.append((Kind.EXITED, exited_on, "", "", [], ""))
        draw = rng.random()
        if draw < UNSTABLE_EXITED_SHARE:
            category = codes.MonitoringCategory.UNSTABLE_EXITED
        elif draw < UNSTABLE_EXITED_SHARE + EXITED_SUDDEN_SHARE:
            category = codes.MonitoringCategory.SUDDEN_HARDSHIP
        else:
            return History(events, registration_year, exit_year, "", None, None)
    identified_year, eliminated_year = _monitoring_events(rng, events, category)
    return History(events, registration_year, exit_year, category, identified_year, eliminated_year)


def _monitoring_events(
    rng: random.Random, events: list[_Event], category: str
) -> tuple[int, int | None]:
    """Append 纳入监测 and, for most, a later 风险消除; return both years."""
    year = IDENTIFICATION_YEARS.draw(rng)
    month = rng.randint(1, 12)
    identified_on = datetime.date(year, month, rng.randint(1, 28))
    first_risks = (
        SUDDEN_RISK_TYPES if category == codes.MonitoringCategory.SUDDEN_HARDSHIP else RISK_TYPES
    )
    risks = [str(first_risks.draw(rng))]
    for _extra in range(RISK_COUNT.draw(rng) - 1):
        risk = str(RISK_TYPES.draw(rng))
        if risk not in risks:
            risks.append(risk)
    events.append(
        (Kind.MONITORING_IDENTIFIED, identified_on, category, f"{year}{month:02d}", risks, "")
    )
    # Risk is eliminated after at least six months of stable income (assisted or not).
    month_index = year * 12 + month - 1 + rng.randint(6, 18)
    if month_index > REFERENCE_DATE.year * 12 + 11 or rng.random() >= ELIMINATION_SHARE:
        return year, None
    eliminated_on = datetime.date(month_index // 12, month_index % 12 + 1, rng.randint(1, 28))
    method = ELIMINATION_METHODS.draw(rng)
    events.append((Kind.RISK_ELIMINATED, eliminated_on, "", "", [], method))
    return year, eliminated_on.year


def _day_between(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    offset = rng.randint(0, (last - first).days)
    return first + datetime.timedelta(days=offset)
