"""Self-checks for the book's exercises: say whether an answer is right without printing the answer.

Each exercise with a numerical answer is registered here under the label the page
gives it (``ex-lc-5y``: the exercise directive's label, the anchor in the page's
address), with the function that computes its answer from the data (so the key
follows ``data/`` like everything else), the tolerance a hand calculation deserves,
and the unit the question asks for. In a notebook::

    from rtchx.book import exercises
    exercises.check("ex-km-first-step", 0.909)
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from IPython.display import Markdown
from scipy.stats import norm

from rtchx.book import glue
from rtchx.book.prose import count_words
from rtchx.book.tables import join_words
from rtchx.core import audit, compare, data, design, survival


@dataclass(frozen=True)
class Inputs:
    """What the answers and worked solutions are computed from, loaded through ``rtchx.core.data``.

    ``patients`` is Table 3 with its derived columns; ``historical`` the comparator
    figures; ``reported`` the paper's printed values by claim id.
    """

    patients: pd.DataFrame
    historical: pd.DataFrame
    reported: pd.Series


@functools.cache
def book_inputs() -> Inputs:
    """The book's data, loaded and validated once per kernel.

    Cached on purpose: each chapter checks several answers against the same files,
    and a reader who edits ``data/`` restarts the kernel, as after any change to
    the data. A check given its own ``patients`` still takes the rest from here.

    Returns
    -------
    Inputs
        Table 3 with derived columns, the comparator figures, the reported values.

    Example
    -------
    >>> len(book_inputs().patients)
    11
    """
    return Inputs(patients=data.with_derived_columns(data.load_patients()), historical=data.load_historical(),
                  reported=data.load_resource("claims").set_index("id")["reported"])


@dataclass(frozen=True)
class Exercise:
    """One self-checkable exercise: what is asked, in which unit, and how close an answer must be."""

    question: str
    unit: str                                  # "probability", "months", "patients", "events", "per month", ...
    answer: Callable[[Inputs], float]          # computed from the data, never typed in
    tolerance: float                           # absolute, in the unit asked for

    def expected(self, inputs: Inputs) -> float:
        """The right answer, computed from ``inputs``."""
        return float(self.answer(inputs))


def _km(patients, endpoint, months):
    return survival.survival_at(survival.kaplan_meier(patients, endpoint), months)


def _primary(inputs: Inputs):
    return compare.observed_vs_expected(inputs.patients, inputs.historical, compare.PRIMARY.comparator,
                                        size_basis=compare.PRIMARY.size_basis)


def _cited_rates(inputs: Inputs) -> dict[str, float]:
    return compare.size_standardised_rates(inputs.historical, "kepka_by_size_cited")


_D = design.DEFAULTS


EXERCISES: dict[str, Exercise] = {
    "ex-km-first-step": Exercise(
        "Overall survival just after the first death, by the product-limit rule", "probability",
        lambda i: _km(i.patients, "overall_survival", float(i.patients["os_months"].min())), 0.005),
    "ex-lc-at-risk-2y": Exercise(
        "Patients still at risk for local failure at 24 months", "patients",
        lambda i: survival.at_risk(i.patients, "local_control", 24), 0),
    "ex-lc-5y": Exercise(
        "Kaplan-Meier local control at 60 months", "probability",
        lambda i: _km(i.patients, "local_control", 60), 0.005),
    "ex-os-median": Exercise(
        "Median overall survival", "months",
        lambda i: survival.kaplan_meier(i.patients, "overall_survival").median_survival_time_, 0),
    "ex-followup-reverse-km": Exercise(
        "Median follow-up by the reverse Kaplan-Meier method", "months",
        lambda i: survival.reverse_km(i.patients).median_survival_time_, 0),
    "ex-lc-rmst": Exercise(
        "Restricted mean time free of local failure up to the last follow-up", "months",
        lambda i: survival.restricted_mean(survival.kaplan_meier(i.patients, "local_control")), 0.5),
    "ex-share-gt10-before-rt": Exercise(
        "Share of tumours over 10 cm before radiotherapy, by Table 3", "probability",
        lambda i: float((i.patients["diameter_before_rt_cm"] > 10).mean()), 0.005),
    "ex-closest-to-66": Exercise(
        "The number of patients whose share of the cohort comes closest to the paper's 66% with metastases",
        "patients", lambda i: round(i.reported["d_metastases_pct"] / 100 * len(i.patients)), 0),
    "ex-hazard-45": Exercise(
        "Monthly hazard of an exponential curve through Kepka's 5-10 cm rate at 60 months", "per month",
        lambda i: design.rate_to_hazard(_cited_rates(i)["5-10 cm"], 60), 0.0005),
    "ex-expected-primary": Exercise(
        "Expected local failures E in the primary size-standardised comparison", "events",
        lambda i: _primary(i).expected_events, 0.05),
    "ex-o-over-e": Exercise(
        "O/E in the primary comparison", "ratio",
        lambda i: _primary(i).o_over_e, 0.01),
    "ex-size-mix": Exercise(
        "Radiotherapy-alone local control at 5 years for Table 3's size mix (Kepka's rates as cited)",
        "probability",
        lambda i: compare.size_mix_rate(i.patients, _cited_rates(i), "before_rt"), 0.005),
    "ex-cif-lc-5y": Exercise(
        "Cumulative incidence of local failure by 60 months, death competing", "probability",
        lambda i: survival.cumulative_incidence_of_local_failure(i.patients, 60), 0.005),
    "ex-ahern-n": Exercise(
        "Patients in A'Hern's single-stage design under the chapter's assumptions", "patients",
        lambda i: design.ahern_single_stage(_D.p0, _D.p1, _D.alpha_one_sided, _D.power).n, 0),
    "ex-schoenfeld-events": Exercise(
        "Local failures a randomised trial needs under the chapter's assumptions", "events",
        lambda i: design.two_arm_logrank_design(_D.p0, _D.p1, _D.months, alpha=_D.alpha_two_sided,
                                                power=_D.power).events, 0),
}


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer: true when right; shows as a sentence in Jupyter and in the book."""

    right: bool
    message: str

    def __bool__(self) -> bool:
        return self.right

    def __repr__(self) -> str:
        return self.message

    def _repr_markdown_(self) -> str:
        return f"**{self.message}**" if self.right else self.message


def _inputs(patients: pd.DataFrame | None) -> Inputs:
    """The book's data, with ``patients`` in place of Table 3 when given."""
    return book_inputs() if patients is None else dataclasses.replace(book_inputs(), patients=patients)


def check(label: str, answer, patients: pd.DataFrame | None = None) -> Feedback:
    """Say whether ``answer`` to exercise ``label`` is right, within the exercise's tolerance.

    A probability may be given as a fraction (0.7) or a percentage (70).
    Replace ``None`` with your answer; the answer itself is never shown.

    Parameters
    ----------
    label : str
        The exercise's label as the page gives it, e.g. ``"ex-lc-5y"``.
    answer : number or None
        Your answer, in the unit the question asks for.
    patients : DataFrame, optional
        Another patient table to check against (default: Table 3).

    Returns
    -------
    Feedback
        True when right; shows as a sentence ("Right." or a hint).

    Example
    -------
    >>> check("ex-lc-5y", 0.7)
    Right.
    """
    if label not in EXERCISES:
        raise ValueError(f"unknown exercise {label!r}; the exercises are: {', '.join(EXERCISES)}")
    exercise = EXERCISES[label]
    if answer is None:
        return Feedback(False, f"Replace None with your answer ({exercise.unit}), then run the cell again.")
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return Feedback(False, f"The answer should be a number ({exercise.unit}); got {answer!r}.")
    if not math.isfinite(value):
        return Feedback(False, f"The answer should be a finite number ({exercise.unit}).")
    if exercise.unit == "probability" and 1 < value <= 100:
        value /= 100   # given as a percentage
    if abs(value - exercise.expected(_inputs(patients))) <= exercise.tolerance + 1e-12:
        return Feedback(True, "Right.")
    return Feedback(False, "Not quite. Check your working and try again.")


# --- worked solutions, written from the data so that they follow it --------------------------------------

def _months(value: float) -> str:
    return f"{value:g} month" if value == 1 else f"{value:g} months"


def _patients(numbers) -> str:
    return ("patient " if len(numbers) == 1 else "patients ") + join_words(numbers)


def _product_limit_steps(durations, events, upto: float) -> tuple[str, float]:
    table = survival.product_limit_table(durations, events)
    rows = table[(table["events"] > 0) & (table["time"] <= upto)]
    steps = [f"at {_months(r.time)} {int(r.at_risk)} at risk and {int(r.events)} with the event: "
             f"({int(r.at_risk)} − {int(r.events)})/{int(r.at_risk)}" for r in rows.itertuples()]
    value = float(rows["survival"].iloc[-1]) if len(rows) else 1.0
    return "; ".join(steps), value


def _work_km_first_step(i: Inputs) -> str:
    p = i.patients
    table = survival.product_limit_table(*survival.endpoint(p, "overall_survival"))
    if not (table["events"] > 0).any():
        return "Nobody dies in this table, so the estimate stays at 1 throughout."
    first = table[table["events"] > 0].iloc[0]
    n, d = int(first["at_risk"]), int(first["events"])
    return (f"The first death comes at {_months(first['time'])}, with {count_words(n, 'patient')} at risk and {d} "
            f"{'death' if d == 1 else 'deaths'}: S = ({n} − {d})/{n} = {first['survival']:.3f}.")


def _work_lc_5y(i: Inputs) -> str:
    p = i.patients
    steps, value = _product_limit_steps(*survival.endpoint(p, "local_control"), 60)
    if not steps:
        return "No local failure occurs by 60 months, so local control stays at 1.00."
    return f"Multiply the shares surviving each local failure up to 60 months: {steps}. The product is {value:.2f}."


def _work_os_median(i: Inputs) -> str:
    p = i.patients
    table = survival.product_limit_table(*survival.endpoint(p, "overall_survival"))
    if not (table["survival"] <= 0.5).any():
        return "The curve never reaches 50%, so the median is not reached."
    below = table[table["survival"] <= 0.5].iloc[0]
    before = table[table["time"] < below["time"]]["survival"].iloc[-1]
    return (f"The curve first reaches 50% or less at {below['time']:g} months, where it steps from "
            f"{before:.3f} to {below['survival']:.3f}.")


def _work_lc_at_risk(i: Inputs) -> str:
    p = i.patients
    followed = p.loc[p["lc_months"] >= 24, "patient"].tolist()
    return (f"A patient is at risk at 24 months if followed that long without an earlier local failure: "
            f"{_patients(followed)}, {len(followed)} in all.")


def _work_lc_rmst(i: Inputs) -> str:
    p = i.patients
    fit = survival.kaplan_meier(p, "local_control")
    curve = fit.survival_function_.iloc[:, 0]
    horizon = float(fit.durations.max())
    times = [t for t in curve.index if t < horizon] + [horizon]
    widths: dict[float, float] = {}   # each level of the curve and how long it lasts
    for a, b in itertools.pairwise(times):
        widths[round(float(curve.loc[a]), 6)] = widths.get(round(float(curve.loc[a]), 6), 0.0) + b - a
    parts = [f"{level:.3f} × {width:g}" for level, width in widths.items() if width > 0]
    return (f"Add up the area under the step curve to {horizon:g} months, one level at a time (height × months "
            f"at that height): {' + '.join(parts)} = {survival.restricted_mean(fit):.1f} months.")


def _work_followup(i: Inputs) -> str:
    p = i.patients
    return ("Swap the roles of event and censoring: a patient's follow-up 'ends' (the event) at the last visit "
            "of a survivor and is censored at death. The median of this reverse Kaplan-Meier curve is "
            f"{survival.reverse_km(p).median_survival_time_:g} months.")


def _work_share_gt10(i: Inputs) -> str:
    p = i.patients
    large = p.loc[p["diameter_before_rt_cm"] > 10, "patient"].tolist()
    return (f"{_patients(large).capitalize()} had tumours over 10 cm before radiotherapy: "
            f"{len(large)}/{len(p)} = {len(large) / len(p):.0%}.")


def _work_closest(i: Inputs) -> str:
    p = i.patients
    target = i.reported["d_metastases_pct"]
    low = math.floor(target / 100 * len(p))
    options = [f"{k}/{len(p)} = {100 * k / len(p):.1f}%" for k in (low, low + 1)]
    counts = audit.granularity(target, len(p))   # the audit's own rule, so that both divide by the same n
    verdict = (f"and no count of {len(p)} patients gives {target:g}%, even rounded up or down" if not counts else
               f"and {join_words(f'{k}/{len(p)}' for k in counts)} can be printed as {target:g}%")
    return (f"Only whole patients are possible: {options[0]} and {options[1]}. The closer to {target:g}% is "
            f"{round(target / 100 * len(p))}, {verdict}.")


def _work_hazard(i: Inputs) -> str:
    rate = _cited_rates(i)["5-10 cm"]
    return (f"λ = −ln({rate:.2f}) / 60 = {-math.log(rate):.4f} / 60 = {design.rate_to_hazard(rate, 60):.4f} "
            "per month.")


def _work_expected(i: Inputs) -> str:
    p = i.patients
    rates = _cited_rates(i)
    parts = compare.expected_by_patient(p, rates_by_size=rates, size_basis="before_rt", timepoint=60)
    small = parts["rate"] == rates["5-10 cm"]
    h_small, h_large = (design.rate_to_hazard(rates[size], 60) for size in ("5-10 cm", ">10 cm"))
    return (f"Add follow-up by size class: {parts.loc[small, 'months'].sum():g} months at {h_small:.4f} and "
            f"{parts.loc[~small, 'months'].sum():g} months at {h_large:.4f} per month, so E = "
            f"{parts['cumulative_hazard'].sum():.2f}.")


def _work_o_over_e(i: Inputs) -> str:
    row = _primary(i)
    return f"O/E = {row.observed_events} / {row.expected_events:.2f} = {row.o_over_e:.2f}."


def _work_size_mix(i: Inputs) -> str:
    p = i.patients
    rates = _cited_rates(i)
    large = int((p["diameter_before_rt_cm"] > 10).sum())
    return (f"({len(p) - large} × {rates['5-10 cm']:.0%} + {large} × {rates['>10 cm']:.0%}) / {len(p)} = "
            f"{compare.size_mix_rate(p, rates, 'before_rt'):.1%}.")


def _work_cif(i: Inputs) -> str:
    p = i.patients
    died_first = (p["status"] == "DOD") & ~p["local_failure"]
    table = survival.product_limit_table(p["lc_months"].astype(float), (p["local_failure"] | died_first))
    free = 1.0
    steps, total = [], 0.0
    for r in table.itertuples():
        failures = int(((p["lc_months"] == r.time) & p["local_failure"]).sum())
        if failures and r.time <= 60:
            steps.append(f"at {r.time:g} months {free:.3f} × {failures}/{r.at_risk}")
            total += free * failures / r.at_risk
        free = r.survival
    if not steps:
        return "No local failure occurs by 60 months, so the cumulative incidence is 0."
    return (f"Multiply the chance of still being free of any event just before each local failure by the share "
            f"failing then: {'; '.join(steps)}. The sum is {total:.3f}.")


def _work_ahern(i: Inputs) -> str:
    d = design.ahern_single_stage(_D.p0, _D.p1, _D.alpha_one_sided, _D.power)
    return (f"The smallest n with a cut-off r such that P(X ≥ r) ≤ {_D.alpha_one_sided:g} when the rate is "
            f"{_D.p0:g} and ≥ {_D.power:g} when it is {_D.p1:g}: n = {d.n}, r = {d.r} "
            f"(type I error {d.alpha:.3f}, power {d.power:.3f}).")


def _work_schoenfeld(i: Inputs) -> str:
    hr = design.rate_to_hazard(_D.p1, 60) / design.rate_to_hazard(_D.p0, 60)
    z = norm.ppf(1 - _D.alpha_two_sided / 2) + norm.ppf(_D.power)   # shown in the working
    d = design.events_needed(hr, 0.5, _D.alpha_two_sided, _D.power)
    return (f"HR = ln({_D.p1:g}) / ln({_D.p0:g}) = {hr:.3f}; events = 4 × {z:.3f}² / (ln {hr:.3f})² = "
            f"{d:.1f}, rounded up to {math.ceil(d)}.")


WORKINGS: dict[str, Callable[[Inputs], str]] = {
    "ex-km-first-step": _work_km_first_step, "ex-lc-at-risk-2y": _work_lc_at_risk, "ex-lc-5y": _work_lc_5y,
    "ex-os-median": _work_os_median, "ex-followup-reverse-km": _work_followup, "ex-lc-rmst": _work_lc_rmst,
    "ex-share-gt10-before-rt": _work_share_gt10, "ex-closest-to-66": _work_closest, "ex-hazard-45": _work_hazard,
    "ex-expected-primary": _work_expected, "ex-o-over-e": _work_o_over_e, "ex-size-mix": _work_size_mix,
    "ex-cif-lc-5y": _work_cif, "ex-ahern-n": _work_ahern, "ex-schoenfeld-events": _work_schoenfeld,
}


def solution_key(label: str) -> str:
    """The glue key of an exercise's worked solution: ``solutions.`` and the label as an identifier.

    Parameters
    ----------
    label : str
        The exercise's label, e.g. ``"ex-lc-5y"``.

    Returns
    -------
    str
        The key its solution block pastes with ``{eval}``.

    Example
    -------
    >>> solution_key("ex-lc-5y")
    'solutions.ex_lc_5y'
    """
    return "solutions." + label.replace("-", "_")


def glue_solutions(labels, patients: pd.DataFrame | None = None) -> None:
    """Glue each exercise's worked solution (Markdown) under ``solution_key(label)`` for its solution block.

    Returns nothing, so that the cell that calls it shows nothing.

    Parameters
    ----------
    labels : iterable of str
        The labels of the chapter's exercises, e.g. ``["ex-lc-5y"]``.
    patients : DataFrame, optional
        Another patient table to work from (default: Table 3).

    Example
    -------
    >>> glue_solutions(["ex-lc-5y"])   # glues solutions.ex_lc_5y  # doctest: +SKIP
    """
    inputs = _inputs(patients)
    for label in labels:
        glue(solution_key(label), Markdown(WORKINGS[label](inputs)))
