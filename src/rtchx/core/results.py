"""The headline estimates of the series, in one place for the CLI, the tests and the book."""

from __future__ import annotations

import pandas as pd

from rtchx.core import survival

#: Keys of ``headline`` that are fractions (shown as percentages in the book).
RATES = ("lc_2y", "lc_5y", "lc_5y_ci_low", "lc_5y_ci_high", "os_2y", "os_5y", "os_5y_ci_low", "os_5y_ci_high")


def headline(patients: pd.DataFrame) -> dict[str, float | int]:
    """Flat dict of the main estimates; rates are fractions in [0, 1], times are months.

    Confidence intervals are lifelines' 95% log(-log) Greenwood intervals; the
    median interval is read off that band; follow-up is the reverse Kaplan-Meier median.
    """
    lc = survival.kaplan_meier(patients, "local_control")
    os_fit = survival.kaplan_meier(patients, "overall_survival")
    lc_low, lc_high = survival.confidence_at(lc, 60)
    os_low, os_high = survival.confidence_at(os_fit, 60)
    os_median, os_median_low, os_median_high = survival.median_with_ci(os_fit)
    return {
        "n_patients": int(len(patients)),
        "local_failures": int(patients["local_failure"].sum()),
        "deaths": int((patients["status"] == "DOD").sum()),
        "lc_2y": survival.survival_at(lc, 24),
        "lc_5y": survival.survival_at(lc, 60),
        "lc_5y_ci_low": lc_low,
        "lc_5y_ci_high": lc_high,
        "lc_at_risk_2y": survival.at_risk(patients, "local_control", 24),
        "lc_restricted_mean_months": survival.restricted_mean(lc),
        "lc_restricted_mean_horizon_months": float(lc.durations.max()),
        "os_median_months": os_median,
        "os_median_ci_low": os_median_low,
        "os_median_ci_high": os_median_high,
        "os_2y": survival.survival_at(os_fit, 24),
        "os_5y": survival.survival_at(os_fit, 60),
        "os_5y_ci_low": os_low,
        "os_5y_ci_high": os_high,
        "followup_median_months": float(survival.reverse_km(patients).median_survival_time_),
    }
