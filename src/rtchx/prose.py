"""Sentences whose wording depends on the numbers, so that the prose follows the data.

Each function returns Markdown for a ``{glue:md}`` role; the chapters never
hard-code a conclusion that a change to ``data/`` could reverse.
"""

from __future__ import annotations


def benchmarks_verdict(low: float, high: float, benchmarks: dict[str, float]) -> str:
    """Say whether each benchmark rate (name -> fraction) lies inside the interval [low, high]."""
    inside = [name for name, value in benchmarks.items() if low <= value <= high]
    if len(inside) == len(benchmarks):
        return ("Every benchmark lies *inside* the interval: the estimate alone cannot tell this cohort "
                "apart from radiotherapy alone.")
    if not inside:
        return "Every benchmark lies *outside* the interval, below its lower limit." if all(
            v < low for v in benchmarks.values()) else "Every benchmark lies *outside* the interval."
    return f"Only {' and '.join(inside)} {'lies' if len(inside) == 1 else 'lie'} inside the interval."


def ratio_verdict(low: float, high: float, *, fewer: str, more: str, estimate: float | None = None) -> str:
    """Read an interval for a ratio O/E: does it include 1, and which way does the estimate point?"""
    if low <= 1 <= high:
        text = "The interval includes 1: the data cannot rule out that there is no difference at all."
        if estimate is not None and estimate != 1:
            text += f" The estimate itself points to {fewer if estimate < 1 else more}."
        return text
    if high < 1:
        return f"The interval lies below 1: the data point to {fewer}."
    return f"The interval lies above 1: the data point to {more}."


def plain_interval_remark(low: float, high: float) -> str:
    """Say so when a plain (symmetric) interval for a probability runs past 0 or 100%."""
    if high > 1 or low < 0:
        return ", past what a probability can be"
    return ""


def fraction_words(ratio: float) -> str:
    """A ratio below 1 as a reader says it: 'about a third', 'about half', else a percentage."""
    for value, words in ((0.25, "about a quarter"), (1 / 3, "about a third"), (0.5, "about half"),
                         (2 / 3, "about two thirds"), (0.75, "about three quarters"), (1.0, "about as many")):
        if abs(ratio - value) <= 0.04:
            return words
    return f"{100 * ratio:.0f}%"


def size_split_verdict(small: tuple[int, float], large: tuple[int, float]) -> str:
    """Where a shortfall of failures lies, given (observed, expected) for small and large tumours."""
    small_fewer, large_fewer = small[0] < small[1], large[0] < large[1]
    if small_fewer and not large_fewer:
        return ("The whole shortfall of failures lies in the smaller tumours; among the tumours over 10 cm "
                "the cohort did no better than radiotherapy alone would predict.")
    if large_fewer and not small_fewer:
        return ("The whole shortfall of failures lies in the tumours over 10 cm; the smaller tumours did no "
                "better than radiotherapy alone would predict.")
    if small_fewer and large_fewer:
        return "Both size classes had fewer failures than radiotherapy alone would predict."
    return "Neither size class had fewer failures than radiotherapy alone would predict."
