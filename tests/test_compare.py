"""Comparisons with the historical series, against arithmetic done by hand."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest
from scipy.stats import poisson

from rtchx.book.tables import reference_label
from rtchx.core import compare, data, survival

# Local-control follow-up (months) by size before radiotherapy, from Table 3:
#   10 cm or less: patients 1, 3, 4, 8, 9, 10 -> 72 + 124 + 106 + 26 + 13 + 5 = 346 months
#   over 10 cm:   patients 2, 5, 6, 7, 11   ->  9 + 21 + 1 + 6 + 4          = 41 months
LAMBDA_45 = -math.log(0.45) / 60
LAMBDA_10 = -math.log(0.10) / 60


def test_cumulative_hazard_shapes_by_hand():
    assert compare.cumulative_hazard(120, 0.45, 60) == pytest.approx(2 * -math.log(0.45))
    assert compare.cumulative_hazard(120, 0.45, 60, "plateau") == pytest.approx(-math.log(0.45))
    assert compare.cumulative_hazard(30, 0.45, 60, "plateau") == pytest.approx(-math.log(0.45) / 2)


def test_size_standardised_expectation_by_hand(patients, repo):
    expected = 346 * LAMBDA_45 + 41 * LAMBDA_10
    got = compare.expected_events(patients, rates_by_size={"5-10 cm": 0.45, ">10 cm": 0.10},
                                          size_basis="before_rt", timepoint=60)
    assert got == pytest.approx(expected)
    # plateau: follow-up beyond 60 months stops counting: 60 + 60 + 60 + 26 + 13 + 5 = 224 months
    plateau = compare.expected_events(patients, rates_by_size={"5-10 cm": 0.45, ">10 cm": 0.10},
                                              size_basis="before_rt", timepoint=60, shape="plateau")
    assert plateau == pytest.approx(224 * LAMBDA_45 + 41 * LAMBDA_10)


def test_one_sample_logrank_by_hand():
    e = 346 * LAMBDA_45 + 41 * LAMBDA_10   # about 6.18
    result = compare.one_sample_logrank(2, e)
    lower_tail = math.exp(-e) * (1 + e + e**2 / 2)   # P(X <= 2) for a Poisson mean e, by hand
    assert result.p_exact == pytest.approx(2 * lower_tail)
    assert result.p_normal == pytest.approx(math.erfc(abs(2 - e) / math.sqrt(e) / math.sqrt(2)))
    assert result.o_over_e == pytest.approx(2 / e)
    # exact Poisson limits for O = 2: the means whose tail probabilities are 2.5%
    low, high = result.o_over_e_ci_low * e, result.o_over_e_ci_high * e
    assert poisson.sf(1, low) == pytest.approx(0.025) and poisson.cdf(2, high) == pytest.approx(0.025)


def test_km_at_timepoint_plain_and_log_log(patients):
    result = compare.km_at_timepoint(patients, 60)
    variance = 1 / (8 * 7) + 1 / (5 * 4)          # Greenwood, failures at 6 and 21 months
    assert result.estimate == pytest.approx(0.7)
    assert result.plain_ci_high == pytest.approx(0.7 + 1.959963984540054 * 0.7 * math.sqrt(variance))
    assert result.plain_ci_high > 1 > result.ci_high   # why the log(-log) interval is primary


def test_km_at_timepoint_follows_the_data_it_is_given(patients):
    """The estimate is remembered by its inputs' values: changed data, or another time, is computed afresh."""
    assert compare.km_at_timepoint(patients, 60).estimate == pytest.approx(0.7)
    edited = patients.copy()   # patient 5's local failure at 21 months censored: 7/8 from 6 months on
    edited.loc[edited["local_failure"] & (edited["lc_months"] == 21), "local_failure"] = False
    assert compare.km_at_timepoint(edited, 60).estimate == pytest.approx(7 / 8)
    assert compare.km_at_timepoint(patients, 12).estimate == pytest.approx(7 / 8)
    assert compare.km_at_timepoint(patients, 60, "overall_survival").estimate == pytest.approx(3 / 11)


@pytest.mark.parametrize("call, message", [
    (lambda: compare.cumulative_hazard(10, 1.2, 60), "strictly between 0 and 1"),
    (lambda: compare.cumulative_hazard(10, 0.0, 60), "strictly between 0 and 1"),
    (lambda: compare.cumulative_hazard(-1, 0.45, 60), "negative"),
    (lambda: compare.cumulative_hazard(10, 0.45, 60, "weibull"), "unknown hazard shape"),
    (lambda: compare.one_sample_logrank(2, 5.0, alpha=1.5), "alpha"),
    (lambda: compare.one_sample_logrank(2, 0.0), "expected events"),
])
def test_bad_parameters_get_a_clear_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_cli_prints_every_comparison_as_json(repo):
    out = subprocess.run([sys.executable, "-m", "rtchx", "compare", "--json"], cwd=repo,
                         capture_output=True, text=True, check=True).stdout
    rows = [r for r in json.loads(out) if r["analysis"] == "comparison"]
    keys = {"comparator", "endpoint", "timepoint_months", "historical_rate", "size_basis", "observed_events",
            "expected_events", "p_exact", "p_normal", "km_estimate", "km_ci_low", "km_ci_high"}
    assert rows and all(keys <= set(r) for r in rows)
    primary = next(r for r in rows if r["comparator"] == "kepka_by_size_cited" and r["size_basis"] == "before_rt")
    assert primary["expected_events"] == pytest.approx(346 * LAMBDA_45 + 41 * LAMBDA_10)
    assert primary["observed_events"] == 2


def test_cli_refuses_a_bad_alpha(repo):
    result = subprocess.run([sys.executable, "-m", "rtchx", "compare", "--alpha", "2"], cwd=repo,
                            capture_output=True, text=True)
    assert result.returncode == 2 and "alpha" in result.stderr


def test_overall_survival_against_kepka_by_hand(patients, repo):
    # 8 deaths; survival times sum to 72+9+124+106+30+1+10+26+13+5+4 = 400 months at Kepka's 35% at 5 years
    row = compare.observed_vs_expected(patients, data.load_historical(repo / "data"), "kepka_os_all_source")
    assert row.endpoint == "overall_survival" and row.observed_events == 8
    assert row.expected_events == pytest.approx(400 * -math.log(0.35) / 60)
    assert row.km_estimate == pytest.approx(3 / 11)   # three survivors, all followed past 5 years


def test_size_mix_rate_by_hand(patients):
    # before radiotherapy 6 patients are 10 cm or less (45%) and 5 are over (10%)
    rates = {"5-10 cm": 0.45, ">10 cm": 0.10}
    assert compare.size_mix_rate(patients, rates, "before_rt") == pytest.approx((6 * 0.45 + 5 * 0.10) / 11)
    # initially only patients 1, 3, 4, 9, 10 are 10 cm or less
    assert compare.size_mix_rate(patients, rates, "initial") == pytest.approx((5 * 0.45 + 6 * 0.10) / 11)


def test_per_patient_contributions_add_up_to_e(patients):
    parts = compare.expected_by_patient(patients, rates_by_size={"5-10 cm": 0.45, ">10 cm": 0.10},
                                        size_basis="before_rt", timepoint=60)
    assert list(parts["patient"]) == list(range(1, 12))
    assert parts.loc[parts["patient"] == 3, "cumulative_hazard"].item() == pytest.approx(124 * LAMBDA_45)
    assert parts["cumulative_hazard"].sum() == pytest.approx(346 * LAMBDA_45 + 41 * LAMBDA_10)


def test_competing_risk_view(patients):
    view = compare.competing_risk_view(patients, 60)
    assert view.one_minus_km == pytest.approx(0.3)
    # Aalen-Johansen by hand: failures at 6 months (8 at risk, all-cause survival just before = 8/11)
    # and at 21 months (5 at risk, all-cause survival just before = 5/11): 8/11 * 1/8 + 5/11 * 1/5 = 2/11
    assert view.cumulative_incidence == pytest.approx(2 / 11)


def test_sensitivity_covers_every_variant_under_every_shape(patients, repo):
    rows = compare.sensitivity(patients, data.load_historical(repo / "data"))
    assert len(rows) == len(compare.SENSITIVITY_SHAPES) * len(compare.SENSITIVITY)
    assert {(r.comparator, r.size_basis, r.shape.name) for r in rows} == {
        (c, b, s.name) for c, b in compare.SENSITIVITY for s in compare.SENSITIVITY_SHAPES}
    assert reference_label(rows[0]) == "Kepka by size (as cited), size before RT"
    # both directions are tried: a shape with fewer late failures and shapes with more early ones
    assert any(s.kind is compare.ShapeKind.PLATEAU for s in compare.SENSITIVITY_SHAPES)
    assert sum(s.front_loaded for s in compare.SENSITIVITY_SHAPES) >= 2
    # the plateau can only lower E
    by = {(r.shape.name, r.comparator, r.size_basis): r.expected_events for r in rows}
    assert all(by[("plateau", c, b)] <= by[("exponential", c, b)] for c, b in compare.SENSITIVITY)


@pytest.mark.parametrize("comparator, basis, message", [
    ("kepka_by_size_cited", "none", "needs a size basis"),
    ("goffman_lc_3y", "initial", "one rate for everybody"),
    ("kepka_share_g3", "none", "not a survival rate"),
    ("nobody_2030", "none", "unknown comparator"),
])
def test_observed_vs_expected_refuses_what_it_cannot_do(patients, repo, comparator, basis, message):
    with pytest.raises(ValueError, match=message):
        compare.observed_vs_expected(patients, data.load_historical(repo / "data"), comparator, size_basis=basis)


def test_one_sample_logrank_reproduces_a_published_worked_example(repo):
    """OneArm2stage's documented example (man/LRT.Rd): O = 18, E = 16.3598, Z = -0.4055 (tests/fixtures/README.md)."""
    import pandas as pd

    trial = pd.read_csv(repo / "tests" / "fixtures" / "oneArm2stage_kj1_final.csv")
    expected = sum(compare.cumulative_hazard(t, 0.62, 2) for t in trial["time"])
    result = compare.one_sample_logrank(int(trial["status"].sum()), expected)
    assert result.observed_events == 18
    assert result.expected_events == pytest.approx(16.3598, abs=5e-5)
    z = (expected - 18) / math.sqrt(expected)          # their sign: positive when fewer events than expected
    assert z == pytest.approx(-0.4055, abs=5e-5)
    assert result.p_normal == pytest.approx(math.erfc(0.4055 / math.sqrt(2)), abs=1e-4)   # two-sided


def test_reference_inside_band_by_hand(patients):
    fit = survival.kaplan_meier(patients, "local_control")
    low = fit.confidence_interval_.iloc[-1, 0]   # the band's floor after the last failure (21 months)
    # 0.45 ** (t / 60) stays above that floor while t <= 60 ln(low) / ln(0.45)
    assert compare.reference_inside_band(fit, 0.45, 60) == math.floor(60 * math.log(low) / math.log(0.45))
    assert compare.reference_inside_band(fit, 0.10, 60) == math.floor(60 * math.log(low) / math.log(0.10))


def test_expected_by_size_by_hand(patients):
    split = compare.expected_by_size(patients, {"5-10 cm": 0.45, ">10 cm": 0.10}, "before_rt", 60)
    small, large = split.small, split.large
    assert (small.patients, small.observed, small.months) == (6, 0, 346)
    assert small.expected == pytest.approx(346 * LAMBDA_45) and small.hazard == pytest.approx(LAMBDA_45)
    assert (large.patients, large.observed, large.months) == (5, 2, 41)
    assert large.expected == pytest.approx(41 * LAMBDA_10)
    # followed 72 months or more: patients 1, 3 and 4 (72 + 124 + 106 = 302 months), all 10 cm or less
    assert (small.long_patients, large.long_patients) == (3, 0)
    assert small.long_expected == pytest.approx(302 * LAMBDA_45) and large.long_expected == 0


def test_reference_curve_passes_through_its_published_point():
    curve = compare.reference_curve(0.45, 60, "plateau", xmax=120, points=5)      # months 0, 30, 60, 90, 120
    assert curve.months == (0.0, 30.0, 60.0, 90.0, 120.0)
    assert curve.survival == pytest.approx((1.0, 0.45 ** 0.5, 0.45, 0.45, 0.45))  # flat after the time point


def test_competing_death_hazard_by_hand(patients):
    # deaths without local failure: patients 2, 6, 8, 9, 10, 11; local-control follow-up 346 + 41 = 387 months
    assert survival.competing_death_hazard(patients) == pytest.approx(6 / 387)


def test_labels_name_the_treatment_of_a_non_radiotherapy_alone_series(patients, repo):
    row = compare.observed_vs_expected(patients, data.load_historical(repo / "data"), "goffman_lc_3y")
    assert reference_label(row) == "Goffman (RT + IdUrd): 37% at 36 mo, applied to every patient"
