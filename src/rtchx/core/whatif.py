"""What if one patient's record were different? Recompute the headline estimates and the audit.

Eleven patients make every record matter. ``apply_change`` edits a copy of the
patient table in one of three ways, refusing changes the data rules forbid;
``recompute_with_change`` recomputes the headline estimates, the primary
comparison and the audit of the edited table and returns them beside those of
Table 3, as numbers (the book layer, ``rtchx.book.tables.whatif_table``, shows
them). The caller loads the data (``rtchx.core.data``) and passes it in.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass

import pandas as pd

from rtchx.core import audit, compare, results


class Change(enum.StrEnum):
    """The changes a reader can make to one patient (the book names them: ``rtchx.book.widgets.CHANGE_LABELS``)."""

    NONE = "none"                            # leave the record as it is
    CENSOR_DEATH = "censor_death"            # count the death as censored at the same time
    LOCAL_FAILURE_AT = "local_failure_at"    # a local failure at a given month, before death
    REMOVE = "remove"                        # leave the patient out


def apply_change(patients: pd.DataFrame, patient: int, change: str, month: float | None = None) -> pd.DataFrame:
    """A copy of ``patients`` with one change to one patient; ValueError if the change is impossible.

    Parameters
    ----------
    patients : DataFrame
        Table 3 with the derived columns.
    patient : int
        The patient's number in Table 3.
    change : Change or str
        The change, or its value (``"censor_death"``).
    month : float, optional
        The month of the new local failure (``"local_failure_at"`` only).

    Returns
    -------
    DataFrame
        The edited copy; ``patients`` itself is left as it is.

    Example
    -------
    >>> from rtchx.core import data
    >>> edited = apply_change(data.with_derived_columns(data.load_patients()), 10, "censor_death")
    >>> edited.loc[edited["patient"] == 10, "status"].item()
    'AWOD'
    """
    if change not in set(Change):
        raise ValueError(f"unknown change {change!r}; choose one of {', '.join(Change)}")
    change = Change(change)
    if patient not in set(patients["patient"]):
        raise ValueError(f"there is no patient {patient!r}; patients are numbered "
                         f"{patients['patient'].min()} to {patients['patient'].max()}")
    edited = patients.copy()
    row = edited.index[edited["patient"] == patient][0]
    if change is Change.CENSOR_DEATH:
        if edited.at[row, "status"] != "DOD":
            raise ValueError(f"patient {patient} did not die, so there is no death to censor")
        edited.at[row, "status"] = "AWOD"
    elif change is Change.LOCAL_FAILURE_AT:
        if month is None or not math.isfinite(month) or month <= 0:
            raise ValueError(f"a local failure needs a month after the start of treatment, got {month!r}")
        if edited.at[row, "status"] != "DOD":
            raise ValueError(f"patient {patient} is alive without disease: a local failure would contradict that")
        if month > edited.at[row, "os_months"]:
            raise ValueError(f"patient {patient} died at {edited.at[row, 'os_months']:g} months; a local failure "
                             f"at {month:g} months would come after death")
        edited.at[row, "local_failure"] = True
        edited.at[row, "lc_months"] = float(month)
    elif change is Change.REMOVE:
        edited = edited.drop(index=row).reset_index(drop=True)
    return edited


@dataclass(frozen=True)
class Summary:
    """The numbers the what-if explorer follows for one patient table.

    Rates are fractions in [0, 1]; a median that is never reached is ``inf``.
    ``primary_expected`` and ``primary_p_exact`` are E and the exact two-sided p of
    the primary comparison with Kepka et al. (``rtchx.core.compare.PRIMARY``).
    """

    patients: int
    deaths: int
    local_failures: int
    os_median_months: float
    os_5y: float
    lc_5y: float
    lc_restricted_mean_months: float
    primary_expected: float
    primary_p_exact: float
    audit: audit.Scorecard


def summary(patients: pd.DataFrame, historical: pd.DataFrame, claims: pd.DataFrame) -> Summary:
    """The headline numbers, the primary comparison and the audit scorecard of one patient table.

    Parameters
    ----------
    patients : DataFrame
        Table 3 with the derived columns (or an edited copy, ``apply_change``).
    historical : DataFrame
        ``rtchx.core.data.load_historical()``.
    claims : DataFrame
        ``rtchx.core.data.load_resource("claims")``.

    Returns
    -------
    Summary

    Example
    -------
    >>> from rtchx.core import data
    >>> s = summary(data.with_derived_columns(data.load_patients()), data.load_historical(),
    ...             data.load_resource("claims"))
    >>> s.patients, s.deaths, s.os_median_months, s.audit.discrepant
    (11, 8, 13.0, 28)
    """
    headline = results.headline(patients)
    primary = compare.observed_vs_expected(patients, historical, compare.PRIMARY.comparator,
                                           size_basis=compare.PRIMARY.size_basis)
    return Summary(patients=headline.n_patients, deaths=headline.deaths, local_failures=headline.local_failures,
                   os_median_months=headline.os_median_months, os_5y=headline.os_5y, lc_5y=headline.lc_5y,
                   lc_restricted_mean_months=headline.lc_restricted_mean_months,
                   primary_expected=primary.expected_events, primary_p_exact=primary.p_exact,
                   audit=audit.scorecard(audit.ledger(claims, patients)))


@dataclass(frozen=True)
class Scenario:
    """One change to one patient, with the numbers of Table 3 (``before``) and of the edited table (``after``)."""

    patient: int
    change: Change
    month: float | None
    before: Summary
    after: Summary


def recompute_with_change(patients: pd.DataFrame, historical: pd.DataFrame, claims: pd.DataFrame, patient: int,
                          change: str, month: float | None = None, *, before: Summary | None = None) -> Scenario:
    """Apply one change to one patient and recompute every number of ``summary`` on the edited table.

    Parameters
    ----------
    patients, historical, claims : DataFrame
        As for ``summary``.
    patient, change, month
        As for ``apply_change`` (ValueError if the change is impossible).
    before : Summary, optional
        ``summary(patients, historical, claims)`` when the caller already has it
        (the explorer computes it once).

    Returns
    -------
    Scenario

    Example
    -------
    >>> from rtchx.core import data
    >>> s = recompute_with_change(data.with_derived_columns(data.load_patients()), data.load_historical(),
    ...                           data.load_resource("claims"), 10, "censor_death")
    >>> s.before.os_median_months, s.after.os_median_months
    (13.0, 26.0)
    """
    after = summary(apply_change(patients, patient, change, month), historical, claims)
    before = summary(patients, historical, claims) if before is None else before
    return Scenario(patient, Change(change), month, before, after)
