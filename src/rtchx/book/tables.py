"""Tables for the book: reader-facing DataFrames, and ``BookTable`` to show them numbered and captioned."""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass

import pandas as pd

from rtchx.book.reasons import CAVEAT_SYMBOLS, mix_text, why
from rtchx.core import protocol, survival
from rtchx.core.audit import Caveat, DeathsHypothesis, Scorecard, Status
from rtchx.core.compare import SIZE_STANDARDISED, Comparison, HazardShape, ShapeKind, SizeBasis
from rtchx.core.data import HISTOLOGY_NAMES
from rtchx.core.design import Assumptions, DesignKind, TrialSize
from rtchx.core.quantities import CaseReportMatch, once_daily_fractions
from rtchx.core.whatif import Scenario
from rtchx.core.whatif import Summary as WhatIfSummary

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
    """One row per patient with the columns of Table 3, spelt out for a reader.

    Parameters
    ----------
    patients : DataFrame
        Table 3 (``rtchx.core.data.load_patients``).

    Returns
    -------
    DataFrame
        Patient, Block, Histology, Site, Stage / grade, Size, Radiotherapy, Ifosfamide,
        Toxicity, Local control, Survival and Status, as text.

    Example
    -------
    >>> from rtchx.core import data
    >>> patient_frame(data.load_patients()).loc[7, ["Size", "Radiotherapy"]].tolist()   # patient 8
    ['15 → 4 cm', '66.0 Gy (HF + HT)']
    """
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
    """The data dictionary of one resource, read from ``datapackage.json`` so it never drifts.

    Parameters
    ----------
    package : dict
        The descriptor (``rtchx.core.data.read_datapackage``).
    resource_name : str
        The resource, e.g. ``"patients"``.

    Returns
    -------
    DataFrame
        One row per column of the file: Column, Type, Meaning and Rules (in words).

    Example
    -------
    >>> from rtchx.core import data
    >>> schema_table(data.read_datapackage(), "patients")["Column"].iloc[0]
    'patient'
    """
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


# --- reported beside recomputed -----------------------------------------------------------------

class Mark(str):
    """A table cell's words, with a flag that says whether ``BookTable`` sets its row in bold.

    It is a ``str``, so a table of marks reads, sorts and compares as text; the
    bolding follows ``flagged``, never the symbol the words begin with.

    Example
    -------
    >>> cell = Mark("✗ beyond 7 weeks", flagged=True)
    >>> cell == "✗ beyond 7 weeks", cell.flagged
    (True, True)
    """

    flagged: bool

    def __new__(cls, text: str, flagged: bool = False):
        cell = super().__new__(cls, text)
        cell.flagged = flagged
        return cell


class Verdict(enum.StrEnum):
    """Whether a reported number agrees with the patient data, as a table shows it (rows that differ in bold)."""

    AGREES = "✓ agrees"
    DIFFERS = "✗ differs"
    NOT_IN_TABLE_3 = "– not in Table 3"
    NOT_COMPUTABLE = "– not computable"   # worded as the audit's status (rtchx.core.audit.Status)

    @classmethod
    def of(cls, agrees: bool | None, unchecked: Verdict | None = None) -> Verdict:
        """The verdict for ``agrees`` (True, False, or None for a claim Table 3 cannot check)."""
        if agrees is None:
            return unchecked or cls.NOT_IN_TABLE_3
        return cls.AGREES if agrees else cls.DIFFERS

    @property
    def flagged(self) -> bool:
        return self is Verdict.DIFFERS


#: How a reader sees each audit status and caveat: a symbol beside the word (the book colours the status).
STATUS_SYMBOLS = {Status.REPRODUCED: "✓", Status.ROUNDING: "≈", Status.DISCREPANT: "✗", Status.IMPOSSIBLE: "⊘",
                  Status.NOT_COMPUTABLE: "?"}


def _fmt(value: float | None, unit: str, decimals: int | None = None) -> str:
    """A number as a reader expects it: integers plain, other values to one decimal.

    With ``decimals`` (as the paper printed a reported value), exactly that many:
    50.0 Gy stays 50.0 Gy, 60 Gy stays 60 Gy and p = 0.37 is not shortened to 0.4.
    """
    if value is None or pd.isna(value):
        return "–"
    if decimals is not None:
        text = f"{value:.{decimals}f}"
        if unit == "p":
            return f"p = {text}"
        if unit == "months" and value == 1:
            unit = "month"
        return text + "%" if unit == "%" else text if unit == "patients" else f"{text} {unit}"
    if unit == "%":
        return f"{value:.1f}%".replace(".0%", "%")
    if unit == "Gy":
        return f"{value:.1f} Gy"
    text = f"{value:g}" if float(value).is_integer() else f"{value:.1f}"
    if unit == "months" and value == 1:
        unit = "month"
    return text if unit == "patients" else f"{text} {unit}"


def reported_vs_recomputed(compared: pd.DataFrame, location: str | None = None) -> pd.DataFrame:
    """One row per reported quantity: the printed value beside the recomputed one.

    A count and its percentage ("6 54%") share a row, as in the paper; the last
    column (headed ``""``) holds a ``Verdict``, and a row agrees only if every
    claim in it that Table 3 can check agrees.

    Parameters
    ----------
    compared : DataFrame
        ``rtchx.core.audit.check_claims(...)``.
    location : str, optional
        Keep only the claims from this part of the paper (e.g. "Table 1").

    Returns
    -------
    DataFrame
        Columns Quantity, Reported, From the patient data and ``""``.

    Example
    -------
    >>> from rtchx.core import audit, data
    >>> checked = audit.check_claims(data.load_resource("claims"), data.with_derived_columns(data.load_patients()))
    >>> table = reported_vs_recomputed(checked, "Table 1").set_index("Quantity")
    >>> table.loc["Grade 3", ["Reported", "From the patient data", ""]].tolist()
    ['8 (73%)', '8 (72.7%)', <Verdict.AGREES: '✓ agrees'>]
    """
    rows = []
    subset = compared if location is None else compared[compared["location"] == location]
    for quantity, group in subset.groupby("quantity", sort=False):
        count = group[group["unit"] != "%"]
        percent = group[group["unit"] == "%"]
        def joined(column: str, count=count, percent=percent) -> str:
            parts = [_fmt(getattr(r, column), r.unit) for r in count.itertuples()]
            percents = [_fmt(getattr(r, column), "%") for r in percent.itertuples()]
            return " ".join(parts + [f"({p})" if parts else p for p in percents])

        reported, recomputed = joined("reported"), joined("recomputed")
        verdicts = [v for v in group["agrees"] if v is not None]
        agrees = None if not verdicts else all(verdicts)
        rows.append({"Quantity": quantity, "Reported": reported,
                     "From the patient data": recomputed if agrees is not None else "–",
                     "": Verdict.of(agrees)})
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class VerdictCounts:
    """Rows of a reported-beside-recomputed table by verdict (``reported_vs_recomputed``)."""

    agree: int
    differ: int
    unchecked: int


def verdict_counts(table: pd.DataFrame) -> VerdictCounts:
    """Count a table's rows by their ``Verdict`` (whatever column holds it), for the prose.

    Parameters
    ----------
    table : DataFrame
        A table with one ``Verdict`` per row, e.g. ``reported_vs_recomputed(...)``.

    Returns
    -------
    VerdictCounts
        Rows that agree, that differ, and that Table 3 cannot check.

    Example
    -------
    >>> from rtchx.core import audit, data
    >>> checked = audit.check_claims(data.load_resource("claims"), data.with_derived_columns(data.load_patients()))
    >>> verdict_counts(reported_vs_recomputed(checked, "Table 1"))   # chapter 3: 7 of the 12 checkable rows agree
    VerdictCounts(agree=7, differ=5, unchecked=5)
    """
    verdicts = [next((v for v in row if isinstance(v, Verdict)), None) for row in table.itertuples(index=False)]
    return VerdictCounts(agree=verdicts.count(Verdict.AGREES), differ=verdicts.count(Verdict.DIFFERS),
                         unchecked=sum(v in (Verdict.NOT_IN_TABLE_3, Verdict.NOT_COMPUTABLE) for v in verdicts))


class BookTable:
    """A table that shows as a styled HTML table in Jupyter and as a numbered MyST table in the book.

    The book's HTML builder is told to prefer text/markdown (``nb_mime_priority_overrides``
    in _config.yml), so the table gets a number, a caption and a label to cross-reference.
    A row is set in bold in both renderings when one of its cells says so: a
    ``Verdict`` that differs, or a ``Mark`` that is flagged.
    """

    def __init__(self, frame: pd.DataFrame, caption: str, label: str):
        self.frame, self.caption, self.label = frame.reset_index(drop=True), caption, label

    def _flagged(self) -> pd.Series:
        """Rows to set in bold: those with a cell whose type flags it (``Verdict``, ``Mark``)."""
        flags = [any(getattr(v, "flagged", False) is True for v in row) for row in self.frame.itertuples(index=False)]
        return pd.Series(flags, index=self.frame.index, dtype=bool)

    def _repr_html_(self) -> str:
        flagged = self._flagged()
        styler = self.frame.style.hide(axis="index").set_caption(f"{self.caption}").apply(
            lambda row: ["font-weight: bold" if flagged[row.name] else ""] * len(row), axis=1)
        return styler.to_html()

    def _repr_markdown_(self) -> str:
        def cell(value, bold: bool) -> str:
            text = str(value).replace("|", "\\|").replace("\n", " ")
            return f"**{text}**" if bold and text not in ("", "–") else text

        flagged = self._flagged()
        header = "| " + " | ".join(str(c) or " " for c in self.frame.columns) + " |"
        rule = "|" + "|".join(":--" for _ in self.frame.columns) + "|"
        body = ["| " + " | ".join(cell(v, flagged[i]) for v in row) + " |"
                for i, row in enumerate(self.frame.itertuples(index=False))]
        return "\n".join([f"```{{table}} {self.caption}", f":name: {self.label}", "", header, rule, *body, "```"])


def treatment_length(patients: pd.DataFrame, delay_weeks: float = 0.0) -> pd.DataFrame:
    """For each once-daily course: the fewest weeks its dose needs at 2.0 Gy a day, in whole fractions, for reading.

    The weeks come from ``rtchx.core.protocol.course_lengths``; ``delay_weeks`` is added
    for the course interrupted by an abscess (the paper reports its delay; Table 3 only
    marks the interruption).

    Parameters
    ----------
    patients : DataFrame
        Table 3, one row per patient.
    delay_weeks : float
        The reported delay of the interrupted course, in weeks.

    Returns
    -------
    DataFrame
        Patient, Dose (Gy), Fewest weeks and a mark (``""``): within the stated weeks, or beyond them.

    Example
    -------
    >>> from rtchx.core import data
    >>> treatment_length(data.load_patients()).set_index("Patient").loc[7, "Fewest weeks"]
    '7.2'
    """
    lengths = protocol.course_lengths(patients, delay_weeks)
    longest = max(protocol.WEEKS_PLANNED)
    return pd.DataFrame({
        "Patient": lengths["patient"],
        "Dose (Gy)": lengths["dose_gy"].map(lambda d: f"{d:.1f}"),
        "Fewest weeks": lengths["fewest_weeks"].map(lambda w: f"{w:g}")
                        + lengths["interrupted"].map({True: " (with the delay)", False: ""}),
        "": lengths["within_planned"].map(lambda ok: Mark("✓ within the stated weeks") if ok
                                          else Mark(f"✗ beyond {longest} weeks", flagged=True)),
    })


#: The product-limit table's columns as the book names them (``product_limit_frame``); the events column
#: is named by the endpoint (``EVENT_COLUMNS``).
PRODUCT_LIMIT_COLUMNS = {"time": "Time (months)", "at_risk": "At risk", "censored": "Censored",
                         "conditional": "Share getting past this time", "survival": "Survival so far"}

#: What the events column of a product-limit table is called, by endpoint.
EVENT_COLUMNS = {"overall_survival": "Deaths", "local_control": "Local failures"}


def product_limit_frame(table: pd.DataFrame, endpoint: str = "overall_survival") -> pd.DataFrame:
    """A product-limit table (``rtchx.core.survival.product_limit_table``), for reading.

    The chapter's table and the step-by-step explorer both show it this way, so
    the two use the same column names.

    Parameters
    ----------
    table : DataFrame
        The table, one row per distinct time (an event or a censoring).
    endpoint : str
        A key of ``rtchx.core.survival.ENDPOINTS``; it names the events column
        (``EVENT_COLUMNS``: Deaths, or Local failures).

    Returns
    -------
    DataFrame
        Time (months), At risk, Deaths (or Local failures), Censored, Share getting
        past this time and Survival so far; times as printed, shares to three decimals.

    Example
    -------
    >>> from rtchx.core import survival
    >>> frame = product_limit_frame(survival.product_limit_table([2, 3], [True, False]))
    >>> list(frame.columns)
    ['Time (months)', 'At risk', 'Deaths', 'Censored', 'Share getting past this time', 'Survival so far']
    >>> frame["Share getting past this time"].tolist(), frame["Survival so far"].tolist()   # 1 - 1/2, then 1
    (['0.500', '1.000'], ['0.500', '0.500'])
    """
    shown = table.assign(time=table["time"].map("{:g}".format), conditional=table["conditional"].map("{:.3f}".format),
                         survival=table["survival"].map("{:.3f}".format))
    return shown.rename(columns={**PRODUCT_LIMIT_COLUMNS, "events": EVENT_COLUMNS[endpoint]})


def follow_up_definitions(follow_up: survival.FollowUp) -> pd.DataFrame:
    """Median follow-up by the three definitions in common use, one row each, for reading.

    Parameters
    ----------
    follow_up : rtchx.core.survival.FollowUp
        The three medians (``survival.follow_up(patients)``).

    Returns
    -------
    DataFrame
        Columns ``Definition`` (in words) and ``Months`` (a number).

    Example
    -------
    >>> from rtchx.core import data
    >>> follow_up_definitions(survival.follow_up(data.load_patients()))["Months"].tolist()
    [13.0, 106.0, 106.0]
    """
    return pd.DataFrame([
        {"Definition": "Median of every patient's time (deaths included)", "Months": follow_up.median_all},
        {"Definition": "Median among patients alive at the last visit", "Months": follow_up.median_alive},
        {"Definition": "Reverse Kaplan-Meier median (potential follow-up)", "Months": follow_up.median_reverse_km},
    ])


def ifosfamide_table(patients: pd.DataFrame) -> pd.DataFrame:
    """Per patient: total ifosfamide given, cycles that explains, intended dose, and Table 3's toxicity."""
    return pd.DataFrame({
        "Patient": patients["patient"],
        "Total given (g/m²)": patients["ifosfamide_total_g_m2"].map("{:g}".format),
        "Cycles given": patients["ifosfamide_cycles_given"],
        "Intended (g/m²)": patients["intended_ifosfamide_g_m2"].map("{:g}".format),
        "Toxicity ≥ grade III": patients["toxicity"].replace("", "–"),
        "": patients["regimen_complete"].map({True: Mark("complete"),
                                              False: Mark("✗ second cycle withheld", flagged=True)}),
    }).reset_index(drop=True)


def months_text(value: float) -> str:
    """A time for prose: '13 months', or 'not reached' for a median or limit the curve never reaches.

    Parameters
    ----------
    value : float
        Months; ``inf`` where the curve never gets there.

    Returns
    -------
    str
        The words to paste.

    Example
    -------
    >>> months_text(13.0), months_text(float("inf"))
    ('13 months', 'not reached')
    """
    return "not reached" if math.isinf(value) else f"{value:.0f} months"


def case_report_comparison(row: pd.Series, claims: pd.DataFrame, match: CaseReportMatch) -> pd.DataFrame:
    """What the case report (Results, Figure 3 caption) says beside what its row of Table 3 says.

    Parameters
    ----------
    row : Series
        The case's row of Table 3 (``rtchx.core.quantities.case_report_patient``).
    claims : DataFrame
        ``data/claims.csv``, for the case report's own numbers (dose, years, age).
    match : CaseReportMatch
        Which items agree (``rtchx.core.quantities.case_report_match``).

    Returns
    -------
    DataFrame
        Item, Case report, Table 3 and a ``Verdict`` per item; age and sex cannot be checked.

    Example
    -------
    >>> from rtchx.core import data, quantities
    >>> claims = data.load_resource("claims")
    >>> case = quantities.case_report_patient(data.load_patients())
    >>> match = quantities.case_report_match(case, claims.set_index("id")["reported"])
    >>> case_report_comparison(case, claims, match).set_index("Item").loc["Histology", ""]
    <Verdict.DIFFERS: '✗ differs'>
    """
    reported = claims.set_index("id")["reported"]
    years = row["os_months"] / 12
    items = [
        ("Dose", f"{reported['r_case_dose']:g} Gy", f"{row['dose_gy']:g} Gy", match.dose),
        ("Fractionation", "twice daily", "HF" if row["hyperfractionated"] else "once daily", match.twice_daily),
        ("Hyperthermia", "planned twice weekly, stopped after the first session", "HT", match.hyperthermia),
        ("Status at analysis", "alive without recurrence", row["status"], match.alive_without_disease),
        ("Free of disease after", f"{reported['f3_case_years']:g} years (Figure 3 caption)",
         f"{row['os_months']:g} months ({years:.1f} years) of follow-up", match.followed_long_enough),
        ("Site", "retroperitoneal, pelvic", SITE_LABELS[row["site"]], match.site),
        ("Surgery before radiotherapy", "partial resection", f"block '{COHORT_LABELS[row['cohort']]}', single size",
         match.partial_resection),
        ("Histology", "pleomorphic high-grade sarcoma", HISTOLOGY_NAMES[row["histology"]], match.histology),
        ("Age and sex", f"{reported['r_case_age']:g}-year-old woman", "not in Table 3", None),
    ]
    return pd.DataFrame([
        {"Item": item, "Case report": said, f"Table 3, patient {row['patient']}": table,
         "": Verdict.of(agrees, Verdict.NOT_COMPUTABLE)}
        for item, said, table, agrees in items
    ])


def historical_table(historical: pd.DataFrame) -> pd.DataFrame:
    """The comparator figures for reading: rate in percent, time point in months, blanks as dashes.

    Parameters
    ----------
    historical : DataFrame
        ``rtchx.core.data.load_historical()``.

    Returns
    -------
    DataFrame
        Id, Study, Subgroup, Endpoint, Months, Rate, Of and Stated in, as text.

    Example
    -------
    >>> from rtchx.core import data
    >>> historical_table(data.load_historical()).set_index("Id").loc["rt_alone_range_high", "Rate"]
    '45%'
    """
    return pd.DataFrame({
        "Id": historical["id"],
        "Study": historical["study"],
        "Subgroup": historical["subgroup"],
        "Endpoint": historical["endpoint"].str.replace("_", " "),
        "Months": historical["timepoint_months"].map(lambda m: "–" if pd.isna(m) else f"{m:g}"),
        "Rate": historical["rate"].map(lambda r: f"{100 * r:.0f}%"),
        "Of": historical["denominator"].map(lambda n: "–" if pd.isna(n) else str(n)),
        "Stated in": historical["stated_in"],
    })


def join_words(items) -> str:
    """'a', 'a and b', 'a, b and c': a list for a sentence; "" for no items (the sentence must say so itself)."""
    items = [str(i) for i in items]
    if not items:
        return ""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def status_text(status: Status, caveat: Caveat | None = None) -> str:
    """An audit status for the book: symbol and word, coloured by the ``status-…`` class, then any caveat's mark.

    Parameters
    ----------
    status : rtchx.core.audit.Status
    caveat : rtchx.core.audit.Caveat, optional

    Returns
    -------
    str
        MyST markup: a bracketed span with the class ``status-<status>``.

    Example
    -------
    >>> status_text(Status.REPRODUCED, Caveat.MISLEADING)
    '[✓ reproduced]{.status-reproduced} · ⚠ misleading'
    """
    shown = f"[{STATUS_SYMBOLS[status]} {status.value}]{{.status-{status.value.replace(' ', '-')}}}"
    return shown + (f" · {caveat_text(caveat)}" if caveat is not None else "")


def caveat_text(caveat: Caveat) -> str:
    """A caveat's mark and word: '⚠ misleading', '≠ not comparable'."""
    return f"{CAVEAT_SYMBOLS[caveat]} {caveat.value}"


def _status_cell(status: Status, caveat: Caveat | None = None) -> Mark:
    """A status cell, flagged (bold) for a claim that does not hold or cannot be true."""
    return Mark(status_text(status, caveat), flagged=status in (Status.DISCREPANT, Status.IMPOSSIBLE))


def audit_table(ledger: pd.DataFrame) -> pd.DataFrame:
    """The audit ledger for reading: status as symbol and word (coloured in the book), values, explanation, chapter.

    A claim with a caveat (``rtchx.core.audit.Caveat``) carries its own mark after the
    status, so that "reproduced" is not read as "fine"; reported values keep the
    paper's decimals (the ledger's ``decimals``). Rows of discrepant and impossible
    claims are set in bold.

    Parameters
    ----------
    ledger : DataFrame
        ``rtchx.core.audit.ledger(...)``, all of it or some rows.

    Returns
    -------
    DataFrame
        Columns Status, Quantity, Reported, From Table 3, Why and Shown in.

    Example
    -------
    >>> from rtchx.core import audit, data
    >>> ledger = audit.ledger(data.load_resource("claims"), data.with_derived_columns(data.load_patients()))
    >>> audit_table(ledger[ledger["id"] == "r_os_median"]).iloc[0, :4].tolist()
    ['[✗ discrepant]{.status-discrepant}', 'Median overall survival', '26 months', '13 months']
    """
    def value(v, unit: str, decimals: int | None = None) -> str:
        return _fmt(v, unit, decimals) if v is not None and not pd.isna(v) else "–"

    return pd.DataFrame({
        "Status": [_status_cell(s, c) for s, c in zip(ledger["status"], ledger["caveat"], strict=True)],
        "Quantity": ledger["quantity"],
        "Reported": [value(r, u, int(d)) for r, u, d in zip(ledger["reported"], ledger["unit"], ledger["decimals"],
                                                           strict=True)],
        "From Table 3": [value(v, u) for v, u in zip(ledger["recomputed"], ledger["unit"], strict=True)],
        "Why": [why(row) or "–" for row in ledger.itertuples(index=False)],
        "Shown in": ledger["chapter"].map(lambda c: f"{{doc}}`{c}`"),
    })


def scorecard_table(score: Scorecard) -> pd.DataFrame:
    """Claims per status, one row each (discrepant and impossible in bold).

    Parameters
    ----------
    score : rtchx.core.audit.Scorecard

    Returns
    -------
    DataFrame
        Columns Status (``status_text`` in a flagged ``Mark``) and Claims.

    Example
    -------
    >>> from rtchx.core import audit, data
    >>> ledger = audit.ledger(data.load_resource("claims"), data.with_derived_columns(data.load_patients()))
    >>> scorecard_table(audit.scorecard(ledger))["Status"].iloc[0]
    '[✓ reproduced]{.status-reproduced}'
    """
    counts = score.by_status()
    return pd.DataFrame({"Status": [_status_cell(s) for s in counts], "Claims": list(counts.values())})


def caveat_table(score: Scorecard) -> pd.DataFrame:
    """Claims per caveat, one row each: the marks counted apart from the statuses.

    Parameters
    ----------
    score : rtchx.core.audit.Scorecard

    Returns
    -------
    DataFrame
        Columns Mark ('⚠ misleading', '≠ not comparable') and Claims.

    Example
    -------
    >>> from rtchx.core import audit, data
    >>> ledger = audit.ledger(data.load_resource("claims"), data.with_derived_columns(data.load_patients()))
    >>> caveat_table(audit.scorecard(ledger)).values.tolist()
    [['⚠ misleading', 4], ['≠ not comparable', 1]]
    """
    counts = score.by_caveat()
    return pd.DataFrame({"Mark": [caveat_text(c) for c in counts], "Claims": list(counts.values())})


def deaths_hypothesis_table(hypothesis: DeathsHypothesis) -> pd.DataFrame:
    """Overall survival with the death during radiotherapy and each other death counted as censored, for reading.

    Parameters
    ----------
    hypothesis : rtchx.core.audit.DeathsHypothesis

    Returns
    -------
    DataFrame
        One row per set of ``hypothesis.with_death_in_therapy``: the deaths counted
        as censored, the median and five-year overall survival, and whether they
        give the published figures.

    Example
    -------
    >>> from rtchx.core import audit, data
    >>> table = deaths_hypothesis_table(audit.deaths_hypothesis(data.load_patients(), 6, 26, 34))
    >>> table.iloc[0].tolist()
    ['patients 2 and 6', '26', '34.3%', '✓ yes']
    """
    tried = hypothesis.with_death_in_therapy
    return pd.DataFrame({
        "Deaths counted as censored": [f"patients {join_words(c.patients)}" for c in tried],
        "Median overall survival (months)": [f"{c.median:g}" for c in tried],
        "At five years": [f"{c.five_year_pct:.1f}%" for c in tried],
        "Gives the published figures": ["✓ yes" if c.fits else "no" for c in tried],
    })


def fraction_table(patients: pd.DataFrame) -> pd.DataFrame:
    """For reading: each once-daily total, its shortest split into 1.8 and 2.0 Gy fractions, and its weeks.

    Parameters
    ----------
    patients : DataFrame
        Table 3 (``patient``, ``dose_gy``, ``hyperfractionated``).

    Returns
    -------
    DataFrame
        One row per once-daily course (``rtchx.core.quantities.once_daily_fractions``).

    Example
    -------
    >>> from rtchx.core import data
    >>> row = fraction_table(data.load_patients()).set_index("Patient").loc[10]
    >>> row["Fewest fractions"], row["Weeks at 5 a week"]
    ('7 × 1.8 + 30 × 2.0 Gy', '7.4')
    """
    courses = once_daily_fractions(patients)
    return pd.DataFrame({
        "Patient": [c.patient for c in courses],
        "Total (Gy)": [f"{c.dose_gy:.1f}" for c in courses],
        "Fewest fractions": [mix_text(c.fewest) if c.fewest else "none" for c in courses],
        "Fractions": [c.fewest.fractions if c.fewest else None for c in courses],
        "Weeks at 5 a week": [f"{c.fewest.weeks:g}" if c.fewest else "–" for c in courses],
        "Ways to split it": [len(c.mixes) for c in courses],
        "One size suffices": ["yes" if c.one_size else "no, both sizes" for c in courses],
    })


#: The rows of the what-if table: reader's name -> field of ``rtchx.core.whatif.Summary`` (rates in %).
WHATIF_ROWS = {
    "Patients": "patients",
    "Deaths": "deaths",
    "Local failures": "local_failures",
    "Median overall survival (months)": "os_median_months",
    "Overall survival at 5 years": "os_5y",
    "Local control at 5 years": "lc_5y",
    "Restricted mean local control (months)": "lc_restricted_mean_months",
    "E, primary comparison with Kepka": "primary_expected",
    "Exact p, primary comparison": "primary_p_exact",
}
_WHATIF_RATES = {"os_5y", "lc_5y"}


def _whatif_rows(summary: WhatIfSummary) -> dict[str, str]:
    """One summary's numbers as the what-if table shows them, by row name."""
    def shown(field: str, value: float) -> str:
        if isinstance(value, float) and math.isinf(value):
            return "not reached"
        if field in _WHATIF_RATES:
            return f"{value:.0%}"
        if field == "primary_p_exact":
            return f"{value:.3f}"
        if float(value).is_integer():
            return f"{value:g}"
        return f"{value:.1f}" if field.endswith("months") else f"{value:.2f}"

    rows = {name: shown(field, getattr(summary, field)) for name, field in WHATIF_ROWS.items()}
    return rows | {f"Audit: {status.value}": str(count) for status, count in summary.audit.by_status().items()}


def whatif_table(scenario: Scenario) -> pd.DataFrame:
    """A what-if scenario for reading: each number of Table 3 beside its value after the change, and whether it moved.

    Parameters
    ----------
    scenario : rtchx.core.whatif.Scenario
        From ``rtchx.core.whatif.recompute_with_change``.

    Returns
    -------
    DataFrame
        Columns Quantity, Table 3, With the change and Changed ("yes" where the
        shown value moved, else empty).

    Example
    -------
    >>> from rtchx.core import data, whatif
    >>> scenario = whatif.recompute_with_change(data.with_derived_columns(data.load_patients()),
    ...                                         data.load_historical(), data.load_resource("claims"), 10,
    ...                                         "censor_death")
    >>> whatif_table(scenario).set_index("Quantity").loc["Deaths"].tolist()
    ['8', '7', 'yes']
    """
    before, after = _whatif_rows(scenario.before), _whatif_rows(scenario.after)
    return pd.DataFrame({
        "Quantity": list(before),
        "Table 3": list(before.values()),
        "With the change": [after[name] for name in before],
        "Changed": ["yes" if before[name] != after[name] else "" for name in before],
    })


def p_text(p: float) -> str:
    """A p-value for a table: three decimals, and '< 0.001' rather than a row of zeros."""
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


#: How the book names each size basis of a comparison.
SIZE_BASIS_NAMES = {SizeBasis.BEFORE_RT: "size before RT", SizeBasis.INITIAL: "initial size",
                    SizeBasis.NONE: "one rate for all"}


def shape_label(shape: HazardShape) -> str:
    """A short label for a table column or a legend: 'Exponential', 'Weibull 0.5, then flat', '80% by 24 mo'.

    Example
    -------
    >>> shape_label(HazardShape.weibull(0.5, then_plateau=True))
    'Weibull 0.5, then flat'
    """
    if shape.kind is ShapeKind.WEIBULL:
        return f"Weibull {shape.weibull_k:.2g}" + (", then flat" if shape.then_plateau else "")
    if shape.kind is ShapeKind.EARLY:
        return f"{100 * shape.early_share:.0f}% by {shape.early_months:g} mo"
    return shape.kind.value.capitalize()


def reference_label(row: Comparison) -> str:
    """A short reader-facing name for one comparison's reference (without its hazard shape).

    Example
    -------
    >>> reference_label(primary)        # doctest: +SKIP
    'Kepka by size (as cited), size before RT'
    """
    if row.comparator in SIZE_STANDARDISED:
        source = "as cited" if row.comparator.endswith("cited") else "source's rates"
        return f"Kepka by size ({source}), {SIZE_BASIS_NAMES[row.size_basis]}"
    author = row.study.split(" ")[0]
    treatment = {"radiotherapy + iododeoxyuridine": " (RT + IdUrd)",
                 "radiotherapy, some with chemotherapy": " (RT, some with chemo)"}.get(row.treatment or "", "")
    subgroup = "" if row.subgroup == "all" else f", {row.subgroup} rate"
    return (f"{author}{treatment}: {row.historical_rate:.0%} at {row.timepoint_months:.0f} mo{subgroup}, "
            "applied to every patient")


def comparison_table(rows: list[Comparison]) -> pd.DataFrame:
    """One line per comparison (``rtchx.core.compare.Comparison``): reference, hazard shape, E, O/E, p."""
    return pd.DataFrame({
        "Reference": [reference_label(r) for r in rows],
        "Hazard shape": [r.shape.name for r in rows],
        "O": [r.observed_events for r in rows],
        "E": [f"{r.expected_events:.2f}" for r in rows],
        "O/E (95% exact)": [f"{r.o_over_e:.2f} ({r.o_over_e_ci_low:.2f}–{r.o_over_e_ci_high:.2f})" for r in rows],
        "p exact": [p_text(r.p_exact) for r in rows],
        "p normal": [p_text(r.p_normal) for r in rows],
    })


def expected_table(contributions: pd.DataFrame, patients: pd.DataFrame, size_column: str) -> pd.DataFrame:
    """Each patient's part of E (from ``rtchx.core.compare.expected_by_patient``), with the size that set the rate."""
    return pd.DataFrame({
        "Patient": contributions["patient"],
        "Size (cm)": patients[size_column].map("{:g}".format).to_numpy(),
        "Reference rate at 5 years": contributions["rate"].map("{:.0%}".format),
        "Months followed": contributions["months"].map("{:g}".format),
        "Local failure": contributions["event"].map({True: "yes", False: "–"}),
        "Expected failures (cumulative hazard)": contributions["cumulative_hazard"].map("{:.3f}".format),
    })


#: How the book names each trial design.
DESIGN_NAMES = {DesignKind.AHERN: "Single arm, one stage (A'Hern)",
                DesignKind.SIMON_OPTIMAL: "Single arm, two stages (Simon, optimal)",
                DesignKind.SIMON_MINIMAX: "Single arm, two stages (Simon, minimax)",
                DesignKind.ONE_SAMPLE_LOGRANK: "Single arm, one-sample log-rank",
                DesignKind.TWO_ARM_LOGRANK: "Randomised, two arms (Schoenfeld)"}

#: The designs whose size depends on deaths competing with local failure (they use follow-up times).
TIME_TO_EVENT_DESIGNS = (DesignKind.ONE_SAMPLE_LOGRANK, DesignKind.TWO_ARM_LOGRANK)


def design_name(kind: DesignKind) -> str:
    """The book's name for a trial design.

    Example
    -------
    >>> design_name(DesignKind.AHERN)
    "Single arm, one stage (A'Hern)"
    """
    return DESIGN_NAMES[kind]


def design_rule(size: TrialSize, assumptions: Assumptions) -> str:
    """The rule a design applies, in words (or why no design was found).

    Example
    -------
    >>> from rtchx.core import design
    >>> sizes = design.trial_sizes()
    >>> design_rule(sizes.ahern, sizes.assumptions)
    'promising if at least 16 of 25 are controlled at 60 months'
    """
    d = size.plan
    if d is None:
        return f"not found: {size.failure}"
    if size.design is DesignKind.AHERN:
        return f"promising if at least {d.r} of {d.n} are controlled at {assumptions.months:g} months"
    if size.design in (DesignKind.SIMON_OPTIMAL, DesignKind.SIMON_MINIMAX):
        return (f"stop if {d.r1} or fewer of the first {d.n1} are controlled; promising if more than {d.r} of "
                f"{d.n}; {d.expected_n:.1f} patients expected if the rate is only {assumptions.p0:.0%}")
    if size.design is DesignKind.ONE_SAMPLE_LOGRANK:
        return (f"one-sided test of the observed local failures against the historical curve: about "
                f"{d.events_alternative:.1f} expected if the treatment works, {d.events_null:.1f} if it does not")
    return (f"two-sided log-rank test once {d.events} local failures have occurred "
            f"(hazard ratio {d.hazard_ratio:.2f})")


def designs_table(sizes, with_deaths) -> pd.DataFrame:
    """Patients each design needs, with deaths ignored and competing, and the rule it applies.

    ``sizes`` and ``with_deaths`` are ``rtchx.core.design.TrialSizes`` under the same
    assumptions, without and with a competing death hazard; the binomial designs
    do not use it, so their cell refers to the text.
    """
    return pd.DataFrame({
        "Design": [design_name(s.design) for s in sizes],
        "Patients": [s.patients for s in sizes],
        "Patients if deaths compete": [w.patients if w.design in TIME_TO_EVENT_DESIGNS else "see text"
                                       for w in with_deaths],
        "Decision rule": [design_rule(s, sizes.assumptions) for s in sizes],
    })


def published_design_table(checked: pd.DataFrame) -> pd.DataFrame:
    """Published designs beside recomputed ones (from ``rtchx.core.design.check_published``), as readers see them."""
    def shown(values: dict) -> str:
        if "r1" in values:
            text = f"{values['r1']}/{values['n1']}, {values['r']}/{values['n']}"
            extra = [f"EN {values['expected_n']:g}" if "expected_n" in values else "",
                     f"PET {values['pet']:g}" if "pet" in values else ""]
            return ", ".join([text, *[e for e in extra if e]])
        return f"r = {values['r']} of n = {values['n']}"

    return pd.DataFrame({
        "Design": checked["design"].map({"ahern_single_stage": "A'Hern, one stage", "simon_optimal": "Simon, optimal",
                                         "simon_minimax": "Simon, minimax"}),
        "Source": checked["citation_key"].map(lambda k: f"{{cite:t}}`{k}`"),
        "p0 → p1": [f"{a:.2f} → {b:.2f}" for a, b in zip(checked["p0"], checked["p1"], strict=True)],
        "α, power": [f"{a:g}, {b:g}" for a, b in zip(checked["alpha"], checked["power"], strict=True)],
        "Published": checked["published"].map(shown),
        "Computed here": checked["computed"].map(shown),
        "": checked["agrees"].map({True: Mark("✓"), False: Mark("✗", flagged=True)}),
    })


def sensitivity_grid(rows: list[Comparison], shapes) -> pd.DataFrame:
    """Exact two-sided p (with E) of every comparison under every hazard shape: one row per comparison.

    ``rows`` come from ``rtchx.core.compare.sensitivity``; ``shapes`` are the
    ``HazardShape`` objects in column order.
    """
    names = list(dict.fromkeys(reference_label(r) for r in rows))
    cells = {(reference_label(r), r.shape): f"{p_text(r.p_exact)} (E {r.expected_events:.1f})" for r in rows}
    frame = pd.DataFrame({"Reference": names})
    for shape in shapes:
        frame[shape_label(shape)] = [cells.get((name, shape), "–") for name in names]
    return frame


def reference_range_table(ranges) -> pd.DataFrame:
    """One row per hazard shape: E and the exact p at the published rates, and with the rates' uncertainty
    carried through (the middle 95% of E, and the exact p averaged over the draws).

    ``ranges`` are ``rtchx.core.compare.ReferenceRange`` results, one per hazard shape.
    """
    return pd.DataFrame({
        "Hazard shape": [shape_label(r.shape) for r in ranges],
        "E at the published rates": [f"{r.expected:.2f}" for r in ranges],
        "E, middle 95% over the rates' uncertainty": [f"{r.expected_low:.2f}–{r.expected_high:.2f}" for r in ranges],
        "p at the published rates": [p_text(r.p_exact) for r in ranges],
        "p averaged over the rates' uncertainty": [p_text(r.p_exact_averaged) for r in ranges],
    })


#: The reader's names of the endpoints (``rtchx.core.survival.ENDPOINTS``).
ENDPOINT_LABELS = {"overall_survival": "Overall survival", "local_control": "Local control"}


def endpoint_label(name: str) -> str:
    """The reader's name of an endpoint.

    Parameters
    ----------
    name : str
        A key of ``rtchx.core.survival.ENDPOINTS``.

    Returns
    -------
    str
        The name as the book writes it at the start of a sentence.

    Example
    -------
    >>> endpoint_label("local_control")
    'Local control'
    """
    return ENDPOINT_LABELS[name]


#: The reader's names of the subgroup chapter's groupings (``rtchx.core.survival.GROUPINGS``).
GROUPING_LABELS = {"grade": "Grade", "size_initial": "Initial size", "size_before_rt": "Size before radiotherapy",
                   "site": "Site", "block": "Block of Table 3"}

#: The reader's names of the groups those groupings make (the codes of ``GROUPINGS``).
GROUP_LABELS = {"2": "G2", "3": "G3", "gt10": ">10 cm", "le10": "≤10 cm", "head_neck": "head and neck",
                "trunk": "trunk", "primary": "primary", "after_r2_resection": "after R2"}


def _groups_text(names, patients, events) -> str:
    """'G2: 5 (3 events); G3: 6 (5 events)': each group with its patients and events."""
    return "; ".join(f"{GROUP_LABELS[g]}: {n} ({e} event{'' if e == 1 else 's'})"
                     for g, n, e in zip(names, patients, events, strict=True) if g)


def subgroup_table(tests: pd.DataFrame, alpha: float) -> pd.DataFrame:
    """The subgroup tests for reading: names spelt out, p-values and hazard ratios formatted.

    Parameters
    ----------
    tests : DataFrame
        ``rtchx.core.exact.subgroup_tests(...)``, one row per (endpoint, grouping).
    alpha : float
        The level below which an exact p counts; a test whose smallest possible
        exact p is not below it shows 'none' for its detectable hazard ratio.

    Returns
    -------
    DataFrame
        One row per test: endpoint, grouping, the groups with their patients and
        events, events, chi-square, both p-values, the floor of the exact p and
        the smallest detectable hazard ratio.

    Example
    -------
    >>> from rtchx.core import data, exact
    >>> table = subgroup_table(exact.subgroup_tests(data.load_patients()), 0.05)
    >>> table.iloc[0, :3].tolist()
    ['Overall survival', 'Grade', 'G2: 3 (2 events); G3: 8 (6 events)']
    """
    return pd.DataFrame({
        "Endpoint": tests["endpoint"].map(endpoint_label),
        "Grouping": tests["grouping"].map(GROUPING_LABELS),
        "Groups (patients, events)": [
            _groups_text((t.group_1, t.group_2), (t.patients_1, t.patients_2), (t.events_1, t.events_2))
            for t in tests.itertuples()],
        "Events": tests["events"],
        "χ²": [_or_not_computable(v, "{:.2f}".format) for v in tests["chi2"]],
        "p (χ² approximation)": [_or_not_computable(v, p_text) for v in tests["p"]],
        "p (exact)": [_or_not_computable(v, p_text) for v in tests["exact_p"]],
        "Smallest exact p possible": [_or_not_computable(v, p_text) for v in tests["smallest_possible_p"]],
        "Smallest detectable HR": [NOT_COMPUTABLE_TEXT if hr is None or pd.isna(hr) else
                                   detectable_hr_text(hr, floor, alpha) for hr, floor
                                   in zip(tests["detectable_hr"], tests["smallest_possible_p"], strict=True)],
    })


#: What a table shows where the data in hand give no value (the reason is said beside the table).
NOT_COMPUTABLE_TEXT = "not computable"


def _or_not_computable(value, shown) -> str:
    return NOT_COMPUTABLE_TEXT if value is None or pd.isna(value) else shown(value)


def detectable_hr_text(hazard_ratio: float, smallest_possible_p: float, alpha: float) -> str:
    """The smallest detectable hazard ratio for a table, or 'none' where no outcome could reach ``alpha``.

    A test whose most extreme labelling still gives an exact p at or above alpha
    has no power at any hazard ratio; the large-sample formula would print a
    number all the same.
    """
    return "none" if smallest_possible_p >= alpha else f"{hazard_ratio:.0f}"
