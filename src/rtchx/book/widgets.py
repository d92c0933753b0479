"""Live controls for the book's chapters (ipywidgets), each with a static view for the HTML book.

A built page has no kernel, so every explorer is displayed through
``_repr_mimebundle_`` with two views: the live widget (which Jupyter prefers)
and an HTML summary of its default settings (which the book shows, because
``_config.yml`` gives the widget view no priority in the HTML build).
"""

from __future__ import annotations

import base64
import html
import math
from collections.abc import Collection

import ipywidgets as w
import matplotlib.pyplot as plt
import pandas as pd
import traitlets
from IPython.display import display

from rtchx.book.entries import RATE_HINT, read_number, read_rate, show_rate
from rtchx.book.figures import km_groups_plot, png_bytes, product_limit_step_plot, reference_curves_plot
from rtchx.book.prose import count_words
from rtchx.book.tables import (
    GROUP_LABELS,
    GROUPING_LABELS,
    design_name,
    design_rule,
    endpoint_label,
    product_limit_frame,
    whatif_table,
)
from rtchx.core import compare, design, protocol, survival, whatif

#: The line every static view carries: how to get the live version.
LIVE_HINT = ("This is a static view of the default settings, made when the book was built. To change the "
             "settings, open this chapter as a notebook: the launch (rocket) button at the top of the page runs "
             "it on Binder, and the README explains how to run it on your own machine.")


#: How assistive technology names an explorer's static view.
STATIC_VIEW_LABEL = "Explorer at its default settings (static view)"


#: A rate control's description ends with this, so that the reader knows both ways of typing a rate work.
RATE_SUFFIX = " (% or fraction)"

#: A rate below this, or above 1 minus this, gets a warning (``edge_warning``): the hazard it implies,
#: -log(rate) / time point, grows without bound as the rate nears 0 and vanishes as it nears 1.
RATE_EDGE = 0.05


def month_number(months: float) -> str:
    """A number of months as a reader reads it: ``26``, ``1,000,000`` or ``7.5`` (never ``1e+06``), without the unit.

    (``rtchx.book.tables.months_text`` is the prose form, with the unit and "not reached".)

    Parameters
    ----------
    months : float
        A finite number of months.

    Returns
    -------
    str
        Whole months with thousands separated by commas, else up to six significant figures.

    Example
    -------
    >>> month_number(26.0), month_number(1e6), month_number(7.5)
    ('26', '1,000,000', '7.5')
    """
    return f"{int(months):,}" if float(months).is_integer() else f"{months:,.6g}"


def rate_text(rate: float) -> str:
    """A rate as a percentage with as few decimals as it needs (up to four): ``45%``, ``2.5%``, ``99.99%``.

    Parameters
    ----------
    rate : float
        The rate as a fraction.

    Returns
    -------
    str
        The percentage (``rtchx.book.entries.show_rate``), so that a rate typed as 0.025 reads back as 2.5%.

    Example
    -------
    >>> rate_text(0.45), rate_text(0.025), rate_text(0.9999)
    ('45%', '2.5%', '99.99%')
    """
    decimals = next((d for d in range(4) if round(100 * rate, d) == round(100 * rate, 6)), 4)
    return show_rate(rate, decimals)


def not_estimable(fit, months: float) -> str | None:
    """How a summary cell says that a Kaplan-Meier fit has no value at ``months``, or None if it has one.

    The rule is ``rtchx.core.survival.beyond_follow_up``: past the last follow-up,
    unless the curve has already fallen to zero.

    Parameters
    ----------
    fit : lifelines.KaplanMeierFitter
        A fit from ``rtchx.core.survival.kaplan_meier``.
    months : float
        Months from the start of treatment.

    Returns
    -------
    str or None
        "not estimable: last follow-up N months" past the data, else None.

    Example
    -------
    >>> from rtchx.core import data
    >>> fit = survival.kaplan_meier(data.load_patients().query("patient >= 8"), "local_control")
    >>> not_estimable(fit, 24) is None, not_estimable(fit, 60)      # patients 8 to 11: 26, 13, 5 and 4 months
    (True, 'not estimable: last follow-up 26 months')
    """
    if survival.beyond_follow_up(fit, months) is None:
        return None
    return f"not estimable: last follow-up {month_number(float(fit.durations.max()))} months"


def edge_warning(label: str, rate: float, consequence: str) -> str | None:
    """A warning for a rate within ``RATE_EDGE`` of 0 or 1, naming the control and saying why, or None.

    Parameters
    ----------
    label : str
        The control's visible name.
    rate : float
        The rate, a fraction.
    consequence : str
        What goes wrong in this explorer, a sentence.

    Returns
    -------
    str or None

    Example
    -------
    >>> edge_warning("Your rate", 0.45, "") is None, edge_warning("Your rate", 0.9999, "E is tiny.")[:34]
    (True, 'Your rate is 99.99%, close to 100%')
    """
    if RATE_EDGE <= rate <= 1 - RATE_EDGE:
        return None
    edge = "100%" if rate > 0.5 else "0%"
    return (f"{label} is {rate_text(rate)}, close to {edge}: the hazard a rate implies, −log(rate) / time point, "
            f"{'vanishes' if rate > 0.5 else 'grows without bound'} as the rate nears {edge}, so a tiny change of "
            f"the rate changes the result a lot. {consequence} Below {rate_text(RATE_EDGE)} or above "
            f"{rate_text(1 - RATE_EDGE)}, do not trust the result.")


def _label(control) -> str:
    """The name a reader sees on a control (a rate control's description without its ``RATE_SUFFIX``)."""
    return control.description.removesuffix(RATE_SUFFIX)


class RateText(w.Text):
    """A text box for a rate, typed as 0.45, 45 or 45% (``rtchx.book.entries``).

    A reader types text; code may also set a number (``control.value = 45``),
    which the box keeps as its text.
    """

    value = traitlets.CUnicode(help="The rate as typed").tag(sync=True)


def _rate_control(rate: float, label: str, style: dict) -> RateText:
    """A text box for a rate: 0.45, 45 or 45% (``rtchx.book.entries``), shown as a percentage."""
    return RateText(value=rate_text(rate), description=label + RATE_SUFFIX, continuous_update=False, style=style,
                    placeholder="45% or 0.45")


def _read_rate(control) -> float:
    """The rate typed in a rate control, as a fraction strictly between 0 and 1; else a ValueError naming it."""
    label = _label(control)
    rate = read_rate(control.value, label)
    if not 0 < rate < 1:
        raise ValueError(f"{label} must lie strictly between 0% and 100%; got {rate_text(rate)}. "
                         f"Type {RATE_HINT}.")
    return rate


def _read_months(control, *, positive: bool = True) -> float:
    """The months typed in a control; a ValueError naming the control unless positive (or at least 0)."""
    label = _label(control)
    months = read_number(control.value, label)
    if months < 0 or (positive and months == 0):
        raise ValueError(f"{label} must be {'more than 0' if positive else '0 or more'}; got {months:g}.")
    return months


def _number(value: float, decimals: int) -> str:
    """A number to ``decimals`` places, or a dash where it is not finite (never 'nan' or 'inf')."""
    return f"{value:.{decimals}f}" if math.isfinite(value) else "–"


def _result_html(row, km_missing: str | None = None) -> str:
    km = (html.escape(km_missing) if km_missing is not None
          else f"{row.km_estimate:.0%} ({row.km_ci_low:.0%} to {row.km_ci_high:.0%})")
    return (
        "<table class='rtchx-result'>"
        f"<tr><th>Observed local failures (O)</th><td>{row.observed_events}</td></tr>"
        f"<tr><th>Expected under the reference (E)</th><td>{_expected_text(row.expected_events)}</td></tr>"
        f"<tr><th>O/E (exact {1 - row.alpha:.0%} interval)</th><td>{_number(row.o_over_e, 2)} "
        f"({_number(row.o_over_e_ci_low, 2)} to {_number(row.o_over_e_ci_high, 2)})</td></tr>"
        f"<tr><th>Two-sided p, exact Poisson</th><td>{row.p_exact:.3f}</td></tr>"
        f"<tr><th>Two-sided p, normal approximation</th><td>{row.p_normal:.3f}</td></tr>"
        f"<tr><th>Kaplan-Meier at {month_number(row.timepoint_months)} months (95% log-log)</th>"
        f"<td>{km}</td></tr>"
        "</table>"
    )


def _expected_text(expected: float) -> str:
    """E to two decimals, or to two significant figures when it is below 0.01 (so it never reads 0.00)."""
    return f"{expected:.2f}" if expected >= 0.01 else f"{expected:.2g}"


def _error_html(message: str) -> str:
    return f"<p class='rtchx-error' role='alert'><strong>Cannot compute:</strong> {html.escape(message)}</p>"


def _warnings_html(warnings) -> str:
    """Warnings above a result: not errors (the result shows), but reasons not to trust it."""
    return "".join(f"<p class='rtchx-warning' role='status'><strong>Take care:</strong> {html.escape(text)}</p>"
                   for text in warnings)


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
        self.alpha = _rate_control(0.05, "Alpha (for O/E)", style)
        self.rate = _rate_control(0.45, "Your rate", style)
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
        alpha = _read_rate(self.alpha)
        if self.comparator.value == self.CUSTOM:
            return compare.observed_vs_rate(self.patients, _read_rate(self.rate), _read_months(self.timepoint),
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

    def km_missing(self, row: compare.Comparison) -> str | None:
        """Why the Kaplan-Meier estimate at the comparison's time point is not shown, or None."""
        return not_estimable(survival.kaplan_meier(self.patients, row.endpoint), row.timepoint_months)

    def warnings(self, row: compare.Comparison) -> list[str]:
        """Reasons not to trust the comparison: a time point past the follow-up, a rate near 0% or 100%."""
        found = []
        longest = float(survival.endpoint(self.patients, row.endpoint)[0].max())
        custom = row.comparator == self.CUSTOM
        where = f"{_label(self.timepoint)} ({month_number(row.timepoint_months)} months)" if custom else (
            f"The reference's time point ({month_number(row.timepoint_months)} months)")
        if row.timepoint_months > longest:
            found.append(f"{where} lies beyond the longest follow-up of {month_number(longest)} months. No patient "
                         "was followed that long, so the Kaplan-Meier estimate there is not estimable, and E rests "
                         "only on the assumed hazard shape, carried from the reference's time point back to the "
                         "months the patients were followed.")
        rates = ([row.historical_rate] if row.historical_rate is not None
                 else [float(r) for r in self.historical.set_index("id").loc[
                       list(compare.SIZE_STANDARDISED[row.comparator].values()), "rate"]])
        label = _label(self.rate) if custom else "The reference's rate"
        for rate in dict.fromkeys(rates):
            n = len(self.patients)
            consequence = (f"Here the reference expects {_expected_text(row.expected_events)} local failures in {n} "
                           "patients" + (", more than there are patients, though each can fail only once"
                                         if row.expected_events > n else "")
                           + f", so O/E is {_number(row.o_over_e, 0 if row.o_over_e >= 100 else 2)}.")
            warning = edge_warning(label, rate, consequence)
            if warning is not None:
                found.append(warning)
        return found

    def _body_html(self) -> str:
        return _warnings_html(self.warnings(self.last)) + _result_html(self.last, self.km_missing(self.last))


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
        self.p0 = _rate_control(d.p0, "Historical rate", style)
        self.p1 = _rate_control(d.p1, "Hoped-for rate", style)
        self.months = w.FloatText(value=d.months, step=12, description="At month", style=style)
        self.alpha = _rate_control(d.alpha_one_sided, "Alpha (one-sided, single arm)", style)
        self.alpha2 = _rate_control(d.alpha_two_sided, "Alpha (two-sided, randomised)", style)
        self.power = _rate_control(d.power, "Power", style)
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
        """Every design's size for the current settings; raises ValueError with a reader-facing message.

        The settings are read and checked here, so that every message names a control as the reader sees it
        (the core's messages speak of p0 and p1).
        """
        p0, p1 = _read_rate(self.p0), _read_rate(self.p1)
        if p1 <= p0:
            raise ValueError(f"{_label(self.p1)} ({rate_text(p1)}) must exceed {_label(self.p0)} "
                             f"({rate_text(p0)}).")
        alpha, alpha2, power = _read_rate(self.alpha), _read_rate(self.alpha2), _read_rate(self.power)
        months = _read_months(self.months)
        accrual, follow_up = _read_months(self.accrual, positive=False), _read_months(self.follow_up, positive=False)
        if accrual + follow_up <= 0:
            raise ValueError(f"{_label(self.accrual)} and {_label(self.follow_up)} cannot both be 0.")
        try:
            return design.trial_sizes(p0, p1, months, alpha_one_sided=alpha, alpha_two_sided=alpha2, power=power,
                                      accrual=accrual, follow_up=follow_up,
                                      death_hazard=self.cohort_death_hazard if self.deaths.value else 0.0)
        except ValueError as error:   # a check of the core not made above: still in the reader's words
            raise ValueError(_visible_names(str(error), {"p0": _label(self.p0), "p1": _label(self.p1)})) from None

    def warnings(self) -> list[str]:
        """Reasons not to trust the sizes: a rate near 0% or 100%."""
        p0, p1 = _read_rate(self.p0), _read_rate(self.p1)
        hazard_ratio = math.log(p1) / math.log(p0)   # the constant hazards' ratio, as the log-rank designs take it
        consequence = (f"Here every design's size swings with this rate, and the log-rank designs rest on a "
                       f"hazard ratio of {hazard_ratio:.2g}.")
        found = (edge_warning(_label(control), rate, consequence) for control, rate in ((self.p0, p0), (self.p1, p1)))
        return [text for text in found if text is not None]

    def _body_html(self) -> str:
        return _warnings_html(self.warnings()) + _design_html(self.last)


def _visible_names(message: str, names: dict[str, str]) -> str:
    """``message`` with each whole word that is a key of ``names`` replaced by its value."""
    return " ".join(names.get(word, word) for word in message.split(" "))


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
                         "At 5 years": not_estimable(fit, 60) or f"{survival.survival_at(fit, 60):.0%}"})
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
                    f"getting past this time is ({int(current['at_risk'])} − {int(current['events'])})/"
                    f"{int(current['at_risk'])} = {current['conditional']:.3f}, so S = {before:.3f} × "
                    f"{current['conditional']:.3f} = {current['survival']:.3f}.")
        frame = product_limit_frame(shown, self.endpoint.value)   # the chapter's table, with its column names
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
        """Table 3's numbers beside the changed ones; raises ValueError with a reader-facing message."""
        month = float(self.month.value)
        if self.change.value == whatif.Change.LOCAL_FAILURE_AT:
            month = _read_months(self.month)
        return whatif_table(whatif.recompute_with_change(
            self.patients, self.historical, self.claims, int(self.patient.value), self.change.value,
            month, before=self.before))

    def _set_controls(self) -> None:
        self.month.disabled = self.change.value != whatif.Change.LOCAL_FAILURE_AT

    def _body_html(self) -> str:
        what = CHANGE_LABELS[self.change.value].lower()
        moved = {i for i, changed in enumerate(self.last["Changed"]) if changed}   # mark every row that moved
        table = _table_html(self.last, moved)
        return f"<p>Patient {self.patient.value}: {html.escape(what)}.</p>{table}"
