"""Altered but valid copies of data/, for tests that change the data and check what follows.

Each builder copies the repository's ``data/`` to ``dst`` (a folder that must not exist yet),
changes ``patients.csv`` as its name says, records the new checksums (``rehash``) and returns
``dst``. The copies pass ``validate``; the numbers they should give are worked out by hand in
the tests that use them (tests/test_altered.py).

The names are stable: other tests (the book build on altered data among them) import them.

- ``one_patient_fewer``: patient 7 (a primary-cohort grade-3 trunk tumour with a local failure
  at 6 months, dead at 10 months) removed; 10 patients, 1 local failure, 7 deaths.
- ``one_local_failure_fewer``: patient 7's local failure undone (local control censored at
  6 months, still dead of disease at 10); 11 patients, 1 local failure, 8 deaths.
- ``no_local_failures``: both local failures (patients 5 and 7) undone; 11 patients, no local
  failure, 8 deaths.
- ``everyone_alive``: every patient alive without disease (AWOD), which also means no local
  failure (the schema forbids a local failure for an AWOD patient); times are unchanged.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Callable
from pathlib import Path

from rtchx.core import data

REPO = Path(__file__).resolve().parents[1]


def _rewrite_patients(dst: Path, change: Callable[[list[dict]], list[dict]]) -> Path:
    """Copy data/ to ``dst``, pass patients.csv's rows (dicts of the raw text) through ``change``,
    write them back in the same format and rehash."""
    dst = Path(dst)
    shutil.copytree(REPO / "data", dst)
    path = dst / "patients.csv"
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        fields = reader.fieldnames
        rows = list(reader)
    rows = change(rows)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    data.rehash(dst)
    return dst


def one_patient_fewer(dst: Path) -> Path:
    """data/ without patient 7 (10 patients: T2 10 of 10, grade 3 7 of 10, one local failure)."""
    return _rewrite_patients(dst, lambda rows: [r for r in rows if r["patient"] != "7"])


def _no_failure_for(patients: set[str]) -> Callable[[list[dict]], list[dict]]:
    def change(rows: list[dict]) -> list[dict]:
        for r in rows:
            if r["patient"] in patients:
                r["local_failure"] = "false"
        return rows
    return change


def one_local_failure_fewer(dst: Path) -> Path:
    """data/ with patient 7's local failure undone (patient 5's at 21 months is the only one left)."""
    return _rewrite_patients(dst, _no_failure_for({"7"}))


def no_local_failures(dst: Path) -> Path:
    """data/ with both local failures (patients 5 and 7) undone: nobody fails locally."""
    return _rewrite_patients(dst, _no_failure_for({"5", "7"}))


def everyone_alive(dst: Path) -> Path:
    """data/ with every patient alive without disease (AWOD) and so no local failure; nobody died (so nobody
    died during therapy either: that toxicity is cleared)."""
    def change(rows: list[dict]) -> list[dict]:
        for r in rows:
            r["status"] = "AWOD"
            r["local_failure"] = "false"
            if r["toxicity"] == "Death during therapy":
                r["toxicity"] = ""
        return rows
    return _rewrite_patients(dst, change)


ALTERED = {
    "one_patient_fewer": one_patient_fewer,
    "one_local_failure_fewer": one_local_failure_fewer,
    "no_local_failures": no_local_failures,
    "everyone_alive": everyone_alive,
}
