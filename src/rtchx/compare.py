"""Comparing the cohort's local control with the historical series it cites.

The one-sample log-rank test (Breslow 1975; Finkelstein, Muzikansky and
Schoenfeld 2003) asks whether the cohort had fewer local failures than a
reference hazard predicts. Each patient contributes the reference cumulative
hazard up to the end of their own follow-up for local control; the sum is the
expected number of failures E, to be set against the observed O. The reference
hazard is matched to a historical rate S(t0) at a time t0:

* ``exponential``: a constant hazard, H(t) = -log(S(t0)) * t / t0, for all t;
* ``plateau``: the same hazard up to t0 and none after (the curve flat beyond
  t0, as local-control curves often are), H(t) = -log(S(t0)) * min(t, t0) / t0.
"""

from __future__ import annotations

import math

import pandas as pd
from scipy.stats import chi2, norm, poisson

from . import survival

SHAPES = ("exponential", "plateau")
SIZE_BASES = ("before_rt", "initial", "none")


def _check_rate(rate: float) -> None:
    if not 0 < rate < 1:
        raise ValueError(f"a historical rate must lie strictly between 0 and 1, got {rate!r}")


def _check_alpha(alpha: float) -> None:
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie strictly between 0 and 1, got {alpha!r}")


def cumulative_hazard(months: float, rate: float, timepoint: float, shape: str = "exponential") -> float:
    """Reference cumulative hazard at ``months`` for a curve with S(timepoint) = rate."""
    _check_rate(rate)
    if months < 0:
        raise ValueError(f"a follow-up time cannot be negative, got {months!r}")
    if timepoint <= 0:
        raise ValueError(f"the historical time point must be positive, got {timepoint!r}")
    if shape not in SHAPES:
        raise ValueError(f"unknown hazard shape {shape!r}; choose one of {', '.join(SHAPES)}")
    exposure = months if shape == "exponential" else min(months, timepoint)
    return -math.log(rate) * exposure / timepoint


def one_sample_logrank(observed: int, expected: float, alpha: float = 0.05) -> dict:
    """O/E with its exact (Poisson) confidence interval, the normal-approximation and the exact two-sided p.

    The exact p doubles the smaller Poisson tail at O given mean E (capped at 1);
    the normal p uses z = (O - E) / sqrt(E).
    """
    _check_alpha(alpha)
    if observed < 0 or expected <= 0:
        raise ValueError("observed events must be >= 0 and expected events > 0")
    low = chi2.ppf(alpha / 2, 2 * observed) / (2 * expected) if observed > 0 else 0.0
    high = chi2.ppf(1 - alpha / 2, 2 * observed + 2) / (2 * expected)
    lower_tail, upper_tail = poisson.cdf(observed, expected), poisson.sf(observed - 1, expected)
    z = (observed - expected) / math.sqrt(expected)
    return {
        "observed_events": int(observed),
        "expected_events": float(expected),
        "o_over_e": observed / expected,
        "o_over_e_ci_low": float(low),
        "o_over_e_ci_high": float(high),
        "p_exact": float(min(1.0, 2 * min(lower_tail, upper_tail))),
        "p_normal": float(2 * norm.sf(abs(z))),
    }


def size_class_rates(rates: dict[str, float], diameter_cm: float) -> float:
    """The rate of a patient's size class: keys '<=5 cm' (optional), '5-10 cm', '>10 cm'.

    A tumour of 5 cm or less takes the '<=5 cm' rate when one is given, else the '5-10 cm' rate.
    """
    if diameter_cm > 10:
        return rates[">10 cm"]
    if diameter_cm <= 5 and "<=5 cm" in rates:
        return rates["<=5 cm"]
    return rates["5-10 cm"]


def expected_local_failures(patients: pd.DataFrame, *, rate: float | None = None,
                            rates_by_size: dict[str, float] | None = None, size_basis: str = "none",
                            timepoint: float, shape: str = "exponential") -> float:
    """E: the reference cumulative hazard summed over patients at their local-control follow-up times.

    Either one ``rate`` for everybody (``size_basis='none'``) or ``rates_by_size``
    applied to each patient's size ``before_rt`` or ``initial``.
    """
    if size_basis not in SIZE_BASES:
        raise ValueError(f"unknown size basis {size_basis!r}; choose one of {', '.join(SIZE_BASES)}")
    if (size_basis == "none") != (rates_by_size is None) or (rate is None) == (rates_by_size is None):
        raise ValueError("give either one rate with size_basis='none', or rates_by_size with a size basis")
    total = 0.0
    for _, p in patients.iterrows():
        if rates_by_size is None:
            patient_rate = rate
        else:
            column = "diameter_before_rt_cm" if size_basis == "before_rt" else "diameter_initial_cm"
            patient_rate = size_class_rates(rates_by_size, p[column])
        total += cumulative_hazard(float(p["lc_months"]), patient_rate, timepoint, shape)
    return total


def km_at_timepoint(patients: pd.DataFrame, months: float) -> dict:
    """Local control at a time with two 95% intervals: log(-log) Greenwood (primary) and plain Greenwood.

    The plain interval, S +/- 1.96 * S * sqrt(V), can cross 0 or 1 and is
    symmetric where the sampling distribution is not; with eleven patients the
    log(-log) interval is the one to report, and the plain one shows why.
    """
    fit = survival.kaplan_meier(patients, "local_control")
    s = survival.survival_at(fit, months)
    table = survival.product_limit_table(*survival.endpoint(patients, "local_control"))
    rows = table[(table["time"] <= months) & (table["events"] > 0)]
    variance = sum(d / (n * (n - d)) for n, d in zip(rows["at_risk"], rows["events"]))
    half = 1.959963984540054 * s * math.sqrt(variance)
    low, high = survival.confidence_at(fit, months)
    return {"km_estimate": s, "km_ci_low": low, "km_ci_high": high,
            "km_plain_ci_low": s - half, "km_plain_ci_high": s + half}


def comparisons(patients: pd.DataFrame, historical: pd.DataFrame, shape: str = "exponential",
                alpha: float = 0.05) -> list[dict]:
    """Every local-control comparison the historical figures allow, one dict each.

    One row per historical local-control rate with a time point (single rate,
    ``size_basis='none'``), plus the size-standardised comparisons against
    Kepka et al. on both size bases, with the rates as the paper cites them and
    as the source gives them. Rates of 0 or 1 cannot define a hazard and are left out.
    """
    observed = int(patients["local_failure"].sum())
    h = historical.set_index("id")
    out = []
    usable = historical[(historical["endpoint"] == "local_control") & historical["timepoint_months"].notna()
                        & historical["rate"].between(0, 1, inclusive="neither")]
    for row in usable.itertuples(index=False):
        expected = expected_local_failures(patients, rate=row.rate, timepoint=row.timepoint_months, shape=shape)
        out.append({"comparator": row.id, "study": row.study, "subgroup": row.subgroup,
                    "endpoint": "local_control", "timepoint_months": float(row.timepoint_months),
                    "historical_rate": float(row.rate), "size_basis": "none", "shape": shape,
                    **km_at_timepoint(patients, row.timepoint_months),
                    **one_sample_logrank(observed, expected, alpha)})
    variants = {
        "kepka_by_size_cited": {"5-10 cm": h.loc["kepka_lc_5to10_cited", "rate"],
                                ">10 cm": h.loc["kepka_lc_gt10_cited", "rate"]},
        "kepka_by_size_source": {"<=5 cm": h.loc["kepka_lc_lt5_source", "rate"],
                                 "5-10 cm": h.loc["kepka_lc_5to10_source", "rate"],
                                 ">10 cm": h.loc["kepka_lc_gt10_source", "rate"]},
    }
    timepoint = float(h.loc["kepka_lc_5to10_cited", "timepoint_months"])
    for name, rates in variants.items():
        for basis in ("before_rt", "initial"):
            expected = expected_local_failures(patients, rates_by_size=rates, size_basis=basis,
                                               timepoint=timepoint, shape=shape)
            out.append({"comparator": name, "study": "Kepka et al. 2005", "subgroup": "by size class",
                        "endpoint": "local_control", "timepoint_months": timepoint,
                        "historical_rate": None, "size_basis": basis, "shape": shape,
                        **km_at_timepoint(patients, timepoint),
                        **one_sample_logrank(observed, expected, alpha)})
    return out
