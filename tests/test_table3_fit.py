"""Table 3 in the built book: it fits a laptop's column and an A4 page, stays usable on a phone,
and its handout (rtchx.book.handout) is linked from the pages that offer it.

Headless Chromium (tests/conftest.py) opens chapter 5 at the browser tests' laptop and phone
sizes, and as printed (CSS print media at the width of an A4 page, 794 CSS pixels, and at the
718 pixels left inside Chromium's default print margins). Screenshots go to
_build/test-artefacts/screenshots/table3/, with the handout's page rendered by pdftoppm beside them.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from urllib.parse import unquote

import pytest
from bookbuild import ARTEFACTS, html_pages
from bs4 import BeautifulSoup

from rtchx.book import handout
from rtchx.core import data

pytestmark = pytest.mark.slow

CHAPTER = "notebooks/05_every_patient.html"
SHOTS = ARTEFACTS / "screenshots" / "table3"
LAPTOP, PHONE = {"width": 1280, "height": 800}, {"width": 390, "height": 844}

#: Table 3, its scrolling box, and the right edge of its last heading, in CSS pixels.
MEASURE = """() => {
  const table = document.getElementById('tbl-table3'), box = table.parentElement;
  const last = table.querySelector('tr th:last-child').getBoundingClientRect();
  const first = table.querySelector('tbody tr td:first-child').getBoundingClientRect();
  return {table_scroll: table.scrollWidth, table_client: table.clientWidth,
          box_scroll: box.scrollWidth, box_client: box.clientWidth, box_left: box.getBoundingClientRect().left,
          box_right: box.getBoundingClientRect().right, last_right: last.right, first_left: first.left,
          page_scroll: document.documentElement.scrollWidth, page_client: document.documentElement.clientWidth};
}"""


@pytest.fixture
def chapter_5(site, browser):
    base, _ = site
    contexts = []

    def _open(viewport: dict, media: str = "screen"):
        context = browser.new_context(viewport=viewport)
        contexts.append(context)
        page = context.new_page()
        page.emulate_media(media=media)
        page.goto(f"{base}/{CHAPTER}", wait_until="load")
        page.wait_for_timeout(200)
        return page

    yield _open
    for context in contexts:
        context.close()


def test_table_3_fits_its_column_on_a_laptop(chapter_5):
    page = chapter_5(LAPTOP)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "chapter5-laptop.png"), full_page=True)
    size = page.evaluate(MEASURE)
    assert size["table_scroll"] <= size["table_client"], size
    assert size["box_scroll"] <= size["box_client"], f"Table 3 scrolls sideways in its box: {size}"
    assert size["last_right"] <= size["box_right"] + 1, size


@pytest.mark.parametrize("width", [794, 718])
def test_table_3_prints_whole_on_a4(chapter_5, width):
    """794 CSS pixels: an A4 page's width; 718: what is left inside Chromium's default print margins."""
    page = chapter_5({"width": width, "height": 1123}, media="print")
    size = page.evaluate(MEASURE)
    if width == 794:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "chapter5-print.png"), full_page=True)
    assert size["last_right"] <= size["page_client"], f"Table 3's last column is off the page: {size}"
    assert size["page_scroll"] <= size["page_client"], size
    assert size["box_scroll"] <= size["box_client"], size


def test_table_3_is_whole_in_chromiums_a4_print(chapter_5, patients, tmp_path):
    """Printed to PDF by Chromium (A4, its default margins), every status of Table 3 is on the page."""
    page = chapter_5(LAPTOP, media="print")
    pdf = tmp_path / "chapter5.pdf"
    page.pdf(path=str(pdf), format="A4", margin={"top": "1cm", "bottom": "1cm", "left": "1cm", "right": "1cm"})
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    word = re.compile(r'<word xMin="([\d.-]+)" yMin="[\d.-]+" xMax="([\d.-]+)" yMax="[\d.-]+">(.*?)</word>')
    for page_text in re.findall(r"<page (.*?)</page>", boxes, flags=re.S):
        width = float(re.search(r'width="([\d.]+)"', page_text).group(1))
        words = word.findall(page_text)
        if "Status" in [text for _, _, text in words]:
            assert all(float(x_max) <= width for _, x_max, _ in words)
            statuses = [text for _, _, text in words if text in set(patients["status"])]
            assert len(statuses) == len(patients), statuses
            return
    raise AssertionError("no printed page shows Table 3's Status column")


def test_table_3_on_a_phone_scrolls_in_its_box_with_the_patient_in_view(chapter_5):
    page = chapter_5(PHONE)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#tbl-table3").scroll_into_view_if_needed()
    page.evaluate("() => { document.getElementById('tbl-table3').parentElement.scrollLeft = 100000; }")
    page.wait_for_timeout(100)
    page.screenshot(path=str(SHOTS / "chapter5-phone-scrolled.png"))
    size = page.evaluate(MEASURE)
    assert size["page_scroll"] <= size["page_client"], f"the page scrolls sideways: {size}"
    assert size["last_right"] <= size["box_right"] + 1, f"scrolled to its end, Table 3 still hides a column: {size}"
    assert abs(size["first_left"] - size["box_left"]) <= 1, f"the patient column scrolled out of view: {size}"


def download_links(html: Path, page: str) -> list[str]:
    soup = BeautifulSoup((html / page).read_text(encoding="utf-8"), "html.parser")
    return [a["href"] for a in soup.select("a.download, a.reference.download") if a.get("href")]


@pytest.mark.parametrize("page", [CHAPTER, "book/for_instructors.html"])
def test_the_handout_links_reach_the_handout_of_the_books_data(built_book, page):
    root, html = built_book
    links = download_links(html, page)
    names = sorted(Path(unquote(link)).name for link in links)
    assert names == sorted([handout.CSV_NAME, handout.PDF_NAME]), links
    patients = data.with_derived_columns(data.load_patients(root / "data"))
    expected = {handout.PDF_NAME: handout.handout_pdf(patients),
                handout.CSV_NAME: handout.handout_csv(patients).encode()}
    for link in links:
        target = (html / page).parent / unquote(link)
        assert target.is_file(), f"{page}: {link} leads nowhere"
        assert target.read_bytes() == expected[target.name], f"{page}: {link} is not the handout of data/"
    if page == CHAPTER:   # the handout as printed, for a person to look at
        SHOTS.mkdir(parents=True, exist_ok=True)
        pdf = next((html / page).parent / unquote(link) for link in links if link.endswith(".pdf"))
        subprocess.run(["pdftoppm", "-r", "80", "-png", "-singlefile", str(pdf), str(SHOTS / "handout")], check=True)


def test_no_page_says_not_checkable(built_book):
    """The audit's status is "not computable"; no page uses another word for it."""
    _, html = built_book
    found = [str(p.relative_to(html)) for p in html_pages(html)
             if re.search(r"not\s+checkable", BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser").get_text())]
    assert not found, found
