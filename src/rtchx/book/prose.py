"""Sentences whose wording depends on the numbers, so that the prose follows the data.

Each function returns Markdown that the prose pastes with ``{eval}``; the chapters never
hard-code a conclusion that a change to ``data/`` could reverse.
"""

from __future__ import annotations

import math

from rtchx.book.tables import GROUPING_LABELS, endpoint_label, join_words
from rtchx.core.compare import HazardShape, Measure, ShapeKind

#: Numbers a sentence spells out (Chicago style for small counts); larger ones stay as digits.
NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                "twelve")


def number_word(n: int) -> str:
    """A count as a sentence says it: 'no', 'one' ... 'twelve', then digits.

    Parameters
    ----------
    n : int
        A count, 0 or more.

    Returns
    -------
    str
        The word for 0 to 12 ('no' for 0, as in 'no patients'), else the digits.

    Example
    -------
    >>> number_word(11), number_word(0), number_word(13)
    ('eleven', 'no', '13')
    """
    n = int(n)
    return NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else str(n)


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """The noun for a count of ``n``: singular for exactly one, else the plural.

    Parameters
    ----------
    n : int
        The count.
    singular : str
        The noun, or a noun phrase whose last word takes the plural ('local failure').
    plural_form : str, optional
        The plural, where adding 's' is wrong ('patients' needs none: 'person' -> 'people').

    Returns
    -------
    str

    Example
    -------
    >>> plural(1, "local failure"), plural(2, "local failure"), plural(0, "death")
    ('local failure', 'local failures', 'deaths')
    """
    return singular if int(n) == 1 else (plural_form or singular + "s")


def count_words(n: int, singular: str, plural_form: str | None = None, *, spelt: bool = False) -> str:
    """A count and its noun, agreeing: '1 local failure', '2 local failures'; spelt out with ``spelt``.

    Parameters
    ----------
    n : int
        The count.
    singular, plural_form : str
        As for ``plural``.
    spelt : bool
        Spell the count as a word ('eleven patients', 'no deaths') where it is 12 or less.

    Returns
    -------
    str

    Example
    -------
    >>> count_words(1, "local failure"), count_words(11, "patient", spelt=True)
    ('1 local failure', 'eleven patients')
    """
    number = number_word(n) if spelt else str(int(n))
    return f"{number} {plural(n, singular, plural_form)}"


def every_one(n: int, singular: str, plural_form: str | None = None, *, spelt: bool = True) -> str:
    """All of a group of ``n``, as a sentence names it: 'both local failures', 'all eleven patients',
    'the one local failure', 'no local failure'.

    Parameters
    ----------
    n : int
        The size of the group.
    singular, plural_form : str
        As for ``plural``.
    spelt : bool
        Spell a count of three or more as a word ('all eleven patients'); else digits ('all 11 patients').

    Returns
    -------
    str
        Lower case; capitalise it at the start of a sentence.

    Example
    -------
    >>> every_one(2, "local failure"), every_one(1, "local failure"), every_one(11, "patient")
    ('both local failures', 'the one local failure', 'all eleven patients')
    """
    n = int(n)
    if n == 0:
        return f"no {singular}"
    if n == 1:
        return f"the one {singular}"
    if n == 2:
        return f"both {plural(n, singular, plural_form)}"
    return f"all {count_words(n, singular, plural_form, spelt=spelt)}"


def some_of(k: int, n: int, singular: str, plural_form: str | None = None) -> str:
    """``k`` of a group of ``n`` as the subject of a sentence: 'all 4 patients', 'both local failures',
    '3 of the 4 patients', 'none of the 4 patients', 'no patient'.

    Parameters
    ----------
    k, n : int
        How many of how many (0 <= k <= n).
    singular, plural_form : str
        As for ``plural``.

    Returns
    -------
    str
        Lower case; capitalise it at the start of a sentence.

    Example
    -------
    >>> some_of(4, 4, "patient"), some_of(3, 4, "patient"), some_of(0, 2, "local failure")
    ('all 4 patients', '3 of the 4 patients', 'neither local failure')
    """
    k, n = int(k), int(n)
    if k == n:
        return every_one(n, singular, plural_form, spelt=False)
    if k == 0:
        return f"neither {singular}" if n == 2 else f"none of the {count_words(n, singular, plural_form)}"
    return f"{k} of the {count_words(n, singular, plural_form)}"


def _singular_subject(k: int, n: int) -> bool:
    """Whether ``some_of(k, n, ...)`` takes a singular verb ('the one patient was', 'neither was')."""
    return n <= 1 or k == 1 or (k == 0 and n == 2)


def failure_times_sentence(times: list[float]) -> str:
    """When the local failures occurred, as a sentence that agrees with their number.

    Example
    -------
    >>> failure_times_sentence([6, 21])
    'Local failures occurred at 6 and 21 months.'
    >>> failure_times_sentence([21]), failure_times_sentence([])
    ('The one local failure occurred at 21 months.', 'No local failure occurred.')
    """
    if not times:
        return "No local failure occurred."
    shown = join_words(f"{t:g}" for t in times)
    if len(times) == 1:
        return f"The one local failure occurred at {shown} months."
    return f"Local failures occurred at {shown} months."


def r2_deaths_sentence(dead: int, n: int) -> str:
    """How many of the patients treated after an R2 resection died, in one sentence.

    Example
    -------
    >>> r2_deaths_sentence(4, 4)
    'All 4 patients treated after an R2 resection died (4 of 4).'
    >>> r2_deaths_sentence(2, 3)
    '2 of the 3 patients treated after an R2 resection died.'
    """
    if n == 0:
        return "No patient was treated after an R2 resection."
    subject = some_of(dead, n, "patient")
    if dead == n and n > 1:
        return f"{subject[0].upper()}{subject[1:]} treated after an R2 resection died ({dead} of {n})."
    return f"{subject[0].upper()}{subject[1:]} treated after an R2 resection died."


def failures_then_death_sentence(dead: int, failures: int) -> str:
    """How many local failures were followed by death, in one sentence.

    Example
    -------
    >>> failures_then_death_sentence(2, 2)
    'Both local failures were followed by death (2 of 2).'
    >>> failures_then_death_sentence(1, 1), failures_then_death_sentence(0, 0)
    ('The one local failure was followed by death.', 'Nobody failed locally.')
    """
    if failures == 0:
        return "Nobody failed locally."
    subject = some_of(dead, failures, "local failure")
    verb = "was" if _singular_subject(dead, failures) else "were"
    count = f" ({dead} of {failures})" if dead == failures > 1 else ""
    return f"{subject[0].upper()}{subject[1:]} {verb} followed by death{count}."


def follow_up_split_sentence(n_alive: int, shortest_alive: float, n_dead: int, latest_death: float) -> str:
    """How the survivors' follow-up and the deaths fall in time, in one or two sentences.

    Example
    -------
    >>> follow_up_split_sentence(3, 72, 8, 30)
    'The 3 patients alive without disease were followed for at least 72 months; every death came by month 30.'
    >>> follow_up_split_sentence(11, 1, 0, float("nan"))
    'All 11 patients were alive without disease, followed for at least 1 month; nobody died.'
    """
    if n_alive == 0:
        alive = "Nobody was alive without disease at the last visit"
    elif n_dead == 0:
        alive = f"{every_one(n_alive, 'patient', spelt=False).capitalize()} were alive without disease, " \
                f"followed for at least {shortest_alive:.0f} month{'s' if shortest_alive != 1 else ''}"
    elif n_alive == 1:
        alive = f"The one patient alive without disease was followed for {shortest_alive:.0f} months"
    else:
        alive = (f"The {n_alive} patients alive without disease were followed for at least "
                 f"{shortest_alive:.0f} months")
    if n_dead == 0:
        return alive + "; nobody died."
    if n_dead == 1:
        return alive + f"; the one death came in month {latest_death:.0f}."
    return alive + f"; every death came by month {latest_death:.0f}."


def censored_before_last_death(shortest_alive: float, latest_death: float) -> bool:
    """Whether any patient is censored (last seen alive) before the last death: NaN on either side means no."""
    return shortest_alive < latest_death


def os_censoring_clause(shortest_alive: float, latest_death: float) -> str:
    """What censoring does to the overall-survival curve, for the chapter on each patient.

    Example
    -------
    >>> os_censoring_clause(72, 30)[:48]
    'For overall survival, nobody is censored before '
    """
    if censored_before_last_death(shortest_alive, latest_death):
        return ("For overall survival, some patients are censored before the last death, so the curve in the next "
                "chapter is not simply the share of patients alive")
    return ("For overall survival, nobody is censored before the last death, which makes that curve in the next "
            "chapter unusually easy to check by hand")


def dead_of_disease_clause(n_dead: int) -> str:
    """What Table 3 says of the deaths' causes: it marks each as dead of disease and records no cause.

    Example
    -------
    >>> dead_of_disease_clause(8)[:49]
    'Table 3 marks all 8 deaths as dead of disease and'
    """
    if n_dead == 0:
        return "Table 3 records no death, so it has none to put down to metastases"
    if n_dead == 1:
        return ("Table 3 marks the one death as dead of disease and records no cause, so it cannot show whether it "
                "came from metastases")
    return (f"Table 3 marks {every_one(n_dead, 'death', spelt=False)} as dead of disease and records no cause, so "
            "it cannot show how many came from metastases")


def agreement_verb(agrees: bool | None, *, subjects: int = 1, verb: str = "reproduce") -> str:
    """'reproduces', 'does not reproduce' or 'cannot be checked', agreeing with the number of its subject.

    Parameters
    ----------
    agrees : bool or None
        A claim's ``agrees`` (``rtchx.core.audit.Status.agrees``): None when Table 3 cannot say.
    subjects : int
        How many things the verb is said of (1: 'reproduces'; more: 'reproduce').
    verb : str
        The verb's plain form: 'reproduce', 'match', 'agree'.

    Returns
    -------
    str

    Example
    -------
    >>> agreement_verb(True), agreement_verb(False, subjects=2, verb="match"), agreement_verb(None)
    ('reproduces', 'do not match', 'cannot be checked')
    """
    if agrees is None:
        return "cannot be checked" + ("" if verb == "reproduce" else " against")
    one = subjects == 1
    if agrees:
        return verb + ("es" if verb.endswith(("ch", "sh", "s", "x")) else "s") if one else verb
    return f"{'does' if one else 'do'} not {verb}"


def reproduction_summary(named: list[tuple[str, bool | None]], *, all_words: str = "these numbers",
                         verb: str = "reproduce") -> str:
    """Which of several checked figures reproduce, in one clause: 'these numbers reproduce', or which do and
    which do not.

    Parameters
    ----------
    named : list of (name, agrees)
        Each figure as a sentence names it, and its ``agrees`` (None: cannot be checked).
    all_words : str
        How the clause names them all together when they share one verdict.
    verb : str
        The verb's plain form, as for ``agreement_verb``.

    Returns
    -------
    str
        A clause without a final full stop.

    Example
    -------
    >>> reproduction_summary([("two-year", True), ("five-year", False)])
    'two-year reproduces; five-year does not'
    >>> reproduction_summary([("a", True), ("b", True)])
    'these numbers reproduce'
    """
    verdicts = {agrees for _, agrees in named}
    if len(verdicts) == 1:
        verdict = verdicts.pop()
        if verdict is None:
            return f"{all_words} cannot be checked"
        return f"{all_words} {agreement_verb(verdict, subjects=len(named), verb=verb)}"
    parts = []
    for verdict in (True, False, None):
        names = [name for name, agrees in named if agrees is verdict]
        if not names:
            continue
        if verdict is None:
            parts.append(f"{join_words(names)} {agreement_verb(None, verb=verb)}")
        elif verdict:
            parts.append(f"{join_words(names)} {agreement_verb(True, subjects=len(names), verb=verb)}")
        else:
            parts.append(f"{join_words(names)} {'does' if len(names) == 1 else 'do'} not")
    return "; ".join(parts)


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


def comparison_name(endpoint: str, grouping: str) -> str:
    """How a sentence names one subgroup comparison: 'local control by size before radiotherapy'.

    Parameters
    ----------
    endpoint, grouping : str
        Keys of ``rtchx.core.survival.ENDPOINTS`` and ``GROUPINGS``.

    Returns
    -------
    str
        Both names in lower case but for proper names after the first letter ('block of Table 3').

    Example
    -------
    >>> comparison_name("local_control", "block")
    'local control by block of Table 3'
    """
    first, second = endpoint_label(endpoint), GROUPING_LABELS[grouping]
    return f"{first[:1].lower()}{first[1:]} by {second[:1].lower()}{second[1:]}"


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
    >>> approximation_verdict([], 0.05)
    'No test can be made on these data, so the two methods have nothing to compare.'
    """
    if not tests:
        return "No test can be made on these data, so the two methods have nothing to compare."
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
    >>> smallest_p_sentence(["local control by site"], 0.0194, 10)[-63:]
    'one of 10 tests: multiplied by their number (Bonferroni), 0.19.'
    >>> smallest_p_sentence([], float("nan"), 10)
    'None of the 10 tests can be made on these data, so none has a smallest p-value.'
    """
    if not names:
        return f"None of the {n_tests} tests can be made on these data, so none has a smallest p-value."
    bound = f"multiplied by their number (Bonferroni), {min(1.0, p * n_tests):.2f}."
    if len(names) == 1:
        return f"The smallest exact p-value, {p:.3f}, belongs to {names[0]}, one of {n_tests} tests: {bound}"
    return (f"The smallest exact p-value, {p:.3f}, is shared by {join_words(names)}, {len(names)} of {n_tests} "
            f"tests: {bound}")


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
    >>> p_floor_verdict([], 0.05)
    'No test can be made on these data, so none can come out below 0.05.'
    """
    if not floors:
        return f"No test can be made on these data, so none can come out below {alpha:g}."
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

def shape_verdict(*, p_constant: float, flips: tuple[float, ...], evidence_k: float | None = None,
                  evidence_plateau: bool = False, evidence_p: float | None = None, level: float = 0.05) -> str:
    """Where the verdict flips as the historical hazard's Weibull shape k varies, and what the published timing
    of local failure gives.

    Parameters
    ----------
    p_constant : float
        The exact two-sided p under a constant hazard (k = 1).
    flips : tuple of float
        The shapes k where the exact p crosses ``level`` (``ShapeScan.flips_two_sided``).
    evidence_k, evidence_plateau, evidence_p : optional
        The shape the published failure times support (``compare.evidence_shape``) and the exact p under it.
    level : float
        The significance level.

    Returns
    -------
    str
        Two or three sentences, plain words (no Markdown), so that another page can paste them.

    Example
    -------
    >>> shape_verdict(p_constant=0.109, flips=(0.64, 1.88))[:60]
    'Under a constant hazard the exact two-sided p is 0.109, abov'
    """
    side = "below" if p_constant < level else "above"
    text = f"Under a constant hazard the exact two-sided p is {p_constant:.3f}, {side} {level:g}."
    early = [k for k in flips if k < 1]
    late = [k for k in flips if k > 1]
    if not flips:
        text += " No Weibull shape in the range scanned changes that."
    elif early:
        text += (f" It {'falls below' if p_constant >= level else 'rises above'} {level:g} once the failures under "
                 f"radiotherapy are assumed to come early enough, for a Weibull shape below k = {early[0]:.2f}")
        text += f", and again if they come much later (above k = {late[0]:.2f})." if late else "."
    else:
        text += f" It changes only for a hazard that rises steeply, beyond k = {late[0]:.2f}."
    if evidence_k is not None and evidence_p is not None:
        tail = " and none after five years" if evidence_plateau else ""
        text += (f" The published timing of local failure after surgery suggests a shape of about k = "
                 f"{evidence_k:.2f} over the first five years{tail}, which gives p = {evidence_p:.3f}, "
                 f"{'below' if evidence_p < level else 'above'} {level:g}; but those series were operated on, "
                 "not unresected tumours given radiotherapy.")
    return text


def grid_verdict(counts: dict[str, tuple[int, int]], level: float = 0.05,
                 which: str = "size-matched comparisons") -> str:
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
    text = f"Of the {which}, {join_words(parts)} reach p < {level:g}."
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


def shape_description(shape: HazardShape) -> str:
    """A reference hazard's shape as a reader would say it.

    Example
    -------
    >>> shape_description(HazardShape.weibull(0.5))
    'Weibull, k = 0.5 (falling hazard)'
    """
    if shape.kind is ShapeKind.WEIBULL:
        trend = "falling" if shape.weibull_k < 1 else "rising" if shape.weibull_k > 1 else "constant"
        after = ", none after the time point" if shape.then_plateau else ""
        return f"Weibull, k = {shape.weibull_k:.2g} ({trend} hazard{after})"
    if shape.kind is ShapeKind.EARLY:
        return (f"{100 * shape.early_share:.0f}% of the failures by the time point within "
                f"{shape.early_months:g} months")
    return {ShapeKind.EXPONENTIAL: "exponential (constant hazard)",
            ShapeKind.PLATEAU: "plateau (no failures after the time point)"}[shape.kind]


def timing_reading(e) -> str:
    """A published pair of failure-time figures in words (an ``rtchx.core.compare.TimingEvidence``).

    Example
    -------
    >>> from rtchx.core.compare import Measure, Period, TimingEvidence
    >>> timing_reading(TimingEvidence("Zagars", "zagars2003", 0.17, Period.AFTER, Measure.LOCAL_CONTROL,
    ...                               82, 60, 80, 120))
    'local control 82% at 5 years and 80% at 10 years'
    """
    if e.measure is Measure.LOCAL_CONTROL:
        return (f"local control {e.first:g}% at {e.first_months / 12:g} years and "
                f"{e.second:g}% at {e.second_months / 12:g} years")
    return (f"{e.first:g}% of local recurrences by {e.first_months / 12:g} years and "
            f"{e.second:g}% by {e.second_months / 12:g} years")


def uncertainty_shape_name(shape: HazardShape) -> str:
    """How the reference-uncertainty sentence names a shape: 'a constant hazard' or its description."""
    return "a constant hazard" if shape.kind is ShapeKind.EXPONENTIAL else shape_description(shape)


def reference_uncertainty_verdict(rows: list[tuple[str, float, float]], level: float = 0.05) -> str:
    """What carrying the historical rates' own uncertainty does to the exact p, shape by shape.

    Parameters
    ----------
    rows : list of (shape name, p at the published rates, p averaged over the rates' uncertainty)
        The first row is the reference case named in the sentence.
    level : float
        The significance level.

    Returns
    -------
    str
        Plain words (no Markdown), so that another page can paste them.

    Example
    -------
    >>> reference_uncertainty_verdict([("a constant hazard", 0.109, 0.143), ("k = 0.5", 0.026, 0.039)])[:50]
    'Carried through, the uncertainty of the historical'
    """
    name, published, averaged = rows[0]
    raised = sum(avg > pub for _, pub, avg in rows)
    lost = [n for n, pub, avg in rows if pub < level <= avg]
    if raised == len(rows):
        how = "raises the exact p under every shape"
    elif raised == 0:
        how = "lowers the exact p under every shape"
    else:
        how = f"raises the exact p under {raised} of {len(rows)} shapes"
    text = (f"Carried through, the uncertainty of the historical rates {how} (under {name} from {published:.3f} "
            f"to {averaged:.3f}).")
    if raised == len(rows):
        text += " It weakens the evidence, never strengthens it"
        text += ((f", and {len(lost)} of the shapes that gave p < {level:g} at the published rates no longer "
                  f"{'does' if len(lost) == 1 else 'do'}.") if lost else ".")
    return text


def like_with_like_verdict(*, whole: tuple[int, float, float], large: list[tuple[str, int, float, float, float]],
                           level: float = 0.05) -> str:
    """The cohort against a series of large tumours: all patients, then only the tumours over 10 cm.

    Parameters
    ----------
    whole : (O, E, p one-sided)
        The whole cohort against the rate.
    large : list of (size basis name, O, E, p one-sided, smallest one-sided p possible)
        Only the tumours over 10 cm, by each size basis; the last field is P(X = 0), the one-sided p if
        none of them had failed.
    level : float
        The significance level.

    Returns
    -------
    str
        Plain words (no Markdown), so that another page can paste them.

    Example
    -------
    >>> like_with_like_verdict(whole=(2, 10.7, 0.002), large=[("initial size", 2, 1.85, 0.72, 0.16)])[:42]
    'Against the whole cohort, 2 local failures'
    """
    o, e, p = whole
    text = (f"Against the whole cohort, {count_words(o, 'local failure')} {'was' if o == 1 else 'were'} observed "
            f"where {e:.1f} were expected "
            f"(one-sided p = {p:.3f}).")
    shown = "; ".join(f"by {name}, {lo} where {le:.1f} were expected" for name, lo, le, _, _ in large)
    text += f" Among the tumours over 10 cm alone, like with like: {shown}."
    if all(floor >= level for *_, floor in large):
        best = min(floor for *_, floor in large)
        text += (f" So few failures are expected there that no outcome could have been significant: even none "
                 f"at all would give a one-sided p of {best:.2f}. On the like-for-like comparison these data "
                 "can neither support nor refute the paper's claim that ifosfamide compares well with other "
                 "radiosensitisers; only the unmatched comparison with the whole cohort makes it look better.")
    elif any(lo >= le for _, lo, le, _, _ in large):
        text += (" The large tumours did no better than the iododeoxyuridine series predicts, so the paper's claim "
                 "that ifosfamide compares well with other radiosensitisers is not supported like for like.")
    elif all(lp < level for _, _, _, lp, _ in large):
        text += " The large tumours did better than the iododeoxyuridine series predicts, beyond chance."
    else:
        text += (" The large tumours had fewer failures than predicted, but not beyond what chance allows: the "
                 "claim that ifosfamide compares well with other radiosensitisers is not supported.")
    return text


def extra_treatment_words(e) -> str:
    """What one patient had besides radiotherapy with ifosfamide (an ``rtchx.core.compare.ExtraTreatment``).

    Example
    -------
    >>> from rtchx.core.compare import ExtraTreatment
    >>> extra_treatment_words(ExtraTreatment(8, True, False, False, 26.0))
    'regional hyperthermia'
    """
    parts = ["regional hyperthermia"] if e.hyperthermia else []
    if e.case_report:
        parts = [f"{part} (stopped early, by the case report)" for part in parts]
        parts.append("further chemotherapy with ifosfamide and epirubicin after radiochemotherapy")
    return " and ".join(parts)


def extra_treatment_sentence(extra) -> str:
    """One sentence per patient who had more than radiotherapy with ifosfamide (``compare.extra_treatment``).

    Example
    -------
    >>> from rtchx.core.compare import ExtraTreatment
    >>> extra_treatment_sentence([ExtraTreatment(8, True, False, False, 26.0)])
    'Patient 8 also had regional hyperthermia, and stayed free of local failure for the 26 months followed.'
    """
    if not extra:
        return "Every patient had radiotherapy with ifosfamide and nothing else."
    return " ".join(
        f"Patient {e.patient} also had {extra_treatment_words(e)}, and "
        + (f"failed locally at {e.lc_months:.0f} months." if e.local_failure
           else f"stayed free of local failure for the {e.lc_months:.0f} months followed.")
        for e in extra)


def reproduction_words(agrees: bool) -> str:
    """'reproduces' or 'does not reproduce', for a reported number checked against Table 3.

    Example
    -------
    >>> reproduction_words(False)
    'does not reproduce'
    """
    return "reproduces" if agrees else "does not reproduce"


def removal_sentence(alone: list[tuple[int, float]], all_without_failure: bool) -> str:
    """The exact p without each patient in turn, and why removing them can only move it one way.

    Parameters
    ----------
    alone : list of (patient, exact two-sided p without that patient)
    all_without_failure : bool
        Whether none of these patients had a local failure (then removing any of them lowers E and leaves O,
        so p can only rise).

    Example
    -------
    >>> removal_sentence([(3, 0.34), (8, 0.14)], False)
    'Without patient 3 alone p = 0.34; without patient 8 alone p = 0.14.'
    """
    text = "; ".join(f"without patient {n} alone p = {p:.2f}" for n, p in alone)
    text = text[0].upper() + text[1:] + "."
    if all_without_failure:
        who = "Neither" if len(alone) == 2 else "None of them"
        text += (f" {who} had a local failure, so removing them lowers the expected count and leaves the "
                 "observed one: p can only rise.")
    return text


# --- the audit (chapters 3, 5 and 9) -------------------------------------------------------------

def share_words(k: int, n: int) -> str:
    """How many of n, in words: 'all', 'none', 'most', 'half' or 'fewer than half'.

    Example
    -------
    >>> share_words(11, 17), share_words(3, 3), share_words(0, 4)
    ('most', 'all', 'none')
    """
    if k == n:
        return "all"
    if k == 0:
        return "none"
    if 2 * k == n:
        return "half"
    return "most" if 2 * k > n else "fewer than half"


def checked_summary(rows: int, checkable: int, agree: int, what: str) -> str:
    """How much of a table Table 3 can check and how much of that agrees, in words.

    Example
    -------
    >>> checked_summary(17, 11, 7, "Table 1's rows")
    "Most of Table 1's rows can be checked against Table 3 (11 of 17), and most of those agree (7 of 11)."
    """
    return (f"{share_words(checkable, rows).capitalize()} of {what} can be checked against Table 3 ({checkable} of "
            f"{rows}), and {share_words(agree, checkable)} of those agree ({agree} of {checkable}).")


def impossible_percentages_sentence(count: int, patients: int) -> str:
    """How many of the paper's percentages no count of ``patients`` can give, as a sentence.

    Example
    -------
    >>> impossible_percentages_sentence(1, 11)
    'One percentage cannot come from any count of 11 patients.'
    """
    if count == 0:
        return f"Every percentage the paper prints is some count of {patients} patients, rounded."
    if count == 1:
        return f"One percentage cannot come from any count of {patients} patients."
    return f"{count} percentages cannot come from any count of {patients} patients."


def shortest_follow_up_verdict(reported_min: float, reported_median: float, reported_max: float, shortest) -> str:
    """Whether the reported shortest follow-up can be reproduced, and on which reading of Table 3.

    ``shortest`` is ``rtchx.core.quantities.shortest_follow_up(patients)``. The chapters
    on the patients and on the audit both paste this sentence, so they say the same.

    Example
    -------
    >>> from types import SimpleNamespace as S
    >>> s = S(all_patients=1.0, without_death_in_therapy=4.0, death_in_therapy=6, medians_without=(19.5, 106.0),
    ...       longest=124.0)
    >>> shortest_follow_up_verdict(4, 55, 131, s).split(":")[0]
    'The reported minimum of 4 months is reproduced on one reading only'
    """
    if shortest.all_patients == reported_min:
        unit = "month" if reported_min == 1 else "months"
        return f"Table 3's shortest time, {reported_min:g} {unit}, is the reported minimum."
    if shortest.death_in_therapy is None or shortest.without_death_in_therapy != reported_min:
        return (f"The reported minimum of {reported_min:g} months is neither Table 3's shortest time "
                f"({shortest.all_patients:g} months) nor the shortest once the death during radiotherapy is "
                f"left out ({shortest.without_death_in_therapy:g} months).")
    by_times, by_reverse = shortest.medians_without
    median_too = reported_median in (by_times, by_reverse)
    longest_too = shortest.longest == reported_max
    median = ("gives the reported median too" if median_too else
              f"does not give the reported median of {reported_median:g} months (the other patients' median is "
              f"{by_times:g} months by their times, {by_reverse:g} by the reverse Kaplan-Meier method)")
    longest = (("and" if median_too else "but") + " gives the longest too" if longest_too else
               ("but" if median_too else "nor") + f" the longest, {reported_max:g} months (Table 3: "
               f"{shortest.longest:g})")
    return (f"The reported minimum of {reported_min:g} months is reproduced on one reading only: it is not "
            f"Table 3's shortest time ({shortest.all_patients:g} month{'s' if shortest.all_patients != 1 else ''}, "
            f"patient {shortest.death_in_therapy}, who died during radiotherapy) but the shortest once that "
            f"patient is left out. Leaving that patient out {median}, {longest}.")


def deaths_verdict(hypothesis, reported_median: float, reported_pct: float) -> str:
    """The deaths the paper does not put down to metastases, set beside the censoring that gives its survival.

    ``hypothesis`` is ``rtchx.core.audit.deaths_hypothesis(...)``.

    Example
    -------
    >>> from types import SimpleNamespace as S
    >>> h = S(dead=8, dead_of_metastases=6, other=2, same_count=True, smallest_sets=((2, 6), (6, 10)),
    ...       death_in_therapy=6, with_death_in_therapy=(S(patients=(2, 6), fits=True), S(patients=(5, 6), fits=False)),
    ...       fitting=(S(patients=(2, 6), fits=True),))
    >>> deaths_verdict(h, 26, 34).split(". ")[1].startswith("That is exactly as many as the smallest sets")
    True
    """
    h = hypothesis
    text = (f"Table 3 lists {count_words(h.dead, 'death')}, every one as dead of disease; the Results put "
            f"{h.dead_of_metastases} of them down to metastasized disease, which leaves {h.other}. ")
    if not h.smallest_sets:
        return text + "No small set of censored deaths reproduces the published overall survival."
    size = len(h.smallest_sets[0])
    text += (f"That is exactly as many as the smallest sets of deaths whose censoring reproduces the published "
             f"median of {reported_median:g} months and {reported_pct:g}% at five years. " if h.same_count else
             f"The smallest sets of deaths whose censoring reproduces the published figures have {size}, "
             f"not {h.other}. ")
    if h.death_in_therapy is not None and h.other == 1:
        text += (f"The one death the paper itself describes as not from metastases is patient {h.death_in_therapy}'s, "
                 f"during radiotherapy; censoring it alone {'gives' if h.fitting else 'does not give'} the "
                 "published figures. ")
    elif h.death_in_therapy is not None and h.with_death_in_therapy:
        partners = [next(n for n in c.patients if n != h.death_in_therapy) for c in h.fitting
                    if len(c.patients) == 2]
        text += (f"One death the paper itself describes as not from metastases: patient {h.death_in_therapy}, "
                 f"who died during radiotherapy. Of the {len(h.with_death_in_therapy)} ways to add "
                 f"{h.other - 1} other death{'s' if h.other != 2 else ''} to it, "
                 + (f"{len(h.fitting)} give the published figures"
                    + (f" (with patient {' or '.join(str(n) for n in partners)})" if partners else "")
                    + ". So the published overall survival could be survival until death from metastases, the "
                      "other deaths censored. " if h.fitting else "none gives the published figures. "))
    return text + ("This remains a hypothesis: the paper does not say how it counted any death, and Table 3 "
                   "records no cause of death.")


def relation_words(value: float, reference: float) -> str:
    """'below', 'above' or 'equal to': where a value lies against a reference.

    Example
    -------
    >>> relation_words(27.3, 37), relation_words(70, 37)
    ('below', 'above')
    """
    return "below" if value < reference else "above" if value > reference else "equal to"


def size_share_verdict(table_count: int, text_count: int) -> str:
    """What Table 3's count of tumours over 10 cm, set against the text's, does to the series' risk profile.

    Example
    -------
    >>> size_share_verdict(5, 4)
    "Table 3's share makes the series look, if anything, more adverse than the text's."
    """
    if table_count == text_count:
        return "Table 3's share and the text's are the same."
    return (f"Table 3's share makes the series look, if anything, "
            f"{'more' if table_count > text_count else 'less'} adverse than the text's.")


def hypothesis_support_sentence(support, median: float, pct: float, patients: int) -> str:
    """How much a censoring hypothesis proves (``audit.hypothesis_support``), in words.

    Example
    -------
    >>> from types import SimpleNamespace as S
    >>> hypothesis_support_sentence(S(size=2, sets=28, median_fits=19, both_fit=3, needs_censoring=True), 26, 34, 11)
    ... # doctest: +ELLIPSIS
    'How much does the fit prove? Of all 28 sets of 2 deaths, 19 already give a median of 26 months...'
    """
    text = (f"How much does the fit prove? Of all {support.sets} sets of {count_words(support.size, 'death')}, "
            f"{support.median_fits} already give a median of {median:g} months, so the five-year rate does most "
            f"of the sorting, and {support.both_fit} give both figures.")
    if support.needs_censoring:
        text += (f" And {pct:g}% is no count out of {patients}: to print it from these patients at all, some "
                 "deaths before five years must have been counted as censored, whichever they were.")
    return text


def dfs_link_sentence(ranges: list[tuple[tuple[int, ...], float, float]], reported: float) -> str:
    """Whether the censoring that reproduces overall survival would also reproduce five-year disease-free survival.

    Parameters
    ----------
    ranges : list of (patients censored, lowest %, highest %)
        From ``audit.dfs_if_censored`` for each fitting set.
    reported : float
        The paper's five-year disease-free survival (%).

    Example
    -------
    >>> dfs_link_sentence([((6, 10), 33.75, 45.45)], 34)[-61:]
    'the same censoring would explain the disease-free figure too.'
    """
    parts = [f"with the deaths of patients {join_words(str(n) for n in chosen)} censored, {low:.1f}% and "
             f"{high:.1f}%" for chosen, low, high in ranges]
    inside = sum(low <= reported <= high for _, low, high in ranges)
    text = ("Placing every disease event as early or as late as Table 3 allows gives, at five years, "
            f"{'; '.join(parts)}. The paper's {reported:g}% lies within {inside} of these {len(ranges)} ranges")
    if inside:
        return text + ": for those sets, the same censoring would explain the disease-free figure too."
    return text + ": the censoring that explains overall survival does not explain it."


def other_denominators_sentence(pct: float, candidates: dict[int, list[int]], patients: int, other: int) -> str:
    """Which smaller groups a percentage could be a share of, and whether one matches the deaths not put down
    to metastases.

    Example
    -------
    >>> other_denominators_sentence(66, {3: [2], 6: [4], 9: [6]}, 11, 2)[:56]
    'Of groups of up to 11 patients, 66% can only be 2 of 3, '
    """
    shares = join_words(f"{k} of {n}" for n, ks in candidates.items() for k in ks)
    text = (f"Of groups of up to {patients} patients, {pct:g}% can only be {shares}. It may be a share of some "
            "other group, or a typing error.")
    if patients - other in candidates:
        text += (f" One of these groups, {patients - other}, is the {patients} patients less the "
                 f"{count_words(other, 'death')} "
                 "the paper does not put down to metastases: a guess that fits the hypothesis above, nothing more.")
    return text


def single_size_sentence(single: list[tuple[int, float]], over_before: int) -> str:
    """The patients treated after an R2 resection for whom Table 3 prints one size, and what the count of tumours
    over 10 cm before radiotherapy would be if that size were the initial one and the residue 10 cm or less.

    Example
    -------
    >>> single_size_sentence([(11, 11.0)], 5)[:60]
    'patient 11 was treated after an R2 resection, yet Table 3 gi'
    """
    if not single:
        return "every patient treated after an R2 resection has both sizes in Table 3."
    who = join_words(f"patient {n}" for n, _ in single)
    large = [n for n, d in single if d > 10]
    text = (f"{who} {'was' if len(single) == 1 else 'were'} treated after an R2 resection, yet Table 3 gives a "
            f"single size ({join_words(f'{d:g} cm' for _, d in single)}), which the data file uses as both "
            "diameters.")
    if large:
        text += (f" If that was the size at diagnosis and the residual tumour measured 10 cm or less, Table 3 "
                 f"would count {over_before - len(large)} tumours over 10 cm before radiotherapy.")
    return text


# --- the chapters on the cohort and the patients: counts set beside the paper's text --------------

def size_counts_verdict(table_initial: int, text_initial: int, table_before: int, text_before: int) -> str:
    """Table 3's counts of tumours over 10 cm (at diagnosis, before radiotherapy) set beside the text's.

    Example
    -------
    >>> size_counts_verdict(6, 5, 5, 4)
    'Both counts are off by one in the same direction.'
    >>> size_counts_verdict(5, 5, 4, 4)
    'Both counts agree with the text.'
    """
    off_initial, off_before = table_initial - text_initial, table_before - text_before
    if off_initial == off_before == 0:
        return "Both counts agree with the text."
    if off_initial == off_before:
        return f"Both counts are off by {number_word(abs(off_initial))} in the same direction."
    if off_initial and off_before:
        return "Both counts differ from the text's."
    agrees, differs = ("at diagnosis", "before radiotherapy") if off_before else ("before radiotherapy",
                                                                                 "at diagnosis")
    return f"The count {agrees} agrees with the text; the count {differs} does not."


def eleven_cm_sentence(n_eleven: int, table_initial: int, text_initial: int, table_before: int,
                       text_before: int) -> str:
    """A guess at how both counts came to be one too many: a tumour of exactly 11 cm recorded as 10 cm.

    Empty unless both of Table 3's counts exceed the text's by one and some tumour measured exactly 11 cm.

    Example
    -------
    >>> eleven_cm_sentence(3, 6, 5, 5, 4)[:38]
    '3 tumours measured exactly 11 cm; had '
    """
    if not (n_eleven and table_initial - text_initial == 1 and table_before - text_before == 1):
        return ""
    return (f"{count_words(n_eleven, 'tumour')} measured exactly 11 cm; had "
            f"{'one of them' if n_eleven > 1 else 'it'} been recorded as 10 cm when Table 1 was compiled, both "
            "counts would match. That is a guess at the mechanism, not a finding.")


def large_share_consequence(table_before: int, text_before: int) -> str:
    """What Table 3's count before radiotherapy, against the text's, means for the series' share of large tumours.

    Example
    -------
    >>> large_share_consequence(5, 4)
    "with Table 3's figure the series is, if anything, even more heavily weighted to large tumours than the paper says."
    """
    if table_before > text_before:
        return ("with Table 3's figure the series is, if anything, even more heavily weighted to large tumours "
                "than the paper says.")
    if table_before < text_before:
        return "with Table 3's figure the series is less heavily weighted to large tumours than the paper says."
    return "here Table 3 gives the same count as the paper."


def checked_rows_sentence(agree: int, checkable: int, rows: int) -> str:
    """How many of a table's checkable rows agree, leading with 'All' only when all do.

    Example
    -------
    >>> checked_rows_sentence(7, 7, 9)
    'All 7 checkable rows of 9 agree'
    >>> checked_rows_sentence(6, 7, 9)
    '6 of the 7 checkable rows of 9 agree'
    """
    if checkable == 0:
        return f"None of the {rows} rows can be checked"
    if agree == checkable:
        return (f"The one checkable row of {rows} agrees" if checkable == 1 else
                f"{'Both' if checkable == 2 else 'All ' + str(checkable)} checkable rows of {rows} agree")
    return f"{agree} of the {checkable} checkable rows of {rows} {'agrees' if agree == 1 else 'agree'}"


def as_reported_clause(agrees: bool | None, reported: str) -> str:
    """'as the paper says', or what the paper says instead, after a figure recomputed from Table 3.

    Example
    -------
    >>> as_reported_clause(True, "8"), as_reported_clause(False, "8")
    ('as the paper says', 'where the paper says 8')
    """
    if agrees:
        return "as the paper says"
    return f"where the paper says {reported}"


def swimmer_counts(n_alive: int, n_dead: int, n_failures: int) -> str:
    """What the swimmer plot shows, counted: arrows, dots and crosses (for its caption).

    Example
    -------
    >>> swimmer_counts(3, 8, 2)
    '3 bars end in an arrow and 8 in a dot; 2 carry a cross.'
    >>> swimmer_counts(11, 0, 1)
    'Every bar ends in an arrow; 1 carries a cross.'
    """
    if n_dead == 0:
        ends = "Every bar ends in an arrow"
    elif n_alive == 0:
        ends = "Every bar ends in a dot"
    else:
        verb = "ends" if n_alive == 1 else "end"
        ends = f"{n_alive} {plural(n_alive, 'bar')} {verb} in an arrow and {n_dead} in a dot"
    crosses = ("none carries a cross" if n_failures == 0 else
               f"{n_failures} {'carries' if n_failures == 1 else 'carry'} a cross")
    return f"{ends}; {crosses}."


# --- chapter 6: the survival figures beside Table 3 ------------------------------------------------

def group_agrees(values) -> bool | None:
    """One verdict for several claims: False if any does not hold, None if any cannot be checked, else True.

    Example
    -------
    >>> group_agrees([True, True]), group_agrees([True, False]), group_agrees([True, None])
    (True, False, None)
    """
    values = list(values)
    if any(v is not None and not v for v in values):
        return False
    return None if any(v is None for v in values) else True


def survival_verdicts_sentence(lc: bool | None, os: bool | None, dfs: bool | None) -> str:
    """Which of the paper's survival figures Table 3 reproduces: local control, overall survival and the
    five-year disease-free rate (each a ``group_agrees`` verdict).

    Example
    -------
    >>> survival_verdicts_sentence(True, False, False)[:73]
    'The figures for local control reproduce; those for overall survival do no'
    """
    tail = "which Table 3 fixes even without dates of recurrence (see the last section)."
    if None in (lc, os, dfs):
        return (f"The figures for local control {agreement_verb(lc, subjects=2)}, those for overall survival "
                f"{agreement_verb(os, subjects=2)}, and the five-year disease-free rate, {tail[:-1]}, "
                f"{agreement_verb(dfs)}.")
    first = f"The figures for local control {agreement_verb(lc, subjects=2)}"
    if os == lc:
        second = "so do those for overall survival" if os else "nor do those for overall survival"
    else:
        second = f"those for overall survival {'do' if os else 'do not'}"
    if dfs == os:
        third = ("and so does the five-year disease-free rate" if dfs else
                 "and neither does the five-year disease-free rate")
    else:
        third = f"but the five-year disease-free rate {'does' if dfs else 'does not'}"
    return f"{first}; {second}, {third}, {tail}"


def os_from_table_sentence(median_agrees: bool | None, five_agrees: bool | None, n: int,
                           censored_early: bool) -> str:
    """Whether the paper's median and five-year overall survival can come from Table 3, and why not.

    Example
    -------
    >>> os_from_table_sentence(False, False, 11, False)[:60]
    'Neither can come from Table 3: nobody is censored before the'
    >>> os_from_table_sentence(None, False, 11, False)[:57]
    'The five-year rate does not; the median cannot be checked'
    """
    why = (f"nobody is censored before the last death, so the curve is simply the share of patients still alive, "
           f"and {n} patients can only give steps of one {n}th" if not censored_early else "")
    after = (" For the published figures to arise, some patients must have been counted differently (censored "
             "earlier, or with other times) from what Table 3 prints.")
    if median_agrees is False and five_agrees is False:
        return (f"Neither can come from Table 3: {why}." if why else "Neither comes out of Table 3.") + after
    if median_agrees and five_agrees:
        return "Both come out of Table 3."
    # the clause lists the figures by verdict, so either may come first: capitalise whichever does
    text = reproduction_summary([("the median", median_agrees), ("the five-year rate", five_agrees)])
    text = text[0].upper() + text[1:] + "."
    return text + (after if False in (median_agrees, five_agrees) else "")


def lc_as_reported(two_agrees: bool | None, five_agrees: bool | None, two: float, five: float) -> str:
    """'as the paper reports', or what it reports instead, after the recomputed local control.

    Example
    -------
    >>> lc_as_reported(True, True, 70, 70), lc_as_reported(True, False, 70, 70)
    ('as the paper reports', 'where the paper reports 70% and 70%')
    """
    if two_agrees and five_agrees:
        return "as the paper reports"
    return f"where the paper reports {two:g}% and {five:g}%"


def median_reached(median: float) -> str:
    """'the median is not reached', or where it is.

    Example
    -------
    >>> median_reached(float("inf")), median_reached(13.0)
    ('the median is not reached', 'the median is 13 months')
    """
    return "the median is not reached" if median == float("inf") else f"the median is {median:g} months"


def steps_sentence(n: int, censored_early: bool) -> str:
    """How much of the cohort each death removes from the overall-survival curve.

    Example
    -------
    >>> steps_sentence(11, False)
    'Because every death comes before any patient is censored, each death removes exactly one 11th of the cohort.'
    """
    if censored_early:
        return ("Some patients are censored before the last death, so each later death removes a larger share of "
                "those still at risk.")
    return (f"Because every death comes before any patient is censored, each death removes exactly one {n}th of "
            "the cohort.")


def failures_by_size_sentence(n_large: int, n_failures: int, reported_failures: int) -> str:
    """Whether Table 3 bears out the paper's remark that its local failures were all in tumours over 10 cm.

    Example
    -------
    >>> failures_by_size_sentence(2, 2, 2)
    "The paper's observation that both local failures were in tumours over 10 cm is correct (Table 3)."
    >>> failures_by_size_sentence(1, 1, 2)
    'In Table 3, the one local failure was in a tumour over 10 cm; the paper counts two.'
    """
    if n_failures == 0:
        return (f"Table 3 has no local failure, where the paper counts {number_word(reported_failures)}, so "
                "the paper's observation about their tumour size has nothing to rest on.")
    subject = some_of(n_large, n_failures, "local failure")
    where = "was in a tumour" if _singular_subject(n_large, n_failures) else "were in tumours"
    if n_failures == reported_failures and n_large == n_failures:
        return f"The paper's observation that {subject} {where} over 10 cm is correct (Table 3)."
    text = f"In Table 3, {subject} {where} over 10 cm"
    if n_failures != reported_failures:
        return text + f"; the paper counts {number_word(reported_failures)}."
    return text + ", so the paper's observation does not hold."


def followup_alive_sentence(reported_alive: float, median_alive: float, median_all: float) -> str:
    """The Results' median follow-up 'of patients alive' set beside Table 3's medians.

    Example
    -------
    >>> followup_alive_sentence(26, 106, 26)[-51:]
    '(26), so the Results probably mislabel that median.'
    """
    text = f'The Results add that the median follow-up "of patients alive" was {reported_alive:.0f} months'
    if reported_alive == median_alive:
        return text + ", which Table 3 reproduces."
    text += f", but the patients alive were followed for a median of {median_alive:.0f} months"
    if reported_alive == median_all:
        return (text + f"; {reported_alive:.0f} is instead the median of *all* patients' times ({median_all:.0f}), "
                "so the Results probably mislabel that median.")
    return text + f", and the median of *all* patients' times is {median_all:.0f}."


def followup_median_sentence(reported: float, follow_up) -> str:
    """Which of the three definitions of median follow-up (``survival.FollowUp``) gives the reported median.

    Example
    -------
    >>> from types import SimpleNamespace as S
    >>> followup_median_sentence(48, S(median_all=26, median_alive=106, median_reverse_km=106))
    'None of the three definitions gives 48'
    """
    names = {"median_all": "the median of all times", "median_alive": "the median among patients alive",
             "median_reverse_km": "the reverse Kaplan-Meier median"}
    giving = [words for field, words in names.items() if getattr(follow_up, field) == reported]
    if not giving:
        return f"None of the three definitions gives {reported:.0f}"
    return f"{join_words(giving)[0].upper()}{join_words(giving)[1:]} {'gives' if len(giving) == 1 else 'give'} " \
           f"{reported:.0f}"


def table1_summary_verdict(sizes: bool | None, follow_up: bool | None) -> str:
    """Whether Table 1's size classes and its follow-up summary agree with the patient table (Table 3).

    Example
    -------
    >>> table1_summary_verdict(False, False)
    'The size classes and the follow-up summary do not agree with the patient table.'
    >>> table1_summary_verdict(True, False)
    'The size classes agree with the patient table; the follow-up summary does not.'
    """
    if sizes == follow_up:
        return (f"The size classes and the follow-up summary {agreement_verb(sizes, subjects=2, verb='agree')} "
                "with the patient table.")
    follow = {True: "does", False: "does not", None: "cannot be checked"}[follow_up]
    return (f"The size classes {agreement_verb(sizes, subjects=2, verb='agree')} with the patient table; the "
            f"follow-up summary {follow}.")


# --- chapter 9: the audit's paragraphs on the discrepancies ---------------------------------------

def headline_os_verdict(median_agrees: bool | None, five_agrees: bool | None) -> str:
    """Whether the paper's headline survival figures (median and five-year overall survival) follow from Table 3.

    Example
    -------
    >>> headline_os_verdict(False, False)[-33:]
    'and neither follows from Table 3.'
    """
    lead = "The paper's median overall survival and five-year rate are its headline survival figures, and "
    if median_agrees is False and five_agrees is False:
        return lead + "neither follows from Table 3."
    if median_agrees and five_agrees:
        return lead + "both follow from Table 3."
    return lead + reproduction_summary([("the median", median_agrees), ("the five-year rate", five_agrees)]) + "."


def dfs_audit_sentence(position: str, os_agrees: bool | None, dfs_agrees: bool | None) -> str:
    """The paper's five-year disease-free survival against the value Table 3 fixes, and how it sits beside the
    five-year overall survival.

    Example
    -------
    >>> dfs_audit_sentence("outside", False, False)[:47]
    "and the paper's figure lies outside it. Both of"
    """
    text = f"and the paper's figure lies {position} it."
    if os_agrees is False and dfs_agrees is False:
        return text + (" Both of the paper's five-year survival figures that Table 3 determines, overall and "
                       "disease-free, differ from what its own table gives, and the hypothesis above may link them.")
    differ = [name for name, agrees in (("overall", os_agrees), ("disease-free", dfs_agrees)) if agrees is False]
    if not differ:
        return text + (" Neither of the paper's five-year survival figures that Table 3 determines, overall and "
                       "disease-free, differs from what its own table gives.")
    return text + (f" Of the paper's five-year survival figures that Table 3 determines, only the {differ[0]} one "
                   "differs from what its own table gives.")


def followup_audit_sentence(median_reproduced: bool, alive_is_all: bool) -> str:
    """The audit's summary of the follow-up figures: does any definition give Table 1's median, and is the Results'
    median 'of patients alive' the median over all patients?

    Example
    -------
    >>> followup_audit_sentence(False, True)
    'none reproduces the median of Table 1, and the median follow-up "of patients alive" in the Results is the \
median over all patients.'
    """
    text = "one reproduces the median of Table 1" if median_reproduced else "none reproduces the median of Table 1"
    if alive_is_all:
        # one kind of quotation mark only: JupyterLab shows a str's repr, which escapes the other kind
        return text + ', and the median follow-up "of patients alive" in the Results is the median over all patients.'
    return text + "."


def reference_band_sentence(inside: list[tuple[str, float | None]]) -> str:
    """Up to which month the cohort's 95% band contains each reference curve (``compare.reference_inside_band``).

    Parameters
    ----------
    inside : list of (how the sentence names the reference, last month inside the band or None)
        None where the cohort has no event, so no band.

    Returns
    -------
    str
        One sentence.

    Example
    -------
    >>> reference_band_sentence([("the curve A", 28.0), ("the curve B", 3.0)])
    'Its 95% band contains the curve A up to month 28 and the curve B up to month 3.'
    >>> reference_band_sentence([("the curve A", None)])[:54]
    'With no event on these data the curve stays at 100% wi'
    """
    if any(month is None for _, month in inside):
        return ("With no event on these data the curve stays at 100% with no band around it, so no reference "
                "curve can be said to lie inside a band.")
    return "Its 95% band contains " + join_words(f"{name} up to month {month:.0f}" for name, month in inside) + "."


def one_sided_flips_phrase(one_sided: tuple[float, ...], two_sided: tuple[float, ...]) -> str:
    """Where the one-sided verdict flips along the Weibull scan, beside where the two-sided one does.

    Parameters
    ----------
    one_sided, two_sided : tuple of float
        The shapes *k* where the exact p crosses its level (``compare.ShapeScan``'s flips), in increasing order;
        empty where it never does within the scan.

    Returns
    -------
    str
        Markdown, a clause that follows "Judged one-sided at 5%,".

    Example
    -------
    >>> one_sided_flips_phrase((0.92, 1.462), (0.637, 1.879))
    'the verdict flips at *k* = 0.92 (and again at 1.46) rather than at 0.64'
    >>> one_sided_flips_phrase((), ())
    'the verdict flips at no shape of the scan, and neither does the two-sided one'
    >>> one_sided_flips_phrase((), (0.637,))
    'the verdict flips at no shape of the scan, where the two-sided one flips at 0.64'
    """
    if not one_sided:
        if two_sided:
            return f"the verdict flips at no shape of the scan, where the two-sided one flips at {two_sided[0]:.2f}"
        return "the verdict flips at no shape of the scan, and neither does the two-sided one"
    text = f"the verdict flips at *k* = {one_sided[0]:.2f}"
    if len(one_sided) > 1:
        text += f" (and again at {one_sided[-1]:.2f})"
    return text + (f" rather than at {two_sided[0]:.2f}" if two_sided else ", where the two-sided one flips at none")


def died_in_therapy_sentence(patient: int | None, lc_5y_strict: float) -> str:
    """Chapter 1's caveat on the patient who died during radiotherapy, censored for local control.

    Parameters
    ----------
    patient : int or None
        The patient whose toxicity is the death during therapy; None if the data in hand have none.
    lc_5y_strict : float
        Five-year local control (in %) with that death counted as a local failure.

    Returns
    -------
    str
        One sentence.

    Example
    -------
    >>> died_in_therapy_sentence(6, 52.5)[:45]
    'It is weakest for patient 6, who died during '
    >>> died_in_therapy_sentence(None, 70.0)
    'No patient died during radiotherapy on these data, so no censored death hides a failure in the field.'
    """
    if patient is None:
        return "No patient died during radiotherapy on these data, so no censored death hides a failure in the field."
    return (f"It is weakest for patient {patient}, who died during radiotherapy of a tumour growing inside the "
            f"treated field (Results): counted as a local failure rather than censored, five-year local control "
            f"would be {lc_5y_strict:.0f}%.")


def censoring_sets_sentence(sets: list[tuple[int, ...]], in_therapy: int | None) -> str:
    """Chapter 9's account of ``audit.censoring_explanations``: the smallest sets of deaths that, censored instead,
    give the published median and five-year survival, and how many include the death during therapy.

    Parameters
    ----------
    sets : list of tuple of int
        The smallest sets found (patient numbers); empty if none gives both published figures.
    in_therapy : int or None
        The patient who died during radiotherapy; None if the data in hand have none.

    Returns
    -------
    str
        Markdown, a few sentences.

    Example
    -------
    >>> censoring_sets_sentence([(2, 6), (6, 10)], 6)[:70]
    'The smallest such sets have 2 patients, and there are 2 of them: patie'
    >>> censoring_sets_sentence([], None)
    'On these data no set of deaths, censored instead, gives both published figures.'
    """
    if not sets:
        return "On these data no set of deaths, censored instead, gives both published figures."
    listed = "; or ".join("patients " + join_words(str(p) for p in s) for s in sets)
    text = (f"The smallest such sets have {count_words(len(sets[0]), 'patient')}, and there are {len(sets)} of "
            f"them: {listed}.")
    if in_therapy is None:
        return text
    return text + (f" {sum(in_therapy in s for s in sets)} of them include patient {in_therapy}, who died during "
                   "radiotherapy: had the authors not counted that death as a death from the disease, they would "
                   "have censored it, although Table 3 lists the patient as dead of disease.")


def radiotherapy_as_planned_clause(died: int, interrupted: int) -> str:
    """Chapter 4's clause on whose radiotherapy did not go as planned: deaths during it, and interruptions.

    Parameters
    ----------
    died, interrupted : int
        Patients who died during radiotherapy, and patients whose course was interrupted (an abscess, in Table 3).

    Returns
    -------
    str
        Markdown, a clause that ends where the sentence goes on with a semicolon.

    Example
    -------
    >>> radiotherapy_as_planned_clause(1, 1)
    'Radiotherapy went as planned except in 2 patients, the one who died during it and the one whose course was \
interrupted by an abscess'
    >>> radiotherapy_as_planned_clause(0, 1)
    'Radiotherapy went as planned except in 1 patient, whose course was interrupted by an abscess'
    """
    if died + interrupted == 0:
        return "Radiotherapy went as planned in every patient"
    if died + interrupted == 1:
        who = "who died during it" if died else "whose course was interrupted by an abscess"
        return f"Radiotherapy went as planned except in 1 patient, {who}"
    parts = []
    if died:
        parts.append("the one who died during it" if died == 1 else f"the {number_word(died)} who died during it")
    if interrupted:
        parts.append("the one whose course was interrupted by an abscess" if interrupted == 1 else
                     f"the {number_word(interrupted)} whose courses were interrupted by an abscess")
    return f"Radiotherapy went as planned except in {count_words(died + interrupted, 'patient')}, {join_words(parts)}"


# --- chapters 6 and 7: sentences about what the page can show ------------------------------------------

def permutations_sentence(most: float | None) -> str:
    """How many relabellings the exact test lists: 'at most N such choices', or that there is none to list.

    Parameters
    ----------
    most : float or None
        The largest number of relabellings over the subgroup tests made (NaN or None when no test can be made).

    Returns
    -------
    str
        One sentence.

    Example
    -------
    >>> permutations_sentence(462)
    'The groupings in the table allow at most 462 such choices, so all of them can be listed.'
    >>> permutations_sentence(float("nan"))
    'Without an event in these data no test can be made, so there are no choices to list.'
    """
    if most is None or not math.isfinite(most):
        return "Without an event in these data no test can be made, so there are no choices to list."
    return f"The groupings in the table allow at most {int(most)} such choices, so all of them can be listed."


def stepper_static_sentence(events: int) -> str:
    """What the product-limit stepper's static view in the HTML book shows, which depends on there being an event.

    Parameters
    ----------
    events : int
        The events of the stepper's default endpoint (deaths, for overall survival).

    Returns
    -------
    str
        One sentence, in brackets.

    Example
    -------
    >>> stepper_static_sentence(9)
    '(In the HTML book it shows two steps: the first event and the whole table.)'
    >>> stepper_static_sentence(0)
    '(In the HTML book it shows the whole table: with no event, there is no step to take.)'
    """
    if events == 0:
        return "(In the HTML book it shows the whole table: with no event, there is no step to take.)"
    return "(In the HTML book it shows two steps: the first event and the whole table.)"
