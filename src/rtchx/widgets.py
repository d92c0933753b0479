"""Live controls for the book's chapters (ipywidgets), each with a static view for the HTML book.

A built page has no kernel, so every explorer is displayed through
``_repr_mimebundle_`` with two views: the live widget (which Jupyter prefers)
and an HTML summary of its default settings (which the book shows, because
``_config.yml`` gives the widget view no priority in the HTML build).
"""

from __future__ import annotations

import html

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

from . import compare, survival
from .figures import reference_curves_plot

#: The line every static view carries: how to get the live version.
LIVE_HINT = ("This is a static view of the default settings, made when the book was built. "
             "Open this chapter's notebook in Jupyter (see the README) to change the settings.")


def _result_html(row: dict) -> str:
    return (
        "<table class='rtchx-result'>"
        f"<tr><th>Observed local failures (O)</th><td>{row['observed_events']}</td></tr>"
        f"<tr><th>Expected under the reference (E)</th><td>{row['expected_events']:.2f}</td></tr>"
        f"<tr><th>O/E (exact {1 - row['alpha']:.0%} interval)</th><td>{row['o_over_e']:.2f} "
        f"({row['o_over_e_ci_low']:.2f} to {row['o_over_e_ci_high']:.2f})</td></tr>"
        f"<tr><th>Two-sided p, exact Poisson</th><td>{row['p_exact']:.3f}</td></tr>"
        f"<tr><th>Two-sided p, normal approximation</th><td>{row['p_normal']:.3f}</td></tr>"
        f"<tr><th>Kaplan-Meier at {row['timepoint_months']:.0f} months (95% log-log)</th>"
        f"<td>{row['km_estimate']:.0%} ({row['km_ci_low']:.0%} to {row['km_ci_high']:.0%})</td></tr>"
        "</table>"
    )


def _error_html(message: str) -> str:
    return f"<p class='rtchx-error' role='alert'><strong>Cannot compute:</strong> {html.escape(message)}</p>"


class _Explorer:
    """What every explorer shares: a static view of its last result, and both views in one mime bundle."""

    widget = None
    last = None

    def _body_html(self) -> str:
        raise NotImplementedError

    def static_html(self) -> str:
        """The default view as HTML, for the book where there is no kernel."""
        body = self._body_html() if self.last else _error_html("the default settings failed")
        return f"<div class='rtchx-static'>{body}<p class='rtchx-live-hint'><em>{LIVE_HINT}</em></p></div>"

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = dict(self.widget._repr_mimebundle_(include=include, exclude=exclude) or {})
        bundle["text/html"] = self.static_html()
        return bundle


class ComparisonExplorer(_Explorer):
    """Choose comparator, size basis, hazard shape and alpha; see E, O/E, p and the reference curves."""

    CUSTOM = "custom"

    def __init__(self, patients: pd.DataFrame, historical: pd.DataFrame):
        import ipywidgets as w

        self.patients, self.historical = patients, historical
        singles = historical[(historical["endpoint"] == "local_control") & historical["timepoint_months"].notna()
                             & historical["rate"].between(0, 1, inclusive="neither")]
        options = [("Kepka by size, rates as the paper cites them", "kepka_by_size_cited"),
                   ("Kepka by size, the source's own rates", "kepka_by_size_source")]
        options += [(f"{r.study}, {r.subgroup}: {r.rate:.0%} at {r.timepoint_months:.0f} months, for all", r.id)
                    for r in singles.itertuples(index=False)]
        options.append(("Your own rate and time point", self.CUSTOM))
        style = {"description_width": "10em"}
        self.comparator = w.Dropdown(options=options, value=compare.PRIMARY["comparator"],
                                     description="Comparator", style=style, layout=w.Layout(width="95%"))
        self.size_basis = w.Dropdown(options=[("Size before radiotherapy", "before_rt"), ("Initial size", "initial")],
                                     value=compare.PRIMARY["size_basis"], description="Size basis", style=style)
        self.shape = w.ToggleButtons(options=[("Exponential", "exponential"), ("Plateau after time point", "plateau")],
                                     value=compare.PRIMARY["shape"], description="Hazard shape", style=style)
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

    def compute(self) -> dict:
        """The comparison for the current settings; raises ValueError with a reader-facing message."""
        alpha = float(self.alpha.value)
        if self.comparator.value == self.CUSTOM:
            row = compare.compare_rate(self.patients, float(self.rate.value), float(self.timepoint.value),
                                       shape=self.shape.value, alpha=alpha)
            row.update(comparator=self.CUSTOM, study="Your reference", subgroup="all")
        elif self.comparator.value in compare.SIZE_STANDARDISED:
            row = compare.compare_one(self.patients, self.historical, self.comparator.value,
                                      size_basis=self.size_basis.value, shape=self.shape.value, alpha=alpha)
        else:
            row = compare.compare_one(self.patients, self.historical, self.comparator.value,
                                      shape=self.shape.value, alpha=alpha)
        return {**row, "alpha": alpha}

    def reference_curves(self, row: dict) -> dict[str, tuple[float, float]]:
        """Legend label -> (rate, time point) of the reference curves behind ``row``."""
        if row["comparator"] in compare.SIZE_STANDARDISED:
            h = self.historical.set_index("id")
            return {f"Reference, {size}": (float(h.loc[i, "rate"]), float(h.loc[i, "timepoint_months"]))
                    for size, i in compare.SIZE_STANDARDISED[row["comparator"]].items() if size != "<=5 cm"}
        return {"Reference": (row["historical_rate"], row["timepoint_months"])}

    def update(self) -> None:
        """Recompute and redraw; a bad setting shows a message instead of a result, never a traceback."""
        sized = self.comparator.value in compare.SIZE_STANDARDISED
        self.size_basis.disabled = not sized
        self.rate.disabled = self.timepoint.disabled = self.comparator.value != self.CUSTOM
        self.plot.clear_output()
        try:
            row = self.compute()
        except ValueError as error:
            self.last = None
            self.result.value = _error_html(str(error))
            return
        self.last = row
        self.result.value = _result_html(row)
        with self.plot:
            fig = reference_curves_plot(survival.kaplan_meier(self.patients, "local_control"),
                                        self.reference_curves(row), shape=row["shape"],
                                        ylabel="Local control", xmax=130)
            plt.close(fig)
            display(fig)

    def _body_html(self) -> str:
        return _result_html(self.last)


def _design_html(rows: list[dict]) -> str:
    body = "".join(f"<tr><th>{html.escape(r['design'])}</th><td>{r['patients'] or '–'}</td>"
                   f"<td>{html.escape(r['rule'])}</td></tr>" for r in rows)
    return ("<table class='rtchx-result'><tr><th>Design</th><th>Patients</th><th>Rule</th></tr>"
            f"{body}</table>")


class DesignExplorer(_Explorer):
    """Change the assumptions of the confirmatory trial and see how many patients each design needs."""

    def __init__(self, cohort_death_hazard: float):
        import ipywidgets as w

        from . import design

        self.cohort_death_hazard = cohort_death_hazard
        d = design.DEFAULTS
        style = {"description_width": "16em"}
        self.p0 = w.FloatText(value=d["p0"], step=0.05, description="Historical rate (0-1)", style=style)
        self.p1 = w.FloatText(value=d["p1"], step=0.05, description="Hoped-for rate (0-1)", style=style)
        self.months = w.FloatText(value=d["months"], step=12, description="At month", style=style)
        self.alpha = w.FloatText(value=d["alpha_one_sided"], step=0.01, description="Alpha (one-sided, single arm)",
                                 style=style)
        self.alpha2 = w.FloatText(value=d["alpha_two_sided"], step=0.01, description="Alpha (two-sided, randomised)",
                                  style=style)
        self.power = w.FloatText(value=d["power"], step=0.05, description="Power (0-1)", style=style)
        self.accrual = w.FloatText(value=d["accrual"], step=12, description="Accrual (months)", style=style)
        self.follow_up = w.FloatText(value=d["follow_up"], step=12, description="Further follow-up (months)",
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

    def compute(self) -> list[dict]:
        """Every design's size for the current settings; raises ValueError with a reader-facing message."""
        from . import design

        return design.trial_sizes(
            float(self.p0.value), float(self.p1.value), float(self.months.value),
            alpha_one_sided=float(self.alpha.value), alpha_two_sided=float(self.alpha2.value),
            power=float(self.power.value), accrual=float(self.accrual.value), follow_up=float(self.follow_up.value),
            death_hazard=self.cohort_death_hazard if self.deaths.value else 0.0)

    def update(self) -> None:
        """Recompute; a bad setting shows a message instead of a table, never a traceback."""
        try:
            self.last = self.compute()
        except ValueError as error:
            self.last = None
            self.result.value = _error_html(str(error))
            return
        self.result.value = _design_html(self.last)

    def _body_html(self) -> str:
        return _design_html(self.last)
