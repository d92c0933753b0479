"""Live controls for the book's chapters (ipywidgets), each with a static view for the HTML book.

A built page has no kernel, so every explorer is displayed through
``_repr_mimebundle_`` with two views: the live widget (which Jupyter prefers)
and an HTML summary of its default settings (which the book shows, because
``_config.yml`` gives the widget view no priority in the HTML build).
"""

from __future__ import annotations

import base64
import html
from collections.abc import Collection

import ipywidgets as w
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

from rtchx.book.figures import km_groups_plot, png_bytes, product_limit_step_plot, reference_curves_plot
from rtchx.book.prose import count_words
from rtchx.book.tables import GROUP_LABELS, GROUPING_LABELS, design_name, design_rule, endpoint_label, whatif_table
from rtchx.core import compare, design, protocol, survival, whatif

#: The line every static view carries: how to get the live version.
LIVE_HINT = ("This is a static view of the default settings, made when the book was built. To change the "
             "settings, open this chapter as a notebook: the launch (rocket) button at the top of the page runs "
             "it on Binder, and the README explains how to run it on your own machine.")


#: How assistive technology names an explorer's static view.
STATIC_VIEW_LABEL = "Explorer at its default settings (static view)"


def _result_html(row) -> str:
    return (
        "<table class='rtchx-result'>"
        f"<tr><th>Observed local failures (O)</th><td>{row.observed_events}</td></tr>"
        f"<tr><th>Expected under the reference (E)</th><td>{row.expected_events:.2f}</td></tr>"
        f"<tr><th>O/E (exact {1 - row.alpha:.0%} interval)</th><td>{row.o_over_e:.2f} "
        f"({row.o_over_e_ci_low:.2f} to {row.o_over_e_ci_high:.2f})</td></tr>"
        f"<tr><th>Two-sided p, exact Poisson</th><td>{row.p_exact:.3f}</td></tr>"
        f"<tr><th>Two-sided p, normal approximation</th><td>{row.p_normal:.3f}</td></tr>"
        f"<tr><th>Kaplan-Meier at {row.timepoint_months:.0f} months (95% log-log)</th>"
        f"<td>{row.km_estimate:.0%} ({row.km_ci_low:.0%} to {row.km_ci_high:.0%})</td></tr>"
        "</table>"
    )


def _error_html(message: str) -> str:
    return f"<p class='rtchx-error' role='alert'><strong>Cannot compute:</strong> {html.escape(message)}</p>"


class _Explorer:
    """What every explorer shares: a static view of its last result, and both views in one mime bundle."""

    widget = None
    last = None
    plot = None   # an ipywidgets Output for explorers that draw a figure

    def compute(self):
        raise NotImplementedError

    def _body_html(self) -> str:
        raise NotImplementedError

    def _live_html(self) -> str:
        """What the live widget shows above its figure; by default the same as the static view's body."""
        return self._body_html()

    def _set_controls(self) -> None:
        """Enable or disable controls for the current settings (before recomputing)."""

    def update(self) -> None:
        """Recompute and redraw; a bad setting shows a message instead of a result, never a traceback."""
        self._set_controls()
        if self.plot is not None:
            self.plot.clear_output()
        try:
            self.last = self.compute()
        except ValueError as error:
            self.last = None
            self.result.value = _error_html(str(error))
            return
        self.result.value = self._live_html()
        if self.plot is not None:
            with self.plot:
                fig = self.figure(self.last)
                plt.close(fig)
                display(fig)

    def static_html(self) -> str:
        """The default view as HTML, for the book where there is no kernel."""
        body = self._body_html() if self.last is not None else _error_html("the default settings failed")
        # a region a keyboard can reach: on a phone it scrolls sideways (book/_static/rtchx.css)
        return (f"<div class='rtchx-static' role='region' aria-label='{STATIC_VIEW_LABEL}' tabindex='0'>"
                f"{body}<p class='rtchx-live-hint'><em>{LIVE_HINT}</em></p></div>")

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = dict(self.widget._repr_mimebundle_(include=include, exclude=exclude) or {})
        bundle["text/html"] = self.static_html()
        return bundle


class ComparisonExplorer(_Explorer):
    """Choose comparator, size basis, hazard shape and alpha; see E, O/E, p and the reference curves."""

    CUSTOM = "custom"

    def __init__(self, patients: pd.DataFrame, historical: pd.DataFrame):
        self.patients, self.historical = patients, historical
        singles = historical[(historical["endpoint"] == "local_control") & historical["timepoint_months"].notna()
                             & historical["rate"].between(0, 1, inclusive="neither")]
        options = [("Kepka by size, rates as the paper cites them", "kepka_by_size_cited"),
                   ("Kepka by size, the source's own rates", "kepka_by_size_source")]
        options += [(f"{r.study}, {r.subgroup}: {r.rate:.0%} at {r.timepoint_months:.0f} months, for all", r.id)
                    for r in singles.itertuples(index=False)]
        options.append(("Your own rate and time point", self.CUSTOM))
        style = {"description_width": "10em"}
        self.comparator = w.Dropdown(options=options, value=compare.PRIMARY.comparator,
                                     description="Comparator", style=style, layout=w.Layout(width="95%"))
        self.size_basis = w.Dropdown(options=[("Size before radiotherapy", "before_rt"), ("Initial size", "initial")],
                                     value=compare.PRIMARY.size_basis.value, description="Size basis", style=style)
        self.shape = w.ToggleButtons(options=[("Exponential", "exponential"), ("Plateau after time point", "plateau")],
                                     value=compare.PRIMARY.shape.name, description="Hazard shape", style=style)
        self.alpha = w.FloatText(value=0.05, step=0.01, description="Alpha (for O/E)", style=style)
        self.rate = w.FloatText(value=0.45, step=0.05, description="Your rate (0-1)", style=style)
        self.timepoint = w.FloatText(value=60.0, step=6, description="At month", style=style)
        self.result = w.HTML()
        self.plot = w.Output()
        for control in (self.comparator, self.size_basis, self.shape, self.alpha, self.rate, self.timepoint):
            control.observe(lambda _change: self.update(), names="value")
        self.widget = w.VBox([self.comparator, self.size_basis, self.shape, self.alpha, self.rate, self.timepoint,
                              self.result, self.plot])
        self.update()

    def compute(self) -> compare.Comparison:
        """The comparison for the current settings; raises ValueError with a reader-facing message."""
        alpha = float(self.alpha.value)
        if self.comparator.value == self.CUSTOM:
            return compare.observed_vs_rate(self.patients, float(self.rate.value), float(self.timepoint.value),
                                            shape=self.shape.value, alpha=alpha)
        if self.comparator.value in compare.SIZE_STANDARDISED:
            return compare.observed_vs_expected(self.patients, self.historical, self.comparator.value,
                                                size_basis=self.size_basis.value, shape=self.shape.value,
                                                alpha=alpha)
        return compare.observed_vs_expected(self.patients, self.historical, self.comparator.value,
                                            shape=self.shape.value, alpha=alpha)

    def reference_curves(self, row: compare.Comparison) -> dict[str, compare.ReferenceCurve]:
        """Legend label -> the reference curves behind ``row``."""
        if row.size_matched:
            h = self.historical.set_index("id")
            return {f"Reference, {size}": compare.reference_curve(float(h.loc[i, "rate"]),
                                                                  float(h.loc[i, "timepoint_months"]), row.shape)
                    for size, i in compare.SIZE_STANDARDISED[row.comparator].items() if size != "<=5 cm"}
        return {"Reference": compare.reference_curve(row.historical_rate, row.timepoint_months, row.shape)}

    def _set_controls(self) -> None:
        self.size_basis.disabled = self.comparator.value not in compare.SIZE_STANDARDISED
        self.rate.disabled = self.timepoint.disabled = self.comparator.value != self.CUSTOM

    def figure(self, row: compare.Comparison):
        return reference_curves_plot(survival.kaplan_meier(self.patients, "local_control"),
                                     self.reference_curves(row), ylabel="Local control", xmax=130)

    def _body_html(self) -> str:
        return _result_html(self.last)


def _design_html(sizes: design.TrialSizes) -> str:
    body = "".join(f"<tr><th>{html.escape(design_name(r.design))}</th><td>{r.patients or '–'}</td>"
                   f"<td>{html.escape(design_rule(r, sizes.assumptions))}</td></tr>" for r in sizes)
    return ("<table class='rtchx-result'><tr><th>Design</th><th>Patients</th><th>Rule</th></tr>"
            f"{body}</table>")


class DesignExplorer(_Explorer):
    """Change the assumptions of the confirmatory trial and see how many patients each design needs."""

    def __init__(self, cohort_death_hazard: float):
        self.cohort_death_hazard = cohort_death_hazard
        d = design.DEFAULTS
        style = {"description_width": "16em"}
        self.p0 = w.FloatText(value=d.p0, step=0.05, description="Historical rate (0-1)", style=style)
        self.p1 = w.FloatText(value=d.p1, step=0.05, description="Hoped-for rate (0-1)", style=style)
        self.months = w.FloatText(value=d.months, step=12, description="At month", style=style)
        self.alpha = w.FloatText(value=d.alpha_one_sided, step=0.01, description="Alpha (one-sided, single arm)",
                                 style=style)
        self.alpha2 = w.FloatText(value=d.alpha_two_sided, step=0.01, description="Alpha (two-sided, randomised)",
                                  style=style)
        self.power = w.FloatText(value=d.power, step=0.05, description="Power (0-1)", style=style)
        self.accrual = w.FloatText(value=d.accrual, step=12, description="Accrual (months)", style=style)
        self.follow_up = w.FloatText(value=d.follow_up, step=12, description="Further follow-up (months)",
                                     style=style)
        self.deaths = w.Checkbox(value=False, description="Deaths compete at this cohort's rate (log-rank designs)",
                                 layout=w.Layout(width="95%"))
        self.result = w.HTML()
        self.controls = (self.p0, self.p1, self.months, self.alpha, self.alpha2, self.power, self.accrual,
                         self.follow_up, self.deaths)
        for control in self.controls:
            control.observe(lambda _change: self.update(), names="value")
        self.widget = w.VBox([*self.controls, self.result])
        self.update()

    def compute(self) -> design.TrialSizes:
        """Every design's size for the current settings; raises ValueError with a reader-facing message."""
        return design.trial_sizes(
            float(self.p0.value), float(self.p1.value), float(self.months.value),
            alpha_one_sided=float(self.alpha.value), alpha_two_sided=float(self.alpha2.value),
            power=float(self.power.value), accrual=float(self.accrual.value), follow_up=float(self.follow_up.value),
            death_hazard=self.cohort_death_hazard if self.deaths.value else 0.0)

    def _body_html(self) -> str:
        return _design_html(self.last)


def _figure_html(fig, alt: str) -> str:
    """A matplotlib figure as an inline PNG with alt text, for a static view (then closed)."""
    data = base64.b64encode(png_bytes(fig)).decode("ascii")
    plt.close(fig)
    return f"<img src='data:image/png;base64,{data}' alt='{html.escape(alt, quote=True)}' class='rtchx-figure'>"


def _table_html(frame: pd.DataFrame, highlight: Collection[int] = ()) -> str:
    """A plain HTML table of ``frame``; the rows numbered in ``highlight`` are marked.

    A marked row is in bold (``<strong>``, which shows in Jupyter too) and has the class
    ``rtchx-current``, which book/_static/rtchx.css sets on a pale background in the book.
    """
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for i, row in enumerate(frame.itertuples(index=False)):
        cells = [html.escape(str(v)) for v in row]
        if i in highlight:
            rows.append("<tr class='rtchx-current'>" + "".join(f"<td><strong>{c}</strong></td>" for c in cells)
                        + "</tr>")
        else:
            rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return f"<table class='rtchx-result'><tr>{head}</tr>{''.join(rows)}</table>"


def _strata():
    """Ways to split the patients for the Kaplan-Meier explorer: the subgroup chapter's groupings and the
    dose the paper's introduction cites for lasting control."""
    strata = {"None": None, **{GROUPING_LABELS[name]: lambda p, split=split: split(p).map(GROUP_LABELS)
                               for name, split in survival.GROUPINGS.items()}}
    strata[f"Dose (≥ {protocol.CURATIVE_DOSE_GY} Gy)"] = lambda p: p["dose_gy"].map(
        lambda d: f"≥ {protocol.CURATIVE_DOSE_GY} Gy" if d >= protocol.CURATIVE_DOSE_GY
        else f"< {protocol.CURATIVE_DOSE_GY} Gy")
    return strata


class KaplanMeierExplorer(_Explorer):
    """Choose endpoint, split, interval and decorations; see the curves and a summary per group."""

    BANDS = ("log-log", "plain", "none")

    def __init__(self, patients: pd.DataFrame):
        self.patients = patients
        self.strata = _strata()
        style = {"description_width": "10em"}
        self.endpoint = w.Dropdown(options=[(endpoint_label(e), e) for e in survival.ENDPOINTS],
                                   value="local_control", description="Endpoint", style=style)
        self.split = w.Dropdown(options=list(self.strata), value="None", description="Split by", style=style)
        self.band = w.ToggleButtons(options=[("log(-log) 95%", "log-log"), ("plain 95%", "plain"), ("none", "none")],
                                    value="log-log", description="Interval", style=style)
        self.censors = w.Checkbox(value=True, description="Censoring marks")
        self.at_risk = w.Checkbox(value=True, description="Numbers at risk")
        self.result = w.HTML()
        self.plot = w.Output()
        self.controls = (self.endpoint, self.split, self.band, self.censors, self.at_risk)
        for control in self.controls:
            control.observe(lambda _change: self.update(), names="value")
        self.widget = w.VBox([*self.controls, self.result, self.plot])
        self.update()

    def compute(self) -> dict:
        """Fits and a summary row per group for the current settings."""
        if self.band.value not in self.BANDS:
            raise ValueError(f"unknown interval {self.band.value!r}")
        grouping = self.strata[self.split.value]
        groups = (pd.Series("All patients", index=self.patients.index) if grouping is None
                  else grouping(self.patients).astype(str))
        fits, bands, rows = {}, {}, []
        for name in sorted(groups.unique()):
            subset = self.patients[groups == name]
            label = f"{name} (n = {len(subset)})"
            durations, events = survival.endpoint(subset, self.endpoint.value)
            fits[label] = fit = survival.kaplan_meier(subset, self.endpoint.value)
            bands[label] = survival.plain_band(durations, events)
            median = fit.median_survival_time_
            rows.append({"Group": name, "Patients": len(subset), "Events": int(events.sum()),
                         "Median (months)": "not reached" if median == float("inf") else f"{median:g}",
                         "At 5 years": f"{survival.survival_at(fit, 60):.0%}"})
        return {"fits": fits, "bands": bands, "summary": pd.DataFrame(rows)}

    def figure(self, row: dict):
        return km_groups_plot(row["fits"], ylabel=endpoint_label(self.endpoint.value),
                              band=self.band.value, plain_bands=row["bands"], show_censors=self.censors.value,
                              at_risk_times=[0, 24, 48, 72, 96, 120] if self.at_risk.value else None)

    def _live_html(self) -> str:
        return _table_html(self.last["summary"])

    def _body_html(self) -> str:
        alt = (f"Kaplan-Meier curve of {endpoint_label(self.endpoint.value).lower()} for all patients, "
               "with its 95% band, censoring marks and numbers at risk (the explorer's default view).")
        return _table_html(self.last["summary"]) + _figure_html(self.figure(self.last), alt)


class KaplanMeierByHand(_Explorer):
    """Step through the product-limit table one event time at a time, drawing the curve as it grows."""

    def __init__(self, patients: pd.DataFrame, endpoint: str = "overall_survival"):
        self.patients = patients
        style = {"description_width": "10em"}
        self.endpoint = w.Dropdown(options=[(endpoint_label(e), e) for e in survival.ENDPOINTS],
                                   value=endpoint, description="Endpoint", style=style)
        self.step = w.IntSlider(value=0, min=0, max=1, description="Event time", style=style)
        self.result = w.HTML()
        self.plot = w.Output()
        self.endpoint.observe(lambda _change: self._reset(), names="value")
        self.step.observe(lambda _change: self.update(), names="value")
        self.widget = w.VBox([self.endpoint, self.step, self.result, self.plot])
        self._reset()

    def _reset(self) -> None:
        table = survival.product_limit_table(*survival.endpoint(self.patients, self.endpoint.value))
        self.step.max = int((table["events"] > 0).sum())
        self.step.value = 0
        self.update()

    def compute(self, step: int | None = None) -> dict:
        """The table up to the ``step``-th event time, the row of that step, and a sentence saying what happened."""
        step = self.step.value if step is None else step
        table = survival.product_limit_table(*survival.endpoint(self.patients, self.endpoint.value))
        event_rows = table.index[table["events"] > 0].tolist()
        if not 0 <= step <= len(event_rows):
            raise ValueError(f"step must lie between 0 and {len(event_rows)}, got {step}")
        if step == 0:
            shown, current = table.iloc[0:0], None
            text = f"Before the first event, all {len(self.patients)} patients are event-free: S = 1."
        else:
            index = event_rows[step - 1]
            shown, current = table.loc[:index], table.loc[index]
            before = 1.0 if step == 1 else float(table.loc[event_rows[step - 2], "survival"])
            when = f"{current['time']:g} month" + ("" if current["time"] == 1 else "s")
            at_risk = int(current["at_risk"])
            text = (f"At {when}, {count_words(at_risk, 'patient')} {'is' if at_risk == 1 else 'are'} at risk and "
                    f"{int(current['events'])} {'has' if current['events'] == 1 else 'have'} the event: the share "
                    f"getting through is ({int(current['at_risk'])} − {int(current['events'])})/"
                    f"{int(current['at_risk'])} = {current['conditional']:.3f}, so S = {before:.3f} × "
                    f"{current['conditional']:.3f} = {current['survival']:.3f}.")
        frame = shown.assign(time=shown["time"].map("{:g}".format),
                             conditional=shown["conditional"].map("{:.3f}".format),
                             survival=shown["survival"].map("{:.3f}".format)).rename(columns={
            "time": "Month", "at_risk": "At risk", "events": "Events", "censored": "Censored",
            "conditional": "Share getting through", "survival": "S so far"})
        return {"table": table, "frame": frame, "step": step, "text": text}

    def figure(self, row: dict):
        return product_limit_step_plot(row["table"], row["step"], ylabel=endpoint_label(self.endpoint.value))

    def _html(self, row: dict) -> str:
        highlight = {len(row["frame"]) - 1} if row["step"] else set()
        return f"<p>{html.escape(row['text'])}</p>" + _table_html(row["frame"], highlight)

    def _live_html(self) -> str:
        return self._html(self.last)

    def _body_html(self) -> str:
        # the static view shows two key steps: the first event, and the whole table
        label = endpoint_label(self.endpoint.value).lower()
        if self.step.max == 0:   # no event at all (nobody died, say): the start is the whole table
            start = self.compute(0)
            return self._html(start) + _figure_html(self.figure(start), f"The {label} curve: no event, so it stays "
                                                    "at 1 throughout.")
        first, whole = self.compute(1), self.compute(self.step.max)
        return (self._html(first) + _figure_html(self.figure(first), f"The {label} curve drawn up to its first "
                                                 "event, the rest of the curve faint.")
                + self._html(whole) + _figure_html(self.figure(whole), f"The whole {label} curve, worked step by "
                                                   "step."))


#: How the what-if explorer names each change for a reader.
CHANGE_LABELS = {
    whatif.Change.NONE: "No change",
    whatif.Change.CENSOR_DEATH: "Count the death as censored (alive when last seen)",
    whatif.Change.LOCAL_FAILURE_AT: "Give the patient a local failure at a chosen month",
    whatif.Change.REMOVE: "Leave the patient out",
}


class WhatIfExplorer(_Explorer):
    """Change one patient's record and see every headline estimate and the audit statuses change.

    ``patients``, ``historical`` and ``claims`` are the tables ``rtchx.core.data``
    loads (Table 3 with derived columns, historical.csv, claims.csv).
    """

    def __init__(self, patients: pd.DataFrame, historical: pd.DataFrame, claims: pd.DataFrame, patient: int = 10,
                 change: whatif.Change | str = whatif.Change.CENSOR_DEATH):
        self.patients, self.historical, self.claims = patients, historical, claims
        # Table 3's own numbers: the same for every setting
        self.before = whatif.summary(patients, historical, claims)
        style = {"description_width": "10em"}
        self.patient = w.Dropdown(options=[int(p) for p in patients["patient"]], value=patient,
                                  description="Patient", style=style)
        self.change = w.RadioButtons(options=[(text, key) for key, text in CHANGE_LABELS.items()],
                                     value=whatif.Change(change),
                                     description="Change", style=style, layout=w.Layout(width="95%"))
        self.month = w.FloatText(value=12.0, step=1, description="Month (failure)", style=style)
        self.result = w.HTML()
        self.controls = (self.patient, self.change, self.month)
        for control in self.controls:
            control.observe(lambda _change: self.update(), names="value")
        self.widget = w.VBox([*self.controls, self.result])
        self.update()

    def compute(self) -> pd.DataFrame:
        return whatif_table(whatif.recompute_with_change(
            self.patients, self.historical, self.claims, int(self.patient.value), self.change.value,
            float(self.month.value), before=self.before))

    def _set_controls(self) -> None:
        self.month.disabled = self.change.value != whatif.Change.LOCAL_FAILURE_AT

    def _body_html(self) -> str:
        what = CHANGE_LABELS[self.change.value].lower()
        moved = {i for i, changed in enumerate(self.last["Changed"]) if changed}   # mark every row that moved
        table = _table_html(self.last, moved)
        return f"<p>Patient {self.patient.value}: {html.escape(what)}.</p>{table}"
