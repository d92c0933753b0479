"""Counts follow the data: the audit, the headline results, the subgroup tests and the comparisons on altered
copies of data/ (tests/altered.py), against values worked out by hand; and what cannot be computed on them is
"not computable" with a reason, never NaN, never discrepant, never a crash."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import warnings

import pandas as pd
import pytest
from altered import ALTERED, everyone_alive, no_local_failures, one_local_failure_fewer, one_patient_fewer

from rtchx.book import reasons, tables, widgets
from rtchx.core import audit, compare, data, exact, quantities, results, survival
from rtchx.core.audit import NoCountPrints, Status


def _load(folder):
    return (data.with_derived_columns(data.load_patients(folder)), data.load_resource("claims", folder))


@pytest.fixture(scope="module")
def altered(tmp_path_factory):
    """Each altered dataset once per module: name -> (folder, patients, claims, ledger)."""
    root = tmp_path_factory.mktemp("altered")
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # lifelines warns about fits without events
        for name, build in ALTERED.items():
            folder = build(root / name)
            patients, claims = _load(folder)
            out[name] = (folder, patients, claims, audit.ledger(claims, patients).set_index("id"))
    return out


def test_the_altered_datasets_are_what_their_names_say(altered):
    counts = {name: (len(p), int(p["local_failure"].sum()), int((p["status"] == "DOD").sum()))
              for name, (_, p, _, _) in altered.items()}
    # Table 3: 11 patients, local failures of patients 5 and 7, deaths of patients 2 and 5 to 11
    assert counts == {"one_patient_fewer": (10, 1, 7), "one_local_failure_fewer": (11, 1, 8),
                      "no_local_failures": (11, 0, 8), "everyone_alive": (11, 0, 0)}
    assert {one_patient_fewer, one_local_failure_fewer, no_local_failures, everyone_alive} == set(ALTERED.values())


# --- one patient fewer: every percentage is of 10 --------------------------------------------------------

def test_granularity_for_ten_patients_by_hand():
    # k/10 is a whole percentage, 10 k, so nearest, down and up all print it: only multiples of 10 are possible
    assert audit.possible_percentages(10) == {k: (10 * k,) for k in range(11)}
    assert audit.granularity(100, 10) == [10] and audit.granularity(70, 10) == [7]
    assert audit.granularity(73, 10) == [] and audit.granularity(73, 11) == [8]   # 8/11 = 72.7%


def test_percentages_are_of_the_patients_in_hand(altered):
    ledger = altered["one_patient_fewer"][3]
    per_cent = ledger[ledger["unit"] == "%"]
    assert set(per_cent.loc[per_cent["denominator_group"] != "", "denominator"]) == {10}
    # T2 10 of 10 = 100%: the paper's 100% reproduces (it was 'discrepant' against 10/11 = 90.9%)
    t2 = ledger.loc["t1_t2_pct"]
    assert (t2["status"], t2["recomputed"], t2["denominator"]) == (Status.REPRODUCED, 100.0, 10)
    # grade 3: patients 1, 2, 3, 8, 9, 10, 11 (patient 7 is gone): 7 of 10 = 70%; no k of 10 prints as 73%,
    # the nearest counts being 7 (70%) and 8 (80%)
    grade3 = ledger.loc["t1_grade3_pct"]
    assert grade3["status"] is Status.IMPOSSIBLE and grade3["recomputed"] == 70.0
    assert grade3["reason"] == NoCountPrints(73.0, 10, (7, 8))
    assert reasons.why(grade3) == "No count out of 10 prints as 73%: 7/10 = 70.0%, 8/10 = 80.0%."
    # 66% of the patients: 6/10 = 60%, 7/10 = 70%
    assert ledger.loc["d_metastases_pct", "reason"] == NoCountPrints(66.0, 10, (6, 7))


def test_chapter_3s_table_prints_the_percentage_of_ten(altered):
    _, patients, claims, _ = altered["one_patient_fewer"]
    table = tables.reported_vs_recomputed(audit.check_claims(claims, patients), "Table 1").set_index("Quantity")
    assert table.loc["Grade 3", "From the patient data"] == "7 (70%)"
    assert table.loc["T2 tumours", "From the patient data"] == "10 (100%)"


def test_the_real_data_still_count_out_of_eleven(repo):
    patients, claims = _load(repo / "data")
    ledger = audit.ledger(claims, patients).set_index("id")
    assert ledger.loc["t1_t2_pct", "denominator"] == 11 and ledger.loc["t1_t2_pct", "status"] is Status.REPRODUCED
    assert ledger.loc["t1_grade3_pct", "recomputed"] == pytest.approx(800 / 11)
    # the 9 patients evaluable for skin toxicity are the paper's number: Table 3 cannot say who they are
    assert ledger.loc["r_severe_skin_n", "denominator"] == 9


def test_a_percentage_names_a_group_not_a_typed_number(repo):
    claims = data.load_resource("claims", repo / "data")
    per_cent = claims[(claims["unit"] == "%") & (claims["denominator"] != "")]
    assert len(per_cent) == 25 and set(per_cent["denominator"]) == {"all_patients"}


def test_resolving_a_denominator(patients):
    assert quantities.resolve_denominator("all_patients", patients) == 11
    assert quantities.resolve_denominator("all_patients", patients.iloc[:4]) == 4
    assert quantities.resolve_denominator("9", patients) == 9
    assert quantities.resolve_denominator("", patients) is None
    with pytest.raises(KeyError, match="unknown denominator"):
        quantities.resolve_denominator("eleven", patients)


def test_a_percentage_of_nobody_is_not_computable():
    status, value, reason = audit.classify(50, "%", 0, "eq", 0, group="all_patients")
    assert (status, value, reason) == (Status.NOT_COMPUTABLE, None, audit.NoPatients("all_patients"))
    assert "0 of 0" in reasons.reason_text(reason)


# --- failures and deaths that are not there ------------------------------------------------------------------

def test_one_local_failure_fewer_by_hand(altered):
    ledger = altered["one_local_failure_fewer"][3]
    # patient 5 fails at 21 months among 5 at risk (patients 1, 3, 4, 5, 8): local control 4/5 from then on
    assert ledger.loc["r_lc_5y", "recomputed"] == pytest.approx(80.0)
    assert ledger.loc["r_lc_5y", "status"] is Status.DISCREPANT
    assert ledger.loc["r_lf_time_first", "recomputed"] == 21.0
    second = ledger.loc["r_lf_time_second"]
    assert second["status"] is Status.NOT_COMPUTABLE
    assert reasons.why(second) == "These data have one local failure, so no second one."


def test_no_local_failures_is_not_computable_not_discrepant(altered):
    ledger = altered["no_local_failures"][3]
    for claim, why in [("r_lc_plateau", "These data have no local failure, so no time of the last one."),
                       ("r_lf_time_first", "These data have no local failure, so no first one."),
                       ("r_lf_dose_second", "These data have no local failure, so no second one.")]:
        assert ledger.loc[claim, "status"] is Status.NOT_COMPUTABLE, claim
        assert reasons.why(ledger.loc[claim]) == why
    # without failures local control stays at 100%: a number, and not the paper's 70%
    assert (ledger.loc["r_lc_5y", "recomputed"], ledger.loc["r_lc_5y", "status"]) == (100.0, Status.DISCREPANT)


def test_nobody_died_is_not_computable_not_a_crash(altered):
    ledger = altered["everyone_alive"][3]
    median = ledger.loc["r_os_median"]
    assert median["status"] is Status.NOT_COMPUTABLE
    assert reasons.reason_text(median["reason"]) == ("The median is not reached: overall survival stays at 100% or "
                                                     "above up to the last follow-up at 124 months.")
    assert ledger.loc["r_latest_death", "status"] is Status.NOT_COMPUTABLE
    assert ledger.loc["r_os_5y", "recomputed"] == 100.0   # nobody died: the curve never falls


def test_the_headline_says_what_it_cannot_compute(altered):
    headline = results.headline(altered["everyone_alive"][1])
    assert math.isinf(headline.os_median_months) and headline.os_5y == 1.0
    assert headline.as_dict()["not_computable"] == {
        "os_median_months": "not reached: overall survival stays above 50% up to the last follow-up at 124 months"}
    assert "not_computable" not in results.headline(altered["one_patient_fewer"][1]).as_dict()


def test_a_rate_past_the_last_follow_up_is_not_computable(patients):
    # everyone censored by 20 months: nothing is known at 24 or 60 months
    early = patients.assign(lc_months=patients["lc_months"].clip(upper=20), os_months=patients["os_months"].clip(
        upper=20), status="AWOD", local_failure=False)
    headline = results.headline(early)
    assert (headline.lc_2y, headline.lc_5y, headline.os_5y_ci_high) == (None, None, None)
    assert headline.not_computable["lc_5y"] == "not estimable beyond the last follow-up at 20 months"
    assert quantities.compute("lc_5y", early) == quantities.NotComputable(
        "Not estimable beyond the last follow-up at 20 months.")


def test_subgroup_tests_without_events_or_with_one_group(altered, patients):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tests = exact.subgroup_tests(altered["everyone_alive"][1])
    assert set(tests["not_computable"]) == {"no event in either group, so the groups cannot be compared"}
    assert tests["p"].isna().all() and tests["exact_p"].isna().all()
    shown = tables.subgroup_table(tests, 0.05)
    assert set(shown["p (χ² approximation)"]) == {"not computable"}
    grade3 = survival.subgroup_tests(patients[patients["grade"] == 3]).set_index(["endpoint", "grouping"])
    row = grade3.loc[("overall_survival", "grade")]
    assert (row["group_1"], row["patients_1"], row["group_2"], row["patients_2"]) == ("3", 8, "", 0)
    assert row["not_computable"] == "every patient is in one group, so there is nothing to compare"
    assert (survival.subgroup_tests(patients)["not_computable"] == "").all()


def test_large_tumours_without_any_is_not_computable(repo, patients):
    small = patients.assign(diameter_initial_cm=8.0, diameter_before_rt_cm=8.0)
    empty = compare.large_tumours_or_empty(small, data.load_historical(repo / "data"))
    assert isinstance(empty, compare.EmptySubset) and empty.patients == 0
    assert empty.not_computable == "no tumour over 10 cm by the initial size, so nothing to compare"


# --- no NaN, no discrepant nothing, anywhere -----------------------------------------------------------------

@pytest.mark.parametrize("name", list(ALTERED))
def test_no_claim_is_discrepant_with_nothing(altered, name):
    ledger = altered[name][3]
    for claim, row in ledger.iterrows():
        if row["status"] in (Status.REPRODUCED, Status.ROUNDING, Status.DISCREPANT):
            assert row["recomputed"] is not None and math.isfinite(row["recomputed"]), claim
        text = reasons.why(row)
        assert "nan" not in text.lower().split() and "inf" not in text.split(), (claim, text)


@pytest.mark.parametrize("name", ["one_patient_fewer", "everyone_alive"])
def test_the_cli_answers_on_altered_data_in_strict_json(altered, name, repo):
    folder = altered[name][0]

    def strict(text: str):
        return json.loads(text, parse_constant=lambda c: pytest.fail(f"{c} in the JSON"))

    for command in ("audit", "results"):
        run = subprocess.run([sys.executable, "-m", "rtchx", "--data-dir", str(folder), command, "--json"],
                             capture_output=True, text=True, cwd=repo)
        assert run.returncode == 0, run.stderr
        out = strict(run.stdout)
        if command == "audit":
            assert not [r["id"] for r in out if r["status"] == "discrepant" and r["reproduced"] is None]


# --- a claim's hand-written note, only while it holds ------------------------------------------------------

def test_every_note_holds_on_table_3(repo):
    patients, claims = _load(repo / "data")
    ledger = audit.ledger(claims, patients)
    assert ledger["note_suppressed"].isna().all()
    assert (ledger["note"] != "").sum() == 17
    assert set(claims["note_while"]) - {""} <= set(audit.NOTE_CONDITIONS)


def test_notes_that_no_longer_hold_are_left_out_and_said_so(altered):
    ledger = altered["one_patient_fewer"][3]
    # without patient 7 (11 cm) five tumours are over 10 cm initially, as the paper says: the note on why the
    # count differed no longer belongs beside it
    size = ledger.loc["t1_size_gt10_n"]
    assert (size["status"], size["note"]) == (Status.REPRODUCED, "")
    assert size["note_suppressed"].found is Status.REPRODUCED
    assert reasons.why(size) == ("(Its note is left out: it explains a discrepant value, and on these data the "
                                 "claim is reproduced.)")
    # follow-up of all ten: 1, 4, 5, 9, 13 | 26, 30, 72, 106, 124 -> median 19.5, not the paper's 13
    alive = ledger.loc["r_followup_alive_median"]
    assert alive["note"] == "" and alive["note_suppressed"].found == 19.5
    assert reasons.why(alive).endswith("(Its note is left out: it holds while the median follow-up of all patients "
                                       "is equal to the reported value; these data give 19.5.)")
    # a note that does not depend on the data stays
    assert ledger.loc["m_size_gt10_before_rt_n", "note"] == "Counted from the sizes before radiotherapy in Table 3."
    nobody_died = altered["everyone_alive"][3]
    assert nobody_died.loc["r_os_median", "note"] == ""
    assert isinstance(nobody_died.loc["r_dfs_5y", "note_suppressed"].found, quantities.NotComputable)


def test_an_unknown_note_condition_is_an_error(patients):
    with pytest.raises(KeyError, match="unknown note condition"):
        audit.note_shown("Some note.", "when_it_rains", Status.DISCREPANT, 1, patients)


def test_ledger_columns_have_no_nan_notes(altered):
    ledger = altered["everyone_alive"][3]
    assert not ledger["note"].isna().any()
    assert pd.api.types.is_object_dtype(ledger["note_suppressed"])


def test_every_note_condition_checks_a_known_value_with_words():
    parts = [part for condition in audit.NOTE_CONDITIONS.values() for part in condition]
    for part in parts:
        if isinstance(part, audit.ValueIs):
            assert part.key in quantities.FACTS or part.key in quantities.QUANTITIES, part
            assert part.key in reasons.FACT_WORDS and part.relation in audit.RELATIONS, part
        else:
            assert isinstance(part, audit.StatusIs) and part.statuses, part


def test_book_helpers_without_events(altered):
    assert tables.join_words([]) == "" and tables.join_words([6, 21]) == "6 and 21"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        view = widgets.KaplanMeierByHand(altered["everyone_alive"][1]).static_html()
    assert "all 11 patients are event-free: S = 1" in view and "no event, so it stays at 1" in view


def test_deaths_hypothesis_when_nobody_died(altered):
    # the paper puts 6 deaths down to metastases; with nobody dead there are no other deaths, not -6
    h = audit.deaths_hypothesis(altered["everyone_alive"][1], 6, 26, 34)
    assert (h.dead, h.other, h.more_than_died, h.smallest_sets, h.fitting) == (0, 0, True, (), ())
    real = audit.deaths_hypothesis(altered["one_local_failure_fewer"][1], 6, 26, 34)
    assert (real.dead, real.other, real.more_than_died) == (8, 2, False)
