"""The reproduction audit: every number the paper reports about its cohort, recomputed and classified.

Statuses, in the order they are decided:

* **impossible**: a percentage of a known denominator that no count k of n gives
  at any usual rounding (nearest, down or up), e.g. 66% of 11 (7/11 = 63.6%,
  8/11 = 72.7%). Checked first, because it holds whatever the counts are. The
  denominator n is counted on the data in hand (a group named in ``claims.csv``'s
  ``denominator`` column, ``quantities.DENOMINATOR_GROUPS``), so with one patient
  fewer the same 66% is checked against n = 10.
* **not computable**: Table 3 lacks what the number needs, or the data in hand
  cannot give it (no local failure, a median never reached, a group without
  patients); the reason is given. Never NaN, never discrepant.
* **reproduced**: the recomputed value equals the reported one (or satisfies
  the stated bound, for "no later than" and "over" claims).
* **rounding**: equal once the recomputed value is rounded as the paper rounds
  (to the reported number of decimals, to nearest or truncated).
* **discrepant**: the patient data give a different value.

"Impossible" also covers a count that the paper's other counts leave no room for
(``quantities.PaperRoom``): Table 2's techniques account for every patient, so
none is left for the 2-D planning the methods mention.

A status says whether a number can be recomputed, not whether it is fair. Some
claims are true to the letter yet mislead (a bound far from the value, a
statement true only of one reading), or set side by side things that cannot be
compared; ``data/claims.csv`` marks them in its ``caveat`` column (``Caveat``),
and the ledger shows beside them a second number from Table 3 (``contrast``).
They keep their status and are counted separately (``Scorecard``).

Statuses and caveats are enums (``Status``, ``Caveat``) and the reason for a
status is a small dataclass (``Reason``: ``Rounded``, ``Differs``, ...); the
book layer decides how a reader sees them (``rtchx.book.tables`` the statuses,
``rtchx.book.reasons`` the reasons in words).

A claim's hand-written ``note`` may explain something that holds only on the
published data. Its ``note_while`` column names a condition (``NOTE_CONDITIONS``:
typed checks of the claim's status or of a quantity's value); the ledger shows the
note only while the condition holds, and otherwise records why it was left out
(``SuppressedNote``).
"""

from __future__ import annotations

import contextlib
import difflib
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import pandas as pd

from rtchx.core import phrases, quantities, survival
from rtchx.core.data import DIED_IN_THERAPY
from rtchx.core.schema import DataValidationError, Problem


class Status(Enum):
    """What recomputing one claim from Table 3 gave, in the order the statuses are listed."""

    REPRODUCED = "reproduced"            # the same value, or the stated bound holds
    ROUNDING = "rounding"                # the same once rounded as the paper rounds
    DISCREPANT = "discrepant"            # Table 3 gives a different value
    IMPOSSIBLE = "impossible"            # the paper's own numbers exclude it
    NOT_COMPUTABLE = "not computable"    # Table 3 lacks what the number needs

    @property
    def holds(self) -> bool:
        """Whether the claim follows from Table 3, exactly or after rounding."""
        return self in (Status.REPRODUCED, Status.ROUNDING)

    @property
    def agrees(self) -> bool | None:
        """True if the claim holds, False if it does not, None if Table 3 cannot say."""
        return None if self is Status.NOT_COMPUTABLE else self.holds


class Caveat(Enum):
    """Why a claim should not be taken at face value, whatever its status."""

    MISLEADING = "misleading"            # true to the letter, but a reader would take it to say more
    NOT_COMPARABLE = "not comparable"    # sets side by side quantities that measure different things


# --- why a claim got its status: typed reasons, which the book layer puts in words (rtchx.book.reasons) ---

@dataclass(frozen=True)
class NoCountPrints:
    """Impossible: no count k out of ``n`` prints as the ``reported`` percentage; ``near`` are the closest counts."""

    reported: float
    n: int
    near: tuple[int, ...]


@dataclass(frozen=True)
class Unavailable:
    """Not computable: Table 3 lacks what the number needs (``reason``, from ``quantities.QUANTITIES``)."""

    reason: str


@dataclass(frozen=True)
class NoPatients:
    """Not computable: the percentage is of ``group`` (a key of ``quantities.DENOMINATOR_GROUPS``), which has
    no patient in these data (0 of 0)."""

    group: str


@dataclass(frozen=True)
class NoValue:
    """Not computable: the computation gave no finite number on these data (``value``: NaN or infinite)."""

    value: float


@dataclass(frozen=True)
class Uncheckable:
    """Not computable on these data: the check failed with ``error`` (an edited table without a needed row)."""

    error: str


class Rounding(Enum):
    """Which rounding of the recomputed value gives the printed one."""

    NEAREST = "nearest"
    DOWN = "down"
    UP = "up"


@dataclass(frozen=True)
class Rounded:
    """Rounding: ``value`` printed to ``places`` decimals (rounded ``how``) is the ``reported`` value."""

    value: float
    reported: float
    places: int
    how: Rounding


@dataclass(frozen=True)
class Differs:
    """Discrepant: Table 3 gives ``value``, the paper ``reported`` (printed to ``places`` decimals)."""

    value: float
    reported: float
    places: int


@dataclass(frozen=True)
class OutsideBound:
    """Discrepant: the paper states a bound (``relation`` 'le': at most, 'ge': at least) that ``value`` breaks."""

    value: float
    bound: float
    relation: str


@dataclass(frozen=True)
class PaperCounts:
    """A count set against the paper's own counts: ``parts`` (quantity, count) of ``total`` patients leave ``left``.

    ``holds`` says whether the claim fits the room left; if not, the claim is impossible.
    """

    parts: tuple[tuple[str, float], ...]
    total: float
    left: float
    holds: bool


@dataclass(frozen=True)
class MissingCount:
    """Not computable: the paper's count ``claim`` (an id of claims.csv) that the check needs is not given."""

    claim: str


#: Why a claim has its status (None for a plain reproduction).
Reason = (NoCountPrints | Unavailable | NoPatients | NoValue | Uncheckable | Rounded | Differs | OutsideBound
          | PaperCounts | MissingCount)


def _decimals(value: float) -> int:
    """Decimals the paper printed (from the transcribed value: 72.6 -> 1, 60 -> 0)."""
    text = f"{value:g}"
    return len(text.split(".")[1]) if "." in text else 0


def possible_percentages(n: int) -> dict[int, tuple[int, ...]]:
    """For each count k of n: the whole percentages a paper could print for k/n.

    Nearest, truncated or rounded up: tables often force a column to add up to
    100% (Table 1 prints 6/11 as 54% and 5/11 as 46%), so any of the three counts.
    """
    if n <= 0:   # no patients: no percentage at all
        return {}
    return {k: tuple(sorted({math.floor(100 * k / n + 0.5), math.floor(100 * k / n), math.ceil(100 * k / n)}))
            for k in range(n + 1)}


def granularity(reported: float, n: int) -> list[int]:
    """The counts k of n whose percentage prints as ``reported`` (GRIM-style); empty if none."""
    return [k for k, printed in possible_percentages(n).items() if reported in printed]


def classify(reported: float, unit: str, denominator: int | None, relation: str, value,
             decimals: int | None = None, group: str = "") -> tuple[Status, float | None, Reason | None]:
    """(status, recomputed value in the claim's unit, reason) for one claim; no reason for a plain reproduction.

    ``denominator`` is the number the claim counts out of, already resolved on the
    data in hand (``quantities.resolve_denominator``; None if it has none), and
    ``group`` the name it was resolved from. ``decimals`` is how many the paper
    printed (from the claim's phrase); by default it is read off the value, which
    cannot tell 50.0 from 50. A value that is not a finite number is not computable.

    Example
    -------
    >>> classify(100, "%", 10, "eq", 10)[:2]          # T2 10 of 10 patients
    (<Status.REPRODUCED: 'reproduced'>, 100.0)
    >>> classify(66, "%", 10, "eq", 6)[0]             # no k of 10 prints as 66%
    <Status.IMPOSSIBLE: 'impossible'>
    >>> classify(70, "%", None, "eq", float("nan"))[0]
    <Status.NOT_COMPUTABLE: 'not computable'>
    """
    per_cent = unit == "%" and denominator is not None and not pd.isna(denominator)
    if per_cent and int(denominator) == 0:
        return Status.NOT_COMPUTABLE, None, NoPatients(group)
    if per_cent:
        n = int(denominator)
        if not granularity(reported, n):
            near = tuple(k for k in range(n + 1) if abs(100 * k / n - reported) < 100 / n)
            # impossible whatever the count; the count's own percentage is still shown where there is one
            shown = None if isinstance(value, quantities.NotComputable) else 100 * float(value) / n
            return Status.IMPOSSIBLE, shown, NoCountPrints(float(reported), n, near)
    if isinstance(value, quantities.NotComputable):
        return Status.NOT_COMPUTABLE, None, Unavailable(value.reason)
    if per_cent:
        value = 100 * value / int(denominator)
    value = float(value)
    if not math.isfinite(value):
        return Status.NOT_COMPUTABLE, None, NoValue(value)
    if relation in ("le", "ge"):
        ok = value <= reported if relation == "le" else value >= reported
        return (Status.REPRODUCED, value, None) if ok else (
            Status.DISCREPANT, value, OutsideBound(value, float(reported), relation))
    if math.isclose(value, reported, abs_tol=1e-9):
        return Status.REPRODUCED, value, None
    places = _decimals(reported) if decimals is None else decimals
    scale = 10 ** places
    nearest = math.floor(value * scale + 0.5) / scale
    truncated = math.floor(value * scale) / scale
    upward = math.ceil(value * scale) / scale
    if any(math.isclose(r, reported) for r in (nearest, truncated, upward)):
        how = Rounding.NEAREST if math.isclose(nearest, reported) else Rounding.DOWN if math.isclose(
            truncated, reported) else Rounding.UP
        return Status.ROUNDING, value, Rounded(value, float(reported), places, how)
    return Status.DISCREPANT, value, Differs(value, float(reported), places)


def _paper_room(claim, room: quantities.PaperRoom, reported: dict[str, float],
                quantity: dict[str, str]) -> tuple[Status, None, PaperCounts | MissingCount]:
    """Classify a claim against the room the paper's own counts leave for it."""
    try:
        left = room.room(reported)
    except KeyError as error:
        return Status.NOT_COMPUTABLE, None, MissingCount(error.args[0])
    holds = {"eq": left == claim.reported, "ge": left >= claim.reported, "le": left <= claim.reported}[claim.relation]
    counts = PaperCounts(tuple((quantity[part], reported[part]) for part in room.parts), reported[room.total], left,
                         holds)
    return (Status.NOT_COMPUTABLE if holds else Status.IMPOSSIBLE), None, counts


# --- when a claim's hand-written note still holds ----------------------------------------------------

@dataclass(frozen=True)
class StatusIs:
    """A note that explains a status: it holds while the claim's status is one of ``statuses``."""

    statuses: tuple[Status, ...]


#: How ``ValueIs`` compares a value with its bound.
RELATIONS: dict[str, Callable[[float, float], bool]] = {
    "eq": lambda a, b: math.isclose(a, b, abs_tol=1e-9), "ne": lambda a, b: not math.isclose(a, b, abs_tol=1e-9),
    "lt": lambda a, b: a < b, "le": lambda a, b: a <= b, "gt": lambda a, b: a > b, "ge": lambda a, b: a >= b,
}


@dataclass(frozen=True)
class ValueIs:
    """A note that states a fact of the data: it holds while quantity ``key`` (of ``quantities.FACTS`` or
    ``quantities.QUANTITIES``) stands in ``relation`` (a key of ``RELATIONS``) to ``value`` (None: the claim's
    reported value). A quantity that cannot be computed on the data does not hold."""

    key: str
    relation: str
    value: float | None = None


#: A note's condition: every part must hold.
NoteCondition = tuple[StatusIs | ValueIs, ...]

_DISCREPANT = StatusIs((Status.DISCREPANT,))

#: The conditions the ``note_while`` column of ``data/claims.csv`` can name (empty: the note does not depend on
#: the data and is always shown).
NOTE_CONDITIONS: dict[str, NoteCondition] = {
    "discrepant": (_DISCREPANT,),
    "impossible": (StatusIs((Status.IMPOSSIBLE,)),),
    "not_computable": (StatusIs((Status.NOT_COMPUTABLE,)),),
    # "Several of the tumours of more than 10 cm measured exactly 11 cm."
    "several_over_10cm_measure_11cm": (_DISCREPANT, ValueIs("count_initial_11cm", "ge", 2)),
    # "No definition of follow-up (all patients, patients alive, reverse Kaplan-Meier) gives the reported value."
    "no_follow_up_definition_gives_it": (_DISCREPANT, ValueIs("followup_median_all", "ne"),
                                         ValueIs("followup_median_alive", "ne"),
                                         ValueIs("followup_median_reverse_km", "ne")),
    # "Nobody is censored before the last death, ..."
    "no_censoring_before_last_death": (_DISCREPANT, ValueIs("censored_before_last_death", "eq", 0)),
    # "The reported value is the median of all patients' times, alive or dead."
    "median_of_all_times": (_DISCREPANT, ValueIs("followup_median_all", "eq")),
    # "Both bounds of the disease-free curve meet ... once the last patient who died has died."
    "last_death_within_5_years": (ValueIs("latest_death", "le", 60),),
    # "The bound holds, but Table 3's last death comes well before it, ..."
    "last_death_before_bound": (StatusIs((Status.REPRODUCED,)), ValueIs("latest_death", "lt")),
    # "... one of these tumours was reduced below 10 cm by R2 resection."
    "one_at_risk_tumour_reduced": (StatusIs((Status.REPRODUCED,)),
                                   ValueIs("count_at_risk_24_reduced_below_10cm", "eq", 1)),
    # "In Table 3 the patients with leucopenia received both cycles; the third patient with one cycle had skin
    # toxicity."
    "leucopenia_both_cycles": (_DISCREPANT, ValueIs("count_leucopenia", "ge", 2),
                               ValueIs("count_one_cycle_with_leucopenia", "eq", 0),
                               ValueIs("count_one_cycle", "eq", 3),
                               ValueIs("count_one_cycle_with_skin_toxicity", "eq", 1)),
}


@dataclass(frozen=True)
class SuppressedNote:
    """A claim's hand-written ``note`` left out because part ``failed`` of its condition (``condition``, a key of
    ``NOTE_CONDITIONS``) does not hold on these data; ``found`` is what was found instead: the claim's
    ``Status``, the quantity's value, or a ``quantities.NotComputable``."""

    note: str
    condition: str
    failed: StatusIs | ValueIs
    found: Status | float | quantities.NotComputable


def note_shown(note: str, condition: str, status: Status, reported: float,
               patients: pd.DataFrame) -> tuple[str, SuppressedNote | None]:
    """The note to show beside a claim on these data ("" if none), and why it was left out (None if it was not).

    Parameters
    ----------
    note : str
        The claim's hand-written note ("" if none).
    condition : str
        Its ``note_while``: a key of ``NOTE_CONDITIONS``, or "" for a note that holds on any data.
    status : Status
        The claim's status on these data.
    reported : float
        The claim's reported value (the bound of a ``ValueIs`` without its own).
    patients : DataFrame
        Table 3 with the derived columns.

    Returns
    -------
    (str, SuppressedNote or None)

    Unknown conditions raise KeyError.

    Example
    -------
    >>> from rtchx.core import data
    >>> patients = data.with_derived_columns(data.load_patients())
    >>> note_shown("A typing error.", "impossible", Status.IMPOSSIBLE, 66, patients)
    ('A typing error.', None)
    >>> note_shown("A typing error.", "impossible", Status.DISCREPANT, 66, patients)[1].found
    <Status.DISCREPANT: 'discrepant'>
    """
    if not note or not condition:
        return note, None
    if condition not in NOTE_CONDITIONS:
        raise KeyError(f"unknown note condition {condition!r}; known: {', '.join(NOTE_CONDITIONS)}")
    for part in NOTE_CONDITIONS[condition]:
        if isinstance(part, StatusIs):
            if status not in part.statuses:
                return "", SuppressedNote(note, condition, part, status)
            continue
        try:
            found = quantities.fact(part.key, patients)
        except ValueError as error:
            found = quantities.NotComputable(str(error))
        if isinstance(found, quantities.Described):
            found = found.value
        bound = reported if part.value is None else part.value
        if isinstance(found, quantities.NotComputable):
            return "", SuppressedNote(note, condition, part, found)
        if not math.isfinite(float(found)) or not RELATIONS[part.relation](float(found), float(bound)):
            return "", SuppressedNote(note, condition, part, float(found))
    return note, None


def ledger(claims: pd.DataFrame, patients: pd.DataFrame) -> pd.DataFrame:
    """Recompute every claim from Table 3 and classify it: the audit's ledger, one row per claim.

    Parameters
    ----------
    claims : DataFrame
        ``data/claims.csv`` (all of it, or some rows; a check against the paper's
        own counts needs the claims it names).
    patients : DataFrame
        Table 3 with the derived columns.

    Returns
    -------
    DataFrame
        The claims with ``status`` (a ``Status``), ``recomputed`` (the value
        recomputed from Table 3 in the claim's unit, NaN where there is none),
        ``reason`` (a ``Reason``: why the claim has its status; None for a plain
        reproduction), ``detail`` (how the recomputed value arises, from
        ``quantities.Described``; None if there is nothing to add), ``decimals``
        (as the paper printed the value), ``caveat`` (a ``Caveat`` or None),
        ``contrast`` (the key of ``quantities.CONTRASTS`` shown beside a caveat,
        empty if none) and ``contrast_value`` (its value, NaN if none or if it
        cannot be computed on these data), ``denominator`` (the number a
        percentage counts out of, resolved on ``patients``; None if none) with
        ``denominator_group`` (what the claims name: a group or a stated number),
        ``note`` (the claim's note while its ``note_while`` condition holds, else
        "") and ``note_suppressed`` (a ``SuppressedNote`` where the note was left
        out, else None); ``rtchx.book.reasons`` puts all of it in words.

    Claims that break the rules of ``claim_problems`` (an unknown check key,
    contrast or note condition; a percentage of a count without a denominator)
    raise ``DataValidationError``, naming the row and column, before anything is
    computed: a chapter on such data stops with the message ``validate`` gives. A check
    that cannot be made on ``patients`` (an edited table, say, without the
    case-report patient) raises ValueError; its claim is then not computable, with
    the reason.

    Example
    -------
    >>> from rtchx.core import data
    >>> table = ledger(data.load_resource("claims"), data.with_derived_columns(data.load_patients()))
    >>> row = table.set_index("id").loc["r_os_median"]
    >>> row["status"], float(row["recomputed"]), int(row["decimals"])
    (<Status.DISCREPANT: 'discrepant'>, 13.0, 0)
    >>> table.set_index("id").loc["r_latest_death", "caveat"]
    <Caveat.MISLEADING: 'misleading'>
    """
    problems = claim_problems(claims, None)
    if problems:
        raise DataValidationError(problems)
    reported = dict(zip(claims["id"], claims["reported"], strict=True))
    quantity = dict(zip(claims["id"], claims["quantity"], strict=True))
    rows = []
    for claim in claims.itertuples(index=False):
        phrase = getattr(claim, "phrase", "") or ""
        decimals = phrases.printed_decimals(phrase, claim.reported, claim.unit)
        detail, failed = None, None
        try:
            value = quantities.compute(claim.check, patients)
        except ValueError as error:   # classified as not computable, unless impossible whatever the data
            value, failed = quantities.NotComputable(""), Uncheckable(str(error))
        if isinstance(value, quantities.Described):
            value, detail = value.value, value.detail
        group = getattr(claim, "denominator", "")
        group = "" if group is None or pd.isna(group) else str(group)
        n = quantities.resolve_denominator(group, patients)
        if isinstance(value, quantities.PaperRoom):
            status, recomputed, reason = _paper_room(claim, value, reported, quantity)
        else:
            status, recomputed, reason = classify(claim.reported, claim.unit, n, claim.relation, value, decimals,
                                                  group)
        if failed is not None and isinstance(reason, Unavailable):
            reason = failed
        caveat = Caveat(claim.caveat) if getattr(claim, "caveat", "") else None
        contrast_key = getattr(claim, "contrast", "") or ""
        contrast_value = float("nan")
        if contrast_key:
            # left NaN where it cannot be computed on these data (an edited table); the book says so
            with contextlib.suppress(ValueError, IndexError):
                found = quantities.CONTRASTS[contrast_key].compute(patients)
                if not isinstance(found, quantities.NotComputable):
                    contrast_value = float(found)
        note = getattr(claim, "note", "")
        note = "" if note is None or (isinstance(note, float) and pd.isna(note)) else str(note)
        condition = getattr(claim, "note_while", "")
        condition = "" if condition is None or (isinstance(condition, float) and pd.isna(condition)) else condition
        shown, suppressed = note_shown(note, str(condition), status, claim.reported, patients)
        rows.append({"denominator": n, "denominator_group": group, "status": status, "recomputed": recomputed,
                     "reason": reason, "detail": detail, "decimals": decimals, "caveat": caveat,
                     "contrast": contrast_key, "contrast_value": contrast_value, "note": shown,
                     "note_suppressed": suppressed})
    table = claims.reset_index(drop=True).drop(columns=["caveat", "contrast", "denominator", "note", "note_while"],
                                               errors="ignore")
    computed = pd.DataFrame(rows, index=table.index)
    computed["denominator"] = computed["denominator"].astype("Int64")   # whole numbers; <NA> where there is none
    return pd.concat([table, computed], axis=1)


def check_claims(claims: pd.DataFrame, patients: pd.DataFrame) -> pd.DataFrame:
    """Check each claim against the patient data: the ledger with a yes/no answer per claim, for the chapters.

    A thin view of ``ledger`` (one classification for the whole book).

    Parameters
    ----------
    claims : DataFrame
        ``data/claims.csv`` (all of it, or some rows).
    patients : DataFrame
        Table 3 with the derived columns.

    Returns
    -------
    DataFrame
        The ledger's columns, with ``recomputed`` None (not NaN) where there is no
        value, plus ``agrees`` (``Status.agrees``: True when reproduced or equal
        after rounding, False when discrepant or impossible, None when not
        computable).

    Example
    -------
    >>> from rtchx.core import data
    >>> checked = check_claims(data.load_resource("claims"), data.with_derived_columns(data.load_patients()))
    >>> checked.set_index("id").loc[["t1_grade3_n", "r_os_5y", "t1_age_median"], "agrees"].tolist()
    [True, False, None]
    """
    table = ledger(claims, patients)
    return table.assign(recomputed=table["recomputed"].astype(object).where(table["recomputed"].notna(), None),
                        agrees=pd.Series([s.agrees for s in table["status"]], index=table.index, dtype=object))


#: The parts of the paper in the order the audit chapter lists them.
SECTION_ORDER = ("Abstract", "Methods", "Table 1", "Table 2", "Results", "Discussion", "Table 3",
                 "Figure 1 caption", "Figure 2 caption", "Figure 3 caption")


def by_section(table: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """Cut the ledger by where each claim stands in the paper, every claim in exactly one part.

    Parameters
    ----------
    table : DataFrame
        A ledger (``ledger``), or any table of claims with a ``location`` column.

    Returns
    -------
    list of (str, DataFrame)
        Each part of the paper with its claims: parts in ``SECTION_ORDER``, then
        any other location; parts without claims are left out.

    Example
    -------
    >>> from rtchx.core import data
    >>> table = ledger(data.load_resource("claims"), data.with_derived_columns(data.load_patients()))
    >>> sum(len(part) for _, part in by_section(table)) == len(table)
    True
    """
    others = [loc for loc in dict.fromkeys(table["location"]) if loc not in SECTION_ORDER]
    return [(loc, table[table["location"] == loc]) for loc in (*SECTION_ORDER, *others)
            if (table["location"] == loc).any()]


@dataclass(frozen=True)
class Scorecard:
    """The audit in numbers: claims per status, per caveat, and the sums the chapter's prose needs.

    ``checkable`` leaves out the claims that are not computable; ``holding`` are
    those reproduced exactly or after rounding, and ``holding_misleading`` those of
    them marked misleading. ``distinct_discrepant`` counts a discrepant number
    once however many places in the paper repeat it (same check, same value).
    """

    claims: int
    checkable: int
    holding: int
    reproduced: int
    rounding: int
    discrepant: int
    impossible: int
    not_computable: int
    misleading: int
    not_comparable: int
    holding_misleading: int
    distinct_discrepant: int

    def by_status(self) -> dict[Status, int]:
        """Claims per status, every status listed, in the order of ``Status``."""
        return {status: getattr(self, status.name.lower()) for status in Status}

    def by_caveat(self) -> dict[Caveat, int]:
        """Claims per caveat, every caveat listed, in the order of ``Caveat``."""
        return {caveat: getattr(self, caveat.name.lower()) for caveat in Caveat}


def scorecard(table: pd.DataFrame) -> Scorecard:
    """Count the ledger's claims by status and by caveat (caveats do not change a status and are counted apart).

    Parameters
    ----------
    table : DataFrame
        A ledger (``ledger``), all of it or some rows.

    Returns
    -------
    Scorecard

    Example
    -------
    >>> from rtchx.core import data
    >>> score = scorecard(ledger(data.load_resource("claims"), data.with_derived_columns(data.load_patients())))
    >>> score.claims == sum(score.by_status().values()), score.not_comparable
    (True, 1)
    """
    statuses = list(table["status"])
    caveats = list(table["caveat"])
    count = {status: statuses.count(status) for status in Status}
    discrepant = table[[s is Status.DISCREPANT for s in statuses]]
    return Scorecard(
        claims=len(table),
        checkable=len(table) - count[Status.NOT_COMPUTABLE],
        holding=sum(s.holds for s in statuses),
        reproduced=count[Status.REPRODUCED],
        rounding=count[Status.ROUNDING],
        discrepant=count[Status.DISCREPANT],
        impossible=count[Status.IMPOSSIBLE],
        not_computable=count[Status.NOT_COMPUTABLE],
        misleading=caveats.count(Caveat.MISLEADING),
        not_comparable=caveats.count(Caveat.NOT_COMPARABLE),
        holding_misleading=sum(s.holds and c is Caveat.MISLEADING for s, c in zip(statuses, caveats, strict=True)),
        distinct_discrepant=len(discrepant.drop_duplicates(["check", "reported"])),
    )


def _censored_os(patients: pd.DataFrame, chosen) -> tuple[float, float]:
    """Median and five-year overall survival (%) with the deaths of ``chosen`` counted as censored."""
    changed = patients.assign(status=patients["status"].where(~patients["patient"].isin(chosen), "AWOD"))
    fit = survival.kaplan_meier(changed, "overall_survival")
    return float(fit.median_survival_time_), 100 * survival.survival_at(fit, 60)


def _fits(median: float, five_year: float, reported_median: float, reported_pct: float) -> bool:
    return median == reported_median and math.floor(five_year + 0.5) == reported_pct


def censoring_explanations(patients: pd.DataFrame, median: float, five_year_pct: float,
                           max_size: int = 3) -> list[tuple[int, ...]]:
    """Find the smallest sets of deaths which, counted as censored instead, give the reported overall survival.

    Tries every set of up to ``max_size`` patients who died, censoring each at
    their time of death, and keeps the sets whose Kaplan-Meier median equals
    ``median`` and whose five-year estimate prints as ``five_year_pct`` (rounded
    to the nearest whole percent): a hypothesis about how the published figures
    could have arisen, not a fact.

    Parameters
    ----------
    patients : DataFrame
        Table 3 (``patient``, ``status``, ``os_months``).
    median, five_year_pct : float
        The paper's median overall survival (months) and five-year rate (%).
    max_size : int
        The largest set tried.

    Returns
    -------
    list of tuple of int
        The patients of each smallest set that fits; empty if none up to ``max_size`` does.

    Example
    -------
    >>> from rtchx.core import data
    >>> censoring_explanations(data.load_patients(), 26, 34)
    [(2, 6), (6, 10), (10, 11)]
    """
    dead = patients.loc[patients["status"] == "DOD", "patient"].tolist()
    for size in range(1, max_size + 1):
        found = [chosen for chosen in itertools.combinations(dead, size)
                 if _fits(*_censored_os(patients, chosen), median, five_year_pct)]
        if found:
            return found
    return []


@dataclass(frozen=True)
class CensoredDeaths:
    """Overall survival with the deaths of ``patients`` counted as censored, and whether it gives the paper's."""

    patients: tuple[int, ...]
    median: float
    five_year_pct: float
    fits: bool


@dataclass(frozen=True)
class DeathsHypothesis:
    """The deaths the paper does not put down to metastases, set beside the censoring that gives its survival.

    Table 3 marks ``dead`` patients as dead of disease; the Results say
    ``dead_of_metastases`` died of metastasized disease, which leaves ``other``
    deaths. ``smallest_sets`` are the smallest sets of deaths whose censoring
    reproduces the paper's median and five-year overall survival. The paper itself
    describes one death that was not from metastases, during radiotherapy
    (``death_in_therapy``); ``with_death_in_therapy`` tries every set of ``other``
    deaths that includes it. A hypothesis that fits numbers, not a finding.
    """

    dead: int
    dead_of_metastases: int
    death_in_therapy: int | None
    smallest_sets: tuple[tuple[int, ...], ...]
    with_death_in_therapy: tuple[CensoredDeaths, ...]

    @property
    def other(self) -> int:
        """Deaths the paper does not attribute to metastasized disease (none where the data have fewer deaths
        than the paper puts down to metastases: see ``more_than_died``)."""
        return max(self.dead - self.dead_of_metastases, 0)

    @property
    def more_than_died(self) -> bool:
        """Whether the paper puts more deaths down to metastases than these data have deaths at all."""
        return self.dead_of_metastases > self.dead

    @property
    def same_count(self) -> bool:
        """Whether the smallest censoring sets have exactly as many deaths as are not put down to metastases."""
        return bool(self.smallest_sets) and len(self.smallest_sets[0]) == self.other

    @property
    def fitting(self) -> tuple[CensoredDeaths, ...]:
        """The sets with the death during therapy whose censoring gives the paper's figures."""
        return tuple(c for c in self.with_death_in_therapy if c.fits)


def deaths_hypothesis(patients: pd.DataFrame, dead_of_metastases: int, median: float,
                      five_year_pct: float) -> DeathsHypothesis:
    """Are the deaths not from metastases the ones whose censoring gives the paper's overall survival?

    Parameters
    ----------
    patients : DataFrame
        Table 3 (``patient``, ``status``, ``os_months``, ``toxicity``).
    dead_of_metastases : int
        The Results' count of patients who died of metastasized disease.
    median, five_year_pct : float
        The paper's median overall survival (months) and five-year rate (%).

    Returns
    -------
    DeathsHypothesis

    Example
    -------
    >>> from rtchx.core import data
    >>> h = deaths_hypothesis(data.load_patients(), 6, 26, 34)
    >>> h.other, h.same_count, [c.patients for c in h.fitting]
    (2, True, [(2, 6), (6, 10)])
    """
    dead = patients.loc[patients["status"] == "DOD", "patient"].tolist()
    in_therapy = patients.loc[(patients["toxicity"] == DIED_IN_THERAPY) & (patients["status"] == "DOD"),
                              "patient"].tolist()
    death_in_therapy = int(in_therapy[0]) if in_therapy else None
    other = max(len(dead) - dead_of_metastases, 0)
    tried = []
    if death_in_therapy is not None and other >= 1:
        rest = [n for n in dead if n != death_in_therapy]
        for partners in itertools.combinations(rest, other - 1):
            chosen = tuple(sorted((death_in_therapy, *partners)))
            m, five = _censored_os(patients, chosen)
            tried.append(CensoredDeaths(chosen, m, five, _fits(m, five, median, five_year_pct)))
    smallest = tuple(censoring_explanations(patients, median, five_year_pct, max_size=max(other, 3)))
    return DeathsHypothesis(len(dead), dead_of_metastases, death_in_therapy, smallest, tuple(tried))


@dataclass(frozen=True)
class HypothesisSupport:
    """How much a censoring hypothesis is worth: what share of the alternatives would fit as well.

    ``sets`` sets of ``size`` deaths were tried; ``median_fits`` of them already give
    the paper's median, ``both_fit`` the median and the five-year rate. When the
    five-year rate is no count out of the patients (``needs_censoring``), some
    censoring before five years is needed to print it on any data.
    """

    size: int
    sets: int
    median_fits: int
    both_fit: int
    needs_censoring: bool


def hypothesis_support(patients: pd.DataFrame, size: int, median: float, five_year_pct: float) -> HypothesisSupport:
    """Try every set of ``size`` deaths as censored: how many give the paper's median, and its five-year rate too.

    Parameters
    ----------
    patients : DataFrame
        Table 3 (``patient``, ``status``, ``os_months``).
    size : int
        How many deaths each set counts as censored.
    median, five_year_pct : float
        The paper's median overall survival (months) and five-year rate (%).

    Returns
    -------
    HypothesisSupport

    Example
    -------
    >>> from rtchx.core import data
    >>> s = hypothesis_support(data.load_patients(), 2, 26, 34)
    >>> s.sets, s.median_fits, s.both_fit, s.needs_censoring
    (28, 19, 3, True)
    """
    dead = patients.loc[patients["status"] == "DOD", "patient"].tolist()
    results = [_censored_os(patients, chosen) for chosen in itertools.combinations(dead, size)]
    return HypothesisSupport(size, len(results), sum(m == median for m, _ in results),
                             sum(_fits(m, f, median, five_year_pct) for m, f in results),
                             not granularity(five_year_pct, len(patients)))


def dfs_if_censored(patients: pd.DataFrame, chosen, months: float = 60) -> tuple[float, float]:
    """The range of disease-free survival (%) at ``months`` that Table 3 allows with the deaths of ``chosen``
    counted as censored (as if those patients had been last seen alive and free of disease).

    Parameters
    ----------
    patients : DataFrame
        Table 3 with the derived columns.
    chosen : collection of int
        The patients whose deaths are counted as censored.
    months : float
        The time of the estimate.

    Returns
    -------
    tuple of float
        (lowest, highest) in percent.

    Example
    -------
    >>> from rtchx.core import data
    >>> [round(x, 2) for x in dfs_if_censored(data.load_patients(), (6, 10))]
    [33.75, 45.45]

    With censoring in the data, the curve with every event at the start need not be
    the lower one at ``months``, so the range is returned as (lowest, highest).
    """
    changed = patients.assign(status=patients["status"].where(~patients["patient"].isin(chosen), "AWOD"))
    ends = [100 * survival.survival_at(fit, months) for fit in survival.disease_free_bounds(changed)]
    return min(ends), max(ends)


def other_denominators(pct: float, largest: int) -> dict[int, list[int]]:
    """The patient counts n up to ``largest`` of which some count k prints as ``pct`` (n -> the ks).

    Parameters
    ----------
    pct : float
        A whole percentage as printed.
    largest : int
        The largest group size tried.

    Returns
    -------
    dict of int to list of int
        Each group size n with the counts k of n that print as ``pct``.

    Example
    -------
    >>> other_denominators(66, 11)
    {3: [2], 6: [4], 9: [6]}
    """
    return {n: granularity(pct, n) for n in range(1, largest + 1) if granularity(pct, n)}


#: A check whose key starts so counts patients (``quantities._count`` and its kin); a percentage of it needs
#: the group it is a percentage of. Kaplan-Meier rates (``lc_5y``, ``os_5y``, ...) are percentages already.
COUNT_PREFIX = "count_"


def claim_problems(claims: pd.DataFrame, chapters: Path | None, file: str = "claims.csv") -> list[Problem]:
    """The rules of ``claims.csv`` that need more than its schema: known keys, real chapters, denominators.

    ``rtchx.core.data`` cannot check these (``quantities`` imports ``data``), so
    ``python -m rtchx validate`` calls this after loading the claims, and every
    other command does before it runs, so that a claim the audit cannot handle is
    reported as a data problem rather than found later as a traceback.

    * ``check`` must be a key of ``quantities.QUANTITIES``, ``contrast``, where
      given, one of ``quantities.CONTRASTS``, and ``note_while``, where given, one
      of ``NOTE_CONDITIONS``;
    * ``chapter`` must name a notebook in ``chapters`` (skipped if None;
      ``data.find_chapters`` says which folder);
    * a claim in % whose check is a count (its key starts with ``count_``) needs a
      ``denominator``: the count alone is not a percentage.

    Parameters
    ----------
    claims : DataFrame
        ``data/claims.csv`` as ``data.load_resource("claims")`` returns it.
    chapters : Path or None
        The ``notebooks/`` folder, or None to skip the chapter check.
    file : str
        The file name the problems carry.

    Returns
    -------
    list of Problem
        One per broken rule, with the row, the claim's id and the column; empty if none.

    Example
    -------
    >>> from rtchx.core import data
    >>> claims = data.load_resource("claims")
    >>> claim_problems(claims, data.find_chapters(data.find_data_dir()))
    []
    >>> print(claim_problems(claims.assign(check="count_t3"), None)[0])   # doctest: +ELLIPSIS
    claims.csv, row 1 (line 2), id t1_age_median, column 'check': unknown check 'count_t3'; ...
    """
    notebooks = None if chapters is None else {path.stem for path in Path(chapters).glob("*.ipynb")}
    problems = []
    for number, claim in enumerate(claims.itertuples(index=False), start=1):
        def problem(column: str, message: str, number=number, key=f"id {claim.id}") -> None:
            problems.append(Problem(file, message, row=number, key=key, column=column))

        if claim.check not in quantities.QUANTITIES:
            near = difflib.get_close_matches(claim.check, list(quantities.QUANTITIES), n=3)
            problem("check", f"unknown check {claim.check!r}; expected a key of rtchx.core.quantities.QUANTITIES"
                    + (f" (did you mean {', '.join(near)}?)" if near else ""))
        contrast = getattr(claim, "contrast", "") or ""
        if contrast and contrast not in quantities.CONTRASTS:
            problem("contrast", f"unknown contrast {contrast!r}; expected one of "
                                f"{', '.join(sorted(quantities.CONTRASTS))}")
        condition = getattr(claim, "note_while", "") or ""
        if isinstance(condition, str) and condition and condition not in NOTE_CONDITIONS:
            problem("note_while", f"unknown note condition {condition!r}; expected one of "
                                  f"{', '.join(NOTE_CONDITIONS)}")
        if notebooks is not None and claim.chapter not in notebooks:
            problem("chapter", f"no chapter {claim.chapter!r}: there is no {claim.chapter}.ipynb in {chapters}")
        denominator = getattr(claim, "denominator", None)
        if (claim.unit == "%" and claim.check.startswith(COUNT_PREFIX)
                and (denominator is None or pd.isna(denominator) or denominator == "")):
            problem("denominator", f"a claim in % whose check ({claim.check}) is a count needs a denominator: "
                                   "the group the count is a percentage of")
    return problems
