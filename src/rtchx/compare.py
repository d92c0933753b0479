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


def expected_by_patient(patients: pd.DataFrame, *, rate: float | None = None,
                        rates_by_size: dict[str, float] | None = None, size_basis: str = "none",
                        timepoint: float, shape: str = "exponential", endpoint: str = "local_control"
                        ) -> pd.DataFrame:
    """Each patient's share of E: their reference rate, follow-up and reference cumulative hazard.

    Either one ``rate`` for everybody (``size_basis='none'``) or ``rates_by_size``
    applied to each patient's size ``before_rt`` or ``initial``.
    """
    if size_basis not in SIZE_BASES:
        raise ValueError(f"unknown size basis {size_basis!r}; choose one of {', '.join(SIZE_BASES)}")
    if (size_basis == "none") != (rates_by_size is None) or (rate is None) == (rates_by_size is None):
        raise ValueError("give either one rate with size_basis='none', or rates_by_size with a size basis")
    durations, events = survival.endpoint(patients, endpoint)
    if rates_by_size is None:
        rates = pd.Series(rate, index=patients.index, dtype=float)
    else:
        column = "diameter_before_rt_cm" if size_basis == "before_rt" else "diameter_initial_cm"
        rates = patients[column].map(lambda d: size_class_rates(rates_by_size, d))
    hazard = [cumulative_hazard(float(t), float(r), timepoint, shape) for t, r in zip(durations, rates, strict=True)]
    return pd.DataFrame({"patient": patients["patient"], "rate": rates, "months": durations,
                         "event": events, "cumulative_hazard": hazard})


def expected_events(patients: pd.DataFrame, **reference) -> float:
    """E: the reference cumulative hazard summed over patients (arguments as ``expected_by_patient``)."""
    return float(expected_by_patient(patients, **reference)["cumulative_hazard"].sum())


def size_mix_rate(patients: pd.DataFrame, rates_by_size: dict[str, float], size_basis: str) -> float:
    """The reference rate for this cohort's size mix: the mean of each patient's size-class rate."""
    column = {"before_rt": "diameter_before_rt_cm", "initial": "diameter_initial_cm"}[size_basis]
    return float(patients[column].map(lambda d: size_class_rates(rates_by_size, d)).mean())


def km_at_timepoint(patients: pd.DataFrame, months: float, endpoint: str = "local_control") -> dict:
    """Kaplan-Meier estimate at a time with two 95% intervals: log(-log) Greenwood (primary) and plain Greenwood.

    The plain interval, S +/- 1.96 * S * sqrt(V), can cross 0 or 1 and is
    symmetric where the sampling distribution is not; with eleven patients the
    log(-log) interval is the one to report, and the plain one shows why.
    """
    fit = survival.kaplan_meier(patients, endpoint)
    plain = survival.plain_band(*survival.endpoint(patients, endpoint))
    plain = plain[plain["time"] <= months].iloc[-1] if (plain["time"] <= months).any() else {"low": 1.0, "high": 1.0}
    low, high = survival.confidence_at(fit, months)
    return {"km_estimate": survival.survival_at(fit, months), "km_ci_low": low, "km_ci_high": high,
            "km_plain_ci_low": float(plain["low"]), "km_plain_ci_high": float(plain["high"])}


#: The size-standardised comparisons with Kepka et al.: name -> size class -> row of historical.csv.
SIZE_STANDARDISED = {
    "kepka_by_size_cited": {"5-10 cm": "kepka_lc_5to10_cited", ">10 cm": "kepka_lc_gt10_cited"},
    "kepka_by_size_source": {"<=5 cm": "kepka_lc_lt5_source", "5-10 cm": "kepka_lc_5to10_source",
                             ">10 cm": "kepka_lc_gt10_source"},
}

#: The analysis the chapter calls primary: rates as the paper cites them, size before radiotherapy.
PRIMARY = {"comparator": "kepka_by_size_cited", "size_basis": "before_rt", "shape": "exponential"}


def compare_one(patients: pd.DataFrame, historical: pd.DataFrame, comparator: str, *,
                size_basis: str = "none", shape: str = "exponential", alpha: float = 0.05) -> dict:
    """One comparison: a row id of historical.csv (single rate) or a SIZE_STANDARDISED name with a size basis."""
    _check_alpha(alpha)
    h = historical.set_index("id")
    if comparator in SIZE_STANDARDISED:
        if size_basis == "none":
            raise ValueError(f"{comparator} needs a size basis: before_rt or initial")
        ids = SIZE_STANDARDISED[comparator]
        rates = size_standardised_rates(historical, comparator)
        timepoint = float(h.loc[ids["5-10 cm"], "timepoint_months"])
        endpoint, rate, study, subgroup = "local_control", None, h.loc[ids["5-10 cm"], "study"], "by size class"
        expected = expected_events(patients, rates_by_size=rates, size_basis=size_basis, timepoint=timepoint,
                                   shape=shape)
    elif comparator in h.index:
        row = h.loc[comparator]
        if row["endpoint"] not in survival.ENDPOINTS or pd.isna(row["timepoint_months"]):
            raise ValueError(f"{comparator} is not a survival rate at a stated time point")
        if size_basis != "none":
            raise ValueError(f"{comparator} is one rate for everybody: its size basis is 'none'")
        return {"comparator": comparator, "study": row["study"], "subgroup": row["subgroup"],
                "treatment": row["treatment"],
                **compare_rate(patients, float(row["rate"]), float(row["timepoint_months"]), shape=shape,
                               alpha=alpha, endpoint=row["endpoint"])}
    else:
        raise ValueError(f"unknown comparator {comparator!r}")
    _, events = survival.endpoint(patients, endpoint)
    return {"comparator": comparator, "study": study, "subgroup": subgroup, "treatment": "radiotherapy alone",
            "endpoint": endpoint,
            "timepoint_months": timepoint, "historical_rate": rate, "size_basis": size_basis, "shape": shape,
            **km_at_timepoint(patients, timepoint, endpoint),
            **one_sample_logrank(int(events.sum()), expected, alpha)}


def size_standardised_rates(historical: pd.DataFrame, comparator: str) -> dict[str, float]:
    """The size-class rates of one SIZE_STANDARDISED comparator, read from historical.csv."""
    h = historical.set_index("id")
    return {size: float(h.loc[i, "rate"]) for size, i in SIZE_STANDARDISED[comparator].items()}


def compare_rate(patients: pd.DataFrame, rate: float, timepoint: float, *, shape: str = "exponential",
                 alpha: float = 0.05, endpoint: str = "local_control") -> dict:
    """The cohort against one reference rate S(timepoint) = rate applied to every patient."""
    _check_rate(rate)
    _check_alpha(alpha)
    if not timepoint > 0:
        raise ValueError(f"the historical time point must be positive, got {timepoint!r}")
    expected = expected_events(patients, rate=rate, timepoint=timepoint, shape=shape, endpoint=endpoint)
    _, events = survival.endpoint(patients, endpoint)
    return {"endpoint": endpoint, "timepoint_months": float(timepoint), "historical_rate": float(rate),
            "size_basis": "none", "shape": shape, **km_at_timepoint(patients, timepoint, endpoint),
            **one_sample_logrank(int(events.sum()), expected, alpha)}


def comparisons(patients: pd.DataFrame, historical: pd.DataFrame, shape: str = "exponential",
                alpha: float = 0.05) -> list[dict]:
    """Every comparison the historical figures allow, one dict each.

    One row per historical survival rate with a time point (single rate,
    ``size_basis='none'``; local control and overall survival), plus the
    size-standardised comparisons against Kepka et al. on both size bases, with
    the rates as the paper cites them and as the source gives them. Rates of 0
    or 1 cannot define a hazard and are left out; disease-free survival is left
    out because Table 3 does not give its times (chapter 6).
    """
    usable = historical[historical["endpoint"].isin(list(survival.ENDPOINTS))
                        & historical["timepoint_months"].notna()
                        & historical["rate"].between(0, 1, inclusive="neither")]
    out = [compare_one(patients, historical, i, shape=shape, alpha=alpha) for i in usable["id"]]
    for name in SIZE_STANDARDISED:
        for basis in ("before_rt", "initial"):
            out.append(compare_one(patients, historical, name, size_basis=basis, shape=shape, alpha=alpha))
    return out


def competing_risk_view(patients: pd.DataFrame, months: float) -> dict:
    """Two readings of 'local failure by t': 1 - Kaplan-Meier (deaths censored) and Aalen-Johansen (deaths compete)."""
    fit = survival.kaplan_meier(patients, "local_control")
    return {"one_minus_km": 1 - survival.survival_at(fit, months),
            "cumulative_incidence": survival.cumulative_incidence_of_local_failure(patients, months)}


#: The local-control variants the sensitivity table and forest plot show (comparator, size basis), each
#: under both hazard shapes: the primary analysis first, then its variations, then the single-rate readings.
SENSITIVITY = (
    ("kepka_by_size_cited", "before_rt"),
    ("kepka_by_size_cited", "initial"),
    ("kepka_by_size_source", "before_rt"),
    ("kepka_by_size_source", "initial"),
    ("kepka_lc_all_source", "none"),
    ("kepka_lc_gt10_cited", "none"),
    ("goffman_lc_3y", "none"),
)

SIZE_BASIS_NAMES = {"before_rt": "size before RT", "initial": "initial size", "none": "one rate for all"}


def sensitivity(patients: pd.DataFrame, historical: pd.DataFrame, alpha: float = 0.05) -> list[dict]:
    """The SENSITIVITY variants under the exponential and then the plateau hazard."""
    return [compare_one(patients, historical, comparator, size_basis=basis, shape=shape, alpha=alpha)
            for shape in SHAPES for comparator, basis in SENSITIVITY]


def label(row: dict) -> str:
    """A short reader-facing name for one comparison (without its hazard shape)."""
    if row["comparator"] in SIZE_STANDARDISED:
        source = "as cited" if row["comparator"].endswith("cited") else "source's rates"
        return f"Kepka by size ({source}), {SIZE_BASIS_NAMES[row['size_basis']]}"
    author = row["study"].split(" ")[0]
    treatment = {"radiotherapy + iododeoxyuridine": " (RT + IdUrd)"}.get(row.get("treatment", ""), "")
    subgroup = "" if row["subgroup"] == "all" else f", {row['subgroup']} rate"
    return (f"{author}{treatment}: {row['historical_rate']:.0%} at {row['timepoint_months']:.0f} mo{subgroup}, "
            "applied to every patient")


def observed_expected_by_size(patients: pd.DataFrame, rates_by_size: dict[str, float], size_basis: str,
                              timepoint: float, shape: str = "exponential") -> pd.DataFrame:
    """O and E within each size class (10 cm or less, over 10 cm): where the difference between them comes from."""
    parts = expected_by_patient(patients, rates_by_size=rates_by_size, size_basis=size_basis,
                                timepoint=timepoint, shape=shape)
    column = "diameter_before_rt_cm" if size_basis == "before_rt" else "diameter_initial_cm"
    large = (patients[column] > 10).to_numpy()
    rows = []
    for name, mask in (("10 cm or less", ~large), ("over 10 cm", large)):
        rows.append({"size_class": name, "patients": int(mask.sum()), "observed": int(parts["event"][mask].sum()),
                     "expected": float(parts["cumulative_hazard"][mask].sum())})
    return pd.DataFrame(rows)


def reference_inside_band(fit, rate: float, timepoint: float, shape: str = "exponential",
                          horizon: float | None = None) -> float:
    """The last month (on a monthly grid up to ``horizon``) before the reference curve first leaves the
    Kaplan-Meier 95% band; ``horizon`` itself if it never does.

    The band only opens at the first event (before it, the estimate is 1 with no
    uncertainty), so the check starts there.
    """
    horizon = float(fit.durations.max()) if horizon is None else horizon
    first_event = int(math.ceil(fit.durations[fit.event_observed.astype(bool)].min()))
    last = float(first_event)
    for month in range(first_event, int(horizon) + 1):
        reference = math.exp(-cumulative_hazard(month, rate, timepoint, shape))
        low, high = survival.confidence_at(fit, month)
        if not low <= reference <= high:
            return last
        last = float(month)
    return last
