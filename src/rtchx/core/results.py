"""The cohort's counts and headline estimates, in one place for the CLI, the tests and the book."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pandas as pd

from rtchx.core import survival


@dataclass(frozen=True)
class Headline:
    """The main estimates of the series: counts, rates as fractions in [0, 1], times in months.

    Confidence intervals are lifelines' 95% log(-log) Greenwood intervals; the
    median's interval is read off that band (``inf`` where an edge never reaches
    50%); follow-up is the reverse Kaplan-Meier median. The fields keep the order
    and names of ``python -m rtchx results --json``.
    """

    n_patients: int
    local_failures: int
    deaths: int
    lc_2y: float
    lc_5y: float
    lc_5y_ci_low: float
    lc_5y_ci_high: float
    lc_at_risk_2y: int
    lc_restricted_mean_months: float
    lc_restricted_mean_horizon_months: float
    os_median_months: float
    os_median_ci_low: float
    os_median_ci_high: float
    os_2y: float
    os_5y: float
    os_5y_ci_low: float
    os_5y_ci_high: float
    followup_median_months: float

    def as_dict(self) -> dict[str, float | int]:
        """The fields as a flat dict, in field order (the command line's JSON)."""
        return dataclasses.asdict(self)


def headline(patients: pd.DataFrame) -> Headline:
    """The headline estimates of one patient table.

    Parameters
    ----------
    patients : DataFrame
        Table 3 (``data.load_patients``, with or without the derived columns).

    Returns
    -------
    Headline
        Counts, two- and five-year rates (fractions) with the five-year 95%
        intervals, the restricted mean of local control and its horizon, the
        median overall survival with its interval, and the median follow-up.

    Example
    -------
    >>> from rtchx.core import data
    >>> h = headline(data.load_patients())
    >>> round(h.lc_5y, 3), h.os_median_months, h.lc_at_risk_2y
    (0.7, 13.0, 4)
    """
    lc = survival.kaplan_meier(patients, "local_control")
    os_fit = survival.kaplan_meier(patients, "overall_survival")
    lc_band = survival.confidence_at(lc, 60)
    os_band = survival.confidence_at(os_fit, 60)
    os_median = survival.median_with_ci(os_fit)
    return Headline(
        n_patients=int(len(patients)),
        local_failures=int(patients["local_failure"].sum()),
        deaths=int((patients["status"] == "DOD").sum()),
        lc_2y=survival.survival_at(lc, 24),
        lc_5y=survival.survival_at(lc, 60),
        lc_5y_ci_low=lc_band.low,
        lc_5y_ci_high=lc_band.high,
        lc_at_risk_2y=survival.at_risk(patients, "local_control", 24),
        lc_restricted_mean_months=survival.restricted_mean(lc),
        lc_restricted_mean_horizon_months=float(lc.durations.max()),
        os_median_months=os_median.months,
        os_median_ci_low=os_median.low,
        os_median_ci_high=os_median.high,
        os_2y=survival.survival_at(os_fit, 24),
        os_5y=survival.survival_at(os_fit, 60),
        os_5y_ci_low=os_band.low,
        os_5y_ci_high=os_band.high,
        followup_median_months=survival.follow_up(patients).median_reverse_km,
    )


@dataclass(frozen=True)
class Cohort:
    """Who was treated: counts of patients from Table 3.

    Sizes are Table 1's classes (``data.size_class``) of the diameter initially and
    before radiotherapy; ``n_alive`` counts patients alive without disease at their
    last visit.
    """

    n_patients: int
    n_primary: int
    n_r2: int
    n_grade3: int
    n_head_neck: int
    n_gt10_initial: int
    n_gt10_before_rt: int
    n_local_failures: int
    n_deaths: int
    n_alive: int


def cohort(patients: pd.DataFrame) -> Cohort:
    """Count the patients of Table 3 by treatment block, grade, site, size, and outcome.

    Parameters
    ----------
    patients : DataFrame
        Table 3 with the derived columns (``data.with_derived_columns``).

    Returns
    -------
    Cohort
        The counts, each an int.

    Example
    -------
    >>> from rtchx.core import data
    >>> c = cohort(data.with_derived_columns(data.load_patients()))
    >>> c.n_patients, c.n_primary, c.n_r2, c.n_gt10_initial, c.n_gt10_before_rt
    (11, 7, 4, 6, 5)
    """
    died = patients["status"] == "DOD"
    return Cohort(
        n_patients=int(len(patients)),
        n_primary=int((patients["cohort"] == "primary").sum()),
        n_r2=int((patients["cohort"] == "after_r2_resection").sum()),
        n_grade3=int((patients["grade"] == 3).sum()),
        n_head_neck=int((patients["site"] == "head_neck").sum()),
        n_gt10_initial=int((patients["size_class_initial"] == ">10 cm").sum()),
        n_gt10_before_rt=int((patients["size_class_before_rt"] == ">10 cm").sum()),
        n_local_failures=int(patients["local_failure"].sum()),
        n_deaths=int(died.sum()),
        n_alive=int((~died).sum()),
    )
