"""Sizing the confirmatory trial the paper asks for.

Four designs, each a function of stated assumptions:

* ``ahern_single_stage``: one-arm, exact binomial, one look (A'Hern 2001);
* ``simon_two_stage``: one-arm, exact binomial, stop early for futility (Simon 1989),
  the optimal design (smallest expected size under p0) and the minimax design
  (smallest maximum size);
* ``one_sample_logrank_design``: one-arm, time-to-event against a historical
  exponential curve (Wu 2015), accounting for accrual, follow-up and death before local failure;
* ``two_arm_logrank_design``: randomised, Schoenfeld's number of events turned
  into patients with the same accrual model.

Binomial designs treat "locally controlled at t" as a yes/no outcome, which
needs every patient followed to t; the log-rank designs use censored data.
"""

from __future__ import annotations

import enum
import functools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.integrate import quad
from scipy.stats import binom, norm


def _check_probability(name: str, value: float) -> None:
    if not 0 < value < 1:
        raise ValueError(f"{name} must lie strictly between 0 and 1, got {value!r}")


def _check_rates(p0: float, p1: float, alpha: float, power: float) -> None:
    _check_probability("p0", p0)
    _check_probability("p1", p1)
    _check_probability("alpha", alpha)
    _check_probability("power", power)
    if p1 <= p0:
        raise ValueError(f"the hoped-for rate ({p1}) must exceed the historical rate ({p0})")


@dataclass(frozen=True)
class SingleStage:
    """Treat n patients; call the treatment promising if at least r succeed."""

    n: int
    r: int
    alpha: float   # achieved type I error, P(X >= r | p0)
    power: float   # achieved power, P(X >= r | p1)


def ahern_single_stage(p0: float, p1: float, alpha: float = 0.05, power: float = 0.8,
                       n_max: int = 500) -> SingleStage:
    """Smallest n with a cut-off r meeting one-sided alpha at p0 and the power at p1 (exact binomial).

    Parameters
    ----------
    p0, p1 : float
        The rate that is no better, and the rate hoped for.
    alpha, power : float
        One-sided type I error and power.
    n_max : int
        The largest trial searched.

    Returns
    -------
    SingleStage

    Example
    -------
    >>> d = ahern_single_stage(0.45, 0.70)
    >>> d.n, d.r
    (25, 16)
    """
    _check_rates(p0, p1, alpha, power)
    for n in range(1, n_max + 1):
        # the smallest r keeping the type I error within alpha has the most power
        r = int(binom.ppf(1 - alpha, n, p0)) + 1
        while r > 0 and binom.sf(r - 2, n, p0) <= alpha:
            r -= 1
        while binom.sf(r - 1, n, p0) > alpha:
            r += 1
        achieved = float(binom.sf(r - 1, n, p1))
        if r <= n and achieved >= power:
            return SingleStage(n, r, float(binom.sf(r - 1, n, p0)), achieved)
    raise ValueError(f"no single-stage design with at most {n_max} patients")


@dataclass(frozen=True)
class TwoStage:
    """Simon's design: stop after n1 if at most r1 succeed; else treat n in all, promising if more than r succeed."""

    kind: str
    r1: int
    n1: int
    r: int
    n: int
    expected_n: float      # expected sample size under p0
    pet: float             # probability of early termination under p0
    alpha: float
    power: float


@dataclass(frozen=True)
class SimonDesigns:
    """Simon's two designs for one set of rates and error rates."""

    optimal: TwoStage      # the smallest expected size if the treatment is no better
    minimax: TwoStage      # the smallest largest size


class _Binomial:
    """Binomial pmf and cdf for every size up to n_max at one success probability, computed once."""

    def __init__(self, p: float, n_max: int):
        k = np.arange(n_max + 1)
        self.n_max = n_max
        self.pmf = [binom.pmf(k[: m + 1], m, p) for m in range(n_max + 1)]
        self.cdf = [np.cumsum(row).clip(max=1.0) for row in self.pmf]
        # padded[m, j] = P(Bin(m, p) <= j - n_max) for j = 0..3 n_max: 0 below 0, 1 above m
        self.padded = np.ones((n_max + 1, 3 * n_max + 1))
        self.padded[:, :n_max] = 0.0
        for m in range(n_max + 1):
            self.padded[m, n_max:n_max + m + 1] = self.cdf[m]

    def cdf_at(self, size: int, k: np.ndarray) -> np.ndarray:
        """P(X <= k) for X ~ Bin(size, p), for an integer array k with |k| <= 2 n_max."""
        return self.padded[size, k + self.n_max]


def _promising_probability(b: _Binomial, n1: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    """P(stop after stage 1) by r1, and P(declare promising) as a matrix [r1, r], for one (n1, n)."""
    x1 = np.arange(n1 + 1)
    r = np.arange(n + 1)
    # accept[x1, r] = P(x1 first-stage successes and at most r in total)
    accept = b.pmf[n1][:, None] * b.cdf_at(n - n1, r[None, :] - x1[:, None])
    tail = np.cumsum(accept[::-1], axis=0)[::-1]                 # tail[k] = sum over x1 >= k
    continuing = np.zeros_like(accept)
    continuing[:-1] = tail[1:]                                   # continue and fail: x1 > r1, total <= r
    pet = b.cdf[n1]
    return pet, 1 - pet[:, None] - continuing


@functools.lru_cache(maxsize=64)   # a costly search; chapters and explorers ask for the same designs
def simon_two_stage(p0: float, p1: float, alpha: float = 0.05, power: float = 0.8,
                    n_max: int = 100) -> SimonDesigns:
    """Simon's optimal and minimax two-stage designs, found by a complete search up to ``n_max`` patients.

    For each total n and first stage n1 < n, every futility bound r1 < n1 and
    final bound r is tried; a design is admissible when P(promising | p0) <= alpha
    and P(promising | p1) >= power. Optimal minimises the expected size under p0,
    minimax the total n (ties broken by expected size). Once the minimax design is
    known, (n1, n) pairs whose lower bound on the expected size cannot beat the best
    design so far are skipped (branch and bound), which cannot change either answer.

    Parameters
    ----------
    p0, p1 : float
        The rate that is no better, and the rate hoped for.
    alpha, power : float
        One-sided type I error and power.
    n_max : int
        The largest trial searched.

    Returns
    -------
    SimonDesigns
        The optimal and the minimax design (cached: the same object for the same arguments).

    Example
    -------
    >>> d = simon_two_stage(0.45, 0.70).optimal
    >>> (d.r1, d.n1, d.r, d.n)
    (5, 10, 19, 33)
    """
    _check_rates(p0, p1, alpha, power)
    null, alternative = _Binomial(p0, n_max), _Binomial(p1, n_max)
    # Power needs P(X1 > r1 | p1) >= power, which caps r1 and so the chance of stopping early under p0:
    # EN >= n1 + (1 - stop_cap[n1]) (n - n1), a bound that only grows with n (branch and bound).
    stop_cap = {n1: max((null.cdf[n1][r1] for r1 in range(n1) if 1 - alternative.cdf[n1][r1] >= power),
                        default=None) for n1 in range(1, n_max)}
    best: dict[str, tuple] = {}
    for n in range(2, n_max + 1):
        # once a design is found, a first stage as large as its expected size cannot beat it (EN >= n1)
        n1_limit = n if "optimal" not in best else min(n, math.ceil(best["optimal"][0]))
        searched = False
        for n1 in range(1, n1_limit):
            if stop_cap[n1] is None:
                continue   # no futility bound leaves enough power: no design with this first stage
            if "minimax" in best and n > best["minimax"][4] and \
                    n1 + (1 - stop_cap[n1]) * (n - n1) >= best["optimal"][0] - 1e-12:
                continue   # cannot beat the optimal design found so far, nor at any larger n
            searched = True
            pet0, reject0 = _promising_probability(null, n1, n)
            _, reject1 = _promising_probability(alternative, n1, n)
            r1_grid, r_grid = np.indices(reject0.shape)
            ok = (reject0 <= alpha) & (reject1 >= power) & (r1_grid < n1) & (r_grid >= r1_grid)
            if not ok.any():
                continue
            en = np.where(ok, n1 + (1 - pet0[:, None]) * (n - n1), np.inf)
            r1, r = np.unravel_index(np.argmin(en), en.shape)
            design = (float(en[r1, r]), int(r1), int(n1), int(r), int(n),
                      float(pet0[r1]), float(reject0[r1, r]), float(reject1[r1, r]))
            if "optimal" not in best or design[0] < best["optimal"][0] - 1e-12:
                best["optimal"] = design
            if "minimax" not in best or (n, design[0]) < (best["minimax"][4], best["minimax"][0] - 1e-12):
                best["minimax"] = design
        if "minimax" in best and n > best["minimax"][4] and not searched:
            break   # every first stage is bounded out at this n, hence at every larger n
    if not best:
        raise ValueError(f"no two-stage design with at most {n_max} patients")
    found = {kind: TwoStage(kind, r1, n1, r, n, en, pet, a, b)
             for kind, (en, r1, n1, r, n, pet, a, b) in best.items()}
    return SimonDesigns(optimal=found["optimal"], minimax=found["minimax"])


def events_probability(hazard: float, accrual: float, follow_up: float, death_hazard: float = 0.0) -> float:
    """P(an event of interest is observed) for exponential times, uniform accrual over ``accrual``
    months and ``follow_up`` more months after the last patient, death (at ``death_hazard``) competing.

    Parameters
    ----------
    hazard : float
        The event's hazard per month (> 0).
    accrual, follow_up : float
        Months of uniform accrual, and of follow-up after the last patient enters.
    death_hazard : float
        A competing hazard of death per month.

    Returns
    -------
    float

    Example
    -------
    >>> round(events_probability(0.01, 0, 60), 4)     # no accrual period: 1 - exp(-0.6)
    0.4512
    """
    if hazard <= 0 or death_hazard < 0:
        raise ValueError("hazards must be positive (death hazard may be 0)")
    if accrual < 0 or follow_up < 0 or accrual + follow_up <= 0:
        raise ValueError("accrual and follow-up must be >= 0 months, and not both 0")
    total = hazard + death_hazard
    if accrual == 0:
        observed_any = 1 - math.exp(-total * follow_up)
    else:
        observed_any = 1 - (math.exp(-total * follow_up) - math.exp(-total * (accrual + follow_up))) / (total * accrual)
    return hazard / total * observed_any


def rate_to_hazard(rate: float, months: float) -> float:
    """Exponential hazard (per month) for a survival probability ``rate`` at ``months``.

    Parameters
    ----------
    rate : float
        S(months), strictly between 0 and 1.
    months : float
        The time point (> 0).

    Returns
    -------
    float
        -log(rate) / months.

    Example
    -------
    >>> round(rate_to_hazard(0.45, 60), 4)
    0.0133
    """
    _check_probability("the rate", rate)
    if months <= 0:
        raise ValueError(f"the time point must be positive, got {months!r}")
    return -math.log(rate) / months


def _per_patient_moments(hazard1: float, hazard0: float, accrual: float, follow_up: float,
                         death_hazard: float) -> tuple[float, float, float]:
    """Under the alternative, for one patient: p1 = P(observed event), p0 = E[historical cumulative hazard],
    and the variance of (event - historical cumulative hazard).

    Times are exponential (event hazard ``hazard1``, death ``death_hazard``), entry uniform over
    ``accrual`` months and the analysis ``follow_up`` months after the last entry, so a patient's
    potential follow-up c is uniform on [follow_up, accrual + follow_up].
    """
    total = hazard1 + death_hazard

    def given(c: float) -> np.ndarray:
        seen = 1 - math.exp(-total * c)                         # P(min(T, D) <= c)
        first = (1 - math.exp(-total * c) * (1 + total * c)) / total
        return np.array([
            seen / total,                                       # E[X], X = min(T, D, c)
            2 * first / total,                                  # E[X^2]
            hazard1 / total * seen,                             # P(event seen)
            hazard1 / total * first,                            # E[event * X]
        ])

    if accrual == 0:
        mean_x, mean_x2, p1, event_x = given(follow_up)
    else:
        mean_x, mean_x2, p1, event_x = (quad(lambda c, i=i: given(c)[i], follow_up, accrual + follow_up)[0] / accrual
                                        for i in range(4))
    p0 = hazard0 * mean_x
    variance = p1 - 2 * hazard0 * event_x + hazard0**2 * mean_x2 - (p1 - p0) ** 2
    return p1, p0, variance


@dataclass(frozen=True)
class OneSampleLogrankDesign:
    """A one-arm trial tested with the one-sample log-rank test (Wu 2015)."""

    hazard_ratio: float          # hoped-for hazard / historical hazard
    n_exact: float               # the formula's patients before rounding up
    n: int
    p_event: float               # P(a patient's local failure is observed) under the hoped-for curve
    events_alternative: float    # local failures expected in n patients if the treatment works
    events_null: float           # ... if it is no better than the historical curve


def one_sample_logrank_design(s0: float, s1: float, months: float, *, alpha: float = 0.05, power: float = 0.8,
                              accrual: float = 48, follow_up: float = 60,
                              death_hazard: float = 0.0) -> OneSampleLogrankDesign:
    """Patients for a one-sided one-sample log-rank test of S1 against the historical S0 at ``months`` (Wu 2015).

    Each patient adds (event - historical cumulative hazard) to O - E. Under the
    alternative its mean is p1 - p0 and its variance sigma^2; under the null
    O - E has variance E, about n p0. Setting sqrt(n) (p0 - p1) = z_alpha sqrt(p0)
    + z_beta sigma gives n = (z_alpha sqrt(p0) + z_beta sigma)^2 / (p1 - p0)^2.

    Parameters
    ----------
    s0, s1 : float
        Historical and hoped-for survival (local control) at ``months``.
    months : float
        Their time point.
    alpha, power : float
        One-sided type I error and power.
    accrual, follow_up : float
        Months of uniform accrual, and of further follow-up after the last patient.
    death_hazard : float
        A competing hazard of death per month (0: nobody dies first).

    Returns
    -------
    OneSampleLogrankDesign

    Example
    -------
    >>> one_sample_logrank_design(0.45, 0.70, 60).n
    22
    """
    _check_rates(s0, s1, alpha, power)
    if accrual < 0 or follow_up < 0 or accrual + follow_up <= 0:
        raise ValueError("accrual and follow-up must be >= 0 months, and not both 0")
    if death_hazard < 0:
        raise ValueError("the death hazard cannot be negative")
    hazard0, hazard1 = rate_to_hazard(s0, months), rate_to_hazard(s1, months)
    p1, p0, variance = _per_patient_moments(hazard1, hazard0, accrual, follow_up, death_hazard)
    z_a, z_b = norm.ppf(1 - alpha), norm.ppf(power)
    exact = (z_a * math.sqrt(p0) + z_b * math.sqrt(variance)) ** 2 / (p1 - p0) ** 2
    n = math.ceil(exact)
    p_event_null = events_probability(hazard0, accrual, follow_up, death_hazard)
    return OneSampleLogrankDesign(hazard_ratio=hazard1 / hazard0, n_exact=float(exact), n=n, p_event=p1,
                                  events_alternative=n * p1, events_null=n * p_event_null)


@dataclass(frozen=True)
class TwoArmDesign:
    """A 1:1 randomised trial tested with the two-sided log-rank test (Schoenfeld's events)."""

    hazard_ratio: float     # new / control
    events: int             # local failures the analysis waits for
    p_event: float          # P(a patient's local failure is observed), averaged over the arms
    n: int                  # patients in both arms together


def two_arm_logrank_design(s_control: float, s_new: float, months: float, *, alpha: float = 0.05,
                           power: float = 0.8, accrual: float = 48, follow_up: float = 60,
                           death_hazard: float = 0.0) -> TwoArmDesign:
    """Patients for a 1:1 randomised trial, two-sided log-rank (Schoenfeld's events, exponential accrual model).

    Parameters
    ----------
    s_control, s_new : float
        Survival (local control) at ``months`` in each arm.
    months : float
        Their time point.
    alpha, power : float
        Two-sided type I error and power.
    accrual, follow_up, death_hazard : float
        As ``one_sample_logrank_design``.

    Returns
    -------
    TwoArmDesign

    Example
    -------
    >>> d = two_arm_logrank_design(0.45, 0.70, 60)
    >>> d.events, d.n
    (49, 94)
    """
    _check_probability("s_control", s_control)
    _check_probability("s_new", s_new)
    _check_probability("alpha", alpha)
    _check_probability("power", power)
    hazards = [rate_to_hazard(s, months) for s in (s_control, s_new)]
    hr = hazards[1] / hazards[0]
    events = math.ceil(events_needed(hr, 0.5, alpha, power))
    p_event = sum(events_probability(h, accrual, follow_up, death_hazard) for h in hazards) / 2
    n = 2 * math.ceil(events / p_event / 2)
    return TwoArmDesign(hazard_ratio=hr, events=events, p_event=p_event, n=n)


@dataclass(frozen=True)
class Assumptions:
    """What a trial's size rests on: the rates to tell apart, the error rates, and the time the trial runs.

    The defaults are the chapter's: 45% (radiotherapy alone, 5-10 cm) against the 70%
    seen here, at 5 years; one-sided 5% for the single-arm designs, two-sided 5% for
    the randomised one; 80% power; four years of accrual and five more years of
    follow-up; no deaths before local failure.
    """

    p0: float = 0.45
    p1: float = 0.70
    months: float = 60.0
    alpha_one_sided: float = 0.05
    alpha_two_sided: float = 0.05
    power: float = 0.8
    accrual: float = 48.0
    follow_up: float = 60.0
    death_hazard: float = 0.0


#: The assumptions of the chapter's sizing.
DEFAULTS = Assumptions()


class DesignKind(enum.Enum):
    """The designs ``trial_sizes`` compares, in the order it lists them."""

    AHERN = "ahern_single_stage"
    SIMON_OPTIMAL = "simon_optimal"
    SIMON_MINIMAX = "simon_minimax"
    ONE_SAMPLE_LOGRANK = "one_sample_logrank"
    TWO_ARM_LOGRANK = "two_arm_logrank"


@dataclass(frozen=True)
class TrialSize:
    """Patients one design needs, with the design itself (None, and why, when none was found)."""

    design: DesignKind
    patients: int | None
    expected_patients: float | None      # two-stage designs: the expected size if the treatment is no better
    plan: SingleStage | TwoStage | OneSampleLogrankDesign | TwoArmDesign | None
    failure: str | None = None           # why no design was found


@dataclass(frozen=True)
class TrialSizes:
    """Every design's size under one set of assumptions; iterating gives them in ``DesignKind`` order."""

    assumptions: Assumptions
    ahern: TrialSize
    simon_optimal: TrialSize
    simon_minimax: TrialSize
    one_sample_logrank: TrialSize
    two_arm_logrank: TrialSize

    def __iter__(self):
        return iter((self.ahern, self.simon_optimal, self.simon_minimax, self.one_sample_logrank,
                     self.two_arm_logrank))

    def __len__(self) -> int:
        return 5

    def __getitem__(self, index: int) -> TrialSize:
        return tuple(self)[index]

    @property
    def single_arm(self) -> tuple[TrialSize, ...]:
        """The designs with one arm (all but the randomised one)."""
        return (self.ahern, self.simon_optimal, self.simon_minimax, self.one_sample_logrank)


def trial_sizes(p0: float = DEFAULTS.p0, p1: float = DEFAULTS.p1, months: float = DEFAULTS.months, *,
                alpha_one_sided: float = DEFAULTS.alpha_one_sided, alpha_two_sided: float = DEFAULTS.alpha_two_sided,
                power: float = DEFAULTS.power, accrual: float = DEFAULTS.accrual, follow_up: float = DEFAULTS.follow_up,
                death_hazard: float = DEFAULTS.death_hazard) -> TrialSizes:
    """Patients needed by each design under one set of assumptions.

    Bad assumptions raise ValueError; a design that has no solution within its
    search limit gets ``patients = None`` and says why (``failure``), and the others still show.

    Parameters
    ----------
    p0, p1 : float
        Historical and hoped-for local control at ``months``.
    months : float
        Their time point.
    alpha_one_sided, alpha_two_sided : float
        Type I error of the single-arm designs and of the randomised one.
    power : float
        Power of every design.
    accrual, follow_up, death_hazard : float
        Months of accrual and further follow-up, and a competing death hazard per month
        (the log-rank designs only).

    Returns
    -------
    TrialSizes

    Example
    -------
    >>> [size.patients for size in trial_sizes()]
    [25, 33, 25, 22, 94]
    """
    _check_rates(p0, p1, alpha_one_sided, power)
    _check_probability("alpha (two-sided)", alpha_two_sided)
    rate_to_hazard(p0, months)
    if accrual < 0 or follow_up < 0 or accrual + follow_up <= 0:
        raise ValueError("accrual and follow-up must be >= 0 months, and not both 0")
    if death_hazard < 0:
        raise ValueError("the death hazard cannot be negative")
    assumptions = Assumptions(p0, p1, months, alpha_one_sided, alpha_two_sided, power, accrual, follow_up,
                              death_hazard)

    def single():
        d = ahern_single_stage(p0, p1, alpha_one_sided, power)
        return [TrialSize(DesignKind.AHERN, d.n, None, d)]

    def two_stage():
        designs = simon_two_stage(p0, p1, alpha_one_sided, power)
        return [TrialSize(kind, d.n, d.expected_n, d) for kind, d in
                ((DesignKind.SIMON_OPTIMAL, designs.optimal), (DesignKind.SIMON_MINIMAX, designs.minimax))]

    def one_sample():
        d = one_sample_logrank_design(p0, p1, months, alpha=alpha_one_sided, power=power, accrual=accrual,
                                      follow_up=follow_up, death_hazard=death_hazard)
        return [TrialSize(DesignKind.ONE_SAMPLE_LOGRANK, d.n, None, d)]

    def two_arm():
        d = two_arm_logrank_design(p0, p1, months, alpha=alpha_two_sided, power=power, accrual=accrual,
                                   follow_up=follow_up, death_hazard=death_hazard)
        return [TrialSize(DesignKind.TWO_ARM_LOGRANK, d.n, None, d)]

    kinds = {single: [DesignKind.AHERN], two_stage: [DesignKind.SIMON_OPTIMAL, DesignKind.SIMON_MINIMAX],
             one_sample: [DesignKind.ONE_SAMPLE_LOGRANK], two_arm: [DesignKind.TWO_ARM_LOGRANK]}
    sizes = []
    for compute, designs in kinds.items():
        try:
            sizes += compute()
        except ValueError as error:
            sizes += [TrialSize(kind, None, None, None, str(error)) for kind in designs]
    return TrialSizes(assumptions, *sizes)


def _decimals(value: float) -> int:
    """Decimals a published number was printed with (as far as its float shows): 20.58 -> 2, 12 -> 0."""
    return 0 if float(value).is_integer() else len(repr(float(value)).split(".")[1])


def _printed_precision(value: float) -> float:
    """Half a unit in the last printed decimal: 20.58 -> 0.005; integers must match exactly."""
    decimals = _decimals(value)
    return 0.5 * 10.0 ** -decimals + 1e-12 if decimals else 0.0


def check_published(published) -> pd.DataFrame:
    """Recompute each design of ``data/published_designs.csv`` and say whether every published number agrees.

    A'Hern's r is the fewest successes that make the treatment promising; Simon's
    r1 and r are the most successes that do not (each table's own convention).

    Parameters
    ----------
    published : DataFrame
        data/published_designs.csv.

    Returns
    -------
    DataFrame
        One row per published design: id, design, citation_key, p0, p1, alpha, power,
        ``published`` and ``computed`` (dicts of the numbers in print, the computed ones
        rounded to the printed decimals) and ``agrees``.

    Example
    -------
    >>> from rtchx.core import data
    >>> bool(check_published(data.load_resource("published_designs"))["agrees"].all())
    True
    """

    rows = []
    for row in published.itertuples(index=False):
        if row.design == "ahern_single_stage":
            d = ahern_single_stage(row.p0, row.p1, row.alpha, row.power)
            computed = {"n": d.n, "r": d.r}
        else:
            d = getattr(simon_two_stage(row.p0, row.p1, row.alpha, row.power), row.design.removeprefix("simon_"))
            computed = {"r1": d.r1, "n1": d.n1, "r": d.r, "n": d.n, "expected_n": d.expected_n, "pet": d.pet}
        published_values = {k: getattr(row, k) for k in computed if not pd.isna(getattr(row, k))}
        agrees = all(abs(computed[k] - v) <= _printed_precision(v) for k, v in published_values.items())
        rows.append({"id": row.id, "design": row.design, "citation_key": row.citation_key, "p0": row.p0,
                     "p1": row.p1, "alpha": row.alpha, "power": row.power, "published": published_values,
                     "computed": {k: round(computed[k], _decimals(v)) for k, v in published_values.items()},
                     "agrees": bool(agrees)})
    return pd.DataFrame(rows)


# --- Schoenfeld's events for a two-group log-rank test ---------------------------------------------

def detectable_hazard_ratio(events: int, share: float, alpha: float = 0.05, power: float = 0.8) -> float:
    """Smallest hazard ratio a two-sided log-rank test detects with this power (Schoenfeld 1981).

    With D events and a share p of patients in one group, the test statistic's
    mean is log(HR) * sqrt(D p (1 - p)); setting it to z(1 - alpha/2) + z(power)
    and solving gives HR = exp((z_a + z_b) / sqrt(D p (1 - p))). A large-sample
    formula: with few events an exact test may not reach ``alpha`` at any hazard
    ratio (``rtchx.core.exact.ExactLogrank.smallest_possible_p``).

    Parameters
    ----------
    events : int
        Events in both groups together, at least 1.
    share : float
        Share of the patients in one of the two groups, strictly between 0 and 1.
    alpha : float
        Two-sided significance level.
    power : float
        Chance of a significant result at the hazard ratio returned.

    Returns
    -------
    float
        The hazard ratio (above 1; its inverse is detected equally well).

    Example
    -------
    >>> round(detectable_hazard_ratio(8, 3 / 11), 2)   # eight deaths, three patients of eleven in one group
    9.24
    """
    if events < 1:
        raise ValueError("at least one event is needed")
    _check_probability("share", share)
    _check_probability("alpha", alpha)
    _check_probability("power", power)
    z = norm.ppf(1 - alpha / 2) + norm.ppf(power)
    return float(np.exp(z / np.sqrt(events * share * (1 - share))))


def events_needed(hazard_ratio: float, share: float, alpha: float = 0.05, power: float = 0.8) -> float:
    """Events a two-sided log-rank test needs to detect ``hazard_ratio`` (Schoenfeld 1981).

    The inverse of ``detectable_hazard_ratio``: D = (z_a + z_b)^2 / (p (1 - p) log(HR)^2).

    Parameters
    ----------
    hazard_ratio : float
        The hazard ratio to detect, positive and not 1.
    share : float
        Share of the patients in one of the two groups, strictly between 0 and 1.
    alpha : float
        Two-sided significance level.
    power : float
        Chance of a significant result at that hazard ratio.

    Returns
    -------
    float
        The number of events, not rounded (round it up for a design).

    Example
    -------
    >>> round(events_needed(2, 0.5), 1)   # a doubling of the hazard, two equal groups
    65.3
    """
    if hazard_ratio <= 0 or hazard_ratio == 1:
        raise ValueError("the hazard ratio must be positive and not 1")
    _check_probability("share", share)
    _check_probability("alpha", alpha)
    _check_probability("power", power)
    z = norm.ppf(1 - alpha / 2) + norm.ppf(power)
    return float(z**2 / (share * (1 - share) * np.log(hazard_ratio) ** 2))
