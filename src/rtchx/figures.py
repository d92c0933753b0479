"""Figures for the book: one seaborn theme, one colour-blind-safe palette, readable at page width."""

from __future__ import annotations

import matplotlib

import matplotlib.pyplot as plt
import seaborn as sns
from lifelines import KaplanMeierFitter
from lifelines.plotting import add_at_risk_counts

#: seaborn's "colorblind" palette: distinguishable under the common colour-vision deficiencies.
PALETTE = sns.color_palette("colorblind")

#: Page-width figure size in inches (the book's text column is about 7 inches wide).
PAGE_WIDTH = (7.0, 4.2)


def set_theme() -> None:
    """Apply the book's single plotting theme; call once at the top of every chapter."""
    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE, font_scale=1.0)
    matplotlib.rcParams.update({
        "figure.figsize": PAGE_WIDTH,
        "figure.dpi": 110,
        "savefig.dpi": 150,
        "savefig.bbox": "tight",
        "axes.titleweight": "bold",
    })


def km_plot(fit: KaplanMeierFitter, *, ylabel: str, xmax: float | None = None,
            at_risk_times: list[float] | None = None, ax=None):
    """A Kaplan-Meier curve with its 95% band, censoring ticks and numbers at risk below.

    Returns the matplotlib Figure. Months on the x-axis, the estimate in percent on the y-axis.
    """
    if ax is None:
        fig, ax = plt.subplots()
    else:
        fig = ax.figure
    fit.plot_survival_function(
        ax=ax, ci_show=True, show_censors=True, color=PALETTE[0],
        censor_styles={"marker": "|", "ms": 10, "mew": 1.5},
    )
    ax.set_xlabel("Months from the first day of treatment")
    ax.set_ylabel(ylabel)
    ax.set_ylim(0, 1.05)
    ax.set_xlim(0, xmax if xmax is not None else float(fit.durations.max()) * 1.03)
    ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(xmax=1, decimals=0))
    ax.legend(loc="lower left", frameon=True)
    if at_risk_times is not None:
        ax.set_xticks(at_risk_times)
    add_at_risk_counts(fit, ax=ax, rows_to_show=["At risk"], xticks=at_risk_times)
    fig.tight_layout()
    return fig
