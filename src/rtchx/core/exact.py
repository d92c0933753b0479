"""Exact (permutation) log-rank tests, for comparisons with too few events for the chi-square approximation.

The asymptotic log-rank test refers its statistic to a chi-square distribution
with one degree of freedom, which is only right when there are many events.
The permutation test keeps everything that was observed (each patient's time
and whether the event happened) and asks: if the group labels had nothing to
do with the outcome, how often would shuffling them give a statistic at least
as large as the one observed? With eleven patients every way of choosing the
first group can be listed (at most C(11, 5) = 462), so the p-value is exact:
no random sampling and no approximation.

Conventions, the same for the observed statistic and for every shuffled one:

* the statistic is the two-group log-rank chi-square, (O - E)^2 / V for the
  first group, which is two-sided (a large value either way counts) and is the
  statistic that ``lifelines.statistics.logrank_test`` and ``survival.logrank``
  report;
* tied times are handled as the log-rank test always handles them: all events
  at one time are counted together, with the hypergeometric variance, and a
  patient censored at an event time is still at risk at that time;
* a labelling with V = 0 (no event time at which both groups are at risk) has
  O = E as well and gets the statistic 0: it shows no difference;
* "at least as extreme" includes ties with the observed statistic (up to
  rounding), so the observed labelling itself always counts and the exact p is
  never below 1 / (number of labellings).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from math import comb

import numpy as np
import pandas as pd
from scipy.stats import chi2

from rtchx.core import design, survival

#: Statistics within this relative distance of the observed one count as ties (rounding, not real differences).
RELATIVE_TOLERANCE = 1e-9

#: Refuse to list more labellings than this (the cohort needs at most 462); there is no silent sampling.
MAX_PERMUTATIONS = 200_000


@dataclass(frozen=True)
class ExactLogrank:
    """A two-group log-rank test with its asymptotic and its exact permutation p-value."""

    groups: tuple[str, str]       # the two group labels, sorted; the first is the one O - E is counted for
    sizes: tuple[int, int]        # patients in each group
    events: tuple[int, int]       # events in each group
    statistic: float              # observed log-rank chi-square, (O - E)^2 / V
    asymptotic_p: float           # P(chi-square with 1 df >= statistic)
    exact_p: float                # share of all labellings with a statistic at least as large
    as_extreme: int               # how many labellings that is (exact_p = as_extreme / permutations)
    permutations: int             # how many labellings there are: C(n, size of the first group)
    smallest_possible_p: float    # the exact p of the most extreme labelling: the floor these data allow


def _statistics(durations: np.ndarray, events: np.ndarray, first: np.ndarray) -> np.ndarray:
    """Log-rank chi-square for each row of ``first`` (labellings x patients, True = in the first group)."""
    times = np.unique(durations[events])
    at_risk = (durations[:, None] >= times[None, :]).astype(float)              # patients x event times
    failed = ((durations[:, None] == times[None, :]) & events[:, None]).astype(float)
    n, d = at_risk.sum(axis=0), failed.sum(axis=0)
    first = first.astype(float)
    n1, d1 = first @ at_risk, first @ failed                                     # labellings x event times
    share = n1 / n
    # hypergeometric variance of d1; a time with a single patient at risk contributes nothing
    ties = np.divide(n - d, n - 1, out=np.zeros_like(n), where=n > 1)
    u = (d1 - d * share).sum(axis=1)
    v = (d * share * (1 - share) * ties).sum(axis=1)
    return np.divide(u**2, v, out=np.zeros_like(u), where=v > 0)


def permutation_logrank(durations, events, groups, *, max_permutations: int = MAX_PERMUTATIONS) -> ExactLogrank:
    """Two-group log-rank test with an exact p-value from every relabelling of the patients.

    The observed times and events are held fixed and the group labels are
    reassigned in every one of the C(n, k) possible ways that keep the group
    sizes (k patients in the first group). The exact p-value is the share of
    these labellings whose chi-square is at least the observed one; see the
    module's docstring for how ties are treated.

    Parameters
    ----------
    durations : array-like of float
        Time of each patient (event or censoring), >= 0.
    events : array-like of bool
        True if the patient had the event at that time, False if censored.
    groups : array-like
        Each patient's group; exactly two distinct values.
    max_permutations : int
        Refuse (ValueError) rather than list more labellings than this.

    Returns
    -------
    ExactLogrank
        Observed chi-square, asymptotic p (chi-square, 1 df), exact p, how many
        labellings were as extreme, how many there were, and the smallest exact
        p that any labelling of these data could give.

    Example
    -------
    >>> r = permutation_logrank([1, 2, 3, 4], [True] * 4, ["a", "a", "b", "b"])
    >>> round(r.statistic, 3), r.as_extreme, r.permutations
    (2.882, 2, 6)
    """
    durations = np.asarray(durations, dtype=float)
    events = np.asarray(events, dtype=bool)
    labels = np.asarray(pd.Series(groups).astype(str))
    if not durations.shape == events.shape == labels.shape or durations.ndim != 1:
        raise ValueError("durations, events and groups must be one-dimensional and of the same length")
    if (durations < 0).any() or np.isnan(durations).any():
        raise ValueError("durations must be numbers >= 0")
    names = tuple(sorted(set(labels)))
    if len(names) != 2:
        raise ValueError(f"the exact log-rank test compares exactly two groups, got {len(names)}")
    in_first = labels == names[0]
    n, k = len(labels), int(in_first.sum())
    total = comb(n, k)
    if total > max_permutations:
        raise ValueError(f"{total} labellings to list, more than the limit of {max_permutations}")

    every = np.zeros((total, n), dtype=bool)
    for row, chosen in enumerate(combinations(range(n), k)):
        every[row, list(chosen)] = True
    statistics = _statistics(durations, events, every)
    observed = float(_statistics(durations, events, in_first[None, :])[0])

    def count_at_least(value: float) -> int:
        return int((statistics >= value - RELATIVE_TOLERANCE * max(1.0, value)).sum())

    as_extreme = count_at_least(observed)
    return ExactLogrank(
        groups=names, sizes=(k, n - k), events=(int(events[in_first].sum()), int(events[~in_first].sum())),
        statistic=observed, asymptotic_p=float(chi2.sf(observed, 1)), exact_p=as_extreme / total,
        as_extreme=as_extreme, permutations=total,
        smallest_possible_p=count_at_least(float(statistics.max())) / total,
    )


def subgroup_tests(patients: pd.DataFrame) -> pd.DataFrame:
    """The subgroup chapter's tests: ``survival.subgroup_tests`` with each comparison's exact p and detectable HR.

    Parameters
    ----------
    patients : DataFrame
        The patient table (``data.load_patients``; derived columns do no harm).

    Returns
    -------
    DataFrame
        The columns of ``survival.subgroup_tests`` (``endpoint``, ``grouping``, the
        two groups' names, patients and events, ``events``, ``share``, ``chi2``,
        ``p``), plus ``exact_p``, ``permutations`` and ``smallest_possible_p`` from
        ``permutation_logrank``, and ``detectable_hr``: the smallest hazard ratio
        the test detects with ``survival.SUBGROUP_POWER`` at the two-sided level
        ``survival.SUBGROUP_ALPHA`` (``design.detectable_hazard_ratio``). Where
        ``not_computable`` gives a reason (one group only, or no event), these are
        missing (None; NaN in a column of numbers). Numbers and names only: ``rtchx.book.tables.subgroup_table`` makes
        the reader's table.

    Example
    -------
    >>> from rtchx.core import data
    >>> tests = subgroup_tests(data.load_patients())
    >>> bool((tests["exact_p"] >= tests["smallest_possible_p"]).all())
    True
    """
    tests = survival.subgroup_tests(patients)
    # a test that cannot be made on these data (survival.subgroup_tests says why) has no exact p either
    exact = [None if reason else
             permutation_logrank(*survival.endpoint(patients, name), survival.GROUPINGS[grouping](patients))
             for name, grouping, reason in zip(tests["endpoint"], tests["grouping"], tests["not_computable"],
                                               strict=True)]
    detectable = [None if reason else
                  design.detectable_hazard_ratio(events, share, survival.SUBGROUP_ALPHA, survival.SUBGROUP_POWER)
                  for events, share, reason in zip(tests["events"], tests["share"], tests["not_computable"],
                                                   strict=True)]
    return tests.assign(exact_p=[r and r.exact_p for r in exact],
                        permutations=[r and r.permutations for r in exact],
                        smallest_possible_p=[r and r.smallest_possible_p for r in exact], detectable_hr=detectable)
