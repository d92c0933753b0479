"""Kaplan-Meier estimates against values worked out by hand from Table 3.

Local control (event = local failure, deaths censored), sorted times:
1c 4c 5c 6E 9c 13c 21E 26c 72c 106c 124c. At 6 months 8 are at risk, so
S = 7/8; at 21 months 5 are at risk, so S = 7/8 * 4/5 = 0.7, and the curve
stays there. Overall survival: deaths at 1, 4, 5, 9, 10, 13, 26, 30 with one
patient leaving the risk set at each, so S drops by 1/11 each time to 3/11.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from rtchx import survival


@pytest.fixture(scope="module")
def lc(patients):
    return survival.kaplan_meier(patients, "local_control")


@pytest.fixture(scope="module")
def os_fit(patients):
    return survival.kaplan_meier(patients, "overall_survival")


@pytest.mark.parametrize("months, expected", [
    (0, 1.0), (5.9, 1.0), (6, 7 / 8), (20.9, 7 / 8), (21, 7 / 8 * 4 / 5), (24, 0.7), (60, 0.7), (124, 0.7),
])
def test_local_control_by_hand(lc, months, expected):
    assert survival.survival_at(lc, months) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("months, expected", [
    (0.5, 1.0), (1, 10 / 11), (4, 9 / 11), (5, 8 / 11), (9, 7 / 11), (10, 6 / 11), (13, 5 / 11),
    (26, 4 / 11), (30, 3 / 11), (60, 3 / 11), (124, 3 / 11),
])
def test_overall_survival_by_hand(os_fit, months, expected):
    assert survival.survival_at(os_fit, months) == pytest.approx(expected, abs=1e-12)


def test_median_overall_survival_is_13_months(os_fit):
    # S(10) = 6/11 > 1/2 and S(13) = 5/11 <= 1/2, so the median is 13 months (the paper reports 26).
    assert os_fit.median_survival_time_ == 13


def test_local_control_median_is_not_reached(lc):
    assert math.isinf(lc.median_survival_time_)


def test_at_risk_at_two_years(patients):
    assert survival.at_risk(patients, "local_control", 24) == 4
    assert survival.at_risk(patients, "overall_survival", 24) == 5


def test_restricted_mean_local_control_by_hand(lc):
    # area = 6 * 1 + (21 - 6) * 7/8 + (124 - 21) * 0.7 = 91.225 (the abstract: "91 months")
    assert survival.restricted_mean(lc) == pytest.approx(6 + 15 * 7 / 8 + 103 * 0.7)
    assert survival.restricted_mean(lc, 60) == pytest.approx(6 + 15 * 7 / 8 + 39 * 0.7)


def test_confidence_band_is_log_log_greenwood_by_hand(lc):
    # Greenwood: V = sum d / (n (n - d)) = 1/(8*7) + 1/(5*4); on the log(-log) scale
    # se = sqrt(V) / |log S|, and the band is S ** exp(-/+ 1.96 se).
    s, v = 0.7, 1 / 56 + 1 / 20
    se = math.sqrt(v) / abs(math.log(s))
    z = 1.959963984540054
    low, high = s ** math.exp(z * se), s ** math.exp(-z * se)
    assert survival.confidence_at(lc, 60) == pytest.approx((low, high), abs=1e-9)


def test_product_limit_table_by_hand(patients):
    table = survival.product_limit_table(*survival.endpoint(patients, "local_control"))
    events = table[table["events"] > 0]
    assert events["time"].tolist() == [6, 21]
    assert events["at_risk"].tolist() == [8, 5]
    assert events["survival"].tolist() == pytest.approx([0.875, 0.7])
    assert table["censored"].sum() == 9 and table["at_risk"].iloc[0] == 11


@pytest.mark.parametrize("name", ["local_control", "overall_survival"])
def test_product_limit_table_agrees_with_lifelines(patients, name):
    table = survival.product_limit_table(*survival.endpoint(patients, name))
    fit = survival.kaplan_meier(patients, name)
    assert np.allclose(table["survival"], fit.survival_function_at_times(table["time"]).to_numpy())


def test_product_limit_table_rejects_bad_input():
    with pytest.raises(ValueError, match=">= 0"):
        survival.product_limit_table([-1, 2], [True, False])
    with pytest.raises(ValueError, match="same length"):
        survival.product_limit_table([1, 2], [True])


def test_unknown_endpoint_is_an_error(patients):
    with pytest.raises(ValueError, match="unknown endpoint"):
        survival.endpoint(patients, "disease_free_survival")
