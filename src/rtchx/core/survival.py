"""Endpoints and Kaplan-Meier estimates for the cohort.

Times are months from the first day of treatment, as in the paper. Two
endpoints can be rebuilt patient by patient from Table 3:

* overall survival: time ``os_months``, event = death (status DOD);
* local control: time ``lc_months``, event = local failure (LF); a patient who
  died without local failure is censored at death, which is how the paper's
  reported local-control figures come out (see the tests).

Results here are numbers, fits and small named records; the names a reader
sees (an endpoint's label, a legend) belong to the book layer (``rtchx.book``).
"""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass
from enum import Enum
from typing import NamedTuple

import numpy as np
import pandas as pd
from lifelines import AalenJohansenFitter, KaplanMeierFitter
from lifelines.statistics import multivariate_logrank_test
from lifelines.utils import restricted_mean_survival_time

#: endpoint name -> (time column, how to read the event); the book layer names them for readers
ENDPOINTS = {
    "overall_survival": ("os_months", lambda p: p["status"] == "DOD"),
    "local_control": ("lc_months", lambda p: p["local_failure"]),
}


def fit_km(durations: pd.Series, events: pd.Series, label: str) -> KaplanMeierFitter:
    """A lifelines Kaplan-Meier fit of these durations and events, each distinct set fitted once.

    A chapter asks for the same few curves many times (the audit, a sensitivity
    table, a scan over shapes: 98 fits of a handful of curves in chapter 10), and
    a lifelines fit costs milliseconds. Fits are remembered by their inputs' values,
    so new data always gets a new fit; the caller gets a copy of its own.

    Parameters
    ----------
    durations, events : Series
        Times and event indicators, one per patient.
    label : str
        The fit's label.

    Returns
    -------
    KaplanMeierFitter

    Example
    -------
    >>> import pandas as pd
    >>> fit = fit_km(pd.Series([6.0, 26.0, 13.0]), pd.Series([True, False, True]), "local_control")
    >>> float(fit.survival_function_at_times(13.0).iloc[0])
    0.3333333333333333
    """
    key = (label, tuple(durations.astype(float)), tuple(events.astype(bool)))
    return copy.deepcopy(_remembered_fit(key))


@functools.lru_cache(maxsize=256)
def _remembered_fit(key) -> KaplanMeierFitter:
    label, durations, events = key
    return KaplanMeierFitter(label=label).fit(pd.Series(durations, dtype=float), pd.Series(events, dtype=bool))


def endpoint(patients: pd.DataFrame, name: str) -> tuple[pd.Series, pd.Series]:
    """The durations and event indicators of one endpoint.

    Parameters
    ----------
    patients : DataFrame
        Table 3 (``data.load_patients``), one row per patient.
    name : str
        A key of ``ENDPOINTS``: ``"overall_survival"`` or ``"local_control"``.

    Returns
    -------
    (durations, events) : tuple of Series
        Months from the start of treatment (float) and whether the event happened (bool).

    Example
    -------
    >>> from rtchx.core import data
    >>> durations, events = endpoint(data.load_patients(), "local_control")
    >>> int(events.sum()), float(durations.max())
    (2, 124.0)
    """
    if name not in ENDPOINTS:
        raise ValueError(f"unknown endpoint {name!r}; choose one of {', '.join(ENDPOINTS)}")
    column, event = ENDPOINTS[name]
    return patients[column].astype(float), event(patients).astype(bool)


def kaplan_meier(patients: pd.DataFrame, name: str) -> KaplanMeierFitter:
    """A lifelines Kaplan-Meier fit of one endpoint, labelled with the endpoint's name.

    Its 95% confidence band is lifelines' default: Greenwood's variance on the
    log(-log) scale (the "exponential Greenwood" interval), which stays inside [0, 1].

    Parameters
    ----------
    patients : DataFrame
        Table 3, or any subset of its rows.
    name : str
        A key of ``ENDPOINTS``; it becomes the fit's ``label`` (the book's figures
        name it for readers).

    Returns
    -------
    KaplanMeierFitter
        The fitted estimate, with ``survival_function_`` and
        ``confidence_interval_survival_function_``.

    Example
    -------
    >>> from rtchx.core import data
    >>> fit = kaplan_meier(data.load_patients(), "overall_survival")
    >>> fit.label, float(fit.median_survival_time_)
    ('overall_survival', 13.0)
    """
    durations, events = endpoint(patients, name)
    return fit_km(durations, events, name)


def survival_at(fit: KaplanMeierFitter, months: float) -> float:
    """The Kaplan-Meier estimate at a time (right-continuous: events at ``months`` count).

    Parameters
    ----------
    fit : KaplanMeierFitter
        A fit from ``kaplan_meier`` (or any lifelines univariate fit).
    months : float
        Months from the start of treatment.

    Returns
    -------
    float
        The estimate, a fraction in [0, 1].

    Example
    -------
    >>> from rtchx.core import data
    >>> round(survival_at(kaplan_meier(data.load_patients(), "local_control"), 60), 3)   # 7/8 * 4/5
    0.7
    """
    return float(fit.survival_function_at_times(months).iloc[0])


def beyond_follow_up(fit: KaplanMeierFitter, months: float) -> str | None:
    """Why the fit has no estimate at ``months``, or None if it has one.

    A Kaplan-Meier curve is known up to the last observed time; past it, only if
    the curve has already fallen to zero. lifelines would carry the last value on
    (or, for a median never reached, return infinity); this says so instead.

    Parameters
    ----------
    fit : KaplanMeierFitter
        A fit from ``kaplan_meier``.
    months : float
        Months from the start of treatment.

    Returns
    -------
    str or None
        "not estimable beyond the last follow-up at X months" where the time lies
        past the data, else None.

    Example
    -------
    >>> from rtchx.core import data
    >>> fit = kaplan_meier(data.load_patients(), "local_control")
    >>> beyond_follow_up(fit, 60) is None, beyond_follow_up(fit, 130)
    (True, 'not estimable beyond the last follow-up at 124 months')
    """
    last = float(fit.durations.max())
    if months <= last or survival_at(fit, last) == 0:
        return None
    return f"not estimable beyond the last follow-up at {last:g} months"


def at_risk(patients: pd.DataFrame, name: str, months: float) -> int:
    """Patients still at risk at a time: followed for at least that long without an earlier event.

    Parameters
    ----------
    patients : DataFrame
        Table 3, one row per patient.
    name : str
        A key of ``ENDPOINTS``.
    months : float
        Months from the start of treatment.

    Returns
    -------
    int
        How many patients have a time of at least ``months`` for that endpoint.

    Example
    -------
    >>> from rtchx.core import data
    >>> at_risk(data.load_patients(), "local_control", 24)
    4
    """
    durations, _ = endpoint(patients, name)
    return int((durations >= months).sum())


def restricted_mean(fit: KaplanMeierFitter, horizon: float | None = None) -> float:
    """Area under the Kaplan-Meier curve up to ``horizon`` (default: the last observed time).

    Up to the last observed time this is the "mean survival time" that SPSS
    prints beside a Kaplan-Meier table, which is how a paper can report a mean
    when the curve never reaches zero.

    Parameters
    ----------
    fit : KaplanMeierFitter
        A fit from ``kaplan_meier``.
    horizon : float, optional
        The upper limit of the area, in months.

    Returns
    -------
    float
        The restricted mean, in months.

    Example
    -------
    >>> from rtchx.core import data
    >>> restricted_mean(kaplan_meier(data.load_patients(), "local_control"))   # 6 + 15 * 7/8 + 103 * 0.7
    91.225
    """
    if horizon is None:
        horizon = float(fit.durations.max())
    return float(restricted_mean_survival_time(fit, t=horizon))


def product_limit_table(durations, events) -> pd.DataFrame:
    """The Kaplan-Meier product-limit table, computed by hand, one row per distinct time.

    Written without lifelines so that a reader can follow it line by line, and
    so that lifelines can be checked.

    Parameters
    ----------
    durations : array-like of float
        Each patient's time, in months (>= 0).
    events : array-like of bool
        Whether the patient had the event at that time (else censored).

    Returns
    -------
    DataFrame
        Columns ``time``, ``at_risk``, ``events``, ``censored``, ``conditional``
        (1 - events/at_risk) and ``survival`` (the running product).

    Example
    -------
    >>> table = product_limit_table([2, 3, 3, 5], [True, True, False, False])
    >>> table["survival"].tolist()   # 3/4, then 3/4 * 2/3
    [0.75, 0.5, 0.5]
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


class Interval(NamedTuple):
    """The edges of a 95% confidence band at one time, as fractions (a tuple, so ``low, high = ...`` works)."""

    low: float
    high: float


def confidence_at(fit: KaplanMeierFitter, months: float) -> Interval:
    """The fit's 95% confidence band at a time, read off as a step function.

    Parameters
    ----------
    fit : KaplanMeierFitter
        A fit from ``kaplan_meier``.
    months : float
        Months from the start of treatment.

    Returns
    -------
    Interval
        ``low`` and ``high``, fractions in [0, 1].

    Example
    -------
    >>> from rtchx.core import data
    >>> band = confidence_at(kaplan_meier(data.load_patients(), "local_control"), 60)
    >>> round(band.low, 3), round(band.high, 3)
    (0.225, 0.918)
    """
    band = fit.confidence_interval_survival_function_
    row = band[band.index <= months].iloc[-1]
    return Interval(float(row.iloc[0]), float(row.iloc[1]))


class MedianEstimate(NamedTuple):
    """A median time with its 95% interval, in months; ``inf`` where the curve or an edge never reaches 50%."""

    months: float
    low: float
    high: float


def median_with_ci(fit: KaplanMeierFitter) -> MedianEstimate:
    """The median and the times where the 95% band's edges first reach 50%.

    This is the Brookmeyer-Crowley style interval read off the pointwise band;
    an edge that never falls to 50% gives an infinite upper limit.

    Parameters
    ----------
    fit : KaplanMeierFitter
        A fit from ``kaplan_meier``.

    Returns
    -------
    MedianEstimate
        ``months``, ``low`` and ``high`` (a tuple, so ``median, low, high = ...`` works).

    Example
    -------
    >>> from rtchx.core import data
    >>> median_with_ci(kaplan_meier(data.load_patients(), "overall_survival"))
    MedianEstimate(months=13.0, low=4.0, high=inf)
    """
    band = fit.confidence_interval_survival_function_
    lower_edge, upper_edge = band.iloc[:, 0], band.iloc[:, 1]

    def first_at_or_below_half(curve: pd.Series) -> float:
        below = curve[curve <= 0.5]
        return float(below.index[0]) if len(below) else float("inf")

    return MedianEstimate(float(fit.median_survival_time_), first_at_or_below_half(lower_edge),
                          first_at_or_below_half(upper_edge))


def reverse_km(patients: pd.DataFrame) -> KaplanMeierFitter:
    """Kaplan-Meier for follow-up: the 'event' is being seen alive last, death censors.

    Its median is the median potential follow-up (Schemper and Smith 1996), the
    usual way to report how long a cohort was followed: it is not shortened by
    patients who died early, as the plain median of all survival times is.

    Parameters
    ----------
    patients : DataFrame
        Table 3, one row per patient.

    Returns
    -------
    KaplanMeierFitter
        The reverse fit, labelled ``"follow_up"``.

    Example
    -------
    >>> from rtchx.core import data
    >>> float(reverse_km(data.load_patients()).median_survival_time_)
    106.0
    """
    alive = patients["status"] != "DOD"
    return fit_km(patients["os_months"].astype(float), alive, "follow_up")


@dataclass(frozen=True)
class FollowUp:
    """Median follow-up by the three definitions in common use, in months.

    ``median_all`` is the median of every patient's time, deaths included;
    ``median_alive`` the median among patients alive at the last visit;
    ``median_reverse_km`` the reverse Kaplan-Meier median (potential follow-up).
    """

    median_all: float
    median_alive: float
    median_reverse_km: float


def follow_up(patients: pd.DataFrame) -> FollowUp:
    """Median follow-up of the cohort by the three definitions in common use.

    Parameters
    ----------
    patients : DataFrame
        Table 3, one row per patient.

    Returns
    -------
    FollowUp
        The three medians, in months.

    Example
    -------
    >>> from rtchx.core import data
    >>> follow_up(data.load_patients())
    FollowUp(median_all=13.0, median_alive=106.0, median_reverse_km=106.0)
    """
    alive = patients["status"] == "AWOD"
    return FollowUp(median_all=float(patients["os_months"].median()),
                    median_alive=float(patients.loc[alive, "os_months"].median()),
                    median_reverse_km=float(reverse_km(patients).median_survival_time_))


class EventFreeBounds(NamedTuple):
    """The two extreme event-free curves the data allow (a tuple, so ``latest, earliest = ...`` works).

    ``latest`` puts every event as late as the data allow, ``earliest`` as early;
    any true curve lies between them.
    """

    latest: KaplanMeierFitter
    earliest: KaplanMeierFitter

    def at(self, months: float) -> Interval:
        """The range of survival values the data allow at a time (``low`` from ``earliest``)."""
        return Interval(survival_at(self.earliest, months), survival_at(self.latest, months))

    def median(self) -> Interval:
        """The range of medians the data allow, in months (``low`` from ``earliest``)."""
        return Interval(float(self.earliest.median_survival_time_), float(self.latest.median_survival_time_))


def event_free_bounds(patients: pd.DataFrame, *, local_failure_is_event: bool = True) -> EventFreeBounds:
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

    Parameters
    ----------
    patients : DataFrame
        Table 3, one row per patient.
    local_failure_is_event : bool
        Whether a local failure ends the endpoint.

    Returns
    -------
    EventFreeBounds
        ``latest`` and ``earliest`` fits (labelled so).

    Example
    -------
    >>> from rtchx.core import data
    >>> bounds = event_free_bounds(data.load_patients())
    >>> float(bounds.median().low), float(bounds.median().high)
    (0.0, 13.0)
    """
    died = patients["status"] == "DOD"
    latest_time = patients["os_months"]
    if local_failure_is_event:
        latest_time = latest_time.where(~patients["local_failure"], patients["lc_months"])
    latest = fit_km(latest_time.astype(float), died, "latest")
    earliest_time = latest_time.where(~died, 0.0)
    earliest = fit_km(earliest_time.astype(float), died, "earliest")
    return EventFreeBounds(latest, earliest)


def disease_free_bounds(patients: pd.DataFrame) -> EventFreeBounds:
    """``event_free_bounds`` for disease-free survival (a local failure is an event).

    Parameters
    ----------
    patients : DataFrame
        Table 3, one row per patient.

    Returns
    -------
    EventFreeBounds
        The curves with every event as late, and as early, as Table 3 allows.

    Example
    -------
    >>> from rtchx.core import data
    >>> [round(v, 3) for v in disease_free_bounds(data.load_patients()).at(60)]   # both 3/11
    [0.273, 0.273]
    """
    return event_free_bounds(patients, local_failure_is_event=True)


def metastasis_free_bounds(patients: pd.DataFrame) -> EventFreeBounds:
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
    EventFreeBounds
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


@dataclass(frozen=True)
class ReportedInRange:
    """A reported value set against the range of values the data allow (all in the same unit)."""

    reported: float
    low: float
    high: float
    position: BandPosition


def reported_in_range(reported: float, allowed: Interval) -> ReportedInRange:
    """Set a reported value against the range the data allow, and say where it lies.

    Parameters
    ----------
    reported : float
        The paper's value, in the unit of ``allowed`` (a fraction for a rate, months for a median).
    allowed : Interval
        The range, for example ``disease_free_bounds(patients).at(60)``.

    Returns
    -------
    ReportedInRange
        The value, the range's edges and the ``BandPosition``.

    Example
    -------
    >>> reported_in_range(0.34, Interval(3 / 11, 3 / 11)).position
    <BandPosition.ABOVE: 'above'>
    """
    return ReportedInRange(reported, allowed.low, allowed.high, position_in_band(reported, *allowed))


def cumulative_incidence_of_local_failure(patients: pd.DataFrame, months: float) -> float:
    """Aalen-Johansen probability of local failure by ``months``, with death without it as a competing risk.

    Unlike 1 - Kaplan-Meier, this does not pretend that patients who died could
    still fail locally later; it is the share of patients whose tumour actually
    recurred in the field by that time.

    Parameters
    ----------
    patients : DataFrame
        Table 3, one row per patient.
    months : float
        Months from the start of treatment.

    Returns
    -------
    float
        The cumulative incidence, a fraction in [0, 1].

    Example
    -------
    >>> from rtchx.core import data
    >>> round(cumulative_incidence_of_local_failure(data.load_patients(), 60), 3)   # 2 of 11, none censored first
    0.182
    """
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
    (2.469, GroupOutcome(name='gt10', patients=6, events=2))
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
    return diameters.map(lambda d: "gt10" if d > 10 else "le10")


#: The groupings the subgroup chapter compares: name -> the group of each patient (two groups each), as codes:
#: the data's own (grade "2"/"3", site, cohort) or "gt10"/"le10" for a diameter over 10 cm or not. The reader's
#: names of the groupings and groups are in ``rtchx.book.tables`` (GROUPING_LABELS, GROUP_LABELS).
GROUPINGS = {
    "grade": lambda p: p["grade"].astype(str),
    "size_initial": lambda p: _over_10_cm(p["diameter_initial_cm"]),
    "size_before_rt": lambda p: _over_10_cm(p["diameter_before_rt_cm"]),
    "site": lambda p: p["site"],
    "block": lambda p: p["cohort"],
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
        group's share of the patients), ``chi2`` and ``p`` (chi-square approximation)
        and ``not_computable``: "" for a test, else why there is none on these data
        (every patient in one group: ``group_2`` is "" with no patients; or no event
        in either group), and then ``chi2`` and ``p`` are missing (None, which pandas
        shows as NaN in a column of numbers), never a p of 1.

    Example
    -------
    >>> from rtchx.core import data
    >>> tests = subgroup_tests(data.load_patients()).set_index(["endpoint", "grouping"])
    >>> size = tests.loc[("local_control", "size_initial")]
    >>> size["group_1"], int(size["events_1"]), size["group_2"], int(size["events_2"])
    ('gt10', 2, 'le10', 0)
    """
    rows = []
    for name in ENDPOINTS:
        _, events = endpoint(patients, name)
        for grouping, group_of in GROUPINGS.items():
            groups = pd.Series(list(group_of(patients)), index=patients.index).astype(str)
            names = sorted(groups.unique())
            if len(names) > 2:
                raise ValueError(f"grouping {grouping!r} gives {len(names)} groups, not two")
            outcomes = [GroupOutcome(g, int((groups == g).sum()), int(events[groups == g].sum())) for g in names]
            reason = ""
            if len(outcomes) < 2:
                reason = "every patient is in one group, so there is nothing to compare"
                outcomes.append(GroupOutcome("", 0, 0))
            elif not events.any():
                reason = "no event in either group, so the groups cannot be compared"
            first, second = outcomes
            chi2, p = None, None
            if not reason:
                test = logrank(patients, name, groups)
                chi2, p = test.statistic, test.p
            total = first.patients + second.patients
            rows.append({"endpoint": name, "grouping": grouping,
                         "group_1": first.name, "patients_1": first.patients, "events_1": first.events,
                         "group_2": second.name, "patients_2": second.patients, "events_2": second.events,
                         "events": first.events + second.events,
                         "share": min(first.patients, second.patients) / total, "chi2": chi2, "p": p,
                         "not_computable": reason})
    return pd.DataFrame(rows)
