"""Whole fractions of 1.8 and 2.0 Gy: which totals a once-daily course can reach, and in how many weeks."""

from __future__ import annotations

import pytest

from rtchx.book.reasons import mix_text
from rtchx.core import protocol, quantities


def pairs(dose):
    return [(m.small, m.large) for m in quantities.fraction_mixes(dose)]


@pytest.mark.parametrize("dose, expected", [
    # 66.0 = 33 x 2.0 = 10 x 1.8 + 24 x 2.0 (18 + 48) = 20 x 1.8 + 15 x 2.0 (36 + 30) = 30 x 1.8 + 6 x 2.0 (54 + 12);
    # 40 x 1.8 = 72 is already too much
    (66.0, [(0, 33), (10, 24), (20, 15), (30, 6)]),
    # 55.6 = 2 x 1.8 + 26 x 2.0 (3.6 + 52) = 12 x 1.8 + 17 x 2.0 (21.6 + 34) = 22 x 1.8 + 8 x 2.0 (39.6 + 16);
    # neither size alone: 55.6 / 2.0 = 27.8, 55.6 / 1.8 = 30.9
    (55.6, [(2, 26), (12, 17), (22, 8)]),
    # 72.6 = 7 x 1.8 + 30 x 2.0 (12.6 + 60), and 17/21, 27/12, 37/3: at least 37 fractions
    (72.6, [(7, 30), (17, 21), (27, 12), (37, 3)]),
    # 70.2 = 9 x 1.8 + 27 x 2.0 (16.2 + 54) ... = 39 x 1.8
    (70.2, [(9, 27), (19, 18), (29, 9), (39, 0)]),
    # 14.2 Gy is 71 tenths-of-0.2: 9a + 10b = 71 has no solution (71 = 9 * 10 - 9 - 10); an odd number of tenths none
    (14.2, []),
    (50.5, []),
])
def test_fraction_mixes_by_hand(dose, expected):
    assert pairs(dose) == expected
    for m in quantities.fraction_mixes(dose):
        assert m.dose_gy == pytest.approx(dose)


def test_fewest_fractions_and_weeks_by_hand():
    fewest = quantities.fraction_mixes(72.6)[0]
    assert (fewest.fractions, fewest.weeks, mix_text(fewest)) == (37, 7.4, "7 × 1.8 + 30 × 2.0 Gy")
    assert quantities.fraction_mixes(50.0)[0].weeks == 5.0          # 25 x 2.0 Gy, five weeks exactly
    assert quantities.fraction_mixes(70.0)[0].weeks == 7.0          # 35 x 2.0 Gy: the most seven weeks can hold


def test_fraction_mixes_agree_with_brute_force():
    # second method: try every a, b in floating point for every total from 0 to 80 Gy in steps of 0.1 Gy
    for tenths in range(0, 801):
        dose = tenths / 10
        brute = sorted(((a, b) for a in range(45) for b in range(41) if abs(a * 1.8 + b * 2.0 - dose) < 1e-9),
                       key=lambda ab: (ab[0] + ab[1], ab[0]))
        assert pairs(dose) == brute, dose


def test_every_even_tenth_from_14_4_gy_is_reachable():
    # 9 and 10 share no factor, so every whole number from (9 - 1)(10 - 1) = 72 on is 9a + 10b: 14.4 Gy on
    assert all(quantities.fraction_mixes(k / 5) for k in range(72, 500))
    assert not quantities.fraction_mixes(71 / 5)


def test_fewest_fractions_match_the_protocol_s_minimum_weeks_for_the_cohort(patients):
    # second method for the cohort's doses: ceil(dose / 2.0) fractions (protocol.minimum_weeks)
    for course in quantities.once_daily_fractions(patients):
        assert course.fewest.weeks == protocol.minimum_weeks(course.dose_gy)


def test_which_cohort_totals_need_both_sizes(patients):
    courses = quantities.once_daily_fractions(patients)
    assert len(courses) == 9 and all(c.mixes for c in courses)      # every once-daily total is reachable
    assert [c.patient for c in courses if not c.one_size] == [4, 10, 11]   # 55.6, 72.6 and 59.6 Gy


def test_the_largest_total_no_mix_reaches_by_brute_force():
    from rtchx.core import protocol

    # second method: try every multiple of 0.2 Gy up to 80 Gy with fraction_mixes
    largest = protocol.largest_unreachable_total_gy()
    totals = [round(0.2 * n, 1) for n in range(1, 401)]
    unreachable = [t for t in totals if not quantities.fraction_mixes(t)]
    assert max(unreachable) == largest == 14.2
    assert protocol.dose_step_gy() == 0.2


def test_course_lengths_with_the_reported_delay_by_hand(patients):
    # Fewest fractions at 2.0 Gy, five a week: 70.0 -> 35 (7 weeks), 60.0 -> 30 (6), 55.6 -> 28 (5.6) plus the
    # Results' 4-week delay for the abscess = 9.6, 66.0 -> 33 (6.6), 50.0 -> 25 (5), 70.2 -> 36 (7.2), 50.4 -> 26
    # (5.2), 72.6 -> 37 (7.4), 59.6 -> 30 (6). Beyond the stated seven weeks: patients 4, 7 and 10.
    lengths = protocol.course_lengths(patients, delay_weeks=4).set_index("patient")
    assert lengths["fewest_weeks"].to_dict() == pytest.approx(
        {1: 7.0, 2: 6.0, 4: 9.6, 5: 6.6, 6: 5.0, 7: 7.2, 9: 5.2, 10: 7.4, 11: 6.0})
    assert lengths.index[~lengths["within_planned"]].tolist() == [4, 7, 10]
    assert lengths.index[lengths["interrupted"]].tolist() == [4]
    # without the delay the interrupted course fits (5.6 weeks)
    assert bool(protocol.course_lengths(patients).set_index("patient").loc[4, "within_planned"])
