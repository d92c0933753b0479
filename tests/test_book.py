"""The book: a strict build from a clean copy of the repository, and the built HTML on disk.

The copy holds the files git knows (tracked, or new and not ignored), so a build
that passes here does not depend on anything left over in the working tree. What
a reader's browser makes of the HTML is checked in test_browser.py.
"""

from __future__ import annotations

import functools
import re
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlparse

import nbformat
import pytest
import yaml
from bookbuild import build, can_cut_the_network, clean_copy, html_pages, only_chapters, toc_pages
from bs4 import BeautifulSoup

from rtchx.book import exercises, widgets
from rtchx.core import audit, compare, data, design

pytestmark = pytest.mark.slow


def test_the_book_builds_without_network(built_book):
    """The session's build ran with no network but loopback; here we say whether it could."""
    if not can_cut_the_network():
        pytest.skip("cannot create a network namespace here (needs root and unshare); build ran with network")
    # inspect the namespace rather than send anything: it must hold the loopback interface only
    links = subprocess.run(["unshare", "--net", "ip", "-o", "link", "show"], capture_output=True, text=True)
    names = [line.split(":")[1].strip() for line in links.stdout.splitlines()]
    assert names == ["lo"], f"the build's namespace has interfaces {names}, so it was not offline"


# --- the build ------------------------------------------------------------------------------------

def test_build_writes_every_chapter(built_book):
    root, html = built_book
    pages = toc_pages(root)
    assert len(pages) > 5
    for page in pages:
        assert (html / f"{page}.html").is_file(), page


#: Each chapter that rebuilds part of the paper, with the labels of its numbered figures and tables.
NUMBERED = {
    "notebooks/01_cohort_at_a_glance": ["tbl-glance", "fig-lc-glance"],
    "notebooks/02_study_and_treatment": ["fig-schedule", "tbl-treatment-length"],
    "notebooks/03_patients": ["tbl-table1", "tbl-followup"],
    "notebooks/04_therapy": ["tbl-table2", "tbl-ifosfamide", "tbl-feasibility"],
    "notebooks/05_every_patient": ["tbl-table3", "fig-swimmer"],
    "notebooks/06_survival": ["fig-km", "tbl-product-limit"],
    "notebooks/07_subgroups": ["tbl-subgroups"],
    "notebooks/08_case_report": ["tbl-case", "fig-case"],
    "notebooks/09_audit": ["tbl-scorecard", "tbl-audit-results", "tbl-audit-table-1"],
    "notebooks/10_historical_comparison": ["tbl-expected", "fig-reference", "fig-shapes", "fig-scan", "tbl-sensitivity",
                                           "fig-forest", "tbl-reference-range"],
    "notebooks/11_the_next_trial": ["tbl-designs", "fig-designs", "tbl-published-designs"],
    "notebooks/90_the_data": ["tbl-patients-schema", "tbl-historical", "tbl-designs-schema"],
}


@pytest.mark.parametrize("page, labels", NUMBERED.items(), ids=list(NUMBERED))
def test_chapter_has_its_numbered_figures_and_tables(built_book, page, labels):
    _, html = built_book
    soup = BeautifulSoup((html / f"{page}.html").read_text(encoding="utf-8"), "html.parser")
    for label in labels:
        element = soup.find(id=label)
        assert element is not None, f"{page}: no element with id {label}"
        number = element.find(class_="caption-number")
        kind = "Fig." if label.startswith("fig-") else "Table"
        assert number is not None and re.fullmatch(rf"{kind} (\d+\.)?\d+ ?", number.get_text()), (label, number)
        if kind == "Fig.":
            assert element.find("img") is not None, f"{label} has no image"
        else:
            assert element.name == "table" and len(element.find_all("tr")) > 1, f"{label} is not a table"


def build_with_extra_cell(tmp_path: Path, notebook: str, source: str) -> str:
    """Build a clean copy whose ``notebook`` ends with one more code cell; return the build's output.

    The build must fail; the output is returned so that the test can check it says why.
    """
    root = only_chapters(clean_copy(tmp_path), f"notebooks/{Path(notebook).stem}", "book/references")
    path = root / "notebooks" / notebook
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(source))
    nbformat.write(nb, path)
    result = build(root)
    assert result.returncode != 0, "the build passed despite the extra cell"
    return result.stdout + result.stderr


def test_a_cell_writing_to_stderr_fails_the_build(tmp_path):
    """A stray warning from a cell would otherwise be printed in the book."""
    output = build_with_extra_cell(tmp_path, "90_the_data.ipynb",
                                   "import warnings; warnings.warn('deliberate stray warning')")
    assert "stderr" in output


def test_a_warning_fails_the_build_and_the_next_build_too(tmp_path):
    """Sphinx saves what it read even when the build fails; the next build must not skip the bad page."""
    root = only_chapters(clean_copy(tmp_path), "notebooks/90_the_data", "book/references")
    page = root / "book" / "references.md"
    page.write_text(page.read_text() + "\nSee {doc}`no_such_chapter`.\n")
    for attempt in ("first", "second"):
        result = build(root)
        assert result.returncode != 0, f"the {attempt} build passed despite the broken reference"
        assert "no_such_chapter" in result.stdout + result.stderr, attempt


# A failing cell, and rebuilds after a change to a notebook's code, to data/ and to a page that pastes
# another notebook's value: tests/test_parallel_build.py, with the notebooks run side by side as the
# build runs them by default.


# --- the HTML, on disk ----------------------------------------------------------------------------

def test_every_internal_link_resolves(built_book):
    _, html = built_book
    broken = []

    @functools.cache
    def ids_in(target: Path) -> set[str]:
        return {tag.get("id") for tag in BeautifulSoup(target.read_text(encoding="utf-8"),
                                                       "html.parser").find_all(id=True)}

    for page in html_pages(html):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for anchor in soup.find_all("a", href=True):
            url = urlparse(anchor["href"])
            if url.scheme or url.netloc or anchor["href"].startswith("mailto:"):
                continue
            target = (page.parent / unquote(url.path)).resolve() if url.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(html)} -> {anchor['href']}")
            elif url.fragment and url.fragment not in ids_in(target):
                broken.append(f"{page.relative_to(html)} -> {anchor['href']} (no such anchor)")
    assert not broken, "\n".join(broken)


def test_no_traceback_stderr_or_raw_figure_text(built_book):
    _, html = built_book
    for page in html_pages(html):
        text = page.read_text(encoding="utf-8")
        assert "Traceback" not in text, page
        assert "<Figure size" not in text, page
        assert 'class="output stderr"' not in text, page
        assert "widget-state+json" not in text, page   # dropped by book/_ext/rtchx_book.py


def test_explorers_show_their_static_view_in_the_book(built_book):
    root, html = built_book
    patients = data.with_derived_columns(data.load_patients(root / "data"))
    primary = compare.observed_vs_expected(patients, data.load_historical(root / "data"), compare.PRIMARY.comparator,
                                           size_basis=compare.PRIMARY.size_basis)
    sizes = design.trial_sizes()
    for page, must_show in {
        "notebooks/10_historical_comparison": [f"{primary.expected_events:.2f}", f"{primary.p_exact:.3f}"],
        "notebooks/11_the_next_trial": [str(r.patients) for r in sizes],
        "notebooks/06_survival": [f"= {10 / 11:.3f}"],        # the stepper's first step, by hand
        "notebooks/07_subgroups": ["All patients", "70%"],    # the explorer's default: local control, all patients
        "notebooks/09_audit": ["Median overall survival (months)", "26"],   # patient 10's death censored
    }.items():
        soup = BeautifulSoup((html / f"{page}.html").read_text(encoding="utf-8"), "html.parser")
        static = soup.find(class_="rtchx-static")
        assert static is not None, page
        text = " ".join(static.get_text(" ").split())
        assert " ".join(widgets.LIVE_HINT.split()) in text
        assert all(value in text for value in must_show), (page, must_show, text)


def test_exercises_solutions_and_glossary_are_in_the_book(built_book):
    root, html = built_book
    exercises_found, solutions_found, term_links = set(), set(), 0
    for page in html_pages(html):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for node in soup.select(".exercise.admonition"):
            exercises_found.add(node.get("id") or node.find(id=True)["id"])
        solutions_found.update(node.get("id") for node in soup.select(".solution.admonition"))
        term_links += len(soup.select('a[href*="glossary.html#term-"]'))
    assert len(exercises_found) >= 15
    # every self-checked exercise is in the book, and every exercise has a solution
    assert set(exercises.EXERCISES) <= exercises_found   # registered under the label the page gives
    assert len(solutions_found) == len(exercises_found)
    glossary = BeautifulSoup((html / "book" / "glossary.html").read_text(encoding="utf-8"), "html.parser")
    source_terms = re.findall(r"^(\S[^\n]*)\n  \S", (root / "book" / "glossary.md").read_text(encoding="utf-8"),
                              flags=re.M)
    shown = {re.sub(r"\s*[#¶]\s*$", "", dt.get_text(" ", strip=True)).replace("’", "'")
             for dt in glossary.select("dl.glossary dt")}   # smart quotes back to plain
    assert len(source_terms) >= 20 and set(source_terms) <= shown, set(source_terms) - shown
    assert term_links >= 20


def test_chapters_offer_binder_and_the_repository(built_book):
    root, html = built_book
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    repository = config["repository"]["url"].removeprefix("https://github.com/")
    soup = BeautifulSoup((html / "notebooks" / "06_survival.html").read_text(encoding="utf-8"), "html.parser")
    hrefs = [a.get("href", "") for a in soup.find_all("a")]
    binder = [h for h in hrefs if h.startswith(f"https://mybinder.org/v2/gh/{repository}/")]
    assert binder and "notebooks/06_survival.ipynb" in binder[0], hrefs
    assert any(h == config["repository"]["url"] for h in hrefs)   # the repository button
    assert not any("colab.research.google.com" in h for h in hrefs)


def test_front_page_states_the_findings_as_plain_linked_text(built_book):
    """The front page's "What we found": every number glued from its chapter, shown as plain text, each point
    linked to its chapter, and the numbers equal to the package's (computed here a second time)."""
    root, html = built_book
    soup = BeautifulSoup((html / "book" / "intro.html").read_text(encoding="utf-8"), "html.parser")
    section = soup.find(id="what-we-found")
    assert section is not None, "the front page has no 'What we found' section"
    assert not section.find_all("code"), "a pasted number shows as an inline code box"
    text = " ".join(section.get_text(" ").split())
    assert "{glue" not in text and "::" not in text
    links = {a["href"].split("#")[0].rsplit("/", 1)[-1] for a in section.find_all("a", href=True)}
    assert {"06_survival.html", "09_audit.html", "10_historical_comparison.html", "11_the_next_trial.html"} <= links
    patients = data.with_derived_columns(data.load_patients(root / "data"))
    historical = data.load_historical(root / "data")
    primary = compare.observed_vs_expected(patients, historical, compare.PRIMARY.comparator,
                                           size_basis=compare.PRIMARY.size_basis)
    scan = compare.weibull_scan(patients, historical)
    ledger = audit.ledger(data.load_resource("claims", root / "data"), patients)
    score = audit.scorecard(ledger)
    sizes = [r.patients for r in design.trial_sizes() if r.patients]
    for shown in (f"predicts {primary.expected_events:.1f}", f"p is {primary.p_exact:.3f}",
                  f"below k = {scan.flips_two_sided[0]:.2f}", f"Of the {len(ledger)} numbers",
                  f"{score.discrepant} do not", "Five-year local control reproduces"):
        assert shown in text, (shown, text)
    assert any(str(n) in text for n in sizes)
