"""Every self-check accepts the right answer, rejects a wrong one, never prints the answer, and names the
predicted mistakes (worked out by hand from data/patients.csv below) on the real data and on altered data."""

from __future__ import annotations

import json
import math
import re

import pytest
from altered import everyone_alive, no_local_failures, one_patient_fewer
from scipy.stats import binom, norm

from rtchx.book import exercises
from rtchx.core import data


@pytest.fixture
def inputs(patients):
    return exercises.Inputs(patients, exercises.book_inputs().historical, exercises.book_inputs().reported)

# answers worked by hand from Table 3 (see the chapters' solutions)
BY_HAND = {
    "ex-km-first-step": 10 / 11,          # one death among 11 at risk
    "ex-lc-at-risk-2y": 4,                # patients 1, 3, 4, 8 followed 24 months or more
    "ex-lc-5y": 0.7,                      # 10/10 * 7/8 * 4/5 after the censorings at 1, 4, 5 months
    "ex-os-median": 13,                   # survival first at or below 50% at 13 months
    "ex-followup-reverse-km": 106,
    "ex-lc-rmst": 6 + 15 * 7 / 8 + 103 * 0.7,   # 1 to 6 months, 7/8 to 21, 0.7 to 124
    "ex-share-gt10-before-rt": 5 / 11,
    "ex-closest-to-66": 7,                # 7/11 = 64%, 8/11 = 73%
    "ex-hazard-45": -math.log(0.45) / 60,
    "ex-expected-primary": 346 * -math.log(0.45) / 60 + 41 * -math.log(0.10) / 60,
    "ex-o-over-e": 2 / (346 * -math.log(0.45) / 60 + 41 * -math.log(0.10) / 60),
    "ex-size-mix": (6 * 0.45 + 5 * 0.10) / 11,   # six tumours of 5-10 cm, five over 10 cm before RT
    "ex-cif-lc-5y": 2 / 11,
    "ex-ahern-n": 25,
    "ex-schoenfeld-events": 49,
}


@pytest.mark.parametrize("name", list(exercises.EXERCISES))
def test_right_answer_is_accepted_and_a_wrong_one_rejected(name, patients, inputs):
    exercise = exercises.EXERCISES[name]
    right = exercise.expected(inputs)
    assert exercises.check(name, right, patients)
    wrong = right + max(10 * exercise.tolerance, 1.0 if exercise.unit != "probability" else 0.1)
    feedback = exercises.check(name, wrong, patients)
    assert not feedback
    assert not _shows(repr(feedback), right)


def _shows(text: str, key: float) -> bool:
    """Whether ``text`` prints ``key`` as a number of its own ('24 months' does not print 4)."""
    return any(re.search(rf"(?<![\d.]){re.escape(form)}(?!\d)", text) for form in (f"{key:g}", f"{key:.2f}"))


@pytest.mark.parametrize("name, value", BY_HAND.items())
def test_the_key_agrees_with_the_hand_calculation(name, value, patients):
    assert exercises.check(name, value, patients), name


def test_percentages_are_accepted_for_probabilities(patients):
    assert exercises.check("ex-lc-5y", 70, patients)
    assert not exercises.check("ex-lc-5y", 45, patients)


@pytest.mark.parametrize("answer, phrase", [(None, "Replace None"), ("seventy", "type a number"),
                                            (float("nan"), "finite"), (700, "percentage up to 100")])
def test_unusable_answers_get_a_hint_not_an_error(answer, phrase, patients):
    feedback = exercises.check("ex-lc-5y", answer, patients)
    assert not feedback and phrase in repr(feedback)
    assert "probability" not in repr(feedback)            # the internal unit name is not what the page says


@pytest.mark.parametrize("answer", [0.7, 70, "70%", "0.7", " 70 % ".replace(" %", "%"), "70.0"])
def test_a_rate_is_read_one_way(answer, patients):
    # the one convention of rtchx.book.entries: a fraction, a percentage, with or without the sign, or as text
    assert exercises.check("ex-lc-5y", answer, patients)


def test_a_number_may_be_typed_as_text(patients):
    assert exercises.check("ex-os-median", "13", patients)
    feedback = exercises.check("ex-os-median", "thirteen", patients)
    shown = "Exercise " + exercises.exercise_numbers()["ex-os-median"]       # the title the page gives it
    assert not feedback and shown in repr(feedback) and "months" in repr(feedback)


@pytest.mark.parametrize("form", ["{label}", "Exercise {n}", "exercise {n}", "{n}", " #{n} ", "EX-LC-5Y",
                                  "#{label}", "  Exercise  {n}"])
def test_the_exercise_may_be_named_as_the_page_shows_it(form, patients):
    # the number comes from the book (checked against the built pages in test_exercise_placement.py)
    name = form.format(label="ex-lc-5y", n=exercises.exercise_numbers()["ex-lc-5y"])
    assert exercises.check(name, 0.7, patients)


def test_the_numbers_are_counted_from_the_table_of_contents_and_the_chapters():
    # 06_survival is the sixth chapter of the numbered part; ex-censor-or-count, without a self-check, counts too
    numbers = exercises.exercise_numbers()
    assert numbers["ex-share-gt10-before-rt"] == "3.1" and numbers["ex-trend"] == "7.1"
    assert numbers["ex-size-mix"] == "10.1" and numbers["ex-schoenfeld-events"] == "11.2"
    assert set(exercises.EXERCISES) <= set(numbers)


@pytest.mark.parametrize("name", ["ex-lc-6y", "6.99", "Exercise 12.1", "", "5y"])
def test_an_unknown_exercise_gets_the_forms_not_a_traceback(name):
    feedback = exercises.check(name, 1)
    assert not feedback
    n = exercises.exercise_numbers()["ex-lc-5y"]
    assert repr(name) in repr(feedback) and f'"Exercise {n}"' in repr(feedback) and '"ex-lc-5y"' in repr(feedback)
    assert "10.1" in repr(feedback)                           # the self-checks, by number


def test_an_exercise_without_a_number_to_check_says_so():
    feedback = exercises.check("Exercise 7.1", 0.37)
    assert not feedback and "Exercise 7.1" in repr(feedback) and "solution" in repr(feedback)


def test_there_are_at_least_fifteen_self_checks():
    assert len(exercises.EXERCISES) >= 15


@pytest.mark.parametrize("name", list(exercises.EXERCISES))
def test_each_worked_solution_arrives_at_the_key(name, inputs):
    assert set(exercises.WORKINGS) == set(exercises.EXERCISES)
    v = exercises.EXERCISES[name].expected(inputs)
    text = exercises.WORKINGS[name](inputs)
    shown = [f"{v:g}", f"{v:.1f}", f"{v:.2f}", f"{v:.3f}", f"{v:.4f}", f"{v:.0%}", f"{v:.1%}"]
    assert any(s in text for s in shown), (name, text)


def test_each_exercise_is_known_by_its_label_in_the_chapters(repo):
    # one spelling: the label of the exercise directive is the name check() and glue_solutions() take,
    # and the solution block pastes the key solution_key() makes of it
    labels, checked, solved = set(), set(), set()
    for notebook in (repo / "notebooks").glob("*.ipynb"):
        text = "\n".join("".join(c["source"]) for c in json.loads(notebook.read_text(encoding="utf-8"))["cells"])
        labels |= set(re.findall(r":label: (ex-[a-z0-9-]+)", text))
        checked |= set(re.findall(r'exercises\.check\("([^"]+)"', text))
        solved |= set(re.findall(r"\{eval\}`(solutions\.[a-z0-9_]+)`", text))
    assert set(exercises.EXERCISES) <= labels
    assert checked == set(exercises.EXERCISES)
    assert {exercises.solution_key(label) for label in exercises.EXERCISES} <= solved


def test_the_data_are_loaded_once():
    assert exercises.book_inputs() is exercises.book_inputs()


def test_gluing_the_solutions_shows_nothing_in_the_page(monkeypatch):
    # the chapters call glue_solutions as the last line of a cell: a return value would print below it
    glued = {}
    monkeypatch.setattr(exercises, "glue", lambda key, value: glued.setdefault(key, value))
    assert exercises.glue_solutions(["ex-lc-5y"]) is None
    assert list(glued) == ["solutions.ex_lc_5y"] and "0.70" in glued["solutions.ex_lc_5y"].data


# --- predicted mistakes ---------------------------------------------------------------------------------------

H45, H10 = -math.log(0.45) / 60, -math.log(0.10) / 60    # Kepka's cited 5-10 cm and >10 cm rates at 60 months
E = 346 * H45 + 41 * H10                                # local-control months by size before RT: 346 and 41


def _ahern_exact(alpha):
    """A'Hern's n by brute force over n and r with scipy's binomial, a second method to design.py's."""
    for n in range(1, 200):
        for r in range(n + 1):
            if binom.sf(r - 1, n, 0.45) <= alpha and binom.sf(r - 1, n, 0.70) >= 0.8:
                return n
    raise AssertionError("no design")


def _schoenfeld(hr, z_alpha):
    return 4 * (z_alpha + norm.ppf(0.8)) ** 2 / math.log(hr) ** 2


# (exercise, mistake) -> the wrong answer worked by hand from data/patients.csv (times in months)
MISTAKES_BY_HAND = {
    ("ex-km-first-step", "share-who-died"): 1 / 11,             # patient 6 dies at 1 month, 11 at risk
    ("ex-km-first-step", "local-control-curve"): 7 / 8,         # first local failure: patient 7 at 6, 8 at risk
    ("ex-lc-at-risk-2y", "censored-still-at-risk"): 9,          # 11 minus the failures at 6 and 21 months
    ("ex-lc-at-risk-2y", "survival-times"): 5,                  # alive at 24: patients 1, 3, 4, 5 (30), 8 (26)
    ("ex-lc-5y", "divided-by-all"): 9 / 11,                     # 'no failure / 11'
    ("ex-lc-5y", "censored-as-failures"): 3 / 11,               # followed 60 months free: patients 1, 3, 4
    ("ex-lc-5y", "failure-not-control"): 0.3,
    ("ex-os-median", "copied-paper"): 26,                       # the paper's median
    ("ex-os-median", "middle-death-time"): 9.5,                 # deaths at 1 4 5 9 | 10 13 26 30
    ("ex-os-median", "last-above-half"): 10,                    # 6/11 after the death at 10 months
    ("ex-followup-reverse-km", "median-of-all-times"): 13,      # 1 4 5 9 10 13 26 30 72 106 124
    ("ex-followup-reverse-km", "copied-paper"): 55,             # Table 1's median follow-up
    ("ex-lc-rmst", "copied-paper"): 91,                         # the paper's 'average local control time'
    ("ex-lc-rmst", "horizon-60"): 6 + 15 * 7 / 8 + 39 * 0.7,
    ("ex-lc-rmst", "mean-of-times"): 387 / 11,                  # the eleven local-control times add up to 387
    ("ex-share-gt10-before-rt", "copied-paper"): 0.36,
    ("ex-share-gt10-before-rt", "initial-size"): 6 / 11,        # patients 2 5 6 7 8 11 initially over 10 cm
    ("ex-share-gt10-before-rt", "complement"): 6 / 11,
    ("ex-closest-to-66", "rounded-up"): 8,
    ("ex-closest-to-66", "not-whole"): 0.66 * 11,
    ("ex-closest-to-66", "percentage"): 66,
    ("ex-hazard-45", "straight-line"): 0.55 / 60,
    ("ex-hazard-45", "not-per-month"): -math.log(0.45),
    ("ex-hazard-45", "failure-rate-in-log"): -math.log(0.55) / 60,
    ("ex-hazard-45", "per-year"): -math.log(0.45) / 5,
    ("ex-expected-primary", "five-years-each"): 6 * 0.55 + 5 * 0.90,
    ("ex-expected-primary", "one-rate"): 387 * H45,
    ("ex-expected-primary", "initial-size"): 320 * H45 + 67 * H10,   # patients 8 and 10 swap classes
    ("ex-expected-primary", "survival-months"): 346 * H45 + 54 * H10,  # overall-survival months by class
    ("ex-o-over-e", "upside-down"): E / 2,
    ("ex-o-over-e", "deaths"): 8 / E,                           # eight patients died
    ("ex-o-over-e", "five-years-each"): 2 / 7.8,
    ("ex-size-mix", "unweighted"): (0.45 + 0.10) / 2,
    ("ex-size-mix", "initial-size"): (5 * 0.45 + 6 * 0.10) / 11,
    ("ex-size-mix", "paper-share"): 0.64 * 0.45 + 0.36 * 0.10,  # the paper's 36% over 10 cm
    ("ex-cif-lc-5y", "one-minus-km"): 0.3,
    ("ex-cif-lc-5y", "any-event"): 8 / 11,                      # eight events by 26 months, nobody censored before
    ("ex-ahern-n", "two-sided"): _ahern_exact(0.025),
    ("ex-ahern-n", "normal-approximation"): math.ceil(((1.6449 * math.sqrt(0.45 * 0.55) + 0.8416 * math.sqrt(0.21))
                                                       / 0.25) ** 2),
    ("ex-schoenfeld-events", "one-sided"): math.ceil(_schoenfeld(math.log(0.7) / math.log(0.45), norm.ppf(0.95))),
    ("ex-schoenfeld-events", "rate-ratio"): math.ceil(_schoenfeld(0.3 / 0.55, norm.ppf(0.975))),
    ("ex-schoenfeld-events", "rounded-down"): math.floor(_schoenfeld(math.log(0.7) / math.log(0.45),
                                                                     norm.ppf(0.975))),
}

# the same mistake gives the key on the real data, so it is not announced: 13 is both the middle observed time and
# the median; 106 both the survivors' median follow-up and the reverse Kaplan-Meier median; 70% and 4 the paper's
COINCIDING = [("ex-os-median", "middle-observed-time"), ("ex-followup-reverse-km", "survivors-only"),
              ("ex-lc-5y", "copied-paper"), ("ex-lc-at-risk-2y", "copied-paper"), ("ex-cif-lc-5y", "share-of-all")]


def test_the_hand_values_name_registered_mistakes():
    registered = {(label, m.name) for label, exercise in exercises.EXERCISES.items() for m in exercise.mistakes}
    assert set(MISTAKES_BY_HAND) | set(COINCIDING) == registered


@pytest.mark.parametrize("name", list(exercises.EXERCISES))
def test_each_exercise_predicts_at_least_two_mistakes_on_the_real_data(name, patients):
    assert len(exercises.predicted_mistakes(name, patients)) >= 2


@pytest.mark.parametrize("name, mistake", list(MISTAKES_BY_HAND))
def test_each_mistake_is_recognised_and_explained(name, mistake, patients):
    value = MISTAKES_BY_HAND[name, mistake]
    exercise = exercises.EXERCISES[name]
    assert exercises.predicted_mistakes(name, patients)[mistake] == pytest.approx(value, abs=1e-9)
    feedback = exercises.check(name, value, patients)
    meaning = next(m.meaning for m in exercise.mistakes if m.name == mistake)
    assert not feedback and meaning in repr(feedback)
    assert feedback.mistake in {m for (n, m), v in MISTAKES_BY_HAND.items() if n == name and v == value}
    assert not _shows(repr(feedback), exercise.expected(exercises._inputs(patients)))


def test_a_mistake_as_a_percentage_is_recognised_too(patients):
    assert exercises.check("ex-lc-5y", 82, patients).mistake == "divided-by-all"      # 9/11 = 81.8%
    assert exercises.check("ex-os-median", "26", patients).mistake == "copied-paper"


@pytest.mark.parametrize("name, mistake", COINCIDING)
def test_a_mistake_that_gives_the_key_is_not_announced(name, mistake, patients):
    assert mistake not in exercises.predicted_mistakes(name, patients)
    exercise = exercises.EXERCISES[name]
    value = next(m.value for m in exercise.mistakes if m.name == mistake)(exercises._inputs(patients))
    assert exercises.check(name, value, patients).right


@pytest.fixture(scope="module")
def fewer(tmp_path_factory):
    """Table 3 without patient 7 (tests/altered.py)."""
    return data.with_derived_columns(data.load_patients(one_patient_fewer(tmp_path_factory.mktemp("a") / "data")))


def test_the_mistakes_follow_the_data(fewer):
    # ten patients, patient 5's failure at 21 months the only one: 5 at risk then (patients 1 3 4 5 8)
    mistakes = exercises.predicted_mistakes
    assert exercises.check("ex-lc-5y", 4 / 5, fewer)
    assert mistakes("ex-lc-5y", fewer)["divided-by-all"] == pytest.approx(9 / 10)
    assert exercises.check("ex-lc-5y", 0.9, fewer).mistake == "divided-by-all"
    assert mistakes("ex-lc-at-risk-2y", fewer)["censored-still-at-risk"] == 9          # 10 minus 1 failure
    assert mistakes("ex-km-first-step", fewer)["share-who-died"] == pytest.approx(1 / 10)
    assert mistakes("ex-km-first-step", fewer)["local-control-curve"] == pytest.approx(4 / 5)
    # the median is 13 (0.9 0.8 0.7 0.6 0.5), the middle observed time (13 + 26) / 2: now a mistake to name
    assert exercises.check("ex-os-median", 13, fewer)
    assert exercises.check("ex-os-median", 19.5, fewer).mistake == "middle-observed-time"
    assert mistakes("ex-os-median", fewer)["middle-death-time"] == pytest.approx(9)     # 1 4 5 9 13 26 30
    assert mistakes("ex-lc-rmst", fewer)["mean-of-times"] == pytest.approx(381 / 10)
    assert mistakes("ex-share-gt10-before-rt", fewer)["initial-size"] == pytest.approx(5 / 10)
    assert mistakes("ex-closest-to-66", fewer)["not-whole"] == pytest.approx(6.6)
    assert mistakes("ex-size-mix", fewer)["initial-size"] == pytest.approx((5 * 0.45 + 5 * 0.10) / 10)


def test_a_mistake_that_cannot_be_computed_is_left_out(tmp_path):
    # nobody fails locally: there is no first local-control step, and dividing by all gives the key (1)
    p = data.with_derived_columns(data.load_patients(no_local_failures(tmp_path / "data")))
    assert "local-control-curve" not in exercises.predicted_mistakes("ex-km-first-step", p)
    assert "divided-by-all" not in exercises.predicted_mistakes("ex-lc-5y", p)
    assert exercises.check("ex-lc-5y", 1, p)


# --- right but rounded --------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, answer", [
    ("ex-hazard-45", 0.0134),       # 0.013308 asked to four decimals, rounded up
    ("ex-lc-rmst", 91.3),           # 91.225 asked to one decimal, rounded up
    ("ex-km-first-step", "90%"),    # 0.909 as a whole percentage, rounded down
])
def test_right_but_rounded_the_other_way(name, answer, patients):
    feedback = exercises.check(name, answer, patients)
    assert not feedback and feedback.rounding and "rounded differently" in repr(feedback)


@pytest.mark.parametrize("name, answer, asked", [
    ("ex-size-mix", "29%", "one decimal as a percentage"),     # 29.09% asked to one decimal
    ("ex-km-first-step", 0.9, "two decimals as a fraction"),
    ("ex-expected-primary", 6, "one decimal"),
])
def test_right_as_far_as_it_goes(name, answer, asked, patients):
    feedback = exercises.check(name, answer, patients)
    assert not feedback and feedback.rounding and "as far as it goes" in repr(feedback) and asked in repr(feedback)


@pytest.mark.parametrize("name, answer", [("ex-size-mix", "30%"), ("ex-size-mix", 29.2), ("ex-hazard-45", 0.0132),
                                          ("ex-km-first-step", 1), ("ex-lc-rmst", 91.4)])
def test_a_wrong_answer_is_not_called_a_rounding(name, answer, patients):
    feedback = exercises.check(name, answer, patients)
    assert not feedback and not feedback.rounding and feedback.mistake is None


def test_a_median_never_reached_is_answered_in_words(tmp_path, patients):
    # everyone alive: the overall survival curve stays at 1, its median is not reached
    alive = data.with_derived_columns(data.load_patients(everyone_alive(tmp_path / "data")))
    assert exercises.check("ex-os-median", "Not reached", alive)
    assert not exercises.check("ex-os-median", 13, alive)
    feedback = exercises.check("ex-os-median", "not reached", patients)
    assert not feedback and "does reach 50%" in repr(feedback)
    assert "type a number" in repr(exercises.check("ex-lc-rmst", "not reached", patients))
