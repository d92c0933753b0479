"""The audit's reasons in words: why each claim of the ledger has its status, for the book and the command line.

``rtchx.core.audit.ledger`` returns typed reasons (``Rounded``, ``Differs``,
``PaperCounts``, ...), the facts behind a recomputed value (``ReachableTotals``,
``WeeksNeeded``, ``ShortestFollowUp``) and a caveat with its contrast; ``why``
turns one row of the ledger into the explanation a reader sees in the ledger
table (and ``python -m rtchx audit --json`` prints).
"""

from __future__ import annotations

import math
from functools import singledispatch

import pandas as pd

from rtchx.core import protocol
from rtchx.core.audit import (
    Caveat,
    Differs,
    MissingCount,
    NoCountPrints,
    NoPatients,
    NoValue,
    OutsideBound,
    PaperCounts,
    Rounded,
    Rounding,
    Status,
    StatusIs,
    SuppressedNote,
    Unavailable,
    Uncheckable,
    ValueIs,
)
from rtchx.core.quantities import (
    CONTRASTS,
    DENOMINATOR_GROUPS,
    FractionMix,
    NotComputable,
    ReachableTotals,
    ShortestFollowUp,
    WeeksNeeded,
)


def mix_text(mix: FractionMix) -> str:
    """A course as its fractions, for reading: '2 × 1.8 + 26 × 2.0 Gy' (sizes with no fraction left out).

    Parameters
    ----------
    mix : rtchx.core.quantities.FractionMix

    Returns
    -------
    str

    Example
    -------
    >>> mix_text(FractionMix(small=2, large=26))
    '2 × 1.8 + 26 × 2.0 Gy'
    """
    low, high = protocol.DOSE_PER_FRACTION_GY
    terms = [f"{n} × {size:.1f}" for n, size in ((mix.small, low), (mix.large, high)) if n]
    return " + ".join(terms) + " Gy"

#: A caveat's mark, as every table of the book shows it.
CAVEAT_SYMBOLS = {Caveat.MISLEADING: "⚠", Caveat.NOT_COMPARABLE: "≠"}

_HOW = {Rounding.NEAREST: "rounds", Rounding.DOWN: "is rounded down", Rounding.UP: "is rounded up"}


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _counts(c: PaperCounts) -> str:
    parts = ", ".join(f"{quantity} {count:g}" for quantity, count in c.parts)
    return f"The paper's counts ({parts}) already make {c.total - c.left:g} of {c.total:g} patients, leaving {c.left:g}"


@singledispatch
def reason_text(reason) -> str:
    """Why a claim has its status, in a sentence ("" for None, a plain reproduction).

    Parameters
    ----------
    reason : rtchx.core.audit.Reason or None
        The ledger's ``reason`` (from ``rtchx.core.audit.classify``).

    Returns
    -------
    str

    Example
    -------
    >>> from rtchx.core.audit import Differs
    >>> reason_text(Differs(13.0, 26.0, 0))
    'Table 3 gives 13.0, the paper 26.'
    """
    if reason is None:
        return ""
    raise TypeError(f"no words for {type(reason).__name__}")


@reason_text.register
def _(reason: NoCountPrints) -> str:
    n = reason.n
    near = ", ".join(f"{k}/{n} = {100 * k / n:.1f}%" for k in reason.near)
    return f"No count out of {n} prints as {reason.reported:g}%: {near}."


@reason_text.register
def _(reason: Unavailable) -> str:
    return reason.reason


@reason_text.register
def _(reason: NoPatients) -> str:
    group = DENOMINATOR_GROUPS[reason.group].label if reason.group in DENOMINATOR_GROUPS else reason.group
    return f"Not computable on these data: the percentage is of {group}, and there is none (0 of 0)."


@reason_text.register
def _(reason: NoValue) -> str:
    return f"Not computable on these data: the computation gives no number ({reason.value})."


@reason_text.register
def _(reason: Uncheckable) -> str:
    return f"Cannot be checked on these data: {reason.error}."


@reason_text.register
def _(reason: OutsideBound) -> str:
    given = f"{reason.value:g}" if reason.value.is_integer() else f"{reason.value:.1f}"
    side = "beyond" if reason.relation == "le" else "short of"
    return f"From Table 3: {given}, {side} the stated bound of {reason.bound:g}."


@reason_text.register
def _(reason: Rounded) -> str:
    return f"{reason.value:.{reason.places + 2}f} {_HOW[reason.how]} to {reason.reported:g}."


@reason_text.register
def _(reason: Differs) -> str:
    return f"Table 3 gives {reason.value:.{max(reason.places, 1)}f}, the paper {reason.reported:g}."


@reason_text.register
def _(reason: PaperCounts) -> str:
    counts = _counts(reason)
    if not reason.holds:
        return counts + "."
    return f"Table 3 does not give it; {counts[0].lower()}{counts[1:]}."


@reason_text.register
def _(reason: MissingCount) -> str:
    return f"The paper's count {reason.claim!r} is not among these claims."


@singledispatch
def detail_text(detail) -> str:
    """How a recomputed value arises, in a sentence ("" for None).

    Parameters
    ----------
    detail : ReachableTotals, WeeksNeeded, ShortestFollowUp or None
        The ledger's ``detail`` (from ``rtchx.core.quantities.Described``).

    Returns
    -------
    str

    Example
    -------
    >>> from rtchx.core import data, quantities
    >>> detail_text(quantities.shortest_follow_up(data.load_patients()))[:42]
    "Table 3's shortest time is 1 month (patien"
    """
    if detail is None:
        return ""
    raise TypeError(f"no words for {type(detail).__name__}")


@detail_text.register
def _(detail: ReachableTotals) -> str:
    low, high = protocol.DOSE_PER_FRACTION_GY
    reached, both = detail.reached, detail.both_sizes
    text = (f"Every once-daily total is a sum of {low:.1f} and {high:.1f} Gy fractions"
            if len(reached) == len(detail.courses) else
            f"{len(detail.courses) - len(reached)} once-daily totals are no sum of the stated fraction sizes")
    if both:
        text += (f"; {_join([f'{c.dose_gy:g}' for c in both])} Gy need both sizes in one course "
                 f"(fewest fractions: {_join([f'{c.dose_gy:g} = {mix_text(c.fewest)}' for c in both])})")
    return text + "."


@detail_text.register
def _(detail: WeeksNeeded) -> str:
    chosen = detail.chosen
    if not detail.longest:
        return (f"The smallest once-daily total, {chosen.dose_gy:g} Gy, takes at least {chosen.fewest.fractions} "
                f"fractions ({mix_text(chosen.fewest)}): {chosen.fewest.weeks:g} weeks at five a week.")
    fractions = detail.limit * protocol.FRACTIONS_PER_WEEK
    most = fractions * max(protocol.DOSE_PER_FRACTION_GY)
    beyond = "; ".join(f"{c.dose_gy:g} Gy takes at least {c.fewest.fractions} fractions ({mix_text(c.fewest)}), "
                       f"{c.fewest.weeks:g} weeks" for c in detail.beyond)
    return f"{detail.limit} weeks hold {fractions} fractions, at most {most:.1f} Gy" + (
        f": {beyond}" if beyond else "") + "."


@detail_text.register
def _(detail: ShortestFollowUp) -> str:
    if detail.death_in_therapy is None:
        return f"Table 3's shortest time is {detail.all_patients:g} months."
    return (f"Table 3's shortest time is {detail.all_patients:g} month{'s' if detail.all_patients != 1 else ''} "
            f"(patient {detail.death_in_therapy}, who died during radiotherapy); without that patient it is "
            f"{detail.without_death_in_therapy:g} months.")


def _shown(value: float, unit: str) -> str:
    """A number with its unit for an explanation: 30 months, 70%, 3 (patients)."""
    text = f"{value:g}" if float(value).is_integer() else f"{value:.1f}"
    if unit == "%":
        return f"{value:.0f}%"
    return text if unit == "patients" else f"{text} {unit}"


def contrast_text(contrast: str, value: float) -> str:
    """The second number beside a caveat, in a sentence ("" if the claim names none).

    Parameters
    ----------
    contrast : str
        A key of ``rtchx.core.quantities.CONTRASTS``, or "".
    value : float
        Its value on these data; NaN if it cannot be computed.

    Returns
    -------
    str

    Example
    -------
    >>> contrast_text("latest_death", 30.0)
    "Beside it, Table 3's latest death: 30 months."
    """
    if not contrast:
        return ""
    shown = CONTRASTS[contrast]
    if math.isnan(value):
        return f"Beside it, {shown.label}: cannot be computed on these data."
    return f"Beside it, {shown.label}: {_shown(value, shown.unit)}."


#: The values that notes' conditions check (``rtchx.core.audit.ValueIs``), in words; other keys are shown as they are.
FACT_WORDS = {
    "followup_median_all": "the median follow-up of all patients",
    "followup_median_alive": "the median follow-up of patients alive",
    "followup_median_reverse_km": "the reverse Kaplan-Meier median follow-up",
    "censored_before_last_death": "the number of patients censored before the last death",
    "latest_death": "the time of the latest death (months)",
    "count_initial_11cm": "the number of tumours that measured exactly 11 cm initially",
    "count_at_risk_24_reduced_below_10cm": "the number of patients at risk after 2 years whose tumour resection "
                                           "reduced below 10 cm",
    "count_leucopenia": "the number of patients with leucopenia",
    "count_one_cycle_with_leucopenia": "the number of patients with leucopenia who had one cycle",
    "count_one_cycle": "the number of patients who had one cycle",
    "count_one_cycle_with_skin_toxicity": "the number of patients with skin toxicity who had one cycle",
}

_RELATION_WORDS = {"eq": "equal to", "ne": "other than", "lt": "below", "le": "at most", "gt": "above",
                   "ge": "at least"}


def suppressed_note_text(suppressed: SuppressedNote | None) -> str:
    """Why a claim's hand-written note is left out on these data, in a sentence ("" if it is not).

    Parameters
    ----------
    suppressed : rtchx.core.audit.SuppressedNote or None
        The ledger's ``note_suppressed``.

    Returns
    -------
    str

    Example
    -------
    >>> from rtchx.core.audit import Status, StatusIs, SuppressedNote
    >>> suppressed_note_text(SuppressedNote("A typing error.", "impossible", StatusIs((Status.IMPOSSIBLE,)),
    ...                                     Status.DISCREPANT))
    '(Its note is left out: it explains an impossible value, and on these data the claim is discrepant.)'
    """
    if suppressed is None:
        return ""
    part, found = suppressed.failed, suppressed.found
    if isinstance(part, StatusIs):
        statuses = " or ".join(f"{'an' if s.value[0] in 'aeiou' else 'a'} {s.value} value" if s is not
                               Status.NOT_COMPUTABLE else "a value Table 3 cannot give" for s in part.statuses)
        why = f"it explains {statuses}, and on these data the claim is {found.value}"
    elif isinstance(part, ValueIs):
        bound = "the reported value" if part.value is None else f"{part.value:g}"
        needs = f"it holds while {FACT_WORDS.get(part.key, part.key)} is {_RELATION_WORDS[part.relation]} {bound}"
        if isinstance(found, NotComputable):
            reason = found.reason.rstrip(".")
            why = f"{needs}, which cannot be computed on these data ({reason[:1].lower()}{reason[1:]})"
        else:
            why = f"{needs}; these data give {found:g}"
    else:
        raise TypeError(f"no words for {type(part).__name__}")
    return f"(Its note is left out: {why}.)"


def why(row) -> str:
    """The whole explanation of one claim of the ledger: the reason, how the value arises, the caveat with its
    contrast, and the claim's note, each in words where there is something to say.

    Parameters
    ----------
    row : Series or namedtuple
        One row of ``rtchx.core.audit.ledger`` (``reason``, ``detail``, ``caveat``,
        ``contrast``, ``contrast_value``, ``note``, and ``note_suppressed`` if present:
        a note left out on these data is said to be left out, and why).

    Returns
    -------
    str
        The sentences, "" for a plain reproduction without caveat or note.

    Example
    -------
    >>> from rtchx.core import audit, data
    >>> ledger = audit.ledger(data.load_resource("claims"), data.with_derived_columns(data.load_patients()))
    >>> why(ledger.set_index("id").loc["r_latest_death"]).split(" The bound")[0]
    "⚠ Misleading. Beside it, Table 3's latest death: 30 months."
    """
    get = row.get if isinstance(row, pd.Series) else lambda name: getattr(row, name)
    flagged = contrast_text(get("contrast"), get("contrast_value"))
    caveat = get("caveat")
    if caveat is not None:
        flagged = f"{CAVEAT_SYMBOLS[caveat]} {caveat.value.capitalize()}. {flagged}".strip()
    suppressed = get("note_suppressed") if "note_suppressed" in (row.index if isinstance(row, pd.Series)
                                                                  else row._fields) else None
    parts = (reason_text(get("reason")), detail_text(get("detail")), flagged, get("note"),
             suppressed_note_text(suppressed))
    return " ".join(part for part in parts if part)
