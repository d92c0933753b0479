"""Every self-check accepts the right answer, rejects a wrong one, and never prints the answer."""

from __future__ import annotations

import json
import math
import re

import pytest

from rtchx.book import exercises


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
    "ex-share-gt10-before-rt": 5 / 11,
    "ex-closest-to-66": 7,                # 7/11 = 64%, 8/11 = 73%
    "ex-hazard-45": -math.log(0.45) / 60,
    "ex-expected-primary": 346 * -math.log(0.45) / 60 + 41 * -math.log(0.10) / 60,
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
    assert f"{right:g}" not in repr(feedback) and f"{right:.2f}" not in repr(feedback)


@pytest.mark.parametrize("name, value", BY_HAND.items())
def test_the_key_agrees_with_the_hand_calculation(name, value, patients):
    assert exercises.check(name, value, patients), name


def test_percentages_are_accepted_for_probabilities(patients):
    assert exercises.check("ex-lc-5y", 70, patients)
    assert not exercises.check("ex-lc-5y", 45, patients)


@pytest.mark.parametrize("answer, phrase", [(None, "Replace None"), ("seventy", "should be a number"),
                                            (float("nan"), "finite")])
def test_unusable_answers_get_a_hint_not_an_error(answer, phrase, patients):
    feedback = exercises.check("ex-lc-5y", answer, patients)
    assert not feedback and phrase in repr(feedback)


def test_unknown_exercise_is_named():
    with pytest.raises(ValueError, match="unknown exercise 'ex-lc-6y'"):
        exercises.check("ex-lc-6y", 1)


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
