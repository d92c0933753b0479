"""What-if edits of one patient: the edits themselves, their refusals, and the recomputed numbers by hand."""

from __future__ import annotations

import pytest

from rtchx.book import tables, widgets
from rtchx.core import data, whatif


@pytest.fixture(scope="module")
def inputs(repo):
    return data.load_historical(repo / "data"), data.load_resource("claims", repo / "data")


@pytest.fixture(scope="module")
def before(patients, inputs):
    return whatif.summary(patients, *inputs)


def shown(patients, inputs, before, *change):
    return tables.whatif_table(whatif.recompute_with_change(patients, *inputs, *change, before=before)).set_index(
        "Quantity")


def test_censoring_patient_10s_death_by_hand(patients, inputs, before):
    # patient 10 died at 5 months; censored instead, the deaths at 9, 10, 13 months are among 8, 7, 6 at risk:
    # S(13) = 10/11 * 9/10 (deaths at 1 and 4) * 7/8 * 6/7 * 5/6 = 0.511 > 0.5, so the median moves to 26
    scenario = whatif.recompute_with_change(patients, *inputs, 10, "censor_death", before=before)
    assert (scenario.before.os_median_months, scenario.after.os_median_months) == (13, 26)
    assert scenario.after.deaths == 7 and scenario.after.lc_5y == scenario.before.lc_5y
    table = tables.whatif_table(scenario).set_index("Quantity")
    assert table.loc["Deaths", "With the change"] == "7"
    assert table.loc["Median overall survival (months)", "Table 3"] == "13"
    assert table.loc["Median overall survival (months)", "With the change"] == "26"
    assert table.loc["Local control at 5 years", "Changed"] == ""      # local control does not use deaths


def test_a_new_local_failure_by_hand(patients, inputs, before):
    # a local failure for patient 2 at 5 months: at 5 months 9 at risk (patients 6 and 11 censored at 1 and 4),
    # patient 10 censored at 5 too, so 7 at risk at 6 months and 5 at 21: 8/9 * 6/7 * 4/5
    edited = whatif.apply_change(patients, 2, "local_failure_at", 5)
    assert edited.loc[edited["patient"] == 2, "lc_months"].item() == 5
    table = shown(patients, inputs, before, 2, "local_failure_at", 5)
    assert table.loc["Local control at 5 years", "With the change"] == f"{8 / 9 * 6 / 7 * 4 / 5:.0%}"
    assert table.loc["Local failures", "With the change"] == "3"


def test_removing_a_patient_changes_the_denominators(patients, inputs, before):
    table = shown(patients, inputs, before, 3, "remove")
    assert table.loc["Patients", "With the change"] == "10"
    # The 25 percentages of all patients are now of 10: only 0% and 100% are k/10 at some rounding (T1 0%,
    # T2 100%, grade 1 0%), so the other 22 become impossible, beside the 2-D planning (impossible already).
    assert (table.loc["Audit: impossible", "Table 3"], table.loc["Audit: impossible", "With the change"]) == (
        "2", "23")
    # not computable: 30, less the 5 percentages of what Table 3 lacks (sex 2, technique 2, cause of death 1),
    # now impossible, plus the 4 case-report claims, whose patient (3) is gone: 29
    assert table.loc["Audit: not computable", "With the change"] == "29"


def test_no_change_changes_nothing(patients, inputs, before):
    scenario = whatif.recompute_with_change(patients, *inputs, 1, "none", before=before)
    assert scenario.after == scenario.before
    assert not tables.whatif_table(scenario)["Changed"].any()


def test_the_table_shows_table_3s_numbers(patients, inputs, before):
    # Table 3: 11 patients, 8 deaths (DOD), 2 local failures; the audit's 129 claims as counted in test_audit
    table = shown(patients, inputs, before, 1, "none")["Table 3"]
    assert (table["Patients"], table["Deaths"], table["Local failures"]) == ("11", "8", "2")
    assert table["Median overall survival (months)"] == "13"
    assert [int(table[f"Audit: {s}"]) for s in ("reproduced", "rounding", "discrepant", "impossible",
                                                "not computable")] == [55, 14, 28, 2, 30]


@pytest.mark.parametrize("args, message", [
    ((1, "censor_death"), "did not die"),
    ((1, "local_failure_at", 5), "alive without disease"),
    ((2, "local_failure_at", 50), "after death"),
    ((2, "local_failure_at", 0), "month after the start"),
    ((99, "remove"), "no patient 99"),
    ((2, "explode"), "unknown change"),
])
def test_impossible_changes_are_refused(patients, args, message):
    with pytest.raises(ValueError, match=message):
        whatif.apply_change(patients, *args)


def test_what_if_explorer_follows_and_refuses(patients, inputs):
    explorer = widgets.WhatIfExplorer(patients, *inputs)
    assert "26" in explorer.result.value and widgets.LIVE_HINT in explorer.static_html()
    explorer.patient.value = 1
    assert explorer.last is None and "did not die" in explorer.result.value
    explorer.change.value = "remove"
    assert explorer.last.set_index("Quantity").loc["Patients", "With the change"] == "10"
    assert explorer.month.disabled
    explorer.patient.value = 2
    explorer.change.value = whatif.Change.LOCAL_FAILURE_AT      # patient 2 died at 9 months; 12 is too late
    assert not explorer.month.disabled and "after death" in explorer.result.value
    explorer.month.value = 5                                     # the local failure worked out by hand above
    assert explorer.last.set_index("Quantity").loc["Local failures", "With the change"] == "3"
