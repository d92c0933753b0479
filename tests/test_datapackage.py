"""The data package itself: a second validator agrees, the contract columns are there, the sources are cited."""

from __future__ import annotations

import csv
import json
import re

import frictionless
from conftest import edit_csv

from rtchx.core import data

CONTRACT = [  # the column names other parts of the book rely on (issue 2)
    "patient", "cohort", "histology", "site", "t_stage", "grade", "diameter_initial_cm",
    "diameter_before_rt_cm", "dose_gy", "hyperfractionated", "hyperthermia", "ifosfamide_total_g_m2",
    "toxicity", "lc_months", "local_failure", "os_months", "status",
]


def test_frictionless_finds_the_package_valid(repo):
    report = frictionless.validate(str(repo / "data" / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_frictionless_also_catches_a_changed_file(data_copy):
    # proves the second validator really checks the hash and the schema, so its 'valid' means something
    edit_csv(data_copy / "patients.csv", ",21,true,30,DOD", ",21,true,30,DEAD", rehash=False)
    report = frictionless.validate(str(data_copy / "datapackage.json"))
    kinds = {error[0] for error in report.flatten(["type"])}
    assert not report.valid and "hash-count" in kinds and "constraint-error" in kinds


def test_patient_columns_are_the_contract(repo):
    header = (repo / "data" / "patients.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    fields = [f["name"] for f in data.read_datapackage(repo / "data")["resources"][0]["schema"]["fields"]]
    assert header == fields == CONTRACT


def test_recorded_hashes_are_current(repo):
    package = data.read_datapackage(repo / "data")
    for resource in package["resources"]:
        assert resource["hash"] == "sha256:" + data.sha256_of(repo / "data" / resource["path"])


def test_package_names_its_licence_and_sources(repo):
    package = data.read_datapackage(repo / "data")
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert any("10.1186/1748-717X-5-55" in s.get("path", "") for s in package["sources"])


def test_every_citation_key_is_in_the_bibliography(repo):
    bib_keys = set(re.findall(r"@\w+\{(\w+),", (repo / "book" / "references.bib").read_text()))
    assert set(data.load_historical(repo / "data")["citation_key"]) <= bib_keys


def test_historical_rows_carry_the_papers_comparators(repo):
    h = data.load_historical(repo / "data").set_index("id")
    assert h.loc["kepka_lc_5to10_cited", ["rate", "timepoint_months"]].tolist() == [0.45, 60]
    assert h.loc["kepka_lc_gt10_cited", "rate"] == 0.10
    assert h.loc["kepka_lc_gt10_source", "rate"] == 0.09  # the source's own figure differs
    assert h.loc["goffman_lc_3y", ["rate", "timepoint_months", "denominator"]].tolist() == [0.37, 36, 36]
    assert h.loc["kepka_share_ge10cm", ["count", "denominator"]].tolist() == [33, 112]
    assert h.loc["head_neck_rt_alone", ["count", "denominator"]].tolist() == [1, 6]
    assert sorted(h.loc[h.index.str.startswith("rt_alone_range"), "rate"]) == [0.30, 0.45]


def test_rehash_keeps_the_descriptor_otherwise_unchanged(data_copy):
    before = json.loads((data_copy / "datapackage.json").read_text())
    data.rehash(data_copy)
    assert json.loads((data_copy / "datapackage.json").read_text()) == before


def test_package_contents_counted_a_second_way(repo):
    # read the CSV files with the standard library, not through the validator that package_contents uses
    def rows(name):
        with open(repo / "data" / f"{name}.csv", encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))

    historical = rows("historical")
    contents = data.package_contents(repo / "data")
    assert contents.tables == len(list((repo / "data").glob("*.csv")))
    assert (contents.patient_rows, contents.patient_columns) == (len(rows("patients")), len(CONTRACT))
    assert contents.historical_rows == len(historical)
    assert contents.historical_from_paper == sum(r["stated_in"].startswith("Eckert et al. 2010") for r in historical)
    assert contents.historical_from_paper + contents.historical_from_source == len(historical)
    assert contents.historical_cohort_shares == sum(r["endpoint"] == "share_of_cohort" for r in historical)
    assert (contents.claims, contents.published_designs) == (len(rows("claims")), len(rows("published_designs")))
