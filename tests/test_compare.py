"""Comparisons with the historical series, against arithmetic done by hand."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest
from scipy.stats import poisson

from rtchx import compare, data

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
    got = compare.expected_local_failures(patients, rates_by_size={"5-10 cm": 0.45, ">10 cm": 0.10},
                                          size_basis="before_rt", timepoint=60)
    assert got == pytest.approx(expected)
    # plateau: follow-up beyond 60 months stops counting: 60 + 60 + 60 + 26 + 13 + 5 = 224 months
    plateau = compare.expected_local_failures(patients, rates_by_size={"5-10 cm": 0.45, ">10 cm": 0.10},
                                              size_basis="before_rt", timepoint=60, shape="plateau")
    assert plateau == pytest.approx(224 * LAMBDA_45 + 41 * LAMBDA_10)


def test_one_sample_logrank_by_hand():
    e = 346 * LAMBDA_45 + 41 * LAMBDA_10   # about 6.18
    result = compare.one_sample_logrank(2, e)
    lower_tail = math.exp(-e) * (1 + e + e**2 / 2)   # P(X <= 2) for a Poisson mean e, by hand
    assert result["p_exact"] == pytest.approx(2 * lower_tail)
    assert result["p_normal"] == pytest.approx(math.erfc(abs(2 - e) / math.sqrt(e) / math.sqrt(2)))
    assert result["o_over_e"] == pytest.approx(2 / e)
    # exact Poisson limits for O = 2: the means whose tail probabilities are 2.5%
    low, high = result["o_over_e_ci_low"] * e, result["o_over_e_ci_high"] * e
    assert poisson.sf(1, low) == pytest.approx(0.025) and poisson.cdf(2, high) == pytest.approx(0.025)


def test_km_at_timepoint_plain_and_log_log(patients):
    result = compare.km_at_timepoint(patients, 60)
    variance = 1 / (8 * 7) + 1 / (5 * 4)          # Greenwood, failures at 6 and 21 months
    assert result["km_estimate"] == pytest.approx(0.7)
    assert result["km_plain_ci_high"] == pytest.approx(0.7 + 1.959963984540054 * 0.7 * math.sqrt(variance))
    assert result["km_plain_ci_high"] > 1 > result["km_ci_high"]   # why the log(-log) interval is primary


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
    rows = json.loads(out)
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
