"""Figures for the book: one seaborn theme, one colour-blind-safe palette, readable at page width."""

from __future__ import annotations

import io
import struct
import zlib
from dataclasses import dataclass, field

import matplotlib
import matplotlib.pyplot as plt
import matplotlib.text
import matplotlib.transforms
import seaborn as sns
from lifelines import KaplanMeierFitter
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from rtchx.book.tables import ENDPOINT_LABELS, design_name, shape_label
from rtchx.core import protocol

#: seaborn's "colorblind" palette: distinguishable under the common colour-vision deficiencies.
PALETTE = sns.color_palette("colorblind")

#: Page-width figure size in inches (the book's text column is about 7 inches wide).
PAGE_WIDTH = (7.0, 4.2)

#: How a censored patient is marked on a Kaplan-Meier curve: a short vertical tick.
CENSOR_TICK = {"marker": "|", "ms": 10, "mew": 1.5}

#: Resolution of the book's figures: a page-width figure is about 770 pixels wide.
DPI = 110

#: No text in a figure is smaller than this (points); the browser tests check what it becomes on screen.
SMALLEST_TEXT_PT = 9

#: The PNG text key under which each figure records its smallest font size in points.
SMALLEST_TEXT_KEY = "rtchx-smallest-text-pt"


def set_theme() -> None:
    """Apply the book's single plotting theme; call once at the top of every chapter."""
    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE, font_scale=1.0)
    matplotlib.rcParams.update({
        "figure.figsize": PAGE_WIDTH,
        "figure.dpi": DPI,
        "savefig.dpi": DPI,
        "savefig.bbox": "tight",
        "axes.titleweight": "bold",
    })


def smallest_text_pt(fig) -> float:
    """The font size (points) of the smallest visible, non-empty text in a drawn figure."""
    sizes = [t.get_fontsize() for t in fig.findobj(matplotlib.text.Text)
             if t.get_visible() and t.get_text().strip()]
    return min(sizes) if sizes else float("inf")


def _png_with_text(png: bytes, key: str, value: str) -> bytes:
    """Insert a tEXt chunk right after the PNG header chunk (IHDR)."""
    body = key.encode("latin-1") + b"\0" + value.encode("latin-1")
    chunk = struct.pack(">I", len(body)) + b"tEXt" + body + struct.pack(">I", zlib.crc32(b"tEXt" + body))
    end_of_header = 8 + 4 + 4 + 13 + 4   # signature, IHDR length, type, data, CRC
    return png[:end_of_header] + chunk + png[end_of_header:]


def png_bytes(fig) -> bytes:
    """The figure as a PNG at the book's resolution, recording its smallest text size (for the browser tests)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")   # drawing creates the tick labels
    return _png_with_text(buffer.getvalue(), SMALLEST_TEXT_KEY, f"{smallest_text_pt(fig):g}")


def survival_axes(ax, *, ylabel: str, xmax: float) -> None:
    """The book's survival-curve axes: months from the start of treatment, 0-105% in percent."""
    ax.set_xlabel("Months from the first day of treatment")
    ax.set_ylabel(ylabel)
    ax.set_xlim(0, xmax)
    ax.set_ylim(0, 1.05)
    ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(xmax=1, decimals=0))


def km_plot(fit: KaplanMeierFitter, *, ylabel: str, xmax: float | None = None,
            at_risk_times: list[float] | None = None, ax=None):
    """A Kaplan-Meier curve with its 95% band, censoring ticks and numbers at risk below.

    Returns the matplotlib Figure. Months on the x-axis, the estimate in percent on the y-axis;
    the legend names the fit's endpoint for readers (``ENDPOINT_LABELS``).

    Parameters
    ----------
    fit : KaplanMeierFitter
        A fit from ``rtchx.core.survival.kaplan_meier``.
    ylabel : str
        What the curve measures, in words.
    xmax : float, optional
        The end of the time axis in months (default: a little past the last time).
    at_risk_times : list of float, optional
        Months at which to print the numbers still at risk, below the axis.
    ax : matplotlib Axes, optional
        Draw into it instead of a new figure.

    Returns
    -------
    Figure
        The figure (close it after gluing).

    Example
    -------
    >>> from rtchx.core import data, survival
    >>> fit = survival.kaplan_meier(data.load_patients(), "local_control")
    >>> fig = km_plot(fit, ylabel="Free of local failure", at_risk_times=[0, 24, 48])   # doctest: +SKIP
    """
    own = ax is None   # a figure of its own is laid out here; one with other panels by its maker
    fig, ax = plt.subplots() if own else (ax.figure, ax)
    fit.plot_survival_function(
        ax=ax, ci_show=True, show_censors=True, color=PALETTE[0],
        censor_styles=CENSOR_TICK, label=ENDPOINT_LABELS.get(fit.label, fit.label),
    )
    survival_axes(ax, ylabel=ylabel, xmax=xmax if xmax is not None else float(fit.durations.max()) * 1.03)
    ax.legend(loc="best", frameon=True)
    if at_risk_times is not None:
        ax.set_xticks(at_risk_times)
        add_at_risk_row(ax, fit, at_risk_times)
    if own:
        fig.tight_layout()
    return fig


def add_at_risk_row(ax, fit: KaplanMeierFitter, times, *, label: str = "At risk", y: float = -0.30,
                    label_x: float = -0.05, color=None) -> None:
    """Write the number at risk under each tick: patients followed at least that long without an event before.

    The same count as ``rtchx.core.survival.at_risk`` (time >= t), so the figure, the prose and
    the product-limit table agree; lifelines' own row counts those at risk just after t.
    ``y`` is the row's height in axes units (below the axis), ``label`` its name at ``label_x``.
    """
    durations = fit.durations
    transform = matplotlib.transforms.blended_transform_factory(ax.transData, ax.transAxes)
    ax.text(label_x, y, label, transform=ax.transAxes, ha="right", va="top", fontsize=SMALLEST_TEXT_PT, color=color)
    for t in times:
        ax.text(t, y, str(int((durations >= t).sum())), transform=transform, ha="center", va="top",
                fontsize=SMALLEST_TEXT_PT)


COHORT_COLOURS = {"primary": PALETTE[0], "after_r2_resection": PALETTE[1]}
COHORT_NAMES = {"primary": "Primary radiochemotherapy", "after_r2_resection": "After R2 resection"}


def schedule_figure(courses, weeks: int = 7):
    """Figure 1 as a week-by-week chart, one panel per course (``rtchx.core.protocol.courses``).

    Radiotherapy: one box per fraction, stacked within a treatment day's column, so a
    twice-daily course has two half-height boxes a day. Ifosfamide: one box per day of
    a cycle, in the cycle weeks. Hyperthermia (as prescribed, two sessions a week)
    only in a course whose patients had it. Weeks after the shortest planned
    course are drawn lighter: they were given only when the total dose needed them.
    Every patch carries its row's name as ``gid`` ('radiotherapy', 'ifosfamide',
    'hyperthermia'), so that tests can count what is drawn.

    Parameters
    ----------
    courses : sequence of rtchx.core.protocol.Course
        The courses to draw, one panel each, top to bottom.
    weeks : int
        Weeks to draw.

    Returns
    -------
    matplotlib.figure.Figure

    Example
    -------
    >>> fig = schedule_figure(protocol.courses(patients))   # doctest: +SKIP
    """
    rows_per_course = [2 + bool(c.hyperthermia_patients) for c in courses]
    fig, axes = plt.subplots(len(courses), 1, figsize=(7.0, 1.3 + 0.75 * sum(rows_per_course)), sharex=True,
                             gridspec_kw={"height_ratios": rows_per_course})
    width, height, gap = 0.85, 0.6, 0.08
    for ax, course, n_rows in zip(axes, courses, rows_per_course, strict=True):
        per_day = course.fractions_per_day
        fraction_height = (height - gap * (per_day - 1)) / per_day
        ifosfamide = " or ".join(f"{d:.1f}" for d in course.ifosfamide_daily_g_m2)
        rows = {f"Radiotherapy\n{'a fraction' if per_day == 1 else f'{per_day} fractions'} a day": n_rows - 1,
                f"Ifosfamide\n{ifosfamide} g/m² a day": n_rows - 2}
        if course.hyperthermia_patients:
            rows["Hyperthermia\n(as prescribed)"] = 0

        def box(x, y, colour, name, faint=False, h=height, ax=ax):
            ax.add_patch(plt.Rectangle((x, y), width, h, color=colour, alpha=0.35 if faint else 0.9, lw=0, gid=name))

        for week in range(1, weeks + 1):
            optional = week > protocol.WEEKS_PLANNED[0]
            for day in range(protocol.FRACTIONS_PER_WEEK):
                for fraction in range(per_day):   # the first fraction of the day on top
                    box((week - 1) * 7 + day, n_rows - 1 + height / 2 - (fraction + 1) * fraction_height
                        - fraction * gap, PALETTE[0], "radiotherapy", optional, h=fraction_height)
            if week in protocol.IFOSFAMIDE_CYCLE_WEEKS:
                for day in range(protocol.IFOSFAMIDE_DAYS_PER_CYCLE):
                    box((week - 1) * 7 + day, n_rows - 2 - height / 2, PALETTE[1], "ifosfamide")
            if course.hyperthermia_patients:
                for day in (0, 3)[:protocol.HYPERTHERMIA_SESSIONS_PER_WEEK]:
                    box((week - 1) * 7 + day, -height / 2, PALETTE[2], "hyperthermia", optional)
        ax.set_ylim(-0.6, n_rows - 0.4)
        ax.set_yticks(list(rows.values()), list(rows))
        ax.grid(False)
        fraction = ("fraction size not stated" if not course.dose_per_fraction_gy else
                    "–".join(f"{d:.1f}" for d in course.dose_per_fraction_gy) + " Gy per fraction")
        n = len(course.patients)
        ax.set_title(f"{course.name}, {n} patient{'s' if n != 1 else ''}: {fraction}", loc="left", fontsize=10)
    axes[-1].set_xlim(-0.5, weeks * 7 - 1.5)
    axes[-1].set_xticks([(w - 1) * 7 + 2.5 for w in range(1, weeks + 1)], [f"Week {w}" for w in range(1, weeks + 1)])
    axes[-1].set_xlabel("Treatment week (one column per treatment day, Monday to Friday)")
    fig.tight_layout(h_pad=1.5)
    return fig


@dataclass(frozen=True)
class EstimatePanel:
    """A panel of ``km_panels``: a Kaplan-Meier estimate with its 95% band, censoring ticks and numbers at risk.

    ``reported`` maps months to the paper's reported value there (a median is the point at 50%);
    ``legend_loc`` is a matplotlib legend location clear of the curve.
    """

    fit: KaplanMeierFitter
    title: str
    ylabel: str
    reported: dict[float, float] = field(default_factory=dict)
    legend_loc: str = "upper right"


@dataclass(frozen=True)
class BandPanel:
    """A panel of ``km_panels``: the range of curves the data allow, between the curves with every event as
    late (``latest``) and as early (``earliest``) as possible (``rtchx.core.survival.event_free_bounds``)."""

    latest: KaplanMeierFitter
    earliest: KaplanMeierFitter
    title: str
    ylabel: str
    reported: dict[float, float] = field(default_factory=dict)
    legend_loc: str = "upper right"


#: Legend entries shared by the panels of ``km_panels`` and ``bounds_plot``.
REPORTED_STYLE = {"marker": "D", "color": PALETTE[3], "ms": 8, "ls": "", "label": "Reported by the paper"}
BAND_LABEL = "Every curve Table 3 allows"

#: A range of possible curves is drawn in another hue than an estimate, so it is not read as a confidence band.
BAND_COLOUR = PALETTE[2]


def _legend_handles(panel) -> list:
    """What a panel of ``km_panels`` draws, in words: estimate or band."""
    if isinstance(panel, EstimatePanel):
        handles = [Line2D([], [], color=PALETTE[0], lw=2, label="Kaplan-Meier estimate"),
                   Patch(color=PALETTE[0], alpha=0.25, label=f"{100 * (1 - panel.fit.alpha):.0f}% confidence band"),
                   Line2D([], [], color=PALETTE[0], ls="", **CENSOR_TICK, label="Censored")]
    else:
        handles = [Patch(color=BAND_COLOUR, alpha=0.3, label=BAND_LABEL),
                   Line2D([], [], color=BAND_COLOUR, lw=2, label="Events as late as possible"),
                   Line2D([], [], color=BAND_COLOUR, lw=2, ls="--", label="Events as early as possible")]
    if panel.reported:
        handles.append(Line2D([], [], **REPORTED_STYLE))
    return handles


def km_panels(panels, *, xmax: float, at_risk_times):
    """Survival panels stacked top to bottom: Kaplan-Meier estimates (``EstimatePanel``) and ranges the data
    allow (``BandPanel``), on one time axis, each with a legend saying which it is.

    An estimate has its numbers at risk below it; a range has none, because who is at
    risk depends on the event times the data do not give. Diamonds: the paper's values.

    Parameters
    ----------
    panels : sequence of EstimatePanel or BandPanel
        One per panel, top to bottom.
    xmax : float
        Months at the right edge of every panel.
    at_risk_times : list of float
        The x ticks of every panel, and where the numbers at risk are counted.

    Returns
    -------
    matplotlib.figure.Figure

    Example
    -------
    >>> fig = km_panels([EstimatePanel(os_fit, "(a) Overall survival", "Alive")], xmax=130,
    ...                 at_risk_times=[0, 60, 120])   # doctest: +SKIP
    """
    fig, axes = plt.subplots(len(panels), 1, figsize=(7.0, 3.6 * len(panels)), squeeze=False)
    for ax, panel in zip(axes[:, 0], panels, strict=True):
        if isinstance(panel, EstimatePanel):
            km_plot(panel.fit, ylabel=panel.ylabel, xmax=xmax, at_risk_times=at_risk_times, ax=ax)
            if panel.reported:
                ax.plot(list(panel.reported), list(panel.reported.values()), **REPORTED_STYLE)
        else:
            bounds_plot(panel.latest, panel.earliest, reported=panel.reported, ylabel=panel.ylabel, xmax=xmax,
                        ax=ax)
            ax.set_xticks(at_risk_times)
        ax.legend(handles=_legend_handles(panel), loc=panel.legend_loc, ncol=2, frameon=True,
                  fontsize=SMALLEST_TEXT_PT)
        ax.set_title(panel.title, loc="left")
    fig.tight_layout(h_pad=2.5)
    return fig


def bounds_plot(latest, earliest, *, reported: dict[float, float], ylabel: str, xmax: float, ax=None):
    """The range a curve can take given what the data fix, with the paper's reported points on top.

    ``latest`` and ``earliest`` are the curves with every event as late and as early as
    possible (``rtchx.core.survival.event_free_bounds``); the range between them is shaded.
    Draws into ``ax`` if given, else into a new figure; returns the Figure.
    """
    own = ax is None   # as km_plot: lay out only a figure of its own
    fig, ax = plt.subplots() if own else (ax.figure, ax)
    t_late = latest.survival_function_.index.to_numpy()
    s_late = latest.survival_function_.iloc[:, 0].to_numpy()
    s_early = earliest.survival_function_at_times(t_late).to_numpy()
    ax.fill_between(t_late, s_early, s_late, step="post", color=BAND_COLOUR, alpha=0.3, lw=0, label=BAND_LABEL)
    latest.plot_survival_function(ax=ax, ci_show=False, color=BAND_COLOUR, lw=2, label="Latest possible events")
    earliest.plot_survival_function(ax=ax, ci_show=False, color=BAND_COLOUR, lw=2, linestyle="--",
                                    label="Earliest possible events")
    if reported:
        ax.plot(list(reported), list(reported.values()), **REPORTED_STYLE)
    survival_axes(ax, ylabel=ylabel, xmax=xmax)
    ax.legend(loc="upper right", frameon=True, fontsize=SMALLEST_TEXT_PT)
    if own:
        fig.tight_layout()
    return fig


def swimmer_plot(patients):
    """One bar per patient from the start of treatment to last follow-up or death, sorted by length.

    Colour: the block of Table 3. Markers: local failure (×), death (●), alive at last follow-up (→).
    """
    order = patients.sort_values("os_months")
    fig, ax = plt.subplots(figsize=(7.0, 4.6))
    for y, (_, p) in enumerate(order.iterrows()):
        ax.barh(y, p["os_months"], color=COHORT_COLOURS[p["cohort"]], height=0.6)
        if p["local_failure"]:
            ax.plot(p["lc_months"], y, "X", color="black", ms=9, mec="white")
        if p["status"] == "DOD":
            ax.plot(p["os_months"], y, "o", color="black", ms=7)
        else:
            ax.annotate("", xy=(p["os_months"] + 6, y), xytext=(p["os_months"], y),
                        arrowprops={"arrowstyle": "->", "color": "black", "lw": 1.5})
    ax.set_yticks(range(len(order)), [f"Patient {n}" for n in order["patient"]])
    ax.set_xlabel("Months from the first day of treatment")
    ax.set_xlim(0, float(order["os_months"].max()) + 12)
    handles = [matplotlib.patches.Patch(color=c, label=COHORT_NAMES[k]) for k, c in COHORT_COLOURS.items()]
    handles += [
        matplotlib.lines.Line2D([], [], marker="X", color="black", ls="", ms=9, label="Local failure"),
        matplotlib.lines.Line2D([], [], marker="o", color="black", ls="", ms=7, label="Died of disease"),
        matplotlib.lines.Line2D([], [], marker=r"$\rightarrow$", color="black", ls="", ms=12,
                                label="Alive without disease"),
    ]
    ax.legend(handles=handles, loc="lower right", frameon=True, fontsize=SMALLEST_TEXT_PT)
    ax.grid(axis="y", visible=False)
    fig.tight_layout()
    return fig


def timeline(events: list[tuple[float, str]], *, xmax: float, title: str | None = None):
    """A single patient's course: labelled marks on a line of months since the start of treatment."""
    fig, ax = plt.subplots(figsize=(7.0, 3.4))
    ax.axhline(0, color="grey", lw=2, zorder=0)
    heights = (0.5, -0.5, 1.2, -1.2)  # alternate sides and levels so that close events do not collide
    for i, (month, label) in enumerate(events):
        height = heights[i % len(heights)]
        align = "left" if i == 0 else "right" if i == len(events) - 1 else "center"
        ax.plot(month, 0, "o", color=PALETTE[i % len(PALETTE)], ms=9)
        ax.annotate(label, xy=(month, 0), xytext=(month, height), ha=align,
                    va="bottom" if height > 0 else "top", fontsize=SMALLEST_TEXT_PT,
                    arrowprops={"arrowstyle": "-", "color": "grey"})
    ax.set_ylim(-2.6, 2.6)
    ax.set_xlim(-6, xmax)
    ax.set_yticks([])
    ax.set_xlabel("Months from the first day of treatment")
    ax.grid(axis="y", visible=False)
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    if title:
        ax.set_title(title, loc="left")
    fig.tight_layout()
    return fig


def case_timeline(case, *, imaging_years: float, free_years: float):
    """The case report's patient on a timeline: start of treatment, the dated images, last follow-up.

    Parameters
    ----------
    case : Series
        Her row of Table 3 (``rtchx.core.quantities.case_report_patient``).
    imaging_years : float
        When the Results date the later scans, in years after therapy.
    free_years : float
        When the Figure 3 caption dates the last image, free of disease, in years after therapy.

    Returns
    -------
    matplotlib.figure.Figure
        ``timeline`` with the four marks, and a year's room after the last.

    Example
    -------
    >>> from rtchx.core import data, quantities
    >>> fig = case_timeline(quantities.case_report_patient(data.load_patients()), imaging_years=5, free_years=7)
    >>> len(fig.axes[0].texts)
    4
    """
    months = float(case["os_months"])
    events = [
        (0, "Radiochemotherapy starts\n(twice daily, hyperthermia\nstopped after one session)"),
        (12 * imaging_years, f"Later scans, per Results\n({imaging_years:g} years)"),
        (12 * free_years, f"Last image and free of disease,\nper Figure 3 caption ({free_years:g} years)"),
        (months, f"Last follow-up\n{case['os_months']:g} months, {case['status']}"),
    ]
    return timeline(events, xmax=months + 12)


def reference_curves_plot(fit: KaplanMeierFitter, curves: dict, *, ylabel: str, xmax: float, at_risk_times=None,
                          ax=None):
    """The cohort's Kaplan-Meier curve with historical reference curves S(t) matched to rate at a time point.

    ``curves`` maps a legend label to a ``rtchx.core.compare.ReferenceCurve``
    (``compare.reference_curve`` computes them); each is drawn with a dot at its published point.
    """
    fig = km_plot(fit, ylabel=ylabel, xmax=xmax, at_risk_times=at_risk_times, ax=ax)
    ax = fig.axes[0] if ax is None else ax
    styles = ["--", ":", "-.", (0, (5, 1, 1, 1))]
    for i, (label, curve) in enumerate(curves.items()):
        ax.plot(curve.months, curve.survival, linestyle=styles[i % len(styles)],
                color=PALETTE[(i + 1) % len(PALETTE)], lw=2, label=label)
        ax.plot([curve.timepoint], [curve.rate], "o", color=PALETTE[(i + 1) % len(PALETTE)], ms=6)
    ax.legend(loc="upper right", frameon=True, fontsize=SMALLEST_TEXT_PT)
    fig.tight_layout()
    return fig


def forest_plot(rows, *, labels, shapes, primary_label: str | None = None):
    """O/E with its exact 95% interval on a log scale: one line per comparison, one marker per hazard shape.

    ``rows`` are ``rtchx.core.compare.Comparison`` results and ``labels`` their names;
    rows sharing a label are drawn on one line, offset by hazard shape (``shapes``
    are ``HazardShape`` objects, named in the legend by ``tables.shape_label``). The
    primary comparison's label is set in bold. A dashed line marks O/E = 1.
    """
    names = list(dict.fromkeys(labels))
    fig, ax = plt.subplots(figsize=(7.0, 0.75 * len(names) + 1.4))
    offsets = {shape: 0.12 + 0.6 * i / len(shapes) for i, shape in enumerate(shapes)}   # below each row's label
    markers = {shape: m for shape, m in zip(shapes, ["o", "s", "^", "D", "v", "P"], strict=False)}
    for i, shape in enumerate(shapes):
        ys, xs, lows, highs = [], [], [], []
        for row, label in zip(rows, labels, strict=True):
            if row.shape == shape:
                ys.append(names.index(label) + offsets[shape])
                xs.append(row.o_over_e)
                lows.append(row.o_over_e - row.o_over_e_ci_low)
                highs.append(row.o_over_e_ci_high - row.o_over_e)
        ax.errorbar(xs, ys, xerr=[lows, highs], fmt=markers[shape], color=PALETTE[i], ms=6, lw=1.8, capsize=0,
                    label=shape_label(shape))
    # each comparison's name sits above its lines, so the axis keeps the full page width
    transform = matplotlib.transforms.blended_transform_factory(ax.transAxes, ax.transData)
    for y, name in enumerate(names):
        ax.text(0.01, y - 0.08, name, transform=transform, fontsize=SMALLEST_TEXT_PT, va="bottom",
                fontweight="bold" if name == primary_label else "normal")
    ax.axvline(1, color="0.3", lw=1, linestyle="--")
    ax.set_xscale("log")
    ax.set_xlim(0.01, 10)
    ax.set_xticks([0.01, 0.03, 0.1, 0.3, 1, 3, 10])
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    ax.set_yticks([])
    ax.set_ylim(len(names) - 0.35, -0.45)
    ax.set_xlabel("Observed / expected local failures (log scale)")
    ax.grid(axis="y", visible=False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=min(len(shapes), 3), frameon=False,
              fontsize=SMALLEST_TEXT_PT)
    fig.tight_layout()
    return fig


def design_plot(sizes):
    """Patients each trial design needs (``rtchx.core.design.trial_sizes``): a bar for the most it can
    enrol, a diamond for the number expected when it can stop early. Designs without a solution are left out."""
    rows = [r for r in sizes if r.patients is not None]
    fig, ax = plt.subplots(figsize=(7.0, 0.55 * len(rows) + 1.5))
    names = [design_name(r.design) for r in rows]
    ax.barh(names, [r.patients for r in rows], color=PALETTE[0], label="Patients enrolled at most")
    early = [(y, r.expected_patients) for y, r in enumerate(rows) if r.expected_patients]
    if early:
        ax.plot([e for _, e in early], [y for y, _ in early], "D", color=PALETTE[1], ms=8,
                label="Expected if the treatment is no better (early stop)")
    for y, r in enumerate(rows):
        ax.text(r.patients, y, f" {r.patients}", va="center", fontsize=SMALLEST_TEXT_PT)
    ax.invert_yaxis()
    ax.set_xlabel("Patients")
    ax.set_xlim(0, max(r.patients for r in rows) * 1.15)
    ax.grid(axis="y", visible=False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=1, frameon=False, fontsize=SMALLEST_TEXT_PT)
    fig.tight_layout()
    return fig


def km_groups_plot(fits: dict, *, ylabel: str, band: str = "log-log", plain_bands: dict | None = None,
                   show_censors: bool = True, at_risk_times=None, xmax: float = 130):
    """Kaplan-Meier curves, one per group, with a 95% band ('log-log', 'plain' from ``plain_bands``, or 'none'),
    optional censoring ticks and one row of numbers at risk per group."""
    fig, ax = plt.subplots(figsize=(7.0, 4.2 + 0.25 * len(fits) * (at_risk_times is not None)))
    for i, (name, fit) in enumerate(fits.items()):
        colour = PALETTE[i % len(PALETTE)]
        fit.plot_survival_function(ax=ax, ci_show=band == "log-log", show_censors=show_censors, color=colour,
                                   censor_styles=CENSOR_TICK, label=name)
        if band == "plain" and plain_bands is not None:
            b = plain_bands[name]
            ax.fill_between(b["time"], b["low"].clip(0, 1), b["high"].clip(0, 1), step="post", color=colour,
                            alpha=0.2)
    survival_axes(ax, ylabel=ylabel, xmax=xmax)
    ax.legend(loc="upper right", frameon=True, fontsize=SMALLEST_TEXT_PT)
    if at_risk_times is not None:
        ax.set_xticks(at_risk_times)
        for i, (name, fit) in enumerate(fits.items()):
            add_at_risk_row(ax, fit, at_risk_times, label=name, y=-0.28 - 0.09 * i, label_x=-0.02,
                            color=PALETTE[i % len(PALETTE)])
    fig.tight_layout()
    return fig


def product_limit_step_plot(table, step: int, *, ylabel: str, xmax: float = 130):
    """The Kaplan-Meier curve drawn up to the ``step``-th event time (0: before any), the rest faint."""
    fig, ax = plt.subplots(figsize=(7.0, 3.6))
    times = [0.0, *table["time"].tolist()]
    values = [1.0, *table["survival"].tolist()]
    ax.step(times + [xmax], values + [values[-1]], where="post", color="0.8", lw=1.5, label="Whole curve")
    event_times = table.loc[table["events"] > 0, "time"].tolist()
    upto = event_times[step - 1] if step > 0 else 0.0
    shown = [(t, v) for t, v in zip(times, values, strict=True) if t <= upto]
    end = event_times[step] if step < len(event_times) else xmax
    ax.step([t for t, _ in shown] + [end], [v for _, v in shown] + [shown[-1][1]], where="post", color=PALETTE[0],
            lw=2.5, label="Worked so far")
    if step > 0:
        ax.plot([upto], [shown[-1][1]], "o", color=PALETTE[3], ms=8, label="This step")
    survival_axes(ax, ylabel=ylabel, xmax=xmax)
    ax.legend(loc="upper right", frameon=True, fontsize=SMALLEST_TEXT_PT)
    fig.tight_layout()
    return fig


def shape_curves_plot(curves, *, xmax: float = 130):
    """Reference curves S(t) of several hazard shapes, all through the same published point (rate at timepoint).

    ``curves`` are ``rtchx.core.compare.ReferenceCurve`` objects of one rate and time point
    (``compare.reference_curve``), one per shape; each is drawn with its own colour and line
    style, named by ``tables.shape_label``, and the shared point is marked.
    """
    fig, ax = plt.subplots(figsize=PAGE_WIDTH)
    styles = ["-", "--", ":", "-.", (0, (5, 1, 1, 1)), (0, (1, 1))]
    for i, curve in enumerate(curves):
        ax.plot(curve.months, curve.survival, linestyle=styles[i % len(styles)], color=PALETTE[i % len(PALETTE)],
                lw=2.2, label=shape_label(curve.shape))
    ax.plot([curves[0].timepoint], [curves[0].rate], "o", color="0.15", ms=8, zorder=5,
            label="The published point")
    survival_axes(ax, ylabel="Free of local failure", xmax=xmax)
    ax.legend(loc="upper right", frameon=True, fontsize=SMALLEST_TEXT_PT)
    fig.tight_layout()
    return fig


def shape_scan_plot(scan, *, evidence=(), exponential_k: float = 1.0):
    """E and the exact p-values of one comparison against the Weibull shape k of the reference hazard.

    ``scan`` is a ``rtchx.core.compare.ShapeScan``. Top panel: expected failures E,
    with the observed count and the E beyond which the two-sided exact p falls
    below the level. Bottom panel: the two-sided and one-sided exact p on a log
    scale, with the level. Dotted vertical lines mark the shapes where the
    two-sided verdict flips; ``evidence`` (pairs of label and k) are drawn as
    triangles on the k axis, and the exponential (k = 1) as a grey line.
    """
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(7.0, 6.4), sharex=True)
    top.plot(scan.k, scan.expected, color=PALETTE[0], lw=2.2, label="Expected failures E")
    top.axhline(scan.observed, color=PALETTE[2], lw=1.8, linestyle="--", label=f"Observed failures O = {scan.observed}")
    top.axhline(scan.critical_two_sided, color="0.35", lw=1.2, linestyle=":",
                label=f"E beyond which two-sided p < {scan.level:g}")
    top.set_ylabel("Local failures")
    top.set_ylim(0, max(scan.expected) * 1.1)
    top.legend(loc="upper right", frameon=True, fontsize=SMALLEST_TEXT_PT)
    bottom.plot(scan.k, scan.p_two_sided, color=PALETTE[0], lw=2.2, label="Exact p, two-sided")
    bottom.plot(scan.k, scan.p_one_sided, color=PALETTE[1], lw=2.2, linestyle="--",
                label="Exact p, one-sided (fewer failures)")
    bottom.axhline(scan.level, color="0.35", lw=1.2, linestyle=":", label=f"p = {scan.level:g}")
    bottom.set_yscale("log")
    bottom.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    bottom.set_ylabel("Exact p (log scale)")
    bottom.set_xlabel("Weibull shape k of the historical hazard (k < 1: failures early; k = 1: constant)")
    for ax in (top, bottom):
        ax.axvline(exponential_k, color="0.6", lw=1)
        for k in scan.flips_two_sided:
            ax.axvline(k, color=PALETTE[3], lw=1.6, linestyle=(0, (2, 2)))
    for k in scan.flips_two_sided:
        bottom.annotate(f"flips at k = {k:.2f}", (k, scan.level), xytext=(4, -14), textcoords="offset points",
                        fontsize=SMALLEST_TEXT_PT, color="0.15")
    if evidence:
        ks = [k for _, k in evidence]
        bottom.plot(ks, [min(min(scan.p_one_sided), scan.level) / 1.6] * len(ks), "^", color=PALETTE[4], ms=9,
                    label="Shapes implied by published failure times", clip_on=False)
    bottom.legend(loc="lower right", frameon=True, fontsize=SMALLEST_TEXT_PT)
    fig.tight_layout()
    return fig
