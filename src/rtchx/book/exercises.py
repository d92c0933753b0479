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
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml
from IPython.display import Markdown
from scipy.stats import norm

from rtchx.book import entries, glue
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
class Mistake:
    """A wrong answer students are expected to give, and what it tells them.

    ``value`` computes the wrong answer from the data, the same way ``Exercise.answer``
    computes the right one, so that both follow ``data/``. ``meaning`` is what ``check()``
    says when an answer matches it: what the student probably did, and what to do instead.
    """

    name: str                                  # a short id, for tests and for Feedback.mistake
    value: Callable[[Inputs], float]           # the wrong answer, computed from the data, never typed in
    meaning: str                               # said to the student, in the words of the page


@dataclass(frozen=True)
class Exercise:
    """One self-checkable exercise: what is asked, in which unit, how precisely, and the mistakes to expect.

    ``decimals`` is the precision the question asks for, in the unit ``check()`` compares
    in (a probability as a fraction: two decimals is a whole percentage).
    """

    question: str
    unit: str                                  # "probability", "months", "patients", "events", "per month", ...
    answer: Callable[[Inputs], float]          # computed from the data, never typed in
    tolerance: float                           # absolute, in the unit asked for
    decimals: int = 0
    mistakes: tuple[Mistake, ...] = ()
    may_be_unreached: bool = False             # a median: "not reached" is the answer when the curve stays above 50%

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


# --- the predicted mistakes, each computed from the data as the key is ----------------------------------------

def _first_event(patients: pd.DataFrame, endpoint: str) -> pd.Series | None:
    """The first row with an event in the product-limit table of ``endpoint`` (None without an event)."""
    table = survival.product_limit_table(*survival.endpoint(patients, endpoint))
    rows = table[table["events"] > 0]
    return rows.iloc[0] if len(rows) else None


def _share_of_first_event(i: Inputs) -> float:
    first = _first_event(i.patients, "overall_survival")
    return math.nan if first is None else float(first["events"] / first["at_risk"])


def _lc_first_step(i: Inputs) -> float:
    first = _first_event(i.patients, "local_control")
    return math.nan if first is None else float(first["survival"])


def _failed_by(p: pd.DataFrame, months: float) -> pd.Series:
    return p["local_failure"] & (p["lc_months"] <= months)


def _lc_free_over_all(i: Inputs) -> float:
    p = i.patients
    return float((~_failed_by(p, 60)).sum() / len(p))


def _lc_followed_over_all(i: Inputs) -> float:
    p = i.patients
    return float(((p["lc_months"] >= 60) & ~_failed_by(p, 60)).sum() / len(p))


def _died_first(p: pd.DataFrame) -> pd.Series:
    return (p["status"] == "DOD") & ~p["local_failure"]


def _any_event_by_60(i: Inputs) -> float:
    p = i.patients
    table = survival.product_limit_table(p["lc_months"].astype(float), p["local_failure"] | _died_first(p))
    before = table[table["time"] <= 60]
    return float(1 - before["survival"].iloc[-1]) if len(before) else 0.0


def _os_median_steps(i: Inputs) -> float:
    """The last time the overall survival curve steps while still above 50%."""
    table = survival.product_limit_table(*survival.endpoint(i.patients, "overall_survival"))
    above = table[(table["events"] > 0) & (table["survival"] > 0.5)]
    return float(above["time"].iloc[-1]) if len(above) else math.nan


def _median_of_deaths(i: Inputs) -> float:
    durations, events = survival.endpoint(i.patients, "overall_survival")
    return float(durations[events].median()) if events.any() else math.nan


def _binomial_expected(i: Inputs) -> float:
    """Failures expected if every patient had been followed the full five years at their size class's rate."""
    return len(i.patients) * (1 - compare.size_mix_rate(i.patients, _cited_rates(i), "before_rt"))


def _normal_ahern(i: Inputs) -> float:
    p0, p1 = _D.p0, _D.p1
    z = norm.ppf(1 - _D.alpha_one_sided) * math.sqrt(p0 * (1 - p0)) + norm.ppf(_D.power) * math.sqrt(p1 * (1 - p1))
    return float(math.ceil((z / (p1 - p0)) ** 2))


def _schoenfeld(hazard_ratio: float, alpha_two_sided: float) -> float:
    return design.events_needed(hazard_ratio, 0.5, alpha_two_sided, _D.power)


def _hazard_ratio() -> float:
    return design.rate_to_hazard(_D.p1, _D.months) / design.rate_to_hazard(_D.p0, _D.months)


_COPIED = ("This is the paper's own number, not the one the data give. Work it out from Table 3: the point "
           "of the exercise is to see whether the paper's number can be rebuilt.")


EXERCISES: dict[str, Exercise] = {
    "ex-km-first-step": Exercise(
        "Overall survival just after the first death, by the product-limit rule", "probability",
        lambda i: _km(i.patients, "overall_survival", float(i.patients["os_months"].min())), 0.005, 2, (
            Mistake("share-who-died", _share_of_first_event,
                    "This is the share of the patients at risk who died at the first death. The estimate is the "
                    "share who got through it: one minus that."),
            Mistake("local-control-curve", _lc_first_step,
                    "This is the first step of the local-control curve, at the first local failure. The question "
                    "is about overall survival: the first event is the first death."),
        )),
    "ex-lc-at-risk-2y": Exercise(
        "Patients still at risk for local failure at 24 months", "patients",
        lambda i: survival.at_risk(i.patients, "local_control", 24), 0, 0, (
            Mistake("censored-still-at-risk",
                    lambda i: len(i.patients) - int(_failed_by(i.patients, 24 - 1e-9).sum()),
                    "This counts every patient without a local failure before 24 months, including those whose "
                    "follow-up ended earlier. A patient censored before 24 months is no longer at risk: nobody "
                    "knows what happened to them after that."),
            Mistake("survival-times", lambda i: int((i.patients["os_months"] >= 24).sum()),
                    "This counts the patients alive at 24 months. For local control a patient leaves the risk "
                    "set at their local failure, even if they lived on: use the local-control times."),
            Mistake("copied-paper", lambda i: float(i.reported["r_lc_at_risk_2y"]), _COPIED),
        )),
    "ex-lc-5y": Exercise(
        "Kaplan-Meier local control at 60 months", "probability",
        lambda i: _km(i.patients, "local_control", 60), 0.005, 2, (
            Mistake("divided-by-all", _lc_free_over_all,
                    "This is the patients without a local failure divided by all the patients, as if every "
                    "censored patient were known to be free of failure at five years (or still counted at risk "
                    "after their censoring). The product-limit rule divides, at each failure, by the patients "
                    "still at risk just before it."),
            Mistake("censored-as-failures", _lc_followed_over_all,
                    "This counts only the patients followed five years without a local failure, as if every "
                    "patient censored earlier had failed. Censored patients count while they are followed, and "
                    "then leave the risk set."),
            Mistake("failure-not-control", lambda i: 1 - _km(i.patients, "local_control", 60),
                    "This is the Kaplan-Meier probability of local failure. The question asks for local control: "
                    "the share free of local failure."),
            Mistake("copied-paper", lambda i: float(i.reported["r_lc_5y"]) / 100, _COPIED),
        )),
    "ex-os-median": Exercise(
        "Median overall survival", "months",
        lambda i: survival.kaplan_meier(i.patients, "overall_survival").median_survival_time_, 0, 0,
        may_be_unreached=True, mistakes=(
            Mistake("copied-paper", lambda i: float(i.reported["r_os_median"]),
                    "This is the median the paper prints. Read the median from the product-limit table: the "
                    "first time the estimate is 50% or lower. (Chapter 9 looks at why the two differ.)"),
            Mistake("middle-observed-time", lambda i: float(i.patients["os_months"].median()),
                    "This is the middle of the observed times, survivors' follow-up included. The median survival "
                    "is read from the curve: the first time the estimate is 50% or lower."),
            Mistake("middle-death-time", _median_of_deaths,
                    "This is the middle of the times of death, which leaves out the patients still alive. Read "
                    "the median from the curve: the first time the estimate is 50% or lower."),
            Mistake("last-above-half", _os_median_steps,
                    "This is the last death at which the estimate is still above 50%. The median is the first "
                    "time the estimate is 50% or lower."),
        )),
    "ex-followup-reverse-km": Exercise(
        "Median follow-up by the reverse Kaplan-Meier method", "months",
        lambda i: survival.reverse_km(i.patients).median_survival_time_, 0, 0,
        may_be_unreached=True, mistakes=(
            Mistake("median-of-all-times", lambda i: float(i.patients["os_months"].median()),
                    "This is the median of all the survival times, which stops each patient's follow-up at "
                    "death. In the reverse Kaplan-Meier method a death censors follow-up, and the last visit of "
                    "a survivor is the 'event'."),
            Mistake("survivors-only", lambda i: float(i.patients.loc[i.patients["status"] == "AWOD",
                                                                     "os_months"].median()),
                    "This is the median follow-up of the survivors alone. The reverse Kaplan-Meier method also "
                    "uses the patients who died, censored at their death."),
            Mistake("copied-paper", lambda i: float(i.reported["t1_followup_median"]),
                    "This is the median follow-up the paper prints. Compute it from Table 3 with the reverse "
                    "Kaplan-Meier method."),
        )),
    "ex-lc-rmst": Exercise(
        "Restricted mean time free of local failure up to the last follow-up", "months",
        lambda i: survival.restricted_mean(survival.kaplan_meier(i.patients, "local_control")), 0.05, 1, (
            Mistake("copied-paper", lambda i: float(i.reported["a_lc_mean"]),
                    "This is the paper's rounded value. Compute the area yourself, to one decimal."),
            Mistake("horizon-60", lambda i: survival.restricted_mean(
                        survival.kaplan_meier(i.patients, "local_control"), 60.0),
                    "This is the area up to 60 months. The question asks for the area up to the last "
                    "follow-up, the longest local-control time."),
            Mistake("mean-of-times", lambda i: float(i.patients["lc_months"].mean()),
                    "This is the plain mean of the local-control times, which treats each censored time as if "
                    "it were the end. The restricted mean is the area under the Kaplan-Meier curve."),
        )),
    "ex-share-gt10-before-rt": Exercise(
        "Share of tumours over 10 cm before radiotherapy, by Table 3", "probability",
        lambda i: float((i.patients["diameter_before_rt_cm"] > 10).mean()), 0.005, 2, (
            Mistake("copied-paper", lambda i: float(i.reported["d_size_gt10_pct"]) / 100,
                    "This is the share the paper's discussion uses. Count it yourself in Table 3."),
            Mistake("initial-size", lambda i: float((i.patients["diameter_initial_cm"] > 10).mean()),
                    "This uses the initial diameter. The question asks for the size before radiotherapy, "
                    "after any resection."),
            Mistake("complement", lambda i: float((i.patients["diameter_before_rt_cm"] <= 10).mean()),
                    "This is the share of tumours 10 cm or smaller. The question asks for those over 10 cm."),
        )),
    "ex-closest-to-66": Exercise(
        "The number of patients whose share of the cohort comes closest to the paper's 66% with metastases",
        "patients", lambda i: round(i.reported["d_metastases_pct"] / 100 * len(i.patients)), 0, 0, (
            Mistake("rounded-up", lambda i: math.ceil(i.reported["d_metastases_pct"] / 100 * len(i.patients)),
                    "This rounds the share of the patients up. Which whole number is closest: compare the "
                    "percentages the two neighbouring counts give."),
            Mistake("not-whole", lambda i: i.reported["d_metastases_pct"] / 100 * len(i.patients),
                    "That is the exact share of the patients, but only whole patients exist: give the closest "
                    "whole number."),
            Mistake("percentage", lambda i: float(i.reported["d_metastases_pct"]),
                    "This is the percentage itself. The question asks for a number of patients."),
        )),
    "ex-hazard-45": Exercise(
        "Monthly hazard of an exponential curve through Kepka's 5-10 cm rate at 60 months", "per month",
        lambda i: design.rate_to_hazard(_cited_rates(i)["5-10 cm"], 60), 0.00005, 4, (
            Mistake("straight-line", lambda i: (1 - _cited_rates(i)["5-10 cm"]) / 60,
                    "This spreads the failures evenly over the 60 months (a straight line). An exponential "
                    "curve has a constant hazard: λ = −ln(S) / t."),
            Mistake("not-per-month", lambda i: -math.log(_cited_rates(i)["5-10 cm"]),
                    "This is the cumulative hazard over the whole 60 months. Divide by the months to get the "
                    "hazard per month."),
            Mistake("failure-rate-in-log", lambda i: -math.log(1 - _cited_rates(i)["5-10 cm"]) / 60,
                    "This puts the share that failed inside the logarithm. S is the share still locally "
                    "controlled."),
            Mistake("per-year", lambda i: -math.log(_cited_rates(i)["5-10 cm"]) / 5,
                    "This is the hazard per year. The question asks for it per month."),
        )),
    "ex-expected-primary": Exercise(
        "Expected local failures E in the primary size-standardised comparison", "events",
        lambda i: _primary(i).expected_events, 0.05, 1, (
            Mistake("five-years-each", _binomial_expected,
                    "This counts each patient's chance of failing within five years, as if everybody had been "
                    "followed five years. E adds up only the months each patient was actually followed, times "
                    "the hazard."),
            Mistake("one-rate", lambda i: compare.expected_events(i.patients, rate=_cited_rates(i)["5-10 cm"],
                                                                  timepoint=60),
                    "This gives every patient the 5-10 cm rate. The primary comparison gives tumours over "
                    "10 cm the rate for their size class."),
            Mistake("initial-size", lambda i: compare.expected_events(
                        i.patients, rates_by_size=_cited_rates(i), size_basis="initial", timepoint=60),
                    "This puts the patients in size classes by their initial diameter. The primary comparison "
                    "uses the size before radiotherapy."),
            Mistake("survival-months", lambda i: compare.expected_events(
                        i.patients, rates_by_size=_cited_rates(i), size_basis="before_rt", timepoint=60,
                        endpoint="overall_survival"),
                    "This uses the survival times. A patient stops contributing to E at a local failure: use "
                    "the local-control times."),
        )),
    "ex-o-over-e": Exercise(
        "O/E in the primary comparison", "ratio",
        lambda i: _primary(i).o_over_e, 0.01, 2, (
            Mistake("upside-down", lambda i: _primary(i).expected_events / _primary(i).observed_events
                    if _primary(i).observed_events else math.nan,
                    "This is E/O, upside down: divide the observed failures by the expected ones."),
            Mistake("deaths", lambda i: float(survival.endpoint(i.patients, "overall_survival")[1].sum())
                    / _primary(i).expected_events,
                    "This counts deaths as O. O is the local failures observed."),
            Mistake("five-years-each", lambda i: _primary(i).observed_events / _binomial_expected(i),
                    "This divides by the failures expected if everybody had been followed five years. E adds "
                    "up only the months each patient was actually followed."),
        )),
    "ex-size-mix": Exercise(
        "Radiotherapy-alone local control at 5 years for Table 3's size mix (Kepka's rates as cited)",
        "probability",
        lambda i: compare.size_mix_rate(i.patients, _cited_rates(i), "before_rt"), 0.0005, 3, (
            Mistake("unweighted", lambda i: (_cited_rates(i)["5-10 cm"] + _cited_rates(i)[">10 cm"]) / 2,
                    "This is the plain average of the two rates. Weight each rate by the number of patients "
                    "in its size class."),
            Mistake("initial-size", lambda i: compare.size_mix_rate(i.patients, _cited_rates(i), "initial"),
                    "This uses the initial diameters. The question asks for the sizes before radiotherapy."),
            Mistake("paper-share", lambda i: (1 - i.reported["d_size_gt10_pct"] / 100) * _cited_rates(i)["5-10 cm"]
                    + i.reported["d_size_gt10_pct"] / 100 * _cited_rates(i)[">10 cm"],
                    "This weights the rates by the paper's share of large tumours. The question asks for Table "
                    "3's own mix."),
        )),
    "ex-cif-lc-5y": Exercise(
        "Cumulative incidence of local failure by 60 months, death competing", "probability",
        lambda i: survival.cumulative_incidence_of_local_failure(i.patients, 60), 0.005, 2, (
            Mistake("one-minus-km", lambda i: 1 - _km(i.patients, "local_control", 60),
                    "This is one minus Kaplan-Meier local control, which treats the patients who died as if "
                    "they could still fail later. With death competing, a patient who died can no longer fail."),
            Mistake("any-event", _any_event_by_60,
                    "This counts deaths as well as local failures. The cumulative incidence of local failure "
                    "adds up local failures only; deaths just remove patients from the risk set."),
            Mistake("share-of-all", lambda i: float(_failed_by(i.patients, 60).sum() / len(i.patients)),
                    "This is the local failures divided by all the patients, which ignores the patients "
                    "censored alive before them."),
        )),
    "ex-ahern-n": Exercise(
        "Patients in A'Hern's single-stage design under the chapter's assumptions", "patients",
        lambda i: design.ahern_single_stage(_D.p0, _D.p1, _D.alpha_one_sided, _D.power).n, 0, 0, (
            Mistake("two-sided", lambda i: design.ahern_single_stage(_D.p0, _D.p1, _D.alpha_two_sided / 2,
                                                                     _D.power).n,
                    "This halves the type I error as if the test were two-sided. A'Hern's design tests one "
                    "side: is the new treatment better?"),
            Mistake("normal-approximation", _normal_ahern,
                    "This is the normal approximation. A'Hern's design uses the exact binomial probabilities."),
        )),
    "ex-schoenfeld-events": Exercise(
        "Local failures a randomised trial needs under the chapter's assumptions", "events",
        lambda i: design.two_arm_logrank_design(_D.p0, _D.p1, _D.months, alpha=_D.alpha_two_sided,
                                                power=_D.power).events, 0, 0, (
            Mistake("one-sided", lambda i: math.ceil(_schoenfeld(_hazard_ratio(), 2 * _D.alpha_one_sided)),
                    "This uses a one-sided type I error. The randomised trial's log-rank test is two-sided."),
            Mistake("rate-ratio", lambda i: math.ceil(_schoenfeld((1 - _D.p1) / (1 - _D.p0), _D.alpha_two_sided)),
                    "This divides the two failure rates. The hazard ratio is the ratio of the hazards: "
                    "ln(S new) / ln(S control)."),
            Mistake("rounded-down", lambda i: math.floor(_schoenfeld(_hazard_ratio(), _D.alpha_two_sided)),
                    "This rounds the number of events down. Round up: fewer events would not give the power."),
        )),
}

_NOT_REACHED = {"not reached", "not reached.", "nr"}   # how a median that is never reached may be answered
_UNIT_WORDS = {"probability": entries.RATE_HINT, "months": "a number of months", "patients": "a number of patients",
               "events": "a number of local failures", "per month": "a hazard per month", "ratio": "a ratio"}


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer: true when right; shows as a sentence in Jupyter and in the book.

    ``mistake`` names the predicted mistake the answer matched (``Mistake.name``), if any;
    ``rounding`` is true when the answer is right but for its rounding.
    """

    right: bool
    message: str
    mistake: str | None = None
    rounding: bool = False

    def __bool__(self) -> bool:
        return self.right

    def __repr__(self) -> str:
        return self.message

    def _repr_markdown_(self) -> str:
        return f"**{self.message}**" if self.right else self.message


def _inputs(patients: pd.DataFrame | None) -> Inputs:
    """The book's data, with ``patients`` in place of Table 3 when given."""
    return book_inputs() if patients is None else dataclasses.replace(book_inputs(), patients=patients)


# --- exercise ids as the page shows them ----------------------------------------------------------------------

def _book_root() -> Path | None:
    chapters = data.find_chapters(data.find_data_dir())
    return None if chapters is None or not (chapters.parent / "_toc.yml").is_file() else chapters.parent


def _page_text(path: Path) -> str:
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return path.read_text(encoding="utf-8")


_EXERCISE = re.compile(r"^(`{3,}|:{3,})\{exercise\}[^\n]*\n(?:[ \t]*:(?!label:)[^\n]*\n)*[ \t]*(?::label:[ \t]*(\S+))?",
                       re.MULTILINE)


@functools.cache
def exercise_numbers() -> dict[str, str]:
    """The number the built book gives each labelled exercise, e.g. ``{"ex-lc-5y": "6.2", ...}``.

    Worked out as sphinx-exercise numbers them: the chapter's number is its place
    in ``_toc.yml``'s numbered part, the exercise's its place among the chapter's
    ``{exercise}`` directives (those without a self-check count too). Read from
    ``_toc.yml`` and the chapters once per kernel; empty when the chapters are not
    there (a package installed without its project).

    Returns
    -------
    dict
        Exercise label -> number as the page titles it, without "Exercise".

    Example
    -------
    >>> exercise_numbers()["ex-share-gt10-before-rt"]
    '3.1'
    """
    root = _book_root()
    if root is None:
        return {}
    numbers: dict[str, str] = {}
    for part in yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8")).get("parts", []):
        if not part.get("numbered"):
            continue
        for chapter, entry in enumerate(part.get("chapters", []), start=1):
            found = [root / (entry["file"] + suffix) for suffix in ("", ".ipynb", ".md")]
            page = next((path for path in found if path.is_file()), None)
            if page is None:
                continue
            for index, match in enumerate(_EXERCISE.finditer(_page_text(page)), start=1):
                if match.group(2):
                    numbers[match.group(2)] = f"{chapter}.{index}"
    return numbers


def _resolve(exercise: str) -> str | None:
    """The label of the exercise called ``exercise`` ("ex-lc-5y", "Exercise 6.2", "6.2", "#6.2"), or None."""
    text = str(exercise).strip().lstrip("#").strip().lower()
    text = re.sub(r"^exercise\s*", "", text)
    numbers = exercise_numbers()
    if text in numbers or text in EXERCISES:
        return text
    by_number = {number: label for label, number in numbers.items()}
    return by_number.get(text)


def _shown_as(label: str) -> str:
    number = exercise_numbers().get(label)
    return f"Exercise {number}" if number else label


def _unknown(exercise) -> Feedback:
    numbers = exercise_numbers()
    checkable = sorted((numbers[label] for label in EXERCISES if label in numbers),
                       key=lambda number: tuple(int(part) for part in number.split(".")))
    listed = f" The exercises with a self-check are {join_words(checkable)}." if checkable else ""
    label = "ex-lc-5y" if "ex-lc-5y" in numbers else next(iter(numbers), "ex-lc-5y")   # an example of each form
    number = numbers.get(label, "6.2")
    return Feedback(False, f"There is no exercise {exercise!r}. Name it as its page does, \"Exercise {number}\" or "
                           f"\"{number}\", or by the label in its address, \"{label}\".{listed}")


# --- reading an answer and saying what it means ---------------------------------------------------------------

def _decimals_typed(answer, exercise: Exercise) -> int:
    """How many decimals ``answer`` carries as typed, counted in the unit compared (a percentage's + 2)."""
    percent = isinstance(answer, str) and answer.strip().endswith("%")
    number = abs(entries.read_number(answer.strip().removesuffix("%") if percent else answer, "answer"))
    k = next((k for k in range(10) if abs(round(number, k) - number) < 1e-9), 9)
    return k + 2 if exercise.unit == "probability" and (percent or number > 1) else k


def _precision_words(exercise: Exercise) -> str:
    def decimals(k: int) -> str:
        return "a whole number" if k <= 0 else count_words(k, "decimal", spelt=True)
    if exercise.unit == "probability":
        return f"{decimals(exercise.decimals)} as a fraction, {decimals(exercise.decimals - 2)} as a percentage"
    return decimals(exercise.decimals)


def _rounding(exercise: Exercise, answer, value: float, key: float) -> Feedback | None:
    """Feedback for an answer that is the key rounded, too coarsely or the wrong way; None otherwise.

    The rule, with k the decimals the answer carries as typed (a percentage counted
    as its fraction: 70% has two): an answer outside the tolerance that is the key
    rounded to the nearest with one decimal fewer than asked is right as far as it
    goes; one that is the key rounded down or up to exactly the decimals asked, the
    wrong way, is right to the precision asked but rounded differently. Neither
    message tells more than the answer typed.
    """
    k = _decimals_typed(answer, exercise)
    if k > exercise.decimals:
        return None
    step = 10.0 ** -k
    nearest, down, up = round(key, k), math.floor(key / step + 1e-9) * step, math.ceil(key / step - 1e-9) * step
    if k == exercise.decimals - 1 and abs(value - nearest) < 1e-9:
        return Feedback(False, f"Right as far as it goes, but the question asks for more precision: give it to "
                               f"{_precision_words(exercise)}.", rounding=True)
    if k == exercise.decimals and min(abs(value - down), abs(value - up)) < 1e-9:
        return Feedback(False, "Right to the precision asked, but rounded differently: round the last digit to "
                               "the nearest (5 and above rounds up), from the unrounded result.", rounding=True)
    return None


def predicted_mistakes(label: str, patients: pd.DataFrame | None = None) -> dict[str, float]:
    """The wrong answers ``check()`` recognises for an exercise, on this data: mistake name -> value.

    A mistake whose value would be accepted as right on this data (it coincides with
    the key) or that cannot be computed (no event to read it from) is left out:
    ``check()`` never announces it.

    Parameters
    ----------
    label : str
        The exercise's label, e.g. ``"ex-lc-5y"``.
    patients : DataFrame, optional
        Another patient table (default: Table 3).

    Returns
    -------
    dict
        Mistake name -> the wrong answer, in the unit compared (a probability as a fraction).

    Example
    -------
    >>> round(predicted_mistakes("ex-lc-5y")["divided-by-all"], 3)    # 9 of 11 patients without failure
    0.818
    """
    inputs = _inputs(patients)
    exercise = EXERCISES[label]
    key = exercise.expected(inputs)
    values = {}
    for mistake in exercise.mistakes:
        value = float(mistake.value(inputs))
        if math.isfinite(value) and not abs(value - key) <= exercise.tolerance + 1e-9:
            values[mistake.name] = value
    return values


def check(label: str, answer, patients: pd.DataFrame | None = None) -> Feedback:
    """Say whether ``answer`` to an exercise is right, and if not, what the answer suggests went wrong.

    The exercise may be named as its page titles it ("Exercise 6.2", "6.2") or by its
    label ("ex-lc-5y"). A probability may be typed as a fraction or a percentage
    (0.7, 70 and "70%" are the same); any answer may be typed as text ("26"), and
    a median the curve never reaches as "not reached".
    Replace ``None`` with your answer; the right answer itself is never shown.

    Parameters
    ----------
    label : str
        The exercise, e.g. ``"Exercise 6.2"``, ``"6.2"`` or ``"ex-lc-5y"``.
    answer : number, str or None
        Your answer, in the unit the question asks for.
    patients : DataFrame, optional
        Another patient table to check against (default: Table 3).

    Returns
    -------
    Feedback
        True when right; shows as a sentence: "Right.", the likely mistake, or a hint.

    Example
    -------
    >>> check("ex-lc-5y", 0.7), check("ex-lc-5y", "70%"), check("Exercise 3.1", 45)
    (Right., Right., Right.)
    """
    name = _resolve(label)
    if name is None:
        return _unknown(label)
    if name not in EXERCISES:
        return Feedback(False, f"{_shown_as(name)} asks for reasoning, not a number: compare your answer with "
                               "the solution below it.")
    exercise, shown = EXERCISES[name], _shown_as(name)
    if answer is None:
        return Feedback(False, f"Replace None with your answer, as {_UNIT_WORDS[exercise.unit]}, then run the cell "
                               "again.")
    inputs = _inputs(patients)
    key = exercise.expected(inputs)
    if exercise.may_be_unreached and isinstance(answer, str) and answer.strip().lower() in _NOT_REACHED:
        if math.isinf(key):
            return Feedback(True, "Right.")
        return Feedback(False, "Not quite: on these data the curve does reach 50%. Give the month where it first "
                               "does.")
    try:
        value = (entries.read_rate(answer, shown) if exercise.unit == "probability"
                 else entries.read_number(answer, shown))
    except ValueError as problem:
        hint = "" if _UNIT_WORDS[exercise.unit] in str(problem) else f" The answer is {_UNIT_WORDS[exercise.unit]}."
        return Feedback(False, f"{problem}{hint}")
    if abs(value - key) <= exercise.tolerance + 1e-12:
        return Feedback(True, "Right.")
    values = predicted_mistakes(name, patients)
    matched = [m for m in exercise.mistakes
               if m.name in values and abs(value - values[m.name]) <= exercise.tolerance + 1e-9]
    if matched:
        return Feedback(False, "Not quite. " + " Or: ".join(m.meaning for m in matched), mistake=matched[0].name)
    if math.isfinite(key) and (rounded := _rounding(exercise, answer, value, key)) is not None:
        return rounded
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
