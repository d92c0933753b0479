"""Endpoints and Kaplan-Meier estimates for the cohort.

Times are months from the first day of treatment, as in the paper. Two
endpoints can be rebuilt patient by patient from Table 3:

* overall survival: time ``os_months``, event = death (status DOD);
* local control: time ``lc_months``, event = local failure (LF); a patient who
  died without local failure is censored at death, which is how the paper's
  reported local-control figures come out (see the tests).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from lifelines import KaplanMeierFitter
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


def confidence_at(fit: KaplanMeierFitter, months: float) -> tuple[float, float]:
    """(lower, upper) of the fit's 95% confidence band at a time, read off as a step function."""
    band = fit.confidence_interval_survival_function_
    row = band[band.index <= months].iloc[-1]
    return float(row.iloc[0]), float(row.iloc[1])
