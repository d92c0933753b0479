"""Comparing the cohort's local control with the historical series it cites.

The one-sample log-rank test (Breslow 1975; Finkelstein, Muzikansky and
Schoenfeld 2003) asks whether the cohort had fewer local failures than a
reference hazard predicts. Each patient contributes the reference cumulative
hazard up to the end of their own follow-up for local control; the sum is the
expected number of failures E, to be set against the observed O. The reference
hazard is matched to a historical rate S(t0) at a time t0:

* ``exponential``: a constant hazard, H(t) = -log(S(t0)) * t / t0, for all t;
* ``plateau``: the same hazard up to t0 and none after (the curve flat beyond
  t0, as local-control curves often are), H(t) = -log(S(t0)) * min(t, t0) / t0;
* ``weibull`` with shape k: H(t) = -log(S(t0)) * (t / t0) ** k, a hazard that
  falls over time when k < 1 (failures front-loaded), rises when k > 1, and is
  the exponential when k = 1;
* ``early`` (piecewise constant): a share q of the cumulative hazard at t0
  falls in the first c months, the rest at a lower constant rate from c on
  (continuing past t0), so that most failures come early.

Every shape passes through the same published point, H(t0) = -log(S(t0)): they
differ only in when the failures that the rate implies are expected to happen.
"""

from __future__ import annotations

import enum
import functools
import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy.optimize import brentq
from scipy.stats import chi2, norm, poisson

from rtchx.core import survival
from rtchx.core.quantities import case_report_patient

#: The shapes a user can name with a plain word (the explorer's buttons, the CLI's --shape).
SHAPES = ("exponential", "plateau")


class SizeBasis(enum.StrEnum):
    """Which tumour size picks a patient's reference rate: before radiotherapy, at diagnosis, or none (one rate)."""

    BEFORE_RT = "before_rt"
    INITIAL = "initial"
    NONE = "none"


class Sided(enum.StrEnum):
    """A two-sided exact p, or the one-sided p towards fewer failures than expected."""

    TWO = "two"
    ONE = "one"


SIZE_BASES = tuple(b.value for b in SizeBasis)

#: The patients' diameter column behind each size basis.
SIZE_COLUMNS = {SizeBasis.BEFORE_RT: "diameter_before_rt_cm", SizeBasis.INITIAL: "diameter_initial_cm"}


def _check_rate(rate: float) -> None:
    if not 0 < rate < 1:
        raise ValueError(f"a historical rate must lie strictly between 0 and 1, got {rate!r}")


def _check_alpha(alpha: float) -> None:
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie strictly between 0 and 1, got {alpha!r}")


class ShapeKind(enum.Enum):
    """The families of reference hazard the comparison can assume (see the module docstring)."""

    EXPONENTIAL = "exponential"
    PLATEAU = "plateau"
    WEIBULL = "weibull"
    EARLY = "early"


@dataclass(frozen=True)
class HazardShape:
    """How a reference curve spreads its failures over time, through its published point S(t0).

    Parameters
    ----------
    kind : ShapeKind
        The family.
    weibull_k : float, optional
        The Weibull shape (``WEIBULL`` only): below 1 the hazard falls with time.
    early_months, early_share : float, optional
        (``EARLY`` only) the share of the cumulative hazard at t0 that falls in the
        first ``early_months`` months.
    then_plateau : bool
        (``WEIBULL`` only) no failures after the time point: the Weibull shape up to
        t0 and a flat curve after it.

    Example
    -------
    >>> HazardShape.weibull(0.5).fraction(15, 60)    # (15/60) ** 0.5
    0.5
    """

    kind: ShapeKind
    weibull_k: float | None = None
    early_months: float | None = None
    early_share: float | None = None
    then_plateau: bool = False

    def __post_init__(self):
        if self.kind is ShapeKind.WEIBULL and not (self.weibull_k is not None and self.weibull_k > 0):
            raise ValueError(f"a Weibull shape needs k > 0, got {self.weibull_k!r}")
        if self.kind is ShapeKind.EARLY and not (
                self.early_months is not None and self.early_months > 0
                and self.early_share is not None and 0 < self.early_share < 1):
            raise ValueError("an early-failure shape needs early_months > 0 and an early_share strictly "
                             f"between 0 and 1, got {self.early_months!r} and {self.early_share!r}")

    @classmethod
    def weibull(cls, k: float, then_plateau: bool = False) -> HazardShape:
        """A Weibull hazard of shape ``k`` through the published point (flat after it if ``then_plateau``)."""
        return cls(ShapeKind.WEIBULL, weibull_k=float(k), then_plateau=bool(then_plateau))

    @classmethod
    def early(cls, months: float, share: float) -> HazardShape:
        """A share ``share`` of the failures by t0 in the first ``months`` months, the rest later."""
        return cls(ShapeKind.EARLY, early_months=float(months), early_share=float(share))

    @classmethod
    def named(cls, shape: str | HazardShape) -> HazardShape:
        """A shape from its plain name ('exponential', 'plateau'), or the shape itself."""
        if isinstance(shape, HazardShape):
            return shape
        if shape not in SHAPES:
            raise ValueError(f"unknown hazard shape {shape!r}; choose one of {', '.join(SHAPES)}")
        return cls(ShapeKind(shape))

    @property
    def name(self) -> str:
        """A short, unique key: 'exponential', 'plateau', 'weibull k=0.5', 'early 80% by 24 mo'.

        It identifies the shape in the command line's JSON and in lookups; the book
        names shapes for readers itself (``rtchx.book.tables.shape_label``).
        """
        if self.kind is ShapeKind.WEIBULL:
            return f"weibull k={self.weibull_k:.3g}" + (" then plateau" if self.then_plateau else "")
        if self.kind is ShapeKind.EARLY:
            return f"early {100 * self.early_share:.0f}% by {self.early_months:g} mo"
        return self.kind.value

    @property
    def front_loaded(self) -> bool:
        """Whether the shape puts more of the failures early than a constant hazard does."""
        return (self.kind is ShapeKind.WEIBULL and self.weibull_k < 1) or self.kind is ShapeKind.EARLY

    def fraction(self, months: float, timepoint: float) -> float:
        """H(months) / H(timepoint): the share of the published point's cumulative hazard reached by ``months``."""
        u = months / timepoint
        if self.kind is ShapeKind.EXPONENTIAL:
            return u
        if self.kind is ShapeKind.PLATEAU:
            return min(u, 1.0)
        if self.kind is ShapeKind.WEIBULL:
            return (min(u, 1.0) if self.then_plateau else u) ** self.weibull_k
        c, q = self.early_months, self.early_share
        if c >= timepoint:
            raise ValueError(f"the early period ({c:g} months) must end before the time point ({timepoint:g})")
        if months <= c:
            return q * months / c
        return q + (1 - q) * (months - c) / (timepoint - c)


EXPONENTIAL = HazardShape(ShapeKind.EXPONENTIAL)
PLATEAU = HazardShape(ShapeKind.PLATEAU)


def cumulative_hazard(months: float, rate: float, timepoint: float,
                      shape: str | HazardShape = "exponential") -> float:
    """Reference cumulative hazard at ``months`` for a curve with S(timepoint) = rate and the given shape.

    Parameters
    ----------
    months : float
        Follow-up time (months, >= 0).
    rate : float
        The published rate S(timepoint), strictly between 0 and 1.
    timepoint : float
        Its time point (months, > 0).
    shape : str or HazardShape
        'exponential', 'plateau', or any ``HazardShape``.

    Returns
    -------
    float
        H(months) = -log(rate) * shape.fraction(months, timepoint).

    Example
    -------
    >>> round(cumulative_hazard(120, 0.45, 60), 4)    # twice -log(0.45)
    1.597
    """
    _check_rate(rate)
    if months < 0:
        raise ValueError(f"a follow-up time cannot be negative, got {months!r}")
    if timepoint <= 0:
        raise ValueError(f"the historical time point must be positive, got {timepoint!r}")
    return -math.log(rate) * HazardShape.named(shape).fraction(months, timepoint)


@dataclass(frozen=True)
class ReferenceCurve:
    """A historical reference curve S(t) on a grid of months, through its published point S(timepoint) = rate."""

    rate: float
    timepoint: float
    shape: HazardShape
    months: tuple[float, ...]
    survival: tuple[float, ...]


def reference_curve(rate: float, timepoint: float, shape: str | HazardShape = "exponential", *,
                    xmax: float = 130.0, points: int = 300) -> ReferenceCurve:
    """The reference curve S(t) = exp(-H(t)) of a published rate, on an even grid from 0 to ``xmax`` months.

    Parameters
    ----------
    rate, timepoint : float
        The published point: S(timepoint) = rate.
    shape : str or HazardShape
        How the failures spread over time (see ``cumulative_hazard``).
    xmax : float
        The last month of the grid.
    points : int
        How many months the grid holds.

    Returns
    -------
    ReferenceCurve
        The grid of months and the survival at each, for a figure to draw.

    Example
    -------
    >>> curve = reference_curve(0.45, 60, xmax=120, points=3)
    >>> [round(s, 4) for s in curve.survival]            # 1, 0.45 at 60 months, 0.45 ** 2 at 120
    [1.0, 0.45, 0.2025]
    """
    shape = HazardShape.named(shape)
    grid = np.linspace(0, xmax, points)
    return ReferenceCurve(float(rate), float(timepoint), shape, tuple(float(t) for t in grid),
                          tuple(math.exp(-cumulative_hazard(float(t), rate, timepoint, shape)) for t in grid))


@dataclass(frozen=True)
class ObservedExpected:
    """A one-sample log-rank test: O against E, O/E with its exact interval, and three p-values.

    ``p_exact`` is two-sided, ``p_exact_fewer`` one-sided towards fewer failures,
    ``p_normal`` the two-sided normal approximation (see ``one_sample_logrank``).
    """

    observed_events: int
    expected_events: float
    o_over_e: float
    o_over_e_ci_low: float
    o_over_e_ci_high: float
    p_exact: float
    p_exact_fewer: float
    p_normal: float
    alpha: float


def one_sample_logrank(observed: int, expected: float, alpha: float = 0.05) -> ObservedExpected:
    """O/E with its exact (Poisson) confidence interval, the normal-approximation and the exact p-values.

    ``p_exact`` (two-sided) doubles the smaller Poisson tail at O given mean E
    (capped at 1): it asks whether the cohort differs from the reference in
    either direction. ``p_exact_fewer`` (one-sided) is P(X <= O) for a Poisson
    mean E: it asks only whether the cohort had *fewer* failures than the
    reference predicts, the direction the paper claims and the one a trial
    designed with a one-sided alpha tests. The normal p uses z = (O - E) / sqrt(E).

    Parameters
    ----------
    observed : int
        Observed events O (>= 0).
    expected : float
        Expected events E under the reference (> 0).
    alpha : float
        1 - the coverage of the exact interval for O/E.

    Returns
    -------
    ObservedExpected

    Example
    -------
    >>> test = one_sample_logrank(2, 6.18)
    >>> round(test.o_over_e, 3), round(test.p_exact_fewer, 4)   # exp(-E) (1 + E + E^2 / 2)
    (0.324, 0.0544)
    """
    _check_alpha(alpha)
    if observed < 0 or expected <= 0:
        raise ValueError("observed events must be >= 0 and expected events > 0")
    low = chi2.ppf(alpha / 2, 2 * observed) / (2 * expected) if observed > 0 else 0.0
    high = chi2.ppf(1 - alpha / 2, 2 * observed + 2) / (2 * expected)
    lower_tail, upper_tail = poisson.cdf(observed, expected), poisson.sf(observed - 1, expected)
    z = (observed - expected) / math.sqrt(expected)
    return ObservedExpected(
        observed_events=int(observed), expected_events=float(expected), o_over_e=observed / expected,
        o_over_e_ci_low=float(low), o_over_e_ci_high=float(high),
        p_exact=float(min(1.0, 2 * min(lower_tail, upper_tail))), p_exact_fewer=float(lower_tail),
        p_normal=float(2 * norm.sf(abs(z))), alpha=float(alpha))


def size_class_rates(rates: dict[str, float], diameter_cm: float) -> float:
    """The rate of a patient's size class: keys '<=5 cm' (optional), '5-10 cm', '>10 cm'.

    A tumour of 5 cm or less takes the '<=5 cm' rate when one is given, else the '5-10 cm' rate.
    """
    return rates[size_class_key(rates, diameter_cm)]


def size_class_key(rates: dict[str, float], diameter_cm: float) -> str:
    """Which key of ``rates`` a tumour of ``diameter_cm`` takes (see ``size_class_rates``)."""
    if diameter_cm > 10:
        return ">10 cm"
    if diameter_cm <= 5 and "<=5 cm" in rates:
        return "<=5 cm"
    return "5-10 cm"


def _size_basis(size_basis: str | SizeBasis) -> SizeBasis:
    try:
        return SizeBasis(size_basis)
    except ValueError:
        raise ValueError(f"unknown size basis {size_basis!r}; choose one of {', '.join(SIZE_BASES)}") from None


def expected_by_patient(patients: pd.DataFrame, *, rate: float | None = None,
                        rates_by_size: dict[str, float] | None = None, size_basis: str | SizeBasis = "none",
                        timepoint: float, shape: str | HazardShape = "exponential",
                        endpoint: str = "local_control") -> pd.DataFrame:
    """Each patient's share of E: their reference rate, follow-up and reference cumulative hazard.

    Either one ``rate`` for everybody (``size_basis='none'``) or ``rates_by_size``
    applied to each patient's size ``before_rt`` or ``initial``.

    Parameters
    ----------
    patients : DataFrame
        The cohort with derived columns.
    rate : float, optional
        One reference rate S(timepoint) for every patient.
    rates_by_size : dict, optional
        Size class ('<=5 cm', '5-10 cm', '>10 cm') -> rate, with a size basis.
    size_basis : str or SizeBasis
        'before_rt', 'initial', or 'none' with one ``rate``.
    timepoint : float
        The rates' time point (months).
    shape : str or HazardShape
        The reference hazard's shape.
    endpoint : str
        'local_control' or 'overall_survival'.

    Returns
    -------
    DataFrame
        One row per patient: patient, rate, months, event, cumulative_hazard.

    Example
    -------
    >>> parts = expected_by_patient(patients, rates_by_size={"5-10 cm": 0.45, ">10 cm": 0.10},
    ...                             size_basis="before_rt", timepoint=60)        # doctest: +SKIP
    >>> round(parts["cumulative_hazard"].sum(), 2)                                # doctest: +SKIP
    6.18
    """
    size_basis = _size_basis(size_basis)
    if (size_basis is SizeBasis.NONE) != (rates_by_size is None) or (rate is None) == (rates_by_size is None):
        raise ValueError("give either one rate with size_basis='none', or rates_by_size with a size basis")
    durations, events = survival.endpoint(patients, endpoint)
    if rates_by_size is None:
        rates = pd.Series(rate, index=patients.index, dtype=float)
    else:
        rates = patients[SIZE_COLUMNS[size_basis]].map(lambda d: size_class_rates(rates_by_size, d))
    hazard = [cumulative_hazard(float(t), float(r), timepoint, shape) for t, r in zip(durations, rates, strict=True)]
    return pd.DataFrame({"patient": patients["patient"], "rate": rates, "months": durations,
                         "event": events, "cumulative_hazard": hazard})


def expected_events(patients: pd.DataFrame, **reference) -> float:
    """E: the reference cumulative hazard summed over patients.

    Parameters
    ----------
    patients : DataFrame
        The cohort with derived columns.
    **reference
        As ``expected_by_patient``: ``rate`` or ``rates_by_size`` with ``size_basis``, ``timepoint``, ``shape``.

    Returns
    -------
    float

    Example
    -------
    >>> expected_events(patients, rate=0.45, timepoint=60)       # doctest: +SKIP
    5.97...
    """
    return float(expected_by_patient(patients, **reference)["cumulative_hazard"].sum())


def size_mix_rate(patients: pd.DataFrame, rates_by_size: dict[str, float], size_basis: str | SizeBasis) -> float:
    """The reference rate for this cohort's size mix: the mean of each patient's size-class rate.

    Parameters
    ----------
    patients : DataFrame
        The cohort with derived columns.
    rates_by_size : dict
        Size class -> rate, as ``size_standardised_rates`` gives them.
    size_basis : str or SizeBasis
        'before_rt' or 'initial'.

    Returns
    -------
    float

    Example
    -------
    >>> size_mix_rate(patients, {"5-10 cm": 0.45, ">10 cm": 0.10}, "before_rt")   # doctest: +SKIP
    0.2909...
    """
    column = SIZE_COLUMNS[_size_basis(size_basis)]
    return float(patients[column].map(lambda d: size_class_rates(rates_by_size, d)).mean())


@dataclass(frozen=True)
class KaplanMeierAt:
    """A Kaplan-Meier estimate at one time, with its log(-log) and its plain Greenwood 95% intervals."""

    months: float
    estimate: float
    ci_low: float
    ci_high: float
    plain_ci_low: float
    plain_ci_high: float


def km_at_timepoint(patients: pd.DataFrame, months: float, endpoint: str = "local_control") -> KaplanMeierAt:
    """Kaplan-Meier estimate at a time with two 95% intervals: log(-log) Greenwood (primary) and plain Greenwood.

    The plain interval, S +/- 1.96 * S * sqrt(V), can cross 0 or 1 and is
    symmetric where the sampling distribution is not; with eleven patients the
    log(-log) interval is the one to report, and the plain one shows why.

    Parameters
    ----------
    patients : DataFrame
        The cohort with derived columns.
    months : float
        The time of the estimate.
    endpoint : str
        'local_control' or 'overall_survival'.

    Returns
    -------
    KaplanMeierAt

    Example
    -------
    >>> at_60 = km_at_timepoint(patients, 60)              # doctest: +SKIP
    >>> round(at_60.estimate, 2), at_60.plain_ci_high > 1  # doctest: +SKIP
    (0.7, True)
    """
    durations, events = survival.endpoint(patients, endpoint)
    return _km_at(tuple(durations), tuple(events), float(months), endpoint)


@functools.lru_cache(maxsize=256)
def _km_at(durations: tuple, events: tuple, months: float, endpoint: str) -> KaplanMeierAt:
    """km_at_timepoint, remembered by its inputs' values: a sensitivity table or a forest plot asks for the
    same estimate at the same time for every reference it compares with (the result is frozen, so shared)."""
    durations, events = pd.Series(durations, dtype=float), pd.Series(events, dtype=bool)
    fit = survival.fit_km(durations, events, endpoint)
    plain = survival.plain_band(durations, events)
    plain = plain[plain["time"] <= months].iloc[-1] if (plain["time"] <= months).any() else {"low": 1.0, "high": 1.0}
    low, high = survival.confidence_at(fit, months)
    return KaplanMeierAt(months=months, estimate=survival.survival_at(fit, months), ci_low=low, ci_high=high,
                         plain_ci_low=float(plain["low"]), plain_ci_high=float(plain["high"]))


#: The size-standardised comparisons with Kepka et al.: name -> size class -> row of historical.csv.
SIZE_STANDARDISED = {
    "kepka_by_size_cited": {"5-10 cm": "kepka_lc_5to10_cited", ">10 cm": "kepka_lc_gt10_cited"},
    "kepka_by_size_source": {"<=5 cm": "kepka_lc_lt5_source", "5-10 cm": "kepka_lc_5to10_source",
                             ">10 cm": "kepka_lc_gt10_source"},
}


@dataclass(frozen=True)
class Reference:
    """Which historical reference a comparison uses: a comparator, a size basis and a hazard shape."""

    comparator: str
    size_basis: SizeBasis
    shape: HazardShape


#: The analysis the chapter calls primary: rates as the paper cites them, size before radiotherapy.
PRIMARY = Reference("kepka_by_size_cited", SizeBasis.BEFORE_RT, HazardShape(ShapeKind.EXPONENTIAL))

#: The comparator of a rate the reader types in (the explorer), which is no row of historical.csv.
CUSTOM = "custom"


@dataclass(frozen=True)
class Comparison(ObservedExpected):
    """The cohort against one historical reference: the one-sample log-rank test (the fields it inherits from
    ``ObservedExpected``) with the reference it was run against and the Kaplan-Meier estimate at the reference's
    time point, the same fields whichever kind of reference it is.

    ``historical_rate`` is None for a size-matched comparison (each size class has
    its own rate); ``study``, ``subgroup`` and ``treatment`` are None for a rate the
    reader typed in. The ``km_*`` fields are ``KaplanMeierAt`` at ``timepoint_months``.
    """

    comparator: str
    study: str | None
    subgroup: str | None
    treatment: str | None
    endpoint: str
    timepoint_months: float
    historical_rate: float | None
    size_basis: SizeBasis
    shape: HazardShape
    km_estimate: float
    km_ci_low: float
    km_ci_high: float
    km_plain_ci_low: float
    km_plain_ci_high: float

    @property
    def size_matched(self) -> bool:
        """Whether each patient's rate follows their size class (a SIZE_STANDARDISED comparator)."""
        return self.comparator in SIZE_STANDARDISED


def _comparison(patients, *, comparator, study, subgroup, treatment, endpoint, timepoint, rate, size_basis, shape,
                expected, alpha) -> Comparison:
    km = km_at_timepoint(patients, timepoint, endpoint)
    _, events = survival.endpoint(patients, endpoint)
    test = one_sample_logrank(int(events.sum()), expected, alpha)
    return Comparison(comparator=comparator, study=study, subgroup=subgroup, treatment=treatment, endpoint=endpoint,
                      timepoint_months=float(timepoint), historical_rate=rate, size_basis=size_basis, shape=shape,
                      km_estimate=km.estimate, km_ci_low=km.ci_low, km_ci_high=km.ci_high,
                      km_plain_ci_low=km.plain_ci_low, km_plain_ci_high=km.plain_ci_high, **vars(test))


def observed_vs_expected(patients: pd.DataFrame, historical: pd.DataFrame, comparator: str, *,
                         size_basis: str | SizeBasis = "none", shape: str | HazardShape = "exponential",
                         alpha: float = 0.05) -> Comparison:
    """The cohort's observed failures against those a historical reference expects of it (one-sample log-rank).

    Parameters
    ----------
    patients, historical : DataFrame
        The cohort with derived columns, and historical.csv.
    comparator : str
        A row id of historical.csv (one rate for every patient, ``size_basis='none'``)
        or a SIZE_STANDARDISED name (each patient the rate of their size class).
    size_basis : str or SizeBasis
        'before_rt' or 'initial' for a size-matched comparator, else 'none'.
    shape : str or HazardShape
        The reference hazard's shape.
    alpha : float
        For the exact O/E interval.

    Returns
    -------
    Comparison

    Example
    -------
    >>> primary = observed_vs_expected(patients, historical, "kepka_by_size_cited",
    ...                                size_basis="before_rt")               # doctest: +SKIP
    >>> primary.observed_events, round(primary.expected_events, 2)          # doctest: +SKIP
    (2, 6.18)
    """
    _check_alpha(alpha)
    shape = HazardShape.named(shape)
    size_basis = _size_basis(size_basis)
    h = historical.set_index("id")
    if comparator in SIZE_STANDARDISED:
        if size_basis is SizeBasis.NONE:
            raise ValueError(f"{comparator} needs a size basis: before_rt or initial")
        ids = SIZE_STANDARDISED[comparator]
        expected, timepoint = _historical_expected(patients, h, comparator, size_basis, shape)
        return _comparison(patients, comparator=comparator, study=h.loc[ids["5-10 cm"], "study"],
                           subgroup="by size class", treatment=h.loc[ids["5-10 cm"], "treatment"],
                           endpoint="local_control", timepoint=timepoint, rate=None, size_basis=size_basis,
                           shape=shape, expected=expected, alpha=alpha)
    if comparator not in h.index:
        raise ValueError(f"unknown comparator {comparator!r}")
    row = h.loc[comparator]
    if row["endpoint"] not in survival.ENDPOINTS or pd.isna(row["timepoint_months"]):
        raise ValueError(f"{comparator} is not a survival rate at a stated time point")
    if size_basis is not SizeBasis.NONE:
        raise ValueError(f"{comparator} is one rate for everybody: its size basis is 'none'")
    single = observed_vs_rate(patients, float(row["rate"]), float(row["timepoint_months"]), shape=shape, alpha=alpha,
                              endpoint=row["endpoint"])
    return replace(single, comparator=comparator, study=row["study"], subgroup=row["subgroup"],
                   treatment=row["treatment"])


def _historical_expected(patients: pd.DataFrame, h: pd.DataFrame, comparator: str, size_basis: SizeBasis,
                         shape: HazardShape) -> tuple[float, float]:
    """E under a comparator of historical.csv (``h``, indexed by id; the caller has checked the arguments),
    and the time point its rates are read at: the one lookup of rates and time points that
    ``observed_vs_expected`` and the Weibull scan share."""
    if comparator in SIZE_STANDARDISED:
        timepoint = float(h.loc[SIZE_STANDARDISED[comparator]["5-10 cm"], "timepoint_months"])
        return expected_events(patients, rates_by_size=_size_rates(h, comparator), size_basis=size_basis,
                               timepoint=timepoint, shape=shape), timepoint
    row = h.loc[comparator]
    timepoint = float(row["timepoint_months"])
    return expected_events(patients, rate=float(row["rate"]), timepoint=timepoint, shape=shape,
                           endpoint=row["endpoint"]), timepoint


def size_standardised_rates(historical: pd.DataFrame, comparator: str) -> dict[str, float]:
    """The size-class rates of one SIZE_STANDARDISED comparator, read from historical.csv.

    Parameters
    ----------
    historical : DataFrame
        historical.csv.
    comparator : str
        A key of SIZE_STANDARDISED.

    Returns
    -------
    dict
        Size class ('<=5 cm', '5-10 cm', '>10 cm') -> rate.

    Example
    -------
    >>> size_standardised_rates(historical, "kepka_by_size_cited")     # doctest: +SKIP
    {'5-10 cm': 0.45, '>10 cm': 0.1}
    """
    return _size_rates(historical.set_index("id"), comparator)


def _size_rates(h: pd.DataFrame, comparator: str) -> dict[str, float]:
    """``size_standardised_rates`` from historical.csv indexed by id."""
    return {size: float(h.loc[i, "rate"]) for size, i in SIZE_STANDARDISED[comparator].items()}


def observed_vs_rate(patients: pd.DataFrame, rate: float, timepoint: float, *,
                     shape: str | HazardShape = "exponential", alpha: float = 0.05,
                     endpoint: str = "local_control") -> Comparison:
    """The cohort against one reference rate S(timepoint) = rate applied to every patient.

    Parameters
    ----------
    patients : DataFrame
        The cohort with derived columns.
    rate, timepoint : float
        The reference's published point: S(timepoint) = rate.
    shape : str or HazardShape
        The reference hazard's shape.
    alpha : float
        For the exact O/E interval.
    endpoint : str
        'local_control' or 'overall_survival'.

    Returns
    -------
    Comparison
        With comparator CUSTOM and no study; ``observed_vs_expected`` fills them in for a row of historical.csv.

    Example
    -------
    >>> round(observed_vs_rate(patients, 0.45, 60).expected_events, 2)      # doctest: +SKIP
    5.97
    """
    shape = HazardShape.named(shape)
    _check_rate(rate)
    _check_alpha(alpha)
    if not timepoint > 0:
        raise ValueError(f"the historical time point must be positive, got {timepoint!r}")
    expected = expected_events(patients, rate=rate, timepoint=timepoint, shape=shape, endpoint=endpoint)
    return _comparison(patients, comparator=CUSTOM, study=None, subgroup=None, treatment=None, endpoint=endpoint,
                       timepoint=timepoint, rate=float(rate), size_basis=SizeBasis.NONE, shape=shape,
                       expected=expected, alpha=alpha)


def comparisons(patients: pd.DataFrame, historical: pd.DataFrame, shape: str | HazardShape = "exponential",
                alpha: float = 0.05) -> list[Comparison]:
    """Every comparison the historical figures allow.

    One per historical survival rate with a time point (single rate,
    ``size_basis='none'``; local control and overall survival), plus the
    size-standardised comparisons against Kepka et al. on both size bases, with
    the rates as the paper cites them and as the source gives them. Rates of 0
    or 1 cannot define a hazard and are left out; disease-free survival is left
    out because Table 3 does not give its times (chapter 6).

    Parameters
    ----------
    patients, historical : DataFrame
        The cohort with derived columns, and historical.csv.
    shape : str or HazardShape
        The reference hazard's shape.
    alpha : float
        For the exact O/E interval.

    Returns
    -------
    list of Comparison

    Example
    -------
    >>> len(comparisons(patients, historical)) > 4      # doctest: +SKIP
    True
    """
    usable = historical[historical["endpoint"].isin(list(survival.ENDPOINTS))
                        & historical["timepoint_months"].notna()
                        & historical["rate"].between(0, 1, inclusive="neither")]
    out = [observed_vs_expected(patients, historical, i, shape=shape, alpha=alpha) for i in usable["id"]]
    for name in SIZE_STANDARDISED:
        for basis in (SizeBasis.BEFORE_RT, SizeBasis.INITIAL):
            out.append(observed_vs_expected(patients, historical, name, size_basis=basis, shape=shape, alpha=alpha))
    return out


@dataclass(frozen=True)
class CompetingRisk:
    """Two readings of 'local failure by t': 1 - Kaplan-Meier (deaths censored) and the cumulative incidence
    (Aalen-Johansen, deaths compete)."""

    months: float
    one_minus_km: float
    cumulative_incidence: float


def competing_risk_view(patients: pd.DataFrame, months: float) -> CompetingRisk:
    """1 - Kaplan-Meier local control and the cumulative incidence of local failure at ``months``.

    Parameters
    ----------
    patients : DataFrame
        The cohort with derived columns.
    months : float
        The time of both readings.

    Returns
    -------
    CompetingRisk

    Example
    -------
    >>> view = competing_risk_view(patients, 60)                            # doctest: +SKIP
    >>> view.cumulative_incidence <= view.one_minus_km                      # doctest: +SKIP
    True
    """
    fit = survival.kaplan_meier(patients, "local_control")
    return CompetingRisk(months=float(months), one_minus_km=1 - survival.survival_at(fit, months),
                         cumulative_incidence=survival.cumulative_incidence_of_local_failure(patients, months))


#: The local-control variants the sensitivity table and forest plot show (comparator, size basis), each
#: under every hazard shape: the primary analysis first, then its variations, then the single-rate readings.
SENSITIVITY = (
    ("kepka_by_size_cited", SizeBasis.BEFORE_RT),
    ("kepka_by_size_cited", SizeBasis.INITIAL),
    ("kepka_by_size_source", SizeBasis.BEFORE_RT),
    ("kepka_by_size_source", SizeBasis.INITIAL),
    ("kepka_lc_all_source", SizeBasis.NONE),
    ("kepka_lc_gt10_cited", SizeBasis.NONE),
    ("goffman_lc_3y", SizeBasis.NONE),
)


#: The hazard shapes of the sensitivity analysis, in both directions from the exponential: fewer failures
#: late (plateau), more failures early (Weibull k < 1, with or without failures after the time point, and
#: most failures within two years), more late (Weibull k > 1). All pass through the same published point.
SENSITIVITY_SHAPES = (EXPONENTIAL, PLATEAU, HazardShape.weibull(0.5), HazardShape.weibull(0.5, then_plateau=True),
                      HazardShape.early(24, 0.8), HazardShape.weibull(1.5))


def sensitivity(patients: pd.DataFrame, historical: pd.DataFrame, alpha: float = 0.05,
                shapes=SENSITIVITY_SHAPES) -> list[Comparison]:
    """Every SENSITIVITY variant under every shape of ``shapes`` (shape by shape, variants in order).

    Parameters
    ----------
    patients, historical : DataFrame
        The cohort with derived columns, and historical.csv.
    alpha : float
        For the exact O/E interval.
    shapes : sequence of HazardShape or str
        Default ``SENSITIVITY_SHAPES``.

    Returns
    -------
    list of Comparison
        One per (shape, variant).

    Example
    -------
    >>> rows = sensitivity(patients, historical)                            # doctest: +SKIP
    >>> {r.shape.name for r in rows} >= {"exponential", "weibull k=0.5"}    # doctest: +SKIP
    True
    """
    return [observed_vs_expected(patients, historical, comparator, size_basis=basis, shape=shape, alpha=alpha)
            for shape in shapes for comparator, basis in SENSITIVITY]


class ShapeFamily(enum.StrEnum):
    """The directions a hazard shape can depart from the constant one (``shape_family``)."""

    FRONT_LOADED = "front-loaded"   # more failures early: Weibull k < 1 (with or without a plateau), early share
    CONSTANT = "constant"           # the exponential
    PLATEAU = "plateau"             # no failures after the time point
    RISING = "rising"               # Weibull k > 1


def shape_family(shape: HazardShape) -> ShapeFamily | None:
    """Which ``ShapeFamily`` a hazard shape belongs to (None for a Weibull shape of exactly 1).

    Example
    -------
    >>> shape_family(HazardShape.weibull(0.5, then_plateau=True))
    <ShapeFamily.FRONT_LOADED: 'front-loaded'>
    """
    if shape.front_loaded:
        return ShapeFamily.FRONT_LOADED
    if shape.kind is ShapeKind.WEIBULL:
        return ShapeFamily.RISING if shape.weibull_k > 1 else None
    return ShapeFamily.CONSTANT if shape.kind is ShapeKind.EXPONENTIAL else ShapeFamily.PLATEAU


def significant_by_family(rows: list[Comparison], level: float = 0.05) -> dict[ShapeFamily, tuple[int, int]]:
    """How many comparisons reach a two-sided exact p below ``level``, per family of hazard shape.

    Parameters
    ----------
    rows : list of Comparison
        For example the size-matched rows of ``sensitivity`` on one size basis.
    level : float
        The significance level.

    Returns
    -------
    dict
        ``ShapeFamily`` -> (significant, total), every family in order (a family no row has counts (0, 0)).

    Example
    -------
    >>> significant_by_family(sensitivity(patients, historical))[ShapeFamily.CONSTANT]   # doctest: +SKIP
    (2, 7)
    """
    counts = {family: [0, 0] for family in ShapeFamily}
    for row in rows:
        family = shape_family(row.shape)
        if family is not None:
            counts[family][0] += row.p_exact < level
            counts[family][1] += 1
    return {family: (int(significant), int(total)) for family, (significant, total) in counts.items()}


#: Follow-up from which a patient counts as followed long (six years): under a constant hazard these few
#: patients carry much of what the reference expects.
LONG_FOLLOW_UP_MONTHS = 72


@dataclass(frozen=True)
class SizeClassPart:
    """One size class's part of a size-matched comparison: its patients, follow-up, O and E."""

    patients: int
    rate: float                 # the reference rate of the class (for '10 cm or less', of 5-10 cm)
    hazard: float               # -log(rate) / timepoint: the constant hazard an exponential reference has
    months: float               # follow-up for the endpoint, summed over the class
    observed: int
    expected: float
    long_patients: int          # patients followed LONG_FOLLOW_UP_MONTHS or more
    long_expected: float        # their part of E


@dataclass(frozen=True)
class SizeSplit:
    """Where O and E of a size-matched comparison come from: tumours of 10 cm or less, and over 10 cm."""

    size_basis: SizeBasis
    shape: HazardShape
    small: SizeClassPart
    large: SizeClassPart


def expected_by_size(patients: pd.DataFrame, rates_by_size: dict[str, float], size_basis: str | SizeBasis,
                     timepoint: float, shape: str | HazardShape = "exponential") -> SizeSplit:
    """O and E within each size class (10 cm or less, over 10 cm): where the difference between them comes from.

    Parameters
    ----------
    patients : DataFrame
        The cohort with derived columns.
    rates_by_size : dict
        Size class -> rate (``size_standardised_rates``).
    size_basis : str or SizeBasis
        'before_rt' or 'initial'.
    timepoint : float
        The rates' time point (months).
    shape : str or HazardShape
        The reference hazard's shape.

    Returns
    -------
    SizeSplit

    Example
    -------
    >>> split = expected_by_size(patients, {"5-10 cm": 0.45, ">10 cm": 0.10}, "before_rt", 60)   # doctest: +SKIP
    >>> split.small.observed, split.large.observed                                               # doctest: +SKIP
    (0, 2)
    """
    size_basis, shape = _size_basis(size_basis), HazardShape.named(shape)
    parts = expected_by_patient(patients, rates_by_size=rates_by_size, size_basis=size_basis,
                                timepoint=timepoint, shape=shape)
    large = (patients[SIZE_COLUMNS[size_basis]] > 10).to_numpy()
    long = (parts["months"] >= LONG_FOLLOW_UP_MONTHS).to_numpy()

    def part(mask, rate) -> SizeClassPart:
        return SizeClassPart(patients=int(mask.sum()), rate=rate, hazard=-math.log(rate) / timepoint,
                             months=float(parts["months"][mask].sum()), observed=int(parts["event"][mask].sum()),
                             expected=float(parts["cumulative_hazard"][mask].sum()),
                             long_patients=int((mask & long).sum()),
                             long_expected=float(parts["cumulative_hazard"][mask & long].sum()))

    return SizeSplit(size_basis, shape, small=part(~large, rates_by_size["5-10 cm"]),
                     large=part(large, rates_by_size[">10 cm"]))


def reference_inside_band(fit, rate: float, timepoint: float, shape: str | HazardShape = "exponential",
                          horizon: float | None = None) -> float | None:
    """The last month (on a monthly grid up to ``horizon``) before the reference curve first leaves the
    Kaplan-Meier 95% band; ``horizon`` itself if it never does.

    The band only opens at the first event (before it, the estimate is 1 with no
    uncertainty), so the check starts there.

    Parameters
    ----------
    fit : KaplanMeierFitter
        The cohort's curve.
    rate, timepoint : float
        The reference's published point.
    shape : str or HazardShape
        The reference hazard's shape.
    horizon : float, optional
        The last month checked (default: the longest follow-up).

    Returns
    -------
    float or None
        None when the cohort has no event: its curve stays at 1 with no band
        around it, so no reference can be said to lie inside one.

    Example
    -------
    >>> reference_inside_band(survival.kaplan_meier(patients, "local_control"), 0.45, 60)   # doctest: +SKIP
    28.0
    """
    horizon = float(fit.durations.max()) if horizon is None else horizon
    if not fit.event_observed.astype(bool).any():
        return None
    first_event = int(math.ceil(fit.durations[fit.event_observed.astype(bool)].min()))
    last = float(first_event)
    for month in range(first_event, int(horizon) + 1):
        reference = math.exp(-cumulative_hazard(month, rate, timepoint, shape))
        low, high = survival.confidence_at(fit, month)
        if not low <= reference <= high:
            return last
        last = float(month)
    return last


# --- what the verdict depends on ----------------------------------------------------------------

def critical_expected(observed: int, level: float = 0.05, sided: str | Sided = Sided.TWO) -> float:
    """The expected count E at which the exact p for ``observed`` failures equals ``level``.

    With fewer failures than expected, the exact p falls as E grows:
    P(X <= O | E) = 1 - F(2E; 2(O + 1)) for a chi-square distribution F, so the
    verdict "p < level" holds exactly when E is above chi2.ppf(1 - level/2, 2(O + 1)) / 2
    (two-sided, which doubles the tail) or chi2.ppf(1 - level, 2(O + 1)) / 2 (one-sided).

    Parameters
    ----------
    observed : int
        Observed failures O.
    level : float
        The significance level.
    sided : Sided or {'two', 'one'}
        Two-sided (``p_exact``) or one-sided towards fewer failures (``p_exact_fewer``).

    Returns
    -------
    float
        The critical E.

    Example
    -------
    >>> round(critical_expected(2), 3)      # chi2.ppf(0.975, 6) / 2
    7.225
    """
    _check_alpha(level)
    try:
        sided = Sided(sided)
    except ValueError:
        raise ValueError(f"sided must be 'two' or 'one', got {sided!r}") from None
    tail = level / 2 if sided is Sided.TWO else level
    return float(chi2.ppf(1 - tail, 2 * (observed + 1)) / 2)


@dataclass(frozen=True)
class ShapeScan:
    """E and the exact p-values of one comparison as the Weibull shape k of the reference hazard varies.

    ``flips_two_sided`` and ``flips_one_sided`` are the shapes k at which the
    exact p crosses ``level`` within the scanned range (empty if it never does).
    E is not monotone in k: a small k front-loads failures into the short
    follow-up of the patients who died early, a large k loads them onto the
    long follow-up of the few who lived, and both raise E. So the verdict can
    flip twice, once on each side of the exponential (k = 1).
    """

    comparator: str
    size_basis: SizeBasis
    observed: int
    k: tuple[float, ...]
    expected: tuple[float, ...]
    p_two_sided: tuple[float, ...]
    p_one_sided: tuple[float, ...]
    level: float
    flips_two_sided: tuple[float, ...]
    flips_one_sided: tuple[float, ...]
    critical_two_sided: float     # the E beyond which the two-sided exact p falls below ``level``
    critical_one_sided: float     # the same for the one-sided p

    def significant(self, k: float, sided: str | Sided = Sided.TWO) -> bool:
        """Whether the exact p at shape ``k`` (computed afresh from the scan's E) is below the level."""
        target = critical_expected(self.observed, self.level, sided)
        return float(np.interp(k, self.k, self.expected)) > target


def _crossings(ks, expected, target, solve) -> tuple[float, ...]:
    """Every k where E(k) crosses ``target`` between two grid points, refined by root finding on ``solve``."""
    above = [e > target for e in expected]
    return tuple(float(brentq(lambda k: solve(k) - target, ks[i], ks[i + 1], xtol=1e-6))
                 for i in range(len(ks) - 1) if above[i] != above[i + 1])


def weibull_scan(patients: pd.DataFrame, historical: pd.DataFrame, *, comparator: str = PRIMARY.comparator,
                 size_basis: str | SizeBasis = PRIMARY.size_basis, ks=None, level: float = 0.05) -> ShapeScan:
    """Scan the Weibull shape k of the reference hazard: E, the exact p-values, and where the verdict flips.

    Parameters
    ----------
    patients, historical : DataFrame
        The cohort with derived columns, and historical.csv.
    comparator, size_basis : str
        As ``observed_vs_expected`` (default: the primary analysis).
    ks : sequence of float, optional
        The shapes to scan (default 0.2 to 2.0 in steps of 0.05).
    level : float
        The significance level whose crossing is the flip.

    Returns
    -------
    ShapeScan

    Example
    -------
    >>> scan = weibull_scan(patients, historical)          # doctest: +SKIP
    >>> scan.flips_two_sided                               # doctest: +SKIP
    (0.637..., 1.88...)
    """
    ks = tuple(float(k) for k in (np.round(np.arange(0.2, 2.0001, 0.05), 4) if ks is None else ks))
    size_basis = _size_basis(size_basis)
    # the full comparison once (it checks the arguments); only E depends on k, so the rest of the scan
    # computes E and its test alone, without refitting the same Kaplan-Meier estimate at every k
    observed = observed_vs_expected(patients, historical, comparator, size_basis=size_basis,
                                    shape=HazardShape.weibull(ks[0])).observed_events
    h = historical.set_index("id")

    def solve(k):
        return _historical_expected(patients, h, comparator, size_basis, HazardShape.weibull(k))[0]

    expected = tuple(solve(k) for k in ks)
    rows = [one_sample_logrank(observed, e) for e in expected]

    two, one = critical_expected(observed, level, Sided.TWO), critical_expected(observed, level, Sided.ONE)
    return ShapeScan(comparator=comparator, size_basis=size_basis, observed=observed, k=ks, expected=expected,
                     p_two_sided=tuple(r.p_exact for r in rows), p_one_sided=tuple(r.p_exact_fewer for r in rows),
                     level=level, flips_two_sided=_crossings(ks, expected, two, solve),
                     flips_one_sided=_crossings(ks, expected, one, solve), critical_two_sided=two,
                     critical_one_sided=one)


class Period(enum.Enum):
    """Which part of the curve a reading of published failure times describes."""

    BEFORE = "before the time point"      # the shape of the first five years
    AFTER = "after the time point"        # how much failure is left once five years have passed


class Measure(enum.Enum):
    """What a published pair of numbers about failure times measures."""

    LOCAL_CONTROL = "local control"                  # the percentage locally controlled at each time
    RECURRENCE_SHARE = "share of local recurrences"  # the percentage of all first local recurrences seen by then


@dataclass(frozen=True)
class TimingEvidence:
    """The Weibull shape k that a published pattern of failure times implies, for one part of the curve.

    ``first`` and ``second`` are the published percentages at ``first_months`` and ``second_months``.
    """

    study: str
    citation_key: str
    k: float
    period: Period
    measure: Measure
    first: float
    first_months: float
    second: float
    second_months: float


def implied_weibull_k(literature: pd.DataFrame) -> list[TimingEvidence]:
    """Weibull shapes implied by the published timing of local failure (data/literature.csv).

    * A local-control curve read at two times t1 < t2 (Zagars and Ballo, at 5, 10
      and 15 years): H(t2) / H(t1) = (t2 / t1) ** k, so
      k = log(H(t2) / H(t1)) / log(t2 / t1), with H = -log(LC). These readings lie
      after five years: they say how much failure is left once the published time
      point has passed (a small k means a curve that is nearly flat there).
    * Shares of all first recurrences seen by two times within five years (Eilber
      et al.): if the cumulative hazard grows like the count of recurrences (true
      while failures are a minority of patients),
      k = log(share(t1) / share(t2)) / log(t1 / t2). This describes the shape of the
      first years.

    Both are rough readings of series after surgery, not of unresected tumours.

    Parameters
    ----------
    literature : DataFrame
        data/literature.csv.

    Returns
    -------
    list of TimingEvidence
        One reading per pair of published time points.

    Example
    -------
    >>> [round(e.k, 2) for e in implied_weibull_k(data.load_resource("literature"))]   # doctest: +SKIP
    [0.17, 0.14, 0.47]
    """
    lit = literature.set_index("id")
    out = []
    for first, second in (("zagars_lc_5y", "zagars_lc_10y"), ("zagars_lc_10y", "zagars_lc_15y")):
        a, b = lit.loc[first], lit.loc[second]
        h1, h2 = -math.log(a["value"] / 100), -math.log(b["value"] / 100)
        k = math.log(h2 / h1) / math.log(b["months"] / a["months"])
        out.append(TimingEvidence(a["study"], a["citation_key"], k, Period.AFTER, Measure.LOCAL_CONTROL,
                                  float(a["value"]), float(a["months"]), float(b["value"]), float(b["months"])))
    a, b = lit.loc["eilber_lr_by_2y"], lit.loc["eilber_lr_by_4y"]
    k = math.log(a["value"] / b["value"]) / math.log(a["months"] / b["months"])
    out.append(TimingEvidence(a["study"], a["citation_key"], k, Period.BEFORE, Measure.RECURRENCE_SHARE,
                              float(a["value"]), float(a["months"]), float(b["value"]), float(b["months"])))
    return out


def evidence_shape(evidence: list[TimingEvidence]) -> HazardShape:
    """The shape the published timing supports as a whole: the early readings' Weibull shape up to the time
    point (their mean, if several), and no failures after it if the later readings show a nearly flat tail
    (k below 1/2 there; a constant hazard continued would have k = 1).

    Parameters
    ----------
    evidence : list of TimingEvidence
        Readings from ``implied_weibull_k``.

    Returns
    -------
    HazardShape
        A Weibull shape, flat after the time point when the tail is nearly flat.

    Example
    -------
    >>> evidence_shape(implied_weibull_k(data.load_resource("literature"))).name     # doctest: +SKIP
    'weibull k=0.469 then plateau'
    """
    early = [e.k for e in evidence if e.period is Period.BEFORE]
    late = [e.k for e in evidence if e.period is Period.AFTER]
    if not early:
        raise ValueError("no reading describes the first years: the shape before the time point is unknown")
    flat_tail = bool(late) and max(late) < 0.5
    return HazardShape.weibull(sum(early) / len(early), then_plateau=flat_tail)


def wilson_interval(rate: float, n: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson's score interval for a proportion ``rate`` observed in ``n`` patients.

    Used for a published rate whose subgroup size is known. A Kaplan-Meier rate
    with censoring is less precise than a proportion of n, so this interval is
    narrower than the truth: it shows the least uncertainty the rate carries.

    Parameters
    ----------
    rate : float
        The observed proportion, in [0, 1].
    n : int
        Patients it was observed in.
    level : float
        The interval's coverage.

    Returns
    -------
    tuple of float
        (low, high).

    Example
    -------
    >>> [round(x, 3) for x in wilson_interval(0.1, 33)]     # centre 0.1417, half-width 0.1055 by hand
    [0.036, 0.247]
    """
    if not 0 <= rate <= 1 or n < 1:
        raise ValueError(f"need a rate in [0, 1] and n >= 1, got {rate!r} and {n!r}")
    z = norm.ppf(0.5 + level / 2)
    centre = (rate + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(rate * (1 - rate) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return float(centre - half), float(centre + half)


def kepka_5to10_size_bounds(historical: pd.DataFrame, literature: pd.DataFrame) -> tuple[int, int]:
    """The fewest and most patients Kepka's 5-10 cm subgroup can have held, from what is in print.

    Of 112 patients, 33 had tumours of 10 cm or more, so at most 112 - 33 were
    smaller. The median size was 8 cm, so at least half (56) measured 8 cm or
    more; at most 33 of them were 10 cm or more, so at least 56 - 33 measured
    8 to under 10 cm, all inside the 5-10 cm class.

    Parameters
    ----------
    historical, literature : DataFrame
        historical.csv and literature.csv.

    Returns
    -------
    tuple of int
        (fewest, most) patients in the 5-10 cm subgroup.

    Example
    -------
    >>> kepka_5to10_size_bounds(historical, literature)      # doctest: +SKIP
    (23, 79)
    """
    h, lit = historical.set_index("id"), literature.set_index("id")
    total = int(lit.loc["kepka_patients", "value"])
    large = int(h.loc["kepka_share_ge10cm", "count"])
    if lit.loc["kepka_median_size", "value"] < 5:
        raise ValueError("the median-size argument needs a median inside the 5-10 cm class")
    return math.ceil(total / 2) - large, total - large


@dataclass(frozen=True)
class RateRange:
    """One published rate with the size of its subgroup and the ends of its plausible range."""

    rate: float
    subgroup_size: int | None     # None: no size in print, the rate is held fixed
    low: float
    high: float


@dataclass(frozen=True)
class ReferenceRange:
    """A size-matched comparison redone at the ends of each reference rate's plausible range.

    ``rates`` maps each size class to its ``RateRange``.
    ``*_most`` is the analysis with every rate at the low end of its range (worse
    historical control, more failures expected); ``*_fewest`` at the high end.
    Both ends at once is an extreme corner, and a p computed there is not a
    p-value; the propagated fields are the fairer summary: each rate drawn from
    its own uncertainty (a Jeffreys Beta distribution for a proportion of its
    subgroup), ``expected_low``/``expected_high`` the middle 95% of E over the
    draws, and ``p_exact_averaged`` the exact p averaged over them.
    """

    comparator: str
    size_basis: SizeBasis
    shape: HazardShape
    level: float
    rates: dict[str, RateRange]
    expected: float
    expected_most: float
    expected_fewest: float
    p_exact: float
    p_exact_most: float
    p_exact_fewest: float
    p_exact_fewer_most: float
    p_exact_fewer_fewest: float
    expected_low: float
    expected_high: float
    p_exact_averaged: float
    p_exact_fewer_averaged: float
    draws: int


def reference_range(patients: pd.DataFrame, historical: pd.DataFrame, literature: pd.DataFrame, *,
                    comparator: str = PRIMARY.comparator, size_basis: str | SizeBasis = PRIMARY.size_basis,
                    shape: str | HazardShape = "exponential", level: float = 0.95, draws: int = 4000,
                    seed: int = 20100555) -> ReferenceRange:
    """Redo a size-matched comparison with each Kepka rate at the ends of its Wilson interval, and with the
    rates' uncertainty carried through (``draws`` Monte Carlo draws with a fixed ``seed``).

    The subgroup sizes: 33 for tumours over 10 cm (historical.csv; the patients of
    10 cm or more, so the most the class can have held, which makes its interval
    if anything too narrow), and for 5-10 cm the fewest patients the source
    allows (``kepka_5to10_size_bounds``), which gives the widest interval.

    Parameters
    ----------
    patients, historical, literature : DataFrame
        The cohort with derived columns, historical.csv and literature.csv.
    comparator, size_basis : str
        A SIZE_STANDARDISED comparator and its size basis.
    shape : str or HazardShape
        The reference hazard's shape.
    level : float
        Coverage of each rate's interval.

    Returns
    -------
    ReferenceRange

    Example
    -------
    >>> r = reference_range(patients, historical, literature)     # doctest: +SKIP
    >>> r.expected_fewest < r.expected < r.expected_most          # doctest: +SKIP
    True
    """
    if comparator not in SIZE_STANDARDISED:
        raise ValueError(f"{comparator} is not a size-matched comparison")
    shape, size_basis = HazardShape.named(shape), _size_basis(size_basis)
    h = historical.set_index("id")
    smallest_5to10, _ = kepka_5to10_size_bounds(historical, literature)
    rates = {}
    for size, row_id in SIZE_STANDARDISED[comparator].items():
        rate = float(h.loc[row_id, "rate"])
        n = smallest_5to10 if size == "5-10 cm" else h.loc[row_id, "denominator"]
        if pd.isna(n):
            rates[size] = RateRange(rate, None, rate, rate)   # no size in print: held fixed (only '<=5 cm', which
            continue                                          # no patient here needs unless a residual is small)
        low, high = wilson_interval(rate, int(n), level)
        rates[size] = RateRange(rate, int(n), low, high)
    timepoint = float(h.loc[SIZE_STANDARDISED[comparator]["5-10 cm"], "timepoint_months"])
    _, events = survival.endpoint(patients, "local_control")
    observed = int(events.sum())

    def run(which: str):
        chosen = {size: getattr(values, which) for size, values in rates.items()}
        e = expected_events(patients, rates_by_size=chosen, size_basis=size_basis, timepoint=timepoint, shape=shape)
        return e, one_sample_logrank(observed, e)

    (e, mid), (e_most, most), (e_fewest, fewest) = run("rate"), run("low"), run("high")
    sampled = _expected_over_rate_draws(patients, rates, size_basis=size_basis, timepoint=timepoint, shape=shape,
                                        draws=draws, seed=seed)
    lower_tails = poisson.cdf(observed, sampled)
    upper_tails = poisson.sf(observed - 1, sampled)
    return ReferenceRange(comparator=comparator, size_basis=size_basis, shape=shape, level=level, rates=rates,
                          expected=e, expected_most=e_most, expected_fewest=e_fewest, p_exact=mid.p_exact,
                          p_exact_most=most.p_exact, p_exact_fewest=fewest.p_exact,
                          p_exact_fewer_most=most.p_exact_fewer, p_exact_fewer_fewest=fewest.p_exact_fewer,
                          expected_low=float(np.quantile(sampled, 0.025)),
                          expected_high=float(np.quantile(sampled, 0.975)),
                          p_exact_averaged=float(np.minimum(1.0, 2 * np.minimum(lower_tails, upper_tails)).mean()),
                          p_exact_fewer_averaged=float(lower_tails.mean()), draws=draws)


def _expected_over_rate_draws(patients, rates, *, size_basis, timepoint, shape, draws, seed) -> np.ndarray:
    """E for ``draws`` sets of size-class rates, each drawn from Beta(x + 1/2, n - x + 1/2) with x = rate * n.

    E is linear in each class's -log(rate), so it is computed from each class's
    summed shape fractions once, and the draws only rescale them.
    """
    durations, _ = survival.endpoint(patients, "local_control")
    classes = patients[SIZE_COLUMNS[size_basis]].map(lambda d: size_class_key(rates, d))
    rng = np.random.default_rng(seed)
    total = np.zeros(draws)
    for size, r in rates.items():
        fractions = sum(shape.fraction(float(t), timepoint) for t, c in zip(durations, classes, strict=True)
                        if c == size)
        n = r.subgroup_size
        drawn = np.full(draws, r.rate) if n is None else rng.beta(r.rate * n + 0.5, (1 - r.rate) * n + 0.5,
                                                                  size=draws)
        total += -np.log(drawn) * fractions
    return total


@dataclass(frozen=True)
class SubsetComparison:
    """A comparison of part of the cohort: the tumours over 10 cm by one size basis."""

    comparison: Comparison
    size_basis: SizeBasis          # which diameter decided "over 10 cm"
    patients: int
    p_exact_fewer_floor: float     # the one-sided exact p had none of them failed: the smallest this subset allows


def large_tumours_against(patients: pd.DataFrame, historical: pd.DataFrame, comparator: str = "goffman_lc_3y", *,
                          size_basis: str | SizeBasis = "initial", shape: str | HazardShape = "exponential",
                          alpha: float = 0.05) -> SubsetComparison:
    """Only the cohort's tumours over 10 cm against one historical rate: like with like for a series of large tumours.

    Goffman et al. treated large and massive sarcomas, so their rate belongs
    beside this cohort's large tumours, not beside all eleven.

    Parameters
    ----------
    patients, historical : DataFrame
        The cohort with derived columns, and historical.csv.
    comparator : str
        A single-rate row of historical.csv.
    size_basis : {'initial', 'before_rt'}
        Which diameter decides "over 10 cm".
    shape : str or HazardShape
        The reference hazard's shape.

    Returns
    -------
    SubsetComparison
        The subset's comparison, how many patients it holds, and ``p_exact_fewer_floor``:
        the one-sided exact p had none of them failed, the smallest this subset allows.

    Example
    -------
    >>> large_tumours_against(patients, historical).patients     # doctest: +SKIP
    6
    """
    size_basis = _size_basis(size_basis)
    if size_basis is SizeBasis.NONE:
        raise ValueError("say which size decides 'over 10 cm': before_rt or initial")
    subset = patients[patients[SIZE_COLUMNS[size_basis]] > 10]
    if subset.empty:
        raise ValueError(f"no tumour over 10 cm by the {size_basis} size: nothing to compare")
    row = observed_vs_expected(subset, historical, comparator, shape=shape, alpha=alpha)
    return SubsetComparison(row, size_basis, len(subset), float(poisson.pmf(0, row.expected_events)))


@dataclass(frozen=True)
class EmptySubset:
    """A subset comparison the data in hand cannot make: no tumour over 10 cm by ``size_basis``.

    Stands in ``every_comparison`` where a ``SubsetComparison`` would, with the
    ``shape`` it would have used and the reason (``not_computable``), never an
    error or an O/E of nothing.
    """

    comparator: str
    size_basis: SizeBasis
    shape: HazardShape
    patients: int
    not_computable: str


def large_tumours_or_empty(patients: pd.DataFrame, historical: pd.DataFrame, comparator: str = "goffman_lc_3y", *,
                           size_basis: str | SizeBasis = "initial", shape: str | HazardShape = "exponential",
                           alpha: float = 0.05) -> SubsetComparison | EmptySubset:
    """``large_tumours_against``, or an ``EmptySubset`` saying why not when no tumour is over 10 cm.

    Parameters
    ----------
    patients, historical, comparator, size_basis, shape, alpha
        As for ``large_tumours_against``.

    Returns
    -------
    SubsetComparison or EmptySubset

    Example
    -------
    >>> small = patients.assign(diameter_initial_cm=8.0)                 # doctest: +SKIP
    >>> large_tumours_or_empty(small, historical).not_computable        # doctest: +SKIP
    'no tumour over 10 cm by the initial size, so nothing to compare'
    """
    basis = _size_basis(size_basis)
    if basis is not SizeBasis.NONE and not (patients[SIZE_COLUMNS[basis]] > 10).any():
        return EmptySubset(comparator, basis, HazardShape.named(shape), 0,
                           f"no tumour over 10 cm by the {basis} size, so nothing to compare")
    return large_tumours_against(patients, historical, comparator, size_basis=basis, shape=shape, alpha=alpha)


class Analysis(enum.StrEnum):
    """The parts of ``every_comparison``."""

    COMPARISON = "comparison"
    SENSITIVITY = "sensitivity"
    EVIDENCE_SHAPE = "evidence shape"
    LARGE_TUMOURS = "large tumours"
    WEIBULL_SCAN = "weibull scan"


@dataclass(frozen=True)
class AnalysisRow:
    """One result of ``every_comparison``, with the reference-rate uncertainty of a size-matched one."""

    analysis: Analysis
    result: Comparison | SubsetComparison | EmptySubset | ShapeScan
    reference: ReferenceRange | None = None


def every_comparison(patients: pd.DataFrame, historical: pd.DataFrame, literature: pd.DataFrame,
                     shape: str | HazardShape = "exponential", alpha: float = 0.05) -> list[AnalysisRow]:
    """Everything the comparison chapter computes, for the command line.

    * ``COMPARISON``: ``comparisons(shape)``, every historical rate once;
    * ``SENSITIVITY``: every SENSITIVITY variant under every SENSITIVITY_SHAPES shape, with
      the ``ReferenceRange`` of the size-matched ones;
    * ``EVIDENCE_SHAPE``: the size-matched variants under the shape the published failure times
      support (``evidence_shape``), with their ``ReferenceRange``;
    * ``LARGE_TUMOURS``: Goffman's rate against the tumours over 10 cm, on both size bases,
      under every shape (an ``EmptySubset`` where the data have no such tumour);
    * ``WEIBULL_SCAN``: for each size-matched variant, the ``ShapeScan`` over Weibull shapes.

    Parameters
    ----------
    patients, historical, literature : DataFrame
        The cohort with derived columns, historical.csv and literature.csv.
    shape : str or HazardShape
        The reference hazard's shape for the ``COMPARISON`` rows.
    alpha : float
        For the exact O/E interval.

    Returns
    -------
    list of AnalysisRow
        ``python -m rtchx compare --json`` prints them (``rtchx.__main__.analysis_json``).

    Example
    -------
    >>> rows = every_comparison(patients, historical, literature)       # doctest: +SKIP
    >>> sorted({r.analysis.value for r in rows})                        # doctest: +SKIP
    ['comparison', 'evidence shape', 'large tumours', 'sensitivity', 'weibull scan']
    """
    out = [AnalysisRow(Analysis.COMPARISON, row) for row in comparisons(patients, historical, shape, alpha)]
    for row in sensitivity(patients, historical, alpha):
        reference = None
        if row.size_matched:
            reference = reference_range(patients, historical, literature, comparator=row.comparator,
                                        size_basis=row.size_basis, shape=row.shape)
        out.append(AnalysisRow(Analysis.SENSITIVITY, row, reference))
    supported = evidence_shape(implied_weibull_k(literature))
    for comparator, basis in SENSITIVITY:
        if comparator in SIZE_STANDARDISED:
            row = observed_vs_expected(patients, historical, comparator, size_basis=basis, shape=supported,
                                       alpha=alpha)
            out.append(AnalysisRow(Analysis.EVIDENCE_SHAPE, row,
                                   reference_range(patients, historical, literature, comparator=comparator,
                                                   size_basis=basis, shape=supported)))
    for basis in (SizeBasis.INITIAL, SizeBasis.BEFORE_RT):
        for each in SENSITIVITY_SHAPES:
            out.append(AnalysisRow(Analysis.LARGE_TUMOURS,
                                   large_tumours_or_empty(patients, historical, size_basis=basis, shape=each,
                                                          alpha=alpha)))
    for comparator, basis in SENSITIVITY:
        if comparator in SIZE_STANDARDISED:
            out.append(AnalysisRow(Analysis.WEIBULL_SCAN,
                                   weibull_scan(patients, historical, comparator=comparator, size_basis=basis)))
    return out


@dataclass(frozen=True)
class ExtraTreatment:
    """A patient who had more than radiotherapy with concurrent ifosfamide, and what.

    ``case_report`` marks the case report's patient: by its text her hyperthermia
    stopped early, and she had further chemotherapy (ifosfamide with epirubicin)
    after radiochemotherapy.
    """

    patient: int
    hyperthermia: bool
    case_report: bool
    local_failure: bool
    lc_months: float


def extra_treatment(patients: pd.DataFrame) -> list[ExtraTreatment]:
    """The patients whose treatment went beyond radiotherapy plus ifosfamide, from Table 3 and the case report.

    Table 3 marks regional hyperthermia (HT); the case report adds three courses
    of ifosfamide with epirubicin after radiochemotherapy for its patient
    (``quantities.case_report_patient``). Any effect of these is mixed into the
    cohort's local control.

    Parameters
    ----------
    patients : DataFrame
        The cohort with derived columns.

    Returns
    -------
    list of ExtraTreatment
        In patient order; ``rtchx.book.prose.extra_treatment_sentence`` says what each had.

    Example
    -------
    >>> [e.patient for e in extra_treatment(patients)]       # doctest: +SKIP
    [3, 8]
    """
    case = int(case_report_patient(patients)["patient"])
    return [ExtraTreatment(int(row.patient), bool(row.hyperthermia), int(row.patient) == case,
                           bool(row.local_failure), float(row.lc_months))
            for row in patients.itertuples(index=False) if row.hyperthermia or int(row.patient) == case]
