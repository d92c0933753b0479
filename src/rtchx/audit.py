"""The reproduction audit: every number the paper reports about its cohort, recomputed and classified.

Statuses, in the order they are decided:

* **impossible**: a percentage of a known denominator that no count k of n gives
  at any usual rounding (nearest, down or up), e.g. 66% of 11 (7/11 = 63.6%,
  8/11 = 72.7%). Checked first, because it holds whatever the data are.
* **not computable**: Table 3 lacks what the number needs (the reason is given).
* **reproduced**: the recomputed value equals the reported one (or satisfies
  the stated bound, for "no later than" and "over" claims).
* **rounding**: equal once the recomputed value is rounded as the paper rounds
  (to the reported number of decimals, to nearest or truncated).
* **discrepant**: the patient data give a different value.
"""

from __future__ import annotations

import itertools
import math

import pandas as pd

from . import quantities, survival

STATUSES = ("reproduced", "rounding", "discrepant", "impossible", "not computable")
SYMBOLS = {"reproduced": "✓", "rounding": "≈", "discrepant": "✗", "impossible": "⊘", "not computable": "?"}


def _decimals(value: float) -> int:
    """Decimals the paper printed (from the transcribed value: 72.6 -> 1, 60 -> 0)."""
    text = f"{value:g}"
    return len(text.split(".")[1]) if "." in text else 0


def possible_percentages(n: int) -> dict[int, tuple[int, ...]]:
    """For each count k of n: the whole percentages a paper could print for k/n.

    Nearest, truncated or rounded up: tables often force a column to add up to
    100% (Table 1 prints 6/11 as 54% and 5/11 as 46%), so any of the three counts.
    """
    return {k: tuple(sorted({math.floor(100 * k / n + 0.5), math.floor(100 * k / n), math.ceil(100 * k / n)}))
            for k in range(n + 1)}


def granularity(reported: float, n: int) -> list[int]:
    """The counts k of n whose percentage prints as ``reported`` (GRIM-style); empty if none."""
    return [k for k, printed in possible_percentages(n).items() if reported in printed]


def classify(reported: float, unit: str, denominator, relation: str, value) -> tuple[str, float | None, str]:
    """(status, recomputed value in the claim's unit, explanation) for one claim."""
    if unit == "%" and pd.notna(denominator):
        n = int(denominator)
        if not granularity(reported, n):
            near = ", ".join(f"{k}/{n} = {100 * k / n:.1f}%" for k in range(n + 1)
                             if abs(100 * k / n - reported) < 100 / n)
            return "impossible", None, f"No count out of {n} prints as {reported:g}%: {near}."
    if isinstance(value, quantities.NotComputable):
        return "not computable", None, value.reason
    if unit == "%" and pd.notna(denominator):
        value = 100 * value / int(denominator)
    value = float(value)
    if relation == "le":
        ok = value <= reported
        return ("reproduced", value, "") if ok else (
            "discrepant", value, f"Table 3 gives {value:g}, beyond the stated bound of {reported:g}.")
    if relation == "ge":
        ok = value >= reported
        return ("reproduced", value, "") if ok else (
            "discrepant", value, f"Table 3 gives {value:g}, short of the stated bound of {reported:g}.")
    if math.isclose(value, reported, abs_tol=1e-9):
        return "reproduced", value, ""
    places = _decimals(reported)
    scale = 10 ** places
    nearest = math.floor(value * scale + 0.5) / scale
    truncated = math.floor(value * scale) / scale
    upward = math.ceil(value * scale) / scale
    if any(math.isclose(r, reported) for r in (nearest, truncated, upward)):
        how = "rounds" if math.isclose(nearest, reported) else "is rounded down" if math.isclose(
            truncated, reported) else "is rounded up"
        return "rounding", value, f"{value:.{places + 2}f} {how} to {reported:g}."
    return "discrepant", value, f"Table 3 gives {value:.{max(places, 1)}f}, the paper {reported:g}."


def ledger(claims: pd.DataFrame, patients: pd.DataFrame) -> pd.DataFrame:
    """Every claim with its recomputed value, status and explanation. Unknown check keys raise KeyError.

    A check that cannot be made on ``patients`` (an edited table, say, without the
    case-report patient) raises ValueError; its claim is then not computable, with the reason.
    """
    rows = []
    for claim in claims.itertuples(index=False):
        try:
            value = quantities.compute(claim.check, patients)
        except ValueError as error:
            value = quantities.NotComputable(f"Cannot be checked on these data: {error}.")
        status, recomputed, explanation = classify(claim.reported, claim.unit, claim.denominator,
                                                   claim.relation, value)
        note = getattr(claim, "note", "") or ""
        rows.append({"status": status, "reproduced": recomputed,
                     "explanation": " ".join(part for part in (explanation, note) if part)})
    return pd.concat([claims.reset_index(drop=True), pd.DataFrame(rows)], axis=1)


def scorecard(table: pd.DataFrame) -> pd.Series:
    """Claims per status, every status listed (zero where none)."""
    return table["status"].value_counts().reindex(list(STATUSES), fill_value=0)


def censoring_explanations(patients: pd.DataFrame, median: float, five_year_pct: float,
                           max_size: int = 3) -> list[tuple[int, ...]]:
    """Smallest sets of deaths which, counted as censored instead, give the reported overall survival.

    Tries every set of up to ``max_size`` patients who died, censoring each at
    their time of death, and keeps the sets whose Kaplan-Meier median equals
    ``median`` and whose five-year estimate prints as ``five_year_pct`` (rounded
    to the nearest whole percent). Returns only the smallest sets found: a
    hypothesis about how the published figures could have arisen, not a fact.
    """
    dead = patients.loc[patients["status"] == "DOD", "patient"].tolist()
    for size in range(1, max_size + 1):
        found = []
        for chosen in itertools.combinations(dead, size):
            changed = patients.assign(status=patients["status"].where(~patients["patient"].isin(chosen), "AWOD"))
            fit = survival.kaplan_meier(changed, "overall_survival")
            if (fit.median_survival_time_ == median
                    and math.floor(100 * survival.survival_at(fit, 60) + 0.5) == five_year_pct):
                found.append(chosen)
        if found:
            return found
    return []
