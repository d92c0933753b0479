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


# --- chapter 10: what the verdict on the historical comparison depends on ------------------------

def shape_verdict(*, p_constant: float, flips: tuple[float, ...], evidence_ks: list[float], level: float = 0.05,
                  evidence_kind: str = "series treated with surgery") -> str:
    """Where the verdict flips as the historical hazard's Weibull shape k varies, and where the evidence points.

    Parameters
    ----------
    p_constant : float
        The exact two-sided p under a constant hazard (k = 1).
    flips : tuple of float
        The shapes k where the exact p crosses ``level`` (``ShapeScan.flips_two_sided``).
    evidence_ks : list of float
        Shapes implied by published failure times.
    level : float
        The significance level.
    evidence_kind : str
        What the evidence comes from, for the caveat.

    Returns
    -------
    str
        Two to four sentences of Markdown.

    Example
    -------
    >>> shape_verdict(p_constant=0.109, flips=(0.64, 1.88), evidence_ks=[0.17, 0.47])[:60]
    'Under a constant hazard the exact two-sided p is 0.109, abov'
    """
    side = "below" if p_constant < level else "above"
    text = f"Under a constant hazard the exact two-sided p is {p_constant:.3f}, {side} {level:g}."
    early = [k for k in flips if k < 1]
    late = [k for k in flips if k > 1]
    if not flips:
        return text + " No Weibull shape in the range scanned changes that."
    if early:
        text += (f" It {'falls below' if p_constant >= level else 'rises above'} {level:g} as soon as the "
                 f"historical failures are assumed to come earlier, with a Weibull shape below "
                 f"k = {early[0]:.2f}")
        text += (f", and again if they come much later (above k = {late[0]:.2f})." if late else ".")
    else:
        text += f" It changes only for a hazard that rises steeply, beyond k = {late[0]:.2f}."
    if evidence_ks and early:
        below = sum(k < early[0] for k in evidence_ks)
        lo, hi = min(evidence_ks), max(evidence_ks)
        if below == len(evidence_ks):
            text += (f" Every reading of the published failure times gives a shape on that side (k from "
                     f"{lo:.2f} to {hi:.2f}): on that evidence the verdict reverses, although it comes from "
                     f"{evidence_kind}, not from unresected tumours given radiotherapy.")
        elif below == 0:
            text += (f" No reading of the published failure times (k from {lo:.2f} to {hi:.2f}) is on that side.")
        else:
            text += (f" The readings of the published failure times (k from {lo:.2f} to {hi:.2f}) fall on "
                     f"both sides of it.")
    return text


def grid_verdict(counts: dict[str, tuple[int, int]], level: float = 0.05) -> str:
    """How many size-matched comparisons reach significance under each family of hazard shape.

    Parameters
    ----------
    counts : dict
        Family name ('front-loaded', 'constant', 'plateau', 'rising') -> (significant, total).
    level : float
        The significance level.

    Returns
    -------
    str
        One or two sentences of Markdown; they say which way the answer moves.

    Example
    -------
    >>> grid_verdict({"front-loaded": (10, 12), "constant": (0, 4), "plateau": (0, 4), "rising": (0, 4)})[:48]
    'Of the size-matched comparisons, 10 of 12 under '
    """
    words = {"front-loaded": "front-loaded shapes", "constant": "the constant hazard", "plateau": "the plateau",
             "rising": "the rising hazard"}
    parts = [f"{s} of {n} under {words.get(name, name)}" for name, (s, n) in counts.items()]
    from .tables import join_words

    text = f"Of the size-matched comparisons, {join_words(parts)} reach p < {level:g}."
    front = counts.get("front-loaded", (0, 0))
    rest = [v for k, v in counts.items() if k != "front-loaded"]
    share_front = front[0] / front[1] if front[1] else 0.0
    share_rest = sum(s for s, _ in rest) / max(1, sum(n for _, n in rest))
    if share_front > share_rest:
        text += (" The verdict therefore turns on a curve nobody published: the earlier the failures under "
                 "radiotherapy are assumed to come, the stronger the case for ifosfamide; the later they come, or "
                 "the sooner they stop, the weaker.")
    elif share_front < share_rest:
        text += " Front-loaded shapes weaken the case rather than strengthen it."
    else:
        text += " The shape of the historical curve does not change the verdict."
    return text


def reference_range_verdict(*, p_most: float, p_mid: float, p_fewest: float, level: float = 0.05) -> str:
    """Whether the uncertainty of the historical rates alone can change the verdict.

    Example
    -------
    >>> reference_range_verdict(p_most=0.006, p_mid=0.11, p_fewest=0.65)[:40]
    'With the historical rates at the unfavou'
    """
    text = (f"With the historical rates at the unfavourable end of their ranges (more failures under "
            f"radiotherapy), the exact p is {p_most:.3f}; at the favourable end it is {p_fewest:.3f}, against "
            f"{p_mid:.3f} at the published values.")
    if (p_most < level) != (p_fewest < level):
        text += (" The uncertainty of the historical rates alone, before any question of shape or selection, "
                 "spans both verdicts.")
    else:
        text += " Within that range the verdict does not change."
    return text


def like_with_like_verdict(*, whole: tuple[int, float, float], large: list[tuple[str, int, float, float]],
                           level: float = 0.05) -> str:
    """The cohort against a series of large tumours: all patients, then only the tumours over 10 cm.

    Parameters
    ----------
    whole : (O, E, p one-sided)
        The whole cohort against the rate.
    large : list of (size basis name, O, E, p one-sided)
        Only the tumours over 10 cm, by each size basis.
    level : float
        The significance level.

    Example
    -------
    >>> like_with_like_verdict(whole=(2, 10.7, 0.002), large=[("initial size", 2, 1.85, 0.72)])[:42]
    'Against the whole cohort, 2 local failures'
    """
    o, e, p = whole
    text = (f"Against the whole cohort, {o} local failures were observed where {e:.1f} were expected "
            f"(one-sided p = {p:.3f}).")
    worse_or_equal = [name for name, lo, le, _ in large if lo >= le]
    significant = [name for name, _, _, lp in large if lp < level]
    shown = "; ".join(f"by {name}, {lo} where {le:.1f} were expected" for name, lo, le, _ in large)
    text += f" Among the tumours over 10 cm alone, like with like: {shown}."
    if worse_or_equal:
        text += (" The large tumours did no better than the iododeoxyuridine series predicts, so the paper's claim "
                 "that ifosfamide compares well with other radiosensitisers does not survive the like-for-like "
                 "comparison.")
    elif len(significant) == len(large):
        text += " The large tumours did better than the iododeoxyuridine series predicts, beyond chance."
    else:
        text += (" The large tumours had fewer failures than predicted, but not beyond what chance allows: the "
                 "claim that ifosfamide compares well with other radiosensitisers is not supported.")
    return text


def extra_treatment_sentence(extra) -> str:
    """One sentence per patient who had more than radiotherapy with ifosfamide (``compare.extra_treatment``).

    Example
    -------
    >>> from types import SimpleNamespace as S
    >>> extra_treatment_sentence([S(patient=8, what="regional hyperthermia", local_failure=False, lc_months=26.0)])
    'Patient 8 also had regional hyperthermia, and stayed free of local failure for the 26 months followed.'
    """
    if not extra:
        return "Every patient had radiotherapy with ifosfamide and nothing else."
    return " ".join(
        f"Patient {e.patient} also had {e.what}, and "
        + (f"failed locally at {e.lc_months:.0f} months." if e.local_failure
           else f"stayed free of local failure for the {e.lc_months:.0f} months followed.")
        for e in extra)
