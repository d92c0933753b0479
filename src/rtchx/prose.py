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


def below_alpha_verdict(n_exact: int, n_asymptotic: int) -> str:
    """How many subgroup tests fall below the significance level, by the exact test and by the approximation.

    Parameters
    ----------
    n_exact, n_asymptotic : int
        Tests with exact p, and with chi-square p, below the level.

    Returns
    -------
    str
        One sentence that leads with the exact count.

    Example
    -------
    >>> below_alpha_verdict(1, 2)
    'By the exact test 1 did; the chi-square approximation would have put 2 there.'
    """
    exact = "none" if n_exact == 0 else str(n_exact)
    if n_exact == n_asymptotic:
        return f"By the exact test {exact} did, as by the chi-square approximation."
    return f"By the exact test {exact} did; the chi-square approximation would have put {n_asymptotic} there."


def approximation_verdict(tests: list[tuple[str, float, float]], alpha: float) -> str:
    """Compare the chi-square and exact p-values of several tests: which is smaller, and which tests change side.

    Parameters
    ----------
    tests : list of (name, asymptotic p, exact p)
        One entry per test; the name is how a sentence calls it.
    alpha : float
        The significance level whose side matters.

    Returns
    -------
    str
        Markdown: how often the approximation gives the smaller p, then every
        test on which the two methods fall on opposite sides of ``alpha``.

    Example
    -------
    >>> approximation_verdict([("a by b", 0.047, 0.067), ("c by d", 0.59, 0.84)], 0.05)[:60]
    'The chi-square approximation gives the smaller p-value in 2 '
    """
    from .tables import join_words

    smaller = sum(asymptotic < exact for _, asymptotic, exact in tests)
    text = f"The chi-square approximation gives the smaller p-value in {smaller} of the {len(tests)} tests."
    crossed = [(name, a, e) for name, a, e in tests if (a < alpha) != (e < alpha)]
    if not crossed:
        return text + f" No test lands on a different side of {alpha:g} by the two methods."
    false_alarms = [f"{name} (p = {a:.3f} by the approximation, {e:.3f} exact)" for name, a, e in crossed if a < alpha]
    missed = [f"{name} (p = {a:.3f} by the approximation, {e:.3f} exact)" for name, a, e in crossed if e < alpha]
    if false_alarms:
        text += (f" For {join_words(false_alarms)} the approximation falls below {alpha:g} and the exact test does "
                 "not: a 'significant' result that only the approximation produces.")
    if missed:
        text += f" For {join_words(missed)} only the exact test falls below {alpha:g}."
    return text


def smallest_p_sentence(names: list[str], p: float, n_tests: int) -> str:
    """Name the test (or tests) with the smallest exact p-value, as one of many unplanned comparisons.

    Parameters
    ----------
    names : list of str
        Every test sharing the smallest p-value.
    p : float
        That p-value.
    n_tests : int
        How many tests were run.

    Returns
    -------
    str
        One sentence.

    Example
    -------
    >>> smallest_p_sentence(["local control by site"], 0.0194, 10)
    'The smallest exact p-value, 0.019, belongs to local control by site: a comparison nobody planned, one of 10.'
    """
    from .tables import join_words

    if len(names) == 1:
        return (f"The smallest exact p-value, {p:.3f}, belongs to {names[0]}: a comparison nobody planned, "
                f"one of {n_tests}.")
    return (f"The smallest exact p-value, {p:.3f}, is shared by {join_words(names)}: comparisons nobody planned, "
            f"{len(names)} of {n_tests}.")


def p_floor_verdict(floors: list[tuple[str, float]], alpha: float) -> str:
    """Say which tests could not reach the significance level whatever the outcome (their exact p has a floor).

    Parameters
    ----------
    floors : list of (name, smallest possible exact p)
        One entry per test.
    alpha : float
        The significance level.

    Returns
    -------
    str
        One sentence.

    Example
    -------
    >>> p_floor_verdict([("a by b", 0.0022), ("c by d", 0.0546)], 0.05)
    'For c by d even the most extreme outcome gives an exact p of 0.055: that test could not come out below 0.05.'
    """
    from .tables import join_words

    blocked = [(name, floor) for name, floor in floors if floor >= alpha]
    if not blocked:
        return (f"Every test here could in principle come out below {alpha:g}: the smallest exact p each allows "
                "lies below it.")
    listed = join_words(name for name, _ in blocked)
    if len(blocked) == 1:
        return (f"For {listed} even the most extreme outcome gives an exact p of {blocked[0][1]:.3f}: "
                f"that test could not come out below {alpha:g}.")
    lowest = min(floor for _, floor in blocked)
    return (f"For {listed} even the most extreme outcome gives an exact p of at least {lowest:.3f}: "
            f"those tests could not come out below {alpha:g}.")
