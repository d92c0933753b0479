"""The book's figures: each PNG records its smallest text, which the browser tests turn into pixels;
Figure 1 draws both courses and Figure 2 its four panels, estimates and ranges."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from rtchx.book import (
    figures,
    glue,  # noqa: E402
)
from rtchx.core import (
    protocol,
    quantities,
    survival,  # noqa: E402
)


def _read(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()   # checks every chunk's CRC, the inserted one included
    return image


def test_a_png_records_the_smallest_text_and_its_resolution():
    figures.set_theme()
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    ax.set_xlabel("Months")
    ax.text(0.5, 0.5, "small print", fontsize=6.5)
    ax.text(0.2, 0.2, "", fontsize=2)            # empty text draws nothing and does not count
    image = _read(figures.png_bytes(fig))
    plt.close(fig)
    assert image.info[figures.SMALLEST_TEXT_KEY] == "6.5"
    assert round(image.info["dpi"][0]) == figures.DPI


def test_a_kaplan_meier_figure_keeps_its_text_at_or_above_the_floor(patients):
    """Tick labels, legend and the at-risk counts are all >= SMALLEST_TEXT_PT (every figure of the
    book is checked on screen by tests/test_browser.py)."""
    figures.set_theme()
    fit = survival.kaplan_meier(patients, "local_control")
    fig = figures.km_plot(fit, ylabel="Free of local failure", at_risk_times=[0, 24, 48, 72])
    image = _read(figures.png_bytes(fig))
    plt.close(fig)
    assert float(image.info[figures.SMALLEST_TEXT_KEY]) >= figures.SMALLEST_TEXT_PT


def test_glue_turns_a_figure_into_the_books_png(monkeypatch):
    captured = {}
    monkeypatch.setattr("rtchx.book._glue_output", lambda key, value, shown: captured.update({key: value}))
    fig, ax = plt.subplots()
    ax.set_title("A title")
    glue("fig_probe", fig)
    plt.close(fig)
    assert figures.SMALLEST_TEXT_KEY in _read(captured["fig_probe"].data).info


# --- Figure 1: the treatment schedule, one panel per course ------------------------------------------

def _boxes(ax, name: str) -> list:
    return [p for p in ax.patches if p.get_gid() == name]


def test_the_courses_of_table_3(patients):
    # Table 3 marks "HF + HT" on two rows: the anaplastic sarcoma (patient 3, 60 Gy, 10 g/m2) and the
    # leiomyosarcoma after R2 resection (patient 8, 66 Gy, 10 g/m2). 10 g/m2 = 2 cycles x 5 days x 1.0 g/m2.
    # The other nine were treated once daily with 10 or 15 g/m2 intended: 1.0 or 1.5 g/m2 a day.
    once, twice = protocol.courses(patients)
    assert twice.patients == (3, 8) and twice.hyperthermia_patients == (3, 8)
    assert twice.fractions_per_day == 2 and twice.dose_per_fraction_gy == ()   # size not stated
    assert twice.ifosfamide_daily_g_m2 == (1.0,)
    assert once.patients == (1, 2, 4, 5, 6, 7, 9, 10, 11) and once.hyperthermia_patients == ()
    assert once.fractions_per_day == 1 and once.dose_per_fraction_gy == (1.8, 2.0)
    assert once.ifosfamide_daily_g_m2 == (1.0, 1.5)


def test_schedule_figure_shows_the_twice_daily_course(patients):
    # Over 7 weeks of 5 treatment days: once daily 7 x 5 = 35 fractions, twice daily 2 x 35 = 70, two
    # fractions stacked in each day's column; ifosfamide 5 days in weeks 1 and 5 = 10 boxes in each course;
    # hyperthermia 2 sessions a week x 7 = 14 boxes, only in the twice-daily course (patients 3 and 8).
    figures.set_theme()
    fig = figures.schedule_figure(protocol.courses(patients), weeks=7)
    once_ax, twice_ax = fig.axes
    assert len(_boxes(once_ax, "radiotherapy")) == 35
    assert len(_boxes(twice_ax, "radiotherapy")) == 70
    columns = [round(p.get_x(), 6) for p in _boxes(twice_ax, "radiotherapy")]
    assert len(set(columns)) == 35 and all(columns.count(x) == 2 for x in set(columns))
    assert len(_boxes(once_ax, "ifosfamide")) == len(_boxes(twice_ax, "ifosfamide")) == 10
    ifosfamide_weeks = {int(p.get_x() // 7) + 1 for p in _boxes(twice_ax, "ifosfamide")}
    assert ifosfamide_weeks == {1, 5}
    assert len(_boxes(once_ax, "hyperthermia")) == 0 and len(_boxes(twice_ax, "hyperthermia")) == 14
    assert "Twice daily" in twice_ax.get_title(loc="left") and "not stated" in twice_ax.get_title(loc="left")
    assert float(_read(figures.png_bytes(fig)).info[figures.SMALLEST_TEXT_KEY]) >= figures.SMALLEST_TEXT_PT
    plt.close(fig)


# --- Figure 2: four panels, estimates and ranges ---------------------------------------------------

def test_figure_2_has_the_papers_four_panels_as_estimates_and_ranges(patients):
    figures.set_theme()
    os_fit = survival.kaplan_meier(patients, "overall_survival")
    lc_fit = survival.kaplan_meier(patients, "local_control")
    panels = [
        figures.EstimatePanel(os_fit, "(a) Overall survival", "Alive", reported={26: 0.5}),
        figures.BandPanel(*survival.disease_free_bounds(patients), "(b) Disease-free survival", "Free of disease"),
        figures.BandPanel(*survival.metastasis_free_bounds(patients), "(c) Metastasis-free survival",
                          "Free of metastasis"),
        figures.EstimatePanel(lc_fit, "(d) Local control", "Free of local failure"),
    ]
    fig = figures.km_panels(panels, xmax=130, at_risk_times=[0, 24, 48, 72, 96, 120])
    axes = fig.axes
    assert [ax.get_title(loc="left")[:3] for ax in axes] == ["(a)", "(b)", "(c)", "(d)"]
    legends = [[t.get_text() for t in ax.get_legend().get_texts()] for ax in axes]
    for i in (0, 3):
        assert "Kaplan-Meier estimate" in legends[i] and figures.BAND_LABEL not in legends[i]
        assert any(t.get_text() == "At risk" for t in axes[i].texts)
    for i in (1, 2):
        assert figures.BAND_LABEL in legends[i] and "Kaplan-Meier estimate" not in legends[i]
        assert not axes[i].texts   # no numbers at risk under a range
        assert len(axes[i].collections) == 1 and len(axes[i].lines) == 2   # the band, its two edges
    assert "Reported by the paper" in legends[0] and "Reported by the paper" not in legends[3]
    # Panel (c), by hand: the band spans [3/11, 1] at the start, and is 3/11 alone after the last death (30).
    band = axes[2].collections[0].get_paths()[0].vertices
    assert band[:, 1].max() == pytest.approx(1) and band[:, 1].min() == pytest.approx(3 / 11)
    assert np.allclose(band[band[:, 0] > 30, 1], 3 / 11)
    # its upper edge is overall survival: one step down per death, 8 deaths from 11 to 3 patients
    upper = axes[2].lines[0].get_ydata()
    assert sorted(set(np.round(upper, 6)), reverse=True) == [round(k / 11, 6) for k in range(11, 2, -1)]
    plt.close(fig)


def test_case_timeline_marks_the_dated_events_by_hand(patients):
    # patient 3: start at 0, the Results' scans 8 years after (96 months), the caption's last image 10 years
    # after (120 months), last follow-up at 124 months alive without disease; the axis runs a year beyond
    fig = figures.case_timeline(quantities.case_report_patient(patients), imaging_years=8, free_years=10)
    ax = fig.axes[0]
    assert [float(line.get_xdata()[0]) for line in ax.lines if line.get_marker() == "o"] == [0, 96, 120, 124]
    assert ax.get_xlim()[1] == 136
    assert ax.texts[-1].get_text() == "Last follow-up\n124 months, AWOD"
    plt.close(fig)
