"""The live explorers, driven as a reader would: set a control, read the result."""

from __future__ import annotations

import html
import math

import pytest

from rtchx.book import widgets
from rtchx.core import compare, data, design

LAMBDA_45, LAMBDA_10 = -math.log(0.45) / 60, -math.log(0.10) / 60


@pytest.fixture
def explorer(patients, repo):
    return widgets.ComparisonExplorer(patients, data.load_historical(repo / "data"))


def test_comparison_explorer_opens_on_the_primary_analysis(explorer):
    # 346 months at the 45% hazard and 41 at the 10% hazard (see test_compare.py)
    assert explorer.last.expected_events == pytest.approx(346 * LAMBDA_45 + 41 * LAMBDA_10)
    assert "6.18" in explorer.result.value and explorer.size_basis.disabled is False


def test_comparison_explorer_follows_its_controls(explorer):
    explorer.size_basis.value = "initial"
    assert explorer.last.size_basis == "initial" and explorer.last.expected_events > 6.18
    explorer.shape.value = "plateau"
    # plateau, size before RT: 224 months at the 45% hazard, 41 at the 10% hazard
    explorer.size_basis.value = "before_rt"
    assert explorer.last.expected_events == pytest.approx(224 * LAMBDA_45 + 41 * LAMBDA_10)
    explorer.comparator.value = "goffman_lc_3y"
    assert explorer.size_basis.disabled and explorer.last.timepoint_months == 36


def test_comparison_explorer_custom_rate_matches_the_single_rate_comparison(explorer, patients):
    explorer.comparator.value = explorer.CUSTOM
    explorer.rate.value, explorer.timepoint.value = 0.45, 60
    single = compare.observed_vs_rate(patients, 0.45, 60)
    assert explorer.last.expected_events == pytest.approx(single.expected_events)
    assert explorer.rate.disabled is False


@pytest.mark.parametrize("control, value, message", [
    ("alpha", 150, "Alpha (for O/E): type a fraction from 0 to 1"),
    ("alpha", 0.0, "Alpha (for O/E) must lie strictly between 0% and 100%; got 0%"),
    ("rate", 120, "Your rate: type a fraction from 0 to 1"),
    ("rate", "100%", "Your rate must lie strictly between 0% and 100%; got 100%"),
    ("rate", "lots", "Your rate: type a number"),
    ("timepoint", -6, "At month must be more than 0; got -6"),
])
def test_comparison_explorer_refuses_bad_settings_with_a_message(explorer, control, value, message):
    explorer.comparator.value = explorer.CUSTOM
    getattr(explorer, control).value = value
    assert explorer.last is None
    assert "Cannot compute" in explorer.result.value and html.escape(message) in explorer.result.value
    # the message names the control as the reader sees it
    assert getattr(explorer, control).description.startswith(message.split(":")[0].split(" must")[0])
    getattr(explorer, control).value = {"alpha": "5%", "rate": "45%", "timepoint": 60}[control]
    assert explorer.last is not None   # and it recovers


def test_explorers_carry_a_static_view_for_the_book(explorer):
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "6.18" in bundle["text/html"] and widgets.LIVE_HINT in bundle["text/html"]


def test_design_explorer_follows_and_refuses():
    explorer = widgets.DesignExplorer(cohort_death_hazard=design.rate_to_hazard(0.27, 60))
    assert [r.patients for r in explorer.last] == [r.patients for r in design.trial_sizes()]
    explorer.deaths.value = True
    with_deaths = design.trial_sizes(death_hazard=design.rate_to_hazard(0.27, 60))
    assert [r.patients for r in explorer.last] == [r.patients for r in with_deaths]
    explorer.p1.value = 0.40
    assert explorer.last is None and "Hoped-for rate (40%) must exceed Historical rate (45%)" in explorer.result.value
    explorer.p1.value = 0.60
    assert explorer.last[0].patients > design.trial_sizes()[0].patients   # a smaller hope, a bigger trial
    assert widgets.LIVE_HINT in explorer._repr_mimebundle_()["text/html"]


def test_kaplan_meier_explorer_by_hand_values(patients):
    explorer = widgets.KaplanMeierExplorer(patients)
    summary = explorer.last["summary"].set_index("Group")
    assert summary.loc["All patients", "Events"] == 2 and summary.loc["All patients", "At 5 years"] == "70%"
    explorer.split.value = "Grade"   # Table 3: patients 4, 5 and 6 are G2; patient 5 failed locally, and 7 (G3)
    summary = explorer.last["summary"].set_index("Group")
    assert summary.loc["G2", "Patients"] == 3 and summary.loc["G3", "Patients"] == 8
    assert summary.loc["G2", "Events"] == 1 and summary.loc["G3", "Events"] == 1
    explorer.endpoint.value = "overall_survival"
    summary = explorer.last["summary"].set_index("Group")
    assert summary.loc["G2", "Events"] + summary.loc["G3", "Events"] == 8
    for band in ("plain", "none"):
        explorer.band.value = band
        assert explorer.last is not None
    explorer.split.value = next(name for name in explorer.strata if name.startswith("Dose"))
    assert set(explorer.last["summary"]["Group"]) == {"≥ 63 Gy", "< 63 Gy"}
    assert "<img src='data:image/png;base64," in explorer.static_html() and "alt='" in explorer.static_html()


def test_kaplan_meier_by_hand_steps(patients):
    stepper = widgets.KaplanMeierByHand(patients)
    assert stepper.step.max == 8          # eight distinct death times in Table 3
    stepper.step.value = 1
    assert "(11 − 1)/11 = 0.909" in stepper.last["text"]
    stepper.step.value = stepper.step.max
    assert stepper.last["text"].endswith(f"= {3 / 11:.3f}.")   # three survivors, all followed past the last death
    with pytest.raises(ValueError, match="step must lie between 0 and 8"):
        stepper.compute(9)
    stepper.endpoint.value = "local_control"
    assert stepper.step.max == 2 and stepper.step.value == 0
    stepper.step.value = 2
    assert stepper.last["text"].endswith("= 0.700.")
    static = stepper.static_html()
    assert static.count("<img") == 2 and widgets.LIVE_HINT in static


def test_the_current_step_is_marked_by_a_class_the_book_styles(patients, repo):
    # the static view carries no inline CSS: the marked row has a class that book/_static/rtchx.css styles,
    # and <strong> keeps it visible where that stylesheet is not loaded (a live widget in Jupyter)
    static = widgets.KaplanMeierByHand(patients).static_html()
    assert "style=" not in static
    assert static.count("<tr class='rtchx-current'>") == 2   # the two steps shown: the first event, the last
    assert "<td><strong>" in static
    css = (repo / "book" / "_static" / "rtchx.css").read_text(encoding="utf-8")
    assert ".rtchx-result tr.rtchx-current {" in css and "img.rtchx-figure {" in css
