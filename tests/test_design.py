"""Trial sizing: against published tables (data/published_designs.csv), hand arithmetic and simulation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import binom, norm

from rtchx.book.tables import design_rule
from rtchx.core import data, design


@pytest.fixture(scope="module")
def published(repo):
    return data.load_resource("published_designs", repo / "data")


def test_every_published_design_is_reproduced(published):
    checked = design.check_published(published)
    assert len(checked) >= 6
    assert set(checked["design"]) == {"ahern_single_stage", "simon_optimal", "simon_minimax"}
    wrong = checked[~checked["agrees"]]
    assert wrong.empty, wrong[["id", "published", "computed"]].to_string()


def test_single_stage_meets_its_error_rates_and_is_smallest():
    d = design.ahern_single_stage(0.45, 0.70, 0.05, 0.8)
    # the error rates, summed by scipy's binomial independently of the search
    assert binom.sf(d.r - 1, d.n, 0.45) <= 0.05 and binom.sf(d.r - 1, d.n, 0.70) >= 0.8
    # no smaller trial has any cut-off that meets both
    for n in range(1, d.n):
        assert not any(binom.sf(r - 1, n, 0.45) <= 0.05 and binom.sf(r - 1, n, 0.70) >= 0.8
                       for r in range(n + 1))


def test_two_stage_error_rates_by_direct_summation():
    d = design.simon_two_stage(0.45, 0.70, 0.05, 0.8).optimal

    def promising(p):   # sum over first-stage outcomes, written out independently of the vectorised search
        return sum(binom.pmf(x1, d.n1, p) * binom.sf(d.r - x1, d.n - d.n1, p) for x1 in range(d.r1 + 1, d.n1 + 1))

    assert promising(0.45) == pytest.approx(d.alpha) and d.alpha <= 0.05
    assert promising(0.70) == pytest.approx(d.power) and d.power >= 0.8
    assert d.pet == pytest.approx(binom.cdf(d.r1, d.n1, 0.45))
    assert d.expected_n == pytest.approx(d.n1 + (1 - d.pet) * (d.n - d.n1))


def test_events_probability_by_hand():
    # no accrual: the plain exponential; accrual: the average over uniform entry, integrated by hand
    assert design.events_probability(0.01, 0, 60) == pytest.approx(1 - math.exp(-0.6))
    lam, a, f = 0.02, 48, 60
    by_hand = 1 - (math.exp(-lam * f) - math.exp(-lam * (a + f))) / (lam * a)
    assert design.events_probability(lam, a, f) == pytest.approx(by_hand)
    grid = np.linspace(f, a + f, 200001)   # follow-up of a patient entering uniformly: f to a + f
    assert design.events_probability(lam, a, f) == pytest.approx(np.mean(1 - np.exp(-lam * grid)), rel=1e-4)
    # with a competing death hazard, the share of events that are the event of interest is lam / (lam + mu)
    assert design.events_probability(lam, 0, 60, 0.01) == pytest.approx(2 / 3 * (1 - math.exp(-0.03 * 60)))


def test_two_arm_events_are_schoenfelds_formula_by_hand():
    result = design.two_arm_logrank_design(0.45, 0.70, 60)
    hr = math.log(0.70) / math.log(0.45)
    assert result.hazard_ratio == pytest.approx(hr)
    events = 4 * (norm.ppf(0.975) + norm.ppf(0.8)) ** 2 / math.log(hr) ** 2   # 48.4
    assert result.events == math.ceil(events) == 49
    assert result.n % 2 == 0 and result.n * result.p_event >= result.events


def _simulated_power(n, s0, s1, *, death_hazard=0.0, accrual=48, follow_up=60, alpha=0.05, reps=4000, seed=7):
    """Share of simulated single-arm trials whose one-sample log-rank test rejects (one-sided)."""
    rng = np.random.default_rng(seed)
    lam0, lam1 = design.rate_to_hazard(s0, 60), design.rate_to_hazard(s1, 60)
    entry = rng.uniform(0, accrual, (reps, n))
    t = rng.exponential(1 / lam1, (reps, n))
    death = rng.exponential(1 / death_hazard, (reps, n)) if death_hazard > 0 else np.full((reps, n), np.inf)
    end = np.minimum.reduce([t, death, accrual + follow_up - entry])
    observed = (t <= end).sum(axis=1)
    expected = lam0 * end.sum(axis=1)
    return float(((expected - observed) / np.sqrt(expected) > norm.ppf(1 - alpha)).mean())


@pytest.mark.parametrize("death_hazard", [0.0, design.rate_to_hazard(0.27, 60)])
def test_one_sample_logrank_design_has_its_power_in_simulation(death_hazard):
    n = design.one_sample_logrank_design(0.45, 0.70, 60, death_hazard=death_hazard).n
    assert 0.74 <= _simulated_power(n, 0.45, 0.70, death_hazard=death_hazard) <= 0.88
    # and a trial half that size clearly does not
    assert _simulated_power(n // 2, 0.45, 0.70, death_hazard=death_hazard) < 0.7
    # under the null the test keeps (roughly) its one-sided 5%
    assert _simulated_power(n, 0.45, 0.45, death_hazard=death_hazard) < 0.08


def test_competing_deaths_make_the_log_rank_trials_larger():
    mu = design.rate_to_hazard(0.27, 60)
    assert (design.one_sample_logrank_design(0.45, 0.70, 60, death_hazard=mu).n
            > design.one_sample_logrank_design(0.45, 0.70, 60).n)
    assert design.two_arm_logrank_design(0.45, 0.70, 60, death_hazard=mu).n > \
        design.two_arm_logrank_design(0.45, 0.70, 60).n


@pytest.mark.parametrize("call, message", [
    (lambda: design.ahern_single_stage(0.7, 0.45), "must exceed"),
    (lambda: design.ahern_single_stage(0.45, 1.2), "p1 must lie strictly between 0 and 1"),
    (lambda: design.simon_two_stage(0.45, 0.7, alpha=0), "alpha"),
    (lambda: design.one_sample_logrank_design(0.45, 0.7, -60), "time point must be positive"),
    (lambda: design.two_arm_logrank_design(0.45, 0.7, 60, power=1.5), "power"),
    (lambda: design.events_probability(0.01, -1, 60), "accrual"),
])
def test_bad_assumptions_get_a_clear_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_one_sample_logrank_design_reproduces_a_published_design():
    """OneArm2stage::Optimal.KJ single stage, exponential, S0 = 0.25 at 12, HR 0.7, alpha 0.05, beta 0.1,
    tf = 12, 6 patients per month: n = 90 over 15 months of accrual (as printed in DanChaltiel/sample_size,
    files_survival/one_sample_logrank_test.md)."""
    result = design.one_sample_logrank_design(0.25, 0.25 ** 0.7, 12, alpha=0.05, power=0.9, accrual=90 / 6,
                                              follow_up=12)
    assert result.hazard_ratio == pytest.approx(0.7)
    assert result.n == 90


def test_printed_precision():
    assert design._printed_precision(20.58) == pytest.approx(0.005)
    assert design._printed_precision(36.1144) == pytest.approx(0.00005)
    assert design._printed_precision(12) == 0.0


def test_cli_prints_every_design(repo):
    import json
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "rtchx", "design", "--json"], cwd=repo, capture_output=True,
                         text=True, check=True).stdout
    rows = json.loads(out)
    assert [r["patients"] for r in rows] == [r.patients for r in design.trial_sizes()]
    bad = subprocess.run([sys.executable, "-m", "rtchx", "design", "--p1", "0.3"], cwd=repo, capture_output=True,
                         text=True)
    assert bad.returncode == 2 and "must exceed" in bad.stderr


def test_a_design_without_a_solution_does_not_hide_the_others():
    sizes = design.trial_sizes(0.45, 0.55)   # Simon's search stops at 100 patients; this needs more
    assert sizes.simon_optimal.patients is None and sizes.simon_optimal.plan is None
    assert "no two-stage design" in sizes.simon_optimal.failure
    assert "not found" in design_rule(sizes.simon_optimal, sizes.assumptions)
    assert sizes.ahern.patients == design.ahern_single_stage(0.45, 0.55).n == sizes.ahern.plan.n
    assert [s.design for s in sizes] == list(design.DesignKind)
    with pytest.raises(ValueError, match="must exceed"):
        design.trial_sizes(0.45, 0.40)


def test_one_sample_design_reports_events_under_both_hypotheses():
    result = design.one_sample_logrank_design(0.45, 0.70, 60)
    n = result.n
    lam0, lam1 = design.rate_to_hazard(0.45, 60), design.rate_to_hazard(0.70, 60)
    assert result.events_alternative == pytest.approx(n * design.events_probability(lam1, 48, 60))
    assert result.events_null == pytest.approx(n * design.events_probability(lam0, 48, 60))
    assert result.events_null > result.events_alternative


def test_trial_sizes_keep_each_design_and_its_assumptions():
    sizes = design.trial_sizes()
    assert sizes.assumptions == design.DEFAULTS
    # the rows carry the designs themselves: nothing needs recomputing to quote them
    assert sizes.ahern.plan == design.ahern_single_stage(0.45, 0.70, 0.05, 0.8)
    assert sizes.simon_minimax.plan == design.simon_two_stage(0.45, 0.70, 0.05, 0.8).minimax
    assert sizes.two_arm_logrank.plan == design.two_arm_logrank_design(0.45, 0.70, 60)
    assert sizes.simon_optimal.expected_patients == sizes.simon_optimal.plan.expected_n
    assert [s.patients for s in sizes.single_arm] == [25, 33, 25, 22]
