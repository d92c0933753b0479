"""Every validation rule, each with a deliberately broken copy of the data.

Each broken file must be refused with a message that names the file, the row
(and its patient) and the column, and says what was expected.
"""

from __future__ import annotations

import json

import pytest
from conftest import edit_csv

from rtchx.core import data
from rtchx.core.schema import DataValidationError

ROW5 = "5,primary,Chondros.,trunk,T2,2,13,13,66.0,false,false,10,Leucopenia,21,true,30,DOD"


def problems_of(data_dir, resource="patients"):
    with pytest.raises(DataValidationError) as caught:
        data.load_resource(resource, data_dir)
    return caught.value.problems, str(caught.value)


def only_problem(data_dir, resource="patients"):
    problems, _ = problems_of(data_dir, resource)
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


def test_the_real_data_is_valid(repo):
    assert len(data.load_patients(repo / "data")) == 11
    assert len(data.load_historical(repo / "data")) > 0


def test_missing_column(data_copy):
    csv = data_copy / "patients.csv"
    lines = csv.read_text(encoding="utf-8").splitlines()
    # drop the last column ('status') from the header and from every row
    csv.write_text("\n".join(line.rsplit(",", 1)[0] for line in lines) + "\n", encoding="utf-8")
    data.rehash(data_copy)
    problem = only_problem(data_copy)
    assert (problem.file, problem.column) == ("patients.csv", "status")
    assert "missing from the header" in str(problem)


def test_unknown_column(data_copy):
    edit_csv(data_copy / "patients.csv", ",os_months,status\n", ",os_months,status_\n")
    problems, message = problems_of(data_copy)
    assert {p.column for p in problems} == {"status", "status_"}
    assert "not described in datapackage.json" in message


def test_unknown_status(data_copy):
    edit_csv(data_copy / "patients.csv", ",21,true,30,DOD", ",21,true,30,DEAD")
    problem = only_problem(data_copy)
    text = str(problem)
    assert (problem.row, problem.key, problem.column) == (5, "patient 5", "status")
    assert "patients.csv, row 5 (line 6), patient 5, column 'status'" in text
    assert "'AWOD', 'DOD'" in text and "'DEAD'" in text


# One broken cell each: (what is replaced, by what, the patient named, the column named, the phrase expected).
# Cross-field rules run only on a file that passes its schema, so each case reports exactly one problem.
SINGLE_CELL_CASES = {
    "negative months": (",9,false,9,DOD", ",9,false,-9,DOD", "patient 2", "os_months", ">= 0, found '-9'"),
    "local control longer than survival": (",21,true,30,DOD", ",31,true,30,DOD", "patient 5", "lc_months",
                                           "cannot last longer than survival"),
    "local failure at time 0": (",21,true,30,DOD", ",0,true,30,DOD", "patient 5", "lc_months", "positive time"),
    "alive without disease but failed locally": (",72,false,72,AWOD", ",72,true,72,AWOD", "patient 1",
                                                 "local_failure", "alive without disease"),
    "wrong type": (ROW5, ROW5.replace(",66.0,", ",66 Gy,"), "patient 5", "dose_gy", "expected a number"),
    "wrong boolean": (",21,true,30,DOD", ",21,LF,30,DOD", "patient 5", "local_failure", "true or false"),
    "grade outside 1 to 3": (ROW5, ROW5.replace(",T2,2,", ",T2,4,"), "patient 5", "grade", "one of 1, 2, 3"),
    "required cell empty": (ROW5, ROW5.replace(",66.0,", ",,"), "patient 5", "dose_gy", "the cell is empty"),
}


@pytest.mark.parametrize("old, new, key, column, phrase", SINGLE_CELL_CASES.values(), ids=SINGLE_CELL_CASES.keys())
def test_a_broken_cell_is_named_with_its_patient_and_column(data_copy, old, new, key, column, phrase):
    edit_csv(data_copy / "patients.csv", old, new)
    problem = only_problem(data_copy)
    assert (problem.file, problem.key, problem.column) == ("patients.csv", key, column)
    assert phrase in problem.message
    assert f"{key}, column '{column}'" in str(problem)


def test_duplicate_patient(data_copy):
    edit_csv(data_copy / "patients.csv", "\n6,primary,Synovials.", "\n5,primary,Synovials.")
    problem = only_problem(data_copy)
    assert (problem.row, problem.column) == (6, "patient")
    assert "unique" in problem.message and "row 5" in problem.message


def test_row_with_too_few_cells(data_copy):
    edit_csv(data_copy / "patients.csv", ROW5, ROW5.rsplit(",", 1)[0])
    problem = only_problem(data_copy)
    assert problem.row == 5 and "16 cells but the header has 17" in problem.message


def test_wrong_checksum(data_copy):
    edit_csv(data_copy / "patients.csv", ",21,true,30,DOD", ",22,true,30,DOD", rehash=False)
    problem = only_problem(data_copy)
    assert problem.file == "patients.csv" and problem.row is None
    assert "sha256" in problem.message and "python -m rtchx rehash" in problem.message


def test_missing_checksum(data_copy):
    package = json.loads((data_copy / "datapackage.json").read_text())
    del package["resources"][0]["hash"]
    (data_copy / "datapackage.json").write_text(json.dumps(package))
    assert "records no sha256" in only_problem(data_copy).message


def test_empty_file(data_copy):
    (data_copy / "patients.csv").write_text("", encoding="utf-8")
    data.rehash(data_copy)
    problem = only_problem(data_copy)
    assert problem.file == "patients.csv" and "empty" in problem.message
    assert "patient, cohort" in problem.message  # says which header it expected


def test_header_only(data_copy):
    csv = data_copy / "patients.csv"
    csv.write_text(csv.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    data.rehash(data_copy)
    assert "no data rows" in only_problem(data_copy).message


def test_several_problems_are_all_reported(data_copy):
    edit_csv(data_copy / "patients.csv", ",21,true,30,DOD", ",21,true,30,DEAD")
    edit_csv(data_copy / "patients.csv", ",66.0,false,false,10,Leucopenia", ",x,false,false,10,Leucopenia")
    problems, _ = problems_of(data_copy)
    assert {p.column for p in problems} == {"status", "dose_gy"}


def test_historical_rate_must_match_its_count(data_copy):
    edit_csv(data_copy / "historical.csv", "cure,,0.167,1,6", "cure,,0.25,1,6")
    problem = only_problem(data_copy, "historical")
    assert (problem.file, problem.key, problem.column) == ("historical.csv", "id head_neck_rt_alone", "rate")


def test_historical_rate_is_a_fraction(data_copy):
    edit_csv(data_copy / "historical.csv", "local_control,36,0.37,,36", "local_control,36,37,,36")
    problem = only_problem(data_copy, "historical")
    assert problem.column == "rate" and "<= 1" in problem.message


def test_error_is_a_value_error_with_a_readable_summary(data_copy):
    edit_csv(data_copy / "patients.csv", ",21,true,30,DOD", ",21,true,30,DEAD")
    with pytest.raises(ValueError, match=r"1 problem\(s\) in the data:\n  - patients.csv, row 5"):
        data.load_patients(data_copy)


def test_cli_validate_reports_problems(data_copy, capsys):
    from rtchx.__main__ import main

    assert main(["--data-dir", str(data_copy), "validate"]) == 0
    edit_csv(data_copy / "patients.csv", ",21,true,30,DOD", ",21,true,30,DEAD")
    assert main(["--data-dir", str(data_copy), "validate"]) == 1
    assert "column 'status'" in capsys.readouterr().err


@pytest.mark.parametrize("old, new, column, phrase", [
    ("0.45,0.7,0.05,0.8,,,16,25", "0.75,0.7,0.05,0.8,,,16,25", "p1", "must exceed"),
    ("0.3,0.5,0.05,0.8,5,15,18,46", "0.3,0.5,0.05,0.8,,15,18,46", "r1", "needs r1"),
    ("0.3,0.5,0.05,0.8,5,15,18,46", "0.3,0.5,0.05,0.8,5,50,18,46", "n1", "r1 < n1 < n"),
    ("0.45,0.7,0.05,0.8,,,16,25", "0.45,0.7,0.05,0.8,3,10,16,25", "r1", "single-stage design has no r1"),
    ("0.45,0.7,0.05,0.8,,,16,25", "0.45,0.7,0.05,1.0,,,16,25", "power", "strictly between 0 and 1"),
])
def test_published_design_rules(data_copy, old, new, column, phrase):
    edit_csv(data_copy / "published_designs.csv", old, new)
    problems, _ = problems_of(data_copy, "published_designs")
    assert any(p.column == column and phrase in str(p) and "published_designs.csv" in str(p) for p in problems), \
        [str(p) for p in problems]


def test_an_unsupported_constraint_is_refused_not_ignored(data_copy):
    package = json.loads((data_copy / "datapackage.json").read_text(encoding="utf-8"))
    package["resources"][0]["schema"]["fields"][0]["constraints"]["multipleOf"] = 2
    (data_copy / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    with pytest.raises(NotImplementedError, match="multipleOf"):
        data.load_patients(data_copy)
