"""Reading times, computed from a chapter's own text, for its opening lines and the lesson plan.

A chapter's prose is the text of its Markdown cells, less the MyST markup that
does not show (directive fences and options, labels, comments). Its sections are
the ``## `` headings; a section whose title begins with "Going further" is an
optional layer a class can skip, so a chapter has two reading times: the core
path, and everything.

The pace is 200 words a minute. Silent reading of English non-fiction averages
about 240 (Brysbaert, 2019, *J Mem Lang* 109:104047); a chapter with numbers,
tables and formulas to follow is read more slowly, so the book takes the round
figure below it. The code is not counted.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

#: Words a minute assumed for the book's prose (see the module docstring).
WORDS_PER_MINUTE = 200

#: The chapters' folder, in the clone the package is installed from.
NOTEBOOKS = Path(__file__).resolve().parents[3] / "notebooks"

#: How an optional section's title begins.
GOING_FURTHER = "Going further"

_HIDDEN_LINE = re.compile(r"^\s*(```|:::|:[a-z-]+:|\(.*\)=\s*$|<!--|%)")
_ROLE = re.compile(r"\{[a-z:-]+\}`([^`]*)`")


@dataclass(frozen=True)
class Section:
    """One ``## `` section of a chapter (the text before the first heading is the section titled "")."""

    title: str
    words: int

    @property
    def going_further(self) -> bool:
        """Whether the section is an optional layer."""
        return self.title.startswith(GOING_FURTHER)


@dataclass(frozen=True)
class ReadingTime:
    """A chapter's words by section, and its reading times in whole minutes."""

    sections: tuple[Section, ...]

    @property
    def words(self) -> int:
        """Every word of the chapter's prose."""
        return sum(s.words for s in self.sections)

    @property
    def core_words(self) -> int:
        """The words outside the "Going further" sections."""
        return sum(s.words for s in self.sections if not s.going_further)

    @property
    def minutes(self) -> int:
        """Minutes to read everything, rounded up."""
        return minutes(self.words)

    @property
    def core_minutes(self) -> int:
        """Minutes to read the core path, rounded up."""
        return minutes(self.core_words)

    @property
    def text(self) -> str:
        """The reading time in words, for a chapter's opening lines.

        The core path's minutes follow in brackets when the chapter has "Going further" sections.

        Example
        -------
        >>> ReadingTime((Section("", 1000), Section("Going further: more", 900))).text
        'about 10 minutes (5 for the core path)'
        >>> ReadingTime((Section("", 150),)).text
        'about 1 minute'
        """
        text = f"about {self.minutes} minute{'' if self.minutes == 1 else 's'}"
        if any(s.going_further for s in self.sections):
            text += f" ({self.core_minutes} for the core path)"
        return text


def minutes(words: int) -> int:
    """Whole minutes to read ``words`` at ``WORDS_PER_MINUTE``, rounded up (at least one).

    Example
    -------
    >>> minutes(201), minutes(0)
    (2, 1)
    """
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


def prose_words(markdown: str) -> int:
    """The words a reader sees in a Markdown cell: MyST fences, options and labels left out, roles as their text.

    Example
    -------
    >>> prose_words("```{note}\\n:class: tip\\nRead {term}`this <Kaplan-Meier estimator>` twice.\\n```")
    3
    """
    lines = [line for line in markdown.splitlines() if not _HIDDEN_LINE.match(line)]
    text = _ROLE.sub(lambda m: m.group(1).split("<")[0], "\n".join(lines))
    return len(re.findall(r"[\w\d][\w\d'’.,%-]*", text))


def reading_time(notebook: str | Path) -> ReadingTime:
    """The reading time of a chapter notebook, section by section.

    Parameters
    ----------
    notebook : str or Path
        The chapter's ``.ipynb`` file.

    Returns
    -------
    ReadingTime
        Words per ``## `` section, with the core and full reading times.

    Example
    -------
    >>> reading_time(NOTEBOOKS / "05_every_patient.ipynb").minutes >= 1
    True
    """
    cells = json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]
    sections: list[list] = [["", 0]]
    for cell in cells:
        if cell["cell_type"] != "markdown":
            continue
        source = "".join(cell["source"])
        for part in re.split(r"(?m)^(?=## )", source):
            heading = re.match(r"## (.*)", part)
            if heading:
                sections.append([heading.group(1).strip(), 0])
            sections[-1][1] += prose_words(part)
    return ReadingTime(tuple(Section(title, words) for title, words in sections))


def chapter_reading_time(notebook: str | Path) -> str:
    """A chapter's reading time in words ("about 12 minutes"), for its opening lines.

    A chapter runs with its own folder as the working directory (in the book's
    build and in JupyterLab), so it names itself by its file name; a name not
    found there is looked for in ``NOTEBOOKS``.

    Parameters
    ----------
    notebook : str or Path
        The chapter's ``.ipynb`` file, e.g. ``"06_survival.ipynb"``.

    Returns
    -------
    str
        ``ReadingTime.text`` of that notebook.

    Example
    -------
    >>> chapter_reading_time("05_every_patient.ipynb").startswith("about ")
    True
    """
    path = Path(notebook)
    if not path.exists():
        path = NOTEBOOKS / path.name
    return reading_time(path).text
