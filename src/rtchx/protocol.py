"""The treatment protocol as the paper's methods and Figure 1 describe it.

These are facts of the schedule, not data about patients; they live here so that
the schedule figure, the inferred ifosfamide dose and the treatment-length check
all read them from one place.
"""

from __future__ import annotations

import math

#: Years in which the patients were treated (Methods).
STUDY_YEARS = (1996, 2007)

#: Radiotherapy: one fraction a day, five days a week, 1.8 or 2.0 Gy per fraction, over 5 to 7 weeks.
FRACTIONS_PER_WEEK = 5
DOSE_PER_FRACTION_GY = (1.8, 2.0)
WEEKS_PLANNED = (5, 7)

#: Ifosfamide: 1.0 or 1.5 g/m2 a day on five consecutive days, in week 1 and week 5.
IFOSFAMIDE_DAILY_DOSES_G_M2 = (1.0, 1.5)
IFOSFAMIDE_DAYS_PER_CYCLE = 5
IFOSFAMIDE_CYCLE_WEEKS = (1, 5)

#: Regional hyperthermia, where given: two sessions a week.
HYPERTHERMIA_SESSIONS_PER_WEEK = 2

#: The dose the paper's introduction cites for lasting control of gross disease ("at least 63 Gy",
#: Eckert et al. 2010, citing their reference 6); not part of this protocol, used to describe the cohort.
CURATIVE_DOSE_GY = 63


def minimum_weeks(dose_gy: float, hyperfractionated: bool = False) -> float | None:
    """Shortest once-daily course (weeks) that delivers ``dose_gy`` at the largest fraction, 2.0 Gy.

    Returns None for twice-daily (hyperfractionated) courses, whose fraction size
    the paper does not give.
    """
    if dose_gy < 0:
        raise ValueError("a dose cannot be negative")
    if hyperfractionated:
        return None
    return math.ceil(round(dose_gy / max(DOSE_PER_FRACTION_GY), 9)) / FRACTIONS_PER_WEEK


def whole_fractions(dose_gy: float) -> bool:
    """Whether a total dose is a whole number of fractions of one of the stated sizes (1.8 or 2.0 Gy)."""
    return any(abs(dose_gy / size - round(dose_gy / size)) < 1e-6 for size in DOSE_PER_FRACTION_GY)
