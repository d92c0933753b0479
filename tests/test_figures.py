"""The book's figures: each PNG records its smallest text, which the browser tests turn into pixels."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)
from PIL import Image  # noqa: E402

from rtchx import figures, survival  # noqa: E402
from rtchx.book import glue  # noqa: E402


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
    monkeypatch.setattr("myst_nb.glue", lambda key, value, display: captured.update({key: value}))
    fig, ax = plt.subplots()
    ax.set_title("A title")
    glue("fig_probe", fig)
    plt.close(fig)
    assert figures.SMALLEST_TEXT_KEY in _read(captured["fig_probe"].data).info
