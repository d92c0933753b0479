"""The claims ledger pinned to the paper's words.

Every row of ``data/claims.csv`` names the phrase of the paper that states its
number. These tests find each phrase in the paper's plain-text extraction (once,
in the claim's location), read the number it carries and check that it is the
reported value in the claim's unit; and they show that the pin holds, by changing
each reported value in memory and watching the check refuse it. Without the paper
the tests that need it skip, and under $CI they fail (as in test_transcription).
"""

from __future__ import annotations

import os

import pytest
from test_transcription import PAPER

from rtchx.core import data, phrases


@pytest.fixture(scope="module")
def text() -> str:
    if not PAPER.exists():
        if os.environ.get("CI"):
            pytest.fail(f"the paper's text is missing at {PAPER}; CI must have shared/ beside the clone")
        pytest.skip(f"the paper's text is not at {PAPER} (it lives in the project's shared/ folder)")
    return PAPER.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def claims(repo):
    return data.load_resource("claims", repo / "data")


@pytest.fixture(scope="module")
def reported(claims):
    return claims.set_index("id")["reported"].to_dict()


CLAIM_IDS = data.load_resource("claims", data.find_data_dir(os.path.dirname(__file__)))["id"].tolist()


# --- the reader of phrases, by hand (no paper needed) -------------------------------------------

@pytest.mark.parametrize("phrase, expected", [
    # a table row: the row label's digit is no number, the count is bare, the share has its unit
    ("T2 11 100%", [(11, None), (100, "%")]),
    ("Grade 1 0 0%", [(0, None), (0, "%")]),
    ("3D conformal 9 82%", [(9, None), (82, "%")]),
    # a heading's unit reaches the cell under it
    ("Age (years) Median 55", [(55, "years")]),
    # members of a range or list take the unit of the last one
    ("ranging from 4 to 131 months", [(4, "months"), (131, "months")]),
    ("was 8/26 months", [(8, "months"), (26, "months")]),
    ("were 70%/34%/34%", [(70, "%"), (34, "%"), (34, "%")]),
    ("radiation doses of 70.2 Gy and 66 Gy", [(70.2, "Gy"), (66, "Gy")]),
    ("5 - 10 cm 6 54%", [(5, "cm"), (10, "cm"), (6, None), (54, "%")]),
    # number words are numbers
    ("eleven patients (four males, seven females)", [(11, "patients"), (4, "patients"), (7, "patients")]),
    ("five to seven weeks of radiotherapy", [(5, "weeks"), (7, "weeks")]),
    ("One received 5 treatments", [(1, None), (5, "sessions")]),
    # a p-value, and planning dimensions that are not numbers
    ("(p = 0.37)", [(0.37, "p")]),
    ("planned 2-D", []),
])
def test_numbers_a_phrase_states(phrase, expected):
    assert [(s.value, s.unit) for s in phrases.stated_numbers(phrase)] == [(float(v), u) for v, u in expected]


def test_decimals_bounds_and_ranges_by_hand():
    low, high = phrases.stated_numbers("Range 50.0-72.6")
    assert (low.decimals, high.decimals, low.in_range, high.in_range) == (1, 1, True, True)
    assert phrases.stated_numbers("(p = 0.37)")[0].decimals == 2
    (later,) = phrases.stated_numbers("No deaths occurred later than 38 months")
    assert later.bound and not later.in_range
    assert not phrases.stated_numbers("after a time of 6 and 21 months")[0].in_range   # a list, not a range


def test_a_bare_number_never_passes_for_a_percentage_or_a_p_value():
    assert phrases.carried("Male 4 36%", 4, "%") is None and phrases.carried("Male 4 36%", 36, "patients") is None
    assert phrases.carried("Male 4 36%", 4, "patients").value == 4
    assert phrases.carried("72.6 Gy", 72.6, "months") is None      # a stated unit must be the claim's


@pytest.mark.parametrize("phrase, text, where", [
    ("still a challenge", "are still a chal-\nlenge for all", [4]),           # hyphenation at a line break
    ("5-year-overall-survival was 34%", "Estimated 5-year-overall-\nsurvival was 34%,", [10]),
    ("Median overall survival was 26 months", "x. Median overall sur-\nvival was 26 months, the", [3]),
    ("Range 4", "Range 40-131", []),                                       # a number must end where the phrase does
    ("Range 4-131", "Range 4-1310", []),
    ("T2 11 100%", "pT2 11 100%", []),                                     # and begin where it does
    ("residual tumour of 4 cm", "a residual tumour of 4\ncm. Thus", [2]),
])
def test_finding_a_phrase_by_hand(phrase, text, where):
    assert phrases.occurrences(phrase, text) == where


# --- every claim against the paper ---------------------------------------------------------------

def test_every_claim_has_a_phrase(claims):
    assert claims["phrase"].str.strip().ne("").all()


@pytest.mark.parametrize("claim_id", CLAIM_IDS)
def test_the_phrase_states_the_reported_number(claims, reported, text, claim_id):
    claim = next(claims[claims["id"] == claim_id].itertuples(index=False))
    assert phrases.pin_problems(claim, reported, text) == []


def test_claims_sharing_a_phrase_read_its_numbers_in_order(claims, text):
    # e.g. "Range 36-64": the youngest age (36) comes before the oldest (64) in the file, as in the phrase
    assert phrases.order_problems(claims) == []
    ages = claims[claims["phrase"] == "Range 36-64"]
    swapped = claims.copy()
    swapped.loc[ages.index, "reported"] = ages["reported"].to_numpy()[::-1]
    assert phrases.order_problems(swapped) != []


def test_the_sections_of_the_paper_are_found_in_order(text):
    starts = phrases.sections(text)
    assert [s for _, s in starts][:4] == ["Abstract", "Introduction", "Methods", "Table 1"]
    assert phrases.section_at(text, text.index("T2 11 100%")) == "Table 1"
    assert phrases.section_at(text, text.index("(p = 0.37)")) == "Results"


def test_every_implied_number_is_a_claim_whose_phrase_lacks_it(claims):
    """The few claims pinned by a word, not a number: each is in the ledger and its phrase states no such number."""
    ledger = claims.set_index("id")
    for claim_id in phrases.IMPLIED:
        claim = ledger.loc[claim_id]
        assert phrases.carried(claim["phrase"], claim["reported"], claim["unit"]) is None, claim_id


# --- the pin holds: every reported value changed in memory is refused ----------------------------

def changed_values(value: float, decimals: int) -> list[float]:
    """One more, one less, and the last printed decimal changed (60 -> 60.1, 72.6 -> 72.7, 0.37 -> 0.38)."""
    step = 10.0 ** -max(decimals, 1)
    return [value + 1, value - 1, round(value + step, max(decimals, 1))]


@pytest.mark.parametrize("claim_id", CLAIM_IDS)
def test_a_changed_reported_value_is_refused(claims, reported, text, claim_id):
    claim = next(claims[claims["id"] == claim_id].itertuples(index=False))
    decimals = phrases.printed_decimals(claim.phrase, claim.reported, claim.unit)
    for value in changed_values(claim.reported, decimals):
        changed = claim._replace(reported=value)
        assert phrases.pin_problems(changed, {**reported, claim_id: value}, text), (claim_id, value)


def test_a_changed_unit_is_refused(claims, reported, text):
    # the unit is part of the pin: Table 1's share of T2 tumours is a percentage, not a count
    claim = next(claims[claims["id"] == "t1_t2_pct"].itertuples(index=False))
    assert phrases.pin_problems(claim._replace(unit="patients"), reported, text)
    dose = next(claims[claims["id"] == "r_lf_dose_first"].itertuples(index=False))
    assert phrases.pin_problems(dose._replace(unit="months"), reported, text)
