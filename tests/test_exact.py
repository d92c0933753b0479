"""The exact (permutation) log-rank test against cases enumerated by hand and against two other methods.

Notation for the hand-worked cases: at each distinct event time, n patients are
at risk (n1 of them in the first group) and d have the event (d1 in the first
group). The log-rank statistic is U^2 / V with U = sum(d1 - d n1/n) and
V = sum(d (n1/n)(1 - n1/n)(n - d)/(n - 1)).
"""

from __future__ import annotations

import math
from fractions import Fraction
from itertools import combinations

import numpy as np
import pytest
from lifelines.statistics import logrank_test

from rtchx.book import prose
from rtchx.core import exact, survival


def chi2_1df_tail(x: float) -> float:
    """P(chi-square with 1 df >= x) = P(|Z| >= sqrt(x)), written without scipy."""
    return math.erfc(math.sqrt(x / 2))


# --- hand-worked cases --------------------------------------------------------------------------

def test_four_patients_two_per_group_by_hand():
    # Four patients with events at 1, 2, 3 and 4 months; a = {1, 2}, b = {3, 4}.
    #   t=1: n=4, n1=2, d1=1: U += 1 - 2/4 = 1/2,  V += (2/4)(2/4) = 1/4
    #   t=2: n=3, n1=1, d1=1: U += 1 - 1/3 = 2/3,  V += (1/3)(2/3) = 2/9
    #   t=3, t=4: nobody of a at risk, nothing added.
    #   U = 7/6, V = 17/36, chi-square = (49/36) / (17/36) = 49/17 = 2.882.
    # All C(4, 2) = 6 ways of choosing group a:
    #   {1,2}: 49/17 (above)          {3,4}: U = -7/6, V = 17/36 -> 49/17
    #   {1,3}: U = 1/2 - 1/3 + 1/2 = 2/3, V = 1/4 + 2/9 + 1/4 = 13/18 -> (4/9)/(13/18) = 8/13
    #   {2,4}: the mirror of {1,3} -> 8/13
    #   {1,4}: U = 1/2 - 1/3 - 1/2 + 0 = -1/3, V = 13/18 (t=4: one patient at risk adds nothing) -> 2/13
    #   {2,3}: the mirror of {1,4} -> 2/13
    # Two of six labellings reach 49/17, so the exact p is 2/6 = 1/3; the chi-square approximation
    # gives P(chi2_1 >= 2.882) = 0.090, less than a third of it.
    result = exact.permutation_logrank([1, 2, 3, 4], [True] * 4, ["a", "a", "b", "b"])
    assert result.statistic == pytest.approx(49 / 17)
    assert result.asymptotic_p == pytest.approx(chi2_1df_tail(49 / 17)) and result.asymptotic_p == pytest.approx(
        0.0896, abs=1e-4)
    assert (result.as_extreme, result.permutations) == (2, 6)
    assert result.exact_p == pytest.approx(1 / 3)
    assert result.smallest_possible_p == pytest.approx(1 / 3)   # nothing is more extreme than {1,2} or {3,4}
    assert result.groups == ("a", "b") and result.sizes == (2, 2) and result.events == (2, 2)
    # the other labellings, by the table above: {1,3} is reached or passed by 4 of 6, {1,4} by all 6
    assert exact.permutation_logrank([1, 2, 3, 4], [True] * 4, ["a", "b", "a", "b"]).statistic == pytest.approx(8 / 13)
    assert exact.permutation_logrank([1, 2, 3, 4], [True] * 4, ["a", "b", "a", "b"]).exact_p == pytest.approx(4 / 6)
    assert exact.permutation_logrank([1, 2, 3, 4], [True] * 4, ["a", "b", "b", "a"]).statistic == pytest.approx(2 / 13)
    assert exact.permutation_logrank([1, 2, 3, 4], [True] * 4, ["a", "b", "b", "a"]).exact_p == pytest.approx(1.0)


def test_tied_times_and_a_censoring_at_an_event_time_by_hand():
    # Patients: 1 (2 months, event), 2 (2, event), 3 (2, censored), 4 (3, event); a = {1, 2}.
    # The patient censored at 2 months is still at risk then, so at t=2: n=4, d=2, n1=2, d1=2:
    #   U = 2 - 2 * 2/4 = 1, V = 2 (1/2)(1/2) (4 - 2)/(4 - 1) = 1/3; at t=3 nobody of a is at risk.
    #   chi-square = 1 / (1/3) = 3. (Dropping the censored patient first would give n=3 and 2;
    #   leaving out the tie factor (n - d)/(n - 1) would give V = 1/2 and 2.)
    # The six labellings: {1,2} and its mirror {3,4} give 3; every other one splits the two events
    # at t=2 one each, or has both a-patients at risk with one event, so U = 0 and the statistic is 0.
    # Exact p = 2/6.
    durations, events = [2, 2, 2, 3], [True, True, False, True]
    result = exact.permutation_logrank(durations, events, ["a", "a", "b", "b"])
    assert result.statistic == pytest.approx(3.0)
    assert result.statistic == pytest.approx(logrank_test([2, 2], [2, 3], [True, True], [False, True]).test_statistic)
    assert (result.as_extreme, result.permutations) == (2, 6)
    assert result.asymptotic_p == pytest.approx(chi2_1df_tail(3.0))
    assert exact.permutation_logrank(durations, events, ["a", "b", "a", "b"]).statistic == pytest.approx(0.0)


def test_a_group_never_at_risk_at_an_event_shows_no_difference():
    # a = {1, 2} are censored at 1 and 2 months, before the only events (3 and 4): n1 = 0 at both
    # event times, so U = 0 and V = 0; the statistic is 0 and every labelling is at least as extreme.
    result = exact.permutation_logrank([1, 2, 3, 4], [False, False, True, True], ["a", "a", "b", "b"])
    assert result.statistic == 0.0 and result.asymptotic_p == 1.0 and result.exact_p == 1.0


def test_local_control_by_size_before_radiotherapy_by_hand(patients):
    # Table 3, local control: failures at 6 months (patient 7) and 21 months (patient 5). At risk at 6:
    # patients 1, 2, 3, 4, 5, 7, 8, 9 (eight); at 21: 1, 3, 4, 5, 8 (five). Over 10 cm before
    # radiotherapy: G = {2, 5, 6, 7, 11}. A group of five with a of the eight and b of the five gives
    #   U = [7 in G] - a/8 + [5 in G] - b/5,  V = a(8 - a)/64 + b(5 - b)/25.
    # G itself: a = 3, b = 1, U = 57/40, V = 631/1600, chi-square = 3249/631 = 5.149.
    # Labellings at least as extreme, out of C(11, 5) = 462:
    #   both failures in G, one of {2, 9}, two of the early-censored {6, 10, 11}: a = 3, b = 1 -> 3249/631 (6)
    #   {5, 6, 7, 10, 11}: a = 2, b = 1, U = 31/20, V = 139/400 -> 961/139 = 6.91 (1)
    #   neither failure in G, {1, 3, 4, 8} and one of {2, 9}: a = 5, b = 4, U = -57/40 -> 3249/631 (2)
    # 9 in all (the next largest statistic is 169/41 = 4.12, see the brute force below): exact p = 9/462.
    # Eight of the nine tie with the observed value exactly, so counting only strictly larger ones would
    # give 1/462: the ties must count.
    result = exact.permutation_logrank(*survival.endpoint(patients, "local_control"),
                                       survival.GROUPINGS["size_before_rt"](patients))
    assert result.statistic == pytest.approx(3249 / 631)
    assert (result.as_extreme, result.permutations) == (9, 462)
    assert result.smallest_possible_p == pytest.approx(1 / 462)   # 961/139 is reached by one labelling only


# --- the cohort: lifelines' statistic, and two independent ways to the exact p ----------------------

COMPARISONS = [(name, label) for name in survival.ENDPOINTS for label in survival.GROUPINGS]


def _cohort_case(patients, name, label):
    durations, events = survival.endpoint(patients, name)
    groups = survival.GROUPINGS[label](patients).astype(str).to_numpy()
    return durations.to_numpy(), events.to_numpy(), groups


@pytest.mark.parametrize("name, label", COMPARISONS)
def test_observed_statistic_and_asymptotic_p_equal_lifelines(patients, name, label):
    durations, events, groups = _cohort_case(patients, name, label)
    result = exact.permutation_logrank(durations, events, groups)
    first = groups == result.groups[0]
    reference = logrank_test(durations[first], durations[~first], events[first], events[~first])
    assert result.statistic == pytest.approx(reference.test_statistic, rel=1e-9)
    assert result.asymptotic_p == pytest.approx(reference.p_value, rel=1e-9)


def brute_force_exact_p(durations, events, groups) -> Fraction:
    """The exact p worked out a second way: loops over patients, exact fractions, no tolerance."""
    durations = [Fraction(str(t)) for t in durations]
    first_label = sorted(set(groups))[0]
    k = sum(g == first_label for g in groups)

    def statistic(first: set[int]) -> Fraction:
        u = v = Fraction(0)
        for t in sorted({t for t, e in zip(durations, events, strict=True) if e}):
            at_risk = [i for i, s in enumerate(durations) if s >= t]
            died = [i for i in at_risk if durations[i] == t and events[i]]
            n, d = len(at_risk), len(died)
            n1, d1 = sum(i in first for i in at_risk), sum(i in first for i in died)
            u += d1 - Fraction(d * n1, n)
            if n > 1:
                v += Fraction(d * n1 * (n - n1) * (n - d), n * n * (n - 1))
        return u * u / v if v else Fraction(0)

    observed = statistic({i for i, g in enumerate(groups) if g == first_label})
    values = [statistic(set(chosen)) for chosen in combinations(range(len(groups)), k)]
    return Fraction(sum(value >= observed for value in values), len(values))


@pytest.mark.parametrize("name, label", COMPARISONS)
def test_exact_p_equals_a_brute_force_in_exact_fractions(patients, name, label):
    durations, events, groups = _cohort_case(patients, name, label)
    result = exact.permutation_logrank(durations, events, groups)
    expected = brute_force_exact_p(list(durations), list(events), list(groups))
    assert Fraction(result.as_extreme, result.permutations) == expected


@pytest.mark.parametrize("name", list(survival.ENDPOINTS))
def test_exact_p_equals_relabelling_with_lifelines(patients, name):
    # a third way, on the grouping with fewest labellings (site: 2 of 11, C(11, 2) = 55): call lifelines
    # once for every labelling and count
    durations, events, groups = _cohort_case(patients, name, "site")
    result = exact.permutation_logrank(durations, events, groups)
    k = int((groups == result.groups[0]).sum())
    values = []
    for chosen in combinations(range(len(groups)), k):
        first = np.zeros(len(groups), dtype=bool)
        first[list(chosen)] = True
        values.append(logrank_test(durations[first], durations[~first], events[first], events[~first]).test_statistic)
    assert len(values) == result.permutations == 55
    assert result.exact_p == pytest.approx(np.mean(np.array(values) >= result.statistic - 1e-9))


def test_subgroup_table_carries_each_comparisons_exact_p(patients):
    table = exact.subgroup_tests(patients).set_index(["endpoint", "grouping"])
    assert len(table) == 2 * len(survival.GROUPINGS)
    row = table.loc[("local_control", "size_before_rt")]
    assert row["exact_p"] == pytest.approx(9 / 462) and row["permutations"] == 462   # worked out by hand above
    for name, label in COMPARISONS:
        result = exact.permutation_logrank(*survival.endpoint(patients, name), survival.GROUPINGS[label](patients))
        row = table.loc[(name, label)]
        assert row["exact_p"] == result.exact_p and row["chi2"] == pytest.approx(result.statistic)
    assert (table["exact_p"] >= table["smallest_possible_p"]).all() and table["exact_p"].le(1).all()


@pytest.mark.parametrize("args, message", [
    (([1, 2, 3], [True] * 3, ["a", "b", "c"]), "exactly two groups"),
    (([1, 2, 3], [True] * 3, ["a"] * 3), "exactly two groups"),
    (([1, 2], [True] * 3, ["a", "b", "b"]), "same length"),
    (([-1, 2, 3], [True] * 3, ["a", "b", "b"]), ">= 0"),
    ((list(range(40)), [True] * 40, ["a", "b"] * 20), "more than the limit"),
])
def test_bad_input_is_refused(args, message):
    with pytest.raises(ValueError, match=message):
        exact.permutation_logrank(*args)


# --- the chapter's verdicts ---------------------------------------------------------------------

def test_below_alpha_verdict_leads_with_the_exact_count():
    assert prose.below_alpha_verdict(1, 2) == ("By the exact test 1 did; the chi-square approximation would have "
                                               "put 2 there.")
    assert prose.below_alpha_verdict(0, 0) == "By the exact test none did, as by the chi-square approximation."


def test_approximation_verdict_names_the_tests_that_change_side():
    # a: 0.047 approximate, 0.067 exact -> only the approximation is below 0.05; b: both above;
    # c: 0.06 approximate, 0.04 exact -> only the exact test is below. The approximation is smaller in a only.
    text = prose.approximation_verdict([("a", 0.047, 0.067), ("b", 0.59, 0.84), ("c", 0.06, 0.04)], 0.05)
    assert text.startswith("The chi-square approximation gives the smaller p-value in 2 of the 3 tests.")
    assert "For a (p = 0.047 by the approximation, 0.067 exact) the approximation falls below 0.05" in text
    assert "For c (p = 0.060 by the approximation, 0.040 exact) only the exact test falls below 0.05." in text
    assert " b " not in text
    assert prose.approximation_verdict([("b", 0.59, 0.84)], 0.05).endswith(
        "No test lands on a different side of 0.05 by the two methods.")


def test_smallest_p_sentence_handles_ties():
    assert "belongs to x, one of 10 tests: multiplied by their number (Bonferroni), 0.20." in (
        prose.smallest_p_sentence(["x"], 0.02, 10))
    assert "is shared by x and y, 2 of 10 tests" in prose.smallest_p_sentence(["x", "y"], 0.02, 10)
    assert prose.smallest_p_sentence(["x"], 0.2, 10).endswith("(Bonferroni), 1.00.")   # capped at 1


def test_detectable_hazard_ratio_is_none_where_no_outcome_can_reach_alpha():
    from rtchx.book import tables

    assert tables.detectable_hr_text(170.4, 0.0545, 0.05) == "none"      # local control by site: floor 3/55
    assert tables.detectable_hr_text(9.24, 0.006, 0.05) == "9"


def test_p_floor_verdict_names_tests_that_cannot_come_out_below_alpha():
    # local control by site has this floor: 3/55 = 0.055 (worked out in the next test)
    assert prose.p_floor_verdict([("x", 0.002), ("y", 3 / 55)], 0.05) == (
        "For y even the most extreme outcome gives an exact p of 0.055: that test could not come out below 0.05.")
    assert prose.p_floor_verdict([("x", 0.002)], 0.05).startswith("Every test here could in principle")
    assert "x and y" in prose.p_floor_verdict([("x", 0.06), ("y", 0.07)], 0.05)


def test_local_control_by_site_has_a_floor_above_five_percent(patients):
    # Two of eleven patients form the smaller group: C(11, 2) = 55 labellings. With the notation of the
    # size test above (a of the eight at risk at 6 months, b of the five at risk at 21), the most extreme
    # pair is patient 7 (failure at 6 months) with one of the three censored before 6 months (6, 10, 11):
    # a = 1, b = 0, U = 1 - 1/8 = 7/8, V = (1/8)(7/8) = 7/64, chi-square = (49/64)/(7/64) = 7. Next comes
    # {5, 7} with 961/139 = 6.91 (a = 2, b = 1, as in the size test). So 3 labellings reach the maximum, and
    # whatever the outcome, the exact p cannot fall below 3/55 = 0.055.
    result = exact.permutation_logrank(*survival.endpoint(patients, "local_control"),
                                       survival.GROUPINGS["site"](patients))
    assert result.permutations == 55 and result.smallest_possible_p == pytest.approx(3 / 55)
