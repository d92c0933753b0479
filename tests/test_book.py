"""The book: a strict build from a clean copy of the repository, then the HTML in headless Chromium.

The copy holds the files git knows (tracked, or new and not ignored), so a build
that passes here does not depend on anything left over in the working tree.
"""

from __future__ import annotations

import functools
import math
import re
import http.server
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

import nbformat
import pytest
import yaml
from bs4 import BeautifulSoup

from rtchx import audit, compare, data, design, exercises, results, survival, widgets

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow

# pydata-sphinx-theme logs this once on a first visit (no stored theme choice); it is harmless.
ALLOWED_CONSOLE = ("Got invalid theme mode",)


def clean_copy(destination: Path) -> Path:
    """Copy the files git knows about (not .venv, not _build) to ``destination``."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=REPO, check=True, capture_output=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return destination


@functools.cache
def can_cut_the_network() -> bool:
    """Whether this machine lets us run a command in a network namespace with only loopback (root + unshare)."""
    if not (shutil.which("unshare") and shutil.which("ip")):
        return False
    probe = subprocess.run(["unshare", "--net", "sh", "-c", "ip link set lo up"], capture_output=True)
    return probe.returncode == 0


def only_chapters(root: Path, *pages: str) -> Path:
    """Cut the copy's table of contents down to ``pages`` (the first is the root), for quick builds.

    The pages must only refer to each other; the references page is needed wherever {cite} is used.
    """
    toc = {"format": "jb-book", "root": pages[0]}
    if pages[1:]:
        toc["parts"] = [{"caption": "Test", "chapters": [{"file": p} for p in pages[1:]]}]
    (root / "_toc.yml").write_text(yaml.safe_dump(toc))
    return root


def build(root: Path, *, offline: bool = False) -> subprocess.CompletedProcess:
    """Run the project's strict build (scripts/build-html.sh) in ``root``, with this venv's tools.

    ``offline``: run it in a new network namespace with nothing but loopback (the kernel
    talks to the build over 127.0.0.1), so any attempt to reach the network fails the build.
    """
    command = ["bash", "scripts/build-html.sh"]
    if offline:
        command = ["unshare", "--net", "sh", "-c", "ip link set lo up && exec bash scripts/build-html.sh"]
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")
    env["PYTHONPATH"] = str(root / "src")  # the copy's own package, not the working tree's
    env.pop(data.DATA_DIR_ENV, None)
    return subprocess.run(command, cwd=root, env=env,
                          capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="session")
def built_book(tmp_path_factory):
    """A clean copy of the repository and its strictly built HTML folder."""
    root = clean_copy(tmp_path_factory.mktemp("book"))
    # What a working tree collects with use; none of it may reach (or break) the book.
    for junk in (".pytest_cache/README.md", "notebooks/.ipynb_checkpoints/01-checkpoint.ipynb", "stray.md"):
        (root / junk).parent.mkdir(parents=True, exist_ok=True)
        (root / junk).write_text("# not part of the book\n")
    offline = can_cut_the_network()
    start = time.monotonic()
    result = build(root, offline=offline)
    seconds = time.monotonic() - start
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    print(f"\nstrict book build from a clean copy{' without network' if offline else ''}: {seconds:.1f} s")
    return root, root / "_build" / "html"


def test_the_book_builds_without_network(built_book):
    """The session's build ran with no network but loopback; here we say whether it could."""
    if not can_cut_the_network():
        pytest.skip("cannot create a network namespace here (needs root and unshare); build ran with network")
    # inspect the namespace rather than send anything: it must hold the loopback interface only
    links = subprocess.run(["unshare", "--net", "ip", "-o", "link", "show"], capture_output=True, text=True)
    names = [line.split(":")[1].strip() for line in links.stdout.splitlines()]
    assert names == ["lo"], f"the build's namespace has interfaces {names}, so it was not offline"


def html_pages(html: Path) -> list[Path]:
    return sorted(p for p in html.rglob("*.html") if "_static" not in p.parts and "_sources" not in p.parts)


# --- the build ------------------------------------------------------------------------------------

def test_build_writes_every_chapter(built_book):
    root, html = built_book
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    pages = [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]
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
    "notebooks/06_survival": ["fig-km", "tbl-product-limit", "fig-dfs"],
    "notebooks/07_subgroups": ["tbl-subgroups"],
    "notebooks/08_case_report": ["tbl-case", "fig-case"],
    "notebooks/09_audit": ["tbl-scorecard", "tbl-audit-results", "tbl-audit-table-1"],
    "notebooks/10_historical_comparison": ["tbl-expected", "fig-reference", "tbl-sensitivity", "fig-forest"],
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


def test_a_failing_cell_fails_the_build(tmp_path):
    output = build_with_extra_cell(tmp_path, "90_the_data.ipynb", "raise RuntimeError('deliberately broken cell')")
    assert "deliberately broken cell" in output


def test_a_cell_writing_to_stderr_fails_the_build(tmp_path):
    """A stray warning from a cell would otherwise be printed in the book."""
    output = build_with_extra_cell(tmp_path, "90_the_data.ipynb",
                                   "import warnings; warnings.warn('deliberate stray warning')")
    assert "stderr" in output


def test_a_warning_fails_the_build(tmp_path):
    root = only_chapters(clean_copy(tmp_path), "notebooks/90_the_data", "book/references")
    page = root / "book" / "references.md"
    page.write_text(page.read_text() + "\nSee {doc}`no_such_chapter`.\n")
    result = build(root)
    assert result.returncode != 0
    assert "no_such_chapter" in result.stdout + result.stderr


def test_a_change_to_the_data_reaches_the_rebuilt_book(tmp_path):
    """jupyter-cache keys on code cells only; the build must still pick up a change in data/."""
    root = only_chapters(clean_copy(tmp_path), "notebooks/01_cohort_at_a_glance", "notebooks/90_the_data",
                         "book/references")
    first = build(root)
    assert first.returncode == 0, first.stdout[-3000:]
    page = root / "_build" / "html" / "notebooks" / "01_cohort_at_a_glance.html"
    assert "70</span>% at five years" in page.read_text()
    # Count patient 5's local failure as censored: local control at 5 years becomes 7/8 = 88%.
    csv = root / "data" / "patients.csv"
    csv.write_text(csv.read_text().replace(",21,true,30,DOD", ",21,false,30,DOD"))
    data.rehash(root / "data")
    result = build(root)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "88</span>% at five years" in page.read_text()


# --- the HTML, on disk ----------------------------------------------------------------------------

def test_every_internal_link_resolves(built_book):
    _, html = built_book
    broken = []
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
            elif url.fragment:
                ids = {tag.get("id") for tag in BeautifulSoup(target.read_text(encoding="utf-8"),
                                                              "html.parser").find_all(id=True)}
                if url.fragment not in ids:
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
    primary = compare.compare_one(patients, data.load_historical(root / "data"), compare.PRIMARY["comparator"],
                                  size_basis=compare.PRIMARY["size_basis"])
    sizes = design.trial_sizes()
    for page, must_show in {
        "notebooks/10_historical_comparison": [f"{primary['expected_events']:.2f}", f"{primary['p_exact']:.3f}"],
        "notebooks/11_the_next_trial": [str(r["patients"]) for r in sizes],
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


# --- the HTML, in headless Chromium ---------------------------------------------------------------

class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def site(built_book):
    """The built book served on localhost for the length of the session."""
    _, html = built_book
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(html)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", html
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=executable, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture
def visit(site, browser, tmp_path_factory):
    """Open a page of the book; return (page, console errors, requests that left localhost)."""
    base, _ = site
    shots = tmp_path_factory.mktemp("screenshots")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = []

    def _visit(path: str):
        page = context.new_page()
        errors, external = [], []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))

        def route(r):
            if urlparse(r.request.url).hostname == "127.0.0.1":
                r.continue_()
            else:  # the book must work offline: note the request, answer it empty
                external.append(r.request.url)
                r.fulfill(status=204, body="")

        page.route("**/*", route)
        response = page.goto(f"{base}/{path}", wait_until="load")
        assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
        page.wait_for_timeout(300)
        page.screenshot(path=str(shots / (path.replace("/", "_") + ".png")), full_page=True)
        opened.append(page)
        return page, [e for e in errors if not e.startswith(ALLOWED_CONSOLE)], external

    yield _visit
    context.close()


def test_every_page_loads_cleanly_offline(site, visit):
    base, html = site
    for page_path in html_pages(html):
        relative = page_path.relative_to(html).as_posix()
        page, errors, external = visit(relative)
        assert not errors, f"{relative}: console errors {errors}"
        assert not external, f"{relative}: requests leaving the machine {external}"
        assert page.title(), relative


def test_every_figure_has_real_alt_text(site, visit):
    _, html = site
    for page_path in html_pages(html):
        relative = page_path.relative_to(html).as_posix()
        page, _, _ = visit(relative)
        for image in page.query_selector_all("article img, main img"):
            alt = (image.get_attribute("alt") or "").strip()
            src = image.get_attribute("src")
            if "_static/images/" in (src or ""):   # the theme's button icons (e.g. the Binder logo)
                assert alt, f"{relative}: icon {src} has no alt text"
                continue
            assert len(alt) > 30, f"{relative}: image {src} has alt text {alt!r}"
            assert not alt.lower().endswith((".png", ".svg", ".jpg")) and "/" not in alt, (relative, alt)


def read_page(visit, path: str):
    """Open a page; return it and the text of its main column with whitespace collapsed."""
    page, _, _ = visit(path)
    return page, " ".join(page.inner_text("main").split())


def test_glued_numbers_equal_the_packages(visit, built_book):
    root, _ = built_book
    patients = data.with_derived_columns(data.load_patients(root / "data"))
    lc = survival.kaplan_meier(patients, "local_control")
    lc_2y, lc_5y = (100 * survival.survival_at(lc, t) for t in (24, 60))
    low, high = (100 * v for v in survival.confidence_at(lc, 60))

    page, text = read_page(visit, "notebooks/01_cohort_at_a_glance.html")
    assert f"The series has {len(patients)} patients" in text
    assert f"local control is {lc_2y:.0f}% at two years and {lc_5y:.0f}% at five years" in text
    assert f"its 95% interval runs from {low:.0f}% to {high:.0f}%" in text
    assert f"is {survival.restricted_mean(lc):.1f} months" in text
    assert f"with {survival.at_risk(patients, 'local_control', 24)} patients still at risk at two years" in text
    # counting the in-field death (patient 6, 1 month) as a failure: 10/11 * 7/8 * 4/5, worked by hand
    assert f"five-year local control would be {100 * 10 / 11 * 7 / 8 * 4 / 5:.0f}%" in text
    figure = page.query_selector("figure img")
    assert figure is not None and figure.bounding_box()["width"] > 400  # page width, not a thumbnail

    headline = results.headline(patients)
    _, survival_text = read_page(visit, "notebooks/06_survival.html")
    assert f"The median overall survival is {headline['os_median_months']:.0f} months" in survival_text
    assert f"at five years {100 * headline['os_5y']:.0f}%" in survival_text
    assert f"Its median is {headline['followup_median_months']:.0f} months" in survival_text
    # competing risks, by hand: no censoring before the last event, so 2 local failures of 11 patients
    assert f"recurred in the field by five years is {100 * 2 / 11:.0f}%" in survival_text

    audit_page, audit_text = read_page(visit, "notebooks/09_audit.html")
    score = audit.scorecard(audit.ledger(data.load_resource("claims", root / "data"), patients))
    assert f"{score['discrepant']} do not" in audit_text
    assert audit_page.query_selector(".status-discrepant") is not None  # the status colours reached the page

    _, intro_text = read_page(visit, "book/intro.html")
    assert f"{len(patients)} patients" in intro_text

    # the comparison chapter: E worked by hand in tests/test_compare.py (346 months at the 45% hazard,
    # 41 at the 10% hazard), and the trial chapter's sizes from rtchx.design
    _, compare_text = read_page(visit, "notebooks/10_historical_comparison.html")
    e_by_hand = 346 * -math.log(0.45) / 60 + 41 * -math.log(0.10) / 60
    assert f"= {e_by_hand:.2f} local failures expected, against 2 observed" in compare_text
    _, trial_text = read_page(visit, "notebooks/11_the_next_trial.html")
    two_arm = design.two_arm_logrank_design(0.45, 0.70, 60)
    assert f"needs {two_arm['events']} local failures in all" in trial_text

    data_page, _, _ = visit("notebooks/90_the_data.html")
    data_text = data_page.inner_text("main")
    assert "patients.csv, row 5 (line 6), patient 5, column 'lc_months'" in data_text


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
    assert {f"ex-{name}" for name in exercises.EXERCISES} <= exercises_found
    assert len(solutions_found) == len(exercises_found)
    glossary = BeautifulSoup((html / "book" / "glossary.html").read_text(encoding="utf-8"), "html.parser")
    source_terms = re.findall(r"^(\S[^\n]*)\n  \S", (root / "book" / "glossary.md").read_text(encoding="utf-8"),
                              flags=re.M)
    shown = {re.sub(r"\s*[#¶]\s*$", "", dt.get_text(" ", strip=True)).replace("’", "'")
             for dt in glossary.select("dl.glossary dt")}   # smart quotes back to plain
    assert len(source_terms) >= 20 and set(source_terms) <= shown, set(source_terms) - shown
    assert term_links >= 20


def test_solutions_are_hidden_until_asked_for(visit):
    page, _, _ = visit("notebooks/06_survival.html")
    solution = page.query_selector(".solution.dropdown")
    body = solution.query_selector("section")
    assert body is not None and not body.is_visible()
    solution.query_selector("button.toggle-button").click()
    page.wait_for_timeout(300)
    assert body.is_visible() and "at risk" in body.inner_text()


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
