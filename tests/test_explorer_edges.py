"""Each explorer driven to the edges of what the data can say, as a reader could drive it.

Past a group's last follow-up a Kaplan-Meier value is not estimable, and the
explorer says so with the months; a time point past the cohort's follow-up and a
rate near 0% or 100% get a warning that says why; a rate may be typed as 45,
0.45 or "45%"; every message names a control by the label the reader sees; and
nothing ever prints nan or inf.
"""

from __future__ import annotations

import csv
import html
import re
import warnings

import pytest
from altered import everyone_alive, one_patient_fewer

from rtchx.book import tables, widgets
from rtchx.core import data, design, whatif

BLOCK = "Block of Table 3"
NAN_OR_INF = re.compile(r"\b(nan|inf|infinity)\b", re.IGNORECASE)


def _raw_rows(repo):
    with (repo / "data" / "patients.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _text(markup: str) -> str:
    """What a reader reads of a piece of HTML: the tags dropped, the entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


@pytest.fixture
def comparison(patients, repo):
    explorer = widgets.ComparisonExplorer(patients, data.load_historical(repo / "data"))
    explorer.comparator.value = explorer.CUSTOM
    return explorer


# --- Kaplan-Meier explorer: nothing past a group's last follow-up -----------------------------------------


def test_the_after_r2_group_is_not_estimable_at_five_years(patients, repo):
    # by hand from data/patients.csv: the after-R2 block is patients 8 to 11, followed for local control
    # 26, 13, 5 and 4 months, none failing; so at 60 months there is nothing to say
    after_r2 = [float(r["lc_months"]) for r in _raw_rows(repo) if r["cohort"] != "primary"]
    assert max(after_r2) == 26 and len(after_r2) == 4
    explorer = widgets.KaplanMeierExplorer(patients)
    explorer.split.value = BLOCK
    summary = explorer.last["summary"].set_index("Group")
    assert summary.loc["after R2", "At 5 years"] == "not estimable: last follow-up 26 months"
    assert "not estimable: last follow-up 26 months" in explorer.result.value
    assert "not estimable: last follow-up 26 months" in explorer.static_html()
    # the primary block, followed to 124 months, has a value: failures at 6 months (6 at risk) and 21 (4)
    assert summary.loc["primary", "At 5 years"] == f"{5 / 6 * 3 / 4:.0%}"


def test_a_curve_that_has_reached_zero_stays_estimable(patients, repo):
    # all four after-R2 patients died (last at 26 months): overall survival is 0 from 26 months on, a value
    explorer = widgets.KaplanMeierExplorer(patients)
    explorer.split.value, explorer.endpoint.value = BLOCK, "overall_survival"
    assert explorer.last["summary"].set_index("Group").loc["after R2", "At 5 years"] == "0%"


def test_on_altered_data_a_curve_that_stays_up_is_not_estimable(tmp_path):
    # everyone alive: the after-R2 curve of overall survival no longer falls to zero, so past 26 months it is
    # not estimable (on the real data it is 0%, above)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # lifelines warns about fits without events
        patients = data.with_derived_columns(data.load_patients(everyone_alive(tmp_path / "data")))
        explorer = widgets.KaplanMeierExplorer(patients)
        explorer.split.value, explorer.endpoint.value = BLOCK, "overall_survival"
    summary = explorer.last["summary"].set_index("Group")
    assert summary.loc["after R2", "At 5 years"] == "not estimable: last follow-up 26 months"
    assert summary.loc["after R2", "Median (months)"] == "not reached"
    assert not NAN_OR_INF.search(_text(explorer.static_html()))


def test_every_split_says_a_value_only_where_the_group_was_followed(patients):
    explorer = widgets.KaplanMeierExplorer(patients)
    for split in explorer.strata:
        for endpoint in ("local_control", "overall_survival"):
            explorer.split.value, explorer.endpoint.value = split, endpoint
            for row in explorer.last["summary"].itertuples(index=False):
                assert not NAN_OR_INF.search(" ".join(map(str, row)))
            assert not NAN_OR_INF.search(_text(explorer.result.value))


# --- Comparison explorer: a time point past the follow-up, a rate near 0% or 100% ------------------------


def test_a_time_point_past_the_follow_up_warns_and_the_km_value_is_not_estimable(comparison, repo):
    # by hand: the longest local-control follow-up in Table 3 is patient 3's, 124 months
    assert max(float(r["lc_months"]) for r in _raw_rows(repo)) == 124
    comparison.rate.value, comparison.timepoint.value = "45%", 1_000_000
    shown = _text(comparison.result.value)
    assert "At month (1,000,000 months) lies beyond the longest follow-up of 124 months" in shown
    assert "Kaplan-Meier at 1,000,000 months (95% log-log) not estimable: last follow-up 124 months" in shown
    assert "70%" not in shown
    static = comparison.static_html()
    assert "role='status'" in static and "class='rtchx-warning'" in static and "rtchx-error" not in static
    assert "lies beyond the longest follow-up of 124 months" in _text(static)
    assert not NAN_OR_INF.search(shown) and "e+" not in shown


def test_the_last_follow_up_itself_is_inside(comparison):
    comparison.rate.value, comparison.timepoint.value = "45%", 124
    assert "Take care" not in comparison.result.value and "70% (22% to 92%)" in comparison.result.value
    comparison.timepoint.value = 125
    assert "beyond the longest follow-up of 124 months" in _text(comparison.result.value)


@pytest.mark.parametrize("rate, shown, edge", [(0.9999, "99.99%", "100%"), (0.0001, "0.01%", "0%"),
                                               ("96%", "96%", "100%"), (4.9, "4.9%", "0%")])
def test_a_rate_near_0_or_100_percent_warns_and_says_why(comparison, rate, shown, edge):
    comparison.rate.value, comparison.timepoint.value = rate, 60
    text = _text(comparison.result.value)
    assert comparison.last is not None and "Cannot compute" not in text
    assert f"Take care: Your rate is {shown}, close to {edge}" in text
    assert "do not trust the result" in text and "−log(rate) / time point" in text
    assert "role='status'" in comparison.static_html()
    assert not NAN_OR_INF.search(text)


def test_the_rate_warning_names_the_numbers_that_explode(comparison):
    # by hand: the local-control times of Table 3 add up to 387 months; at S(60) = 0.9999 the hazard is
    # -log(0.9999)/60 per month, so E = 387 * 1.00005e-4 / 60 = 0.000645 and O/E = 2 / E = 3101
    comparison.rate.value = 0.9999
    assert "expects 0.00065 local failures in 11 patients, so O/E is 3101" in _text(comparison.result.value)
    # at S(60) = 0.0001: E = 387 * 9.2103 / 60 = 59.41, more failures than patients
    comparison.rate.value = "0.01%"
    assert "expects 59.41 local failures in 11 patients, more than there are patients" in _text(
        comparison.result.value)


@pytest.mark.parametrize("rate", ["95%", "5%", 0.5, "45"])
def test_rates_inside_the_thresholds_do_not_warn(comparison, rate):
    comparison.rate.value = rate
    assert comparison.last is not None and "Take care" not in comparison.result.value


def test_a_rate_typed_three_ways_gives_one_result(comparison):
    results = []
    for typed in (45, 0.45, "45%", "45", " 0.45 "):
        comparison.rate.value = typed
        results.append(comparison.last.expected_events)
    assert results == [results[0]] * 5
    comparison.alpha.value = 10
    at_10 = comparison.last.o_over_e_ci_high
    comparison.alpha.value = "0.1"
    assert comparison.last.o_over_e_ci_high == at_10 and comparison.last.alpha == pytest.approx(0.10)


def test_rate_controls_say_how_to_type_a_rate_and_show_percentages(comparison):
    assert comparison.rate.description == "Your rate (% or fraction)" and comparison.rate.value == "45%"
    assert comparison.alpha.description == "Alpha (for O/E) (% or fraction)" and comparison.alpha.value == "5%"


def test_the_comparison_on_altered_data_still_warns_past_the_follow_up(tmp_path, repo):
    # one patient fewer (patient 7, followed 6 months): patient 3's 124 months are still the longest
    folder = one_patient_fewer(tmp_path / "data")
    patients = data.with_derived_columns(data.load_patients(folder))
    explorer = widgets.ComparisonExplorer(patients, data.load_historical(folder))
    explorer.comparator.value, explorer.timepoint.value = explorer.CUSTOM, 130
    text = _text(explorer.result.value)
    assert "beyond the longest follow-up of 124 months" in text and "not estimable: last follow-up 124" in text
    assert explorer.last.observed_events == 1 and not NAN_OR_INF.search(text)


# --- Design explorer: the reader's labels, rates as percentages, warnings at the edges ---------------------


@pytest.fixture
def trial():
    return widgets.DesignExplorer(cohort_death_hazard=design.rate_to_hazard(0.27, 60))


def _sizes(explorer):
    return [r.patients for r in explorer.last]


def test_design_rates_typed_three_ways_give_one_result(trial):
    expected = [r.patients for r in design.trial_sizes(0.45, 0.65)]
    for typed in (65, 0.65, "65%"):
        trial.p1.value = typed
        assert _sizes(trial) == expected
    trial.p1.value = "70%"
    assert _sizes(trial) == [r.patients for r in design.trial_sizes()]


@pytest.mark.parametrize("control, value, message", [
    ("p1", 40, "Hoped-for rate (40%) must exceed Historical rate (45%)."),
    ("p0", "0%", "Historical rate must lie strictly between 0% and 100%; got 0%."),
    ("power", 120, "Power: type a fraction from 0 to 1"),
    ("alpha", "1", "Alpha (one-sided, single arm) must lie strictly between 0% and 100%; got 100%."),
    ("alpha2", "-5%", "Alpha (two-sided, randomised): type a fraction"),
    ("months", 0, "At month must be more than 0; got 0."),
    ("accrual", -12, "Accrual (months) must be 0 or more; got -12."),
])
def test_design_messages_name_the_control_the_reader_sees(trial, control, value, message):
    box = getattr(trial, control)
    before = box.value
    box.value = value
    assert trial.last is None and html.escape(message) in trial.result.value
    assert box.description.startswith(message.split(":")[0].split(" must")[0].split(" (4")[0])
    assert not re.search(r"\bp[01]\b", trial.result.value)
    box.value = before
    assert trial.last is not None


def test_design_warns_at_a_rate_near_100_percent(trial):
    trial.p1.value = 0.9999
    text = _text(trial.result.value)
    assert trial.last is not None and "Take care: Hoped-for rate is 99.99%, close to 100%" in text
    # by hand: the constant hazards' ratio log(0.9999) / log(0.45) = 1.00005e-4 / 0.7985 = 0.000125
    assert "a hazard ratio of 0.00013" in text and "Historical rate is" not in text
    assert "role='status'" in trial.static_html()
    trial.p1.value = "70%"
    assert "Take care" not in trial.result.value


# --- The other explorers ---------------------------------------------------------------------------------


def test_whatif_month_message_names_its_control(patients, repo):
    folder = repo / "data"
    explorer = widgets.WhatIfExplorer(patients, data.load_historical(folder), data.load_resource("claims", folder),
                                      patient=10, change=whatif.Change.LOCAL_FAILURE_AT)
    explorer.month.value = -3
    assert explorer.last is None and "Month (failure) must be more than 0; got -3." in explorer.result.value
    explorer.month.value = 3
    assert explorer.last is not None and not NAN_OR_INF.search(_text(explorer.static_html()))


def test_the_step_by_step_table_uses_the_chapters_column_names(patients):
    stepper = widgets.KaplanMeierByHand(patients)
    stepper.step.value = 1
    assert list(stepper.last["frame"].columns) == ["Time (months)", "At risk", "Deaths", "Censored",
                                                   "Share getting past this time", "Survival so far"]
    assert "the share getting past this time is (11 − 1)/11 = 0.909" in stepper.last["text"]
    stepper.endpoint.value = "local_control"
    stepper.step.value = 1
    assert list(stepper.last["frame"].columns)[2] == "Local failures"
    # the chapter's table of overall survival (tables.product_limit_frame) has the same names
    chapter = tables.product_limit_frame(stepper.last["table"])
    assert list(chapter.columns) == list(tables.PRODUCT_LIMIT_COLUMNS.values())[:2] + ["Deaths"] + list(
        tables.PRODUCT_LIMIT_COLUMNS.values())[2:]


def test_no_explorer_prints_nan_or_inf_at_its_defaults(patients, repo):
    folder = repo / "data"
    historical = data.load_historical(folder)
    explorers = [widgets.ComparisonExplorer(patients, historical),
                 widgets.DesignExplorer(cohort_death_hazard=design.rate_to_hazard(0.27, 60)),
                 widgets.KaplanMeierExplorer(patients), widgets.KaplanMeierByHand(patients),
                 widgets.WhatIfExplorer(patients, historical, data.load_resource("claims", folder))]
    for explorer in explorers:
        assert not NAN_OR_INF.search(_text(explorer.static_html())), type(explorer).__name__


def test_months_are_written_for_a_reader():
    assert [widgets.month_number(m) for m in (26.0, 1e6, 7.5, 124)] == ["26", "1,000,000", "7.5", "124"]
