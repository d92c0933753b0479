"""Endpoints and Kaplan-Meier estimates for the cohort.

Times are months from the first day of treatment, as in the paper. Two
endpoints can be rebuilt patient by patient from Table 3:

* overall survival: time ``os_months``, event = death (status DOD);
* local control: time ``lc_months``, event = local failure (LF); a patient who
  died without local failure is censored at death, which is how the paper's
  reported local-control figures come out (see the tests).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import numpy as np
import pandas as pd
from lifelines import AalenJohansenFitter, KaplanMeierFitter
from lifelines.statistics import multivariate_logrank_test
from lifelines.utils import restricted_mean_survival_time

#: endpoint name -> (time column, how to read the event, label for readers)
ENDPOINTS = {
    "overall_survival": ("os_months", lambda p: p["status"] == "DOD", "Overall survival"),
    "local_control": ("lc_months", lambda p: p["local_failure"], "Local control"),
}


def endpoint(patients: pd.DataFrame, name: str) -> tuple[pd.Series, pd.Series]:
    """(durations in months, event indicator) for one endpoint."""
    if name not in ENDPOINTS:
        raise ValueError(f"unknown endpoint {name!r}; choose one of {', '.join(ENDPOINTS)}")
    column, event, _ = ENDPOINTS[name]
    return patients[column].astype(float), event(patients).astype(bool)


def endpoint_label(name: str) -> str:
    """The reader-facing name of an endpoint."""
    return ENDPOINTS[name][2]


def kaplan_meier(patients: pd.DataFrame, name: str, label: str | None = None) -> KaplanMeierFitter:
    """A lifelines Kaplan-Meier fit of one endpoint.

    Its 95% confidence band is lifelines' default: Greenwood's variance on the
    log(-log) scale (the "exponential Greenwood" interval), which stays inside [0, 1].
    """
    durations, events = endpoint(patients, name)
    return KaplanMeierFitter(label=label or endpoint_label(name)).fit(durations, events)


def survival_at(fit: KaplanMeierFitter, months: float) -> float:
    """The Kaplan-Meier estimate at a time (right-continuous: events at ``months`` count)."""
    return float(fit.survival_function_at_times(months).iloc[0])


def at_risk(patients: pd.DataFrame, name: str, months: float) -> int:
    """Patients still at risk at a time: followed for at least that long without an earlier event."""
    durations, _ = endpoint(patients, name)
    return int((durations >= months).sum())


def restricted_mean(fit: KaplanMeierFitter, horizon: float | None = None) -> float:
    """Area under the Kaplan-Meier curve up to ``horizon`` (default: the last observed time).

    Up to the last observed time this is the "mean survival time" that SPSS
    prints beside a Kaplan-Meier table, which is how a paper can report a mean
    when the curve never reaches zero.
    """
    if horizon is None:
        horizon = float(fit.durations.max())
    return float(restricted_mean_survival_time(fit, t=horizon))


def product_limit_table(durations, events) -> pd.DataFrame:
    """The Kaplan-Meier product-limit table, computed by hand, one row per distinct time.

    Columns: time, at_risk, events, censored, conditional (1 - events/at_risk)
    and survival (the running product). Written without lifelines so that a
    reader can follow it line by line, and so that lifelines can be checked.
    """
    durations = np.asarray(durations, dtype=float)
    events = np.asarray(events, dtype=bool)
    if durations.shape != events.shape:
        raise ValueError("durations and events must have the same length")
    if (durations < 0).any():
        raise ValueError("durations must be >= 0")
    rows = []
    survival = 1.0
    for time in np.unique(durations):
        at_risk_now = int((durations >= time).sum())
        died = int(((durations == time) & events).sum())
        censored = int(((durations == time) & ~events).sum())
        conditional = 1.0 - died / at_risk_now
        survival *= conditional
        rows.append((time, at_risk_now, died, censored, conditional, survival))
    return pd.DataFrame(rows, columns=["time", "at_risk", "events", "censored", "conditional", "survival"])


def plain_band(durations, events, z: float = 1.959963984540054) -> pd.DataFrame:
    """The plain Greenwood band, S +/- z S sqrt(V), one row per distinct time (columns time, low, high).

    Not clipped: it can leave [0, 1], which is the reason the book's primary
    band is the log(-log) one; a figure may clip it for display.
    """
    table = product_limit_table(durations, events)
    n, d = table["at_risk"], table["events"]
    # Greenwood's sum; a time at which everyone at risk has the event ends the curve at 0 and adds nothing
    terms = (d / (n * (n - d)).where(n > d, 1)).where(n > d, 0.0)
    half = z * table["survival"] * np.sqrt(terms.cumsum())
    return pd.DataFrame({"time": table["time"], "low": table["survival"] - half, "high": table["survival"] + half})


def confidence_at(fit: KaplanMeierFitter, months: float) -> tuple[float, float]:
    """(lower, upper) of the fit's 95% confidence band at a time, read off as a step function."""
    band = fit.confidence_interval_survival_function_
    row = band[band.index <= months].iloc[-1]
    return float(row.iloc[0]), float(row.iloc[1])


def median_with_ci(fit: KaplanMeierFitter) -> tuple[float, float, float]:
    """(median, lower, upper): the median and the times where the 95% band's edges cross 50%.

    This is the Brookmeyer-Crowley style interval read off the pointwise band;
    an edge that never falls to 50% gives an infinite upper limit.
    """
    band = fit.confidence_interval_survival_function_
    lower_edge, upper_edge = band.iloc[:, 0], band.iloc[:, 1]

    def first_at_or_below_half(curve: pd.Series) -> float:
        below = curve[curve <= 0.5]
        return float(below.index[0]) if len(below) else float("inf")

    return (float(fit.median_survival_time_), first_at_or_below_half(lower_edge),
            first_at_or_below_half(upper_edge))


def reverse_km(patients: pd.DataFrame) -> KaplanMeierFitter:
    """Kaplan-Meier for follow-up: the 'event' is being seen alive last, death censors.

    Its median is the median potential follow-up (Schemper and Smith 1996), the
    usual way to report how long a cohort was followed: it is not shortened by
    patients who died early, as the plain median of all survival times is.
    """
    alive = patients["status"] != "DOD"
    return KaplanMeierFitter(label="Follow-up (reverse Kaplan-Meier)").fit(
        patients["os_months"].astype(float), alive)


def event_free_bounds(patients: pd.DataFrame, *, local_failure_is_event: bool = True
                      ) -> tuple[KaplanMeierFitter, KaplanMeierFitter]:
    """The two extreme disease-free (or metastasis-free) survival curves that Table 3 allows.

    Table 3 gives no dates of recurrence or metastasis, only local failures,
    deaths, and that the survivors were alive without disease at their last
    visit (taken here to mean they never had an event). A patient who died of
    the disease had an event at some time after the start and no later than
    death, or than the local failure if that counts as an event and came first
    (``local_failure_is_event``: True for disease-free survival, False for
    metastasis-free survival, where the upper bound is then overall survival).
    The *latest* curve puts every event as late as that; the *earliest* puts
    every such event right at the start. Any true curve lies between the two.
    """
    died = patients["status"] == "DOD"
    latest_time = patients["os_months"]
    if local_failure_is_event:
        latest_time = latest_time.where(~patients["local_failure"], patients["lc_months"])
    latest = KaplanMeierFitter(label="Latest possible events").fit(latest_time.astype(float), died)
    earliest_time = latest_time.where(~died, 0.0)
    earliest = KaplanMeierFitter(label="Earliest possible events").fit(earliest_time.astype(float), died)
    return latest, earliest


def disease_free_bounds(patients: pd.DataFrame) -> tuple[KaplanMeierFitter, KaplanMeierFitter]:
    """``event_free_bounds`` for disease-free survival (a local failure is an event)."""
    return event_free_bounds(patients, local_failure_is_event=True)


def metastasis_free_bounds(patients: pd.DataFrame) -> tuple[KaplanMeierFitter, KaplanMeierFitter]:
    """``event_free_bounds`` for metastasis-free survival as this book defines it.

    The event is distant metastasis or death, whichever comes first; a local
    failure is not an event. Every death in Table 3 is then an event no later
    than the death itself, so the latest curve is overall survival, and the
    earliest falls at once to the share of patients alive without disease.
    (Were deaths without metastasis censored instead, Table 3 could not bound
    the curve from above: it does not say which deaths followed a metastasis.)

    Parameters
    ----------
    patients : DataFrame
        Table 3 (``data.load_patients``), one row per patient.

    Returns
    -------
    (latest, earliest) : tuple of KaplanMeierFitter
        The curves with every event as late, and as early, as Table 3 allows.

    Example
    -------
    >>> from rtchx.core import data
    >>> latest, earliest = metastasis_free_bounds(data.load_patients())
    >>> round(survival_at(latest, 60), 3), round(survival_at(earliest, 60), 3)   # both 3/11
    (0.273, 0.273)
    """
    return event_free_bounds(patients, local_failure_is_event=False)


class BandPosition(Enum):
    """Where a reported value lies against the range of values the data allow (read as a word in prose)."""

    BELOW = "below"
    INSIDE = "inside"
    ABOVE = "above"


def position_in_band(value: float, low: float, high: float, *, tolerance: float = 1e-9) -> BandPosition:
    """Whether ``value`` lies below, inside (edges included) or above the range [low, high].

    Parameters
    ----------
    value : float
        The reported value, in the same units as the range.
    low, high : float
        The edges of the range; their order does not matter.
    tolerance : float
        How far outside an edge still counts as on it.

    Returns
    -------
    BandPosition
        ``BELOW``, ``INSIDE`` or ``ABOVE``; its ``value`` is the word for the prose.

    Example
    -------
    >>> position_in_band(0.34, 3 / 11, 3 / 11).value
    'above'
    """
    low, high = min(low, high), max(low, high)
    if value < low - tolerance:
        return BandPosition.BELOW
    if value > high + tolerance:
        return BandPosition.ABOVE
    return BandPosition.INSIDE


def cumulative_incidence_of_local_failure(patients: pd.DataFrame, months: float) -> float:
    """Aalen-Johansen probability of local failure by ``months``, with death without it as a competing risk.

    Unlike 1 - Kaplan-Meier, this does not pretend that patients who died could
    still fail locally later; it is the share of patients whose tumour actually
    recurred in the field by that time.
    """
    from lifelines import AalenJohansenFitter

    died_first = (patients["status"] == "DOD") & ~patients["local_failure"]
    kind = np.select([patients["local_failure"], died_first], [1, 2], default=0)
    fit = AalenJohansenFitter(calculate_variance=False).fit(
        patients["lc_months"].astype(float), kind, event_of_interest=1)
    curve = fit.cumulative_density_
    return float(curve[curve.index <= months].iloc[-1, 0])


def competing_death_hazard(patients: pd.DataFrame) -> float:
    """Deaths without local failure per month of local-control follow-up: the rate of the competing risk.

    A constant-hazard estimate (events over exposure), the rate at which patients
    left the local-control risk set by dying before any local failure.
    """
    died_first = (patients["status"] == "DOD") & ~patients["local_failure"]
    return float(died_first.sum() / patients["lc_months"].sum())


@dataclass(frozen=True)
class GroupOutcome:
    """One group of a log-rank test: its name, its patients and how many of them had the event."""

    name: str
    patients: int
    events: int


@dataclass(frozen=True)
class LogRankTest:
    """A log-rank test of one endpoint across groups: the chi-square statistic, its p-value and the groups.

    ``groups`` are sorted by name; ``events`` and ``smaller_share`` (the share of
    patients in the smallest group) are what Schoenfeld's formula needs to say how
    large a difference the test could detect (``rtchx.core.design.detectable_hazard_ratio``).
    """

    statistic: float                    # chi-square, with df degrees of freedom
    df: int                             # groups - 1
    p: float                            # P(chi-square with df degrees of freedom >= statistic)
    groups: tuple[GroupOutcome, ...]

    @property
    def events(self) -> int:
        """Events in all groups together."""
        return sum(g.events for g in self.groups)

    @property
    def smaller_share(self) -> float:
        """The smallest group's share of the patients."""
        sizes = [g.patients for g in self.groups]
        return min(sizes) / sum(sizes)


def logrank(patients: pd.DataFrame, name: str, groups) -> LogRankTest:
    """Log-rank test of one endpoint across the groups in ``groups`` (aligned with ``patients``).

    The chi-square approximation of lifelines' ``multivariate_logrank_test``; with
    few events its p-value is unreliable, and ``rtchx.core.exact.permutation_logrank``
    gives the exact one for two groups.

    Parameters
    ----------
    patients : DataFrame
        Table 3 (``data.load_patients``), one row per patient.
    name : str
        An endpoint, a key of ``ENDPOINTS``.
    groups : Series or sequence
        Each patient's group, in the order of ``patients``; at least two distinct values.

    Returns
    -------
    LogRankTest
        The statistic, its degrees of freedom, the p-value and, per group sorted by
        name, its patients and events.

    Example
    -------
    >>> from rtchx.core import data
    >>> patients = data.load_patients()
    >>> test = logrank(patients, "local_control", GROUPINGS["size_initial"](patients))
    >>> round(test.statistic, 3), test.groups[0]   # both failures in tumours over 10 cm
    (2.469, GroupOutcome(name='>10 cm', patients=6, events=2))
    """
    durations, events = endpoint(patients, name)
    groups = pd.Series(list(groups), index=patients.index)
    if groups.nunique() < 2:
        raise ValueError("a log-rank test needs at least two groups")
    result = multivariate_logrank_test(durations, groups, events)
    outcomes = tuple(GroupOutcome(str(g), int((groups == g).sum()), int(events[groups == g].sum()))
                     for g in sorted(groups.unique(), key=str))
    return LogRankTest(statistic=float(result.test_statistic), df=int(groups.nunique() - 1),
                       p=float(result.p_value), groups=outcomes)


#: Significance level and power used for the detectable hazard ratios of the subgroup tests.
SUBGROUP_ALPHA, SUBGROUP_POWER = 0.05, 0.8

#: The hazard ratio the subgroup chapter asks about: a doubling, large by the standards of prognostic factors.
SUBGROUP_CLINICAL_HR = 2


def _over_10_cm(diameters: pd.Series) -> pd.Series:
    return diameters.map(lambda d: ">10 cm" if d > 10 else "≤10 cm")


#: The groupings the subgroup chapter compares: name -> the group of each patient (two groups each).
#: The reader's names of the groupings are in ``rtchx.book.tables.GROUPING_LABELS``.
GROUPINGS = {
    "grade": lambda p: "G" + p["grade"].astype(str),
    "size_initial": lambda p: _over_10_cm(p["diameter_initial_cm"]),
    "size_before_rt": lambda p: _over_10_cm(p["diameter_before_rt_cm"]),
    "site": lambda p: p["site"].map({"head_neck": "head and neck", "trunk": "trunk"}),
    "block": lambda p: p["cohort"].map({"primary": "primary", "after_r2_resection": "after R2"}),
}


def subgroup_tests(patients: pd.DataFrame) -> pd.DataFrame:
    """Log-rank tests of overall survival and local control for every grouping in ``GROUPINGS``.

    Parameters
    ----------
    patients : DataFrame
        Table 3 (``data.load_patients``), one row per patient.

    Returns
    -------
    DataFrame
        One row per (endpoint, grouping), endpoints in the order of ``ENDPOINTS``:
        ``endpoint`` and ``grouping`` (keys of ``ENDPOINTS`` and ``GROUPINGS``);
        ``group_1``, ``patients_1``, ``events_1`` and the same for ``_2`` (the two
        groups sorted by name); ``events`` (both groups), ``share`` (the smaller
        group's share of the patients), ``chi2`` and ``p`` (chi-square approximation).

    Example
    -------
    >>> from rtchx.core import data
    >>> tests = subgroup_tests(data.load_patients()).set_index(["endpoint", "grouping"])
    >>> size = tests.loc[("local_control", "size_initial")]
    >>> size["group_1"], int(size["events_1"]), size["group_2"], int(size["events_2"])
    ('>10 cm', 2, '≤10 cm', 0)
    """
    rows = []
    for name in ENDPOINTS:
        for grouping, group_of in GROUPINGS.items():
            test = logrank(patients, name, group_of(patients))
            if len(test.groups) != 2:
                raise ValueError(f"grouping {grouping!r} gives {len(test.groups)} groups, not two")
            first, second = test.groups
            rows.append({"endpoint": name, "grouping": grouping,
                         "group_1": first.name, "patients_1": first.patients, "events_1": first.events,
                         "group_2": second.name, "patients_2": second.patients, "events_2": second.events,
                         "events": test.events, "share": test.smaller_share, "chi2": test.statistic, "p": test.p})
    return pd.DataFrame(rows)
