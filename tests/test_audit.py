"""The reproduction audit: each status worked out independently, every claim classified, the CLI contract."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from rtchx.book import prose, reasons, tables
from rtchx.core import audit, data, quantities
from rtchx.core.audit import Caveat, Status
from rtchx.core.schema import DataValidationError


@pytest.fixture(scope="module")
def claims(repo):
    return data.load_resource("claims", repo / "data")


@pytest.fixture(scope="module")
def ledger(claims, patients):
    return audit.ledger(claims, patients).set_index("id")


@pytest.mark.parametrize("claim, status, value", [
    # 8 grade-3 rows in Table 3 (counted by hand from the CSV): the count is exact ...
    ("t1_grade3_n", Status.REPRODUCED, 8),
    # ... and 8/11 = 72.73%, printed as 73%
    ("t1_grade3_pct", Status.ROUNDING, 100 * 8 / 11),
    # deaths at 1, 4, 5, 9, 10, 13, 26, 30 of 11: S first <= 1/2 at 13 months, not 26
    ("r_os_median", Status.DISCREPANT, 13),
    # 66% of 11: 7/11 = 63.6%, 8/11 = 72.7%; no count prints as 66 whichever way it is rounded
    ("d_metastases_pct", Status.IMPOSSIBLE, None),
    # age is not in Table 3
    ("t1_age_median", Status.NOT_COMPUTABLE, None),
    # bounds: latest death 30 <= 38 months; the tumour of the death during therapy 25 >= 20 cm
    ("r_latest_death", Status.REPRODUCED, 30),
    ("r_death_tumour_cm", Status.REPRODUCED, 25),
    # "five to seven weeks": 72.6 Gy once daily needs 37 fractions of at most 2 Gy, 7.4 weeks > 7
    ("f1_weeks_max", Status.DISCREPANT, 7.4),
    # ... and the shortest, 50 Gy, is 25 x 2.0 Gy: five weeks, not fewer
    ("f1_weeks_min", Status.REPRODUCED, 5.0),
    # every once-daily total mixes 1.8 and 2.0 Gy fractions (55.6 = 2 x 1.8 + 26 x 2.0, 59.6 = 2 x 1.8 + 28 x 2.0,
    # 72.6 = 7 x 1.8 + 30 x 2.0; the rest use one size): 9 of the 9 once-daily courses
    ("m_whole_fractions", Status.REPRODUCED, 9),
    # Table 2: 9 3D conformal + 2 IMRT = 11 of 11, so no patient is left for the 2-D planning the methods name
    ("m_planned_2d", Status.IMPOSSIBLE, None),
    # Goffman's 37% "worse than the here described survival rates": overall survival at 3 years is 3/11 = 27.3%
    ("d_goffman_lc_vs_survival", Status.DISCREPANT, 100 * 3 / 11),
])
def test_status_worked_out_by_hand(ledger, claim, status, value):
    assert ledger.loc[claim, "status"] is status
    if value is None:
        assert pd.isna(ledger.loc[claim, "recomputed"])
    else:
        assert ledger.loc[claim, "recomputed"] == pytest.approx(value)


def test_every_status_is_exercised_and_every_claim_classified(ledger, claims):
    assert len(ledger) == len(claims)
    assert set(ledger["status"]) == set(Status)
    assert all(isinstance(s, Status) for s in ledger["status"])
    unexplained = ledger[(ledger["status"] != Status.REPRODUCED) & ledger["reason"].isna()]
    assert unexplained.empty, list(unexplained.index)


@pytest.mark.parametrize("reported, n, counts", [(54, 11, [6]), (46, 11, [5]), (73, 11, [8]), (66, 11, []),
                                                  (36, 11, [4]), (0, 11, [0]), (100, 11, [11])])
def test_granularity_by_hand(reported, n, counts):
    # 6/11 = 54.5 (down), 5/11 = 45.5 (up), 8/11 = 72.7 (nearest), 4/11 = 36.4
    assert audit.granularity(reported, n) == counts


@pytest.mark.parametrize("args, status", [
    ((70, "%", None, "eq", 70.0), Status.REPRODUCED),
    ((91, "months", None, "eq", 91.225), Status.ROUNDING),
    ((72.6, "Gy", None, "eq", 72.64), Status.ROUNDING),
    ((72.6, "Gy", None, "eq", 72.8), Status.DISCREPANT),
    ((38, "months", None, "le", 39.0), Status.DISCREPANT),
    ((20, "cm", None, "ge", 20.0), Status.REPRODUCED),
    ((46, "%", 11, "eq", 6), Status.DISCREPANT),       # a possible percentage, but of the wrong count
    ((66, "%", 11, "eq", quantities.NotComputable("x")), Status.IMPOSSIBLE),  # impossibility comes first
])
def test_classify(args, status):
    assert audit.classify(*args)[0] is status


def test_unknown_check_key_is_an_error_not_a_skip(claims, patients):
    broken = claims.copy()
    broken.loc[0, "check"] = "no_such_check"
    with pytest.raises(DataValidationError, match=r"row 1 \(line 2\), id t1_age_median, column 'check': "
                                                  r"unknown check 'no_such_check'"):
        audit.ledger(broken, patients)


def test_every_claim_links_to_an_existing_chapter(claims, repo):
    for chapter in set(claims["chapter"]):
        assert (repo / "notebooks" / f"{chapter}.ipynb").is_file(), chapter


def test_censoring_explanation_by_hand(patients):
    # Censoring patients 2 and 6 (deaths at 9 and 1 month): deaths at 4, 5, 10, 13, 26, 30 with 10, 9, 7, 6,
    # 5, 4 at risk give S = 0.9, 0.8, 0.686, 0.571, 0.457 (median 26), then 0.343 (34% at five years).
    s = 9 / 10 * 8 / 9 * 6 / 7 * 5 / 6
    assert s > 0.5 and s * 4 / 5 <= 0.5 and round(100 * s * 4 / 5 * 3 / 4) == 34
    found = audit.censoring_explanations(patients, 26, 34)
    assert (2, 6) in found and {len(f) for f in found} == {2}


def test_cli_prints_the_full_ledger_as_json(repo, claims):
    out = subprocess.run([sys.executable, "-m", "rtchx", "audit", "--json"], cwd=repo,
                         capture_output=True, text=True, check=True).stdout
    records = json.loads(out)
    assert len(records) == len(claims)
    for record in records:
        assert {"id", "location", "quantity", "reported", "reproduced", "status", "explanation"} <= set(record)
        assert record["status"] in {s.value for s in Status}
        assert (record["reproduced"] is None) == (record["status"] in ("impossible", "not computable"))


def test_a_claim_about_a_failure_the_data_no_longer_have_is_not_computable(patients, claims):
    """Censor patient 5's local failure: there is no second local failure left to time."""
    edited = patients.copy()
    edited.loc[edited["patient"] == 5, "local_failure"] = False
    table = audit.ledger(claims, edited)
    second = table[table["check"] == "lf_time_second"]
    assert len(second) and set(second["status"]) == {Status.NOT_COMPUTABLE}
    assert isinstance(second["reason"].iloc[0], audit.Unavailable)
    assert reasons.why(second.iloc[0]) == "These data have one local failure, so no second one."
    first = table[table["check"] == "lf_time_first"]
    assert set(first["status"]) != {Status.NOT_COMPUTABLE}   # the one failure left still has a time


def test_decimals_as_the_paper_printed_them(ledger):
    shown = tables.audit_table(ledger.reset_index()).set_index(ledger.index)["Reported"]
    assert shown["r_dfs_grade_p"] == "p = 0.37"           # was shown as 0.4
    assert shown["t2_dose_min"] == "50.0 Gy" and shown["t2_dose_median"] == "60 Gy"
    assert shown["r_lf_dose_first"] == "70.2 Gy" and shown["r_lf_dose_second"] == "66 Gy"
    assert shown["t1_grade3_pct"] == "73%" and shown["t1_grade3_n"] == "8"
    assert ledger.loc["r_dfs_grade_p", "decimals"] == 2 and ledger.loc["t2_dose_min", "decimals"] == 1


def test_classify_rounds_to_the_printed_decimals():
    # 49.6 Gy prints as 50 with no decimals but not as 50.0 with one
    assert audit.classify(50.0, "Gy", None, "eq", 49.6, decimals=0)[0] is Status.ROUNDING
    assert audit.classify(50.0, "Gy", None, "eq", 49.6, decimals=1)[0] is Status.DISCREPANT
    assert audit.classify(0.37, "p", None, "eq", 0.372, decimals=2)[0] is Status.ROUNDING


def test_caveats_are_marked_and_counted_apart(ledger):
    flagged = ledger["caveat"].dropna()
    assert {k: c.value for k, c in flagged.items()} == {
        "a_lc_mean": "misleading", "r_latest_death": "misleading", "r_at_risk_2y_under_10cm": "misleading",
        "d_goffman_lc_vs_survival": "not comparable", "m_whole_fractions": "misleading"}
    score = audit.scorecard(ledger)
    assert score.by_caveat() == {Caveat.MISLEADING: 4, Caveat.NOT_COMPARABLE: 1}
    # a caveat does not change the status: the literal claims still hold
    assert ledger.loc["r_latest_death", "status"] is Status.REPRODUCED
    table = tables.audit_table(ledger.reset_index()).set_index(ledger.index)
    assert "⚠ misleading" in table.loc["r_latest_death", "Status"]
    assert "≠ not comparable" in table.loc["d_goffman_lc_vs_survival", "Status"]
    assert "misleading" not in table.loc["r_lc_5y", "Status"]


@pytest.mark.parametrize("claim, contrast", [
    ("r_latest_death", 30),              # deaths at 1, 4, 5, 9, 10, 13, 26, 30: the bound of 38 is 8 months off
    ("r_at_risk_2y_under_10cm", 3),      # at risk at 24 months: patients 1 (8 cm), 3 (9), 4 (8), 8 (15 -> 4 cm)
    # Table 3's local-control times: 72+9+124+106+21+1+6+26+13+5+4 = 387 months over 11 patients
    ("a_lc_mean", 387 / 11),
    # local control at 3 years: failures at 6 (7 at risk) and 21 (5 at risk): 6/7 * 4/5 ... = 70%
    ("d_goffman_lc_vs_survival", 70),
    # once-daily totals a single size reaches: 70.0 (35 x 2.0), 60.0, 66.0 (33 x 2.0), 50.0, 70.2 (39 x 1.8),
    # 50.4 (28 x 1.8); not 55.6, 72.6 or 59.6 (each needs both sizes): 6 of 9
    ("m_whole_fractions", 6),
])
def test_the_number_shown_beside_a_caveat_by_hand(ledger, claim, contrast):
    assert ledger.loc[claim, "contrast_value"] == pytest.approx(contrast)


def test_deaths_not_from_metastases_and_the_censoring_hypothesis(patients):
    h = audit.deaths_hypothesis(patients, 6, 26, 34)
    # 8 DOD in Table 3, 6 "died of metastasized disease": 2 other deaths, as many as the smallest censoring sets
    assert (h.dead, h.other, h.death_in_therapy, h.same_count) == (8, 2, 6, True)
    tried = {c.patients: c for c in h.with_death_in_therapy}
    assert len(tried) == 7                                      # patient 6 with each of the 7 other deaths
    # censor 6 and 10: deaths at 4, 9, 10, 13, 26, 30 with 10, 8, 7, 6, 5, 4 at risk:
    # 0.9, 0.7875, 0.675, 0.5625, 0.45 (median 26), 0.3375 (34%)
    assert (tried[(6, 10)].median, round(tried[(6, 10)].five_year_pct, 2), tried[(6, 10)].fits) == (26, 33.75, True)
    # censor 6 and 7 (a local failure): deaths at 4, 5, 9, 13, 26, 30 with 10, 9, 8, 6, 5, 4 at risk:
    # 0.9, 0.8, 0.7, 0.5833, 0.4667 (median 26), 0.35 -> 35%, not 34
    assert (tried[(6, 7)].median, round(tried[(6, 7)].five_year_pct, 2), tried[(6, 7)].fits) == (26, 35.0, False)
    assert [c.patients for c in h.fitting] == [(2, 6), (6, 10)]


def test_shortest_follow_up_by_hand(patients):
    s = quantities.shortest_follow_up(patients)
    # times 1 (patient 6, died during radiotherapy), 4, 5, 9, 10, 13, 26, 30, 72, 106, 124
    assert (s.all_patients, s.death_in_therapy, s.without_death_in_therapy, s.longest) == (1, 6, 4, 124)
    assert s.medians_without[0] == (13 + 26) / 2                  # the 5th and 6th of the other ten times
    text = prose.shortest_follow_up_verdict(4, 55, 131, s)
    assert text.startswith("The reported minimum of 4 months is reproduced on one reading only")
    assert "Table 3: 124" in text
    assert prose.shortest_follow_up_verdict(1, 55, 131, s).startswith("Table 3's shortest time, 1 month,")


def test_prose_for_the_audit():
    assert prose.impossible_percentages_sentence(1, 11) == "One percentage cannot come from any count of 11 patients."
    assert prose.impossible_percentages_sentence(2, 11).startswith("2 percentages")
    assert prose.impossible_percentages_sentence(0, 11).startswith("Every percentage")
    assert [prose.share_words(k, 10) for k in (0, 3, 5, 7, 10)] == ["none", "fewer than half", "half", "most", "all"]


def test_deaths_verdict_follows_the_numbers(patients):
    text = prose.deaths_verdict(audit.deaths_hypothesis(patients, 6, 26, 34), 26, 34)
    assert "leaves 2" in text and "exactly as many" in text and "patient 2 or 10" in text
    assert text.endswith("records no cause of death.")
    # had the Results said seven deaths from metastases, one death would be left, fewer than the sets need
    one_left = prose.deaths_verdict(audit.deaths_hypothesis(patients, 7, 26, 34), 26, 34)
    assert "have 2, not 1" in one_left and "censoring it alone does not give" in one_left


def test_the_audit_chapter_lists_every_claim_once(ledger):
    # chapter 9 shows one table per part of the paper (audit.by_section); every claim must land in one of them
    parts = audit.by_section(ledger.reset_index())
    listed = [claim for _, part in parts for claim in part["id"]]
    assert sorted(listed) == sorted(ledger.index) and len(listed) == len(set(listed))
    assert "d_goffman_lc_vs_survival" in listed            # the comparison chapter's claim is in the ledger too


def test_how_much_the_censoring_hypothesis_proves(patients):
    support = audit.hypothesis_support(patients, 2, 26, 34)
    # 8 deaths: C(8, 2) = 28 pairs. An independent re-derivation (the chapter's review, with its own code) found
    # 19 pairs giving a median of 26 and 3 giving 26 months and 34% (patients 2+6, 6+10, 10+11).
    assert (support.sets, support.median_fits, support.both_fit) == (28, 19, 3)
    # 3/11 = 27.3% and 4/11 = 36.4%: no count of 11 prints as 34%, so censoring is needed on any data
    assert support.needs_censoring


def test_disease_free_survival_under_the_hypothesis_by_hand(patients):
    # deaths of 6 (1 month) and 10 (5 months) censored. Latest events: 11 at 4, 7 (local failure) at 6, 2 at 9,
    # 9 at 13, 5 (local failure) at 21, 8 at 26; at risk 10, 8, 7, 6, 5, 4:
    # 9/10 * 7/8 * 6/7 * 5/6 * 4/5 * 3/4 = 33.75%. Earliest: all six events at 0 among 11: 5/11 = 45.45%.
    low, high = audit.dfs_if_censored(patients, (6, 10))
    assert low == pytest.approx(33.75) and high == pytest.approx(500 / 11)


def test_other_denominators_of_a_percentage_by_hand():
    # 66% prints for 2/3, 4/6 and 6/9 (66.7%, rounded down); for no other group of up to 11
    assert audit.other_denominators(66, 11) == {3: [2], 6: [4], 9: [6]}
    assert audit.other_denominators(50, 4) == {2: [1], 4: [2]}


def test_scorecard_counts_the_statuses_of_the_saved_ledger(ledger, repo):
    # tests/fixtures/cli/audit.json was saved before statuses became an enum (they were strings then): counting
    # its strings is a second way to the same numbers. Chapter 9 printed the same: 129 claims, 30 not computable,
    # 99 checkable, 69 holding (55 exactly, 14 after rounding), 28 discrepant (17 distinct), 2 impossible,
    # 4 misleading (all 4 among those that hold), 1 not comparable.
    saved = json.loads((repo / "tests" / "fixtures" / "cli" / "audit.json").read_text())
    statuses = [r["status"] for r in saved]
    score = audit.scorecard(ledger.reset_index())
    assert {s.value: n for s, n in score.by_status().items()} == {s.value: statuses.count(s.value) for s in Status}
    assert (score.claims, score.checkable, score.holding) == (129, 99, 69)
    assert (score.reproduced, score.rounding, score.discrepant, score.impossible, score.not_computable) == (
        55, 14, 28, 2, 30)
    assert (score.misleading, score.not_comparable, score.holding_misleading, score.distinct_discrepant) == (
        4, 1, 4, 17)


def test_status_agrees_and_check_claims(claims, patients):
    assert [s.agrees for s in Status] == [True, True, False, False, None]
    checked = audit.check_claims(claims, patients).set_index("id")
    # t1_grade3_pct: 8/11 = 72.7%, printed 73% (rounding, agrees); r_os_median 13 against 26; age not in Table 3
    assert checked.loc[["t1_grade3_pct", "r_os_median", "t1_age_median"], "agrees"].tolist() == [True, False, None]
    assert checked.loc["t1_age_median", "recomputed"] is None


def test_book_tables_bold_the_rows_their_types_flag(ledger):
    # a row is bold because its cell is flagged, whatever symbol it starts with
    frame = pd.DataFrame({"A": [1, 2, 3], "": [tables.Verdict.AGREES, tables.Verdict.DIFFERS,
                                               tables.Mark("✗ looks bad but is not flagged")]})
    markdown = tables.BookTable(frame, caption="c", label="tbl-x")._repr_markdown_()
    assert "| **2** | **✗ differs** |" in markdown and "| 1 | ✓ agrees |" in markdown
    assert "| 3 | ✗ looks bad but is not flagged |" in markdown
    # the ledger: discrepant and impossible rows are bold, a reproduced claim with a caveat is not
    shown = tables.audit_table(ledger.reset_index())
    bold = tables.BookTable(shown, caption="c", label="tbl-y")._flagged()
    assert bold.tolist() == [s in (Status.DISCREPANT, Status.IMPOSSIBLE) for s in ledger["status"]]
    assert bold.sum() == 28 + 2


@pytest.mark.parametrize("args, words", [
    # 6/11 = 54.55% printed as 54 (Table 1 forces its column to 100%): 54.55 truncated to no decimals is 54
    ((54, "%", None, "eq", 100 * 6 / 11), "54.55 is rounded down to 54."),
    # 5/11 = 45.45% printed as 46: rounded up
    ((46, "%", None, "eq", 100 * 5 / 11), "45.45 is rounded up to 46."),
    ((91, "months", None, "eq", 91.226), "91.23 rounds to 91."),
    ((38, "months", None, "le", 39.0), "From Table 3: 39, beyond the stated bound of 38."),
    ((20, "cm", None, "ge", 18.5), "From Table 3: 18.5, short of the stated bound of 20."),
    ((72.6, "Gy", None, "eq", 72.8), "Table 3 gives 72.8, the paper 72.6."),
    # 66% of 11: 7/11 = 63.6% and 8/11 = 72.7% lie within one step (100/11 = 9.1 points) of 66
    ((66, "%", 11, "eq", 7), "No count out of 11 prints as 66%: 7/11 = 63.6%, 8/11 = 72.7%."),
    ((70, "%", None, "eq", 70.0), ""),
])
def test_the_reasons_in_words(args, words):
    assert reasons.reason_text(audit.classify(*args)[2]) == words


def test_verdict_counts_follow_the_type_not_the_symbol(claims, patients):
    # chapter 3's page before issue 14 said: 17 rows of Table 1, 12 of them checkable, 7 of those agree
    table = tables.reported_vs_recomputed(audit.check_claims(claims, patients), "Table 1")
    assert tables.verdict_counts(table) == tables.VerdictCounts(agree=7, differ=5, unchecked=5)
    # a cell that merely looks like a verdict is not counted
    looks = table.assign(**{"": [str(v) for v in table[""]]})
    assert tables.verdict_counts(looks) == tables.VerdictCounts(0, 0, 0)
