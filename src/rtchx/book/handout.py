"""The Table 3 handout: one printed A4 page and a CSV for spreadsheets, made from the patient data.

A class doing the exercises by hand needs each patient's times and events, and
the few other columns the exercises ask about; not the whole of Table 3 (chapter 5
shows that, every column spelt out). The handout keeps:

- Patient and Block (primary, or after R2 resection): who is who, and the two groups
  chapter 7 compares;
- the tumour's diameter initially and before radiotherapy: the size exercises and the
  size-standardised comparison of chapter 10 use them;
- the radiotherapy dose: what the paper's argument is about;
- local control in months with local failure yes/no, and survival in months with
  died yes/no and the status (AWOD, DOD): the product-limit exercises of chapter 6.

Histology, site, stage, grade, the HF/HT marks, ifosfamide and toxicity are left out:
no exercise uses them. The book's build writes both files afresh from ``data/``
(book/_ext/rtchx_handout.py), so they follow the data, altered data included.

The PDF is drawn by matplotlib with its text kept as text (TrueType fonts, not
outlines), so a reader can search it and a test can read it back.
"""

from __future__ import annotations

import csv
import io
import textwrap
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import matplotlib.style
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

#: The files' names (the book links them from chapter 5 and the instructors' page).
PDF_NAME = "table3-handout.pdf"
CSV_NAME = "table3-handout.csv"

#: A4 portrait in inches (210 x 297 mm).
A4_INCHES = (210 / 25.4, 297 / 25.4)

#: Text sizes in points. Nothing on the page is smaller than 9 points (the notes).
TITLE_PT, TABLE_PT, HEADING_PT, NOTE_PT = 14, 11, 10, 9

#: Characters per line of the notes under the table (9 points across the page between its margins).
NOTE_CHARS = 118


#: Table 3's two blocks, as short as the page's width asks (the notes spell out "After R2").
BLOCKS = {"primary": "Primary", "after_r2_resection": "After R2"}


def _number(value: float) -> str:
    """A number as Table 3 prints it: 72, 7.5 (no trailing .0)."""
    return f"{value:g}"


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


@dataclass(frozen=True)
class Column:
    """One column of the handout: its heading (a line break where the PDF wraps it) and its source."""

    heading: str
    source: str
    text: object   # value -> str

    @property
    def name(self) -> str:
        """The heading on one line, as the CSV's header names it."""
        return self.heading.replace("\n", " ")


#: The handout's columns, in order (why these: see the module's docstring).
COLUMNS: tuple[Column, ...] = (
    Column("Patient", "patient", str),
    Column("Block", "cohort", BLOCKS.get),
    Column("Diameter\ninitially\n(cm)", "diameter_initial_cm", _number),
    Column("Diameter\nbefore RT\n(cm)", "diameter_before_rt_cm", _number),
    Column("Dose\n(Gy)", "dose_gy", _number),
    Column("Local\ncontrol\n(months)", "lc_months", _number),
    Column("Local\nfailure", "local_failure", _yes_no),
    Column("Survival\n(months)", "os_months", _number),
    Column("Died", "died", _yes_no),
    Column("Status", "status", str),
)

#: What the PDF explains under the table.
NOTES = (
    "Local control: months from the start of treatment to local failure (Local failure: yes), or to the last "
    "follow-up or death without it (censored).",
    "Survival: months to death (Died: yes), or to the last follow-up (censored).",
    "Status at last follow-up: AWOD alive without disease; DOD dead of disease.",
    "Block: treated primarily, or after a partial resection that left tumour behind (After R2). Diameters are "
    "the tumour's largest, initially and before radiotherapy (RT); they differ after an R2 resection.",
)

TITLE = "Table 3 for the exercises: every patient's times and events"
SUBTITLE = "From the paper's Table 3 (data/patients.csv). Chapter 5 of the book shows every column of it."


def handout_frame(patients: pd.DataFrame) -> pd.DataFrame:
    """The handout's table: one row per patient, the columns of ``COLUMNS`` as text.

    Parameters
    ----------
    patients : DataFrame
        Table 3 (``rtchx.core.data.load_patients``); the ``died`` column is derived here if absent.

    Returns
    -------
    DataFrame
        One row per patient, in Table 3's order, headed by each column's one-line name.

    Example
    -------
    >>> from rtchx.core import data
    >>> handout_frame(data.load_patients()).iloc[0, [0, 5, 6, 9]].tolist()   # patient 1
    ['1', '72', 'no', 'AWOD']
    """
    patients = patients.assign(died=patients["status"] == "DOD") if "died" not in patients else patients
    return pd.DataFrame({c.name: patients[c.source].map(c.text) for c in COLUMNS}).reset_index(drop=True)


def handout_csv(patients: pd.DataFrame) -> str:
    """The handout as CSV text (comma-separated, a header line, one line per patient).

    Parameters
    ----------
    patients : DataFrame
        Table 3 (``rtchx.core.data.load_patients``).

    Returns
    -------
    str
        The CSV, with ``\\n`` line ends.

    Example
    -------
    >>> from rtchx.core import data
    >>> handout_csv(data.load_patients()).splitlines()[0].split(",")[:3]
    ['Patient', 'Block', 'Diameter initially (cm)']
    """
    out = io.StringIO()
    handout_frame(patients).to_csv(out, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    return out.getvalue()


def _widths(fig: Figure, rows: list[list[str]]) -> list[float]:
    """Each column's width in inches: its widest line of text (heading in bold) plus padding."""
    renderer = FigureCanvasAgg(fig).get_renderer()
    widths = []
    for col, column in enumerate(COLUMNS):
        lines = [(line, "bold", HEADING_PT) for line in column.heading.split("\n")]
        lines += [(row[col], "normal", TABLE_PT) for row in rows]
        widest = max(fig.text(0, 0, text, fontsize=size, fontweight=weight).get_window_extent(renderer).width
                     for text, weight, size in lines)
        widths.append(widest / fig.dpi + 0.2)
    for text in list(fig.texts):
        text.remove()
    return widths


def handout_figure(patients: pd.DataFrame) -> Figure:
    """The handout page: an A4 figure with the title, the table and the notes.

    Parameters
    ----------
    patients : DataFrame
        Table 3 (``rtchx.core.data.load_patients``).

    Returns
    -------
    Figure
        A matplotlib figure the size of an A4 page (not attached to pyplot).

    Example
    -------
    >>> from rtchx.core import data
    >>> fig = handout_figure(data.load_patients())
    >>> [round(float(x), 2) for x in fig.get_size_inches()]
    [8.27, 11.69]
    """
    frame = handout_frame(patients)
    rows = frame.values.tolist()
    fig = Figure(figsize=A4_INCHES)
    page_width, page_height = A4_INCHES
    margin = 15 / 25.4   # inches
    widths = _widths(fig, rows)
    # the table spreads to the margins (it fits: the columns' text needs less than the page's width)
    scale = (page_width - 2 * margin) / sum(widths)
    widths = [w * scale for w in widths]

    def at(x_in: float, y_in: float) -> tuple[float, float]:   # inches from the top left -> figure fraction
        return x_in / page_width, 1 - y_in / page_height

    fig.text(*at(margin, margin), TITLE, fontsize=TITLE_PT, fontweight="bold", va="top")
    fig.text(*at(margin, margin + 0.35), SUBTITLE, fontsize=NOTE_PT, va="top")
    row_in, heading_in = 0.36, 0.62
    top = margin + 0.75
    height = heading_in + row_in * len(rows)
    left, bottom = at(margin, top + height)
    ax = fig.add_axes((left, bottom, (page_width - 2 * margin) / page_width, height / page_height))
    ax.axis("off")
    table = ax.table(cellText=rows, colLabels=[c.heading for c in COLUMNS], cellLoc="center",
                     bbox=(0, 0, 1, 1))
    table.auto_set_font_size(False)
    table.set_fontsize(TABLE_PT)
    for (row, col), cell in table.get_celld().items():
        cell.set_width(widths[col] / (page_width - 2 * margin))
        cell.set_height((heading_in if row == 0 else row_in) / height)
        cell.set_edgecolor("#888888")
        if row == 0:
            cell.set_text_props(fontweight="bold", fontsize=HEADING_PT)
            cell.set_facecolor("#e8e8e8")
        elif row % 2 == 0:
            cell.set_facecolor("#f3f3f3")
    y = top + height + 0.3
    for note in NOTES:
        lines = textwrap.wrap(note, NOTE_CHARS)
        fig.text(*at(margin, y), "\n".join(lines), fontsize=NOTE_PT, va="top", linespacing=1.3)
        y += 0.2 * len(lines) + 0.12
    return fig


def handout_pdf(patients: pd.DataFrame) -> bytes:
    """The handout as a one-page A4 PDF, text kept as text, the same bytes for the same data.

    Parameters
    ----------
    patients : DataFrame
        Table 3 (``rtchx.core.data.load_patients``).

    Returns
    -------
    bytes
        The PDF file.

    Example
    -------
    >>> from rtchx.core import data
    >>> handout_pdf(data.load_patients())[:5]
    b'%PDF-'
    """
    out = io.BytesIO()
    # fonttype 42: TrueType fonts embedded as such, so the text stays text (searchable, readable back)
    # matplotlib's own defaults, whatever was set before: the book's figure theme (rtchx.book.figures) changes
    # global settings, among them the bounds ("tight" would crop the A4 page), and the same data must give the
    # same bytes in the build and in a notebook or test that drew figures first.
    with matplotlib.style.context("default"), matplotlib.rc_context(
            {"pdf.fonttype": 42, "font.family": "DejaVu Sans", "savefig.bbox": "standard"}):
        handout_figure(patients).savefig(out, format="pdf", metadata={"CreationDate": None})
    return out.getvalue()


@dataclass(frozen=True)
class Handout:
    """Where the handout's two files were written, and whether either changed."""

    pdf: Path
    csv: Path
    changed: bool


def write_handout(patients: pd.DataFrame, folder: Path) -> Handout:
    """Write the handout's PDF and CSV into ``folder``, leaving a file untouched when it is already up to date.

    A file left as it was keeps its modification time, so an incremental build does not
    take it for new.

    Parameters
    ----------
    patients : DataFrame
        Table 3 (``rtchx.core.data.load_patients``).
    folder : Path
        Where to write (created if missing).

    Returns
    -------
    Handout
        The two paths, and whether either file was (re)written.

    Example
    -------
    >>> import tempfile
    >>> from rtchx.core import data
    >>> folder = Path(tempfile.mkdtemp())
    >>> write_handout(data.load_patients(), folder).changed, write_handout(data.load_patients(), folder).changed
    (True, False)
    """
    folder.mkdir(parents=True, exist_ok=True)
    changed = False
    for name, content in ((PDF_NAME, handout_pdf(patients)), (CSV_NAME, handout_csv(patients).encode("utf-8"))):
        path = folder / name
        if not path.is_file() or path.read_bytes() != content:
            path.write_bytes(content)
            changed = True
    return Handout(folder / PDF_NAME, folder / CSV_NAME, changed)
