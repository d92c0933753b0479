"""The case report against its row of Table 3 (rtchx.core.quantities.case_report_match), checked by hand."""

from __future__ import annotations

from rtchx.book import tables
from rtchx.core import data, quantities

REPORTED = {"r_case_dose": 60, "f3_case_years": 10}   # the Results' dose and the Figure 3 caption's years


def test_the_case_report_against_patient_3_by_hand(patients):
    # Table 3, patient 3: primary block, anaplastic sarcoma, trunk, 60.0 Gy, HF and HT, 124 months, AWOD.
    # Agree: dose 60 = 60, HF, HT, AWOD, 124 / 12 = 10.3 years >= 10, trunk (6 items).
    # Differ: not in the block after R2 resection, anaplastic not pleomorphic (2 items). Age and sex: not checked.
    match = quantities.case_report_match(quantities.case_report_patient(patients), REPORTED)
    assert match.patient == 3
    assert (match.dose, match.twice_daily, match.hyperthermia, match.alive_without_disease,
            match.followed_long_enough, match.site) == (True,) * 6
    assert (match.partial_resection, match.histology) == (False, False)
    assert (match.agree, match.differ) == (6, 2)


def test_a_longer_claim_than_the_follow_up_differs(patients):
    # 124 months is 10.33 years: a caption saying 11 years free of disease would outrun Table 3's follow-up
    match = quantities.case_report_match(quantities.case_report_patient(patients), {**REPORTED, "f3_case_years": 11})
    assert not match.followed_long_enough and (match.agree, match.differ) == (5, 3)


def test_the_table_shows_the_match(patients):
    claims = data.load_resource("claims")
    case = quantities.case_report_patient(patients)
    match = quantities.case_report_match(case, claims.set_index("id")["reported"])
    verdicts = tables.case_report_comparison(case, claims, match).set_index("Item")[""]
    assert (verdicts == tables.Verdict.AGREES).sum() == match.agree
    assert list(verdicts[verdicts == tables.Verdict.DIFFERS].index) == ["Surgery before radiotherapy", "Histology"]
    assert verdicts["Age and sex"] is tables.Verdict.NOT_COMPUTABLE
