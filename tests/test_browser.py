"""The built book as a reader's browser shows it: Debian's Chromium, headless, driven by Playwright.

Every page is opened at a laptop's size and at a phone's, each in the light and in the dark
colour mode, with every request to another host blocked (the book must read offline). What
each visit saw is kept and checked below: console errors and warnings, requests that tried to
leave the machine, alt text, an accessibility scan (axe-core, installed from npm into tests/axe
by scripts/setup.sh), the on-screen size of every figure's smallest text, sideways scrolling,
and figures left undimmed in dark mode. A screenshot of each page at each size and mode is saved
in _build/test-artefacts/screenshots/ for a person to look at.
"""

from __future__ import annotations

import base64
import io
import json
import math
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

import nbformat
import numpy as np
import pytest
from bookbuild import ARTEFACTS, REPO, html_pages, toc_pages, tool_env
from PIL import Image

from rtchx.book import figures
from rtchx.core import audit, data, design, results, survival

pytestmark = pytest.mark.slow

AXE = REPO / "tests" / "axe" / "node_modules" / "axe-core" / "axe.min.js"

#: Sizes at which every page is looked at: a common laptop, and a common phone (CSS pixels).
VIEWPORTS = {"laptop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}

#: The smallest text a figure may show on screen, in CSS pixels (body text is 16).
MIN_FIGURE_TEXT_PX = 9

#: The colour modes every page is looked at in. In light mode every page is opened as a first visit
#: (nothing stored) on a light system: the book's default mode, "auto" (_config.yml), gives light.
#: Dark is set the way the theme's switch stores a reader's choice: "mode" and "theme" in
#: localStorage, which the theme reads before it paints.
MODES = ("light", "dark")

#: Console message types that fail a page: anything a reader's developer tools show as an error
#: or a warning. There is no allow-list. (The theme and sphinx-togglebutton print a few lines of
#: type "log" on every page, e.g. "[PST]: Changed to auto mode using the light theme."; their
#: scripts do that unconditionally and no setting turns it off, so those are not counted.)
FAILING_CONSOLE = ("error", "warning", "assert")

#: Every page of the book: the table of contents, plus the pages Sphinx adds.
PAGES = [f"{p}.html" for p in toc_pages(REPO)] + ["genindex.html", "search.html"]


@dataclass
class Visit:
    """What one page showed at one viewport."""

    page: object
    errors: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    theme: str = ""   # the colour mode the page ended up in (its <html data-theme>)


@pytest.fixture(scope="session")
def look(site, browser):
    """Open a page at a viewport in a colour mode (once per session); return its Visit, with the page left open."""
    base, _ = site
    contexts = {}
    for name, size in VIEWPORTS.items():
        for mode in MODES:
            context = browser.new_context(viewport=size, color_scheme="light")
            if mode == "light":   # every visit a first visit: no choice stored by the page before
                context.add_init_script("localStorage.removeItem('mode'); localStorage.removeItem('theme');")
            else:   # what the theme's switch stores (pydata-sphinx-theme's setTheme)
                context.add_init_script(f"localStorage.setItem('mode', '{mode}'); "
                                        f"localStorage.setItem('theme', '{mode}');")
            contexts[name, mode] = context
    seen: dict[tuple[str, str, str], Visit] = {}

    def _look(path: str, viewport: str = "laptop", mode: str = "light") -> Visit:
        if (path, viewport, mode) in seen:
            return seen[path, viewport, mode]
        page = contexts[viewport, mode].new_page()
        visit = Visit(page)
        page.on("console", lambda m: visit.errors.append(f"{m.type}: {m.text}") if m.type in FAILING_CONSOLE else None)
        page.on("pageerror", lambda e: visit.errors.append(f"uncaught: {e}"))

        def route(r):
            if urlparse(r.request.url).hostname == "127.0.0.1":
                r.continue_()
            else:  # the book must work offline: note the request, answer it empty
                visit.external.append(r.request.url)
                r.fulfill(status=204, body="")

        page.route("**/*", route)
        response = page.goto(f"{base}/{path}", wait_until="load")
        assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
        page.wait_for_timeout(200)
        visit.theme = page.evaluate("() => document.documentElement.dataset.theme")
        folder = viewport if mode == "light" else f"{viewport}-{mode}"
        shot = ARTEFACTS / "screenshots" / folder / (path.replace("/", "_").removesuffix(".html") + ".jpg")
        shot.parent.mkdir(parents=True, exist_ok=True)
        # JPEG: a long page's PNG took Chromium up to 1.7 s to encode, the JPEG 1.0 s, and reads the same to a person
        page.screenshot(path=str(shot), full_page=True, type="jpeg", quality=85)
        seen[path, viewport, mode] = visit
        return visit

    yield _look
    for context in contexts.values():
        context.close()


@pytest.fixture
def fresh_page(site, browser):
    """Open a path in a page of its own (laptop size), for tests that click, search or follow a redirect."""
    base, _ = site
    context = browser.new_context(viewport=VIEWPORTS["laptop"])

    def _open(path: str):
        page = context.new_page()
        page.goto(f"{base}/{path}", wait_until="load")
        return page

    yield _open
    context.close()


def test_the_page_list_covers_the_built_book(built_book):
    _, html = built_book
    built = {p.relative_to(html).as_posix() for p in html_pages(html)} - {"index.html"}   # a redirect, below
    assert built == set(PAGES), f"pages built but not checked: {built - set(PAGES)}; missing: {set(PAGES) - built}"


def test_the_front_door_leads_to_the_first_page(fresh_page):
    page = fresh_page("index.html")
    page.wait_for_url(f"**/{PAGES[0]}", timeout=10000)
    assert page.title()


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("path", PAGES)
def test_page_loads_offline_without_console_messages(look, path, viewport, mode):
    visit = look(path, viewport, mode)
    assert not visit.errors, f"{path} ({mode}): console messages {visit.errors}"
    assert visit.theme == mode, f"{path}: asked for the {mode} mode, the page shows {visit.theme!r}"
    assert not visit.external, f"{path}: requests leaving the machine {visit.external}"
    assert visit.page.title()
    if path != "search.html":   # filled in when a reader searches
        assert len(visit.page.inner_text("main").split()) > 20, f"{path}: the main column is (nearly) empty"
    unloaded = [i["src"][:80] for i in _content_images(visit.page) if not i["natural"]]
    assert not unloaded, f"{path}: images that did not load {unloaded}"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_serious_accessibility_violations(look, path, viewport, mode):
    """axe-core's scan, colour contrast included, in each colour mode: the dark mode has its own colours."""
    page = look(path, viewport, mode).page
    page.add_script_tag(path=str(AXE))
    report = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [f"{v['id']} ({v['impact']}): {v['help']}; e.g. {v['nodes'][0]['html'][:160]}"
               for v in report["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, f"{path} ({mode}):\n" + "\n".join(serious)


def _content_images(page) -> list[dict]:
    """Every image in the page's article (not the theme's button icons), as the browser laid it out."""
    return page.evaluate("""() => [...document.querySelectorAll('article img')]
        .filter(img => !img.src.includes('/_static/images/'))
        .map(img => {
            const box = img.parentElement.closest('figure, .rtchx-static') || img.parentElement;
            return {src: img.currentSrc || img.src, alt: img.getAttribute('alt') || '',
                    width: img.getBoundingClientRect().width, natural: img.naturalWidth,
                    box_width: box.clientWidth,
                    box_scrolls: ['auto', 'scroll'].includes(getComputedStyle(box).overflowX)};
        })""")


def _png(src: str, html: Path) -> Image.Image:
    """The PNG behind an image's URL: decoded from a data: URI, or read from the built folder."""
    if src.startswith("data:"):
        return Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1])))
    return Image.open(html / unquote(urlparse(src).path).lstrip("/"))


@pytest.mark.parametrize("path", PAGES)
def test_every_figure_has_meaningful_alt_text(look, path):
    for image in _content_images(look(path).page):
        alt = image["alt"].strip()
        assert len(alt) > 30, f"{path}: image {image['src'][:80]} has alt text {alt!r}"
        assert not alt.lower().endswith((".png", ".svg", ".jpg")) and "/" not in alt, (path, alt)
    for icon in look(path).page.query_selector_all("img[src*='_static/images/']"):
        assert (icon.get_attribute("alt") or "").strip(), f"{path}: icon {icon.get_attribute('src')} has no alt"


@pytest.fixture(scope="session")
def text_sizes():
    """Each figure's smallest text on screen, per viewport; written to the test artefacts for the record."""
    sizes: list[dict] = []
    yield sizes
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    (ARTEFACTS / "figure-text-sizes.json").write_text(json.dumps(sizes, indent=1) + "\n")


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("path", [p for p in PAGES if p.startswith("notebooks/")])
def test_figures_are_legible(look, site, text_sizes, path, viewport):
    """Each figure records its smallest font size (points) and resolution; on screen that text must
    come to at least MIN_FIGURE_TEXT_PX CSS pixels. On a phone that means a figure wider than the
    column (rtchx.css keeps figures at least 600 px wide there): its own box must scroll sideways
    so the whole figure can be reached, while the page itself must not scroll sideways."""
    _, html = site
    visit = look(path, viewport)
    for image in _content_images(visit.page):
        png = _png(image["src"], html)
        assert figures.SMALLEST_TEXT_KEY in png.info, f"{path}: {image['src'][:80]} was not drawn by rtchx.book.figures"
        points, dpi = float(png.info[figures.SMALLEST_TEXT_KEY]), png.info["dpi"][0]
        on_screen = points / 72 * dpi * image["width"] / image["natural"]
        text_sizes.append({"page": path, "viewport": viewport, "shown_px": round(image["width"]),
                           "natural_px": image["natural"], "smallest_text_px": round(on_screen, 1)})
        if image["width"] > image["box_width"] + 1:
            assert image["box_scrolls"], f"{path} at {viewport} width: a figure is cut off, and its box does not scroll"
        assert on_screen >= MIN_FIGURE_TEXT_PX, (
            f"{path} at {viewport} width: smallest figure text is {on_screen:.1f} px "
            f"({points:g} pt at {dpi:.0f} dpi, shown {image['width']:.0f} of {image['natural']} px wide)")
    overflow = visit.page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"{path} at {viewport} width scrolls sideways by {overflow} px"


def test_a_figure_fills_the_column_on_a_laptop(look):
    """Page width, not a thumbnail: the first figure of chapter 1 is shown at least 600 pixels wide."""
    images = _content_images(look("notebooks/01_cohort_at_a_glance.html").page)
    assert images and images[0]["width"] >= 600, images[:1]


@pytest.mark.parametrize("path", [p for p in PAGES if p.startswith("notebooks/")])
def test_figures_keep_their_white_in_dark_mode(look, path):
    """The figures are PNGs drawn on white. In dark mode the theme dims every image (a CSS filter,
    brightness 0.8 and contrast 1.2, that shows their white as grey 219 and lowers their text's
    contrast); rtchx.css lifts it. What the reader sees is checked: the screenshot of each figure
    must still hold pure white (255, 255, 255), its background."""
    page = look(path, "laptop", "dark").page
    for img in page.query_selector_all("article img"):
        if "/_static/images/" in img.get_attribute("src"):   # the theme's icons
            continue
        pixels = np.asarray(Image.open(io.BytesIO(img.screenshot())).convert("RGB")).reshape(-1, 3)
        brightest = tuple(int(v) for v in pixels[pixels.sum(axis=1).argmax()])
        assert brightest == (255, 255, 255), (
            f"{path}: in dark mode a figure's white shows as {brightest} ({img.get_attribute('src')[:60]})")


def test_search_finds_a_chapter_by_a_word_in_it(fresh_page):
    """Sphinx's search runs in the page, on the index the build wrote: no server, no network."""
    page = fresh_page("search.html?q=Schoenfeld")
    page.wait_for_selector("#search-results ul.search li", timeout=15000)
    links = [a.get_attribute("href") for a in page.query_selector_all("#search-results ul.search li a")]
    assert any("11_the_next_trial" in (href or "") for href in links), links


# --- the numbers on the page ----------------------------------------------------------------------

#: An inline {eval} role in a chapter's markdown, `key` or `f"{key:format}"`: its key and format.
EVAL_ROLE = re.compile(r'\{eval\}`(?:f"\{)?([A-Za-z0-9_.]+)(?::([^`"]*)\}")?`')


def _text_roles(root: Path, notebook: Path) -> list[tuple[str, str]]:
    """The chapter's {eval} roles that paste plain text, in document order (a Markdown value pastes as
    unmarked prose, which _pasted cannot find): the book's extension pastes a key's Markdown as such."""
    glued = json.loads((root / "_build" / "jupyter_execute" / "notebooks" / f"{notebook.stem}.glue.json").read_text())
    nb = nbformat.read(notebook, as_version=4)
    return [(key, spec) for c in nb.cells if c.cell_type == "markdown" for key, spec in EVAL_ROLE.findall(c.source)
            if spec or "text/markdown" not in glued[key]["data"]]


def _pasted(page) -> list[str]:
    """The text of every inline glued value in the page's article, in document order."""
    return [t.strip() for t in page.eval_on_selector_all("article .pasted-text, article p span.output.text_plain",
                                                         "els => els.map(e => e.textContent)")]


def test_the_headline_numbers_on_the_page_equal_the_command_line(look, built_book):
    """Each {glue} of a headline estimate in a chapter's prose shows what `python -m rtchx results --json`
    prints, formatted as the role asks (rates, glued as fractions, read as percentages with the role's
    ``:.0%``), so the book cannot drift from the package.

    The page's glued values are paired with the chapter's glue roles in document order, so each
    number is checked in its own place, not merely found somewhere on the page.
    """
    root, _ = built_book
    printed = json.loads(subprocess.run([sys.executable, "-m", "rtchx", "results", "--json"], cwd=root,
                                        env=tool_env(root), capture_output=True, text=True, check=True).stdout)
    checked = 0
    for notebook in sorted((root / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(notebook, as_version=4)
        if not any("results.headline(" in c.source for c in nb.cells if c.cell_type == "code"):
            continue
        roles = _text_roles(root, notebook)
        shown = _pasted(look(f"notebooks/{notebook.stem}.html").page)
        assert len(shown) == len(roles), f"{notebook.stem}: {len(roles)} eval roles but {len(shown)} glued values"
        for (key, spec), text in zip(roles, shown, strict=True):
            name = key.removeprefix("headline.")   # the chapters glue results.headline under "headline."
            if key == name or printed.get(name) is None:
                continue
            expected = format(printed[name], spec) if spec else str(printed[name])
            assert text == expected, f"{notebook.stem}: {name} should read {expected}, the page shows {text}"
            checked += 1
    assert checked >= 10, f"only {checked} glued headline numbers found"


def read_page(look, path: str):
    """A page and the text of its main column with whitespace collapsed."""
    page = look(path).page
    return page, " ".join(page.inner_text("main").split())


def test_glued_numbers_equal_independent_calculations(look, built_book):
    root, _ = built_book
    patients = data.with_derived_columns(data.load_patients(root / "data"))
    lc = survival.kaplan_meier(patients, "local_control")
    lc_2y, lc_5y = (100 * survival.survival_at(lc, t) for t in (24, 60))
    low, high = (100 * v for v in survival.confidence_at(lc, 60))

    _, text = read_page(look, "notebooks/01_cohort_at_a_glance.html")
    assert f"The series has {len(patients)} patients" in text
    assert f"local control is {lc_2y:.0f}% at two years and {lc_5y:.0f}% at five years" in text
    assert f"its 95% interval runs from {low:.0f}% to {high:.0f}%" in text
    assert f"is {survival.restricted_mean(lc):.1f} months" in text
    assert f"with {survival.at_risk(patients, 'local_control', 24)} patients still at risk at two years" in text
    # counting the in-field death (patient 6, 1 month) as a failure: 10/11 * 7/8 * 4/5, worked by hand
    assert f"five-year local control would be {100 * 10 / 11 * 7 / 8 * 4 / 5:.0f}%" in text

    headline = results.headline(patients)
    _, survival_text = read_page(look, "notebooks/06_survival.html")
    assert f"The median overall survival is {headline.os_median_months:.0f} months" in survival_text
    assert f"at five years {100 * headline.os_5y:.0f}%" in survival_text
    assert f"Its median is {headline.followup_median_months:.0f} months" in survival_text
    # competing risks, by hand: no censoring before the last event, so 2 local failures of 11 patients
    assert f"recurred in the field by five years is {100 * 2 / 11:.0f}%" in survival_text

    audit_page, audit_text = read_page(look, "notebooks/09_audit.html")
    score = audit.scorecard(audit.ledger(data.load_resource("claims", root / "data"), patients))
    assert f"{score.discrepant} do not" in audit_text
    assert audit_page.query_selector(".status-discrepant") is not None  # the status colours reached the page

    _, intro_text = read_page(look, "book/intro.html")
    assert f"{len(patients)} patients" in intro_text

    # the comparison chapter: E worked by hand in tests/test_compare.py (346 months at the 45% hazard,
    # 41 at the 10% hazard), and the trial chapter's sizes from rtchx.core.design
    _, compare_text = read_page(look, "notebooks/10_historical_comparison.html")
    e_by_hand = 346 * -math.log(0.45) / 60 + 41 * -math.log(0.10) / 60
    assert f"= {e_by_hand:.2f} local failures expected, against 2 observed" in compare_text
    _, trial_text = read_page(look, "notebooks/11_the_next_trial.html")
    two_arm = design.two_arm_logrank_design(0.45, 0.70, 60)
    assert f"needs {two_arm.events} local failures in all" in trial_text

    data_text = look("notebooks/90_the_data.html").page.inner_text("main")
    assert "patients.csv, row 5 (line 6), patient 5, column 'lc_months'" in data_text


def test_solutions_are_hidden_until_asked_for(fresh_page):
    page = fresh_page("notebooks/06_survival.html")
    solution = page.query_selector(".solution.dropdown")
    body = solution.query_selector("section")
    assert body is not None and not body.is_visible()
    solution.query_selector("button.toggle-button").click()
    page.wait_for_timeout(300)
    assert body.is_visible() and "at risk" in body.inner_text()
