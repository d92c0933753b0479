"""What if one patient's record were different? Recompute the headline estimates and the audit.

Eleven patients make every record matter. ``apply_change`` edits a copy of the
patient table in one of three ways, refusing changes the data rules forbid;
``compare_scenarios`` sets the headline estimates and audit statuses of the
edited table beside those of Table 3.
"""

from __future__ import annotations

import math

import pandas as pd

from rtchx.core import audit, compare, data, results

#: The changes a reader can make, by key: what each does, in words.
CHANGES = {
    "none": "No change",
    "censor_death": "Count the death as censored (alive when last seen)",
    "local_failure_at": "Give the patient a local failure at a chosen month",
    "remove": "Leave the patient out",
}


def apply_change(patients: pd.DataFrame, patient: int, change: str, month: float | None = None) -> pd.DataFrame:
    """A copy of ``patients`` with one change to one patient; ValueError if the change is impossible."""
    if change not in CHANGES:
        raise ValueError(f"unknown change {change!r}; choose one of {', '.join(CHANGES)}")
    if patient not in set(patients["patient"]):
        raise ValueError(f"there is no patient {patient!r}; patients are numbered "
                         f"{patients['patient'].min()} to {patients['patient'].max()}")
    edited = patients.copy()
    row = edited.index[edited["patient"] == patient][0]
    if change == "censor_death":
        if edited.at[row, "status"] != "DOD":
            raise ValueError(f"patient {patient} did not die, so there is no death to censor")
        edited.at[row, "status"] = "AWOD"
    elif change == "local_failure_at":
        if month is None or not math.isfinite(month) or month <= 0:
            raise ValueError(f"a local failure needs a month after the start of treatment, got {month!r}")
        if edited.at[row, "status"] != "DOD":
            raise ValueError(f"patient {patient} is alive without disease: a local failure would contradict that")
        if month > edited.at[row, "os_months"]:
            raise ValueError(f"patient {patient} died at {edited.at[row, 'os_months']:g} months; a local failure "
                             f"at {month:g} months would come after death")
        edited.at[row, "local_failure"] = True
        edited.at[row, "lc_months"] = float(month)
    elif change == "remove":
        edited = edited.drop(index=row).reset_index(drop=True)
    return edited


#: The headline numbers the what-if table shows: reader's name -> (key of results.headline, shown as a rate?).
SHOWN = {
    "Patients": ("n_patients", False),
    "Deaths": ("deaths", False),
    "Local failures": ("local_failures", False),
    "Median overall survival (months)": ("os_median_months", False),
    "Overall survival at 5 years": ("os_5y", True),
    "Local control at 5 years": ("lc_5y", True),
    "Restricted mean local control (months)": ("lc_restricted_mean_months", False),
}


def summary(patients: pd.DataFrame) -> dict[str, float]:
    """The headline numbers, the primary comparison and the audit scorecard of one patient table."""
    values = results.headline(patients)
    out = {name: values[key] for name, (key, _) in SHOWN.items()}
    primary = compare.observed_vs_expected(patients, data.load_historical(), compare.PRIMARY.comparator,
                                           size_basis=compare.PRIMARY.size_basis)
    out["E, primary comparison with Kepka"] = primary.expected_events
    out["Exact p, primary comparison"] = primary.p_exact
    ledger = audit.ledger(data.load_resource("claims"), patients)
    for status, count in audit.scorecard(ledger).items():
        out[f"Audit: {status}"] = int(count)
    return out


def _shown(name: str, value: float) -> str:
    rate = SHOWN.get(name, (None, False))[1]
    if isinstance(value, float) and math.isinf(value):
        return "not reached"
    if rate:
        return f"{value:.0%}"
    if name.startswith("Exact p"):
        return f"{value:.3f}"
    return f"{value:g}" if float(value).is_integer() else f"{value:.1f}" if "months" in name else f"{value:.2f}"


def compare_scenarios(patients: pd.DataFrame, patient: int, change: str, month: float | None = None, *,
                      before: dict[str, float] | None = None) -> pd.DataFrame:
    """One row per headline number: Table 3's value, the value after the change, and whether it moved.

    ``before`` is ``summary(patients)`` when the caller already has it (the explorer computes it once).
    """
    before = summary(patients) if before is None else before
    after = summary(apply_change(patients, patient, change, month))
    return pd.DataFrame({
        "Quantity": list(before),
        "Table 3": [_shown(k, v) for k, v in before.items()],
        "With the change": [_shown(k, after[k]) for k in before],
        "Changed": ["yes" if _shown(k, before[k]) != _shown(k, after[k]) else "" for k in before],
    })
