"""Schoenfeld's events for a two-group log-rank test (rtchx.core.design), checked by hand."""

from __future__ import annotations

import math
from statistics import NormalDist

import pytest

from rtchx.core import design

Z = NormalDist().inv_cdf(0.975) + NormalDist().inv_cdf(0.8)   # 1.95996 + 0.84162 = 2.80158


def test_detectable_hazard_ratio_by_hand():
    # eight deaths, 3 of 11 patients in one group: HR = exp(2.80158 / sqrt(8 * 3/11 * 8/11)) = exp(2.2242) = 9.245
    assert design.detectable_hazard_ratio(8, 3 / 11) == pytest.approx(math.exp(Z / math.sqrt(8 * 3 / 11 * 8 / 11)))
    assert design.detectable_hazard_ratio(8, 3 / 11) == pytest.approx(9.245, abs=1e-3)
    # and events_needed is its inverse
    assert design.events_needed(design.detectable_hazard_ratio(8, 3 / 11), 3 / 11) == pytest.approx(8)


def test_events_for_a_doubling_of_the_hazard_by_hand():
    # the textbook case: HR 2, equal groups, two-sided 5%, 80% power: 4 * 2.80158^2 / ln(2)^2 = 65.35 -> 66 events
    assert design.events_needed(2, 0.5) == pytest.approx(4 * Z**2 / math.log(2) ** 2)
    assert math.ceil(design.events_needed(2, 0.5)) == 66
    assert design.events_needed(0.5, 0.5) == pytest.approx(design.events_needed(2, 0.5))   # either direction


@pytest.mark.parametrize("call", [
    lambda: design.detectable_hazard_ratio(0, 0.5), lambda: design.detectable_hazard_ratio(5, 1.0),
    lambda: design.detectable_hazard_ratio(5, 0.5, alpha=1.5), lambda: design.events_needed(1, 0.5),
    lambda: design.events_needed(2, 0), lambda: design.events_needed(2, 0.5, power=1.0),
])
def test_bad_design_parameters_are_refused(call):
    with pytest.raises(ValueError):
        call()
