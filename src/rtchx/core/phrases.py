"""The paper's own words for each claim: find a phrase in the paper's text and read the number it carries.

Each row of ``data/claims.csv`` names, in its ``phrase`` column, the few words of
the paper that state its number ("T2 11 100%", "Median overall survival was 26
months"). This module reads the numbers a phrase states (digits or number words,
each with the unit the phrase gives it), finds a phrase in the paper's plain-text
extraction whatever the line breaks and hyphenation, and tells in which part of
the paper a place lies. ``tests/test_claims_pinned.py`` uses it to pin every
reported value to the paper; ``rtchx.core.audit`` uses it to print each value with
the paper's own decimals.

A few claims record a number the phrase implies without stating it ("All
patients" is the eleven); ``IMPLIED`` lists them, each with the claims its value
follows from.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

#: Number words as the paper writes them (either case); "no" and "all" are not numbers.
NUMBER_WORDS = {word: value for value, word in enumerate((
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"))}

#: What may follow a number in the paper, and the unit of ``data/claims.csv`` it stands for (tried in order).
UNIT_WORDS: tuple[tuple[str, str], ...] = (
    (r"%", "%"),
    (r"Gy\b", "Gy"),
    (r"g/\s*m(?:2|²)", "g/m2"),
    (r"cm\b", "cm"),
    (r"(?:months?|Mo)\b", "months"),
    (r"-?\s*years?\b", "years"),
    (r"weeks?\b", "weeks"),
    (r"(?:patients?|cases|males|females|tumours)\b", "patients"),
    (r"(?:treatments|sessions)\b", "sessions"),
)

#: Words that link the numbers of a range or a list; the members share the unit of the last one.
_LINK = re.compile(r"\s*(?:-|–|to|and|or|/)\s*")
_RANGE_LINK = re.compile(r"\s*(?:-|–|to)\s*")
#: A number is a bound when one of these comes just before it ("later than 38", "over 20", ">10").
_BOUND = re.compile(r"(?:\bthan|\bover|\bat least|\bunder|\bbelow|[<>])\s*$")
#: A heading's unit in brackets ("Age (years)") applies to the bare numbers after it.
_HEADING = re.compile(r"\((years|months|Gy|g/m2|cm|weeks)\)")
#: Digits not part of a label (T2, G3, R2, 3D, 2-D) and not the label of a table row ("Grade 1").
_DIGITS = re.compile(r"(?<![\w.])(?<!Grade )(?<!grade )(?<!Table )(?<!Figure )(\d+(?:\.\d+)?)(?![\d])(?!-?D\b)")
_WORDS = re.compile(r"\b(" + "|".join(NUMBER_WORDS) + r")\b", re.IGNORECASE)


@dataclass(frozen=True)
class Stated:
    """One number a phrase states.

    ``unit`` is None where the phrase gives none (a bare count or a table cell);
    ``decimals`` is how many the paper printed; ``bound`` marks a number given as
    a limit ("later than 38 months"); ``in_range`` one end of a range ("36-64").
    """

    value: float
    text: str
    unit: str | None
    decimals: int
    bound: bool = False
    in_range: bool = False

    def fits(self, reported: float, unit: str) -> bool:
        """Whether this is the claim's number: the same value, in a unit the phrase allows for it.

        A bare number fits any unit but a percentage or a p-value (those the paper
        always marks); a number with a unit fits only that unit.
        """
        same_unit = self.unit == unit if self.unit is not None else unit not in ("%", "p")
        return same_unit and math.isclose(self.value, reported, rel_tol=0, abs_tol=1e-9)


def _unit_after(phrase: str, end: int) -> str | None:
    rest = phrase[end:].lstrip(" ")
    for pattern, unit in UNIT_WORDS:
        if re.match(pattern, rest):
            return unit
    return None


def stated_numbers(phrase: str) -> tuple[Stated, ...]:
    """The numbers a phrase states, in order, each with its unit, decimals and whether it is a bound.

    Parameters
    ----------
    phrase : str
        A few words of the paper, as ``data/claims.csv`` records them.

    Returns
    -------
    tuple of Stated
        Digits and number words; the members of a range or list ("6 and 21
        months", "8/26 months", "five to seven weeks") take the unit of the last.

    Example
    -------
    >>> [(s.value, s.unit) for s in stated_numbers("Male 4 36%")]
    [(4.0, None), (36.0, '%')]
    >>> [(s.value, s.unit, s.in_range) for s in stated_numbers("five to seven weeks")]
    [(5.0, 'weeks', True), (7.0, 'weeks', True)]
    """
    found = [(m.start(1), m.end(1), float(m.group(1)), m.group(1)) for m in _DIGITS.finditer(phrase)]
    found += [(m.start(1), m.end(1), float(NUMBER_WORDS[m.group(1).lower()]), m.group(1))
              for m in _WORDS.finditer(phrase)]
    found.sort()
    units: list[str | None] = [None] * len(found)
    in_range = [False] * len(found)
    for i in range(len(found) - 1, -1, -1):      # right to left, so a list takes the unit of its last member
        start, end, _, _ = found[i]
        units[i] = _unit_after(phrase, end)
        if units[i] is None and i + 1 < len(found):
            between = phrase[end:found[i + 1][0]]
            if _LINK.fullmatch(between):
                units[i] = units[i + 1]
                in_range[i] = in_range[i + 1] = in_range[i + 1] or bool(_RANGE_LINK.fullmatch(between))
        if re.search(r"\bp\s*=\s*$", phrase[:start]):
            units[i] = "p"
    stated = []
    for (start, _, value, text), unit, ranged in zip(found, units, in_range, strict=True):
        if unit is None:
            heading = [m.group(1) for m in _HEADING.finditer(phrase[:start])]
            unit = heading[-1] if heading else None
        decimals = len(text.split(".")[1]) if "." in text else 0
        stated.append(Stated(value, text, unit, decimals, bool(_BOUND.search(phrase[:start])), ranged))
    return tuple(stated)


def carried(phrase: str, reported: float, unit: str) -> Stated | None:
    """The number of ``phrase`` that is the claim's (its value in its unit), or None if the phrase states none.

    Example
    -------
    >>> carried("(p = 0.37)", 0.37, "p").decimals
    2
    >>> carried("T2 11 100%", 12, "patients") is None
    True
    """
    return next((s for s in stated_numbers(phrase) if s.fits(reported, unit)), None)


def printed_decimals(phrase: str, reported: float, unit: str) -> int:
    """How many decimals the paper printed for this value: read from the phrase, else from the value itself.

    Example
    -------
    >>> printed_decimals("Range 50.0-72.6", 50.0, "Gy"), printed_decimals("", 0.37, "p")
    (1, 2)
    """
    stated = carried(phrase or "", reported, unit)
    if stated is not None:
        return stated.decimals
    text = f"{reported:g}"
    return len(text.split(".")[1]) if "." in text else 0


def pattern(phrase: str) -> re.Pattern:
    """A regular expression that finds ``phrase`` in the extracted text.

    Any run of whitespace matches any other (line breaks included); a word may be
    split by a hyphen at a line break ("chal-\\nlenge"); a hyphen of the phrase may
    be followed by a line break ("overall-\\nsurvival"). A phrase that begins or
    ends with a letter or digit must begin or end there in the text too, so that
    "Range 4" does not match "Range 40".
    """
    words = phrase.split()
    if not words:
        raise ValueError("an empty phrase matches everywhere")
    split = r"(?:-[ \t]*\n\s*)?"
    parts = []
    for word in words:
        chars = []
        for i, char in enumerate(word):
            piece = r"-\s*" if char == "-" else re.escape(char)
            if i and char.isalnum() and word[i - 1].isalnum():
                piece = split + piece
            chars.append(piece)
        parts.append("".join(chars))
    body = r"\s+".join(parts)
    if phrase[0].isalnum():
        body = r"(?<![\w])(?<!\d\.)" + body
    if phrase[-1].isalnum():
        body += r"(?![\w])(?!\.\d)"
    return re.compile(body)


def occurrences(phrase: str, text: str) -> list[int]:
    """Where ``phrase`` starts in ``text`` (character offsets), tolerant of line breaks and hyphenation.

    Example
    -------
    >>> occurrences("still a challenge", "are still a chal-\\nlenge for")
    [4]
    """
    return [m.start() for m in pattern(phrase).finditer(text)]


#: Where each part of the extracted paper begins, in the order of the text; a part runs to the next marker.
#: Tables and figure captions interrupt the running text, which then continues in the same section.
SECTION_MARKERS: tuple[tuple[str, str], ...] = (
    ("Abstract", "Abstract Background and Purpose"),
    ("Introduction", "Introduction Advanced, localized"),
    ("Methods", "Patients and Methods From 1996"),
    ("Table 1", "Table 1: Patients' characteristics"),
    ("Methods", "thermia (25-40 min)"),
    ("Results", "Results Median follow up"),
    ("Table 2", "Table 2: Therapy modalities"),
    ("Figure 1 caption", "Figure 1 Treatment Flow Chart"),
    ("Figure 2 caption", "Figure 2 Survival Data"),
    ("Results", "resection of a retroperitoneal pleomorphic"),
    ("Discussion", "Discussion Radiochemotherapy with"),
    ("Table 3", "Table 3: Individual treatment results"),
    ("Discussion", "The use of radiosensitizing agents"),
    ("Figure 3 caption", "Figure 3 Case Report"),
)


def sections(text: str) -> list[tuple[int, str]]:
    """(offset, section) where each part of the paper begins; an error if a marker is missing or out of order."""
    starts = []
    for section, marker in SECTION_MARKERS:
        found = occurrences(marker, text)
        if len(found) != 1:
            raise ValueError(f"the section marker {marker!r} occurs {len(found)} times in the paper's text")
        if starts and found[0] < starts[-1][0]:
            raise ValueError(f"the section marker {marker!r} comes before the one listed ahead of it")
        starts.append((found[0], section))
    return starts


def section_at(text: str, offset: int) -> str | None:
    """The part of the paper (a ``location`` of ``data/claims.csv``) that holds ``offset``; None before the first."""
    before = [section for start, section in sections(text) if start <= offset]
    return before[-1] if before else None


@dataclass(frozen=True)
class Implied:
    """A claim whose number its phrase implies without stating it.

    ``word`` is the word of the phrase that implies it; ``value`` computes the
    number from the other claims' reported values (by id); ``why`` says how.
    """

    word: str
    value: Callable[[Mapping[str, float]], float]
    why: str


IMPLIED: dict[str, Implied] = {
    "m_all_over_5cm": Implied("All", lambda r: r["m_n_patients"], "'All patients': every one of the patients"),
    "r_at_risk_2y_under_10cm": Implied("all", lambda r: r["r_lc_at_risk_2y"],
                                       "'all' of the patients still at risk after 2 years"),
    "r_alive_over_5y": Implied("all", lambda r: r["r_alive_disease_free"],
                               "'all of them': the patients alive and disease free"),
    "m_whole_fractions": Implied("or", lambda r: r["m_n_patients"] - r["m_hf_n"],
                                 "the once-daily schedules: every patient but the hyperfractionated ones"),
    "r_case_resected": Implied("partial", lambda r: 1, "'after partial resection': yes (1)"),
    "m_planned_2d": Implied("2-D", lambda r: 1, "naming 2-D planning: at least one plan (1)"),
}


def pin_problems(claim, reported: Mapping[str, float], text: str) -> list[str]:
    """Why one claim is not pinned to the paper's words; an empty list when it is.

    Parameters
    ----------
    claim : a row of ``data/claims.csv`` (attributes id, location, phrase, reported, unit, relation)
    reported : every claim's reported value by id (for the numbers ``IMPLIED`` derives from others)
    text : the paper's plain-text extraction

    Returns
    -------
    list of str
        Empty if the phrase occurs once in the paper, in the claim's location,
        and states the reported value in the claim's unit (or implies it, for the
        claims in ``IMPLIED``), a bound only for a claim that reads as a bound.

    Example
    -------
    >>> from types import SimpleNamespace as Row
    >>> row = Row(id="x", location="Table 1", phrase="T2 11 100%", reported=12, unit="patients", relation="eq")
    >>> pin_problems(row, {}, "Table 1: Patients' characteristics T2 11 100%")[-1]
    "'T2 11 100%' states no 12 in patients (it states 11, 100%)"
    """
    problems = []
    found = occurrences(claim.phrase, text)
    if len(found) != 1:
        problems.append(f"{claim.phrase!r} occurs {len(found)} times in the paper, not once")
    else:
        try:
            where = section_at(text, found[0])
        except ValueError:
            where = None
        if where is not None and where != claim.location:
            problems.append(f"{claim.phrase!r} stands in the {where}, not in the {claim.location}")
    implied = IMPLIED.get(claim.id)
    if implied is not None:
        if not re.search(rf"\b{re.escape(implied.word)}\b", claim.phrase):
            problems.append(f"{claim.phrase!r} lacks the word {implied.word!r} that implies the number")
        expected = implied.value(reported)
        if not math.isclose(expected, claim.reported, abs_tol=1e-9):
            problems.append(f"{claim.phrase!r} implies {expected:g} ({implied.why}), not {claim.reported:g}")
        return problems
    stated = carried(claim.phrase, claim.reported, claim.unit)
    if stated is None:
        shown = ", ".join(s.text + (s.unit if s.unit in ("%",) else "") for s in stated_numbers(claim.phrase))
        problems.append(f"{claim.phrase!r} states no {claim.reported:g} in {claim.unit} (it states {shown})")
    elif stated.bound and claim.relation == "eq":
        problems.append(f"{claim.phrase!r} gives {stated.text} as a bound, but the claim reads it as a value")
    return problems


def order_problems(claims) -> list[str]:
    """Claims that share a phrase and a unit must take its numbers in the phrase's order (minimum before maximum).

    ``claims`` is the claims table in file order. Several claims may read the same
    number ("after 2 and 5 years was 70%"); a later claim may not read an earlier number.
    """
    problems = []
    for (phrase, unit), group in claims.groupby(["phrase", "unit"], sort=False):
        if len(group) < 2:
            continue
        numbers = stated_numbers(phrase)
        position = 0
        for claim in group.itertuples(index=False):
            later = [i for i, s in enumerate(numbers) if i >= position and s.fits(claim.reported, unit)]
            if not later:
                problems.append(f"{claim.id}: {claim.reported:g} is not among the numbers of {phrase!r} "
                                f"from the one its earlier claims read onwards")
                break
            position = later[0]
    return problems
