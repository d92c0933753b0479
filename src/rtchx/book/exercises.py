"""Self-checks for the book's exercises: say whether an answer is right without printing the answer.

Each exercise with a numerical answer is registered here with the function that
computes its answer from the data (so the key follows ``data/`` like everything
else), the tolerance a hand calculation deserves, and the unit the question asks
for. In a notebook::

    from rtchx.book import exercises
    exercises.check("km-first-step", 0.909)
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from rtchx.core import compare, data, design, survival


@dataclass(frozen=True)
class Exercise:
    """One self-checkable exercise: what is asked, in which unit, and how close an answer must be."""

    question: str
    unit: str                                  # "probability", "months", "patients", "events", "per month", ...
    answer: Callable[[pd.DataFrame], float]    # computed from the patients, never typed in
    tolerance: float                           # absolute, in the unit asked for

    def expected(self, patients: pd.DataFrame) -> float:
        return float(self.answer(patients))


def _km(patients, endpoint, months):
    return survival.survival_at(survival.kaplan_meier(patients, endpoint), months)


def _primary(patients):
    return compare.compare_one(patients, data.load_historical(), compare.PRIMARY["comparator"],
                               size_basis=compare.PRIMARY["size_basis"])


def _cited_rates() -> dict[str, float]:
    return compare.size_standardised_rates(data.load_historical(), "kepka_by_size_cited")


def _reported(claim_id: str) -> float:
    return float(data.load_resource("claims").set_index("id").loc[claim_id, "reported"])


_D = design.DEFAULTS


EXERCISES: dict[str, Exercise] = {
    "km-first-step": Exercise(
        "Overall survival just after the first death, by the product-limit rule", "probability",
        lambda p: _km(p, "overall_survival", float(p["os_months"].min())), 0.005),
    "lc-at-risk-2y": Exercise(
        "Patients still at risk for local failure at 24 months", "patients",
        lambda p: survival.at_risk(p, "local_control", 24), 0),
    "lc-5y": Exercise(
        "Kaplan-Meier local control at 60 months", "probability",
        lambda p: _km(p, "local_control", 60), 0.005),
    "os-median": Exercise(
        "Median overall survival", "months",
        lambda p: survival.kaplan_meier(p, "overall_survival").median_survival_time_, 0),
    "followup-reverse-km": Exercise(
        "Median follow-up by the reverse Kaplan-Meier method", "months",
        lambda p: survival.reverse_km(p).median_survival_time_, 0),
    "lc-rmst": Exercise(
        "Restricted mean time free of local failure up to the last follow-up", "months",
        lambda p: survival.restricted_mean(survival.kaplan_meier(p, "local_control")), 0.5),
    "share-gt10-before-rt": Exercise(
        "Share of tumours over 10 cm before radiotherapy, by Table 3", "probability",
        lambda p: float((p["diameter_before_rt_cm"] > 10).mean()), 0.005),
    "closest-to-66": Exercise(
        "The number of patients whose share of the cohort comes closest to the paper's 66% with metastases",
        "patients", lambda p: round(_reported("d_metastases_pct") / 100 * len(p)), 0),
    "hazard-45": Exercise(
        "Monthly hazard of an exponential curve through Kepka's 5-10 cm rate at 60 months", "per month",
        lambda p: design.rate_to_hazard(_cited_rates()["5-10 cm"], 60), 0.0005),
    "expected-primary": Exercise(
        "Expected local failures E in the primary size-standardised comparison", "events",
        lambda p: _primary(p)["expected_events"], 0.05),
    "o-over-e": Exercise(
        "O/E in the primary comparison", "ratio",
        lambda p: _primary(p)["o_over_e"], 0.01),
    "size-mix": Exercise(
        "Radiotherapy-alone local control at 5 years for Table 3's size mix (Kepka's rates as cited)",
        "probability",
        lambda p: compare.size_mix_rate(p, _cited_rates(), "before_rt"), 0.005),
    "cif-lc-5y": Exercise(
        "Cumulative incidence of local failure by 60 months, death competing", "probability",
        lambda p: survival.cumulative_incidence_of_local_failure(p, 60), 0.005),
    "ahern-n": Exercise(
        "Patients in A'Hern's single-stage design under the chapter's assumptions", "patients",
        lambda p: design.ahern_single_stage(_D["p0"], _D["p1"], _D["alpha_one_sided"], _D["power"]).n, 0),
    "schoenfeld-events": Exercise(
        "Local failures a randomised trial needs under the chapter's assumptions", "events",
        lambda p: design.two_arm_logrank_design(_D["p0"], _D["p1"], _D["months"], alpha=_D["alpha_two_sided"],
                                                power=_D["power"])["events"], 0),
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


def check(name: str, answer, patients: pd.DataFrame | None = None) -> Feedback:
    """Say whether ``answer`` to exercise ``name`` is right, within the exercise's tolerance.

    A probability may be given as a fraction (0.7) or a percentage (70).
    Replace ``None`` with your answer; the answer itself is never shown.
    """
    if name not in EXERCISES:
        raise ValueError(f"unknown exercise {name!r}; the exercises are: {', '.join(EXERCISES)}")
    exercise = EXERCISES[name]
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
    patients = data.with_derived_columns(data.load_patients()) if patients is None else patients
    if abs(value - exercise.expected(patients)) <= exercise.tolerance + 1e-12:
        return Feedback(True, "Right.")
    return Feedback(False, "Not quite. Check your working and try again.")


# --- worked solutions, written from the data so that they follow it --------------------------------------

def _months(value: float) -> str:
    return f"{value:g} month" if value == 1 else f"{value:g} months"


def _patients(numbers) -> str:
    from rtchx.book.tables import join_words

    return ("patient " if len(numbers) == 1 else "patients ") + join_words(numbers)


def _product_limit_steps(durations, events, upto: float) -> tuple[str, float]:
    table = survival.product_limit_table(durations, events)
    rows = table[(table["events"] > 0) & (table["time"] <= upto)]
    steps = [f"at {_months(r.time)} {int(r.at_risk)} at risk and {int(r.events)} with the event: "
             f"({int(r.at_risk)} − {int(r.events)})/{int(r.at_risk)}" for r in rows.itertuples()]
    value = float(rows["survival"].iloc[-1]) if len(rows) else 1.0
    return "; ".join(steps), value


def _work_km_first_step(p):
    table = survival.product_limit_table(*survival.endpoint(p, "overall_survival"))
    first = table[table["events"] > 0].iloc[0]
    n, d = int(first["at_risk"]), int(first["events"])
    return (f"The first death comes at {_months(first['time'])}, with {n} patients at risk and {d} "
            f"{'death' if d == 1 else 'deaths'}: S = ({n} − {d})/{n} = {first['survival']:.3f}.")


def _work_lc_5y(p):
    steps, value = _product_limit_steps(*survival.endpoint(p, "local_control"), 60)
    return f"Multiply the shares surviving each local failure up to 60 months: {steps}. The product is {value:.2f}."


def _work_os_median(p):
    table = survival.product_limit_table(*survival.endpoint(p, "overall_survival"))
    below = table[table["survival"] <= 0.5].iloc[0]
    before = table[table["time"] < below["time"]]["survival"].iloc[-1]
    return (f"The curve first reaches 50% or less at {below['time']:g} months, where it steps from "
            f"{before:.3f} to {below['survival']:.3f}.")


def _work_lc_at_risk(p):
    followed = p.loc[p["lc_months"] >= 24, "patient"].tolist()
    return (f"A patient is at risk at 24 months if followed that long without an earlier local failure: "
            f"{_patients(followed)}, {len(followed)} in all.")


def _work_lc_rmst(p):
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


def _work_followup(p):
    return ("Swap the roles of event and censoring: a patient's follow-up 'ends' (the event) at the last visit "
            "of a survivor and is censored at death. The median of this reverse Kaplan-Meier curve is "
            f"{survival.reverse_km(p).median_survival_time_:g} months.")


def _work_share_gt10(p):
    large = p.loc[p["diameter_before_rt_cm"] > 10, "patient"].tolist()
    return (f"{_patients(large).capitalize()} had tumours over 10 cm before radiotherapy: "
            f"{len(large)}/{len(p)} = {len(large) / len(p):.0%}.")


def _work_closest(p):
    target = _reported("d_metastases_pct")
    low = math.floor(target / 100 * len(p))
    options = [f"{k}/{len(p)} = {100 * k / len(p):.1f}%" for k in (low, low + 1)]
    return (f"Only whole patients are possible: {options[0]} and {options[1]}. The closer to {target:g}% is "
            f"{round(target / 100 * len(p))}, and no count of {len(p)} patients gives {target:g}% exactly.")


def _work_hazard(p):
    rate = _cited_rates()["5-10 cm"]
    return (f"λ = −ln({rate:.2f}) / 60 = {-math.log(rate):.4f} / 60 = {design.rate_to_hazard(rate, 60):.4f} "
            "per month.")


def _work_expected(p):
    rates = _cited_rates()
    parts = compare.expected_by_patient(p, rates_by_size=rates, size_basis="before_rt", timepoint=60)
    small = parts["rate"] == rates["5-10 cm"]
    h_small, h_large = (design.rate_to_hazard(rates[size], 60) for size in ("5-10 cm", ">10 cm"))
    return (f"Add follow-up by size class: {parts.loc[small, 'months'].sum():g} months at {h_small:.4f} and "
            f"{parts.loc[~small, 'months'].sum():g} months at {h_large:.4f} per month, so E = "
            f"{parts['cumulative_hazard'].sum():.2f}.")


def _work_o_over_e(p):
    row = _primary(p)
    return f"O/E = {row['observed_events']} / {row['expected_events']:.2f} = {row['o_over_e']:.2f}."


def _work_size_mix(p):
    rates = _cited_rates()
    large = int((p["diameter_before_rt_cm"] > 10).sum())
    return (f"({len(p) - large} × {rates['5-10 cm']:.0%} + {large} × {rates['>10 cm']:.0%}) / {len(p)} = "
            f"{compare.size_mix_rate(p, rates, 'before_rt'):.1%}.")


def _work_cif(p):
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
    return (f"Multiply the chance of still being free of any event just before each local failure by the share "
            f"failing then: {'; '.join(steps)}. The sum is {total:.3f}.")


def _work_ahern(p):
    d = design.ahern_single_stage(_D["p0"], _D["p1"], _D["alpha_one_sided"], _D["power"])
    return (f"The smallest n with a cut-off r such that P(X ≥ r) ≤ {_D['alpha_one_sided']:g} when the rate is "
            f"{_D['p0']:g} and ≥ {_D['power']:g} when it is {_D['p1']:g}: n = {d.n}, r = {d.r} "
            f"(type I error {d.alpha:.3f}, power {d.power:.3f}).")


def _work_schoenfeld(p):
    from scipy.stats import norm

    hr = design.rate_to_hazard(_D["p1"], 60) / design.rate_to_hazard(_D["p0"], 60)
    z = norm.ppf(1 - _D["alpha_two_sided"] / 2) + norm.ppf(_D["power"])   # shown in the working
    d = survival.events_needed(hr, 0.5, _D["alpha_two_sided"], _D["power"])
    return (f"HR = ln({_D['p1']:g}) / ln({_D['p0']:g}) = {hr:.3f}; events = 4 × {z:.3f}² / (ln {hr:.3f})² = "
            f"{d:.1f}, rounded up to {math.ceil(d)}.")


WORKINGS: dict[str, Callable[[pd.DataFrame], str]] = {
    "km-first-step": _work_km_first_step, "lc-at-risk-2y": _work_lc_at_risk, "lc-5y": _work_lc_5y,
    "os-median": _work_os_median, "followup-reverse-km": _work_followup, "lc-rmst": _work_lc_rmst,
    "share-gt10-before-rt": _work_share_gt10, "closest-to-66": _work_closest, "hazard-45": _work_hazard,
    "expected-primary": _work_expected, "o-over-e": _work_o_over_e, "size-mix": _work_size_mix,
    "cif-lc-5y": _work_cif, "ahern-n": _work_ahern, "schoenfeld-events": _work_schoenfeld,
}


def glue_solutions(names, patients: pd.DataFrame) -> None:
    """Glue each exercise's worked solution as ``work_<name>`` (Markdown) for its hidden solution block."""
    from IPython.display import Markdown

    from rtchx.book import glue

    for name in names:
        glue("work_" + name.replace("-", "_"), Markdown(WORKINGS[name](patients)))
