"""The printed book: scripts/build-pdf.sh, run in the copy the session's `built_book` fixture built,
and the PDF read back with poppler's tools (pdftotext, pdfimages).

Building in that copy reuses its notebook cache, so no notebook runs again (checked); the PDF is
printed offline when this machine can cut the network, and copied to
_build/test-artefacts/book.pdf for a person to look at.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
import yaml
from bookbuild import ARTEFACTS, can_cut_the_network, html_pages, toc_pages, tool_env
from bs4 import BeautifulSoup

pytestmark = pytest.mark.slow

PDF = Path("_build") / "pdf" / "book.pdf"


@pytest.fixture(scope="module")
def book_pdf(built_book) -> tuple[Path, Path, Path]:
    """(the built copy, its HTML folder, the PDF), with the PDF built by scripts/build-pdf.sh."""
    root, html = built_book
    command = "bash scripts/build-pdf.sh --no-setup"
    if can_cut_the_network():
        command = f"unshare --net sh -c 'ip link set lo up && exec {command}'"
    result = subprocess.run(command, shell=True, cwd=root, env=tool_env(root), capture_output=True, text=True,
                            timeout=900)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    pdf = root / PDF
    assert str(pdf) in result.stdout, "the script does not say where the PDF is"
    assert "Executing notebook using" not in output, "the PDF build ran notebooks again instead of using the cache"
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(pdf, ARTEFACTS / "book.pdf")
    return root, html, pdf


def flat(text: str) -> str:
    """Text with typographic quotes made plain, hyphens dropped and every run of white space one space.

    pdftotext reads some of Chromium's hyphens as nothing ("Kaplan-Meier" comes out "KaplanMeier"),
    so text from both sides is compared without them.
    """
    for curly, plain in (("\u2018", "'"), ("\u2019", "'"), ("\u201c", '"'), ("\u201d", '"'),
                         ("-", ""), ("\u2010", ""), ("\u2011", "")):
        text = text.replace(curly, plain)
    return " ".join(text.split())


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page (pdftotext separates pages with a form feed)."""
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return text.split("\f")[:-1]


def page_start(page: str) -> str:
    """The first three lines of a page, joined (a long chapter title wraps)."""
    return flat(" ".join(page.strip().splitlines()[:3]))


def first_heading(root: Path, page: str) -> str:
    """The level-1 heading a page of the table of contents starts with (its title in the book)."""
    notebook = root / f"{page}.ipynb"
    if notebook.is_file():
        text = next(c.source for c in nbformat.read(notebook, as_version=4).cells if c.cell_type == "markdown")
    else:
        text = (root / f"{page}.md").read_text(encoding="utf-8")
    return next(line[2:].strip() for line in text.splitlines() if line.startswith("# "))


def test_title_page_then_every_chapter_on_a_page_of_its_own_in_order(book_pdf):
    root, _, pdf = book_pdf
    pages = pdf_pages(pdf)
    title = yaml.safe_load((root / "_config.yml").read_text())["title"]
    assert page_start(pages[0]).startswith(flat(title)), page_start(pages[0])
    starts = [page_start(page) for page in pages]
    found = []
    for page in toc_pages(root):
        heading = flat(first_heading(root, page))
        # numbered chapters print their number before the title: "7. Subgroups: ..."
        where = [i for i, start in enumerate(starts) if re.match(rf"(\d+\. )?{re.escape(heading)}", start)]
        assert where, f"no page starts with the title of {page}: {heading!r}"
        found.append(where[0])
    assert found == sorted(found) and found[0] == 1, f"chapters start on pages {found}, not in the book's order"


def test_glued_numbers_are_the_package_results(book_pdf):
    """Numbers the chapters glue into their prose, read from the PDF, against `python -m rtchx results --json`."""
    root, _, pdf = book_pdf
    run = subprocess.run(["python", "-m", "rtchx", "results", "--json"], cwd=root, env=tool_env(root),
                         check=True, capture_output=True, text=True)
    results = json.loads(run.stdout)
    text = flat(" ".join(pdf_pages(pdf)))

    def pct(name: str) -> str:
        return f"{100 * results[name]:.0f}"

    expected = {
        r"median overall survival is (\d+) months": [f"{results['os_median_months']:.0f}"],
        r"Survival at two years is (\d+)% and at five years (\d+)% \(95% interval (\d+)% to (\d+)%\)":
            [pct("os_2y"), pct("os_5y"), pct("os_5y_ci_low"), pct("os_5y_ci_high")],
        r"Local control is (\d+)% at two years and (\d+)% at five \(95% interval (\d+)% to (\d+)%\)":
            [pct("lc_2y"), pct("lc_5y"), pct("lc_5y_ci_low"), pct("lc_5y_ci_high")],
        r"up to the last followup, (\d+) months, is ([\d.]+) months": [
            f"{results['lc_restricted_mean_horizon_months']:.0f}", f"{results['lc_restricted_mean_months']:.1f}"],
        r"The series is small, (\d+) patients": [str(results["n_patients"])],
    }
    for pattern, values in expected.items():
        match = re.search(pattern, text)
        assert match, f"the PDF has no sentence like {pattern!r}"
        assert list(match.groups()) == values, (pattern, match.groups(), values)


def numbered_captions(html: Path, kind: str) -> list[str]:
    """Each numbered figure ("Fig.") or table ("Table") of the HTML book: its number and first words."""
    captions = []
    for page in html_pages(html):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for permalink in soup.select("a.headerlink"):   # the screen's "#" sign, not printed
            permalink.decompose()
        for number in soup.select("span.caption-number"):
            if number.get_text().startswith(kind):
                words = flat(number.parent.get_text()).split()[:8]
                captions.append(" ".join(words))
    return captions


def pages_with_images(pdf: Path) -> set[int]:
    """The pages (from 1) on which pdfimages finds an image."""
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], check=True, capture_output=True, text=True).stdout
    rows = [line.split() for line in listing.splitlines()[2:]]
    return {int(row[0]) for row in rows if row[2] == "image"}


def test_every_numbered_figure_is_printed_with_its_caption(book_pdf):
    _, html, pdf = book_pdf
    figures = numbered_captions(html, "Fig.")
    assert len(figures) >= 10   # tests/test_book.py lists them chapter by chapter
    pages = [flat(page) for page in pdf_pages(pdf)]
    with_images = pages_with_images(pdf)
    for caption in figures:
        where = [i + 1 for i, page in enumerate(pages) if caption in page]
        assert where, f"no page carries the caption {caption!r}"
        assert where[0] in with_images, f"{caption!r} is on page {where[0]}, which has no image"


def test_every_numbered_table_is_printed_with_its_caption(book_pdf):
    _, html, pdf = book_pdf
    tables = numbered_captions(html, "Table")
    assert len(tables) >= 20
    text = flat(" ".join(pdf_pages(pdf)))
    missing = [caption for caption in tables if caption not in text]
    assert not missing, missing


def caption_words(html: Path, page: str, label: str) -> str:
    """The number and first words of the caption of the numbered table or figure ``label`` on ``page``."""
    soup = BeautifulSoup((html / f"{page}.html").read_text(encoding="utf-8"), "html.parser")
    for permalink in soup.select("a.headerlink"):
        permalink.decompose()
    element = soup.find(id=label)
    caption = element.find(["caption", "figcaption"])
    return " ".join(flat(caption.get_text()).split()[:8])


def test_nothing_runs_off_the_page_and_table_3_is_whole(book_pdf, patients):
    """Every word lies inside its page (pdftotext -bbox); the page of Table 3 (the widest table)
    shows its last column, Status, for all 11 patients."""
    _, html, pdf = book_pdf
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    word = re.compile(r'<word xMin="([\d.-]+)" yMin="[\d.-]+" xMax="([\d.-]+)" yMax="[\d.-]+">(.*?)</word>')
    outside, words_by_page = [], []
    for number, page in enumerate(re.findall(r"<page (.*?)</page>", boxes, flags=re.S), start=1):
        width = float(re.search(r'width="([\d.]+)"', page).group(1))
        words = word.findall(page)
        outside += [(number, text) for x_min, x_max, text in words if float(x_min) < 0 or float(x_max) > width]
        words_by_page.append([text for _, _, text in words])
    assert not outside, f"words beyond the page edge: {outside[:20]}"

    caption = caption_words(html, "notebooks/05_every_patient", "tbl-table3")
    pages = [flat(page) for page in pdf_pages(pdf)]
    where = [i for i, page in enumerate(pages) if caption in page]
    assert where, f"no page carries Table 3's caption {caption!r}"
    table_page = words_by_page[where[0]]
    assert "Status" in table_page, "Table 3's last column is not on its page"
    statuses = [text for text in table_page if text in set(patients["status"])]
    assert len(statuses) == len(patients) == 11, statuses


def test_no_navigation_is_printed(book_pdf):
    _, _, pdf = book_pdf
    text = flat(" ".join(pdf_pages(pdf)))
    for chrome in ("Skip to main content", "Search this book", "Show code cell source", "Ctrl+K", "Back to top",
                   "Download this page", "Launch Binder"):
        assert chrome not in text, chrome
