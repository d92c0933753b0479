"""Shared fixtures: the repository, the validated data, scratch copies of data/ to break,
and (for the book and browser tests) the strictly built book, served on localhost, and headless Chromium."""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import threading
import time
from pathlib import Path

import pytest
from bookbuild import build, can_cut_the_network, clean_copy
from filelock import FileLock
from plain_route import follow_the_plain_route

from rtchx.core import data

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def patients():
    """The validated patient table with derived columns."""
    return data.with_derived_columns(data.load_patients(REPO / "data"))


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A scratch copy of data/ that a test may break."""
    copy = tmp_path / "data"
    shutil.copytree(REPO / "data", copy)
    return copy


def edit_csv(path: Path, old: str, new: str, *, rehash: bool = True) -> None:
    """Replace one exact piece of text in a data file (it must occur once), then record the new hash.

    Rehashing isolates the problem under test from the checksum check; pass
    ``rehash=False`` to test the checksum itself.
    """
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    if rehash:
        data.rehash(path.parent)


def once_per_run(tmp_path_factory, name: str, make):
    """Make something once for the whole test run: ``make(folder)`` returns a JSON-able record of it.

    The suite runs on several workers (pytest-xdist, one process each), and a session fixture runs
    once per worker. The first worker to ask makes the thing in a folder all workers share, under a
    lock; the others wait for it and read its record. Without xdist it is an ordinary session fixture.
    """
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return make(tmp_path_factory.mktemp(name))
    shared = tmp_path_factory.getbasetemp().parent   # pytest-of-<user>/pytest-<n>: the run's, not the worker's
    folder, record = shared / name, shared / f"{name}.json"
    with FileLock(str(shared / f"{name}.lock")):
        if not record.exists():
            shutil.rmtree(folder, ignore_errors=True)   # what a worker that failed half-way left
            folder.mkdir()
            record.write_text(json.dumps(make(folder)))
    return json.loads(record.read_text())


def _build_the_book(folder: Path) -> dict:
    root = clean_copy(folder)
    # What a working tree collects with use; none of it may reach (or break) the book.
    for junk in (".pytest_cache/README.md", "notebooks/.ipynb_checkpoints/01-checkpoint.ipynb", "stray.md"):
        (root / junk).parent.mkdir(parents=True, exist_ok=True)
        (root / junk).write_text("# not part of the book\n")
    offline = can_cut_the_network()
    start = time.monotonic()
    result = build(root, offline=offline)
    return {"root": str(root), "returncode": result.returncode, "offline": offline,
            "seconds": time.monotonic() - start, "log": result.stdout[-4000:] + result.stderr[-4000:]}


@pytest.fixture(scope="session")
def plain_route_run(tmp_path_factory) -> dict:
    """The README's plain route followed once per test run (tests/plain_route.py): what each step returned,
    and each notebook's {eval} expressions evaluated in its kernel after its last cell."""
    return once_per_run(tmp_path_factory, "plain-route", follow_the_plain_route)


@pytest.fixture(scope="session")
def built_book(tmp_path_factory):
    """A clean copy of the repository and its strictly built HTML folder (built once per test run,
    shared by the workers).

    For iterating on the browser tests only, RTCHX_REUSE_BOOK=<a copy this fixture built before>
    skips the build; the suite and CI never set it.
    """
    reuse = os.environ.get("RTCHX_REUSE_BOOK")
    if reuse:
        return Path(reuse), Path(reuse) / "_build" / "html"
    made = once_per_run(tmp_path_factory, "book", _build_the_book)
    assert made["returncode"] == 0, made["log"]
    print(f"\nstrict book build from a clean copy{' without network' if made['offline'] else ''}: "
          f"{made['seconds']:.1f} s")
    root = Path(made["root"])
    return root, root / "_build" / "html"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def site(built_book):
    """The built book served on localhost for the length of the session: (base URL, HTML folder)."""
    _, html = built_book
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(html)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", html
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright (no browser download)."""
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


#: The suite's long work units, longest first, so that under xdist the two workers start on them
#: together and finish together (xdist hands out units in collection order with --no-loadscope-reorder).
#: A unit is a file (its module fixtures, and the browser's page visits, stay in one process) or,
#: for these, smaller: one browser page, or one test that builds or runs notebooks on its own.
FIRST = ["test_browser.py::test_the_page_list_covers_the_built_book",   # one worker builds the book...
         "test_altered_book.py",                                       # ...the other the altered books
         "test_binder.py::test_the_plain_route_installs_and_runs_every_notebook",   # makes plain_route_run
         "test_jupyterlab.py::test_a_chapter_reads_in_jupyterlab_as_in_the_book",
         "test_pdf.py",
         "test_parallel_build.py::test_parallel_rebuilds_follow_code_data_and_pasted_values",
         "test_book.py::test_a_warning_fails_the_build_and_the_next_build_too",
         "test_parallel_build.py::test_a_failing_cell_in_one_notebook_fails_the_parallel_build",
         "test_book.py::test_a_cell_writing_to_stderr_fails_the_build",
         "test_browser.py"]


def _unit(item: pytest.Item) -> str:
    """The xdist work unit a test belongs to."""
    file = item.path.name
    name = item.originalname
    params = item.callspec.params if hasattr(item, "callspec") else {}
    if file == "test_browser.py" and "path" in params:
        return f"test_browser.py[{params['path']}]"
    if f"{file}::{name}" in FIRST:
        return f"{file}::{name}"
    return file


def pytest_collection_modifyitems(config, items):
    """Under pytest-xdist: put each test in its work unit, and the long units first (see FIRST)."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return
    for item in items:
        item.add_marker(pytest.mark.xdist_group(_unit(item)))

    def rank(item):
        unit = _unit(item).split("[")[0]   # a browser page ranks with its file
        return FIRST.index(unit) if unit in FIRST else len(FIRST)
    items.sort(key=rank)   # stable: within a rank, the order pytest collected
