"""The sentences that change with the data say what the numbers say."""

import doctest

from rtchx.book import prose


def test_benchmarks_verdict():
    assert "inside" in prose.benchmarks_verdict(0.22, 0.92, {"a": 0.29, "b": 0.32})
    assert prose.benchmarks_verdict(0.4, 0.92, {"a": 0.29, "b": 0.32}).endswith("below its lower limit.")
    assert prose.benchmarks_verdict(0.30, 0.92, {"a": 0.29, "b": 0.32}) == "Only b lies inside the interval."


def test_ratio_verdict():
    kwargs = {"fewer": "fewer failures", "more": "more failures"}
    assert "cannot rule out" in prose.ratio_verdict(0.04, 1.17, **kwargs)
    assert "below 1" in prose.ratio_verdict(0.02, 0.68, **kwargs)
    assert "more failures" in prose.ratio_verdict(1.2, 2.0, **kwargs)


def test_fraction_words():
    assert prose.fraction_words(2 / 6.18) == "about a third"
    assert prose.fraction_words(0.5) == "about half"
    assert prose.fraction_words(0.1) == "10%"


def test_size_split_verdict():
    assert "lies in the smaller tumours" in prose.size_split_verdict((0, 4.6), (2, 1.57))
    assert "lies in the tumours over 10 cm" in prose.size_split_verdict((3, 2.0), (0, 3.0))
    assert prose.size_split_verdict((0, 1.0), (0, 1.0)).startswith("Both")
    assert prose.size_split_verdict((2, 1.0), (2, 1.0)).startswith("Neither")


def test_ratio_verdict_gives_the_direction_of_the_estimate():
    text = prose.ratio_verdict(0.49, 2.25, fewer="fewer deaths", more="more deaths", estimate=1.14)
    assert "cannot rule out" in text and text.endswith("points to more deaths.")


def test_plain_interval_remark():
    assert prose.plain_interval_remark(0.34, 1.06) == ", past what a probability can be"
    assert prose.plain_interval_remark(0.2, 0.9) == ""


def test_shape_verdict_says_which_way_the_answer_moves():
    text = prose.shape_verdict(p_constant=0.109, flips=(0.64, 1.88), evidence_k=0.47, evidence_plateau=True,
                               evidence_p=0.035)
    assert text.startswith("Under a constant hazard the exact two-sided p is 0.109, above 0.05.")
    assert "falls below 0.05" in text and "below k = 0.64" in text and "above k = 1.88" in text
    assert "k = 0.47 over the first five years and none after five years, which gives p = 0.035, below 0.05" in text
    assert "operated on" in text                    # the caveat travels with the evidence
    above = prose.shape_verdict(p_constant=0.109, flips=(0.64,), evidence_k=0.8, evidence_p=0.07)
    assert "which gives p = 0.070, above 0.05" in above and "none after" not in above
    # a cohort significant under a constant hazard: the sentence says where it stops being so
    assert "rises above" in prose.shape_verdict(p_constant=0.01, flips=(0.4,))
    assert "No Weibull shape" in prose.shape_verdict(p_constant=0.5, flips=())


def test_grid_verdict_names_the_direction():
    front = prose.grid_verdict({"front-loaded": (8, 12), "constant": (0, 4), "plateau": (0, 4), "rising": (0, 4)},
                               which="comparisons")
    assert front.startswith("Of the comparisons, 8 of 12 under front-loaded shapes, 0 of 4 under the constant hazard")
    assert "the earlier the failures under radiotherapy are assumed to come, the stronger" in front
    late = prose.grid_verdict({"front-loaded": (0, 12), "constant": (4, 4), "plateau": (0, 4), "rising": (4, 4)})
    assert "weaken the case" in late
    same = prose.grid_verdict({"front-loaded": (0, 12), "constant": (0, 4)})
    assert "does not change the verdict" in same


def test_reference_uncertainty_verdict():
    text = prose.reference_uncertainty_verdict([("a constant hazard", 0.109, 0.143), ("k = 0.5", 0.026, 0.039),
                                                ("early", 0.044, 0.061)])
    assert "raises the exact p under every shape (under a constant hazard from 0.109 to 0.143)" in text
    assert "never strengthens it, and 1 of the shapes that gave p < 0.05 at the published rates no longer does" in text
    mixed = prose.reference_uncertainty_verdict([("a", 0.1, 0.2), ("b", 0.3, 0.2)])
    assert "under 1 of 2 shapes" in mixed and "never" not in mixed


def test_like_with_like_verdict():
    blind = prose.like_with_like_verdict(whole=(2, 10.7, 0.002), large=[("initial size", 2, 1.85, 0.72, 0.157)])
    assert "can neither support nor refute" in blind and "one-sided p of 0.16" in blind
    worse = prose.like_with_like_verdict(whole=(2, 10.7, 0.002), large=[("initial size", 2, 1.85, 0.72, 0.01)])
    assert "not supported like for like" in worse and "2 where 1.9 were expected" in worse
    better = prose.like_with_like_verdict(whole=(2, 10.7, 0.002), large=[("initial size", 0, 4.0, 0.018, 0.018)])
    assert "beyond chance" in better
    unsure = prose.like_with_like_verdict(whole=(2, 10.7, 0.002), large=[("initial size", 1, 3.0, 0.2, 0.04)])
    assert "not beyond what chance allows" in unsure


def test_removal_sentence():
    assert prose.removal_sentence([(3, 0.34), (8, 0.14)], True).endswith("p can only rise.")
    assert prose.removal_sentence([(3, 0.34)], False) == "Without patient 3 alone p = 0.34."


def test_extra_treatment_sentence():
    from rtchx.core.compare import ExtraTreatment

    text = prose.extra_treatment_sentence([ExtraTreatment(7, True, False, True, 6.0)])
    assert text == "Patient 7 also had regional hyperthermia, and failed locally at 6 months."
    both = prose.extra_treatment_words(ExtraTreatment(3, True, True, False, 124.0))
    assert both == ("regional hyperthermia (stopped early, by the case report) and further chemotherapy with "
                    "ifosfamide and epirubicin after radiochemotherapy")
    assert prose.extra_treatment_sentence([]).startswith("Every patient")


def test_text_for_another_page_is_plain():
    import pytest

    from rtchx.book import Text

    assert repr(Text("does not reproduce")) == "does not reproduce"
    with pytest.raises(ValueError, match="plain words"):
        Text("the *plateau*")


def test_audit_hypothesis_sentences():
    from types import SimpleNamespace as S

    support = S(size=2, sets=28, median_fits=19, both_fit=3, needs_censoring=True)
    text = prose.hypothesis_support_sentence(support, 26, 34, 11)
    assert "19 already give a median of 26 months" in text and "34% is no count out of 11" in text
    assert "no count" not in prose.hypothesis_support_sentence(S(**{**vars(support), "needs_censoring": False}),
                                                               26, 36, 11)
    link = prose.dfs_link_sentence([((2, 6), 35.0, 45.45), ((6, 10), 33.75, 45.45)], 34)
    assert "lies within 1 of these 2 ranges" in link and link.endswith("disease-free figure too.")
    assert prose.dfs_link_sentence([((2, 6), 35.0, 45.45)], 34).endswith("does not explain it.")
    other = prose.other_denominators_sentence(66, {3: [2], 6: [4], 9: [6]}, 11, 2)
    assert "2 of 3, 4 of 6 and 6 of 9" in other and "One of these groups, 9" in other
    assert "One of these" not in prose.other_denominators_sentence(66, {3: [2], 6: [4], 9: [6]}, 11, 3)
    single = prose.single_size_sentence([(11, 11.0)], 5)
    assert single.startswith("patient 11 was treated after an R2 resection") and "would count 4" in single


# --- words that follow counts (issue 15): worked out by hand ---------------------------------------

def test_number_words_and_plurals_follow_the_count():
    assert [prose.number_word(n) for n in (0, 1, 2, 10, 11, 12, 13)] == [
        "no", "one", "two", "ten", "eleven", "twelve", "13"]
    assert prose.count_words(1, "local failure") == "1 local failure"
    assert prose.count_words(2, "local failure") == "2 local failures"
    assert prose.count_words(0, "death", spelt=True) == "no deaths"
    assert prose.count_words(10, "patient", spelt=True) == "ten patients"


def test_both_all_and_none_are_said_only_of_the_right_count():
    assert prose.every_one(2, "local failure") == "both local failures"
    assert prose.every_one(1, "local failure") == "the one local failure"
    assert prose.every_one(0, "local failure") == "no local failure"
    assert prose.every_one(11, "patient") == "all eleven patients"
    assert prose.every_one(4, "patient", spelt=False) == "all 4 patients"
    assert prose.some_of(3, 4, "patient") == "3 of the 4 patients"
    assert prose.some_of(0, 2, "death") == "neither death"
    assert prose.some_of(0, 3, "death") == "none of the 3 deaths"
    assert prose.failures_then_death_sentence(2, 2) == "Both local failures were followed by death (2 of 2)."
    assert prose.failures_then_death_sentence(1, 1) == "The one local failure was followed by death."
    assert prose.failures_then_death_sentence(1, 2) == "1 of the 2 local failures was followed by death."
    assert prose.r2_deaths_sentence(3, 4) == "3 of the 4 patients treated after an R2 resection died."


def test_verdicts_follow_the_audit():
    assert prose.agreement_verb(True) == "reproduces" and prose.agreement_verb(False) == "does not reproduce"
    assert prose.agreement_verb(True, verb="match") == "matches"
    assert prose.agreement_verb(None, verb="match") == "cannot be checked against"
    named = [("the two-year rate", True), ("the five-year rate", False), ("the number at risk", True)]
    assert prose.reproduction_summary(named) == (
        "the two-year rate and the number at risk reproduce; the five-year rate does not")
    assert prose.reproduction_summary([(n, True) for n, _ in named]) == "these numbers reproduce"
    assert prose.reproduction_summary([(n, False) for n, _ in named]) == "these numbers do not reproduce"
    assert prose.group_agrees([True, None]) is None and prose.group_agrees([None, False]) is False
    assert prose.survival_verdicts_sentence(True, False, False).startswith(
        "The figures for local control reproduce; those for overall survival do not, and neither does")
    assert prose.survival_verdicts_sentence(False, False, True).startswith(
        "The figures for local control do not reproduce; nor do those for overall survival, but the five-year "
        "disease-free rate does,")
    assert prose.size_counts_verdict(6, 5, 5, 4) == "Both counts are off by one in the same direction."
    assert prose.size_counts_verdict(5, 5, 4, 4) == "Both counts agree with the text."
    assert prose.size_counts_verdict(5, 5, 5, 4) == (
        "The count at diagnosis agrees with the text; the count before radiotherapy does not.")
    assert prose.eleven_cm_sentence(3, 5, 5, 4, 4) == ""


NEW_HELPERS = [prose.number_word, prose.plural, prose.count_words, prose.every_one, prose.some_of,
               prose.agreement_verb, prose.reproduction_summary, prose.failure_times_sentence,
               prose.r2_deaths_sentence, prose.failures_then_death_sentence, prose.follow_up_split_sentence,
               prose.swimmer_counts, prose.os_censoring_clause, prose.dead_of_disease_clause,
               prose.size_counts_verdict, prose.eleven_cm_sentence, prose.large_share_consequence,
               prose.checked_rows_sentence, prose.as_reported_clause, prose.group_agrees,
               prose.survival_verdicts_sentence, prose.os_from_table_sentence, prose.lc_as_reported,
               prose.median_reached, prose.steps_sentence, prose.failures_by_size_sentence,
               prose.followup_alive_sentence, prose.followup_median_sentence, prose.table1_summary_verdict,
               prose.headline_os_verdict, prose.dfs_audit_sentence, prose.followup_audit_sentence,
               prose.censoring_sets_sentence, prose.permutations_sentence, prose.stepper_static_sentence]


def test_the_examples_of_the_count_and_verdict_helpers_run():
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for function in NEW_HELPERS:
        found = doctest.DocTestFinder(recurse=False).find(function, globs=vars(prose).copy())
        assert found and found[0].examples, f"{function.__name__} has no Example section"
        for test in found:
            runner.run(test)
    assert runner.summarize(verbose=False).failed == 0
