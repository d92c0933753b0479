"""The cohort's counts and headline estimates, in one place for the CLI, the tests and the book."""

from __future__ import annotations

import dataclasses
import math
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

    An estimate the data in hand cannot give is never NaN or a carried-on value:
    a rate past the last follow-up is None, a median the curve never reaches stays
    ``inf`` (as its interval's edges, and the JSON prints null), and
    ``not_computable`` maps each such field to the reason; ``as_dict`` adds that map
    only when it is not empty, so the JSON of data that give every estimate is unchanged.
    """

    n_patients: int
    local_failures: int
    deaths: int
    lc_2y: float | None
    lc_5y: float | None
    lc_5y_ci_low: float | None
    lc_5y_ci_high: float | None
    lc_at_risk_2y: int
    lc_restricted_mean_months: float
    lc_restricted_mean_horizon_months: float
    os_median_months: float
    os_median_ci_low: float
    os_median_ci_high: float
    os_2y: float | None
    os_5y: float | None
    os_5y_ci_low: float | None
    os_5y_ci_high: float | None
    followup_median_months: float
    not_computable: dict[str, str] = dataclasses.field(default_factory=dict)

    def as_dict(self) -> dict[str, float | int | None | dict[str, str]]:
        """The fields as a flat dict, in field order (the command line's JSON); ``not_computable`` only if any."""
        out = dataclasses.asdict(self)
        if not out["not_computable"]:
            del out["not_computable"]
        return out


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
    missing: dict[str, str] = {}

    def at(fit, months: float, *fields: str) -> tuple[float | None, ...]:
        """The estimate at ``months`` and its band, or None for each field (with the reason) past the data."""
        beyond = survival.beyond_follow_up(fit, months)
        if beyond is not None:
            missing.update(dict.fromkeys(fields, beyond))
            return (None,) * len(fields)
        band = survival.confidence_at(fit, months)
        return (survival.survival_at(fit, months), band.low, band.high)[:len(fields)]

    lc_2y, = at(lc, 24, "lc_2y")
    lc_5y, lc_low, lc_high = at(lc, 60, "lc_5y", "lc_5y_ci_low", "lc_5y_ci_high")
    os_2y, = at(os_fit, 24, "os_2y")
    os_5y, os_low, os_high = at(os_fit, 60, "os_5y", "os_5y_ci_low", "os_5y_ci_high")
    os_median = survival.median_with_ci(os_fit)
    if math.isinf(os_median.months):   # kept infinite, as the book's months_text and the interval's edges read it
        missing["os_median_months"] = (f"not reached: overall survival stays above 50% up to the last follow-up "
                                       f"at {float(os_fit.durations.max()):g} months")
    follow_up = survival.follow_up(patients).median_reverse_km
    if math.isinf(follow_up):
        missing["followup_median_months"] = "not reached: too few patients were last seen alive"
    return Headline(
        n_patients=int(len(patients)),
        local_failures=int(patients["local_failure"].sum()),
        deaths=int((patients["status"] == "DOD").sum()),
        lc_2y=lc_2y,
        lc_5y=lc_5y,
        lc_5y_ci_low=lc_low,
        lc_5y_ci_high=lc_high,
        lc_at_risk_2y=survival.at_risk(patients, "local_control", 24),
        lc_restricted_mean_months=survival.restricted_mean(lc),
        lc_restricted_mean_horizon_months=float(lc.durations.max()),
        os_median_months=os_median.months,
        os_median_ci_low=os_median.low,
        os_median_ci_high=os_median.high,
        os_2y=os_2y,
        os_5y=os_5y,
        os_5y_ci_low=os_low,
        os_5y_ci_high=os_high,
        followup_median_months=follow_up,
        not_computable=missing,
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
