"""Named quantities computed from the patient table, one per kind of number the paper reports.

``data/claims.csv`` names one of these keys for each reported number. A key
maps either to a function of the patient table (with derived columns) or to
``NotComputable``, which says why Table 3 cannot give that number. Percentages
are not separate keys: a claim in % divides the count by its denominator.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from . import protocol, survival


@dataclass(frozen=True)
class NotComputable:
    """A quantity the published patient data do not contain, and why."""

    reason: str


def _count(condition: Callable[[pd.DataFrame], pd.Series]) -> Callable[[pd.DataFrame], int]:
    return lambda p: int(condition(p).sum())


def _km_at(name: str, months: float) -> Callable[[pd.DataFrame], float]:
    return lambda p: 100 * survival.survival_at(survival.kaplan_meier(p, name), months)


QUANTITIES: dict[str, Callable[[pd.DataFrame], float] | NotComputable] = {
    "count_t1": _count(lambda p: p["t_stage"] == "T1"),
    "count_t2": _count(lambda p: p["t_stage"] == "T2"),
    "count_size_5to10_initial": _count(lambda p: p["size_class_initial"] == "5-10 cm"),
    "count_size_gt10_initial": _count(lambda p: p["size_class_initial"] == ">10 cm"),
    "count_size_gt10_before_rt": _count(lambda p: p["size_class_before_rt"] == ">10 cm"),
    "count_grade1": _count(lambda p: p["grade"] == 1),
    "count_grade2": _count(lambda p: p["grade"] == 2),
    "count_grade3": _count(lambda p: p["grade"] == 3),
    "count_site_head_neck": _count(lambda p: p["site"] == "head_neck"),
    "count_site_trunk": _count(lambda p: p["site"] == "trunk"),
    "count_intended_ifo_10": _count(lambda p: p["intended_ifosfamide_g_m2"] == 10),
    "count_intended_ifo_15": _count(lambda p: p["intended_ifosfamide_g_m2"] == 15),
    "count_hyperthermia": _count(lambda p: p["hyperthermia"]),
    "count_regimen_complete": _count(lambda p: p["regimen_complete"]),
    "count_rt_as_planned": _count(lambda p: ~p["toxicity"].isin(["Death during therapy", "Interruption (abscess)"])),
    "count_severe_skin": _count(lambda p: p["toxicity"].str.startswith("Skin toxicity")),
    "count_local_failures": _count(lambda p: p["local_failure"]),
    "count_alive_disease_free": _count(lambda p: p["status"] == "AWOD"),
    "dose_median": lambda p: float(p["dose_gy"].median()),
    "dose_min": lambda p: float(p["dose_gy"].min()),
    "dose_max": lambda p: float(p["dose_gy"].max()),
    "followup_median_all": lambda p: float(p["os_months"].median()),
    "followup_median_reverse_km": lambda p: float(survival.reverse_km(p).median_survival_time_),
    "followup_min": lambda p: float(p["os_months"].min()),
    "followup_max": lambda p: float(p["os_months"].max()),
    "followup_median_alive": lambda p: float(p.loc[p["status"] == "AWOD", "os_months"].median()),
    "lc_2y": _km_at("local_control", 24),
    "lc_5y": _km_at("local_control", 60),
    "lc_at_risk_24": lambda p: survival.at_risk(p, "local_control", 24),
    "lc_restricted_mean": lambda p: survival.restricted_mean(survival.kaplan_meier(p, "local_control")),
    "os_median": lambda p: float(survival.kaplan_meier(p, "overall_survival").median_survival_time_),
    "os_5y": _km_at("overall_survival", 60),
    # Both bounds of the disease-free and metastasis-free curves meet after the last death, so the
    # five-year values are fixed by Table 3 even though the curves are not (see survival.event_free_bounds).
    "dfs_5y": lambda p: 100 * survival.survival_at(survival.event_free_bounds(p)[0], 60),
    "mfs_5y": NotComputable("Depends on the definition: if every death counts as an event, Table 3 fixes it at the "
                            "share alive without disease (below the reported value); if deaths without metastasis "
                            "are censored, Table 3 cannot say."),
    "case_dose": lambda p: float(case_report_patient(p)["dose_gy"]),
    "case_followup_years": lambda p: float(case_report_patient(p)["os_months"]) / 12,
    "rt_delay": NotComputable("Table 3 records the interruption (abscess) but not its length."),
    "case_imaging": NotComputable("Table 3 gives no imaging dates (only that follow-up lasted longer)."),
    "count_all": lambda p: len(p),
    "count_over_5cm": _count(lambda p: p["diameter_initial_cm"] > 5),
    "count_hyperfractionated": _count(lambda p: p["hyperfractionated"]),
    "residual_of_large_resected": lambda p: float(p.loc[(p["diameter_initial_cm"] > 10)
                                                        & (p["diameter_before_rt_cm"] < p["diameter_initial_cm"]),
                                                        "diameter_before_rt_cm"].iloc[0]),
    "lf_time_first": lambda p: float(p.loc[p["local_failure"], "lc_months"].sort_values().iloc[0]),
    "lf_time_second": lambda p: float(p.loc[p["local_failure"], "lc_months"].sort_values().iloc[1]),
    "lf_dose_first": lambda p: float(p[p["local_failure"]].sort_values("lc_months")["dose_gy"].iloc[0]),
    "lf_dose_second": lambda p: float(p[p["local_failure"]].sort_values("lc_months")["dose_gy"].iloc[1]),
    "lc_last_failure": lambda p: float(p.loc[p["local_failure"], "lc_months"].max()),
    "latest_death": lambda p: float(p.loc[p["status"] == "DOD", "os_months"].max()),
    "count_alive_over_60_months": _count(lambda p: (p["status"] == "AWOD") & (p["os_months"] > 60)),
    "died_in_therapy_size": lambda p: float(
        p.loc[p["toxicity"] == "Death during therapy", "diameter_initial_cm"].iloc[0]),
    "count_lf_over_10cm": _count(lambda p: p["local_failure"] & (p["diameter_initial_cm"] > 10)),
    "count_at_risk_24_under_10cm_before_rt": _count(
        lambda p: (p["lc_months"] >= 24) & (p["diameter_before_rt_cm"] < 10)),
    "count_whole_fraction_doses": _count(
        lambda p: ~p["hyperfractionated"] & p["dose_gy"].map(protocol.whole_fractions)),
    "count_one_cycle_with_leucopenia": _count(
        lambda p: ~p["regimen_complete"] & p["toxicity"].str.startswith("Leucopenia")),
    "case_in_r2_block": lambda p: int(case_report_patient(p)["cohort"] == "after_r2_resection"),
    "count_died_in_therapy": _count(lambda p: p["toxicity"] == "Death during therapy"),
    "rt_weeks_min": lambda p: float(p.loc[~p["hyperfractionated"], "dose_gy"].map(protocol.minimum_weeks).min()),
    "rt_weeks_max": lambda p: float(p.loc[~p["hyperfractionated"], "dose_gy"].map(protocol.minimum_weeks).max()),
    "ht_sessions": NotComputable("Table 3 does not give the number of hyperthermia sessions."),
    "skin_evaluable": NotComputable("Table 3 does not say whose skin toxicity could be evaluated."),
    "early_deaths": NotComputable("The paper does not say what counts as an early death."),
    "age": NotComputable("Table 3 does not give ages."),
    "sex": NotComputable("Table 3 does not give sex."),
    "technique": NotComputable("Table 3 does not say which patients had IMRT."),
    "dfs": NotComputable("Table 3 gives no dates of recurrence or metastasis; only bounds can be computed."),
    "mfs": NotComputable("Table 3 gives no dates of metastasis; only bounds can be computed."),
    "cause_of_death": NotComputable("Table 3 gives no cause of death beyond 'dead of disease'."),
}


def case_report_patient(patients: pd.DataFrame) -> pd.Series:
    """The row of Table 3 that the case report (Results, Figure 3) describes.

    The case had 60 Gy twice daily (hyperfractionated) with regional hyperthermia
    and was alive without disease at the time of analysis; exactly one row fits.
    An error, not a guess, if none or several do.
    """
    match = patients[(patients["dose_gy"] == 60) & patients["hyperfractionated"]
                     & patients["hyperthermia"] & (patients["status"] == "AWOD")]
    if len(match) != 1:
        raise ValueError(f"{len(match)} rows fit the case report (60 Gy, HF + HT, alive); expected exactly one")
    return match.iloc[0]


def compute(key: str, patients: pd.DataFrame) -> float | NotComputable:
    """The value of one quantity for this patient table (with derived columns).

    Raises ValueError when the table has too few matching patients (an edited table
    with one local failure has no second one), so that the audit can say so.
    """
    if key not in QUANTITIES:
        raise KeyError(f"unknown quantity {key!r}; known: {', '.join(sorted(QUANTITIES))}")
    quantity = QUANTITIES[key]
    if isinstance(quantity, NotComputable):
        return quantity
    try:
        return quantity(patients)
    except IndexError as error:
        raise ValueError(f"these data have too few matching patients for {key!r}") from error


def compare_claims(claims: pd.DataFrame, patients: pd.DataFrame) -> pd.DataFrame:
    """Each claim beside the value recomputed from the patient data, for the chapters' tables.

    A thin view of ``rtchx.audit.ledger`` (one classification for the whole
    book): adds ``recomputed`` (None where not computable or impossible),
    ``agrees`` (True when reproduced or equal after rounding, False when
    discrepant or impossible, None when not computable) and ``note``.
    """
    from .audit import ledger

    table = ledger(claims, patients)
    agrees = {"reproduced": True, "rounding": True, "discrepant": False, "impossible": False,
              "not computable": None}
    return table.assign(recomputed=table["reproduced"].astype(object).where(table["reproduced"].notna(), None),
                        agrees=table["status"].map(agrees).astype(object).where(
                            table["status"] != "not computable", None),
                        note=table["explanation"])
