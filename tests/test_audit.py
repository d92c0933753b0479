"""The reproduction audit: each status worked out independently, every claim classified, the CLI contract."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from rtchx import audit, data, quantities


@pytest.fixture(scope="module")
def claims(repo):
    return data.load_resource("claims", repo / "data")


@pytest.fixture(scope="module")
def ledger(claims, patients):
    return audit.ledger(claims, patients).set_index("id")


@pytest.mark.parametrize("claim, status, value", [
    # 8 grade-3 rows in Table 3 (counted by hand from the CSV): the count is exact ...
    ("t1_grade3_n", "reproduced", 8),
    # ... and 8/11 = 72.73%, printed as 73%
    ("t1_grade3_pct", "rounding", 100 * 8 / 11),
    # deaths at 1, 4, 5, 9, 10, 13, 26, 30 of 11: S first <= 1/2 at 13 months, not 26
    ("r_os_median", "discrepant", 13),
    # 66% of 11: 7/11 = 63.6%, 8/11 = 72.7%; no count prints as 66 whichever way it is rounded
    ("d_metastases_pct", "impossible", None),
    # age is not in Table 3
    ("t1_age_median", "not computable", None),
    # bounds: latest death 30 <= 38 months; the tumour of the death during therapy 25 >= 20 cm
    ("r_latest_death", "reproduced", 30),
    ("r_death_tumour_cm", "reproduced", 25),
    # "five to seven weeks": 72.6 Gy once daily needs 37 fractions of at most 2 Gy, 7.4 weeks > 7
    ("f1_weeks_max", "discrepant", 7.4),
])
def test_status_worked_out_by_hand(ledger, claim, status, value):
    assert ledger.loc[claim, "status"] == status
    if value is None:
        assert pd.isna(ledger.loc[claim, "reproduced"])
    else:
        assert ledger.loc[claim, "reproduced"] == pytest.approx(value)


def test_every_status_is_exercised_and_every_claim_classified(ledger, claims):
    assert len(ledger) == len(claims)
    assert set(ledger["status"]) == set(audit.STATUSES)
    assert ledger["status"].notna().all()
    unexplained = ledger[(ledger["status"] != "reproduced") & (ledger["explanation"] == "")]
    assert unexplained.empty, list(unexplained.index)


@pytest.mark.parametrize("reported, n, counts", [(54, 11, [6]), (46, 11, [5]), (73, 11, [8]), (66, 11, []),
                                                  (36, 11, [4]), (0, 11, [0]), (100, 11, [11])])
def test_granularity_by_hand(reported, n, counts):
    # 6/11 = 54.5 (down), 5/11 = 45.5 (up), 8/11 = 72.7 (nearest), 4/11 = 36.4
    assert audit.granularity(reported, n) == counts


@pytest.mark.parametrize("args, status", [
    ((70, "%", None, "eq", 70.0), "reproduced"),
    ((91, "months", None, "eq", 91.225), "rounding"),
    ((72.6, "Gy", None, "eq", 72.64), "rounding"),
    ((72.6, "Gy", None, "eq", 72.8), "discrepant"),
    ((38, "months", None, "le", 39.0), "discrepant"),
    ((20, "cm", None, "ge", 20.0), "reproduced"),
    ((46, "%", 11, "eq", 6), "discrepant"),       # a possible percentage, but of the wrong count
    ((66, "%", 11, "eq", quantities.NotComputable("x")), "impossible"),  # impossibility comes first
])
def test_classify(args, status):
    assert audit.classify(*args)[0] == status


def test_unknown_check_key_is_an_error_not_a_skip(claims, patients):
    broken = claims.copy()
    broken.loc[0, "check"] = "no_such_check"
    with pytest.raises(KeyError, match="no_such_check"):
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
        assert record["status"] in audit.STATUSES
        assert (record["reproduced"] is None) == (record["status"] in ("impossible", "not computable"))


def test_a_claim_about_a_failure_the_data_no_longer_have_is_not_computable(patients, claims):
    """Censor patient 5's local failure: there is no second local failure left to time."""
    edited = patients.copy()
    edited.loc[edited["patient"] == 5, "local_failure"] = False
    table = audit.ledger(claims, edited)
    second = table[table["check"] == "lf_time_second"]
    assert len(second) and set(second["status"]) == {"not computable"}
    assert "too few matching patients" in second["explanation"].iloc[0]
    first = table[table["check"] == "lf_time_first"]
    assert set(first["status"]) != {"not computable"}   # the one failure left still has a time
