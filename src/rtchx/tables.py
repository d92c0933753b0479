"""Tables for the book, as pandas Stylers with readable headings."""

from __future__ import annotations

import pandas as pd

from .data import HISTOLOGY_NAMES

COHORT_LABELS = {"primary": "Primary", "after_r2_resection": "After R2 resection"}
SITE_LABELS = {"head_neck": "Head and neck", "trunk": "Trunk"}


def _size(row: pd.Series) -> str:
    """Table 3's size cell: 'X cm' or, after partial resection, 'X cm → Y cm'."""
    if row["diameter_before_rt_cm"] != row["diameter_initial_cm"]:
        return f"{row['diameter_initial_cm']:g} → {row['diameter_before_rt_cm']:g} cm"
    return f"{row['diameter_initial_cm']:g} cm"


def _radiotherapy(row: pd.Series) -> str:
    """Dose with the table's HF / HT marks."""
    marks = [m for m, on in (("HF", row["hyperfractionated"]), ("HT", row["hyperthermia"])) if on]
    return f"{row['dose_gy']:.1f} Gy" + (f" ({' + '.join(marks)})" if marks else "")


def patient_frame(patients: pd.DataFrame) -> pd.DataFrame:
    """One row per patient with the columns of Table 3, spelt out for a reader."""
    return pd.DataFrame({
        "Patient": patients["patient"],
        "Block": patients["cohort"].map(COHORT_LABELS),
        "Histology": patients["histology"].map(HISTOLOGY_NAMES),
        "Site": patients["site"].map(SITE_LABELS),
        "Stage / grade": patients["t_stage"] + " G" + patients["grade"].astype(str),
        "Size": patients.apply(_size, axis=1),
        "Radiotherapy": patients.apply(_radiotherapy, axis=1),
        "Ifosfamide (g/m²)": patients["ifosfamide_total_g_m2"].map(lambda v: f"{v:g}"),
        "Toxicity ≥ grade III": patients["toxicity"].replace("", "–"),
        "Local control (months)": patients.apply(
            lambda r: f"{r['lc_months']:g}" + (" (LF)" if r["local_failure"] else ""), axis=1),
        "Survival (months)": patients["os_months"].map(lambda v: f"{v:g}"),
        "Status": patients["status"],
    })


def patient_table(patients: pd.DataFrame, caption: str | None = None):
    """Table 3 as a styled table: local failures and deaths picked out, no index column."""
    frame = patient_frame(patients)

    def highlight(row: pd.Series) -> list[str]:
        styles = [""] * len(row)
        if row["Local control (months)"].endswith("(LF)"):
            styles[list(row.index).index("Local control (months)")] = "font-weight: bold"
        return styles

    wrap = ["Histology", "Toxicity ≥ grade III"]  # the long texts wrap; every other cell stays on one line
    styler = (frame.style.hide(axis="index").apply(highlight, axis=1)
              .set_table_styles([{"selector": "td, th", "props": "font-size: 0.85em; padding: 2px 6px;"},
                                 {"selector": "caption", "props": "text-align: left; caption-side: top;"}])
              .set_properties(subset=[c for c in frame.columns if c not in wrap], **{"white-space": "nowrap"}))
    if caption:
        styler = styler.set_caption(caption)
    return styler


def _constraint_text(field: dict) -> str:
    """A field's constraints in words, for the data dictionary."""
    c = field.get("constraints", {})
    parts = []
    if c.get("required"):
        parts.append("required")
    if c.get("unique"):
        parts.append("unique")
    if "enum" in c:
        parts.append("one of " + ", ".join(str(v) for v in c["enum"]))
    if "minimum" in c:
        parts.append(f"≥ {c['minimum']}")
    if "maximum" in c:
        parts.append(f"≤ {c['maximum']}")
    if "pattern" in c:
        parts.append(f"matches {c['pattern']}")
    return "; ".join(parts) or "–"


def schema_table(package: dict, resource_name: str) -> pd.DataFrame:
    """The data dictionary of one resource, read from ``datapackage.json`` so it never drifts."""
    resource = next(r for r in package["resources"] if r["name"] == resource_name)
    return pd.DataFrame([
        {
            "Column": field["name"],
            "Type": field["type"],
            "Meaning": field.get("description") or field.get("title", ""),
            "Rules": _constraint_text(field),
        }
        for field in resource["schema"]["fields"]
    ])
