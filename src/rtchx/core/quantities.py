"""Named quantities computed from the patient table, one per kind of number the paper reports.

``data/claims.csv`` names one of these keys for each reported number. A key
maps either to a function of the patient table (with derived columns) or to
``NotComputable``, which says why Table 3 cannot give that number. A function
may also return a ``NotComputable`` when the data in hand cannot give the number
(no local failure, so no time of the first one; a median the curve never reaches;
a time beyond the last follow-up), never NaN. Percentages are not separate keys: a
claim in % divides the count by its denominator, which names a group of patients
(``DENOMINATOR_GROUPS``) counted on the data in hand.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd

from rtchx.core import protocol, survival
from rtchx.core.data import DIED_IN_THERAPY, HISTOLOGY_NAMES


@dataclass(frozen=True)
class NotComputable:
    """A quantity the published patient data do not contain, and why."""

    reason: str


@dataclass(frozen=True)
class Described:
    """A quantity's value with the facts that show how it arises (``ReachableTotals``, ``WeeksNeeded`` or
    ``ShortestFollowUp``; the book layer puts them in words beside the claim).
    """

    value: float
    detail: ReachableTotals | WeeksNeeded | ShortestFollowUp


@dataclass(frozen=True)
class PaperRoom:
    """A count fixed by the paper's own numbers rather than by Table 3: one reported count less others.

    ``total`` and ``parts`` are ids of ``data/claims.csv``; the room is the total's
    reported value less the parts' (Table 2's two planning techniques already
    account for every patient, which leaves none for a third).
    """

    total: str
    parts: tuple[str, ...]

    def room(self, reported: Mapping[str, float]) -> float:
        """What the parts leave of the total; KeyError if a claim it needs is not given."""
        return reported[self.total] - sum(reported[part] for part in self.parts)


# --- whole fractions of the two stated sizes --------------------------------------------------------

@dataclass(frozen=True)
class FractionMix:
    """A once-daily course as whole fractions of the two stated sizes: ``small`` of 1.8 Gy, ``large`` of 2.0 Gy."""

    small: int
    large: int

    @property
    def fractions(self) -> int:
        return self.small + self.large

    @property
    def dose_gy(self) -> float:
        low, high = protocol.DOSE_PER_FRACTION_GY
        return round(self.small * low + self.large * high, 6)

    @property
    def weeks(self) -> float:
        """Weeks at five fractions a week (37 fractions: 7.4 weeks, i.e. seven weeks and two days)."""
        return self.fractions / protocol.FRACTIONS_PER_WEEK


def fraction_mixes(dose_gy: float) -> tuple[FractionMix, ...]:
    """Every way to give ``dose_gy`` as whole fractions of 1.8 and/or 2.0 Gy, fewest fractions first.

    The sums a * 1.8 + b * 2.0 are counted in tenths of a gray (18 a + 20 b), so
    no rounding of floating-point numbers decides. A total needs an even number of
    tenths; from 14.4 Gy on, every such total can be reached, since 9 and 10 have
    no common factor and every whole number from 72 = (9 - 1)(10 - 1) on is a sum
    of nines and tens.

    Parameters
    ----------
    dose_gy : float
        A total dose in Gy.

    Returns
    -------
    tuple of FractionMix
        Empty if no mix of the two sizes gives the total exactly.

    Example
    -------
    >>> [(m.small, m.large) for m in fraction_mixes(55.6)]   # fractions of 1.8 Gy and of 2.0 Gy
    [(2, 26), (12, 17), (22, 8)]
    >>> fraction_mixes(72.6)[0].fractions, fraction_mixes(72.6)[0].weeks
    (37, 7.4)
    """
    if dose_gy < 0:
        raise ValueError("a dose cannot be negative")
    small, large = (round(10 * size) for size in protocol.DOSE_PER_FRACTION_GY)
    tenths = round(10 * dose_gy)
    if abs(10 * dose_gy - tenths) > 1e-6:
        return ()
    mixes = [FractionMix(a, (tenths - small * a) // large) for a in range(tenths // small + 1)
             if (tenths - small * a) % large == 0]
    return tuple(sorted(mixes, key=lambda m: m.fractions))


@dataclass(frozen=True)
class CourseFractions:
    """One once-daily course of Table 3 and the ways its total splits into fractions of the stated sizes."""

    patient: int
    dose_gy: float
    mixes: tuple[FractionMix, ...]

    @property
    def fewest(self) -> FractionMix | None:
        """The mix with the fewest fractions (the shortest course), None if the total cannot be reached."""
        return self.mixes[0] if self.mixes else None

    @property
    def one_size(self) -> bool:
        """Whether a single fraction size suffices (all 1.8 Gy or all 2.0 Gy)."""
        return any(m.small == 0 or m.large == 0 for m in self.mixes)


def once_daily_fractions(patients: pd.DataFrame) -> tuple[CourseFractions, ...]:
    """Each once-daily course of Table 3 with its fraction mixes (the twice-daily ones have no stated size).

    Parameters
    ----------
    patients : DataFrame
        Table 3 (``dose_gy``, ``hyperfractionated``, ``patient``).

    Returns
    -------
    tuple of CourseFractions
        In the order of Table 3.

    Example
    -------
    >>> from rtchx.core import data
    >>> courses = once_daily_fractions(data.load_patients())
    >>> [(c.patient, c.dose_gy, c.fewest.small, c.fewest.large) for c in courses if not c.one_size]
    [(4, 55.6, 2, 26), (10, 72.6, 7, 30), (11, 59.6, 2, 28)]
    """
    once = patients[~patients["hyperfractionated"]]
    return tuple(CourseFractions(int(n), float(d), fraction_mixes(float(d)))
                 for n, d in zip(once["patient"], once["dose_gy"], strict=True))


@dataclass(frozen=True)
class ReachableTotals:
    """The once-daily courses of Table 3 with their fraction mixes: which totals the stated sizes reach."""

    courses: tuple[CourseFractions, ...]

    @property
    def reached(self) -> tuple[CourseFractions, ...]:
        """The courses whose total is some mix of the two sizes."""
        return tuple(c for c in self.courses if c.mixes)

    @property
    def both_sizes(self) -> tuple[CourseFractions, ...]:
        """The reachable courses that need both sizes in one course."""
        return tuple(c for c in self.reached if not c.one_size)


@dataclass(frozen=True)
class WeeksNeeded:
    """The shortest (``longest`` False) or longest once-daily course in weeks at five fractions a week.

    ``chosen`` is that course; ``limit`` the most weeks the methods allow and
    ``beyond`` the courses whose fewest fractions take longer (only for the longest).
    """

    chosen: CourseFractions
    longest: bool
    limit: int
    beyond: tuple[CourseFractions, ...]


def _reachable(p: pd.DataFrame) -> Described:
    totals = ReachableTotals(once_daily_fractions(p))
    return Described(float(len(totals.reached)), totals)


def _weeks(p: pd.DataFrame, longest: bool) -> Described:
    courses = [c for c in once_daily_fractions(p) if c.mixes]
    chosen = (max if longest else min)(courses, key=lambda c: c.fewest.weeks)
    limit = max(protocol.WEEKS_PLANNED)
    beyond = tuple(c for c in courses if c.fewest.weeks > limit) if longest else ()
    return Described(chosen.fewest.weeks, WeeksNeeded(chosen, longest, limit, beyond))


@dataclass(frozen=True)
class Contrast:
    """A second number from Table 3, shown beside a claim that is true to the letter but misleading.

    ``data/claims.csv`` names one of ``CONTRASTS`` in its ``contrast`` column.
    """

    label: str
    unit: str
    compute: Callable[[pd.DataFrame], float]


def _count(condition: Callable[[pd.DataFrame], pd.Series]) -> Callable[[pd.DataFrame], int]:
    return lambda p: int(condition(p).sum())


def _km_at(name: str, months: float) -> Callable[[pd.DataFrame], float | NotComputable]:
    """The Kaplan-Meier estimate in % at ``months``, not computable beyond the last follow-up."""
    def at(p: pd.DataFrame) -> float | NotComputable:
        fit = survival.kaplan_meier(p, name)
        beyond = survival.beyond_follow_up(fit, months)
        if beyond is not None:
            return NotComputable(_sentence(beyond))
        return 100 * survival.survival_at(fit, months)
    return at


def _kth_failure(column: str, k: int) -> Callable[[pd.DataFrame], float | NotComputable]:
    """The ``column`` of the k-th local failure in time (k = 1, 2, ...), not computable with fewer failures."""
    def value(p: pd.DataFrame) -> float | NotComputable:
        failures = p[p["local_failure"]].sort_values("lc_months", kind="stable")
        if len(failures) < k:
            return NotComputable(f"These data have {_failures(len(failures))}, so no {_ORDINAL[k]} one.")
        return float(failures[column].iloc[k - 1])
    return value


_ORDINAL = {1: "first", 2: "second"}


def _sentence(text: str) -> str:
    """A reason as a sentence: capital first letter, full stop."""
    return text[0].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _failures(n: int) -> str:
    return "no local failure" if n == 0 else "one local failure" if n == 1 else f"{n} local failures"


def _last_failure(p: pd.DataFrame) -> float | NotComputable:
    if not p["local_failure"].any():
        return NotComputable("These data have no local failure, so no time of the last one.")
    return float(p.loc[p["local_failure"], "lc_months"].max())


def _latest_death(p: pd.DataFrame) -> float | NotComputable:
    dead = p["status"] == "DOD"
    if not dead.any():
        return NotComputable("Nobody died in these data, so there is no latest death.")
    return float(p.loc[dead, "os_months"].max())


def _os_median(p: pd.DataFrame) -> float | NotComputable:
    fit = survival.kaplan_meier(p, "overall_survival")
    median = float(fit.median_survival_time_)
    if median == float("inf"):
        lowest = survival.survival_at(fit, float(fit.durations.max()))
        return NotComputable(f"The median is not reached: overall survival stays at {100 * lowest:.0f}% or above "
                             f"up to the last follow-up at {float(fit.durations.max()):g} months.")
    return median


def _follow_up_median(which: str) -> Callable[[pd.DataFrame], float | NotComputable]:
    """One of ``survival.follow_up``'s medians, not computable where it has no value."""
    def value(p: pd.DataFrame) -> float | NotComputable:
        if which == "median_alive" and not (p["status"] == "AWOD").any():
            return NotComputable("Nobody is alive in these data, so there is no follow-up of patients alive.")
        median = getattr(survival.follow_up(p), which)
        if median == float("inf"):
            return NotComputable("The reverse Kaplan-Meier curve does not reach 50%: too few patients were "
                                 "last seen alive.")
        return median
    return value


def _dfs_5y(p: pd.DataFrame) -> float | NotComputable:
    # Both bounds of the disease-free curve meet after the last death, so the five-year value is fixed by
    # Table 3 even though the curve is not (see survival.event_free_bounds); if they do not meet, it is not.
    bounds = survival.event_free_bounds(p)
    beyond = survival.beyond_follow_up(bounds.latest, 60)
    if beyond is not None:
        return NotComputable(_sentence(beyond))
    low, high = (100 * survival.survival_at(fit, 60) for fit in (bounds.earliest, bounds.latest))
    if abs(high - low) > 1e-9:
        return NotComputable(f"Table 3 allows any disease-free survival at 5 years from {low:.1f}% to {high:.1f}%.")
    return high


def _one_row(condition: Callable[[pd.DataFrame], pd.Series], column: str,
             missing: str) -> Callable[[pd.DataFrame], float | NotComputable]:
    """``column`` of the first row that fits ``condition``; not computable (``missing``) if none does."""
    def value(p: pd.DataFrame) -> float | NotComputable:
        rows = p[condition(p)]
        return NotComputable(missing) if rows.empty else float(rows[column].iloc[0])
    return value


@dataclass(frozen=True)
class Group:
    """A group of patients a percentage can be of: ``label`` for readers, ``count`` on a patient table."""

    label: str
    count: Callable[[pd.DataFrame], int]


#: The groups the ``denominator`` column of ``data/claims.csv`` can name; each is counted on the data in hand.
DENOMINATOR_GROUPS: dict[str, Group] = {
    "all_patients": Group("every patient in the data", lambda p: int(len(p))),
}


def resolve_denominator(denominator, patients: pd.DataFrame) -> int | None:
    """The number a claim counts out of: a group of ``DENOMINATOR_GROUPS`` counted on ``patients``, or a number
    the paper states for a group Table 3 cannot identify (a whole number in the column).

    Parameters
    ----------
    denominator : str or None
        The claim's ``denominator`` cell: empty (no denominator), a key of
        ``DENOMINATOR_GROUPS``, or a whole number stated by the paper.
    patients : DataFrame
        Table 3 (with or without the derived columns), as in hand.

    Returns
    -------
    int or None
        The denominator, None where the claim has none.

    Raises KeyError for a name that is neither a group nor a whole number.

    Example
    -------
    >>> from rtchx.core import data
    >>> patients = data.load_patients()
    >>> resolve_denominator("all_patients", patients), resolve_denominator("9", patients)
    (11, 9)
    >>> resolve_denominator("all_patients", patients.iloc[:10])
    10
    """
    if denominator is None or (isinstance(denominator, float) and pd.isna(denominator)) or denominator == "":
        return None
    text = str(denominator)
    if text in DENOMINATOR_GROUPS:
        return DENOMINATOR_GROUPS[text].count(patients)
    if text.isdigit():
        return int(text)
    raise KeyError(f"unknown denominator {text!r}; known groups: {', '.join(DENOMINATOR_GROUPS)}, "
                   "or a whole number the paper states")


QUANTITIES: dict[str, Callable[[pd.DataFrame], float | Described] | NotComputable | PaperRoom] = {
    "count_t1": _count(lambda p: p["t_stage"] == "T1"),
    "count_t2": _count(lambda p: p["t_stage"] == "T2"),
    "count_size_5to10_initial": _count(lambda p: p["size_class_initial"] == "5-10 cm"),
    "count_size_gt10_initial": _count(lambda p: p["size_class_initial"] == ">10 cm"),
    "count_size_gt10_before_rt": _count(lambda p: p["size_class_before_rt"] == ">10 cm"),
    "count_grade1": _count(lambda p: p["grade"] == 1),
    "count_grade2": _count(lambda p: p["grade"] == 2),
    "count_grade3": _count(lambda p: p["grade"] == 3),
    "count_site_head_neck": _count(lambda p: p["site"] == "head_neck"),
    "count_site_trunk": _count(lambda p: p["site"] == "trunk"),
    "count_intended_ifo_10": _count(lambda p: p["intended_ifosfamide_g_m2"] == 10),
    "count_intended_ifo_15": _count(lambda p: p["intended_ifosfamide_g_m2"] == 15),
    "count_hyperthermia": _count(lambda p: p["hyperthermia"]),
    "count_regimen_complete": _count(lambda p: p["regimen_complete"]),
    "count_rt_as_planned": _count(lambda p: ~p["toxicity"].isin([DIED_IN_THERAPY, "Interruption (abscess)"])),
    "count_severe_skin": _count(lambda p: p["toxicity"].str.startswith("Skin toxicity")),
    "count_local_failures": _count(lambda p: p["local_failure"]),
    "count_alive_disease_free": _count(lambda p: p["status"] == "AWOD"),
    "dose_median": lambda p: float(p["dose_gy"].median()),
    "dose_min": lambda p: float(p["dose_gy"].min()),
    "dose_max": lambda p: float(p["dose_gy"].max()),
    "followup_median_all": _follow_up_median("median_all"),
    "followup_median_reverse_km": _follow_up_median("median_reverse_km"),
    "followup_min": lambda p: Described(float(p["os_months"].min()), shortest_follow_up(p)),
    "followup_max": lambda p: float(p["os_months"].max()),
    "followup_median_alive": _follow_up_median("median_alive"),
    "lc_2y": _km_at("local_control", 24),
    "lc_5y": _km_at("local_control", 60),
    "lc_at_risk_24": lambda p: survival.at_risk(p, "local_control", 24),
    "lc_restricted_mean": lambda p: survival.restricted_mean(survival.kaplan_meier(p, "local_control")),
    "os_median": _os_median,
    "os_5y": _km_at("overall_survival", 60),
    "dfs_5y": _dfs_5y,
    "mfs_5y": NotComputable("Depends on the definition: if every death counts as an event, Table 3 fixes it at the "
                            "share alive without disease (below the reported value); if deaths without metastasis "
                            "are censored, Table 3 cannot say."),
    "case_dose": lambda p: float(case_report_patient(p)["dose_gy"]),
    "case_followup_years": lambda p: float(case_report_patient(p)["os_months"]) / 12,
    "rt_delay": NotComputable("Table 3 records the interruption (abscess) but not its length."),
    "case_imaging": NotComputable("Table 3 gives no imaging dates (only that follow-up lasted longer)."),
    "count_all": lambda p: len(p),
    "count_over_5cm": _count(lambda p: p["diameter_initial_cm"] > 5),
    "count_hyperfractionated": _count(lambda p: p["hyperfractionated"]),
    "residual_of_large_resected": _one_row(
        lambda p: (p["diameter_initial_cm"] > 10) & (p["diameter_before_rt_cm"] < p["diameter_initial_cm"]),
        "diameter_before_rt_cm", "These data have no tumour over 10 cm that was reduced by resection."),
    "lf_time_first": _kth_failure("lc_months", 1),
    "lf_time_second": _kth_failure("lc_months", 2),
    "lf_dose_first": _kth_failure("dose_gy", 1),
    "lf_dose_second": _kth_failure("dose_gy", 2),
    "lc_last_failure": _last_failure,
    "latest_death": _latest_death,
    "count_alive_over_60_months": _count(lambda p: (p["status"] == "AWOD") & (p["os_months"] > 60)),
    "died_in_therapy_size": _one_row(lambda p: p["toxicity"] == DIED_IN_THERAPY, "diameter_initial_cm",
                                     "Nobody died during therapy in these data."),
    "count_lf_over_10cm": _count(lambda p: p["local_failure"] & (p["diameter_initial_cm"] > 10)),
    "count_at_risk_24_under_10cm_before_rt": _count(
        lambda p: (p["lc_months"] >= 24) & (p["diameter_before_rt_cm"] < 10)),
    "count_once_daily_reachable": _reachable,
    "count_one_cycle_with_leucopenia": _count(
        lambda p: ~p["regimen_complete"] & p["toxicity"].str.startswith("Leucopenia")),
    "case_in_r2_block": lambda p: int(case_report_patient(p)["cohort"] == "after_r2_resection"),
    "count_died_in_therapy": _count(lambda p: p["toxicity"] == DIED_IN_THERAPY),
    "rt_weeks_min": lambda p: _weeks(p, longest=False),
    "rt_weeks_max": lambda p: _weeks(p, longest=True),
    "os_3y": _km_at("overall_survival", 36),
    "count_2d_planning": PaperRoom("m_n_patients", ("t2_3d_n", "t2_imrt_n")),
    "ht_sessions": NotComputable("Table 3 does not give the number of hyperthermia sessions."),
    "skin_evaluable": NotComputable("Table 3 does not say whose skin toxicity could be evaluated."),
    "early_deaths": NotComputable("The paper does not say what counts as an early death."),
    "age": NotComputable("Table 3 does not give ages."),
    "sex": NotComputable("Table 3 does not give sex."),
    "technique": NotComputable("Table 3 does not say which patients had IMRT."),
    "dfs": NotComputable("Table 3 gives no dates of recurrence or metastasis; only bounds can be computed."),
    "mfs": NotComputable("Table 3 gives no dates of metastasis; only bounds can be computed."),
    "cause_of_death": NotComputable("Table 3 gives no cause of death beyond 'dead of disease'."),
}



def _censored_before_last_death(p: pd.DataFrame) -> float | NotComputable:
    dead = p["status"] == "DOD"
    if not dead.any():
        return NotComputable("Nobody died in these data, so there is no last death.")
    return float(((~dead) & (p["os_months"] < p.loc[dead, "os_months"].max())).sum())


#: Facts of the data that claims' notes state (``audit.NOTE_CONDITIONS``); not claims themselves.
FACTS: dict[str, Callable[[pd.DataFrame], float | NotComputable]] = {
    "count_initial_11cm": _count(lambda p: p["diameter_initial_cm"] == 11),
    "censored_before_last_death": _censored_before_last_death,
    "count_at_risk_24_reduced_below_10cm": _count(
        lambda p: (p["lc_months"] >= 24) & (p["diameter_before_rt_cm"] < 10) & (p["diameter_initial_cm"] >= 10)),
    "count_leucopenia": _count(lambda p: p["toxicity"].str.startswith("Leucopenia")),
    "count_one_cycle": _count(lambda p: ~p["regimen_complete"]),
    "count_one_cycle_with_skin_toxicity": _count(
        lambda p: ~p["regimen_complete"] & p["toxicity"].str.startswith("Skin toxicity")),
}


def fact(key: str, patients: pd.DataFrame) -> float | Described | NotComputable | PaperRoom:
    """A fact a note states: a key of ``FACTS``, else of ``QUANTITIES`` (``compute``).

    Parameters
    ----------
    key : str
        A key of ``FACTS`` or ``QUANTITIES``.
    patients : DataFrame
        Table 3 with the derived columns.

    Returns
    -------
    float, Described, NotComputable or PaperRoom
        As ``compute``.

    Example
    -------
    >>> from rtchx.core import data
    >>> patients = data.with_derived_columns(data.load_patients())
    >>> fact("censored_before_last_death", patients), fact("count_grade3", patients)
    (0.0, 8)
    """
    if key in FACTS:
        return FACTS[key](patients)
    return compute(key, patients)

#: Second numbers shown beside misleading claims (``contrast`` in ``data/claims.csv``).
CONTRASTS: dict[str, Contrast] = {
    "latest_death": Contrast("Table 3's latest death", "months", QUANTITIES["latest_death"]),
    "at_risk_24_under_10cm_initial": Contrast(
        "patients at risk after 2 years whose tumour measured under 10 cm at diagnosis", "patients",
        _count(lambda p: (p["lc_months"] >= 24) & (p["diameter_initial_cm"] < 10))),
    "lc_months_mean": Contrast("the mean time Table 3 records the patients as locally controlled", "months",
                               lambda p: float(p["lc_months"].mean())),
    "lc_3y": Contrast("the cohort's own local control at 3 years", "%", _km_at("local_control", 36)),
    "once_daily_one_size": Contrast(
        "once-daily totals that one fraction size alone reaches (every total above "
        f"{protocol.largest_unreachable_total_gy():g} Gy in steps of {protocol.dose_step_gy():g} Gy is some mix "
        "of the two sizes, so read that way the claim could not fail)", "patients",
        lambda p: float(sum(c.one_size for c in once_daily_fractions(p)))),
}


@dataclass(frozen=True)
class ShortestFollowUp:
    """Table 3's shortest follow-up read two ways: over every patient, and without the death during radiotherapy.

    ``medians_without`` are the median follow-up of the others by all their times and
    by the reverse Kaplan-Meier method, and ``longest`` the longest time: whether
    leaving that patient out also reproduces the rest of Table 1's follow-up.
    """

    all_patients: float
    without_death_in_therapy: float
    death_in_therapy: int | None
    medians_without: tuple[float, float]
    longest: float


def shortest_follow_up(patients: pd.DataFrame) -> ShortestFollowUp:
    """The shortest follow-up with and without the patient who died during radiotherapy.

    Parameters
    ----------
    patients : DataFrame
        Table 3 (``os_months``, ``status``, ``toxicity``, ``patient``).

    Returns
    -------
    ShortestFollowUp

    Example
    -------
    >>> from rtchx.core import data
    >>> s = shortest_follow_up(data.load_patients())
    >>> s.all_patients, s.death_in_therapy, s.without_death_in_therapy, s.medians_without[0]
    (1.0, 6, 4.0, 19.5)
    """
    in_therapy = patients["toxicity"] == DIED_IN_THERAPY
    others = patients[~in_therapy]
    others_follow_up = survival.follow_up(others)
    return ShortestFollowUp(
        all_patients=float(patients["os_months"].min()),
        without_death_in_therapy=float(others["os_months"].min()),
        death_in_therapy=int(patients.loc[in_therapy, "patient"].iloc[0]) if in_therapy.any() else None,
        medians_without=(others_follow_up.median_all, others_follow_up.median_reverse_km),
        longest=float(patients["os_months"].max()),
    )


def case_report_patient(patients: pd.DataFrame) -> pd.Series:
    """Find the row of Table 3 that the case report (Results, Figure 3) describes.

    The case had 60 Gy twice daily (hyperfractionated) with regional hyperthermia
    and was alive without disease at the time of analysis; exactly one row fits.
    An error (ValueError), not a guess, if none or several do.

    Parameters
    ----------
    patients : DataFrame
        Table 3 with the derived columns.

    Returns
    -------
    Series
        The patient's row.

    Example
    -------
    >>> from rtchx.core import data
    >>> int(case_report_patient(data.with_derived_columns(data.load_patients()))["patient"])
    3
    """
    match = patients[(patients["dose_gy"] == 60) & patients["hyperfractionated"]
                     & patients["hyperthermia"] & (patients["status"] == "AWOD")]
    if len(match) != 1:
        raise ValueError(f"{len(match)} rows fit the case report (60 Gy, HF + HT, alive); expected exactly one")
    return match.iloc[0]


@dataclass(frozen=True)
class CaseReportMatch:
    """How the case report (Results, Figure 3 caption) fits its row of Table 3, item by item.

    Each item is True where Table 3 agrees with the case report. Age and sex are
    not in Table 3 and are not checked; ``agree`` and ``differ`` count the rest.
    """

    patient: int
    dose: bool                   # the reported dose is Table 3's
    twice_daily: bool            # Table 3 marks the course HF
    hyperthermia: bool           # Table 3 marks HT
    alive_without_disease: bool  # Table 3's status is AWOD
    followed_long_enough: bool   # followed at least as long as the Figure 3 caption's disease-free years
    site: bool                   # a trunk tumour, where the report says retroperitoneal, pelvic
    partial_resection: bool      # in Table 3's block after R2 resection
    histology: bool              # Table 3's histology is a pleomorphic sarcoma
    agree: int
    differ: int


def case_report_match(case: pd.Series, reported: Mapping[str, float]) -> CaseReportMatch:
    """Check the case report against its row of Table 3.

    Parameters
    ----------
    case : Series
        The row of Table 3 (``case_report_patient``).
    reported : mapping
        Reported values by claim id (``data/claims.csv``): ``r_case_dose`` (Gy) and
        ``f3_case_years`` (years free of disease, Figure 3 caption).

    Returns
    -------
    CaseReportMatch
        One yes/no per item, with the number of items that agree and that differ.

    Example
    -------
    >>> from rtchx.core import data
    >>> patients = data.load_patients()
    >>> match = case_report_match(case_report_patient(patients), {"r_case_dose": 60, "f3_case_years": 10})
    >>> match.agree, match.differ, match.partial_resection
    (6, 2, False)
    """
    items = {
        "dose": bool(reported["r_case_dose"] == case["dose_gy"]),
        "twice_daily": bool(case["hyperfractionated"]),
        "hyperthermia": bool(case["hyperthermia"]),
        "alive_without_disease": bool(case["status"] == "AWOD"),
        "followed_long_enough": bool(case["os_months"] / 12 >= reported["f3_case_years"]),
        "site": bool(case["site"] == "trunk"),
        "partial_resection": bool(case["cohort"] == "after_r2_resection"),
        "histology": "pleomorphic" in HISTOLOGY_NAMES[case["histology"]].lower(),
    }
    agree = sum(items.values())
    return CaseReportMatch(patient=int(case["patient"]), **items, agree=agree, differ=len(items) - agree)


def compute(key: str, patients: pd.DataFrame) -> float | Described | NotComputable | PaperRoom:
    """Compute one named quantity (a key of ``QUANTITIES``) from a patient table.

    Raises KeyError for an unknown key, and ValueError when the table has too few
    matching patients (an edited table with one local failure has no second one),
    so that the audit can say so.

    Parameters
    ----------
    key : str
        A key of ``QUANTITIES`` (the ``check`` column of ``data/claims.csv``).
    patients : DataFrame
        Table 3 with the derived columns.

    Returns
    -------
    float, Described, NotComputable or PaperRoom
        The value; a ``Described`` value carries a sentence on how it arises; a
        ``NotComputable`` says why Table 3 cannot give it; a ``PaperRoom`` is
        returned as it is, for the audit to work out from the paper's own counts.

    Example
    -------
    >>> from rtchx.core import data
    >>> patients = data.with_derived_columns(data.load_patients())
    >>> compute("count_grade3", patients), compute("age", patients).reason
    (8, 'Table 3 does not give ages.')
    """
    if key not in QUANTITIES:
        raise KeyError(f"unknown quantity {key!r}; known: {', '.join(sorted(QUANTITIES))}")
    quantity = QUANTITIES[key]
    if isinstance(quantity, NotComputable | PaperRoom):
        return quantity
    try:
        return quantity(patients)
    except IndexError as error:
        raise ValueError(f"these data have too few matching patients for {key!r}") from error
