"""The book built on altered data still tells the truth.

Chapter 1 promises "Change the data, rebuild, and the sentences change with it." Here the
book is built strictly on three altered copies of data/ (tests/altered.py; RTCHX_DATA_DIR
points the chapters at them), and its HTML text is read back:

- a sentence that says a paper's number reproduces (or matches, or agrees) must say so
  exactly when the audit, run by the package on the same data, finds that the claim holds;
- no count word disagrees with its number: no "1 local failures", no "both" for a count that
  is not two, no "all" or "none" beside a "(k of n)" that denies it;
- the cohort's size in words follows n: with ten patients, no "eleven" and no "11 patients"
  (the paper's own words, in quotation marks, excepted);
- the chapter titles in the navigation carry no count at all.

Each dataset is built once per test run, the three builds at the same time (the build waits
on its notebook kernels much of the time, so they overlap well even on two cores), and
every check reads the same HTML. The real data's book (conftest's ``built_book``, shared
with test_book.py) goes through the same checks, so that they cannot pass by finding
nothing to check.
"""

from __future__ import annotations

import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from altered import everyone_alive, one_local_failure_fewer, one_patient_fewer
from bookbuild import clean_copy, html_pages, tool_env
from bs4 import BeautifulSoup
from conftest import once_per_run

from rtchx.core import audit, data

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]

ALTERED = {"one_patient_fewer": one_patient_fewer, "one_local_failure_fewer": one_local_failure_fewer,
           "everyone_alive": everyone_alive}

DATASETS = ["real", *ALTERED]


@dataclass(frozen=True)
class Built:
    """One book built on one dataset: its data folder, its HTML folder, and how the build went."""

    data_dir: Path
    html: Path
    returncode: int
    log: str


def _build_on_altered_data(base: Path) -> dict:
    """Build the book strictly on every altered dataset, all at once: a JSON-able record of each build."""
    running = {}
    start = time.monotonic()
    for name, make in ALTERED.items():
        root = clean_copy(base / name / "book")
        data_dir = make(base / name / "data")
        env = tool_env(root)                       # tool_env drops RTCHX_DATA_DIR; set it on purpose
        env["RTCHX_DATA_DIR"] = str(data_dir)
        log = (base / name / "build.log").open("w")
        running[name] = (root, data_dir, log, subprocess.Popen(["bash", "scripts/build-html.sh"], cwd=root, env=env,
                                                               stdout=log, stderr=subprocess.STDOUT))
    built = {}
    for name, (root, data_dir, log, process) in running.items():
        returncode = process.wait(timeout=1800)
        log.close()
        built[name] = {"data_dir": str(data_dir), "html": str(root / "_build" / "html"), "returncode": returncode,
                       "log": (base / name / "build.log").read_text()}
    print(f"\n{len(built)} strict book builds on altered data, side by side: {time.monotonic() - start:.0f} s")
    return built


@pytest.fixture(scope="session")
def altered_books(tmp_path_factory) -> dict[str, Built]:
    """The book built strictly on every altered dataset, each once per test run (shared by the workers)."""
    made = once_per_run(tmp_path_factory, "altered-books", _build_on_altered_data)
    return {name: Built(Path(b["data_dir"]), Path(b["html"]), b["returncode"], b["log"]) for name, b in made.items()}


@pytest.fixture
def book(request, altered_books) -> Built:
    """The book built on the dataset the test is parametrised with ('real': the session's book of data/)."""
    name = request.param
    if name == "real":
        root, html = request.getfixturevalue("built_book")
        return Built(root / "data", html, 0, "")
    built = altered_books[name]
    assert built.returncode == 0, f"the book does not build on {name}:\n{built.log[-5000:]}"
    return built


#: Elements whose text is a block of its own: the page's text has one line per block.
BLOCKS = ["p", "li", "h1", "h2", "h3", "h4", "dt", "dd", "td", "th", "caption", "figcaption", "pre", "title"]
BLOCK_END = "\ue000"   # a mark no page contains, kept apart from the whitespace that is folded


def _page_text(path: Path) -> str:
    """A page's visible text, navigation included: one line per block, each line's whitespace folded."""
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    for tag in soup.find_all(["script", "style"]):
        tag.decompose()
    for tag in soup.find_all(BLOCKS):
        tag.append(BLOCK_END)
    text = soup.body.get_text(" ") if soup.body else soup.get_text(" ")
    text = re.sub(r"\s+", " ", text).replace("’", "'")
    return "\n".join(line.strip() for line in text.split(BLOCK_END) if line.strip())


def _without_quotes(text: str) -> str:
    """The text less the paper's own words: whatever stands in quotation marks, and the audit's sentence on what
    the paper's counts add up to (rtchx.book.reasons), both of which may keep the paper's numbers."""
    text = re.sub(r"[“\"][^”\"\n]{0,300}[”\"]", " ", text)
    return re.sub(r"The paper's counts \([^)]*\) already make [^.]*\.", " ", text)


def _pages(html: Path) -> dict[str, str]:
    return {p.relative_to(html).with_suffix("").as_posix(): _page_text(p) for p in html_pages(html)}


@dataclass(frozen=True)
class Facts:
    """What the package computes on a dataset, to hold the book's words against."""

    n_patients: int
    local_failures: int
    deaths: int
    holds: dict[str, bool | None]          # claim id -> Status.agrees


def _facts(data_dir: Path) -> Facts:
    patients = data.with_derived_columns(data.load_patients(data_dir))
    ledger = audit.ledger(data.load_resource("claims", data_dir), patients)
    return Facts(len(patients), int(patients["local_failure"].sum()), int((patients["status"] == "DOD").sum()),
                 {claim: status.agrees for claim, status in zip(ledger["id"], ledger["status"], strict=True)})


# --- sentences that say a reported number reproduces --------------------------------------------------

LC = ["r_lc_2y", "r_lc_5y", "r_lc_at_risk_2y"]
OS = ["r_os_median", "r_os_5y"]

#: (page, claims, what the page says when they all hold, what it says when one does not). Exactly one of the
#: two must be on the page, and the first exactly when every claim holds by the audit on the same data.
VERDICTS = [
    ("book/intro", ["r_lc_5y"], r"Five-year local control reproduces", r"Five-year local control does not reproduce"),
    ("book/intro", ["r_os_median"], r"Overall survival reproduces at the median",
     r"Overall survival does not reproduce at the median"),
    ("book/intro", ["r_os_5y"], r"\band reproduces at five years", r"\band does not reproduce at five years"),
    ("notebooks/01_cohort_at_a_glance", LC, r"\(Results\), so these numbers reproduce\.",
     r"\(Results\), so (?!these numbers reproduce\.)[^.]*\bnot\b"),
    ("notebooks/01_cohort_at_a_glance", ["a_lc_mean"], r"it matches the abstract", r"it does not match the abstract"),
    ("notebooks/06_survival", LC, r"The figures for local control reproduce",
     r"The figures for local control do not reproduce"),
    ("notebooks/06_survival", ["r_lc_2y", "r_lc_5y"], r"\), as the paper reports;",
     r"\), where the paper reports \d+% and \d+%;"),
    ("notebooks/06_survival", OS, r"Both come out of Table 3",
     r"Neither (?:can come from|comes out of) Table 3|(?:[Tt]he median|[Tt]he five-year rate) does not\b"),
    ("notebooks/06_survival", LC + OS + ["r_dfs_5y"],
     r"Local control, overall survival and five-year disease-free survival reproduce\.",
     r"Local control, overall survival and five-year disease-free survival do not reproduce\.|\bdo(?:es)? not\.\n"),
    ("notebooks/06_survival", LC, r"\nLocal control reproduces|\nLocal control, overall survival and five-year "
     r"disease-free survival reproduce\.|\nLocal control and [^;\n]* reproduce\b",
     r"\nLocal control, overall survival and five-year disease-free survival do not|[;\n] ?[Ll]ocal control(?: and "
     r"[^;\n]*)? do(?:es)? not\b"),
    ("notebooks/09_audit", OS, r"and both follow from Table 3",
     r"and neither follows from Table 3|\b(?:the median|the five-year rate) does not\b"),
    ("notebooks/09_audit", ["r_os_5y", "r_dfs_5y"], r"Neither of the paper's five-year survival figures",
     r"Both of the paper's five-year survival figures that Table 3 determines|only the (?:overall|disease-free) "
     r"one differs"),
    ("notebooks/04_therapy", ["r_regimen_complete_n"], r"\), as the paper says\.", r"\), where the paper says \d+\."),
    ("notebooks/03_patients", ["t1_size_5to10_n", "t1_size_gt10_n"],
     r"The size classes (?:and the follow-up summary )?agree with the patient table",
     r"The size classes (?:and the follow-up summary )?do not agree with the patient table"),
]


@pytest.mark.parametrize("book", DATASETS, indirect=True)
def test_no_sentence_claims_an_agreement_the_audit_denies(book):
    facts, pages = _facts(book.data_dir), _pages(book.html)
    wrong = []
    for page, claims, says_yes, says_no in VERDICTS:
        text = pages[page]
        holds = all(facts.holds[c] for c in claims)
        yes, no = re.search(says_yes, text), re.search(says_no, text)
        if bool(yes) == bool(no):
            wrong.append(f"{page}: found {'both' if yes else 'neither'} of {says_yes!r} and {says_no!r}")
        elif bool(yes) != holds:
            found = (yes or no).group(0)
            wrong.append(f"{page}: says {found!r}, but by the audit {claims} {'hold' if holds else 'do not all hold'}")
    assert not wrong, "\n".join(wrong)


# --- count words --------------------------------------------------------------------------------------

NOUNS = r"(?:patients?|local failures?|deaths?|events?|tumours?|failures?|terms?|bars?|crosses)"
NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                "twelve")
SPELT = "|".join(NUMBER_WORDS[1:])


def _count_word_errors(text: str, facts: Facts) -> list[str]:
    """Every place where a count and the words beside it disagree."""
    text = _without_quotes(text)
    errors = []
    # a count of one with a plural noun, or another count with a singular one
    errors += re.findall(r"(?<![\d.,])\b(?:1|[Oo]ne) (?:patients|local failures|deaths|events|tumours|failures|terms|"
                         r"bars)\b", text)
    errors += re.findall(rf"(?<![\d.,])\b(?:[02-9]|\d\d+|{'|'.join(NUMBER_WORDS[2:])}) (?:patient|local failure|"
                         rf"death|event|tumour|term)\b(?![s\w-])", text)
    # 'both', 'all' and 'none' against a '(k of n)' that follows them
    for word, k, n in re.findall(r"\b([Bb]oth|[Aa]ll|[Nn]one|[Nn]either)\b[^.()\n]{0,80}\((\d+) of (\d+)\)", text):
        k, n = int(k), int(n)
        ok = {"both": k == n == 2, "all": k == n, "none": k == 0, "neither": k == 0 and n == 2}[word.lower()]
        if not ok:
            errors.append(f"{word} ... ({k} of {n})")
    # 'both' of the cohort's local failures or deaths: there must be two
    for noun, count in (("local failures", facts.local_failures), ("deaths", facts.deaths)):
        if count != 2:
            errors += [m.group(0) for m in re.finditer(rf"\b[Bb]oth {noun}\b", text)]
    # the whole cohort: 'With eleven patients, ...', 'all eleven patients' (in words: digits after 'all' also
    # count other series, 'for all 112 patients' of Kepka's)
    for said in re.findall(rf"(?:\bWith ({SPELT}|\d+) patients,|\b[Aa]ll ({SPELT}) patients\b(?! (?:treated|alive|who|"
                           rf"with|had|in|at|still)))", text):
        said = said[0] or said[1]
        value = NUMBER_WORDS.index(said) if said in NUMBER_WORDS else int(said)
        if value != facts.n_patients:
            errors.append(f"{said} patients, of a cohort of {facts.n_patients}")
    if facts.n_patients != 11:
        errors += re.findall(r"\beleven\b|\b11 patients\b", text, flags=re.IGNORECASE)
    return errors


@pytest.mark.parametrize("book", DATASETS, indirect=True)
def test_no_count_word_disagrees_with_its_number(book):
    facts = _facts(book.data_dir)
    wrong = {page: errors for page, text in _pages(book.html).items() if (errors := _count_word_errors(text, facts))}
    assert not wrong, "\n".join(f"{page}: {errors}" for page, errors in wrong.items())


@pytest.mark.parametrize("book", DATASETS, indirect=True)
def test_chapter_titles_in_the_navigation_carry_no_count(book):
    soup = BeautifulSoup((book.html / "book" / "intro.html").read_text(encoding="utf-8"), "html.parser")
    titles = [a.get_text(" ", strip=True) for a in soup.select("nav a.reference.internal")]
    assert len(titles) >= 12, titles
    counted = [t for t in titles if re.search(rf"\b(?:{SPELT})\b|\b\d+ {NOUNS}", t, flags=re.IGNORECASE)]
    assert not counted, counted


@pytest.mark.parametrize("book", DATASETS, indirect=True)
def test_no_page_prints_nan(book):
    """A number the data cannot give reads "not computable" (rtchx.book.NotComputableValue), never "nan", and a
    median never reached reads "not reached", never "inf"."""
    printed = {page: re.findall(r".{0,60}\b(?:nan|inf)\b.{0,20}", text, flags=re.IGNORECASE)
               for page, text in _pages(book.html).items()}
    assert not {page: found for page, found in printed.items() if found}


def test_subgroup_tests_without_an_event_read_not_computable(altered_books):
    """With everyone alive there is no event, so chapter 7's p-values are not computable, in words."""
    text = _pages(altered_books["everyone_alive"].html)["notebooks/07_subgroups"]
    assert "the exact test gives p = not computable" in text and "No test can be made on these data" in text


def test_the_altered_datasets_are_what_their_names_say(altered_books):
    """The checks above mean something only if the data really changed (and the real data did not)."""
    expected = {"one_patient_fewer": (10, 1, 7), "one_local_failure_fewer": (11, 1, 8), "everyone_alive": (11, 0, 0)}
    def counts(data_dir: Path) -> tuple[int, int, int]:
        patients = data.load_patients(data_dir)
        return len(patients), int(patients["local_failure"].sum()), int((patients["status"] == "DOD").sum())

    assert {name: counts(built.data_dir) for name, built in altered_books.items()} == expected
    assert counts(REPO / "data") == (11, 2, 8)
