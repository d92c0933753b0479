"""Shared fixtures: the repository, the validated data, scratch copies of data/ to break,
and (for the book and browser tests) the strictly built book, served on localhost, and headless Chromium."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
import time
from pathlib import Path

import pytest
from bookbuild import build, can_cut_the_network, clean_copy

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


@pytest.fixture(scope="session")
def built_book(tmp_path_factory):
    """A clean copy of the repository and its strictly built HTML folder (built once per session).

    For iterating on the browser tests only, RTCHX_REUSE_BOOK=<a copy this fixture built before>
    skips the build; the suite and CI never set it.
    """
    reuse = os.environ.get("RTCHX_REUSE_BOOK")
    if reuse:
        return Path(reuse), Path(reuse) / "_build" / "html"
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
