"""One error path for every command: broken data gives one clear message and exit 1, never a traceback.

A first slice of issue 15's broken-input corpus: a file in another encoding, a
line break inside a quoted field, a folder where a file should be, a truncated
``datapackage.json``, and ``RTCHX_DATA_DIR`` pointing nowhere. Each goes through
every command that reads the data, in process (an uncaught exception would
fail the test with its traceback).
"""

from __future__ import annotations

import pytest
from conftest import edit_csv

from rtchx.__main__ import main

COMMANDS = ["validate", "results", "audit", "compare"]


def latin1_text(copy):
    # a toxicity text with an umlaut, saved in Latin-1: 'ä' is byte 0xe4, not UTF-8
    path = copy / "patients.csv"
    path.write_bytes(path.read_text(encoding="utf-8").replace(",Leucopenia,", ",Leukopenie ä,").encode("latin-1"))
    return ["patients.csv", "line 2 is not valid utf-8"]   # line 2 already holds a non-ASCII sign


def quoted_line_break(copy):
    # row 5's status split by a line break inside quotes: one record whose status is "D\nOD", not two lines
    edit_csv(copy / "patients.csv", ",21,true,30,DOD", ',21,true,30,"D\nOD"')
    return ["patients.csv", "row 5", "column 'status'"]


def folder_for_a_file(copy):
    (copy / "patients.csv").unlink()
    (copy / "patients.csv").mkdir()
    return ["patients.csv", "is a folder"]


def truncated_descriptor(copy):
    path = copy / "datapackage.json"
    path.write_text(path.read_text(encoding="utf-8")[:500], encoding="utf-8")
    return ["datapackage.json", "not valid JSON at line"]


BREAKS = [latin1_text, quoted_line_break, folder_for_a_file, truncated_descriptor]


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("breaks", BREAKS, ids=lambda f: f.__name__)
def test_every_command_reports_broken_data_in_one_message(breaks, command, data_copy, capsys):
    expected = breaks(data_copy)
    assert main(["--data-dir", str(data_copy), command]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    for words in expected:
        assert words in err, err


@pytest.mark.parametrize("command", COMMANDS)
def test_a_data_folder_that_is_not_there(command, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("RTCHX_DATA_DIR", str(tmp_path / "nowhere"))
    assert main([command]) == 1
    err = capsys.readouterr().err
    assert "RTCHX_DATA_DIR" in err and "nowhere" in err and "Traceback" not in err


def test_the_real_data_still_passes(repo, capsys):
    assert main(["--data-dir", str(repo / "data"), "validate"]) == 0
    assert "valid" in capsys.readouterr().out
