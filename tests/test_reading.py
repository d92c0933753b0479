"""Reading times: rtchx.book.reading on a tiny notebook counted by hand, and every chapter's opening line.

The unit tests build a notebook in tmp_path whose words were counted by hand. The
book test reads each chapter's "Reading time: about N minutes" in the built HTML
and checks N against a second, simpler count of the notebook's Markdown: words are
the whitespace-separated pieces with a letter or digit in them, after dropping the
lines a reader does not see (directive fences and options, labels).
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from rtchx.book import reading

REPO = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def write_notebook(path: Path, cells: list[tuple[str, str]]) -> Path:
    """A minimal .ipynb with the given (cell type, source) cells."""
    nb = {"cells": [{"cell_type": kind, "id": f"c{i}", "metadata": {}, "source": source,
                     **({"outputs": [], "execution_count": None} if kind == "code" else {})}
                    for i, (kind, source) in enumerate(cells)],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


TINY = [
    # 8 words before the first heading: "Survival", then "The" "question" "is" "short" "and" "plain." "here"
    ("markdown", "# Survival\n\nThe question is short and plain. here"),
    ("code", "print('code is never counted, however many words it has')"),
    # "## The method": heading 2 words; the fence and :class: line hidden; body "Read {term}`this <At risk>` twice."
    # = Read this twice = 3 words; the label line is hidden. 5 words.
    ("markdown", "(sec-method)=\n## The method\n\n```{note}\n:class: tip\nRead {term}`this <At risk>` twice.\n```"),
    # "## Going further: bands" heading 3 words, body "Greenwood's variance, 95% wide." 4 words: 7 words.
    # Then "## Summary" 1 word and "It ends." 2 words: 3 words, back on the core path.
    ("markdown", "## Going further: bands\n\nGreenwood's variance, 95% wide.\n\n## Summary\n\nIt ends."),
]


def test_words_of_a_tiny_notebook_counted_by_hand(tmp_path):
    result = reading.reading_time(write_notebook(tmp_path / "tiny.ipynb", TINY))
    assert [(s.title, s.words) for s in result.sections] == [
        ("", 8), ("The method", 5), ("Going further: bands", 7), ("Summary", 3)]
    assert [s.going_further for s in result.sections] == [False, False, True, False]
    assert result.words == 23 and result.core_words == 16


def test_a_section_is_counted_once_even_split_over_cells(tmp_path):
    # one section spread over two cells, and a heading in the middle of a cell: 2 + 2 + 2 words, then 1 + 1
    cells = [("markdown", "## One\n\nTwo words."), ("markdown", "More words.\n## Next\n\nLast")]
    result = reading.reading_time(write_notebook(tmp_path / "split.ipynb", cells))
    assert [(s.title, s.words) for s in result.sections] == [("", 0), ("One", 5), ("Next", 2)]
    assert result.words == 7


def test_minutes_round_up_at_200_words_a_minute():
    assert reading.WORDS_PER_MINUTE == 200
    assert [reading.minutes(w) for w in (0, 1, 200, 201, 400, 401, 1613)] == [1, 1, 1, 2, 2, 3, 9]


def test_the_reading_time_in_words():
    core = reading.Section("", 1000)
    assert reading.ReadingTime((core,)).text == "about 5 minutes"
    assert reading.ReadingTime((reading.Section("", 20),)).text == "about 1 minute"
    # 1000 + 900 words: 10 minutes in all (9.5 rounded up), 5 for the core path
    with_optional = reading.ReadingTime((core, reading.Section("Going further: more", 900)))
    assert with_optional.text == "about 10 minutes (5 for the core path)"
    # a title that merely mentions going further is not optional
    assert not reading.Section("Why not going further", 10).going_further


def test_a_chapter_is_found_from_its_own_folder_or_the_package(tmp_path, monkeypatch):
    write_notebook(tmp_path / "05_every_patient.ipynb", [("markdown", "word " * 450)])
    monkeypatch.chdir(tmp_path)            # a chapter runs with its own folder as working directory
    assert reading.chapter_reading_time("05_every_patient.ipynb") == "about 3 minutes"
    monkeypatch.chdir(REPO)                # not there: the package's notebooks/
    expected = reading.reading_time(REPO / "notebooks" / "05_every_patient.ipynb").text
    assert reading.chapter_reading_time("05_every_patient.ipynb") == expected


# --- every chapter -------------------------------------------------------------------------------------


def _markdown(path: Path) -> list[str]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_chapter_opens_with_prerequisites_and_its_reading_time(path):
    opening = "\n".join(_markdown(path)[:2])
    assert "**Prerequisites:**" in opening and "**Reading time:** {eval}`reading_time`." in opening, path.name
    code = "\n".join("".join(c["source"]) for c in json.loads(path.read_text(encoding="utf-8"))["cells"]
                     if c["cell_type"] == "code")
    assert f'glue("reading_time", Markdown(chapter_reading_time("{path.name}")))' in code, path.name


def second_count(path: Path) -> tuple[int, int]:
    """All words and core words of a chapter, counted a second, simpler way (see the module docstring)."""
    hidden = re.compile(r"^\s*(```|:::|:\w[\w-]*:|\([\w-]+\)=\s*$|<!--|%)")
    every = core = 0
    optional = False
    for source in _markdown(path):
        for line in source.splitlines():
            if line.startswith("## "):
                optional = line[3:].startswith("Going further")
            if hidden.match(line):
                continue
            words = sum(1 for piece in line.split() if any(ch.isalnum() for ch in piece))
            every += words
            core += 0 if optional else words
    return every, core


@pytest.mark.slow
def test_every_page_shows_the_reading_time_of_its_own_text(built_book):
    _, html = built_book
    pattern = re.compile(r"Reading time: about (\d+) minutes?(?: \((\d+) for the core path\))?\.")
    for path in CHAPTERS:
        soup = BeautifulSoup((html / "notebooks" / f"{path.stem}.html").read_text(encoding="utf-8"), "html.parser")
        text = " ".join(soup.select_one("main").get_text(" ").split())
        assert "Prerequisites:" in text, path.stem
        found = pattern.search(text)
        assert found, f"{path.stem}: no reading time"
        every, core = second_count(path)
        assert abs(int(found.group(1)) - math.ceil(every / 200)) <= 1, (path.stem, found.group(0), every)
        if path.stem == "06_survival":
            assert found.group(2), "chapter 6 gives its core path's reading time"
            assert abs(int(found.group(2)) - math.ceil(core / 200)) <= 1, (found.group(0), core)
            assert int(found.group(2)) < int(found.group(1))
        else:
            assert found.group(2) is None, path.stem
