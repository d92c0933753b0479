"""Kaplan-Meier estimates against values worked out by hand from Table 3.

Local control (event = local failure, deaths censored), sorted times:
1c 4c 5c 6E 9c 13c 21E 26c 72c 106c 124c. At 6 months 8 are at risk, so
S = 7/8; at 21 months 5 are at risk, so S = 7/8 * 4/5 = 0.7, and the curve
stays there. Overall survival: deaths at 1, 4, 5, 9, 10, 13, 26, 30 with one
patient leaving the risk set at each, so S drops by 1/11 each time to 3/11.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from rtchx.core import survival


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


# --- intervals against a second implementation (scipy) --------------------------------------------

def scipy_band(patients, name):
    from scipy.stats import CensoredData, ecdf

    durations, events = survival.endpoint(patients, name)
    sample = CensoredData(uncensored=durations[events].to_numpy(), right=durations[~events].to_numpy())
    with warnings.catch_warnings():  # scipy notes the log-log band is undefined where S = 1, as it is
        warnings.filterwarnings("ignore", "The confidence interval is undefined", RuntimeWarning)
        return ecdf(sample).sf.confidence_interval(confidence_level=0.95, method="log-log")


@pytest.mark.parametrize("name", ["overall_survival", "local_control"])
@pytest.mark.parametrize("months", [6, 13, 24, 30, 60])
def test_confidence_band_agrees_with_scipy(patients, name, months):
    band = scipy_band(patients, name)
    fit = survival.kaplan_meier(patients, name)
    low, high = survival.confidence_at(fit, months)
    expected = (float(band.low.evaluate(months)), float(band.high.evaluate(months)))
    assert (low, high) == pytest.approx(expected, abs=1e-6)


def test_median_interval_by_hand_and_by_scipy(patients, os_fit):
    # The interval's limits are where the band's edges first reach 50%: read them off scipy's band too.
    median, low, high = survival.median_with_ci(os_fit)
    band = scipy_band(patients, "overall_survival")
    times = np.sort(patients["os_months"].unique())
    assert median == 13
    assert low == times[np.argmax(band.low.evaluate(times) <= 0.5)] == 4
    assert not (band.high.evaluate(times) <= 0.5).any() and math.isinf(high)


def test_reverse_km_median_follow_up_by_hand(patients):
    # Roles swapped: being seen alive is the 'event' (72, 106, 124); every death is censored first.
    # At 72 three remain (S = 2/3), at 106 two (S = 1/3 <= 1/2): the median is 106 months.
    fit = survival.reverse_km(patients)
    assert survival.survival_at(fit, 72) == pytest.approx(2 / 3)
    assert fit.median_survival_time_ == 106


def test_disease_free_bounds_by_hand(patients):
    latest, earliest = survival.disease_free_bounds(patients)
    # latest events: deaths at death, or at local failure when earlier (patients 5 and 7: 21 and 6)
    assert sorted(latest.durations[latest.event_observed == 1]) == [1, 4, 5, 6, 9, 13, 21, 26]
    assert latest.median_survival_time_ == 13
    assert earliest.median_survival_time_ == 0
    for fit in (latest, earliest):
        assert survival.survival_at(fit, 60) == pytest.approx(3 / 11)


def test_metastasis_free_upper_bound_is_overall_survival(patients, os_fit):
    # a local failure is not a metastasis: the latest possible events are the deaths themselves
    latest, _ = survival.event_free_bounds(patients, local_failure_is_event=False)
    times = [1, 6, 13, 21, 30, 60, 124]
    assert np.allclose(latest.survival_function_at_times(times), os_fit.survival_function_at_times(times))


def test_metastasis_free_bounds_by_hand(patients):
    # Metastasis-free survival: metastasis or death, whichever first; a local failure is no event.
    # Table 3's deaths (DOD), patient: months -> 6: 1, 11: 4, 10: 5, 2: 9, 7: 10, 9: 13, 8: 26, 5: 30;
    # the three alive without disease (1: 72, 4: 106, 3: 124) never had an event.
    # Latest events: at death (patients 5 and 7 at 30 and 10, not at their local failures 21 and 6 as for
    # disease-free survival). Nobody is censored before 30, so S(t) = (11 - deaths by t) / 11:
    #   S(12) = (11 - 5)/11 = 6/11, S(24) = (11 - 6)/11 = 5/11, S(60) = 3/11.
    #   Median: S(10) = 6/11 > 1/2, S(13) = 5/11 <= 1/2, so 13 months.
    # Earliest events: all eight deaths at the start, S(t) = 3/11 from time 0 on, median 0.
    # So at five years the band is [3/11, 3/11] = 27.3% (the paper: 34%, above it), and the median
    # lies anywhere in [0, 13] months (the paper: 8, inside).
    latest, earliest = survival.metastasis_free_bounds(patients)
    assert sorted(latest.durations[latest.event_observed == 1]) == [1, 4, 5, 9, 10, 13, 26, 30]
    for months, expected in ((12, 6 / 11), (24, 5 / 11), (60, 3 / 11), (124, 3 / 11)):
        assert survival.survival_at(latest, months) == pytest.approx(expected)
        assert survival.survival_at(earliest, months) == pytest.approx(3 / 11)
    assert latest.median_survival_time_ == 13
    assert earliest.median_survival_time_ == 0
    assert survival.position_in_band(0.34, survival.survival_at(earliest, 60),
                                     survival.survival_at(latest, 60)) is survival.BandPosition.ABOVE
    assert survival.position_in_band(8, earliest.median_survival_time_,
                                     latest.median_survival_time_) is survival.BandPosition.INSIDE


@pytest.mark.parametrize("bounds", [survival.disease_free_bounds, survival.metastasis_free_bounds])
def test_every_curve_the_data_allow_lies_in_the_band(patients, bounds):
    # A second method: draw each death's event time at random in (0, latest possible time], build the
    # curve with the hand-written product-limit table (not lifelines), and check it stays in the band.
    latest, earliest = bounds(patients)
    died = np.asarray(latest.event_observed, dtype=bool)
    latest_times = np.asarray(latest.durations, dtype=float)
    grid = np.arange(0, 125, 0.5)
    low = earliest.survival_function_at_times(grid).to_numpy()
    high = latest.survival_function_at_times(grid).to_numpy()
    rng = np.random.default_rng(20100)
    for _ in range(200):
        times = np.where(died, rng.uniform(0, 1, len(died)) * latest_times, latest_times)
        times = np.maximum(times, 1e-6)
        table = survival.product_limit_table(times, died)
        steps = np.searchsorted(table["time"].to_numpy(), grid, side="right")   # rows with time <= t
        curve = np.concatenate([[1.0], table["survival"].to_numpy()])[steps]
        assert np.all(curve >= low - 1e-12) and np.all(curve <= high + 1e-12)


@pytest.mark.parametrize("value, expected", [
    (0.2, survival.BandPosition.BELOW), (3 / 11, survival.BandPosition.INSIDE),
    (0.3, survival.BandPosition.INSIDE), (0.34, survival.BandPosition.ABOVE),
])
def test_position_in_band(value, expected):
    # the band [3/11, 0.3]: edges count as inside
    assert survival.position_in_band(value, 0.3, 3 / 11) is expected


def test_cumulative_incidence_of_local_failure_by_hand(patients):
    # Nobody is censored before the last event (26 months), so the Aalen-Johansen estimate is the plain
    # share: 1/11 after the failure at 6 months, 2/11 after the one at 21.
    assert survival.cumulative_incidence_of_local_failure(patients, 5) == pytest.approx(0)
    assert survival.cumulative_incidence_of_local_failure(patients, 6) == pytest.approx(1 / 11)
    assert survival.cumulative_incidence_of_local_failure(patients, 60) == pytest.approx(2 / 11)


def test_logrank_local_control_by_initial_size_by_hand(patients):
    # Failures at 6 and 21 months, both in tumours > 10 cm. At 6: 4 of 8 at risk are > 10 cm,
    # E = 4/8, V = 4*4*1*7 / (8^2 * 7). At 21: 2 of 5, E = 2/5, V = 2*3*1*4 / (5^2 * 4).
    expected = 4 / 8 + 2 / 5
    variance = 4 * 4 * 7 / (64 * 7) + 2 * 3 * 4 / (25 * 4)
    groups = patients["diameter_initial_cm"].map(lambda d: "big" if d > 10 else "small")
    test = survival.logrank(patients, "local_control", groups)
    assert test.statistic == pytest.approx((2 - expected) ** 2 / variance)
    assert test.df == 1 and test.p == pytest.approx(math.erfc(math.sqrt(test.statistic / 2)))  # chi-square, 1 df
    assert test.groups == (survival.GroupOutcome("big", 6, 2), survival.GroupOutcome("small", 5, 0))
    assert (test.events, test.smaller_share) == (2, 5 / 11)


def test_logrank_needs_two_groups(patients):
    with pytest.raises(ValueError, match="two groups"):
        survival.logrank(patients, "overall_survival", ["all"] * len(patients))


def test_subgroup_table_covers_every_grouping_for_both_endpoints(patients):
    tests = survival.subgroup_tests(patients)
    assert len(tests) == 2 * len(survival.GROUPINGS)
    # Table 3 by hand: 8 deaths (patients 2 and 5 to 11, status DOD) and 2 local failures in all;
    # groups come as codes (over 10 cm: "gt10"); the book layer names them
    # the initial-size split has 6 tumours over 10 cm (both local failures among them) and 5 of 10 cm or less
    size = tests.set_index(["endpoint", "grouping"]).loc[("local_control", "size_initial")]
    assert (size["group_1"], size["patients_1"], size["events_1"]) == ("gt10", 6, 2)
    assert (size["group_2"], size["patients_2"], size["events_2"]) == ("le10", 5, 0)
    assert size["share"] == pytest.approx(5 / 11)
    assert (tests["patients_1"] + tests["patients_2"] == 11).all()
    assert set(tests.groupby("endpoint")["events"].unique().map(tuple)) == {(8,), (2,)}
    assert tests["p"].between(0, 1).all() and (tests["events"] <= 11).all()


def test_follow_up_by_the_three_definitions_by_hand(patients):
    # every patient's time, sorted: 1 4 5 9 10 13 26 30 72 106 124 -> the sixth of eleven is 13;
    # the three alive without disease: 72 106 124 -> 106; the reverse Kaplan-Meier median is 106 (above)
    assert survival.follow_up(patients) == survival.FollowUp(median_all=13, median_alive=106, median_reverse_km=106)


def test_event_free_bounds_name_their_ranges(patients):
    # disease-free survival (see the by-hand test above): at five years both edges are 3/11, the median
    # lies between 0 (every event at the start) and 13 months
    bounds = survival.disease_free_bounds(patients)
    assert bounds.at(60) == pytest.approx((3 / 11, 3 / 11)) and bounds.median() == (0, 13)
    checked = survival.reported_in_range(0.34, bounds.at(60))
    assert (checked.reported, checked.position) == (0.34, survival.BandPosition.ABOVE)
    assert survival.reported_in_range(8, bounds.median()).position is survival.BandPosition.INSIDE


def test_interval_and_median_read_by_name(lc, os_fit):
    band = survival.confidence_at(lc, 60)
    assert (band.low, band.high) == tuple(band) and band.low < 0.7 < band.high
    median = survival.median_with_ci(os_fit)
    assert (median.months, median.low) == (13, 4) and math.isinf(median.high)


def test_fits_carry_the_endpoint_name_not_a_reader_label(lc, os_fit):
    assert (lc.label, os_fit.label) == ("local_control", "overall_survival")


def test_a_remembered_fit_follows_the_data_and_is_the_callers_own(patients):
    """kaplan_meier fits each distinct set of inputs once (fit_km): new values, or the same values on other
    patients, give a new fit; and what one caller changes in its fit never reaches the next caller."""
    first = survival.kaplan_meier(patients, "local_control")
    first.survival_function_.iloc[:, 0] = 0.0   # a caller scribbles on its fit
    again = survival.kaplan_meier(patients, "local_control")
    assert again is not first and survival.survival_at(again, 60) == pytest.approx(0.7)   # 7/8 * 4/5, by hand
    # patient 5's local failure at 21 months censored instead: 7/8 from 6 months on, by hand
    edited = patients.copy()
    edited.loc[edited["local_failure"] & (edited["lc_months"] == 21), "local_failure"] = False
    assert survival.survival_at(survival.kaplan_meier(edited, "local_control"), 60) == pytest.approx(7 / 8)
    # one patient fewer: 10 at risk at the start
    assert survival.kaplan_meier(patients.iloc[1:], "local_control").event_table["at_risk"].iloc[0] == 10
