"""The subgroup chapter's table and names, rendered from the core's numbers (rtchx.book.tables, prose)."""

from __future__ import annotations

import math

import pytest

from rtchx.book import prose, tables
from rtchx.core import exact, survival


@pytest.fixture(scope="module")
def table(patients):
    return tables.subgroup_table(exact.subgroup_tests(patients), survival.SUBGROUP_ALPHA).set_index(
        ["Endpoint", "Grouping"])


def test_local_control_by_size_before_radiotherapy_by_hand(table):
    # Tumours over 10 cm before radiotherapy: patients 2, 5, 6, 7 and 11, with both local failures (6 and 21
    # months). test_exact works the statistic out by hand: 3249/631 = 5.149, exact p 9/462 = 0.0195, floor
    # 1/462 = 0.0022. Schoenfeld with 2 events and 5 of 11 in one group: exp(2.80158 / sqrt(2 * 5/11 * 6/11))
    # = exp(3.9785) = 53.4.
    row = table.loc[("Local control", "Size before radiotherapy")]
    assert row["Groups (patients, events)"] == ">10 cm: 5 (2 events); ≤10 cm: 6 (0 events)"
    assert (row["Events"], row["χ²"], row["p (exact)"], row["Smallest exact p possible"]) == (2, "5.15", "0.019",
                                                                                              "0.002")
    z = 1.959963984540054 + 0.8416212335729143
    assert row["Smallest detectable HR"] == f"{math.exp(z / math.sqrt(2 * 5 / 11 * 6 / 11)):.0f}" == "53"


def test_a_test_that_cannot_reach_alpha_detects_nothing(table):
    # local control by site: its exact p cannot fall below 3/55 = 0.055 (test_exact), so no hazard ratio is detectable
    assert table.loc[("Local control", "Site"), "Smallest detectable HR"] == "none"
    # one death among the two head-and-neck patients (patient 1 is alive), seven among the nine trunk tumours
    assert table.loc[("Overall survival", "Site"), "Groups (patients, events)"] == (
        "head and neck: 2 (1 event); trunk: 9 (7 events)")


def test_every_grouping_is_named_for_both_endpoints(table):
    assert len(table) == 2 * len(survival.GROUPINGS)
    assert set(table.index.get_level_values("Grouping")) == set(tables.GROUPING_LABELS.values())


def test_comparison_names_read_as_prose():
    assert prose.comparison_name("overall_survival", "grade") == "overall survival by grade"
    assert prose.comparison_name("local_control", "block") == "local control by block of Table 3"
