"""The headline estimates, the quantities behind each reported number, and the command line."""

from __future__ import annotations

import dataclasses
import doctest
import json
import math
import subprocess
import sys

import pandas as pd
import pytest

from rtchx.book import tables
from rtchx.core import audit, data, protocol, quantities, results, survival


@pytest.fixture(scope="module")
def compared(patients, repo):
    return audit.check_claims(data.load_resource("claims", repo / "data"), patients).set_index("id")


def test_headline_by_hand(patients):
    h = results.headline(patients)
    assert h.lc_2y == pytest.approx(0.7) and h.lc_5y == pytest.approx(0.7)
    assert h.os_2y == pytest.approx(5 / 11) and h.os_5y == pytest.approx(3 / 11)
    assert h.os_median_months == 13 and h.followup_median_months == 106
    assert h.lc_restricted_mean_months == pytest.approx(6 + 15 * 7 / 8 + 103 * 0.7)
    assert (h.local_failures, h.deaths, h.lc_at_risk_2y) == (2, 8, 4)
    assert 0 < h.lc_5y_ci_low < h.lc_5y < h.lc_5y_ci_high < 1


def test_headline_is_a_frozen_record_whose_dict_keeps_the_field_order(patients):
    h = results.headline(patients)
    with pytest.raises(dataclasses.FrozenInstanceError):
        h.lc_5y = 0.5
    # the reasons for what cannot be computed are added only when there are any (none on Table 3)
    assert list(h.as_dict()) == [f.name for f in dataclasses.fields(h) if f.name != "not_computable"]
    assert list(h.as_dict())[:3] == ["n_patients", "local_failures", "deaths"]


def test_cohort_counts_by_hand(patients):
    # data/patients.csv read by eye: patients 1-7 primary, 8-11 after R2 resection; grade 2 only for 4, 5, 6;
    # head and neck 1 and 10; initially over 10 cm: 2 (11), 5 (13), 6 (25), 7 (11), 8 (15), 11 (11 cm);
    # before radiotherapy patient 8 is down to 4 cm, the others keep their size
    c = results.cohort(patients)
    assert (c.n_patients, c.n_primary, c.n_r2, c.n_grade3, c.n_head_neck) == (11, 7, 4, 8, 2)
    assert (c.n_gt10_initial, c.n_gt10_before_rt) == (6, 5)
    assert (c.n_local_failures, c.n_deaths, c.n_alive) == (2, 8, 3)


def test_cli_prints_the_headline_as_json(repo):
    out = subprocess.run([sys.executable, "-m", "rtchx", "results", "--json"], cwd=repo / "notebooks",
                         capture_output=True, text=True, check=True).stdout
    printed = json.loads(out)
    for key in ("lc_2y", "lc_5y", "lc_5y_ci_low", "lc_5y_ci_high", "lc_restricted_mean_months", "os_median_months",
                "os_2y", "os_5y", "os_5y_ci_low", "os_5y_ci_high", "followup_median_months", "local_failures",
                "deaths"):
        assert key in printed, key
    assert printed["os_5y"] == pytest.approx(3 / 11) and printed["os_median_ci_high"] is None  # not reached


@pytest.mark.parametrize("claim, agrees", [
    ("t1_grade3_n", True), ("t1_grade3_pct", True),            # 8 of 11, 72.7% printed as 73%
    ("t1_size_5to10_n", False), ("t1_size_gt10_n", False),     # Table 3 gives 5 and 6, not 6 and 5
    ("t2_ifo15_pct", True),                                    # 54.5% printed as 55%
    ("r_regimen_complete_pct", True), ("r_lc_5y", True), ("a_lc_mean", True),
    ("r_os_median", False), ("r_os_5y", False), ("t1_followup_median", False),
    ("t1_age_median", None), ("r_dfs_median", None), ("f3_case_years", True),
    ("r_dfs_5y", False),                                       # fixed by Table 3 at 3/11 = 27%, reported 34%
    ("f2_mfs_5y", None),                                       # depends on how deaths without metastasis count
])
def test_claims_against_the_patient_data(compared, claim, agrees):
    assert compared.loc[claim, "agrees"] == agrees


def test_truncated_percentages_count_as_agreeing(patients):
    # 6 of 11 is 54.5%: the paper prints 54 in one place and 55 in another; both are honest roundings.
    claims = data.load_resource("claims")
    row = claims[claims["id"] == "t2_ifo15_pct"].assign(reported=54.0)
    assert audit.check_claims(row, patients)["agrees"].item() is True


def test_every_claim_names_a_known_quantity(repo):
    claims = data.load_resource("claims", repo / "data")
    assert set(claims["check"]) <= set(quantities.QUANTITIES)


def test_unknown_quantity_is_an_error(patients):
    with pytest.raises(KeyError, match="unknown quantity"):
        quantities.compute("no_such_thing", patients)


def test_case_report_is_patient_3(patients):
    assert quantities.case_report_patient(patients)["patient"] == 3
    with pytest.raises(ValueError, match="0 rows fit"):
        quantities.case_report_patient(patients[patients["patient"] != 3])


@pytest.mark.parametrize("dose, hf, weeks", [(70.2, False, 7.2), (72.6, False, 7.4), (70.0, False, 7.0),
                                             (50.0, False, 5.0), (60.0, True, None)])
def test_minimum_weeks_by_hand(dose, hf, weeks):
    # 70.2 Gy at 2.0 Gy needs 36 fractions (35 give only 70.0): 36 / 5 = 7.2 weeks
    assert protocol.minimum_weeks(dose, hf) == weeks


def test_table1_flags_the_size_rows(compared):
    table = tables.reported_vs_recomputed(compared.reset_index(), "Table 1").set_index("Quantity")
    assert table.loc["Initial size >10 cm", ""].startswith("✗")
    assert table.loc["Grade 3", ""].startswith("✓")
    assert table.loc["Median age", ""].startswith("–")
    assert table.loc["Initial size >10 cm", "Reported"] == "5 (46%)"
    assert table.loc["Initial size >10 cm", "From the patient data"] == "6 (54.5%)"


def test_book_table_offers_a_numbered_myst_table_and_html():
    frame = pd.DataFrame({"A": [1, 2], "": [tables.Verdict.AGREES, tables.Verdict.DIFFERS]})
    table = tables.BookTable(frame, caption="Caption | with a bar", label="tbl-x")
    markdown = table._repr_markdown_()
    assert markdown.startswith("```{table} Caption | with a bar\n:name: tbl-x\n")
    assert "| **2** | **✗ differs** |" in markdown and "| 1 | ✓ agrees |" in markdown
    assert "<table" in table._repr_html_()


def test_follow_up_table_renders_the_core_result():
    follow_up = survival.FollowUp(median_all=13.0, median_alive=106.0, median_reverse_km=106.0)
    table = tables.follow_up_definitions(follow_up)
    assert table["Months"].tolist() == [13.0, 106.0, 106.0]
    assert table["Definition"].iloc[2].startswith("Reverse Kaplan-Meier")


def test_months_text():
    assert tables.months_text(13.0) == "13 months" and tables.months_text(math.inf) == "not reached"


@pytest.mark.parametrize("module", [data, protocol, results, survival], ids=lambda m: m.__name__)
def test_the_docstring_examples_run(module):
    # the Example sections are documentation a reader copies: each must print what it shows
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in doctest.DocTestFinder().find(module):
        runner.run(test)
    assert runner.summarize(verbose=False).failed == 0
