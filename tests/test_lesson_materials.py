"""Lesson materials: the Table 3 handout (PDF and CSV) and the instructors' page.

The handout is checked against data/patients.csv read independently (the csv module, not
rtchx's loaders), and the PDF is read back with poppler's pdfinfo and pdftotext (installed by
scripts/setup.sh for tests/test_pdf.py) and by inflating its content streams for the font sizes.
The lesson plan on book/for_instructors.md is checked against the chapters' reading times.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import subprocess
import sys
import zlib
from pathlib import Path

import matplotlib
import pytest
from altered import ALTERED

from rtchx.book import figures, handout, reading
from rtchx.core import audit, data

REPO = Path(__file__).resolve().parents[1]
INSTRUCTORS = REPO / "book" / "for_instructors.md"

#: The handout's columns and the data/patients.csv field each one copies (what the CSV must equal).
SOURCE = {"Patient": "patient", "Diameter initially (cm)": "diameter_initial_cm",
          "Diameter before RT (cm)": "diameter_before_rt_cm", "Dose (Gy)": "dose_gy",
          "Local control (months)": "lc_months", "Local failure": "local_failure",
          "Survival (months)": "os_months", "Status": "status"}


def raw_patients(folder: Path = REPO / "data") -> list[dict]:
    with open(folder / "patients.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def same(shown: str, raw: str) -> bool:
    """A handout cell against the data's text: numbers as numbers, true/false as yes/no."""
    if raw in ("true", "false"):
        return shown == {"true": "yes", "false": "no"}[raw]
    try:
        return float(shown) == float(raw)
    except ValueError:
        return shown == raw


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> handout.Handout:
    return handout.write_handout(data.load_patients(), tmp_path_factory.mktemp("handout"))


# --- the CSV ------------------------------------------------------------------------------------

def test_the_csv_copies_the_patient_data(made):
    rows = list(csv.DictReader(io.StringIO(made.csv.read_text(encoding="utf-8"))))
    raw = raw_patients()
    assert len(rows) == len(raw) == 11
    assert set(SOURCE) <= set(rows[0]), list(rows[0])
    for row, patient in zip(rows, raw, strict=True):
        for column, field in SOURCE.items():
            assert same(row[column], patient[field]), (patient["patient"], column, row[column], patient[field])
        assert row["Died"] == ("yes" if patient["status"] == "DOD" else "no")
        assert row["Block"] == {"primary": "Primary", "after_r2_resection": "After R2"}[patient["cohort"]]


def test_the_csv_leaves_out_what_no_exercise_uses(made):
    header = next(csv.reader(io.StringIO(made.csv.read_text(encoding="utf-8"))))
    assert header == [c.name for c in handout.COLUMNS]
    for left_out in ("histology", "Histology", "Toxicity", "Ifosfamide", "Site"):
        assert not any(left_out.lower() in name.lower() for name in header)


@pytest.mark.parametrize("altered", ["one_patient_fewer", "everyone_alive"])
def test_the_handout_follows_altered_data(tmp_path, altered):
    folder = ALTERED[altered](tmp_path / "data")
    made = handout.write_handout(data.load_patients(folder), tmp_path / "handout")
    rows = list(csv.DictReader(io.StringIO(made.csv.read_text(encoding="utf-8"))))
    raw = raw_patients(folder)
    assert [r["Patient"] for r in rows] == [p["patient"] for p in raw]
    assert [r["Status"] for r in rows] == [p["status"] for p in raw]
    assert not pdf_mismatches(made.pdf, raw)


def test_the_files_are_rewritten_only_when_they_change(tmp_path):
    patients = data.load_patients()
    first = handout.write_handout(patients, tmp_path)
    stamps = (first.pdf.stat().st_mtime_ns, first.csv.stat().st_mtime_ns)
    again = handout.write_handout(patients, tmp_path)
    assert (first.changed, again.changed) == (True, False)
    assert (again.pdf.stat().st_mtime_ns, again.csv.stat().st_mtime_ns) == stamps
    fewer = handout.write_handout(patients.iloc[:-1], tmp_path)
    assert fewer.changed


def test_the_build_makes_the_handout_again_only_when_its_inputs_change(tmp_path, monkeypatch):
    """book/_ext/rtchx_handout.py: made on the first build, skipped while the inputs are unchanged (no
    matplotlib drawing in a warm rebuild), made again after a change to the data or a lost file."""
    import shutil
    import types

    sys.path.insert(0, str(REPO / "book" / "_ext"))
    try:
        import rtchx_handout
    finally:
        sys.path.remove(str(REPO / "book" / "_ext"))
    monkeypatch.delenv("RTCHX_DATA_DIR", raising=False)
    shutil.copytree(REPO / "data", tmp_path / "data")

    def build():   # each build is a new Sphinx application, with the fingerprint of the inputs it found
        rtchx_handout._write_handout(types.SimpleNamespace(srcdir=str(tmp_path)))

    folder = tmp_path / rtchx_handout.HANDOUT_DIR
    calls = []
    real = handout.write_handout
    monkeypatch.setattr(handout, "write_handout", lambda *args: calls.append(args) or real(*args))

    build()
    build()   # nothing changed: skipped
    assert len(calls) == 1 and (folder / handout.CSV_NAME).is_file()
    (folder / handout.PDF_NAME).unlink()   # a file lost: made again
    build()
    assert len(calls) == 2 and (folder / handout.PDF_NAME).is_file()
    csv_path = tmp_path / "data" / "patients.csv"   # the last patient's status corrected: made again
    rows = csv_path.read_text().splitlines()
    csv_path.write_text("\n".join(rows[:-1]) + "\n")
    data.rehash(tmp_path / "data")
    build()
    assert len(calls) == 3 and len(calls[-1][0]) == len(rows) - 2   # header and one patient fewer


# --- the PDF ------------------------------------------------------------------------------------

#: The columns whose values pdftotext reads off each row of the PDF's table, in order.
PDF_ORDER = ["Patient", "Diameter initially (cm)", "Diameter before RT (cm)", "Dose (Gy)",
             "Local control (months)", "Local failure", "Survival (months)", "Status"]


def pdf_rows(pdf: Path) -> list[list[str]]:
    """The table's rows as pdftotext lays them out: one line per patient, its cells' words in the
    order of PDF_ORDER (the Block and Died columns read and set aside)."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    rows = []
    for line in text.splitlines():
        words = line.split()
        if not (words and words[0].isdigit() and words[-1] in ("AWOD", "DOD")):
            continue
        block = 2 if words[1] == "Primary" else 3   # "Primary" or "After R2"
        cells = [words[0], *words[block:]]
        died = cells.pop(-2)
        assert died in ("yes", "no"), line
        rows.append(cells)
    return rows


def pdf_mismatches(pdf: Path, raw: list[dict]) -> list:
    """Where the PDF's table differs from the patient data: a row count, or (patient, column, shown, data)."""
    shown = pdf_rows(pdf)
    if len(shown) != len(raw):
        return [("rows", len(shown), len(raw))]
    return [(patient["patient"], column, value, patient[SOURCE[column]])
            for cells, patient in zip(shown, raw, strict=True)
            for value, column in zip(cells, PDF_ORDER, strict=True) if not same(value, patient[SOURCE[column]])]


def test_the_pdf_shows_each_patients_numbers(made):
    raw = raw_patients()
    assert len(raw) == 11
    assert not pdf_mismatches(made.pdf, raw)


def test_the_pdf_is_one_a4_page(made):
    info = subprocess.run(["pdfinfo", str(made.pdf)], check=True, capture_output=True, text=True).stdout
    assert re.search(r"^Pages:\s+1$", info, flags=re.M), info
    assert "595.276 x 841.89 pts (A4)" in info, info
    raw = made.pdf.read_bytes()
    assert len(re.findall(rb"/Type\s*/Page\b", raw)) == 1
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", raw)
    assert [(round(float(w)), round(float(h))) for w, h in boxes] == [(595, 842)]   # 210 x 297 mm in points


def text_sizes(pdf: bytes) -> list[float]:
    """Every font size the PDF's content streams set (the Tf operator), inflated where compressed."""
    sizes = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, flags=re.S):
        with contextlib.suppress(zlib.error):   # a stream stored uncompressed is read as it is
            stream = zlib.decompress(stream)
        sizes += [float(s) for s in re.findall(rb"/F\d+\s+([\d.]+)\s+Tf", stream)]
    return sizes


def test_the_pdf_text_is_at_least_9_points_and_kept_as_text(made):
    sizes = text_sizes(made.pdf.read_bytes())
    assert sizes and min(sizes) >= 9, sorted(set(sizes))
    fonts = subprocess.run(["pdffonts", str(made.pdf)], check=True, capture_output=True, text=True).stdout
    assert "TrueType" in fonts and "Type 3" not in fonts, fonts


# --- the instructors' page ----------------------------------------------------------------------

PAGE = INSTRUCTORS.read_text(encoding="utf-8")
STEP = re.compile(r"^(\d+)\. \*\*(.+?) \((\d+) minutes\)\.\*\*(.*?)(?=^\d+\. |^## |\Z)", flags=re.M | re.S)
DOC = re.compile(r"\{doc\}`\.\./notebooks/([\w-]+)`")


def plan() -> str:
    return PAGE[PAGE.index("## A 90-minute lesson"):].split("\n## ", 1)[0]


def steps() -> list[tuple[str, int, str]]:
    """(title, minutes, the text of its *Reading:* line) for each numbered step of the lesson."""
    found = []
    for _, title, minutes, body in STEP.findall(plan()):
        reading_line = re.search(r"\*Reading:\*(.*?)(?:\.\n|\.$)", body, flags=re.S)
        found.append((title, int(minutes), reading_line.group(1) if reading_line else ""))
    return found


def assigned_minutes(reading_text: str) -> tuple[int, list[str]]:
    """The reading a step assigns, in minutes (each chapter's share rounded up), and what it read.

    After each chapter's {doc} link: "the whole chapter", "the core path" (no "Going further"
    sections), or section titles in double quotes, each of which must be a ``## `` section of it."""
    parts = DOC.split(reading_text)
    total, read = 0, []
    for chapter, spec in zip(parts[1::2], parts[2::2], strict=True):
        times = reading.reading_time(REPO / "notebooks" / f"{chapter}.ipynb")
        titles = re.findall(r'"([^"]+)"', spec)
        if titles:
            by_title = {s.title: s.words for s in times.sections}
            missing = [t for t in titles if t not in by_title]
            assert not missing, f"{chapter} has no section {missing} (it has {list(by_title)})"
            words = sum(by_title[t] for t in titles)
        elif "core path" in spec:
            words = times.core_words
        elif "whole chapter" in spec:
            words = times.words
        else:
            raise AssertionError(f"the plan does not say which part of {chapter} to read: {spec!r}")
        total += reading.minutes(words)
        read.append(f"{chapter}: {words} words")
    return total, read


def test_the_plan_takes_90_minutes_in_steps_with_their_minutes_in_the_text():
    found = steps()
    assert len(found) == len(re.findall(r"^\d+\. ", plan(), flags=re.M)) >= 5
    assert sum(minutes for _, minutes, _ in found) == 90, found
    assert "A 90-minute lesson" in PAGE


def test_every_step_says_what_to_read():
    for title, _, reading_text in steps():
        assert DOC.search(reading_text), f"step {title!r} names no reading"


def test_each_steps_reading_takes_at_most_half_the_step():
    """Half the step for reading at the book's 200 words a minute, half for doing and discussing."""
    for title, minutes, reading_text in steps():
        needed, read = assigned_minutes(reading_text)
        assert 2 * needed <= minutes, f"step {title!r}: {needed} minutes of reading ({read}) in {minutes}"


def test_the_by_hand_step_reads_the_core_path_of_chapter_6():
    by_hand = [r for title, _, r in steps() if "by hand" in title]
    assert by_hand and "06_survival" in by_hand[0] and "core path" in by_hand[0]


def explorers_in_notebooks() -> set[str]:
    found = set()
    for notebook in (REPO / "notebooks").glob("*.ipynb"):
        for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                found |= set(re.findall(r"widgets\.([A-Z]\w+)\(", "".join(cell["source"])))
    return found


def test_every_explorer_of_the_book_is_on_the_instructors_page():
    explorers = explorers_in_notebooks()
    assert {"KaplanMeierByHand", "KaplanMeierExplorer", "WhatIfExplorer", "ComparisonExplorer",
            "DesignExplorer"} <= explorers
    table = PAGE[PAGE.index("## The explorers"):]
    missing = [e for e in sorted(explorers) if f"`{e}`" not in table]
    assert not missing, f"explorers not on the instructors' page: {missing}"


def test_the_plan_hands_out_the_handout():
    step = next(body for _, title, _, body in STEP.findall(plan()) if "by hand" in title)
    assert "Hand out Table 3" in step
    for name in (handout.PDF_NAME, handout.CSV_NAME):
        assert re.search(r"\{download\}`[^`<]+<\.\./_build/handout/" + re.escape(name) + ">`", step), name


def test_the_page_classifies_with_the_audits_statuses():
    step = next(body for _, title, _, body in STEP.findall(plan()) if "Checking the paper" in title)
    flat = " ".join(step.split())
    assert all(status.value in flat for status in audit.Status), flat


def reader_facing_texts() -> dict[str, str]:
    """What readers see, before the build: chapters' Markdown, book/*.md, and the book package's sources."""
    texts = {str(p.relative_to(REPO)): p.read_text(encoding="utf-8") for p in (REPO / "book").glob("*.md")}
    for notebook in (REPO / "notebooks").glob("*.ipynb"):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        texts[notebook.name] = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    for module in (REPO / "src" / "rtchx" / "book").glob("*.py"):
        texts[module.name] = module.read_text(encoding="utf-8")
    return texts


def test_no_reader_facing_not_checkable():
    """The audit's word is "not computable" (rtchx.core.audit.Status); the book uses no other."""
    assert audit.Status.NOT_COMPUTABLE.value == "not computable"
    found = [name for name, text in reader_facing_texts().items() if re.search(r"not\s+checkable", text, flags=re.I)]
    assert not found, found


def test_the_handout_is_the_same_whatever_the_figure_theme():
    """The build writes the handout in a process that drew no figure; a notebook or a test may have set the
    book's figure theme first, which changes matplotlib's global settings. The bytes must not depend on that
    (the built book's download links are compared with a handout made in the test process)."""
    patients = data.load_patients()
    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        plain = handout.handout_pdf(patients)
        figures.set_theme()
        themed = handout.handout_pdf(patients)
    assert themed == plain
