"""Exercises come before the material that answers them, and are numbered as check() reads them.

The two tests that read the strictly built book (the ``built_book`` fixture) are slow like the other build
tests; the forms the placement test looks for are checked without a build.
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from rtchx.book import exercises
from rtchx.book.prose import number_word

# How a page can name what each unit counts, after the number: "91 months", "4 at risk", "49 local failures".
UNIT_WORDS = {"months": ["months", "month"], "patients": ["patients", "patient", "at risk"],
              "events": ["local failures", "failures", "events"], "per month": ["per month"], "ratio": []}
SMALL = 12   # an integer key up to this is checked only with its unit word


def printed_forms(exercise: exercises.Exercise, key: float) -> list[str]:
    """Every way a page could print ``key``: the forms the placement test looks for.

    A probability as a fraction to two and three decimals and as a percentage with
    none and one; any other number as the question asks for it and with one decimal
    more (or as an integer), bare and followed by its unit word, and rounded to a
    whole number with its unit word. An integer key of 12 or less (4 patients at
    risk, 7 patients) is looked for only with its unit word, as a numeral and spelt
    out: bare, such a number turns up all over a page (a month, a patient's number,
    a table's row) without saying anything about the exercise.
    """
    if exercise.unit == "probability":
        return [f"{key:.2f}", f"{key:.3f}", f"{100 * key:.0f}%", f"{100 * key:.1f}%"]
    if float(key).is_integer():
        numbers = [f"{key:.0f}"]
    else:
        numbers = [f"{key:.{exercise.decimals}f}", f"{key:.{exercise.decimals + 1}f}"]
    bare = [] if float(key).is_integer() and key <= SMALL else list(numbers)
    spelt = [number_word(int(key))] if float(key).is_integer() and key <= SMALL else []
    with_words = [f"{n} {word}" for n in dict.fromkeys([*numbers, f"{key:.0f}", *spelt])
                  for word in UNIT_WORDS[exercise.unit]]
    return bare + with_words


def visible_text(element) -> str:
    """The text a reader sees in ``element``, spaces normalised, "70 %" as "70%"."""
    for hidden in element.find_all(["script", "style"]):
        hidden.decompose()
    text = " ".join(element.get_text(" ").replace("\u00a0", " ").replace("\u202f", " ").split())
    return re.sub(r"(\d) %", r"\1%", text)


def text_down_to(html, label: str) -> str:
    """The visible text of the page holding exercise ``label``, from the top down to the end of its question."""
    for page in sorted((html / "notebooks").glob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        admonition = soup.find("div", id=label, class_="exercise")
        if admonition is not None:
            marker = "\u2063END-OF-EXERCISE\u2063"
            admonition.insert_after(soup.new_string(marker))
            return visible_text(soup.find("article")).split(marker)[0]
    raise AssertionError(f"no page holds exercise {label}")


def shown_above(text: str, forms: list[str]) -> list[str]:
    """Each form found in ``text`` as a number of its own, with a little of the text around it."""
    hits = []
    for form in forms:
        for match in re.finditer(rf"(?<![\d.,]){re.escape(form)}(?![\d])", text):
            hits.append(f"{form!r} in …{text[max(0, match.start() - 60):match.end() + 30]}…")
    return hits


@pytest.mark.slow
@pytest.mark.parametrize("label", list(exercises.EXERCISES))
def test_no_key_is_printed_above_its_exercise(built_book, label):
    """The key, in every form a page could print it, is not in the page's visible text above the exercise.

    'Above' runs down to the end of the exercise's own question, so a question that
    quotes its answer fails too; the solution fold below the question does not count.
    Text hidden behind a fold above the exercise (another exercise's solution, a hidden
    code input) counts: a reader may open it before answering.
    """
    _, html = built_book
    exercise = exercises.EXERCISES[label]
    key = exercise.expected(exercises.book_inputs())
    hits = shown_above(text_down_to(html, label), printed_forms(exercise, key))
    assert not hits, f"{label} ({exercises.exercise_numbers().get(label)}): " + "\n".join(hits)


def test_the_forms_are_what_a_page_prints():
    by_label = {label: printed_forms(exercise, exercise.expected(exercises.book_inputs()))
                for label, exercise in exercises.EXERCISES.items()}
    assert by_label["ex-km-first-step"] == ["0.91", "0.909", "91%", "90.9%"]
    assert {"91.2", "91.22", "91.2 months", "91 months"} <= set(by_label["ex-lc-rmst"])
    at_risk = set(by_label["ex-lc-at-risk-2y"])
    assert "4" not in at_risk and {"4 at risk", "four patients"} <= at_risk
    assert {"49", "49 local failures"} <= set(by_label["ex-schoenfeld-events"])
    assert shown_above("at 60 months, 91 months on average", ["91 months"])
    assert not shown_above("after 191 months or 91.5 months", ["91 months"])


@pytest.mark.slow
def test_the_numbers_are_the_ones_the_book_shows(built_book):
    _, html = built_book
    shown = {}
    for page in (html / "notebooks").glob("*.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for admonition in soup.find_all("div", class_="exercise"):
            title = admonition.find(class_="caption-number").get_text(" ", strip=True)
            shown[admonition["id"]] = re.fullmatch(r"Exercise (\d+\.\d+)", title).group(1)
    assert shown == exercises.exercise_numbers()
    for label, number in shown.items():
        assert exercises._resolve(f"Exercise {number}") == label
        expected = "Replace None" if label in exercises.EXERCISES else "asks for reasoning"
        assert expected in repr(exercises.check(f"Exercise {number}", None))
