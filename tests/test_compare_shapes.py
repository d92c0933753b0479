"""The sensitivity of the historical comparison: hazard shapes, reference uncertainty, like-with-like.

Values are worked by hand in the comments, or checked by a second method (simulation,
a Poisson tail, the inversion that defines an interval).
"""

from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pytest
from scipy.stats import poisson

from rtchx.core import compare, data

# Local-control follow-up (months) by size before radiotherapy, from Table 3:
#   10 cm or less: patients 1, 3, 4, 8, 9, 10 -> 72, 124, 106, 26, 13, 5
#   over 10 cm:   patients 2, 5, 6, 7, 11   ->  9, 21, 1, 6, 4
SMALL, LARGE = (72, 124, 106, 26, 13, 5), (9, 21, 1, 6, 4)
BIG_45, BIG_10 = -math.log(0.45), -math.log(0.10)


@pytest.fixture(scope="module")
def historical(repo):
    return data.load_historical(repo / "data")


@pytest.fixture(scope="module")
def literature(repo):
    return data.load_resource("literature", repo / "data")


def test_every_shape_passes_through_the_published_point():
    for shape in compare.SENSITIVITY_SHAPES:
        assert compare.cumulative_hazard(60, 0.45, 60, shape) == pytest.approx(BIG_45), shape.name


def test_shape_fractions_by_hand():
    assert compare.HazardShape.weibull(0.5).fraction(15, 60) == pytest.approx(0.5)        # (1/4) ** 0.5
    assert compare.HazardShape.weibull(2).fraction(30, 60) == pytest.approx(0.25)         # (1/2) ** 2
    early = compare.HazardShape.early(24, 0.8)
    assert early.fraction(12, 60) == pytest.approx(0.4)                                   # half of 80%
    assert early.fraction(42, 60) == pytest.approx(0.9)                                   # 0.8 + 0.2 * 18/36
    assert early.fraction(96, 60) == pytest.approx(1.2)                                   # 0.8 + 0.2 * 72/36
    assert compare.PLATEAU.fraction(120, 60) == 1.0 and compare.EXPONENTIAL.fraction(120, 60) == 2.0


def test_weibull_curve_by_simulation():
    # second method: draw failure times by inverting S(t) = exp(-H(t)) and read the curve off the sample
    rng = np.random.default_rng(7)
    shape = compare.HazardShape.weibull(0.5)
    times = 60 * (rng.exponential(size=200_000) / BIG_45) ** (1 / shape.weibull_k)
    for months in (6, 24, 60, 120):
        assert (times > months).mean() == pytest.approx(
            math.exp(-compare.cumulative_hazard(months, 0.45, 60, shape)), abs=0.005)


def test_weibull_expectation_by_hand(patients, historical):
    # E = sum over patients of -log(rate) * sqrt(t / 60)
    #   small: sqrt(72/60) + sqrt(124/60) + sqrt(106/60) + sqrt(26/60) + sqrt(13/60) + sqrt(5/60) = 5.2747
    #   large: sqrt(9/60) + sqrt(21/60) + sqrt(1/60) + sqrt(6/60) + sqrt(4/60)                     = 1.6824
    #   E = 0.7985 * 5.2747 + 2.3026 * 1.6824 = 4.212 + 3.874 = 8.086
    row = compare.observed_vs_expected(patients, historical, "kepka_by_size_cited", size_basis="before_rt",
                              shape=compare.HazardShape.weibull(0.5))
    assert row.expected_events == pytest.approx(8.086, abs=0.002)
    assert (row.shape.name, row.shape.kind, row.shape.weibull_k) == ("weibull k=0.5", compare.ShapeKind.WEIBULL, 0.5)
    # the reading: E about 8 and a two-sided exact p under 0.05, where the exponential gives neither
    assert row.p_exact < 0.05
    exponential = compare.observed_vs_expected(patients, historical, "kepka_by_size_cited", size_basis="before_rt")
    assert exponential.p_exact > 0.05


def test_one_sample_expectation_matches_simulated_failures(patients):
    # second method for E under a front-loaded shape: simulate failure times from the reference curve,
    # censor each patient at their own follow-up, and count failures. The mean count equals the mean of
    # the summed cumulative hazard up to min(failure, follow-up) (the martingale identity behind the test).
    rng = np.random.default_rng(11)
    shape = compare.HazardShape.early(24, 0.8)
    months = np.array(SMALL + LARGE, dtype=float)
    big = np.array([BIG_45] * len(SMALL) + [BIG_10] * len(LARGE))
    draws = rng.exponential(size=(40_000, len(months))) / big        # in units of the published point's H
    # invert the piecewise fraction: u <= 0.8 in the first 24 months, then linear up to 1 at 60 and on
    times = np.where(draws <= 0.8, 24 * draws / 0.8, 24 + (draws - 0.8) / 0.2 * 36)
    failures = (times <= months).sum(axis=1).mean()
    exposure = np.vectorize(lambda t, b: b * shape.fraction(t, 60))(np.minimum(times, months), big).sum(axis=1).mean()
    assert failures == pytest.approx(exposure, rel=0.02)


def test_one_sided_p_by_hand(patients, historical):
    row = compare.observed_vs_expected(patients, historical, "kepka_by_size_cited", size_basis="before_rt")
    e = row.expected_events                                 # 6.18
    assert row.p_exact_fewer == pytest.approx(math.exp(-e) * (1 + e + e * e / 2))
    assert row.p_exact == pytest.approx(2 * row.p_exact_fewer)


def test_critical_expected_by_a_poisson_tail():
    # by hand: chi2.ppf(0.975, 6) = 14.449, so E* = 7.2247; one-sided chi2.ppf(0.95, 6) = 12.592, E* = 6.296
    assert compare.critical_expected(2) == pytest.approx(7.2247, abs=1e-3)
    assert compare.critical_expected(2, sided="one") == pytest.approx(6.2958, abs=1e-3)
    assert poisson.cdf(2, compare.critical_expected(2)) == pytest.approx(0.025)
    assert poisson.cdf(2, compare.critical_expected(2, sided="one")) == pytest.approx(0.05)


def test_weibull_scan_marks_where_the_verdict_flips(patients, historical):
    scan = compare.weibull_scan(patients, historical)
    assert scan.flips_two_sided and scan.flips_one_sided
    for k in scan.flips_two_sided:
        row = compare.observed_vs_expected(patients, historical, "kepka_by_size_cited", size_basis="before_rt",
                                  shape=compare.HazardShape.weibull(k))
        assert row.p_exact == pytest.approx(0.05, abs=1e-4)
    low = scan.flips_two_sided[0]
    assert 0.5 < low < 1                      # between the k = 0.5 (significant) and the exponential
    assert scan.significant(low - 0.05) and not scan.significant(low + 0.05) and not scan.significant(1.0)


def test_implied_weibull_shapes_by_hand(literature):
    ks = [e.k for e in compare.implied_weibull_k(literature)]
    # Zagars: log(log(0.80) / log(0.82)) / log 2 = log(0.22314 / 0.19845) / 0.69315 = 0.1692
    assert ks[0] == pytest.approx(0.1692, abs=1e-3)
    # Eilber: log(0.65 / 0.90) / log(24 / 48) = -0.32542 / -0.69315 = 0.4695
    assert ks[-1] == pytest.approx(0.4695, abs=1e-3)


def test_wilson_interval_inverts_the_score_test():
    low, high = compare.wilson_interval(0.1, 33)
    # the interval's ends are the proportions whose score statistic equals 1.96
    for end in (low, high):
        assert abs(0.1 - end) / math.sqrt(end * (1 - end) / 33) == pytest.approx(1.959964, abs=1e-5)
    assert low < 0.1 < high


def test_kepka_5to10_size_bounds_by_hand(historical, literature):
    # 112 patients, 33 of 10 cm or more, median 8 cm: at least 56 - 33 = 23, at most 112 - 33 = 79
    assert compare.kepka_5to10_size_bounds(historical, literature) == (23, 79)


def test_reference_range_by_hand(patients, historical, literature):
    r = compare.reference_range(patients, historical, literature)
    low45, high45 = compare.wilson_interval(0.45, 23)
    low10, high10 = compare.wilson_interval(0.10, 33)
    # exponential: E = sum(months) * -log(rate) / 60 for each class (346 and 41 months)
    assert r.expected_most == pytest.approx((346 * -math.log(low45) + 41 * -math.log(low10)) / 60)
    assert r.expected_fewest == pytest.approx((346 * -math.log(high45) + 41 * -math.log(high10)) / 60)
    assert r.expected_fewest < r.expected < r.expected_most
    assert r.p_exact_most < 0.05 < r.p_exact < r.p_exact_fewest
    assert r.rates["5-10 cm"].subgroup_size == 23 and r.rates[">10 cm"].subgroup_size == 33
    assert (r.rates["5-10 cm"].low, r.rates["5-10 cm"].high) == (low45, high45)


def test_goffman_against_the_large_tumours_by_hand(patients, historical):
    # initial size over 10 cm: patients 2, 5, 6, 7, 8, 11 with 9 + 21 + 1 + 6 + 26 + 4 = 67 months, 2 failures
    row = compare.large_tumours_against(patients, historical, "goffman_lc_3y", size_basis="initial")
    assert row.patients == 6 and row.comparison.observed_events == 2
    assert row.comparison.expected_events == pytest.approx(67 * -math.log(0.37) / 36)
    assert row.p_exact_fewer_floor == pytest.approx(math.exp(-67 * -math.log(0.37) / 36))   # P(X = 0)
    # before radiotherapy: patient 8 drops out (residual 4 cm): 41 months
    row = compare.large_tumours_against(patients, historical, "goffman_lc_3y", size_basis="before_rt")
    assert row.patients == 5 and row.comparison.expected_events == pytest.approx(41 * -math.log(0.37) / 36)


@pytest.mark.parametrize("call, message", [
    (lambda: compare.HazardShape.weibull(0), "k > 0"),
    (lambda: compare.HazardShape.early(24, 1.2), "strictly"),
    (lambda: compare.cumulative_hazard(10, 0.45, 12, compare.HazardShape.early(24, 0.8)), "must end before"),
    (lambda: compare.critical_expected(2, sided="both"), "sided"),
    (lambda: compare.wilson_interval(0.4, 0), "n >= 1"),
])
def test_bad_shapes_get_a_clear_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_cli_carries_every_sensitivity_variant(repo):
    out = subprocess.run([sys.executable, "-m", "rtchx", "compare", "--json"], cwd=repo,
                         capture_output=True, text=True, check=True).stdout
    rows = json.loads(out)
    variants = [r for r in rows if r.get("analysis") == "sensitivity"]
    assert {r["shape"] for r in variants} == {s.name for s in compare.SENSITIVITY_SHAPES}
    assert len(variants) == len(compare.SENSITIVITY_SHAPES) * len(compare.SENSITIVITY)
    weibull = next(r for r in variants if r["shape"] == "weibull k=0.5" and r["comparator"] == "kepka_by_size_cited"
                   and r["size_basis"] == "before_rt")
    assert weibull["weibull_k"] == 0.5 and weibull["expected_events"] == pytest.approx(8.086, abs=0.002)
    assert weibull["reference_rates"]["5-10 cm"]["subgroup_size"] == 23
    assert weibull["expected_events_fewest"] < weibull["expected_events"] < weibull["expected_events_most"]
    assert {r["analysis"] for r in rows} >= {"comparison", "sensitivity", "evidence shape", "large tumours",
                                             "weibull scan"}
    supported = next(r for r in rows if r["analysis"] == "evidence shape" and r["size_basis"] == "before_rt")
    assert supported["then_plateau"] and supported["weibull_k"] == pytest.approx(0.4695, abs=1e-3)
    # an independent re-derivation (the chapter's review) gave E = 7.68 and p = 0.035 for this shape
    assert supported["expected_events"] == pytest.approx(7.68, abs=0.01)
    assert supported["p_exact"] == pytest.approx(0.035, abs=0.001)
    assert supported["p_exact_averaged"] > supported["p_exact"]
    scan = next(r for r in rows if r["analysis"] == "weibull scan")
    assert scan["flips_two_sided"][0] == pytest.approx(compare.weibull_scan(
        data.with_derived_columns(data.load_patients(repo / "data")), data.load_historical(repo / "data"))
        .flips_two_sided[0])


def test_a_tumour_of_exactly_10_cm_is_not_over_10_cm(patients, historical):
    edited = patients.copy()
    edited.loc[edited["patient"] == 1, "diameter_initial_cm"] = 10.0
    assert compare.large_tumours_against(edited, historical, size_basis="initial").patients == 6
    edited.loc[edited["patient"] == 1, "diameter_initial_cm"] = 10.5
    assert compare.large_tumours_against(edited, historical, size_basis="initial").patients == 7


def test_weibull_then_plateau_by_hand():
    shape = compare.HazardShape.weibull(0.5, then_plateau=True)
    assert shape.fraction(15, 60) == pytest.approx(0.5) and shape.fraction(240, 60) == 1.0
    assert shape.front_loaded and shape.name == "weibull k=0.5 then plateau"


def test_the_published_timing_supports_early_failures_then_a_flat_tail(literature):
    evidence = compare.implied_weibull_k(literature)
    assert [e.period for e in evidence] == [compare.Period.AFTER, compare.Period.AFTER, compare.Period.BEFORE]
    shape = compare.evidence_shape(evidence)
    # Eilber's reading sets the first five years (k = 0.4695); Zagars' flat tail (k < 0.5) stops it at 60 months
    assert shape.weibull_k == pytest.approx(0.4695, abs=1e-3) and shape.then_plateau


def test_reference_uncertainty_propagated_matches_integration(patients, historical, literature):
    # second method: integrate the exact p over the two Beta distributions on a grid of their quantiles
    # (exponential shape: E = 346/60 * -log(r1) + 41/60 * -log(r2), r1 for 5-10 cm with n = 23, r2 for >10 cm, n = 33)
    from scipy.stats import beta

    r = compare.reference_range(patients, historical, literature)
    grid = (np.arange(300) + 0.5) / 300
    r1 = beta.ppf(grid, 0.45 * 23 + 0.5, 0.55 * 23 + 0.5)
    r2 = beta.ppf(grid, 0.10 * 33 + 0.5, 0.90 * 33 + 0.5)
    e = (346 * -np.log(r1)[:, None] + 41 * -np.log(r2)[None, :]) / 60
    p = np.minimum(1, 2 * np.minimum(poisson.cdf(2, e), poisson.sf(1, e)))
    assert r.p_exact_averaged == pytest.approx(p.mean(), abs=0.01)
    assert r.expected_low == pytest.approx(np.quantile(e, 0.025), rel=0.03)
    assert r.expected_high == pytest.approx(np.quantile(e, 0.975), rel=0.03)
    # carrying the reference's uncertainty weakens the evidence: the averaged p is above the p at the published rates
    assert r.p_exact_averaged > r.p_exact


def test_significance_is_counted_by_shape_family(patients, historical):
    rows = [r for r in compare.sensitivity(patients, historical)
            if r.size_matched and r.size_basis == "before_rt"]
    counts = compare.significant_by_family(rows)
    # two size-matched comparisons on this basis under six shapes: three front-loaded shapes (Weibull 0.5, the same
    # then flat, 80% by 24 months), and one each constant, plateau and rising (Weibull 1.5)
    assert {family: total for family, (_, total) in counts.items()} == {
        compare.ShapeFamily.FRONT_LOADED: 6, compare.ShapeFamily.CONSTANT: 2, compare.ShapeFamily.PLATEAU: 2,
        compare.ShapeFamily.RISING: 2}
    # second method: with O = 2 the two-sided exact p is below 0.05 exactly when E exceeds the critical E
    critical = compare.critical_expected(2)
    for family, (significant, _) in counts.items():
        assert significant == sum(r.expected_events > critical for r in rows
                                  if compare.shape_family(r.shape) is family)
    assert compare.shape_family(compare.HazardShape.weibull(1)) is None


@pytest.mark.parametrize("comparator, size_basis", [("kepka_by_size_cited", "before_rt"),
                                                    ("kepka_by_size_source", "initial"),
                                                    ("goffman_lc_3y", "none"), ("kepka_os_all_source", "none")])
def test_the_scan_gives_at_every_k_what_the_full_comparison_gives(patients, historical, comparator, size_basis):
    """The scan computes E and its p alone at each k; the full comparison, run afresh, is the second method."""
    ks = (0.3, 0.65, 1.0, 1.75)
    scan = compare.weibull_scan(patients, historical, comparator=comparator, size_basis=size_basis, ks=ks)
    for k, e, p_two, p_one in zip(ks, scan.expected, scan.p_two_sided, scan.p_one_sided, strict=True):
        full = compare.observed_vs_expected(patients, historical, comparator, size_basis=size_basis,
                                            shape=compare.HazardShape.weibull(k))
        assert (e, p_two, p_one) == pytest.approx((full.expected_events, full.p_exact, full.p_exact_fewer), rel=1e-12)
        assert scan.observed == full.observed_events
