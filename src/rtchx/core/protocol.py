"""The treatment protocol as the paper's methods and Figure 1 describe it.

These are facts of the schedule, not data about patients; they live here so that
the schedule figure, the inferred ifosfamide dose and the treatment-length check
all read them from one place.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

#: Years in which the patients were treated (Methods).
STUDY_YEARS = (1996, 2007)

#: Radiotherapy: one fraction a day, five days a week, 1.8 or 2.0 Gy per fraction, over 5 to 7 weeks.
FRACTIONS_PER_WEEK = 5
DOSE_PER_FRACTION_GY = (1.8, 2.0)
WEEKS_PLANNED = (5, 7)

#: Hyperfractionated courses (Table 3 "HF"): two fractions a day (Methods). The paper states neither their
#: fraction size nor their days a week or weeks; the schedule figure draws them on the once-daily frame.
FRACTIONS_PER_DAY_HYPERFRACTIONATED = 2

#: Ifosfamide: 1.0 or 1.5 g/m2 a day on five consecutive days, in week 1 and week 5.
IFOSFAMIDE_DAILY_DOSES_G_M2 = (1.0, 1.5)
IFOSFAMIDE_DAYS_PER_CYCLE = 5
IFOSFAMIDE_CYCLE_WEEKS = (1, 5)

#: Regional hyperthermia, where given: two sessions a week.
HYPERTHERMIA_SESSIONS_PER_WEEK = 2

#: The dose the paper's introduction cites for lasting control of gross disease ("at least 63 Gy",
#: Eckert et al. 2010, citing their reference 6); not part of this protocol, used to describe the cohort.
CURATIVE_DOSE_GY = 63


@dataclass(frozen=True)
class Course:
    """One radiotherapy schedule of the series and the patients of Table 3 who had it.

    ``dose_per_fraction_gy`` is empty where the paper does not state the fraction size
    (the twice-daily courses); ``ifosfamide_daily_g_m2`` is the daily dose inferred from
    each patient's total (``data.infer_ifosfamide_schedule``).
    """

    hyperfractionated: bool
    fractions_per_day: int
    dose_per_fraction_gy: tuple[float, ...]
    patients: tuple[int, ...]
    hyperthermia_patients: tuple[int, ...]
    ifosfamide_daily_g_m2: tuple[float, ...]

    @property
    def name(self) -> str:
        """The course as a reader names it."""
        return "Twice daily (hyperfractionated)" if self.hyperfractionated else "Once daily"


def courses(patients: pd.DataFrame) -> tuple[Course, Course]:
    """The once-daily and the twice-daily (hyperfractionated) courses, each with its patients.

    Parameters
    ----------
    patients : DataFrame
        Table 3 with the derived columns (``data.with_derived_columns``), which give
        the intended ifosfamide dose from which the daily dose follows.

    Returns
    -------
    (once_daily, twice_daily) : tuple of Course
        Patients numbered as in Table 3; daily ifosfamide doses sorted, without repeats.

    Example
    -------
    >>> from rtchx.core import data
    >>> once, twice = courses(data.with_derived_columns(data.load_patients()))
    >>> twice.patients, twice.fractions_per_day, twice.dose_per_fraction_gy
    ((3, 8), 2, ())
    """
    daily = patients["intended_ifosfamide_g_m2"] / (IFOSFAMIDE_DAYS_PER_CYCLE * len(IFOSFAMIDE_CYCLE_WEEKS))

    def course(hyperfractionated: bool) -> Course:
        mine = patients["hyperfractionated"] == hyperfractionated
        return Course(
            hyperfractionated=hyperfractionated,
            fractions_per_day=FRACTIONS_PER_DAY_HYPERFRACTIONATED if hyperfractionated else 1,
            dose_per_fraction_gy=() if hyperfractionated else DOSE_PER_FRACTION_GY,
            patients=tuple(int(n) for n in patients.loc[mine, "patient"]),
            hyperthermia_patients=tuple(int(n) for n in patients.loc[mine & patients["hyperthermia"], "patient"]),
            ifosfamide_daily_g_m2=tuple(sorted({round(float(d), 6) for d in daily[mine]})),
        )

    return course(False), course(True)


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


#: How Table 3 marks the once-daily course that an abscess interrupted (the paper reports its delay).
INTERRUPTION = "Interruption (abscess)"


def course_lengths(patients: pd.DataFrame, delay_weeks: float = 0.0) -> pd.DataFrame:
    """For each once-daily course: the fewest weeks its dose needs at 2.0 Gy a day, and whether that fits.

    Parameters
    ----------
    patients : DataFrame
        Table 3, one row per patient.
    delay_weeks : float
        Weeks added for the course interrupted by an abscess (``INTERRUPTION``): the
        paper reports the delay, Table 3 only marks the interruption.

    Returns
    -------
    DataFrame
        One row per once-daily course: ``patient``, ``dose_gy``, ``fewest_weeks``
        (``minimum_weeks`` plus the delay where interrupted), ``interrupted`` and
        ``within_planned`` (at most the longest of ``WEEKS_PLANNED``).

    Example
    -------
    >>> from rtchx.core import data
    >>> lengths = course_lengths(data.load_patients()).set_index("patient")
    >>> row = lengths.loc[7]   # 70.2 Gy: 36 fractions of 2.0 Gy, five a week
    >>> float(row["fewest_weeks"]), bool(row["within_planned"])
    (7.2, False)
    """
    once_daily = patients[~patients["hyperfractionated"]]
    interrupted = once_daily["toxicity"] == INTERRUPTION
    weeks = once_daily["dose_gy"].map(minimum_weeks) + interrupted * delay_weeks
    return pd.DataFrame({"patient": once_daily["patient"], "dose_gy": once_daily["dose_gy"], "fewest_weeks": weeks,
                         "interrupted": interrupted, "within_planned": weeks <= max(WEEKS_PLANNED)}
                        ).reset_index(drop=True)


def dose_step_gy() -> float:
    """The finest step in which mixes of the two fraction sizes add up (their greatest common divisor, in Gy)."""
    small, large = (round(10 * size) for size in DOSE_PER_FRACTION_GY)
    return math.gcd(small, large) / 10


def largest_unreachable_total_gy() -> float:
    """The largest total (a multiple of ``dose_step_gy``) that no mix of the two fraction sizes reaches.

    With sizes a and b in units of the step and no common factor, every whole
    number beyond a * b - a - b is a sum of a's and b's, and that one is not
    (Sylvester): 9 and 10 tenths of 0.2 Gy give 9 * 10 - 9 - 10 = 71 steps, 14.2 Gy.

    Example
    -------
    >>> largest_unreachable_total_gy()
    14.2
    """
    step = dose_step_gy()
    a, b = (round(size / step) for size in DOSE_PER_FRACTION_GY)
    return round((a * b - a - b) * step, 6)
